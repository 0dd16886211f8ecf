//! Text of the zipped XML formats: OpenDocument (ODT, ODS, ODP) and Office Open
//! XML (DOCX, XLSX, PPTX). Each is a zip archive of XML parts; the text is in
//! a few known parts. Every part is read through a size limit (a zip bomb
//! stops there) and parsed with a depth limit (so does endless nesting).

use std::io::{Cursor, Read};

use quick_xml::events::Event;

use super::Extraction;

/// Largest part read once decompressed, and largest total of parts.
const MAX_PART: u64 = 64 * 1024 * 1024;
const MAX_TOTAL: u64 = 256 * 1024 * 1024;
/// Deepest element nesting read: real documents stay far below.
const MAX_DEPTH: usize = 512;
/// Most slides or sheets read.
const MAX_PARTS: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Odt,
    Ods,
    Odp,
    Docx,
    Xlsx,
    Pptx,
}

impl Format {
    pub fn of(media_type: &str) -> Option<Format> {
        let format = match super::super::detect::format_of(media_type) {
            "odt" => Format::Odt,
            "ods" => Format::Ods,
            "odp" => Format::Odp,
            "docx" => Format::Docx,
            "xlsx" => Format::Xlsx,
            "pptx" => Format::Pptx,
            _ => return None,
        };
        Some(format)
    }
}

/// How text is laid out in one kind of XML part: which elements hold text
/// (all, when empty), which end a line, which start a new page.
struct Layout {
    text: &'static [&'static str],
    lines: &'static [&'static str],
    page: Option<&'static str>,
}

const ODF: Layout = Layout {
    text: &[],
    lines: &["p", "h", "table-row", "list-item"],
    page: None,
};
const ODF_PAGED: Layout = Layout {
    text: &[],
    lines: &["p", "h", "table-row", "list-item"],
    // A presentation's slides and a spreadsheet's sheets.
    page: Some("page"),
};
const ODS: Layout = Layout {
    page: Some("table"),
    ..ODF_PAGED
};
const WORD: Layout = Layout {
    text: &["t"],
    lines: &["p", "br", "tab"],
    page: None,
};
const SLIDE: Layout = Layout {
    text: &["t"],
    lines: &["p"],
    page: None,
};

struct Archive {
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    read: u64,
}

impl Archive {
    /// A part's bytes, or why it cannot be read. A missing part is `None`.
    fn part(&mut self, name: &str) -> Result<Option<Vec<u8>>, String> {
        let mut entry = match self.zip.by_name(name) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(format!("archive illisible ({e})")),
        };
        if entry.encrypted() {
            return Err("document chiffré : son texte ne peut être lu".to_owned());
        }
        let allowed = MAX_PART.min(MAX_TOTAL.saturating_sub(self.read));
        let mut out = Vec::new();
        (&mut entry)
            .take(allowed + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("archive illisible ({e})"))?;
        self.read += out.len() as u64;
        if out.len() as u64 > allowed {
            return Err(format!(
                "une fois décompressé, le document dépasse {} Mio : il n'est pas lu (bombe zip ?)",
                MAX_PART / (1024 * 1024)
            ));
        }
        Ok(Some(out))
    }

    /// Names of the parts under `folder` named `stem<number>.xml`, in number order.
    fn numbered(&self, folder: &str, stem: &str) -> Vec<String> {
        let mut found: Vec<(u32, String)> = self
            .zip
            .file_names()
            .filter_map(|name| {
                let name = name.ok()?;
                let rest = name.strip_prefix(folder)?.strip_prefix(stem)?;
                let n = rest.strip_suffix(".xml")?.parse().ok()?;
                Some((n, name.into_owned()))
            })
            .collect();
        found.sort();
        found.into_iter().take(MAX_PARTS).map(|(_, n)| n).collect()
    }
}

pub fn extract(bytes: &[u8], format: Format) -> Extraction {
    match read(bytes, format) {
        Ok(pages) => Extraction {
            pages,
            failure: None,
        },
        Err(reason) => Extraction::failed(reason),
    }
}

fn read(bytes: &[u8], format: Format) -> Result<Vec<String>, String> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec()))
        .map_err(|e| format!("archive illisible ({e})"))?;
    let mut archive = Archive { zip, read: 0 };
    let missing = || "le document n'a pas de contenu lisible".to_owned();
    match format {
        Format::Odt | Format::Ods | Format::Odp => {
            let content = archive.part("content.xml")?.ok_or_else(missing)?;
            let layout = match format {
                Format::Odt => &ODF,
                Format::Ods => &ODS,
                _ => &ODF_PAGED,
            };
            // Only the body: styles and settings hold no text of the author's.
            xml_pages(&content, layout, Some("body"))
        }
        Format::Docx => {
            let document = archive.part("word/document.xml")?.ok_or_else(missing)?;
            xml_pages(&document, &WORD, None)
        }
        Format::Pptx => {
            let mut pages = Vec::new();
            for name in archive.numbered("ppt/slides/", "slide") {
                if let Some(slide) = archive.part(&name)? {
                    pages.push(xml_pages(&slide, &SLIDE, None)?.concat());
                }
            }
            Ok(pages)
        }
        Format::Xlsx => {
            let shared = match archive.part("xl/sharedStrings.xml")? {
                Some(xml) => shared_strings(&xml)?,
                None => Vec::new(),
            };
            let mut pages = Vec::new();
            for name in archive.numbered("xl/worksheets/", "sheet") {
                if let Some(sheet) = archive.part(&name)? {
                    pages.push(sheet_text(&sheet, &shared)?);
                }
            }
            Ok(pages)
        }
    }
}

fn parse_error(e: impl std::fmt::Display) -> String {
    format!("XML malformé ({e})")
}

fn too_deep() -> String {
    format!("éléments imbriqués sur plus de {MAX_DEPTH} niveaux : le document n'est pas lu")
}

/// The text of an entity reference: `&amp;`, `&#233;`.
fn reference(name: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    if let Ok(Some(c)) = name.resolve_char_ref() {
        return Some(c);
    }
    Some(match &**name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// The text of one XML part, page by page, as `layout` lays it out; with
/// `within`, only inside that element.
fn xml_pages(xml: &[u8], layout: &Layout, within: Option<&str>) -> Result<Vec<String>, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut pages = vec![String::new()];
    let mut depth = 0usize;
    // Depth at which the wanted text elements and the `within` element opened.
    let mut in_text: Option<usize> = None;
    let mut inside = within.is_none();
    loop {
        let event = reader.read_event().map_err(parse_error)?;
        let wanted = |in_text: Option<usize>| layout.text.is_empty() || in_text.is_some();
        match event {
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep());
                }
                let name = e.local_name();
                let name = name.as_ref();
                if within == Some(name) {
                    inside = true;
                }
                if layout.text.contains(&name) && in_text.is_none() {
                    in_text = Some(depth);
                }
                let started = pages.last().is_some_and(|p| !p.trim().is_empty());
                if inside && layout.page == Some(name) && started {
                    pages.push(String::new());
                }
            }
            Event::End(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if in_text == Some(depth) {
                    in_text = None;
                }
                depth = depth.saturating_sub(1);
                if within == Some(name) {
                    inside = false;
                }
                if inside && layout.lines.contains(&name) {
                    push(&mut pages, "\n");
                } else if inside && name == "table-cell" {
                    push(&mut pages, "\t");
                }
            }
            Event::Empty(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    "s" | "tab" if inside => push(&mut pages, " "),
                    "line-break" | "br" if inside => push(&mut pages, "\n"),
                    _ => {}
                }
            }
            Event::Text(t) if inside && wanted(in_text) => push(&mut pages, &t),
            Event::CData(t) if inside && wanted(in_text) => {
                push(&mut pages, &t);
            }
            Event::GeneralRef(r) if inside && wanted(in_text) => {
                if let Some(c) = reference(&r) {
                    push(&mut pages, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    pages.retain(|p| !p.trim().is_empty());
    Ok(pages)
}

/// Appends to the last page.
fn push(pages: &mut Vec<String>, text: &str) {
    match pages.last_mut() {
        Some(page) => page.push_str(text),
        None => pages.push(text.to_owned()),
    }
}

/// The shared strings of a workbook, in order.
fn shared_strings(xml: &[u8]) -> Result<Vec<String>, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut strings = Vec::new();
    let mut current: Option<String> = None;
    let mut depth = 0usize;
    let mut in_t = false;
    loop {
        match reader.read_event().map_err(parse_error)? {
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep());
                }
                match e.local_name().as_ref() {
                    "si" => current = Some(String::new()),
                    "t" => in_t = true,
                    _ => {}
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                match e.local_name().as_ref() {
                    "si" => strings.extend(current.take()),
                    "t" => in_t = false,
                    _ => {}
                }
            }
            Event::Text(t) if in_t => {
                if let Some(s) = current.as_mut() {
                    s.push_str(&t);
                }
            }
            Event::GeneralRef(r) if in_t => {
                if let (Some(s), Some(c)) = (current.as_mut(), reference(&r)) {
                    s.push(c);
                }
            }
            Event::Eof => return Ok(strings),
            _ => {}
        }
    }
}

/// The values of a worksheet, a row per line, shared strings looked up.
fn sheet_text(xml: &[u8], shared: &[String]) -> Result<String, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = String::new();
    let mut depth = 0usize;
    let mut shared_cell = false;
    let mut in_value = false;
    let mut value = String::new();
    loop {
        match reader.read_event().map_err(parse_error)? {
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep());
                }
                match e.local_name().as_ref() {
                    "c" => {
                        shared_cell = e
                            .try_get_attribute("t")
                            .ok()
                            .flatten()
                            .is_some_and(|a| *a.value == *"s");
                    }
                    "v" | "t" => {
                        in_value = true;
                        value.clear();
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                match e.local_name().as_ref() {
                    "v" | "t" => {
                        in_value = false;
                        let text = match shared_cell {
                            true => value
                                .trim()
                                .parse::<usize>()
                                .ok()
                                .and_then(|i| shared.get(i))
                                .map_or("", String::as_str),
                            false => value.as_str(),
                        };
                        out.push_str(text);
                        out.push('\t');
                    }
                    "row" => out.push('\n'),
                    _ => {}
                }
            }
            Event::Text(t) if in_value => value.push_str(&t),
            Event::GeneralRef(r) if in_value => value.extend(reference(&r)),
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zipped(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        for (name, bytes) in parts {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file(*name, options).expect("start");
            zip.write_all(bytes).expect("write");
        }
        zip.finish().expect("finish");
        out.into_inner()
    }

    #[test]
    fn an_odt_gives_its_paragraphs_and_not_its_styles() {
        let content = br#"<?xml version="1.0"?><office:document-content xmlns:office="o" xmlns:text="t"><office:automatic-styles><style:style xmlns:style="s">STYLE</style:style></office:automatic-styles><office:body><office:text><text:h>Cartographie</text:h><text:p>des acteurs<text:s/>&amp; des lieux&#160;: l&apos;&#233;t&#xE9;</text:p></office:text></office:body></office:document-content>"#;
        let odt = zipped(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", content),
        ]);
        let got = extract(&odt, Format::Odt);
        assert_eq!(got.failure, None);
        assert_eq!(
            got.pages,
            vec!["Cartographie\ndes acteurs & des lieux\u{a0}: l'été\n"]
        );
    }

    #[test]
    fn slides_and_sheets_are_pages() {
        let slide = |t: &str| {
            format!(
                r#"<p:sld xmlns:p="p" xmlns:a="a"><a:p><a:r><a:t>{t}</a:t></a:r></a:p></p:sld>"#
            )
        };
        let (one, two) = (slide("Première"), slide("Deuxième"));
        let pptx = zipped(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("ppt/presentation.xml", b"<p/>"),
            ("ppt/slides/slide10.xml", two.as_bytes()),
            ("ppt/slides/slide2.xml", one.as_bytes()),
        ]);
        assert_eq!(
            extract(&pptx, Format::Pptx).pages,
            vec!["Première\n", "Deuxième\n"]
        );
        let xlsx = zipped(&[
            ("xl/sharedStrings.xml", br#"<sst><si><t>Montant</t></si><si><t>Lyon</t></si></sst>"#),
            ("xl/worksheets/sheet1.xml", br#"<worksheet><sheetData><row><c t="s"><v>0</v></c><c><v>520000</v></c></row><row><c t="s"><v>1</v></c></row></sheetData></worksheet>"#),
        ]);
        assert_eq!(
            extract(&xlsx, Format::Xlsx).pages,
            vec!["Montant\t520000\t\nLyon\t\n"]
        );
    }

    #[test]
    fn bombs_and_endless_nesting_end_with_a_reason() {
        let big = vec![b' '; (MAX_PART + 10) as usize];
        let bomb = zipped(&[("content.xml", &big)]);
        assert!(bomb.len() < 1024 * 1024, "compresses well: {}", bomb.len());
        let got = extract(&bomb, Format::Odt);
        assert!(got.failure.expect("refused").contains("bombe zip"));
        let deep = format!("<a>{}</a>", "<b>".repeat(MAX_DEPTH + 1));
        let nested = zipped(&[("word/document.xml", deep.as_bytes())]);
        assert!(
            extract(&nested, Format::Docx)
                .failure
                .expect("refused")
                .contains("imbriqués")
        );
        assert!(
            extract(b"PK\x03\x04 not a zip", Format::Odt)
                .failure
                .is_some()
        );
    }
}
