//! Integration tests: run the `canhbao` binary and inspect what it writes.

mod batch;
mod custom;
mod formats;
mod input;
mod leaflet;
mod loa;
mod print;
mod props;
mod readable;
mod sandbox;
mod util;
