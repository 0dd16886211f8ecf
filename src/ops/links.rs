//! Operations between records: a resource linked to a partner (or the link
//! proposed to editors), partners merged, a thesaurus concept deleted with its
//! uses moved to another.

use super::{Event, OpError, Ops, Refusal, Result, refuse};
use crate::model::{self, Body, PartnerRef, Record, Status};
use crate::store::StoreError;

/// What became of a link asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Linked {
    /// Made: the resource names the partner.
    Made,
    /// Waiting in the review queue for an editor.
    Proposed,
}

/// A concept to delete, with what refers to it (read by the caller, which
/// shows them before asking for confirmation).
pub struct ConceptDeletion<'r> {
    pub concept: &'r Record,
    /// Where its uses and narrower concepts go; `None` when it has none.
    pub target: Option<&'r Record>,
    /// The documents that use one of its labels as a keyword.
    pub uses: &'r [String],
    pub narrower: &'r [Record],
    /// The concepts that name it as related.
    pub related_from: &'r [Record],
}

impl Ops<'_> {
    /// Links `resource` to `partner` in `role` (or changes the role it has). An
    /// account that may not change a published resource proposes the link.
    pub fn link(&self, resource: &Record, partner: &Record, role: &str) -> Result<Linked> {
        self.logged_in()?;
        if self.actor.can_edit(resource) {
            self.make_link(resource, partner, role)?;
            return Ok(Linked::Made);
        }
        if !self.actor.can_propose_link(resource) {
            return refuse(Refusal::CannotLinkResource);
        }
        let (r, p) = (&resource.meta.id, &partner.meta.id);
        self.store.propose_link(r, p, role, self.actor.name())?;
        self.emit(Event::LinkProposed {
            resource: r.clone(),
            partner: p.clone(),
        });
        Ok(Linked::Proposed)
    }

    fn make_link(&self, resource: &Record, partner: &Record, role: &str) -> Result<Record> {
        let mut linked = resource.clone();
        if let Some(refs) = linked.partner_refs_mut() {
            match refs.iter_mut().find(|r| r.id == partner.meta.id) {
                Some(existing) => role.clone_into(&mut existing.role),
                None => refs.push(PartnerRef {
                    id: partner.meta.id.clone(),
                    name: String::new(),
                    role: role.to_owned(),
                }),
            }
        }
        linked.meta.updated = model::now();
        let base = resource.meta.revision;
        let message = format!("Liée au partenaire {}", partner.title());
        self.write(
            &message,
            |w, author| w.save_if_current(linked, base, author),
            |saved| Event::Linked {
                resource: saved.meta.id.clone(),
                partner: partner.meta.id.clone(),
            },
        )
    }

    /// Takes `partner` off `resource`'s partners (undoing a link).
    pub fn unlink(&self, resource: &Record, partner: &Record) -> Result<Record> {
        self.logged_in()?;
        if !self.actor.can_edit(resource) {
            return refuse(Refusal::CannotLinkResource);
        }
        let mut unlinked = resource.clone();
        if let Some(refs) = unlinked.partner_refs_mut() {
            refs.retain(|r| r.id != partner.meta.id);
        }
        unlinked.meta.updated = model::now();
        let base = resource.meta.revision;
        let message = format!("Lien au partenaire {} retiré", partner.title());
        self.write(
            &message,
            |w, author| w.save_if_current(unlinked, base, author),
            |saved| Event::Changed {
                id: saved.meta.id.clone(),
            },
        )
    }

    /// A new partner named in a document's form: proposed to editors (an
    /// editor's is published at once), owned by the actor, who may then link
    /// it. Anyone who writes documents may propose one.
    pub fn propose_partner(&self, name: &str) -> Result<Record> {
        self.logged_in()?;
        let status = if self.actor.is_editor() {
            Status::Published
        } else {
            Status::Proposed
        };
        let partner = Record::new(Body::Partner(model::Partner {
            name: name.trim().to_owned(),
            ..model::Partner::default()
        }));
        let mut partner = partner;
        partner.meta.status = status;
        partner.meta.owner = self.actor.name().to_owned();
        let message = format!("Proposé depuis un document : {}", name.trim());
        self.write(
            &message,
            |w, author| w.save(partner, author),
            |saved| Event::Created {
                id: saved.meta.id.clone(),
                status: saved.meta.status,
            },
        )
    }

    /// An editor's answer to a proposed link: accepted, it is made in the
    /// editor's name; either way it leaves the queue. A proposal already
    /// answered is not found.
    pub fn decide_link(&self, proposal: &str, accept: bool) -> Result<()> {
        self.editor("review.editors_only")?;
        let proposal = self
            .store
            .take_link_proposal(proposal)?
            .ok_or(OpError::NotFound)?;
        if !accept {
            self.emit(Event::LinkRefused {
                resource: proposal.resource,
                partner: proposal.partner,
            });
            return Ok(());
        }
        let reader = self.store.read()?;
        let (Some(resource), Some(partner)) = (
            reader.get(&proposal.resource)?,
            reader.get(&proposal.partner)?,
        ) else {
            // Deleted meanwhile: nothing left to link.
            return Ok(());
        };
        drop(reader);
        self.make_link(&resource, &partner, &proposal.role)?;
        Ok(())
    }

    /// Merges partner `from` into partner `into` (editors): links move, the old
    /// address leads to the survivor, and of the old partner's names only those
    /// `keep` accepts become aliases.
    pub fn merge_partners(
        &self,
        from: &Record,
        into: &str,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<Record> {
        self.editor("links.merge_editors_only")?;
        if from.meta.id == into {
            return refuse(Refusal::MergeSelf);
        }
        let message = format!("Fusion de {} dans ce partenaire", from.title());
        self.write(
            &message,
            |w, author| w.merge_partner_keeping(&from.meta.id, into, author, keep),
            |survivor| Event::Merged {
                from: from.meta.id.clone(),
                into: survivor.meta.id.clone(),
            },
        )
    }

    /// Deletes a thesaurus concept (editors). Its uses and narrower concepts
    /// move to the target; concepts that named it as related forget it.
    pub fn delete_concept(&self, deletion: &ConceptDeletion<'_>) -> Result<()> {
        self.editor("links.thesaurus_editors_only")?;
        let concept = deletion.concept;
        let Body::Concept(c) = &concept.body else {
            return Err(OpError::NotFound);
        };
        let labels: Vec<String> = c
            .all_labels(&concept.meta.lang)
            .into_iter()
            .map(|(_, l)| model::name_key(l))
            .collect();
        let message = format!("Terme « {} » supprimé", concept.title());
        self.write(
            &message,
            |w, author| -> std::result::Result<(), StoreError> {
                if let Some(target) = deletion.target {
                    for id in deletion.uses {
                        let Some(mut doc) = w.get(id)? else { continue };
                        if let Some(keywords) = doc.keywords_mut() {
                            keywords.retain(|k| !labels.contains(&model::name_key(k)));
                            if !keywords.iter().any(|k| *k == target.title()) {
                                keywords.push(target.title().to_owned());
                            }
                        }
                        doc.meta.updated = model::now();
                        w.save(doc, author)?;
                    }
                    for n in deletion.narrower {
                        let Some(mut n) = w.get(&n.meta.id)? else {
                            continue;
                        };
                        if let Body::Concept(nc) = &mut n.body {
                            for b in nc.broader.iter_mut().filter(|b| **b == concept.meta.id) {
                                b.clone_from(&target.meta.id);
                            }
                            nc.broader.dedup();
                        }
                        w.save(n, author)?;
                    }
                }
                for r in deletion.related_from {
                    let Some(mut r) = w.get(&r.meta.id)? else {
                        continue;
                    };
                    if let Body::Concept(rc) = &mut r.body {
                        rc.related.retain(|id| *id != concept.meta.id);
                    }
                    w.save(r, author)?;
                }
                w.delete(&concept.meta.id)?;
                Ok(())
            },
            |()| Event::ConceptDeleted {
                id: concept.meta.id.clone(),
            },
        )
    }
}
