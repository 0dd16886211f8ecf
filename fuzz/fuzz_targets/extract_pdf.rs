//! Any bytes given to the PDF text extractor, as an upload would reach it:
//! it gives pages or a reason, and never panics in Savoirs' own code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use savoirs::files::extract::{MAX_TEXT, extract_bytes};

fuzz_target!(|data: &[u8]| {
    let got = extract_bytes(data, "application/pdf");
    assert!(got.pages.iter().map(String::len).sum::<usize>() <= MAX_TEXT);
    assert!(got.has_text() || got.failure.is_some() || got.pages.iter().all(|p| p.trim().is_empty()));
});
