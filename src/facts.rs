//! What the maps and the dashboard need of every record, kept in memory: kind,
//! title, address, period, amount, links to partners and documents, keywords,
//! places, creation date. A search says which records a map or a chart
//! covers; these facts say how they are linked and how much they count.
//!
//! The summary follows the store: each request brings it up to the store's
//! latest change, reading again only the records changed since (the store's
//! change log), so that a map after an edit costs one record, not the base.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::model::{Body, Kind, Place, Record, Status};
use crate::store::{Reader, StoreError};

/// One record, as maps and charts see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub id: String,
    pub kind: Kind,
    /// The title; a partner's short name (its acronym when it has one), as
    /// the search's partner filter and facet name it.
    pub title: String,
    pub url: String,
    pub status: Status,
    pub owner: String,
    pub created: DateTime<Utc>,
    /// First and last year.
    pub period: Option<(i32, i32)>,
    /// Minor units and currency.
    pub amount: Option<(i64, String)>,
    /// Linked partners: (id, role).
    pub partners: Vec<(String, String)>,
    /// Linked documents: (id, type of link).
    pub related: Vec<(String, String)>,
    pub keywords: Vec<String>,
    pub places: Vec<Place>,
}

impl Fact {
    pub fn of(record: &Record) -> Fact {
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
            id: record.meta.id.clone(),
            kind: record.kind(),
            title,
            url: record.url(),
            status: record.meta.status,
            owner: record.meta.owner.clone(),
            created: record.meta.created,
            period,
            amount,
            partners: record
                .partner_refs()
                .iter()
                .map(|p| (p.id.clone(), p.role.clone()))
                .collect(),
            related: record
                .relations()
                .iter()
                .map(|r| (r.id.clone(), r.relation.clone()))
                .collect(),
            keywords: record.keywords().to_vec(),
            places: record.places().to_vec(),
        }
    }

    /// Whether a reader with this visibility (see
    /// [`crate::ops::access::Actor::visibility`]) may see the record.
    pub fn visible_to(&self, visibility: &(Vec<String>, Option<String>)) -> bool {
        let (statuses, owner) = visibility;
        statuses.is_empty()
            || statuses.iter().any(|s| s == self.status.as_str())
            || owner
                .as_deref()
                .is_some_and(|o| !o.is_empty() && o == self.owner)
    }
}

/// Every record's facts, as of one change of the store.
#[derive(Debug, Default)]
pub struct Facts {
    pub seq: u64,
    pub by_id: HashMap<String, Fact>,
}

impl Facts {
    pub fn get(&self, id: &str) -> Option<&Fact> {
        self.by_id.get(id)
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
    reader.for_each(|record| {
        by_id.insert(record.meta.id.clone(), Fact::of(&record));
        Ok(())
    })?;
    Ok(Facts { seq, by_id })
}

/// `facts` brought from its change to `seq` by reading the records changed
/// since, or every record when too many changed.
fn follow(facts: &Facts, reader: &Reader, seq: u64) -> Result<Facts, StoreError> {
    let changes = reader.changes_after(facts.seq, MAX_FOLLOWED + 1)?;
    if changes.len() > MAX_FOLLOWED {
        return read_all(reader, seq);
    }
    let mut by_id = facts.by_id.clone();
    for (_, id) in changes {
        match reader.get(&id)? {
            Some(record) => {
                by_id.insert(id, Fact::of(&record));
            }
            None => {
                by_id.remove(&id);
            }
        }
    }
    Ok(Facts { seq, by_id })
}
