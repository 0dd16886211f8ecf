//! Any bytes given to the PDF text extractor, as an upload would reach it:
//! pages or a reason, never more text than the limit.
//!
//! The parser (pdf-extract, lopdf) panics on some malformed files; Savoirs
//! reads each page under `catch_unwind`, and in a child process besides. So a
//! panic raised inside those crates and caught there is the designed outcome,
//! while a panic anywhere else, or one that escapes, is a crash: the panic hook
//! lets the first kind unwind and aborts on the rest.
#![no_main]

use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use savoirs::files::extract::{MAX_TEXT, extract_bytes};

static HOOK: Once = Once::new();

/// Whether a panic was raised in a dependency's code (a crate from the registry).
fn in_a_parser(info: &std::panic::PanicHookInfo<'_>) -> bool {
    info.location()
        .is_some_and(|l| l.file().contains("/.cargo/registry/"))
}

fuzz_target!(|data: &[u8]| {
    HOOK.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !in_a_parser(info) {
                abort(info);
            }
        }));
    });
    let got = extract_bytes(data, "application/pdf");
    assert!(got.pages.iter().map(String::len).sum::<usize>() <= MAX_TEXT);
});
