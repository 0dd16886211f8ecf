//! Files attached to a record: what the record keeps of each (the file itself is
//! stored once under the data directory, by its SHA-256; see `crate::files`).

use serde::{Deserialize, Serialize};

/// One file attached to a record. It is part of the record, so attaching,
/// replacing or removing a file is a revision like any other change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// SHA-256 of the content, in hexadecimal: where the file is stored.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// The file's name, as it was given (without any folder).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The type found in the content (never taken from the name).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub media_type: String,
    #[serde(default)]
    pub size: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The language of the file's text; the record's when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub lang: String,
    /// Pages of a PDF, slides of a presentation, sheets of a workbook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// Interchange only: where the file lies, relative to the JSON Lines file
    /// that names it. Import stores the file and keeps its hash instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Attachment {
    /// What the attachment is called on a page: its title, or its file name.
    pub fn label(&self) -> &str {
        if self.title.trim().is_empty() {
            &self.name
        } else {
            &self.title
        }
    }

    /// The short name of its type, as the file-type facet counts it.
    pub fn format(&self) -> &'static str {
        crate::files::detect::format_of(&self.media_type)
    }
}

/// A file name kept safe to show and to send back in a header: the last part
/// of any path, without control characters, quotes or slashes, at most 200
/// characters; `fichier` when nothing is left.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '/' | '\\'))
        .take(200)
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    if trimmed.is_empty() {
        "fichier".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_folders_and_what_a_header_cannot_carry() {
        assert_eq!(
            clean_file_name("C:\\Users\\moi\\rapport 2007.pdf"),
            "rapport 2007.pdf"
        );
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\"b\r\n.pdf"), "ab.pdf");
        assert_eq!(clean_file_name("..."), "fichier");
        assert_eq!(clean_file_name(""), "fichier");
    }
}
