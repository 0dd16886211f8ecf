//! Real French documents from Debian documentation packages: the harness fetches
//! the packages itself (`apt-get download`, kept in a cache directory), unpacks
//! them (`dpkg-deb -x`) and cuts their HTML pages into sections at the headings
//! (h1 to h5): one record per section, the heading as its title. Reference
//! manuals made of one short page per entry (Scilab's functions) give one record
//! per page instead. Only French paragraphs are kept, and only sections with
//! enough of them; identical sections are kept once; the order is that of the
//! sorted files, so the collection is the same at every run on the same package
//! versions.
//!
//! The LibreOffice, GIMP, Debian Reference and manual-page packages are left out
//! on purpose: they are kept for an independent check.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// A documentation package and the pages of it that are read. Where a manual is
/// shipped both as one page and as one page per chapter, only one form is read,
/// so that the same sections are not cut twice at different boundaries.
pub struct Source {
    pub package: &'static str,
    /// A zip archive (a Java help jar) inside the package that holds the pages.
    pub archive: Option<&'static str>,
    /// Directory of the pages inside the package (or inside the archive).
    pub dir: &'static str,
    /// Which file names of that directory are read.
    pub pick: fn(&str) -> bool,
    /// One record per page (its first heading as title) rather than per section.
    pub whole_pages: bool,
}

/// A source whose pages are cut into sections and read from the package itself.
const fn sections_of(package: &'static str, dir: &'static str, pick: fn(&str) -> bool) -> Source {
    Source {
        package,
        archive: None,
        dir,
        pick,
        whole_pages: false,
    }
}

pub const SOURCES: &[Source] = &[
    sections_of(
        "lilypond-doc-html-fr",
        "usr/share/doc/lilypond/html/Documentation",
        |f| f.ends_with("-big-page.fr.html"),
    ),
    sections_of("kicad-doc-fr", "usr/share/doc/kicad/help/fr", |f| {
        f.ends_with(".html")
    }),
    // The bullseye manual is mostly the same text as the bookworm one.
    sections_of(
        "debian-edu-doc-fr",
        "usr/share/doc/debian-edu-doc-fr",
        |f| f == "debian-edu-bookworm-manual.html",
    ),
    sections_of(
        "developers-reference-fr",
        "usr/share/developers-reference/fr",
        |f| f == "developers-reference.html",
    ),
    sections_of(
        "debian-handbook",
        "usr/share/doc/debian-handbook/html/fr-FR",
        |f| f.ends_with(".html"),
    ),
    sections_of(
        "installation-guide-amd64",
        "usr/share/doc/installation-guide-amd64/fr",
        |f| f.ends_with(".html"),
    ),
    sections_of("maint-guide-fr", "usr/share/doc/maint-guide-fr/html", |f| {
        f.ends_with(".fr.html")
    }),
    sections_of("debian-faq-fr", "usr/share/doc/debian/FAQ/fr", |f| {
        f.ends_with(".fr.html")
    }),
    sections_of("aptitude-doc-fr", "usr/share/doc/aptitude/html/fr", |f| {
        f.ends_with(".html")
    }),
    sections_of("texworks-help-fr", "usr/share/texworks-help/fr", |f| {
        f.ends_with(".html")
    }),
    sections_of(
        "ubuntu-packaging-guide-html-fr",
        "usr/share/doc/ubuntu-packaging-guide-html-fr/singlehtml",
        |f| f == "index.html",
    ),
    sections_of("gnome-user-docs", "usr/share/help/fr/gnome-help", |f| {
        f.ends_with(".page")
    }),
    sections_of(
        "debian-edu-doc-legacy-fr",
        "usr/share/doc/debian-edu-doc-legacy-fr",
        |f| f.ends_with(".html"),
    ),
    sections_of("gosa-help-fr", "usr/share/gosa/doc/core/fr/html", |f| {
        f.ends_with(".html")
    }),
    Source {
        package: "eyes17-manuals-fr",
        archive: Some("usr/share/doc/eyes17/fr/eyes17.epub"),
        dir: "",
        pick: |f| f.ends_with(".xhtml"),
        whole_pages: false,
    },
    Source {
        package: "scilab-doc-fr",
        archive: Some("usr/share/scilab/modules/helptools/jar/scilab_fr_FR_help.jar"),
        dir: "scilab_fr_FR_help",
        // Pages of functions; the section pages only list them.
        pick: |f| f.ends_with(".html") && !f.starts_with("section_") && f != "index.html",
        whole_pages: true,
    },
];

/// A package as fetched: its version and where it was unpacked.
pub struct Package {
    pub name: &'static str,
    pub version: String,
    pub root: PathBuf,
}

/// Fetches (unless already in `cache`) and unpacks every package of [`SOURCES`].
pub fn fetch(cache: &Path) -> Result<Vec<Package>> {
    std::fs::create_dir_all(cache)?;
    SOURCES.iter().map(|s| fetch_one(cache, s)).collect()
}

fn fetch_one(cache: &Path, source: &Source) -> Result<Package> {
    let name = source.package;
    let deb = match cached_deb(cache, name)? {
        Some(deb) => deb,
        None => {
            let status = Command::new("apt-get")
                .args(["download", name])
                .current_dir(cache)
                .status()
                .context("apt-get download")?;
            anyhow::ensure!(status.success(), "apt-get download {name} failed");
            cached_deb(cache, name)?.with_context(|| format!("{name}: no .deb after download"))?
        }
    };
    let file = deb.file_name().unwrap_or_default().to_string_lossy();
    // name_version_arch.deb, the version's epoch colon written %3a.
    let version = file
        .split('_')
        .nth(1)
        .unwrap_or_default()
        .replace("%3a", ":");
    let root = cache.join("unpacked").join(name);
    let done = root.join(".unpacked");
    if !done.exists() {
        std::fs::create_dir_all(&root)?;
        let status = Command::new("dpkg-deb")
            .arg("-x")
            .arg(&deb)
            .arg(&root)
            .status()
            .context("dpkg-deb -x")?;
        anyhow::ensure!(status.success(), "dpkg-deb -x {} failed", deb.display());
        if let Some(archive) = source.archive {
            let status = Command::new("unzip")
                .args(["-q", "-o"])
                .arg(root.join(archive))
                .arg("-d")
                .arg(&root)
                .status()
                .context("unzip")?;
            anyhow::ensure!(status.success(), "unzip {archive} failed");
        }
        std::fs::write(&done, &version)?;
    }
    Ok(Package {
        name,
        version,
        root,
    })
}

fn cached_deb(cache: &Path, name: &str) -> Result<Option<PathBuf>> {
    let prefix = format!("{name}_");
    let mut debs: Vec<PathBuf> = std::fs::read_dir(cache)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let f = p.file_name().unwrap_or_default().to_string_lossy();
            f.starts_with(&prefix) && f.ends_with(".deb")
        })
        .collect();
    debs.sort();
    Ok(debs.pop())
}

/// A part of a page under one heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub paragraphs: Vec<String>,
}

/// Elements whose text is not part of the section's prose: code, scripts, and
/// the navigation and tables of contents that every page repeats.
fn skipped(name: &str, class: Option<&str>) -> bool {
    // `info` and `screen`: a Mallard page's metadata and terminal output.
    const TAGS: &[&str] = &[
        "script", "style", "head", "nav", "pre", "noscript", "info", "screen",
    ];
    const CLASSES: &[&str] = &[
        "toc",
        "nav_table",
        "menu",
        "navheader",
        "navfooter",
        "headerlink",
        "section-number",
        "related",
        "sphinxsidebar",
        "contents",
        "footer",
    ];
    TAGS.contains(&name)
        || class.is_some_and(|c| {
            c.split_whitespace()
                .any(|c| CLASSES.contains(&c) || c.starts_with("index-"))
        })
}

/// Elements that end a paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "dt"
            | "dd"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "ul"
            | "ol"
            | "dl"
            | "blockquote"
            | "br"
            | "h6"
            | "section"
            | "article"
            | "figure"
            | "figcaption"
            | "caption"
            | "body"
            | "item"
            | "note"
            | "terms"
            | "steps"
            | "list"
    )
}

/// HTML headings, and the titles of a Mallard page and of its sections (an
/// HTML page's own `title` is in its `head`, which is skipped).
fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "title")
}

/// Collapses runs of white space into one space.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts a page into its sections, one per h1–h5 heading; the text before the
/// first heading has no title and is left out.
pub fn sections(html: &str) -> Vec<Section> {
    let document = Html::parse_document(html);
    let mut out: Vec<Section> = Vec::new();
    let mut current: Option<Section> = None;
    let mut paragraph = String::new();
    let mut heading: Option<(ego_tree::NodeId, String)> = None;
    let mut skipping: Option<ego_tree::NodeId> = None;
    let end_paragraph = |paragraph: &mut String, current: &mut Option<Section>| {
        let text = squeeze(paragraph);
        paragraph.clear();
        if let (false, Some(section)) = (text.is_empty(), current.as_mut()) {
            section.paragraphs.push(text);
        }
    };
    for edge in document.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Element(e) => {
                        let name = e.name();
                        if skipped(name, e.attr("class")) {
                            skipping = Some(node.id());
                        } else if is_heading(name) && heading.is_none() {
                            end_paragraph(&mut paragraph, &mut current);
                            heading = Some((node.id(), String::new()));
                        } else if is_block(name) {
                            end_paragraph(&mut paragraph, &mut current);
                        }
                    }
                    Node::Text(t) => match heading.as_mut() {
                        Some((_, h)) => h.push_str(t),
                        None => paragraph.push_str(t),
                    },
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                } else if skipping.is_some() {
                    continue;
                } else if let Some((_, h)) = heading.take_if(|(id, _)| *id == node.id()) {
                    out.extend(current.take());
                    current = Some(Section {
                        title: clean_title(&h),
                        paragraphs: Vec::new(),
                    });
                } else if let Node::Element(e) = node.value()
                    && is_block(e.name())
                {
                    end_paragraph(&mut paragraph, &mut current);
                }
            }
        }
    }
    end_paragraph(&mut paragraph, &mut current);
    out.extend(current);
    out.retain(|s| !s.title.is_empty());
    out
}

/// A whole page as one section: its first heading and all the text after it.
pub fn whole_page(html: &str) -> Option<Section> {
    let mut parts = sections(html).into_iter();
    let mut page = parts.next()?;
    for part in parts {
        page.paragraphs.push(part.title);
        page.paragraphs.extend(part.paragraphs);
    }
    Some(page)
}

/// A heading without its numbering: "Chapitre 6. Maintenance" and "6.1.2. Dépôts"
/// become "Maintenance" and "Dépôts", as a person would name the section.
pub fn clean_title(heading: &str) -> String {
    let text = squeeze(&without_tags(heading));
    let mut rest = text.as_str();
    for word in ["Chapitre ", "Annexe ", "Partie ", "Chapter ", "Appendix "] {
        if let Some(after) = rest.strip_prefix(word) {
            rest = after;
        }
    }
    if let Some((first, after)) = rest.split_once(' ')
        && is_numbering(first)
    {
        rest = after;
    }
    rest.trim_matches(|c: char| c.is_whitespace() || c == '¶')
        .to_owned()
}

/// A Mallard title is read as raw text by the HTML parser: its inline markup
/// (`<key>Super</key>`) is still there, and is taken off.
fn without_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// A page's text: UTF-8, or else Latin-1 (older pages of GOsa's help).
fn decode(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|e| e.into_bytes().into_iter().map(char::from).collect())
}

/// "6.", "6.1.2", "A.1.", "IV." but neither a word such as "A" nor a year.
fn is_numbering(token: &str) -> bool {
    let t = token.trim_end_matches('.');
    if t.is_empty() || !token.contains('.') {
        return false;
    }
    t.split('.').enumerate().all(|(i, part)| {
        !part.is_empty()
            && (part.chars().all(|c| c.is_ascii_digit())
                || (i == 0 && part.chars().all(|c| c.is_ascii_uppercase()) && part.len() <= 4))
    })
}

/// The words of a text, lowercased: its runs of letters.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

const FRENCH: &[&str] = &[
    "le", "la", "les", "de", "des", "du", "un", "une", "et", "est", "pour", "dans", "que", "qui",
    "sur", "pas", "par", "au", "aux", "avec", "ce", "cette", "ces", "il", "elle", "sont", "vous",
    "nous", "ou", "mais", "plus", "se", "sa", "son", "ses", "leur",
];
const ENGLISH: &[&str] = &[
    "the", "and", "of", "to", "is", "for", "that", "with", "this", "are", "be", "it", "you", "by",
    "from", "which", "can", "will", "not",
];

/// Whether a text reads as French prose rather than English or code: French
/// function words are frequent in it, and more frequent than English ones.
pub fn is_french(text: &str) -> bool {
    let (mut total, mut fr, mut en) = (0usize, 0usize, 0usize);
    for w in words(text) {
        total += 1;
        fr += usize::from(FRENCH.contains(&w.as_str()));
        en += usize::from(ENGLISH.contains(&w.as_str()));
    }
    total > 0 && fr * 100 >= total * 12 && fr >= 3 * en
}

/// The paragraphs worth keeping: French ones, and short ones (a label, a
/// caption) whose language cannot be told, which go with their neighbours.
fn french_paragraphs(paragraphs: Vec<String>) -> Vec<String> {
    paragraphs
        .into_iter()
        .filter(|p| words(p).count() < 8 || is_french(p))
        .collect()
}

/// Least number of words of a section's text for it to be a record.
pub const MIN_WORDS: usize = 30;

/// One record of the collection: a section of a page.
#[derive(Debug, Clone)]
pub struct Doc {
    pub id: String,
    pub package: &'static str,
    pub title: String,
    pub paragraphs: Vec<String>,
}

impl Doc {
    /// The first paragraph, when there are others: the record's summary.
    pub fn summary(&self) -> &str {
        if self.paragraphs.len() > 1 {
            &self.paragraphs[0]
        } else {
            ""
        }
    }

    /// Every paragraph but the summary.
    pub fn body(&self) -> String {
        let from = usize::from(self.paragraphs.len() > 1);
        self.paragraphs[from..].join("\n\n")
    }

    /// Summary and body: all the text that is not the title.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// The record in the interchange format (JSON Lines), as a method.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "kind": "method", "id": self.id, "lang": "fr", "status": "published",
            "title": self.title, "summary": self.summary(), "body": self.body(),
        })
    }
}

/// Every file under a directory, at any depth.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// The sections worth a record, from every page of every package, in order:
/// titled, French, at least [`MIN_WORDS`] words, each title and text once.
pub fn collection(packages: &[Package]) -> Result<Vec<Doc>> {
    let mut docs = Vec::new();
    let mut seen = HashSet::new();
    for (package, source) in packages.iter().zip(SOURCES) {
        let dir = package.root.join(source.dir);
        let mut files = Vec::new();
        files_under(&dir, &mut files).with_context(|| format!("{}", dir.display()))?;
        files.retain(|p| (source.pick)(&p.file_name().unwrap_or_default().to_string_lossy()));
        files.sort();
        for file in files {
            let html = decode(std::fs::read(&file)?);
            let parts = if source.whole_pages {
                whole_page(&html).into_iter().collect()
            } else {
                sections(&html)
            };
            for mut section in parts {
                section.paragraphs = french_paragraphs(section.paragraphs);
                let text = section.paragraphs.join("\n\n");
                if words(&text).count() < MIN_WORDS
                    || section.title.chars().count() > 200
                    || !is_french(&text)
                    || !seen.insert((section.title.clone(), text))
                {
                    continue;
                }
                docs.push(Doc {
                    id: format!("dfr-{:05}", docs.len()),
                    package: package.name,
                    title: section.title,
                    paragraphs: section.paragraphs,
                });
            }
        }
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_cut_at_its_headings() {
        let html = r##"<html><head><title>Page</title></head><body>
            <div class="toc"><ul><li>1. Installation</li></ul></div>
            <p>Avant le premier titre.</p>
            <h1 class="title"><a id="x"></a>Chapitre 6. Maintenance&nbsp;et mise &agrave; jour</h1>
            <p>Le système se met à jour.</p><p>Deuxième <em>paragraphe</em>, suite.</p>
            <pre>apt upgrade</pre>
            <h2><span class="section-number">6.1. </span>Dépôts<a class="headerlink" href="#d">¶</a></h2>
            <ul><li>Un dépôt</li><li>Un autre</li></ul>
            <h6>Pas un titre de section</h6><p>Texte.</p>
            </body></html>"##;
        let got = sections(html);
        assert_eq!(
            got,
            vec![
                Section {
                    title: "Maintenance et mise à jour".into(),
                    paragraphs: vec![
                        "Le système se met à jour.".into(),
                        "Deuxième paragraphe, suite.".into()
                    ],
                },
                Section {
                    title: "Dépôts".into(),
                    paragraphs: vec![
                        "Un dépôt".into(),
                        "Un autre".into(),
                        "Pas un titre de section".into(),
                        "Texte.".into()
                    ],
                },
            ]
        );
    }

    #[test]
    fn numbering_is_taken_off_titles() {
        assert_eq!(clean_title("6.1.2. Dépôts"), "Dépôts");
        assert_eq!(
            clean_title("1.1.1 Écriture des hauteurs"),
            "Écriture des hauteurs"
        );
        assert_eq!(clean_title("Annexe A. Le Howto"), "Le Howto");
        assert_eq!(clean_title("A.2. Partitionner"), "Partitionner");
        assert_eq!(clean_title("A propos de Debian"), "A propos de Debian");
        assert_eq!(clean_title("2020 en revue"), "2020 en revue");
        assert_eq!(clean_title("Commande debuild ¶"), "Commande debuild");
        assert_eq!(
            clean_title("Qu’est-ce que la touche <key>Super</key> ?"),
            "Qu’est-ce que la touche Super ?"
        );
        assert_eq!(decode(b"R\xe9pertoire".to_vec()), "Répertoire");
    }

    #[test]
    fn french_is_told_from_english() {
        assert!(is_french(
            "Le paquet est installé dans le système et la configuration se fait par debconf."
        ));
        assert!(!is_french(
            "The package is installed in the system and it is configured by debconf."
        ));
    }
}
