//! A thread's scheduling priority (its nice value), lowered so that the
//! threads that hold others up get a core first: the index writer during an
//! import, a save's commits under a load of searches.
//!
//! On Linux the nice value is a thread's own, and the threads it starts
//! inherit it. A thread may always lower its own priority, but only a
//! privileged process can raise it again: a thread lowered stays lowered.

/// Sets the calling thread's nice value to `nice` (0 to 19, 19 the lowest),
/// unless it is already lower. Elsewhere than on Linux, does nothing.
#[cfg(target_os = "linux")]
pub fn lower_this_thread(nice: i32) -> std::io::Result<()> {
    let me = rustix::thread::gettid();
    let now = rustix::process::getpriority_process(Some(me))?;
    if now < nice {
        rustix::process::setpriority_process(Some(me), nice)?;
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
pub fn lower_this_thread(_nice: i32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn nice() -> i32 {
        rustix::process::getpriority_process(Some(rustix::thread::gettid())).expect("nice")
    }

    #[test]
    fn a_thread_lowers_itself_and_the_threads_it_starts_alone() {
        let mine = nice();
        let (lowered, kept, child) = std::thread::spawn(|| {
            lower_this_thread(7).expect("lowered");
            let lowered = nice();
            // Asking for less never raises it again.
            lower_this_thread(3).expect("kept");
            let kept = nice();
            (
                lowered,
                kept,
                std::thread::spawn(nice).join().expect("child"),
            )
        })
        .join()
        .expect("thread");
        assert_eq!(
            (lowered, kept, child),
            (mine.max(7), mine.max(7), mine.max(7))
        );
        assert_eq!(nice(), mine, "the calling thread only");
    }
}
