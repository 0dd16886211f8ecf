//! The one way a name becomes a record: a partner by its name, acronym or other
//! name; a record by its id, or a document by its exact title; a concept by its
//! id or any label.
//! Forms, the JSON API, imports and the partner page's link form all resolve
//! through it, over a snapshot (a [`Reader`]) or inside a write (a [`Writer`]),
//! among the records the person may see: a hidden record answers as one that
//! does not exist.

use crate::model::{self, Kind, Record};
use crate::store::{Reader, Result, Writer};

/// What the resolver needs of the store, which snapshots and writes both have.
pub trait Lookup {
    fn record(&self, id: &str) -> Result<Option<Record>>;
    fn partner_named(&self, name: &str) -> Result<Option<String>>;
    fn concept_labelled(&self, label: &str) -> Result<Option<String>>;
    fn by_slug(&self, kind: Kind, slug: &str) -> Result<Option<String>>;
}

macro_rules! lookup {
    ($t:ty) => {
        impl Lookup for $t {
            fn record(&self, id: &str) -> Result<Option<Record>> {
                self.get(id)
            }
            fn partner_named(&self, name: &str) -> Result<Option<String>> {
                self.partner_by_name(name)
            }
            fn concept_labelled(&self, label: &str) -> Result<Option<String>> {
                self.concept_by_label(label)
            }
            fn by_slug(&self, kind: Kind, slug: &str) -> Result<Option<String>> {
                self.id_by_slug(kind, slug)
            }
        }
    };
}
lookup!(Reader);
lookup!(Writer<'_>);

/// Names resolved among the records `visible` lets through.
pub struct Names<'a, L: Lookup + ?Sized> {
    lookup: &'a L,
    visible: &'a dyn Fn(&Record) -> bool,
}

impl<'a, L: Lookup + ?Sized> Names<'a, L> {
    pub fn new(lookup: &'a L, visible: &'a dyn Fn(&Record) -> bool) -> Names<'a, L> {
        Names { lookup, visible }
    }

    /// The record with this id, if it may be seen.
    pub fn get(&self, id: &str) -> Result<Option<Record>> {
        Ok(self.lookup.record(id)?.filter(|r| (self.visible)(r)))
    }

    /// Whether `id` names a record that exists but may not be seen.
    pub fn hidden(&self, id: &str) -> Result<bool> {
        Ok(self.lookup.record(id)?.is_some_and(|r| !(self.visible)(&r)))
    }

    fn seen(&self, found: Option<String>) -> Result<Option<String>> {
        Ok(match found {
            Some(id) if self.get(&id)?.is_some() => Some(id),
            _ => None,
        })
    }

    /// A partner by its name, acronym or one of its other names.
    pub fn partner(&self, name: &str) -> Result<Option<String>> {
        self.seen(self.lookup.partner_named(name.trim())?)
    }

    /// A concept by its id or any of its labels, in any language.
    pub fn concept(&self, text: &str) -> Result<Option<String>> {
        if let Some(r) = self.get(text)?
            && r.kind() == Kind::Concept
        {
            return Ok(Some(text.to_owned()));
        }
        self.seen(self.lookup.concept_labelled(text)?)
    }

    /// A record by its id, or a record of one of `kinds` by its exact title.
    pub fn record(&self, text: &str, kinds: &[Kind]) -> Result<Option<String>> {
        if self.get(text)?.is_some() {
            return Ok(Some(text.to_owned()));
        }
        let slug = model::slugify(text);
        for kind in kinds {
            if let Some(id) = self.seen(self.lookup.by_slug(*kind, &slug)?)? {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Body, Method, Partner, Status};
    use crate::store::{Author, Store};

    #[test]
    fn names_resolve_alike_in_a_snapshot_and_a_write_and_hide_what_may_not_be_seen() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let me = Author {
            name: "eve",
            message: "",
        };
        let (partner, method) = store
            .write(|w| {
                let p = w.save(
                    Record::new(Body::Partner(Partner {
                        name: "Réseau des centres".into(),
                        acronym: "RECIDOC".into(),
                        ..Partner::default()
                    })),
                    &me,
                )?;
                let mut draft = Record::new(Body::Method(Method {
                    title: "La marche exploratoire".into(),
                    ..Method::default()
                }));
                draft.meta.status = Status::Draft;
                Ok((p, w.save(draft, &me)?))
            })
            .expect("save");
        let all = |_: &Record| true;
        let published = |r: &Record| r.meta.status == Status::Published;
        let reader = store.read().expect("read");
        let names = Names::new(&reader, &all);
        assert_eq!(
            names.partner("recidoc").expect("partner"),
            Some(partner.meta.id.clone())
        );
        assert_eq!(
            names
                .record("La marche exploratoire", &Kind::DOCUMENTS)
                .expect("document"),
            Some(method.meta.id.clone())
        );
        assert_eq!(
            names
                .record("La marche exploratoire", &[Kind::Resource])
                .expect("document"),
            None,
            "only the kinds asked for"
        );
        let public = Names::new(&reader, &published);
        assert_eq!(
            public
                .record(&method.meta.id, &Kind::DOCUMENTS)
                .expect("doc"),
            None
        );
        assert!(public.hidden(&method.meta.id).expect("hidden"));
        store
            .write(|w| {
                let names = Names::new(&*w, &all);
                assert_eq!(
                    names.partner("Réseau des centres")?,
                    Some(partner.meta.id.clone())
                );
                Ok(())
            })
            .expect("in a write");
    }
}
