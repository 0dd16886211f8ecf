//! Files named by imported records: each `path` (relative to the file being
//! imported) is read, typed, stored and its text extracted, as an upload
//! would be; a `file` hash without a path must name a file this base holds.

use std::path::Path;

use crate::files::{Intake, Received};
use crate::model::Attachment;
use crate::store::Store;

use super::{Item, Rejection};

/// Takes in the files of `items`, read from paths relative to `base`; an item
/// whose files cannot all be taken in is removed and reported. `each` is
/// called after each file.
pub fn take_in(
    intake: &Intake,
    store: &Store,
    file: &str,
    base: &Path,
    items: &mut super::Items,
    each: impl FnMut(),
) -> Vec<Rejection> {
    take_in_beside(intake, &intake.files, store, file, base, items, each)
}

/// [`take_in`], with the files named by hash looked for in `stored` rather
/// than where the intake keeps files: a dry run takes files into a scratch
/// folder, and checks hashes against the base it reports on.
pub fn take_in_beside(
    intake: &Intake,
    stored: &crate::files::Files,
    store: &Store,
    file: &str,
    base: &Path,
    items: &mut super::Items,
    mut each: impl FnMut(),
) -> Vec<Rejection> {
    let mut rejected = Vec::new();
    items.retain_mut(|(line, item)| {
        match take_item(intake, stored, store, base, item, &mut each) {
            Ok(()) => true,
            Err(reason) => {
                rejected.push(Rejection {
                    file: file.to_owned(),
                    line: *line,
                    reason,
                });
                false
            }
        }
    });
    rejected
}

/// How many files the items name by path.
pub fn count(items: &super::Items) -> usize {
    items
        .iter()
        .flat_map(|(_, i)| &i.record.meta.attachments)
        .filter(|a| a.path.is_some())
        .count()
}

fn take_item(
    intake: &Intake,
    stored: &crate::files::Files,
    store: &Store,
    base: &Path,
    item: &mut Item,
    each: &mut impl FnMut(),
) -> Result<(), String> {
    for (i, a) in item.record.meta.attachments.iter_mut().enumerate() {
        let field = format!("attachments[{i}]");
        match a.path.take() {
            Some(path) => {
                let got = take_path(intake, store, &base.join(&path))
                    .map_err(|e| format!("{field}: {path}: {e}"))?;
                if a.name.trim().is_empty() {
                    a.name.clone_from(&path);
                }
                // A name goes into pages and download headers: as safe as
                // an upload's.
                a.name = crate::model::clean_file_name(&a.name);
                describe(a, got);
                each();
            }
            None => {
                a.name = crate::model::clean_file_name(&a.name);
                let held = stored.path(&a.file).is_some_and(|p| p.exists());
                if !held {
                    return Err(format!(
                        "{field}: no file {:?} in this base: give its path, or export with --files",
                        a.file
                    ));
                }
            }
        }
    }
    Ok(())
}

fn describe(a: &mut Attachment, got: Received) {
    a.pages = got.pages();
    a.file = got.hash;
    a.media_type = got.media_type.to_owned();
    a.size = got.size;
}

fn take_path(intake: &Intake, store: &Store, path: &Path) -> Result<Received, String> {
    let mut source = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut incoming = intake
        .files
        .receive(intake.max_upload)
        .map_err(|e| e.to_string())?;
    if incoming
        .copy_from(&mut source)
        .map_err(|e| e.to_string())?
        .is_err()
    {
        return Err(format!(
            "larger than {}",
            crate::files::human_size(intake.max_upload)
        ));
    }
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let known = |hash: &str| store.read().ok()?.file_text(hash).ok()?;
    let got = intake
        .take(incoming, name, known)
        .map_err(|e| e.to_string())?
        .map_err(|refused| refused.message())?;
    let hash = got.hash.clone();
    let text = got.text.clone();
    store
        .write(|w| match w.file_text(&hash)? {
            Some(_) => Ok(()),
            None => w.put_file_text(&hash, &text),
        })
        .map_err(|e| e.to_string())?;
    Ok(got)
}
