//! Limits that reach past one connection: a message budget per identity, shared by every socket
//! that identity opens (so more sockets, or reconnecting in a loop, do not buy more messages); a
//! cap on how often one identity may enter; and a cap on hellos per source IP.
//!
//! Each is a [`TokenBucket`] kept per key. A key is forgotten once nobody holds it and its
//! bucket has filled up again, so forgetting it never gives anyone more than waiting would have.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::auth::lock;
use crate::rate::{TokenBucket, RATE_BURST, RATE_PER_SEC};

/// Entries (welcomes) one identity may have at once, and how fast that refills: a reconnecting
/// client is never near it, a reconnect loop soon is.
pub const ENTRY_BURST: f64 = 20.0;
pub const ENTRIES_PER_SEC: f64 = 1.0 / 3.0;
/// Hellos per source IP per minute unless configured (`--max-hellos-per-ip`).
pub const DEFAULT_HELLOS_PER_IP: u32 = 600;
/// Connections one source IP may hold open before their hello is accepted, unless configured
/// (`--max-pending-per-ip`). A class behind one NAT enters a few at a time; thousands of idle
/// sockets from one address are an attack on memory.
pub const DEFAULT_PENDING_PER_IP: u32 = 100;
/// Keys kept at most per table; past it (after forgetting what can be forgotten) new keys go
/// unlimited rather than refused, and a warning is logged.
pub const MAX_KEYS: usize = 200_000;
/// How often a table forgets idle keys.
const SWEEP_EVERY: Duration = Duration::from_secs(10);

/// A bucket shared by whoever holds it.
pub type SharedBucket = Arc<Mutex<TokenBucket>>;

/// Token buckets by key.
pub struct Buckets<K> {
    per_sec: f64,
    burst: f64,
    inner: Mutex<Table<K>>,
}

struct Table<K> {
    map: HashMap<K, SharedBucket>,
    last_sweep: Instant,
}

impl<K: Eq + Hash + Clone> Buckets<K> {
    pub fn new(per_sec: f64, burst: f64) -> Buckets<K> {
        Buckets {
            per_sec,
            burst,
            inner: Mutex::new(Table {
                map: HashMap::new(),
                last_sweep: Instant::now(),
            }),
        }
    }

    /// The bucket for `key`, made full if it is new. `None` only when the table is full.
    pub fn bucket(&self, key: &K, now: Instant) -> Option<SharedBucket> {
        let mut table = lock(&self.inner);
        if now.saturating_duration_since(table.last_sweep) >= SWEEP_EVERY
            || (table.map.len() >= MAX_KEYS && !table.map.contains_key(key))
        {
            table.last_sweep = now;
            table
                .map
                .retain(|_, b| Arc::strong_count(b) > 1 || !lock(b).is_full(now));
        }
        if let Some(b) = table.map.get(key) {
            return Some(b.clone());
        }
        if table.map.len() >= MAX_KEYS {
            tracing::warn!("rate-limit table full: a new key goes unlimited");
            return None;
        }
        let b = Arc::new(Mutex::new(TokenBucket::new(self.per_sec, self.burst, now)));
        table.map.insert(key.clone(), b.clone());
        Some(b)
    }

    /// Take one token from `key`'s bucket.
    pub fn allow(&self, key: &K, now: Instant) -> bool {
        match self.bucket(key, now) {
            Some(b) => lock(&b).allow(now),
            None => true,
        }
    }

    /// Keys kept now (for tests and metrics).
    pub fn len(&self) -> usize {
        lock(&self.inner).map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Every limit that spans connections.
pub struct Limits {
    /// Messages per identity, shared by all its connections.
    pub messages: Buckets<String>,
    /// Entries per identity.
    pub entries: Buckets<String>,
    /// Hellos per source IP (IPv6 by /64); `None` when switched off.
    pub hellos: Option<Buckets<IpAddr>>,
    /// Connections per source IP still waiting for a valid hello.
    pub pending: Pending,
}

impl Limits {
    /// `hellos_per_ip_per_minute` or `pending_per_ip` of 0 switches that cap off.
    pub fn new(hellos_per_ip_per_minute: u32, pending_per_ip: u32) -> Limits {
        let per_minute = f64::from(hellos_per_ip_per_minute);
        Limits {
            messages: Buckets::new(RATE_PER_SEC, RATE_BURST),
            entries: Buckets::new(ENTRIES_PER_SEC, ENTRY_BURST),
            hellos: (hellos_per_ip_per_minute > 0)
                .then(|| Buckets::new(per_minute / 60.0, per_minute)),
            pending: Pending::new(pending_per_ip),
        }
    }

    /// May another hello come from `ip`? Always yes when the IP is unknown or the cap is off.
    pub fn hello_from(&self, ip: Option<IpAddr>, now: Instant) -> bool {
        match (&self.hellos, ip) {
            (Some(hellos), Some(ip)) => hellos.allow(&ip_key(ip), now),
            _ => true,
        }
    }

    /// May this identity enter (once more) now?
    pub fn entry_of(&self, identity: &str, now: Instant) -> bool {
        self.entries.allow(&budget_key(identity), now)
    }

    /// Give back the entry [`Limits::entry_of`] took for a hello refused after all (a spent
    /// token): whoever replays someone's token must not use up that person's entries.
    pub fn entry_refused(&self, identity: &str, now: Instant) {
        if let Some(bucket) = self.entries.bucket(&budget_key(identity), now) {
            lock(&bucket).give_back();
        }
    }

    /// The message budget this identity's connections share.
    pub fn messages_of(&self, identity: &str, now: Instant) -> Option<SharedBucket> {
        self.messages.bucket(&budget_key(identity), now)
    }
}

/// Counts the connections from each source IP that have not yet sent a valid hello.
pub struct Pending {
    cap: u32,
    counts: Arc<Mutex<HashMap<IpAddr, u32>>>,
}

/// An address already has as many connections waiting for a hello as it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyWaiting;

/// One connection counted as waiting for its hello; dropping it stops counting it.
#[derive(Debug)]
pub struct PendingHello {
    ip: IpAddr,
    counts: Arc<Mutex<HashMap<IpAddr, u32>>>,
}

impl Pending {
    /// `cap` of 0 switches the cap off.
    pub fn new(cap: u32) -> Pending {
        Pending {
            cap,
            counts: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Count a new connection from `ip` until its hello is accepted (drop the guard then).
    /// `Err` when that address already has `cap` connections waiting; `Ok(None)` when the
    /// address is unknown or the cap is off.
    pub fn open(&self, ip: Option<IpAddr>) -> Result<Option<PendingHello>, TooManyWaiting> {
        let Some(ip) = ip.filter(|_| self.cap > 0).map(ip_key) else {
            return Ok(None);
        };
        let mut counts = lock(&self.counts);
        let n = counts.entry(ip).or_insert(0);
        if *n >= self.cap {
            return Err(TooManyWaiting);
        }
        *n += 1;
        Ok(Some(PendingHello {
            ip,
            counts: self.counts.clone(),
        }))
    }

    /// Connections from `ip` waiting for their hello now.
    pub fn waiting(&self, ip: IpAddr) -> u32 {
        lock(&self.counts).get(&ip_key(ip)).copied().unwrap_or(0)
    }
}

impl Drop for PendingHello {
    fn drop(&mut self) {
        let mut counts = lock(&self.counts);
        if let Some(n) = counts.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

/// The key an identity's budget is kept under. Every holder of one invitation link is a new
/// identity (`link:<link id>:<random>`), so they share the link's budget instead.
pub fn budget_key(identity: &str) -> String {
    match identity.strip_prefix("link:") {
        Some(rest) => {
            let link = rest.split(':').next().unwrap_or(rest);
            format!("link:{link}")
        }
        None => identity.to_string(),
    }
}

/// IPv4 addresses as they are; IPv6 by their /64, which one subscriber usually holds whole.
pub fn ip_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::from([s[0], s[1], s[2], s[3], 0, 0, 0, 0])
            }
        },
    }
}

/// The client's address: the socket's peer, or, when that peer is a trusted reverse proxy, the
/// last address of `X-Forwarded-For` (the one the proxy itself appended).
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    forwarded_for
        .and_then(|list| list.rsplit(',').next())
        .and_then(|last| last.trim().parse().ok())
        .or(Some(peer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_is_shared_by_every_holder_of_a_key() {
        let t0 = Instant::now();
        let b: Buckets<String> = Buckets::new(10.0, 3.0);
        let one = b.bucket(&"a".to_string(), t0).unwrap();
        let two = b.bucket(&"a".to_string(), t0).unwrap();
        assert!(lock(&one).allow(t0));
        assert!(lock(&two).allow(t0));
        assert!(lock(&one).allow(t0));
        assert!(
            !lock(&two).allow(t0),
            "the second holder got no fresh budget"
        );
        assert!(b.allow(&"b".to_string(), t0), "another key has its own");
    }

    #[test]
    fn a_key_is_forgotten_only_once_released_and_refilled() {
        let t0 = Instant::now();
        let b: Buckets<String> = Buckets::new(0.01, 2.0);
        let key = "a".to_string();
        let held = b.bucket(&key, t0).unwrap();
        assert!(lock(&held).allow(t0));
        assert!(lock(&held).allow(t0));
        drop(held);
        // Released but empty: a sweep keeps it, so coming back does not refill it.
        assert!(!b.allow(&key, t0 + SWEEP_EVERY));
        assert_eq!(b.len(), 1);
        // Long after, it has refilled and a sweep forgets it.
        let later = t0 + Duration::from_secs(1000);
        b.bucket(&"other".to_string(), later);
        assert_eq!(b.len(), 1, "only the new key is left");
    }

    #[test]
    fn hellos_are_counted_per_ip_and_ipv6_per_prefix() {
        let t0 = Instant::now();
        let limits = Limits::new(2, 0);
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let b: IpAddr = "2001:db8::2".parse().unwrap();
        assert!(limits.hello_from(Some(a), t0));
        assert!(limits.hello_from(Some(b), t0));
        assert!(!limits.hello_from(Some(a), t0), "same /64");
        assert!(limits.hello_from(Some("192.0.2.1".parse().unwrap()), t0));
        assert!(limits.hello_from(None, t0));
        assert!(Limits::new(0, 0).hello_from(Some(a), t0), "switched off");
    }

    #[test]
    fn connections_waiting_for_a_hello_are_capped_per_ip() {
        let pending = Pending::new(2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let first = pending.open(Some(a)).unwrap();
        let second = pending.open(Some(a)).unwrap();
        assert!(pending.open(Some(a)).is_err());
        assert!(pending.open(Some("192.0.2.2".parse().unwrap())).is_ok());
        drop(first);
        let third = pending.open(Some(a)).unwrap();
        drop((second, third));
        assert_eq!(pending.waiting(a), 0);
        assert!(
            Pending::new(0).open(Some(a)).unwrap().is_none(),
            "switched off"
        );
    }

    #[test]
    fn link_holders_share_their_link_budget() {
        assert_eq!(budget_key("link:abc:r1"), "link:abc");
        assert_eq!(budget_key("link:abc:r2"), "link:abc");
        assert_eq!(budget_key("site:7"), "site:7");
    }

    #[test]
    fn the_forwarded_address_counts_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let other: IpAddr = "192.0.2.9".parse().unwrap();
        let xff = Some("203.0.113.5, 198.51.100.7");
        assert_eq!(
            client_ip(Some(proxy), xff, &[proxy]),
            Some("198.51.100.7".parse().unwrap())
        );
        assert_eq!(client_ip(Some(other), xff, &[proxy]), Some(other));
        assert_eq!(client_ip(Some(proxy), Some("junk"), &[proxy]), Some(proxy));
        assert_eq!(client_ip(None, xff, &[proxy]), None);
    }
}
