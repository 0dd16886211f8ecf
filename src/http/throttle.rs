//! The throttle on logins: how many password checks run at once, and how many
//! failures an account and an address may have before they must wait.
//!
//! The rules, and why:
//!
//! - Failures are counted per account *and* address, and per address. The first
//!   stops guessing one account's password from one place; the second, trying
//!   many accounts from one place. Nothing counts per account alone: a stranger
//!   who fails fifty times from their own address must not lock the owner out,
//!   who logs in from another address with no failures.
//! - An attempt is counted before its password is checked, under the same lock
//!   as the check of the limit, and forgiven when the password is right: eighty
//!   attempts at once get exactly the limit through, not eighty.
//! - Past the limit, the wait doubles with each further failure (one minute, two,
//!   four… up to an hour); one attempt is allowed when a wait ends.
//! - The table has a fixed size and its keys are hashes: made-up account names
//!   of any length cost a few bytes each, and the oldest entries make room.
//! - Password checks (Argon2, about 19 MiB and tens of milliseconds each) run at
//!   most one per core; the others wait their turn instead of taking memory.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

/// Failures allowed per account and address before waiting.
pub const PAIR_LIMIT: u32 = 10;
/// Failures allowed per address, whatever the accounts, before waiting.
pub const ADDRESS_LIMIT: u32 = 50;
/// A count under its limit is forgotten after this quiet time.
const WINDOW: Duration = Duration::from_secs(60);
/// The longest wait.
const MAX_WAIT: Duration = Duration::from_secs(3600);
/// Entries kept at most (about 50 bytes each).
const CAPACITY: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last: Instant,
}

impl Entry {
    /// When this key may try again, if it must wait.
    fn blocked_until(&self, limit: u32) -> Option<Instant> {
        if self.failures < limit {
            return None;
        }
        let doublings = (self.failures - limit).min(6);
        let wait = (WINDOW * 2u32.pow(doublings)).min(MAX_WAIT);
        Some(self.last + wait)
    }

    fn stale(&self, now: Instant, limit: u32) -> bool {
        match self.blocked_until(limit) {
            None => now.duration_since(self.last) > WINDOW,
            Some(until) => now > until + MAX_WAIT,
        }
    }
}

/// The keys of one login attempt, to forgive it when the password was right.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    pair: u64,
    address: u64,
}

#[derive(Debug)]
pub struct Throttle {
    /// Keys are hashes: the pair key's top bit is clear, the address key's set,
    /// so each knows its limit.
    table: Mutex<HashMap<u64, Entry>>,
    hasher: RandomState,
    checks: Semaphore,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            table: Mutex::new(HashMap::new()),
            hasher: RandomState::new(),
            checks: Semaphore::new(super::cores()),
        }
    }
}

/// The part of an address that one person controls: the whole IPv4 address,
/// the /64 prefix of an IPv6 one (a single machine is usually given a /64).
fn network(ip: IpAddr) -> [u8; 8] {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            [4, o[0], o[1], o[2], o[3], 0, 0, 0]
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => network(IpAddr::V4(v4)),
            None => {
                let o = v6.octets();
                [o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7]]
            }
        },
    }
}

const ADDRESS_BIT: u64 = 1 << 63;

impl Throttle {
    fn keys(&self, account: &str, client: IpAddr) -> Attempt {
        let net = network(client);
        let account = account.to_lowercase();
        let pair = self.hasher.hash_one((account.as_str(), net)) & !ADDRESS_BIT;
        let address = self.hasher.hash_one(net) | ADDRESS_BIT;
        Attempt { pair, address }
    }

    fn limit(key: u64) -> u32 {
        if key & ADDRESS_BIT == 0 {
            PAIR_LIMIT
        } else {
            ADDRESS_LIMIT
        }
    }

    /// Records an attempt to log in to `account` from `client`, or says how
    /// long to wait if either must wait.
    pub fn begin(&self, account: &str, client: IpAddr) -> Result<Attempt, Duration> {
        let attempt = self.keys(account, client);
        let now = Instant::now();
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = Duration::ZERO;
        for key in [attempt.pair, attempt.address] {
            if let Some(entry) = table.get(&key) {
                if entry.stale(now, Self::limit(key)) {
                    table.remove(&key);
                } else if let Some(until) = entry.blocked_until(Self::limit(key)) {
                    wait = wait.max(until.saturating_duration_since(now));
                }
            }
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        for key in [attempt.pair, attempt.address] {
            if !table.contains_key(&key) && table.len() >= CAPACITY {
                make_room(&mut table, now);
            }
            let entry = table.entry(key).or_insert(Entry {
                failures: 0,
                last: now,
            });
            entry.failures = entry.failures.saturating_add(1);
            entry.last = now;
        }
        Ok(attempt)
    }

    /// The password was right: the attempt was not a failure.
    pub fn succeeded(&self, attempt: Attempt) {
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        table.remove(&attempt.pair);
        if let Some(entry) = table.get_mut(&attempt.address) {
            entry.failures = entry.failures.saturating_sub(1);
        }
    }

    /// Waits for a turn to check a password.
    pub async fn check_turn(&self) -> Option<SemaphorePermit<'_>> {
        self.checks.acquire().await.ok()
    }

    /// Entries held.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.table.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Frees one place at least: the stale entries, else the entry that has waited
/// longest among those not blocked, else the oldest.
fn make_room(table: &mut HashMap<u64, Entry>, now: Instant) {
    table.retain(|key, entry| !entry.stale(now, Throttle::limit(*key)));
    if table.len() < CAPACITY {
        return;
    }
    let victim = table
        .iter()
        .min_by_key(|(key, entry)| {
            let blocked = entry
                .blocked_until(Throttle::limit(**key))
                .is_some_and(|until| until > now);
            (blocked, entry.last)
        })
        .map(|(key, _)| *key);
    if let Some(key) = victim {
        table.remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn the_limit_holds_per_account_and_address_and_spares_other_addresses() {
        let t = Throttle::default();
        let stranger = ip("203.0.113.7");
        for _ in 0..PAIR_LIMIT {
            assert!(t.begin("ana", stranger).is_ok());
        }
        let wait = t.begin("ana", stranger).expect_err("blocked");
        assert!(wait > Duration::from_secs(50) && wait <= WINDOW, "{wait:?}");
        // The owner, elsewhere, is not locked out; nor is another account.
        let owner = t.begin("ana", ip("198.51.100.1")).expect("owner");
        t.succeeded(owner);
        assert!(t.begin("bob", stranger).is_ok());
        // The same account name in other letter cases is the same account.
        assert!(t.begin("ANA", stranger).is_err());
    }

    #[test]
    fn an_address_trying_many_accounts_must_wait_too() {
        let t = Throttle::default();
        let client = ip("2001:db8::1");
        for i in 0..ADDRESS_LIMIT {
            assert!(t.begin(&format!("user{i}"), client).is_ok(), "{i}");
        }
        assert!(t.begin("someone-else", client).is_err());
        // Another machine of the same /64 is the same place.
        assert!(t.begin("someone-else", ip("2001:db8::2")).is_err());
        assert!(t.begin("someone-else", ip("2001:db8:0:1::2")).is_ok());
    }

    #[test]
    fn a_right_password_is_forgiven() {
        let t = Throttle::default();
        let client = ip("192.0.2.1");
        for _ in 0..3 * PAIR_LIMIT {
            let attempt = t.begin("ana", client).expect("never blocked");
            t.succeeded(attempt);
        }
    }

    #[test]
    fn waits_double_after_the_limit() {
        let now = Instant::now();
        let wait = |failures| {
            Entry {
                failures,
                last: now,
            }
            .blocked_until(PAIR_LIMIT)
            .map(|until| until - now)
        };
        assert_eq!(wait(PAIR_LIMIT - 1), None);
        assert_eq!(wait(PAIR_LIMIT), Some(WINDOW));
        assert_eq!(wait(PAIR_LIMIT + 2), Some(4 * WINDOW));
        assert_eq!(wait(PAIR_LIMIT + 30), Some(MAX_WAIT));
    }

    #[test]
    fn the_table_stays_within_its_size() {
        let t = Throttle::default();
        for i in 0..CAPACITY as u32 {
            let name = format!("{i}{}", "x".repeat(1000));
            let client = IpAddr::V4(std::net::Ipv4Addr::from(i));
            assert!(t.begin(&name, client).is_ok());
        }
        assert!(t.len() <= CAPACITY);
    }
}
