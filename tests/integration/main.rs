//! Integration tests: run the `canhbao` binary and inspect what it writes.

mod input;
mod leaflet;
mod sandbox;
mod util;
