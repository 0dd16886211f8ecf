//! Group commit of the search index: saves that arrive together share one index
//! commit.
//!
//! A save is acknowledged once it is durable in the store and searchable. Making
//! it searchable means an index commit, which writes a segment and syncs about
//! ten files: done once per save, concurrent saves queue behind each other's
//! commits. Here the first save to ask becomes the leader: it catches the index
//! up with everything the store holds at that moment, which includes the saves
//! that arrived meanwhile, and the others (the followers) wait for it and return
//! together. A save that arrives during a commit waits for the next one, which
//! the first of its kind leads. Alone, a save leads its own commit at once, as
//! before. The commit still carries the change-log sequence, so recovery after
//! a crash is unchanged.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use savoirs_index::SearchIndex;

use crate::search::{self, SyncError};
use crate::store::Store;

/// The committer of one data directory, shared by every writer.
pub struct GroupCommit {
    store: Arc<Store>,
    index: Arc<SearchIndex>,
    state: Mutex<State>,
    done: Condvar,
}

struct State {
    /// Every change up to this sequence number is searchable.
    searchable: u64,
    /// A leader is catching the index up.
    leading: bool,
    /// Index commits led so far: for tests and logs.
    commits: u64,
}

impl GroupCommit {
    pub fn new(store: Arc<Store>, index: Arc<SearchIndex>) -> GroupCommit {
        GroupCommit {
            store,
            index,
            state: Mutex::new(State {
                searchable: 0,
                leading: false,
                commits: 0,
            }),
            done: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Returns once every change the store has committed so far is searchable:
    /// what a writer calls after its store commit, from a blocking thread.
    pub fn make_searchable(&self) -> Result<(), SyncError> {
        let target = self.store.read()?.last_seq()?;
        let mut state = self.lock();
        loop {
            if state.searchable >= target {
                return Ok(());
            }
            if state.leading {
                state = self.done.wait(state).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            state.leading = true;
            drop(state);
            // Everything committed to the store before this point is caught
            // up, followers' saves included.
            let result = search::catch_up(&self.store, &self.index)
                .and_then(|applied| Ok((applied, self.index.applied_seq()?)));
            state = self.lock();
            state.leading = false;
            if let Ok((applied, seq)) = &result {
                state.searchable = state.searchable.max(*seq);
                state.commits += u64::from(*applied > 0);
            }
            self.done.notify_all();
            // On failure the followers wake and one of them tries again.
            result?;
        }
    }

    /// Number of index commits led so far.
    pub fn commits(&self) -> u64 {
        self.lock().commits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Body, Partner, Record};
    use crate::store::Author;

    const ME: Author<'static> = Author {
        name: "test",
        message: "test",
    };

    fn partner(name: &str) -> Record {
        Record::new(Body::Partner(Partner {
            name: name.into(),
            ..Partner::default()
        }))
    }

    fn setup() -> (tempfile::TempDir, Arc<Store>, Arc<SearchIndex>, GroupCommit) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(Store::open(dir.path()).expect("store"));
        let index = Arc::new(SearchIndex::in_memory().expect("index"));
        let group = GroupCommit::new(store.clone(), index.clone());
        (dir, store, index, group)
    }

    #[test]
    fn one_commit_makes_every_earlier_save_searchable() {
        let (_dir, store, index, group) = setup();
        for i in 0..5 {
            store
                .write(|w| w.save(partner(&format!("Association {i}")), &ME))
                .expect("save");
        }
        group.make_searchable().expect("searchable");
        assert_eq!(index.revisions().expect("indexed").len(), 5);
        assert_eq!(group.commits(), 1);
        // Nothing new: no commit.
        group.make_searchable().expect("searchable");
        assert_eq!(group.commits(), 1);
    }

    #[test]
    fn concurrent_saves_are_each_searchable_when_acknowledged() {
        let (_dir, store, index, group) = setup();
        let group = Arc::new(group);
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let (store, index, group) = (store.clone(), index.clone(), group.clone());
                std::thread::spawn(move || {
                    for i in 0..5 {
                        let saved = store
                            .write(|w| w.save(partner(&format!("Association {t}-{i}")), &ME))
                            .expect("save");
                        group.make_searchable().expect("searchable");
                        let indexed = index.revisions().expect("indexed");
                        assert!(
                            indexed.iter().any(|(id, _)| *id == saved.meta.id),
                            "{} not searchable once acknowledged",
                            saved.meta.id
                        );
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("writer");
        }
        assert_eq!(index.revisions().expect("indexed").len(), 40);
    }
}
