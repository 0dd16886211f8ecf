//! Links proposed by contributors: a contributor may not change a published
//! resource, but may ask for it to be linked to a partner. The proposal waits in
//! the editors' review queue until one of them accepts it (the link is then
//! made, in the editor's name) or refuses it.

use chrono::{DateTime, Utc};
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use super::tables::LINK_PROPOSALS;
use super::users::{hex, random_bytes};
use super::{Result, Store, decode_json, encode};
use crate::model;

/// A link waiting for an editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkProposal {
    pub id: String,
    pub resource: String,
    pub partner: String,
    pub role: String,
    /// The account that proposed it.
    pub by: String,
    pub created: DateTime<Utc>,
}

impl Store {
    /// Records a proposal; the same link proposed again is the same proposal.
    pub fn propose_link(
        &self,
        resource: &str,
        partner: &str,
        role: &str,
        by: &str,
    ) -> Result<LinkProposal> {
        if let Some(same) = self
            .link_proposals()?
            .into_iter()
            .find(|p| p.resource == resource && p.partner == partner && p.role == role)
        {
            return Ok(same);
        }
        let mut raw = [0u8; 8];
        random_bytes(&mut raw);
        let proposal = LinkProposal {
            id: hex(&raw),
            resource: resource.to_owned(),
            partner: partner.to_owned(),
            role: role.to_owned(),
            by: by.to_owned(),
            created: model::now(),
        };
        self.write(|w| {
            w.txn
                .open_table(LINK_PROPOSALS)?
                .insert(proposal.id.as_str(), encode(&proposal).as_slice())?;
            Ok(())
        })?;
        Ok(proposal)
    }

    /// Every proposal, oldest first.
    pub fn link_proposals(&self) -> Result<Vec<LinkProposal>> {
        let txn = self.begin_read()?;
        let table = txn.open_table(LINK_PROPOSALS)?;
        let mut out = Vec::new();
        for entry in table.iter()? {
            let (_, v) = entry?;
            out.push(decode_json::<LinkProposal>("link proposal", v.value())?);
        }
        out.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// Takes a proposal out of the queue, whatever is decided; `None` if it is
    /// not there (any more).
    pub fn take_link_proposal(&self, id: &str) -> Result<Option<LinkProposal>> {
        self.write(|w| {
            let mut table = w.txn.open_table(LINK_PROPOSALS)?;
            let removed = table.remove(id)?;
            removed
                .map(|v| decode_json("link proposal", v.value()))
                .transpose()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proposal_waits_once_until_taken() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let p = store
            .propose_link("r1", "p1", "user", "carl")
            .expect("propose");
        let again = store
            .propose_link("r1", "p1", "user", "cora")
            .expect("propose");
        assert_eq!(p, again, "the same link is one proposal");
        assert_eq!(store.link_proposals().expect("list"), vec![p.clone()]);
        assert_eq!(
            store.take_link_proposal(&p.id).expect("take"),
            Some(p.clone())
        );
        assert_eq!(store.take_link_proposal(&p.id).expect("take"), None);
        assert!(store.link_proposals().expect("list").is_empty());
    }
}
