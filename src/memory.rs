//! How much memory the process gives its caches: redb's page cache and the
//! index writer's buffer. Set once, from the command line (`--cache-mb`,
//! `--index-memory-mb`), before the store and the index are opened; both read it
//! when they open. Left unset (tests, tools), the defaults apply.
//!
//! Without a bound, redb's cache grows to 1 GiB, which on a small server is
//! memory taken from the page cache that the index's files are read through.

use std::sync::OnceLock;

/// Mebibytes, the unit of the flags.
const MIB: usize = 1024 * 1024;

/// The memory settings of the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// redb's cache of store pages, in bytes.
    pub store_cache: usize,
    /// What the index writer may buffer before it writes a segment, in bytes.
    pub index_writer: usize,
    /// The most threads the index writer may take.
    pub index_threads: usize,
}

impl Default for Memory {
    fn default() -> Memory {
        Memory {
            store_cache: 64 * MIB,
            index_writer: 64 * MIB,
            index_threads: 4,
        }
    }
}

impl Memory {
    /// From the flags, in mebibytes, and a number of threads.
    pub fn from_mib(store_cache: usize, index_writer: usize, index_threads: usize) -> Memory {
        Memory {
            store_cache: store_cache * MIB,
            index_writer: index_writer * MIB,
            index_threads,
        }
    }

    /// How the index writer works, for [`savoirs_index::SearchIndex::open_with`].
    pub fn writing(&self) -> savoirs_index::Writing {
        savoirs_index::Writing {
            memory: self.index_writer,
            threads: self.index_threads,
        }
    }
}

static SET: OnceLock<Memory> = OnceLock::new();

/// Sets the process's memory settings; only the first call counts.
pub fn set(memory: Memory) {
    let _ = SET.set(memory);
}

/// The process's memory settings.
pub fn get() -> Memory {
    SET.get().copied().unwrap_or_default()
}
