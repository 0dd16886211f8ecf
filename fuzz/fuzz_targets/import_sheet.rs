//! Any bytes given to the sheet importer's parser: it reports what it cannot
//! read, and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use savoirs::import::{self, Format};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (items, rejected) = import::parse("fuzz", Format::Sheet, &text);
    // Every parsed item is a record the model can validate.
    for (_, item) in &items {
        let _ = savoirs::model::validate(&item.record);
    }
    let _ = rejected;
});
