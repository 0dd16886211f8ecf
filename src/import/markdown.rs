//! Markdown files with YAML front matter: one record per file, as people write
//! them in an editor and keep them under version control.
//!
//! ```text
//! ---
//! kind: method
//! title: Animer un world café
//! partners:
//!   - name: ACC
//!     role: author
//! keywords:
//!   - world café
//! ---
//!
//! ## Préparer la salle
//! …
//! ```
//!
//! The front matter holds exactly the fields of a JSON Lines line, and becomes
//! that line's JSON object, which [`jsonl::parse_object`] then reads: one model,
//! one validation, whatever the format. The Markdown after the front matter is
//! the record's main text (see [`body_field`]).
//!
//! The writer of these files ([`write`]) lives here beside the reader, so that
//! one can be checked against the other: whatever [`write`] gives, [`read`]
//! gives back (the tests and the `import_markdown` fuzz target hold it to that).
//!
//! YAML is read with an event parser and turned into JSON here rather than
//! through a serde layer: anchors and aliases are refused (an alias bomb cannot
//! blow up a small file), nesting is bounded, a key given twice is an error
//! instead of a silent overwrite, and every error keeps its line.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};

use super::{Item, Items, Rejection, jsonl};
use crate::model::Kind;

/// Deepest nesting of the front matter: the model needs three levels
/// (`alt_labels` → language → list); more is a mistake or an attack.
const MAX_DEPTH: usize = 32;

/// The field the Markdown text after the front matter fills, for each kind:
/// the record's main text, the one people write at length.
pub fn body_field(kind: Kind) -> &'static str {
    match kind {
        Kind::Method => "body",
        Kind::Action => "summary",
        Kind::Resource | Kind::Partner => "description",
        Kind::Concept => "scope_note",
    }
}

/// Whether `text` opens with front matter: a first line that is `---`.
pub fn has_front_matter(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}');
    is_delimiter(text.split('\n').next().unwrap_or_default())
}

/// A line that opens front matter.
fn is_delimiter(line: &str) -> bool {
    matches!(line.trim_end(), "---")
}

/// A line that closes front matter: `---`, or YAML's own end of document.
fn is_closing(line: &str) -> bool {
    matches!(line.trim_end(), "---" | "...")
}

/// Reads one file: one item on line 1, or the line and reason it was refused.
pub fn parse(file: &str, text: &str) -> (Items, Vec<Rejection>) {
    match read(text) {
        Ok(item) => (vec![(Some(1), item)], Vec::new()),
        Err((line, reason)) => (
            Vec::new(),
            vec![Rejection {
                file: file.to_owned(),
                line: Some(line),
                reason,
            }],
        ),
    }
}

/// Reads one file into an import item, or says on which line what is wrong.
pub fn read(text: &str) -> Result<Item, (usize, String)> {
    let document = object(text)?;
    let lines = document.key_lines;
    jsonl::parse_object(document.object).map_err(|reason| (line_of(&reason, &lines), reason))
}

/// The JSON object a file stands for, and the line of each top-level key.
pub struct Document {
    pub object: Map<String, Value>,
    key_lines: KeyLines,
}

/// Reads a file into the JSON Lines object it stands for: the front matter's
/// fields, and the Markdown body in the kind's [`body_field`].
pub fn object(text: &str) -> Result<Document, (usize, String)> {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.split_inclusive('\n');
    if !lines.next().is_some_and(is_delimiter) {
        return Err((
            1,
            "a Markdown file must begin with a `---` line that opens its front matter".into(),
        ));
    }
    // Byte offsets: where the YAML starts, where the closing line starts and ends.
    let start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut at = start;
    let mut closing = None;
    for line in lines {
        if is_closing(line) {
            closing = Some((at, at + line.len()));
            break;
        }
        at += line.len();
    }
    let Some((yaml_end, body_start)) = closing else {
        return Err((
            1,
            "the front matter opened on line 1 is never closed by a `---` line".into(),
        ));
    };
    let yaml = &text[start..yaml_end];
    // The YAML's first line is the file's second.
    let (mut object, mut key_lines) = yaml_object(yaml).map_err(|(line, e)| (line + 1, e))?;
    for (_, line) in &mut key_lines {
        *line += 1;
    }
    let body = body_text(&text[body_start..]);
    if !body.is_empty() {
        let kind = object
            .get("kind")
            .and_then(Value::as_str)
            .and_then(Kind::parse);
        // Without a known kind, the JSON Lines reader says what is wrong.
        if let Some(kind) = kind {
            let field = body_field(kind);
            let given = object
                .get(field)
                .is_some_and(|v| !(v.is_null() || v.as_str() == Some("")));
            if given {
                let line = key_line(&key_lines, field).unwrap_or(1);
                return Err((
                    line,
                    format!(
                        "`{field}` is given twice, in the front matter and as the text after it: \
                         keep one (the text after the front matter is the {kind}'s `{field}`)"
                    ),
                ));
            }
            object.insert(field.to_owned(), Value::String(body));
        }
    }
    Ok(Document { object, key_lines })
}

/// The Markdown text after the front matter, as it is stored: Windows line
/// ends made plain, blank lines before it and white space after it left out.
pub fn body_text(rest: &str) -> String {
    let rest = rest.replace("\r\n", "\n");
    let mut start = 0;
    for line in rest.split_inclusive('\n') {
        if !line.trim().is_empty() {
            break;
        }
        start += line.len();
    }
    rest[start..].trim_end().to_owned()
}

fn key_line(lines: &[(String, usize)], key: &str) -> Option<usize> {
    lines.iter().find(|(k, _)| k == key).map(|(_, l)| *l)
}

/// The line an error of the JSON Lines reader is about: the key it names
/// (`` unknown field `sumary` ``, `url: …`), else the front matter's first line.
fn line_of(reason: &str, lines: &[(String, usize)]) -> usize {
    let named = reason
        .split('`')
        .skip(1)
        .step_by(2)
        .chain(reason.split(": ").next());
    for name in named {
        if let Some(line) = key_line(lines, name) {
            return line;
        }
    }
    1
}

/// A YAML error: the line (of the YAML text, from 1) and the reason.
type YamlError = (usize, String);

/// Each top-level key of the front matter, with its line.
type KeyLines = Vec<(String, usize)>;

/// What is being built while the events come.
enum Frame {
    Seq(Vec<Value>),
    Map {
        map: Map<String, Value>,
        /// The key read, waiting for its value.
        key: Option<String>,
    },
}

/// Reads the front matter: one YAML mapping, turned into a JSON object, with
/// the line of each of its keys.
fn yaml_object(yaml: &str) -> Result<(Map<String, Value>, KeyLines), YamlError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Value> = None;
    let mut documents = 0;
    let mut key_lines = Vec::new();
    for event in Parser::new_from_str(yaml) {
        let (event, span) =
            event.map_err(|e| (e.marker().line(), format!("invalid YAML: {}", e.info())))?;
        let line = span.start.line();
        let value = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => continue,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err((line, "the front matter must hold one YAML document".into()));
                }
                continue;
            }
            Event::Alias(_) => return Err((line, anchors())),
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                let sequence = matches!(event, Event::SequenceStart(..));
                if anchor != 0 {
                    return Err((line, anchors()));
                }
                if let Some(tag) = tag {
                    let fits = tag.is_yaml_core_schema()
                        && tag.suffix == if sequence { "seq" } else { "map" };
                    if !fits {
                        return Err((line, format!("unsupported YAML tag {tag}")));
                    }
                }
                if let Some(Frame::Map { key: None, .. }) = stack.last() {
                    return Err((
                        line,
                        "a key must be a plain name, not a list or a mapping".into(),
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err((line, format!("nested more than {MAX_DEPTH} levels deep")));
                }
                stack.push(if sequence {
                    Frame::Seq(Vec::new())
                } else {
                    Frame::Map {
                        map: Map::new(),
                        key: None,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(items)) => Value::Array(items),
                Some(Frame::Map { map, .. }) => Value::Object(map),
                None => return Err((line, "unbalanced YAML".into())),
            },
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 {
                    return Err((line, anchors()));
                }
                let top = stack.len() == 1;
                if let Some(Frame::Map {
                    map,
                    key: key @ None,
                }) = stack.last_mut()
                {
                    // A key: its text, whatever it looks like (`1:` names "1").
                    let name = text.into_owned();
                    if map.contains_key(&name) {
                        return Err((line, format!("`{name}` is given twice")));
                    }
                    if top {
                        key_lines.push((name.clone(), line));
                    }
                    *key = Some(name);
                    continue;
                }
                scalar(text, style, tag.as_deref(), span)?
            }
        };
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::Seq(items)) => items.push(value),
            Some(Frame::Map { map, key }) => {
                if let Some(key) = key.take() {
                    map.insert(key, value);
                }
            }
        }
    }
    match root {
        Some(Value::Object(map)) => Ok((map, key_lines)),
        // Nothing between the lines: the JSON Lines reader asks for `kind`.
        None | Some(Value::Null) => Ok((Map::new(), key_lines)),
        Some(_) => Err((
            1,
            "the front matter must be a mapping of fields (`kind: method`, `title: …`)".into(),
        )),
    }
}

fn anchors() -> String {
    "YAML anchors and aliases (`&name`, `*name`) are not accepted: write the value out".into()
}

/// A scalar's JSON value: quoted and block scalars are strings; a plain one
/// is resolved by YAML 1.2's core schema (null, booleans, numbers, strings).
fn scalar(
    text: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&saphyr_parser::Tag>,
    span: Span,
) -> Result<Value, YamlError> {
    let plain = style == ScalarStyle::Plain;
    match tag {
        None if plain => Ok(resolve(&text)),
        None => Ok(Value::String(text.into_owned())),
        Some(tag) if tag.is_yaml_core_schema() => {
            let wrong = || {
                (
                    span.start.line(),
                    format!("{:?} is not a {}", text.as_ref(), tag.suffix),
                )
            };
            match (tag.suffix.as_str(), resolve(&text)) {
                ("str", _) => Ok(Value::String(text.into_owned())),
                ("null", v @ Value::Null)
                | ("bool", v @ Value::Bool(_))
                | ("float", v @ Value::Number(_)) => Ok(v),
                ("int", Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(Value::Number(n)),
                _ => Err(wrong()),
            }
        }
        Some(tag) => Err((span.start.line(), format!("unsupported YAML tag {tag}"))),
    }
}

/// A plain scalar by YAML 1.2's core schema. Infinity and NaN have no JSON
/// form: they stay text, which the model refuses where it wants a number.
fn resolve(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    let (sign, unsigned) = match text.strip_prefix(['-', '+']) {
        Some(rest) => (&text[..1], rest),
        None => ("", text),
    };
    if digits(unsigned, 10) {
        let n = format!("{sign}{unsigned}");
        if let Ok(i) = n.parse::<i64>() {
            return Value::Number(i.into());
        }
        if let Ok(u) = n.parse::<u64>() {
            return Value::Number(u.into());
        }
    }
    for (prefix, radix) in [("0o", 8), ("0x", 16)] {
        if let Some(rest) = text.strip_prefix(prefix)
            && digits(rest, radix)
            && let Ok(u) = u64::from_str_radix(rest, radix)
        {
            return Value::Number(u.into());
        }
    }
    if is_float(unsigned)
        && let Ok(f) = text.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(text.to_owned())
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the core schema's float
/// without its sign.
fn is_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty()),
        None => !mantissa.is_empty() && digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// A record's JSON Lines object as a Markdown file: the fields as YAML front
/// matter, in the object's order, and the kind's [`body_field`] as the text
/// after it, unless that text would not come back as it is (white space
/// around it): then it stays in the front matter too.
pub fn write(object: &Map<String, Value>) -> String {
    let mut object = object.clone();
    let field = object
        .get("kind")
        .and_then(Value::as_str)
        .and_then(Kind::parse)
        .map(body_field);
    let body = match field.and_then(|f| object.get(f).map(|v| (f, v))) {
        Some((f, Value::String(text))) if !text.is_empty() && body_text(text) == *text => {
            let text = text.clone();
            object.shift_remove(f);
            Some(text)
        }
        _ => None,
    };
    let mut out = String::from("---\n");
    for (key, value) in &object {
        entry(&mut out, 0, "", key, value);
    }
    out.push_str("---\n");
    if let Some(body) = body {
        out.push('\n');
        out.push_str(&body);
        out.push('\n');
    }
    out
}

/// `key: value` at `indent`; `first` replaces the indent on the first line
/// (`- ` for the first key of a mapping in a list).
fn entry(out: &mut String, indent: usize, first: &str, key: &str, value: &Value) {
    if first.is_empty() {
        out.push_str(&" ".repeat(indent));
    } else {
        out.push_str(first);
    }
    out.push_str(&inline_string(key));
    out.push(':');
    node(out, indent, value);
}

/// A value after `key:` or `-`, whose line starts at `indent`: on the same
/// line when it is a scalar, else on the lines below, two spaces further in.
fn node(out: &mut String, indent: usize, value: &Value) {
    let inner = indent + 2;
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            for item in items {
                out.push_str(&" ".repeat(inner));
                out.push('-');
                match item {
                    Value::Object(map) if !map.is_empty() => {
                        // `- key: value`, the other keys under the first.
                        let mut keys = map.iter();
                        if let Some((k, v)) = keys.next() {
                            entry(out, inner + 2, " ", k, v);
                        }
                        for (k, v) in keys {
                            entry(out, inner + 2, "", k, v);
                        }
                    }
                    _ => node(out, inner, item),
                }
            }
        }
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            for (k, v) in map {
                entry(out, inner, "", k, v);
            }
        }
        Value::String(s) if block_ok(s) => {
            let trailing = s.len() - s.trim_end_matches('\n').len();
            out.push_str(match trailing {
                0 => " |-\n",
                1 => " |\n",
                _ => " |+\n",
            });
            let content = s.strip_suffix('\n').unwrap_or(s);
            for line in content.split('\n') {
                if !line.is_empty() {
                    out.push_str(&" ".repeat(inner));
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        scalar => {
            out.push(' ');
            out.push_str(&inline(scalar));
            out.push('\n');
        }
    }
}

/// A scalar (or an empty list or mapping) on one line.
fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => inline_string(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string as it is, when YAML reads it back as that same string; else in
/// double quotes, with escapes.
fn inline_string(s: &str) -> String {
    if plain_ok(s) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if special(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters written as escapes: those YAML does not allow as they are
/// (controls, non-characters), and those an editor might take for a line
/// break or hide (byte order mark, line and paragraph separators).
fn special(c: char) -> bool {
    matches!(c,
        '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{feff}' | '\u{2028}' | '\u{2029}'
        | '\u{fffe}' | '\u{ffff}')
}

/// Whether `s` can be written without quotes: no character that YAML reads
/// as syntax where it stands, and nothing that would be read as another type.
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let syntax = "-?:,[]{}#&*!|>'\"%@`";
    !syntax.contains(first)
        && !first.is_whitespace()
        && !s.ends_with(|c: char| c.is_whitespace() || c == ':')
        && !s.chars().any(|c| special(c) || c == '\t')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.starts_with("...")
        && resolve(s) == Value::String(s.to_owned())
        && !other_types(s)
}

/// Plain scalars that other YAML readers take for something else than text:
/// infinities and NaN (which [`resolve`] keeps as text, JSON having no such
/// numbers), and YAML 1.1's booleans. Quoting them costs little.
fn other_types(s: &str) -> bool {
    let unsigned = s.strip_prefix('+').unwrap_or(s);
    matches!(
        unsigned,
        ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN"
    ) || matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// Whether `s` is written as a literal block (`|`): text of several lines, or
/// a long line that would need quotes, which reads better without them and
/// their escapes; it must start on its first line, and hold only characters
/// a block holds as they are.
fn block_ok(s: &str) -> bool {
    (s.contains('\n') || (s.chars().count() > 80 && !plain_ok(s)))
        && !s.starts_with(|c: char| c.is_whitespace())
        && !s.chars().any(|c| special(c) && c != '\n' && c != '\t')
        && !s.trim_end_matches('\n').is_empty()
}

/// The Markdown files of a folder, as `savoirs export --format markdown`
/// writes it or as people lay one out: every `.md` file under it, in order
/// of their paths, but for hidden entries (`.git`) and the top `files/`
/// folder, where attached files go (a Markdown file may be one).
pub fn folder_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || (folder == dir && name == "files") {
                continue;
            }
            let path = entry.path();
            // Not followed into linked folders, which could loop.
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") && path.is_file() {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The records of several Markdown files, read as one import.
#[derive(Default)]
pub struct Folder {
    /// In link order ([`super::in_link_order`]), numbered by their place in
    /// `places`.
    pub items: Items,
    /// The file and line of each item (see [`super::Origin::Files`]).
    pub places: Vec<(String, Option<usize>)>,
    pub rejected: Vec<Rejection>,
}

/// Reads `paths`; `take` takes in the attached files of each file's items
/// (named relative to that file's folder) and says which it could not.
pub fn read_folder(
    paths: &[PathBuf],
    mut take: impl FnMut(&str, &Path, &mut Items) -> Vec<Rejection>,
) -> Folder {
    let mut folder = Folder::default();
    for path in paths {
        let name = path.display().to_string();
        let text = match super::read_file(path) {
            Ok(text) => text,
            Err(reason) => {
                folder.rejected.push(Rejection {
                    file: name,
                    line: None,
                    reason,
                });
                continue;
            }
        };
        let (mut items, bad) = parse(&name, &text);
        folder.rejected.extend(bad);
        let base = path.parent().unwrap_or(Path::new("."));
        folder.rejected.extend(take(&name, base, &mut items));
        for (line, item) in items {
            folder.items.push((Some(folder.places.len()), item));
            folder.places.push((name.clone(), line));
        }
    }
    super::in_link_order(&mut folder.items);
    folder
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object_of(text: &str) -> Map<String, Value> {
        match object(text) {
            Ok(d) => d.object,
            Err((line, e)) => panic!("line {line}: {e}\n{text}"),
        }
    }

    fn round_trip(value: Value) {
        let Value::Object(map) = value else {
            panic!("an object");
        };
        let text = write(&map);
        assert_eq!(object_of(&text), map, "written as\n{text}");
    }

    #[test]
    fn front_matter_and_body_make_one_object() {
        let text = "---\nkind: action\ntitle: Le world café\nkeywords:\n  - facilitation\n  - world café\n\
                    partners:\n  - name: ACC\n    role: author\nperiod: {start: 2006, end: 2007}\n---\n\n## Étapes\n\nPréparer.\n";
        let o = object_of(text);
        assert_eq!(o["title"], "Le world café");
        assert_eq!(o["keywords"], json!(["facilitation", "world café"]));
        assert_eq!(o["partners"], json!([{"name": "ACC", "role": "author"}]));
        assert_eq!(o["period"], json!({"start": 2006, "end": 2007}));
        assert_eq!(o["summary"], "## Étapes\n\nPréparer.");
        let item = read(text).expect("item");
        assert_eq!(item.record.title(), "Le world café");
    }

    #[test]
    fn each_kind_puts_its_text_in_its_own_field() {
        for (kind, title, field) in [
            ("action", "title", "summary"),
            ("method", "title", "body"),
            ("resource", "title", "description"),
            ("partner", "name", "description"),
            ("concept", "label", "scope_note"),
        ] {
            let o = object_of(&format!("---\nkind: {kind}\n{title}: X\n---\nLe texte.\n"));
            assert_eq!(o[field], "Le texte.", "{kind}");
        }
    }

    #[test]
    fn errors_name_their_line() {
        let err = |text: &str| read(text).expect_err("an error");
        // Line 3 of the file is line 2 of the YAML.
        let (line, reason) = err("---\nkind: method\ntitle: [oops\n---\n");
        assert!(reason.starts_with("invalid YAML"), "{reason}");
        assert!(line >= 3, "{line}");
        let (line, reason) = err("---\nkind: method\ntitle: T\nsumary: x\n---\n");
        assert_eq!(line, 4, "{reason}");
        assert!(reason.contains("sumary"), "{reason}");
        let (line, reason) = err("---\nkind: method\ntitle: T\nbody: Déjà\n---\nEncore.\n");
        assert_eq!(line, 4);
        assert!(reason.contains("`body` is given twice"), "{reason}");
        let (line, reason) = err("---\nkind: method\ntitle: T\ntitle: U\n---\n");
        assert_eq!(line, 4);
        assert!(reason.contains("given twice"), "{reason}");
        assert!(
            err("---\nkind: method\na: &x 1\nb: *x\n---\n")
                .1
                .contains("anchors")
        );
        assert!(err("kind: method\n").1.contains("must begin"));
        assert!(err("---\nkind: method\n").1.contains("never closed"));
        assert!(err("---\n- a\n---\n").1.contains("mapping"));
        assert!(err("---\n---\n").1.contains("kind"));
        assert!(
            err("---\nkind: method\ntitle: !!int x\n---\n")
                .1
                .contains("not a int")
        );
        assert!(
            err("---\nkind: method\ntitle: !custom x\n---\n")
                .1
                .contains("tag")
        );
        let deep = format!(
            "---\nkind: method\nx: {}{}\n---\n",
            "[".repeat(100),
            "]".repeat(100)
        );
        assert!(err(&deep).1.contains("levels"));
    }

    #[test]
    fn a_body_that_repeats_nothing_may_sit_beside_an_empty_field() {
        let o = object_of("---\nkind: method\ntitle: T\nbody: \"\"\n---\nTexte.\n");
        assert_eq!(o["body"], "Texte.");
        let o = object_of("\u{feff}---\r\nkind: method\r\ntitle: T\r\n---\r\n\r\nA\r\nB\r\n");
        assert_eq!(o["body"], "A\nB");
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        for (text, value) in [
            ("~", json!(null)),
            ("True", json!(true)),
            ("12", json!(12)),
            ("-3", json!(-3)),
            ("0x1f", json!(31)),
            ("1.5", json!(1.5)),
            ("1e3", json!(1000.0)),
            (".5", json!(0.5)),
            ("2026-11-30T15:28:36Z", json!("2026-11-30T15:28:36Z")),
            ("1_000", json!("1_000")),
            (".inf", json!(".inf")),
            ("yes", json!("yes")),
            ("99999999999999999999", json!(1e20)),
        ] {
            assert_eq!(resolve(text), value, "{text}");
        }
    }

    #[test]
    fn what_is_written_is_read_back() {
        let strings = [
            "",
            " ",
            "plain",
            "Carto-Commune, outil libre",
            "a: b",
            "a #b",
            "ends:",
            "- dash",
            "-5",
            "12",
            "1.0",
            "true",
            "null",
            "~",
            ".inf",
            "+.inf",
            "-.inf",
            ".nan",
            "0x1f",
            "0o17",
            "1e5",
            "#hash",
            "'quote",
            "\"double\"",
            "back\\slash",
            "tab\there",
            "nul\0",
            "bell\u{7}",
            "nel\u{85}",
            "ls\u{2028}ps\u{2029}",
            "bom\u{feff}",
            "https://cartocommune.example.org/",
            "L’Atelier « guillemets » et espace\u{a0}insécable",
            "emoji 🌍",
            "line\nbreak",
            "line\n",
            "line\n\n",
            "line\n\n\n",
            "\nleading",
            "\n",
            "\n\n",
            "  indented\nsecond",
            "first\n  indented\n    more",
            "trailing  \nspaces  ",
            "blank\n\n\nlines",
            "with\ttab\n\tand tab first",
            "cr\r\nlf",
            "ends with space \nx",
            "---\n...\n# not a comment\n- not a list",
            "a\n---\nb",
            "Une longue phrase qui dépasse largement quatre-vingts caractères\u{a0}: avec deux-points, # et « guillemets »",
            "Une longue phrase qui dépasse largement quatre-vingts caractères et finit par une espace ",
            "Une longue phrase qui dépasse largement quatre-vingts caractères et finit par deux-points:",
            "%TAG\n@at",
            "   ",
            "? q",
            ":colon",
            "x:y",
            "*star",
            "&amp",
            "!bang",
            "|pipe",
            ">fold",
            "[a, b]",
            "{a: b}",
            "a, b",
            "@at",
            "`tick",
            "1:2",
            "2006-2007",
            "Null",
            "NO",
            "on",
            "0",
            "-0",
            "+1",
            "1.",
            ".",
            "..",
            "...",
            "---",
            "- ",
            "-",
        ];
        for s in strings {
            round_trip(json!({"kind": "method", "title": s, "summary": s, "body": s}));
            round_trip(json!({"kind": "concept", "label": "c", "alt_labels": {s: [s]}}));
            round_trip(json!({"kind": "action", "title": "t", "keywords": [s, s],
                "partners": [{"name": s, "role": s}]}));
        }
        round_trip(
            json!({"kind": "action", "title": "t", "amount": {"value": 1234.5, "currency": "EUR"},
            "period": {"start": 2006, "end": 2007}, "keywords": [], "labels": {},
            "nested": [[1, [2]], {"a": [{"b": "c\nd"}]}, [], {}], "n": null, "b": false,
            "big": 18446744073709551615u64, "neg": -9223372036854775808i64, "f": 1e300}),
        );
    }

    #[test]
    fn the_body_goes_after_the_front_matter_when_it_comes_back_the_same() {
        let map = |v: Value| match v {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let text = write(&map(
            json!({"kind": "method", "title": "T", "body": "## A\n\nB"}),
        ));
        assert_eq!(text, "---\nkind: method\ntitle: T\n---\n\n## A\n\nB\n");
        let text = write(&map(json!({"kind": "method", "title": "T", "body": "B\n"})));
        assert!(text.contains("body: |\n  B\n---\n"), "{text}");
        let text = write(&map(json!({"kind": "action", "title": "T", "summary": "S",
            "synthesis": "Un\n\nDeux"})));
        assert_eq!(
            text,
            "---\nkind: action\ntitle: T\nsynthesis: |-\n  Un\n\n  Deux\n---\n\nS\n"
        );
    }
}
