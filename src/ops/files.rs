//! Attaching files to a record, replacing and removing them. The file is
//! already stored ([`crate::files`]); what changes is the record's list of
//! attachments, a revision like any other, so history and restore cover it.

use super::{Event, OpError, Ops, Refusal, Result, refuse};
use crate::files::extract::Extraction;
use crate::model::{self, Attachment, Record};

impl Ops<'_> {
    /// Gives `stored` the attachments `attachments`, if nobody saved since
    /// `base`; `texts` are the texts newly extracted, kept by file hash.
    pub fn set_attachments(
        &self,
        stored: &Record,
        attachments: Vec<Attachment>,
        texts: Vec<(String, Extraction)>,
        base: u64,
        message: &str,
    ) -> Result<Record> {
        self.logged_in()?;
        if !self.actor.can_edit(stored) {
            return refuse(Refusal::CannotEdit);
        }
        let mut record = stored.clone();
        record.meta.attachments = attachments;
        record.meta.updated = model::now();
        let saved = self.write(
            message,
            |w, author| {
                for (hash, text) in &texts {
                    if w.file_text(hash)?.is_none() {
                        w.put_file_text(hash, text)?;
                    }
                }
                w.save_if_current(record, base, author)
            },
            |saved| Event::Changed {
                id: saved.meta.id.clone(),
            },
        );
        match saved {
            Err(OpError::Store(crate::store::StoreError::Conflict { .. })) => {
                refuse(Refusal::ChangedMeanwhile)
            }
            other => other,
        }
    }
}
