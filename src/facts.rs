//! What the maps and the dashboard need of every record, kept in memory: kind,
//! title, address, period, amount, links to partners and documents, keywords,
//! places, creation date. A search says which records a map or a chart
//! covers; these facts say how they are linked and how much they count.
//!
//! The summary follows the store: each request brings it up to the store's
//! latest change, reading again only the records changed since (the store's
//! change log), so that a map after an edit costs one record, not the base.
//!
//! It is kept small, since it holds every record: the values many records
//! share (ids of partners, keywords, roles) are stored once and shared, and
//! a change copies pointers to the facts, not the facts.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::model::{Body, Kind, Place, RELATIONS, ROLES, Record, Status};
use crate::store::{Reader, StoreError};

/// Who may see what: the statuses a reader sees, and their own records
/// whatever their status (see [`crate::ops::access::Actor::visibility`]).
pub type Visibility = (Vec<String>, Option<String>);

/// One record, as maps and charts see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub id: Arc<str>,
    pub kind: Kind,
    /// The title; a partner's short name (its acronym when it has one), as
    /// the search's partner filter and facet name it.
    pub title: String,
    pub url: String,
    pub status: Status,
    pub owner: Arc<str>,
    pub created: DateTime<Utc>,
    /// First and last year.
    pub period: Option<(i32, i32)>,
    /// Minor units and currency.
    pub amount: Option<(i64, String)>,
    /// Linked partners: (id, role).
    pub partners: Vec<(Arc<str>, &'static str)>,
    /// Linked documents: (id, type of link).
    pub related: Vec<(Arc<str>, &'static str)>,
    pub keywords: Vec<Arc<str>>,
    pub places: Vec<Place>,
}

/// Strings many facts share, each kept once.
#[derive(Default)]
pub struct Shared(HashSet<Arc<str>>);

impl Shared {
    fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(held) = self.0.get(text) {
            return held.clone();
        }
        let held: Arc<str> = Arc::from(text);
        self.0.insert(held.clone());
        held
    }
}

/// `name` as the constant of `known` it equals, else `other` (names are
/// checked when saved: only a record from an older version could differ).
fn known(name: &str, known: &[&'static str], other: &'static str) -> &'static str {
    known.iter().find(|k| **k == name).copied().unwrap_or(other)
}

impl Fact {
    pub fn of(record: &Record, shared: &mut Shared) -> Fact {
        let (period, amount) = match &record.body {
            Body::Action(a) => (
                a.period.map(|p| (p.start, p.end)),
                a.amount.as_ref().map(|m| (m.minor, m.currency.clone())),
            ),
            _ => (None, None),
        };
        let title = match &record.body {
            Body::Partner(p) => p.label().to_owned(),
            _ => record.title().to_owned(),
        };
        Fact {
            id: shared.get(&record.meta.id),
            kind: record.kind(),
            title,
            url: record.url(),
            status: record.meta.status,
            owner: shared.get(&record.meta.owner),
            created: record.meta.created,
            period,
            amount,
            partners: record
                .partner_refs()
                .iter()
                .map(|p| (shared.get(&p.id), known(&p.role, &ROLES, "partner")))
                .collect(),
            related: record
                .relations()
                .iter()
                .map(|r| (shared.get(&r.id), known(&r.relation, &RELATIONS, "related")))
                .collect(),
            keywords: record.keywords().iter().map(|k| shared.get(k)).collect(),
            places: record.places().to_vec(),
        }
    }

    /// Whether a reader with this visibility may see the record.
    pub fn visible_to(&self, visibility: &Visibility) -> bool {
        let (statuses, owner) = visibility;
        statuses.is_empty()
            || statuses.iter().any(|s| s == self.status.as_str())
            || owner
                .as_deref()
                .is_some_and(|o| !o.is_empty() && o == &*self.owner)
    }
}

/// Every record's facts, as of one change of the store.
#[derive(Default)]
pub struct Facts {
    pub seq: u64,
    by_id: HashMap<Arc<str>, Arc<Fact>>,
    shared: Mutex<Shared>,
}

impl Facts {
    pub fn get(&self, id: &str) -> Option<&Fact> {
        self.by_id.get(id).map(Arc::as_ref)
    }

    /// The id as these facts hold it (shared, not copied), when they know
    /// the record.
    pub fn id(&self, id: &str) -> Option<Arc<str>> {
        self.by_id.get_key_value(id).map(|(k, _)| k.clone())
    }
}

/// Past this many changes, reading every record again is as quick as
/// following the log.
const MAX_FOLLOWED: usize = 5_000;

/// The facts, shared by requests.
#[derive(Default)]
pub struct Cache(Mutex<Option<Arc<Facts>>>);

impl Cache {
    /// The facts as of the reader's snapshot.
    pub fn get(&self, reader: &Reader) -> Result<Arc<Facts>, StoreError> {
        let seq = reader.last_seq()?;
        let held = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let facts = match held {
            Some(facts) if facts.seq == seq => return Ok(facts),
            Some(facts) if facts.seq < seq => follow(&facts, reader, seq)?,
            _ => read_all(reader, seq)?,
        };
        let facts = Arc::new(facts);
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // Another request may have brought a later snapshot meanwhile.
        if slot.as_ref().is_none_or(|held| held.seq <= facts.seq) {
            *slot = Some(facts.clone());
        }
        Ok(facts)
    }
}

fn read_all(reader: &Reader, seq: u64) -> Result<Facts, StoreError> {
    let mut by_id = HashMap::new();
    let mut shared = Shared::default();
    reader.for_each(|record| {
        let fact = Fact::of(&record, &mut shared);
        by_id.insert(fact.id.clone(), Arc::new(fact));
        Ok(())
    })?;
    Ok(Facts {
        seq,
        by_id,
        shared: Mutex::new(shared),
    })
}

/// `facts` brought from its change to `seq` by reading the records changed
/// since, or every record when too many changed.
fn follow(facts: &Facts, reader: &Reader, seq: u64) -> Result<Facts, StoreError> {
    let changes = reader.changes_after(facts.seq, MAX_FOLLOWED + 1)?;
    if changes.len() > MAX_FOLLOWED {
        return read_all(reader, seq);
    }
    let mut by_id = facts.by_id.clone();
    let mut shared = std::mem::take(&mut *facts.shared.lock().unwrap_or_else(|e| e.into_inner()));
    for (_, id) in changes {
        match reader.get(&id)? {
            Some(record) => {
                let fact = Fact::of(&record, &mut shared);
                by_id.insert(fact.id.clone(), Arc::new(fact));
            }
            None => {
                by_id.remove(id.as_str());
            }
        }
    }
    Ok(Facts {
        seq,
        by_id,
        shared: Mutex::new(shared),
    })
}
