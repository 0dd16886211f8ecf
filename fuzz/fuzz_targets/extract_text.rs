//! Any bytes given to the text extractors (the first byte picks plain text,
//! CSV, Markdown or HTML) and to the type detection: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use savoirs::files::extract::{MAX_TEXT, extract_bytes};

const TYPES: [&str; 4] = ["text/plain", "text/csv", "text/markdown", "text/html"];

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let media_type = TYPES[usize::from(*first) % TYPES.len()];
    let got = extract_bytes(rest, media_type);
    assert!(got.pages.iter().map(String::len).sum::<usize>() <= MAX_TEXT);
    if media_type == "text/html" {
        // What a page's script or style says is never text of the file.
        let text = got.pages.concat();
        assert!(!text.contains('<') || rest.contains(&b'&'));
    }
});
