//! Rate limits of the login routes: one keyed limiter per purpose (per IP, per address).

use crate::config::LoginLimits;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use poem::Request;
use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;

pub struct Limiters {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    /// Requests for a code, per address.
    send_per_address: DefaultKeyedRateLimiter<String>,
    /// Code entries, per address (the code itself also dies after 5 wrong tries).
    verify_per_address: DefaultKeyedRateLimiter<String>,
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl Limiters {
    pub fn new(limits: LoginLimits) -> Limiters {
        Limiters {
            per_ip: RateLimiter::keyed(
                Quota::per_minute(nonzero(limits.per_ip_per_minute))
                    .allow_burst(nonzero(limits.per_ip_burst)),
            ),
            send_per_address: RateLimiter::keyed(
                Quota::per_hour(nonzero(limits.per_address_per_hour))
                    .allow_burst(nonzero(limits.per_address_burst)),
            ),
            verify_per_address: RateLimiter::keyed(
                Quota::per_hour(nonzero(limits.per_address_per_hour * 3))
                    .allow_burst(nonzero(limits.per_address_burst * 3)),
            ),
        }
    }

    pub fn allow_ip(&self, ip: IpAddr) -> bool {
        self.per_ip.check_key(&ip).is_ok()
    }

    pub fn allow_send(&self, address: &str) -> bool {
        self.send_per_address
            .check_key(&address.to_string())
            .is_ok()
    }

    pub fn allow_verify(&self, address: &str) -> bool {
        self.verify_per_address
            .check_key(&address.to_string())
            .is_ok()
    }

    /// Keyed limiters never forget keys by themselves.
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_ip.shrink_to_fit();
        for limiter in [&self.send_per_address, &self.verify_per_address] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// The client's address for rate limits: the TCP peer, or, when the peer is a trusted proxy,
/// the nearest address in X-Forwarded-For that is not itself a trusted proxy.
pub fn client_ip(req: &Request, trusted: &[IpAddr]) -> IpAddr {
    let peer = req
        .remote_addr()
        .as_socket_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}
