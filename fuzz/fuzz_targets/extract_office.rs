//! Any bytes given to the extractors of the zipped office formats (the first
//! byte picks ODT, ODS, ODP, DOCX, XLSX or PPTX): pages or a reason, never a
//! panic, and never more text than the limit however the archive expands.
#![no_main]

use libfuzzer_sys::fuzz_target;
use savoirs::files::extract::{MAX_TEXT, extract_bytes};

const TYPES: [&str; 6] = [
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let media_type = TYPES[usize::from(*first) % TYPES.len()];
    let got = extract_bytes(rest, media_type);
    assert!(got.pages.iter().map(String::len).sum::<usize>() <= MAX_TEXT);
});
