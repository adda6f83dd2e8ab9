//! Integration tests: run the `canhbao` binary and inspect what it writes.

mod batch;
mod input;
mod leaflet;
mod loa;
mod print;
mod sandbox;
mod util;
