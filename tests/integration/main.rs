//! Integration tests: run the `canhbao` binary and inspect what it writes.

mod architecture;
mod batch;
mod copies;
mod custom;
mod designer;
mod elderly;
mod formats;
mod icons;
mod input;
mod leaflet;
mod library;
mod loa;
mod preflight;
mod print;
mod props;
mod province;
mod province_proof;
mod readable;
mod readme;
mod report; // issue 27
mod sandbox;
mod units;
mod util;
mod words;
