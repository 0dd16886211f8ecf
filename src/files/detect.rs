//! What a file is, read from its first bytes and, for zipped formats, from the
//! names inside the archive: never from its name alone, which anyone can change.
//! The name only tells apart kinds of plain text (CSV, Markdown), which look alike.

use std::io::{Read, Seek};

/// The types Savoirs accepts, with their short names (the file-type facet).
pub const ACCEPTED: [(&str, &str); 14] = [
    ("application/pdf", "pdf"),
    ("application/vnd.oasis.opendocument.text", "odt"),
    ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    ("application/vnd.oasis.opendocument.presentation", "odp"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    ("text/plain", "txt"),
    ("text/markdown", "md"),
    ("text/html", "html"),
    ("text/csv", "csv"),
    ("image/png", "png"),
    ("image/jpeg", "jpeg"),
    ("image/webp", "webp"),
];

/// The short name of an accepted media type (`pdf`, `odt` …).
pub fn format_of(media_type: &str) -> &'static str {
    ACCEPTED
        .iter()
        .find(|(m, _)| *m == media_type)
        .map_or("other", |(_, f)| f)
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The content is of a type Savoirs does not take; says which when known.
    Unsupported(Option<&'static str>),
    /// The name says one type and the content another.
    Disguised {
        claimed: &'static str,
        found: &'static str,
    },
    Empty,
}

impl Refused {
    /// The message shown, in French.
    pub fn message(&self) -> String {
        let accepted =
            "PDF, ODT, ODS, ODP, DOCX, XLSX, PPTX, texte, Markdown, HTML, CSV, PNG, JPEG ou WebP";
        match self {
            Refused::Unsupported(Some(what)) => {
                format!(
                    "Ce fichier est du {what}, que Savoirs n'accepte pas. Formats acceptés : {accepted}."
                )
            }
            Refused::Unsupported(None) => {
                format!("Le type de ce fichier n'est pas reconnu. Formats acceptés : {accepted}.")
            }
            Refused::Disguised { claimed, found } => format!(
                "Le nom annonce un fichier {} mais son contenu est du {}. Renommez-le ou envoyez le bon fichier.",
                claimed.to_uppercase(),
                found.to_uppercase()
            ),
            Refused::Empty => "Le fichier est vide.".to_owned(),
        }
    }
}

/// Reads the type of the file at `path`, named `name` by whoever sent it.
pub fn detect(
    path: &std::path::Path,
    name: &str,
) -> std::io::Result<Result<&'static str, Refused>> {
    let mut file = std::fs::File::open(path)?;
    let mut head = vec![0u8; 8192];
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    head.truncate(filled);
    let found = if head.starts_with(b"PK\x03\x04") {
        file.rewind()?;
        zipped(file)
    } else {
        by_magic(&head, name)
    };
    Ok(found.and_then(|media_type| agrees_with_name(media_type, name)))
}

/// The type of bytes that are not a zip archive.
fn by_magic(head: &[u8], name: &str) -> Result<&'static str, Refused> {
    if head.is_empty() {
        return Err(Refused::Empty);
    }
    if head.starts_with(b"%PDF-") {
        return Ok("application/pdf");
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok("image/png");
    }
    if head.starts_with(b"\xFF\xD8\xFF") {
        return Ok("image/jpeg");
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Ok("image/webp");
    }
    for (magic, what) in [
        (&b"GIF8"[..], "GIF"),
        (
            b"\xD0\xCF\x11\xE0",
            "format Office ancien (.doc, .xls, .ppt)",
        ),
        (b"\x7FELF", "programme"),
        (b"MZ", "programme Windows"),
        (b"\x1F\x8B", "gzip"),
        (b"Rar!", "RAR"),
        (b"7z\xBC\xAF", "7-Zip"),
    ] {
        if head.starts_with(magic) {
            return Err(Refused::Unsupported(Some(what)));
        }
    }
    text(head, name)
}

/// Text, if the first bytes are UTF-8 (a cut last character aside) with no NUL:
/// HTML and SVG by their markup, CSV and Markdown by their name.
fn text(head: &[u8], name: &str) -> Result<&'static str, Refused> {
    // Text in another encoding than UTF-8 (Latin-1, Windows-1252) is still
    // text, as long as it holds no control characters but line breaks and tabs.
    let controls = |b: &u8| *b < 0x20 && !matches!(*b, b'\t' | b'\n' | b'\r' | 0x0c);
    if head.iter().any(controls) {
        return Err(Refused::Unsupported(None));
    }
    let valid = super::extract::decode_text(head);
    let lower = valid
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_lowercase();
    if lower.contains("<svg") {
        return Err(Refused::Unsupported(Some("SVG")));
    }
    let markup = [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<script",
        "<iframe",
    ];
    if markup.iter().any(|m| lower.contains(m)) {
        return Ok("text/html");
    }
    Ok(match extension(name).as_str() {
        "csv" => "text/csv",
        "md" | "markdown" => "text/markdown",
        "htm" | "html" if lower.starts_with('<') => "text/html",
        _ => "text/plain",
    })
}

/// The type of a zip archive, from the names and the `mimetype` entry inside.
fn zipped(file: impl Read + Seek) -> Result<&'static str, Refused> {
    let Ok(mut archive) = zip::ZipArchive::new(file) else {
        return Err(Refused::Unsupported(Some("zip illisible")));
    };
    if let Ok(mut entry) = archive.by_name("mimetype") {
        let mut declared = String::new();
        let _ = (&mut entry).take(100).read_to_string(&mut declared);
        let declared = declared.trim();
        for accepted in [
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.presentation",
        ] {
            if declared == accepted {
                return Ok(accepted);
            }
        }
        return Err(Refused::Unsupported(Some("OpenDocument d'un autre type")));
    }
    let has = |name: &str| archive.file_names().any(|n| n.is_ok_and(|n| n == name));
    if has("[Content_Types].xml") {
        if has("word/document.xml") {
            return Ok(ACCEPTED[4].0);
        }
        if has("xl/workbook.xml") {
            return Ok(ACCEPTED[5].0);
        }
        if has("ppt/presentation.xml") {
            return Ok(ACCEPTED[6].0);
        }
    }
    Err(Refused::Unsupported(Some("zip")))
}

fn extension(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => String::new(),
    }
}

/// A name whose extension names another accepted type than the content's is
/// refused: a PDF that is really HTML is either a mistake or a trap.
fn agrees_with_name(media_type: &'static str, name: &str) -> Result<&'static str, Refused> {
    let ext = extension(name);
    let claimed = match ext.as_str() {
        "jpg" => "jpeg",
        "htm" => "html",
        "markdown" => "md",
        "text" => "txt",
        other => other,
    };
    let found = format_of(media_type);
    let texts = ["txt", "md", "csv"];
    let claims_a_type = ACCEPTED.iter().any(|(_, f)| *f == claimed && *f != "other");
    let agree =
        claimed == found || !claims_a_type || (texts.contains(&claimed) && texts.contains(&found));
    if agree {
        Ok(media_type)
    } else {
        let claimed = ACCEPTED
            .iter()
            .find(|(_, f)| *f == claimed)
            .map_or("inconnu", |(_, f)| *f);
        Err(Refused::Disguised { claimed, found })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(bytes: &[u8], name: &str) -> Result<&'static str, Refused> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).expect("write");
        detect(&path, name).expect("read")
    }

    #[test]
    fn content_decides_and_names_only_tell_texts_apart() {
        assert_eq!(of(b"%PDF-1.7\n...", "rapport.pdf"), Ok("application/pdf"));
        assert_eq!(
            of(b"%PDF-1.7\n...", "sans-extension"),
            Ok("application/pdf")
        );
        assert_eq!(of(b"a;b\n1;2\n", "t.csv"), Ok("text/csv"));
        assert_eq!(of("# Titre\né".as_bytes(), "n.md"), Ok("text/markdown"));
        assert_eq!(of(b"<!DOCTYPE html><p>x", "page.html"), Ok("text/html"));
        assert_eq!(of(b"\x89PNG\r\n\x1a\n....", "i.png"), Ok("image/png"));
    }

    #[test]
    fn disguises_and_unknown_types_are_refused_with_a_reason() {
        assert_eq!(
            of(b"<html><script>alert(1)</script>", "rapport.pdf"),
            Err(Refused::Disguised {
                claimed: "pdf",
                found: "html"
            })
        );
        assert_eq!(
            of(b"<?xml version=\"1.0\"?><svg onload=\"x()\"/>", "a.svg"),
            Err(Refused::Unsupported(Some("SVG")))
        );
        assert_eq!(
            of(b"\x7FELF\x02\x01", "x"),
            Err(Refused::Unsupported(Some("programme")))
        );
        assert_eq!(of(b"", "vide.txt"), Err(Refused::Empty));
        assert_eq!(
            of(&[0xff, 0xfe, 0, 0, 1], "x.txt"),
            Err(Refused::Unsupported(None))
        );
        assert_eq!(of(b"caf\xe9 cr\xe8me", "latin1.txt"), Ok("text/plain"));
        assert!(
            Refused::Disguised {
                claimed: "pdf",
                found: "html"
            }
            .message()
            .contains("PDF")
        );
    }
}
