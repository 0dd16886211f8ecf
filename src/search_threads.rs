//! The threads searches run on: one per core, at a lower scheduling priority than
//! the rest of the server.
//!
//! A search only uses the processor, and under a load of readers searches keep
//! every core busy. A save is acknowledged once its store commit and its index
//! commit are done, work that then waits for the processor behind the searches:
//! under 16 readers a save took two to three times as long as alone. Here the
//! searches run on threads of their own whose nice value is raised (Linux
//! weighs a thread of nice 5 about a third of one of nice 0), so that a save,
//! the index writer and the HTTP threads get a core first, while searches still
//! take all of it when nothing else needs it. One thread per core also admits
//! the searches one per core: the others wait their turn in the queue.
//!
//! These threads are made for searches and stay lowered (see [`crate::priority`]).

use std::sync::{Arc, Mutex, mpsc};

type Job = Box<dyn FnOnce() + Send>;

/// The search threads of a server.
pub struct SearchThreads {
    /// Shared by every request without a lock: a `Sender` is `Sync`.
    jobs: mpsc::Sender<Job>,
}

/// The search threads' nice value.
const NICER: i32 = 5;

/// A search gave no answer: it panicked (a bug, in the log), or the threads
/// are gone as the server stops.
#[derive(Debug, thiserror::Error)]
#[error("the search gave no answer")]
pub struct Lost;

impl SearchThreads {
    /// Starts `threads` search threads (one at least).
    pub fn new(threads: usize) -> std::io::Result<SearchThreads> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("search-{n}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // The lock is held only while waiting for a job.
                        let job = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        let Ok(job) = job else { break };
                        // A search that panics fails alone (its caller is told,
                        // its sender being dropped); the thread goes on.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    }
                })?;
        }
        Ok(SearchThreads { jobs })
    }

    /// One thread per core.
    pub fn per_core() -> std::io::Result<SearchThreads> {
        SearchThreads::new(crate::http::cores())
    }

    /// Runs `f` on a search thread, when one is free, and returns what it gives.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Lost> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = answer.send(f());
        });
        self.jobs.send(job).map_err(|_| Lost)?;
        answered.await.map_err(|_| Lost)
    }
}

fn lower_priority() {
    if let Err(e) = crate::priority::lower_this_thread(NICER) {
        tracing::warn!("search threads keep the server's priority: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn searches_run_on_lowered_threads_and_a_panic_fails_alone() {
        let threads = SearchThreads::new(2).expect("threads");
        let name = threads
            .run(|| std::thread::current().name().map(str::to_owned))
            .await
            .expect("ran");
        assert_eq!(
            name.as_deref().map(|n| n.starts_with("search-")),
            Some(true)
        );
        #[cfg(target_os = "linux")]
        {
            let nice = threads
                .run(|| rustix::process::getpriority_process(Some(rustix::thread::gettid())))
                .await
                .expect("ran")
                .expect("priority");
            let mine = rustix::process::getpriority_process(Some(rustix::thread::gettid()))
                .expect("priority");
            assert_eq!(nice, mine.max(NICER));
        }
        assert!(threads.run(|| panic!("a bug")).await.is_err());
        // Both threads are still there.
        let (a, b) = tokio::join!(threads.run(|| 1), threads.run(|| 2));
        assert_eq!((a.expect("ran"), b.expect("ran")), (1, 2));
    }
}
