//! Rate limits of the login routes: one keyed limiter per purpose (per client, per address, per
//! client and address), and the panel-wide breaker on wrong codes. A client is an IPv4 address
//! or an IPv6 /64 (one subscriber gets a whole /64, so single IPv6 addresses cost nothing).

use crate::config::LoginLimits;
use crate::domain::login::Breaker;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jiff::Timestamp;
use poem::Request;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::{Mutex, MutexGuard};

pub struct Limiters {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    /// Requests for a code, per address: what all clients together may spend.
    send_per_address: DefaultKeyedRateLimiter<String>,
    /// Requests for a code, per (client, address): what one client may spend of it.
    send_per_client_address: DefaultKeyedRateLimiter<(IpAddr, String)>,
    /// Code entries, per address and per (client, address) (the failure budget and the code's
    /// own 5 tries bound the guesses; these bound the load).
    verify_per_address: DefaultKeyedRateLimiter<String>,
    verify_per_client_address: DefaultKeyedRateLimiter<(IpAddr, String)>,
    breaker: Mutex<Breaker>,
    /// Payment gateway notifications per client: the gateway sends a few a minute; a flood of
    /// forged ones is cut off before its body is read.
    notifications: DefaultKeyedRateLimiter<IpAddr>,
}

/// Notifications a client may send per minute, and at once.
const NOTIFICATIONS_PER_MINUTE: u32 = 120;
const NOTIFICATIONS_BURST: u32 = 60;

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

fn per_hour(per_hour: u32, burst: u32) -> Quota {
    Quota::per_hour(nonzero(per_hour)).allow_burst(nonzero(burst))
}

/// The client of a login request, as the guard found it (see `client_ip`).
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

/// The key of a client: an IPv4 address as is, an IPv6 address by its /64.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & (u128::MAX << 64))),
    }
}

impl Limiters {
    pub fn new(limits: LoginLimits) -> Limiters {
        let (client_rate, client_burst) = (
            limits.per_client_address_per_hour,
            limits.per_client_address_burst,
        );
        Limiters {
            per_ip: RateLimiter::keyed(
                Quota::per_minute(nonzero(limits.per_ip_per_minute))
                    .allow_burst(nonzero(limits.per_ip_burst)),
            ),
            send_per_address: RateLimiter::keyed(per_hour(
                limits.per_address_per_hour,
                limits.per_address_burst,
            )),
            send_per_client_address: RateLimiter::keyed(per_hour(client_rate, client_burst)),
            verify_per_address: RateLimiter::keyed(per_hour(
                limits.per_address_per_hour.saturating_mul(3),
                limits.per_address_burst.saturating_mul(3),
            )),
            verify_per_client_address: RateLimiter::keyed(per_hour(
                client_rate.saturating_mul(3),
                client_burst.saturating_mul(3),
            )),
            breaker: Mutex::new(Breaker::new(
                limits.breaker_failures,
                limits.breaker_window,
                limits.breaker_cooldown,
            )),
            notifications: RateLimiter::keyed(
                Quota::per_minute(nonzero(NOTIFICATIONS_PER_MINUTE))
                    .allow_burst(nonzero(NOTIFICATIONS_BURST)),
            ),
        }
    }

    /// The per-client limit of every login route (IPv6 by /64).
    /// A payment gateway notification from `ip`.
    pub fn allow_notification(&self, ip: IpAddr) -> bool {
        self.notifications.check_key(&client_key(ip)).is_ok()
    }

    pub fn allow_ip(&self, ip: IpAddr) -> bool {
        self.per_ip.check_key(&client_key(ip)).is_ok()
    }

    /// A code request from `ip` for `address`. The client's own share is checked first, so a
    /// client past it does not spend the address's budget that others still need.
    pub fn allow_send(&self, ip: IpAddr, address: &str) -> bool {
        let pair = (client_key(ip), address.to_string());
        self.send_per_client_address.check_key(&pair).is_ok()
            && self.send_per_address.check_key(&pair.1).is_ok()
    }

    /// A code entry from `ip` for `address`.
    pub fn allow_verify(&self, ip: IpAddr, address: &str) -> bool {
        let pair = (client_key(ip), address.to_string());
        self.verify_per_client_address.check_key(&pair).is_ok()
            && self.verify_per_address.check_key(&pair.1).is_ok()
    }

    fn breaker(&self) -> MutexGuard<'_, Breaker> {
        // The breaker holds no invariant a panic elsewhere could break.
        self.breaker.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether code entry is refused panel-wide (a flood of wrong codes).
    pub fn codes_suspended(&self, now: Timestamp) -> bool {
        self.breaker().is_open(now)
    }

    /// Counts a wrong code against the panel-wide breaker; the operator hears of each trip.
    pub fn record_wrong_code(&self, now: Timestamp) {
        if self.breaker().record_failure(now) {
            tracing::error!(
                "too many wrong login codes across the panel: code entry is suspended for everyone \
                 for the cooldown (login links still work); someone may be guessing codes"
            );
        }
    }

    /// Keyed limiters never forget keys by themselves.
    pub fn forget_idle(&self) {
        for limiter in [&self.per_ip, &self.notifications] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        for limiter in [&self.send_per_address, &self.verify_per_address] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        for limiter in [
            &self.send_per_client_address,
            &self.verify_per_client_address,
        ] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// The client's address for rate limits: the TCP peer, or, when the peer is a trusted proxy,
/// the entry that proxy appended to X-Forwarded-For (walking left past further trusted proxies).
pub fn client_ip(req: &Request, trusted: &[IpAddr]) -> IpAddr {
    let peer = req
        .remote_addr()
        .as_socket_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let headers = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().unwrap_or(""))
        .collect::<Vec<_>>();
    forwarded_client(peer, &headers, trusted)
}

/// Walks X-Forwarded-For from the right: each trusted hop vouches only for the entry it
/// appended, the one to its left. Anything that does not parse (or a header that is not text)
/// ends the walk at the last hop believed, never at a spoofable entry further left.
fn forwarded_client(peer: IpAddr, headers: &[&str], trusted: &[IpAddr]) -> IpAddr {
    let mut client = peer;
    let mut entries = headers.iter().flat_map(|h| h.split(',')).rev();
    while trusted.contains(&client) {
        let Some(ip) = entries.next().and_then(parse_entry) else {
            return client;
        };
        client = ip;
    }
    client
}

/// An entry is an IP, optionally with a port (`203.0.113.7:4711`, `[2001:db8::1]:4711`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    const PROXY: &str = "10.0.0.1";

    #[test]
    fn the_entry_the_trusted_proxy_appended_is_the_client() {
        let trusted = [ip(PROXY)];
        let client = forwarded_client(ip(PROXY), &["198.51.100.9, 203.0.113.7"], &trusted);
        assert_eq!(
            client,
            ip("203.0.113.7"),
            "the rightmost, not the spoofable left one"
        );
    }

    #[test]
    fn an_entry_that_does_not_parse_ends_the_walk_at_the_proxy() {
        let trusted = [ip(PROXY)];
        for header in [
            "198.51.100.9, garbage",
            "198.51.100.9,",
            "198.51.100.9, unknown",
        ] {
            assert_eq!(
                forwarded_client(ip(PROXY), &[header], &trusted),
                ip(PROXY),
                "{header}"
            );
        }
        assert_eq!(forwarded_client(ip(PROXY), &[""], &trusted), ip(PROXY));
        assert_eq!(forwarded_client(ip(PROXY), &[], &trusted), ip(PROXY));
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_entry() {
        let trusted = [ip(PROXY), ip("10.0.0.2")];
        let headers = ["198.51.100.9, 203.0.113.7", "10.0.0.2"];
        assert_eq!(
            forwarded_client(ip(PROXY), &headers, &trusted),
            ip("203.0.113.7")
        );
        let broken = ["198.51.100.9, x, 10.0.0.2"];
        assert_eq!(
            forwarded_client(ip(PROXY), &broken, &trusted),
            ip("10.0.0.2"),
            "the last hop believed"
        );
    }

    #[test]
    fn entries_with_ports_are_understood() {
        let trusted = [ip(PROXY)];
        assert_eq!(
            forwarded_client(ip(PROXY), &["203.0.113.7:4711"], &trusted),
            ip("203.0.113.7")
        );
        assert_eq!(
            forwarded_client(ip(PROXY), &["[2001:db8::1]:4711"], &trusted),
            ip("2001:db8::1")
        );
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_the_header_says() {
        let client = forwarded_client(ip("192.0.2.1"), &["203.0.113.7"], &[ip(PROXY)]);
        assert_eq!(client, ip("192.0.2.1"));
    }

    #[test]
    fn the_header_is_read_from_a_request() {
        let req = Request::builder()
            .header("x-forwarded-for", "198.51.100.9, 203.0.113.7")
            .finish();
        // A request without a TCP peer counts as 0.0.0.0; trusting it shows the header is read.
        assert_eq!(client_ip(&req, &[ip("0.0.0.0")]), ip("203.0.113.7"));
    }

    #[test]
    fn ipv6_clients_share_a_limit_per_64_and_ipv4_per_address() {
        assert_eq!(
            client_key(ip("2001:db8:1:2:aaaa::1")),
            client_key(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            client_key(ip("2001:db8:1:2::1")),
            client_key(ip("2001:db8:1:3::1"))
        );
        assert_ne!(client_key(ip("192.0.2.1")), client_key(ip("192.0.2.2")));
        assert_eq!(client_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));

        let limiters = Limiters::new(LoginLimits {
            per_ip_burst: 2,
            ..LoginLimits::default()
        });
        assert!(limiters.allow_ip(ip("2001:db8::1")));
        assert!(limiters.allow_ip(ip("2001:db8::2")));
        assert!(
            !limiters.allow_ip(ip("2001:db8::ffff:3")),
            "another address of the same /64"
        );
        assert!(limiters.allow_ip(ip("2001:db8:0:1::1")), "another /64");
    }

    #[test]
    fn one_client_cannot_spend_an_addresss_whole_send_budget() {
        let limiters = Limiters::new(LoginLimits {
            per_client_address_burst: 2,
            per_address_burst: 3,
            ..LoginLimits::default()
        });
        let victim = "jan@firma.pl";
        assert!(limiters.allow_send(ip("192.0.2.1"), victim));
        assert!(limiters.allow_send(ip("192.0.2.1"), victim));
        for _ in 0..5 {
            assert!(!limiters.allow_send(ip("192.0.2.1"), victim));
        }
        assert!(
            limiters.allow_send(ip("198.51.100.1"), victim),
            "the owner still can"
        );
        assert!(
            !limiters.allow_send(ip("198.51.100.2"), victim),
            "the address's own limit"
        );
    }
}
