//! Any bytes given to the Markdown importer: it reports what it cannot read,
//! and never panics; and every valid record it reads, written back as a
//! Markdown file, reads back as the same fields (what the export writes, the
//! import reads).
#![no_main]

use libfuzzer_sys::fuzz_target;
use savoirs::import::{self, Format, markdown};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The input as it is, and as front matter, so that the YAML reader is
    // reached without the fuzzer having to find the `---` line first.
    for prefix in ["", "---\n", "---\nkind: action\ntitle: Fiche\n"] {
        let text = format!("{prefix}{text}");
        let (items, rejected) = import::parse("fuzz", Format::Markdown, &text);
        let _ = rejected;
        for (_, item) in &items {
            if !savoirs::model::validate(&item.record).is_empty() {
                continue;
            }
            let mut object = item.record.to_json();
            object.shift_remove("revision");
            let written = markdown::write(&object);
            let read = markdown::object(&written).map(|d| d.object);
            assert!(
                read.as_ref().ok() == Some(&object),
                "{object:?}\nwritten as\n{written}\nread back as {read:?}",
                read = read.map_err(|(line, e)| format!("{line}: {e}")),
            );
        }
    }
});
