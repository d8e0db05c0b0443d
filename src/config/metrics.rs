//! Who may read `GET /metrics`: `--metrics-allow` networks and `--metrics-token`.

use super::Secret;
use clap::Args;

/// Who may read `GET /metrics`; everyone else gets the panel's 404, as for an unknown URL.
#[derive(Args, Debug, Clone)]
pub struct MetricsArgs {
    /// Networks whose clients may read /metrics without the token (comma-separated CIDRs or
    /// plain IPs; the client is the TCP peer, or the address a --trusted-proxy forwarded).
    #[arg(
        long = "metrics-allow",
        env = "PANEL_METRICS_ALLOW",
        value_delimiter = ',',
        default_value = "127.0.0.0/8,::1/128"
    )]
    pub metrics_allow: Vec<Cidr>,
    /// A scraper sending `Authorization: Bearer <token>` may read /metrics from anywhere;
    /// give it as PANEL_METRICS_TOKEN, not as a flag.
    #[arg(long, env = "PANEL_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<Secret>,
}

/// Loopback only, no token: as when no flag is given.
impl Default for MetricsArgs {
    fn default() -> Self {
        MetricsArgs {
            metrics_allow: vec![Cidr::LOOPBACK_V4, Cidr::LOOPBACK_V6],
            metrics_token: None,
        }
    }
}

/// A network: an address and how many of its leading bits count (`10.0.0.0/8`, `::1/128`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: std::net::IpAddr,
    prefix: u8,
}

impl Cidr {
    pub const LOOPBACK_V4: Cidr = Cidr {
        network: std::net::IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 0)),
        prefix: 8,
    };
    pub const LOOPBACK_V6: Cidr = Cidr {
        network: std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        prefix: 128,
    };

    /// Whether `ip` lies in the network; an IPv4 client seen as `::ffff:a.b.c.d` counts as IPv4.
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr::{V4, V6};
        let bits = |a: u128, b: u128, width: u32| {
            let shift = width - u32::from(self.prefix);
            shift >= width || (a >> shift) == (b >> shift)
        };
        match (self.network, ip.to_canonical()) {
            (V4(net), V4(ip)) => bits(u32::from(net).into(), u32::from(ip).into(), 32),
            (V6(net), V6(ip)) => bits(u128::from(net), u128::from(ip), 128),
            _ => false,
        }
    }
}

impl std::str::FromStr for Cidr {
    type Err = String;

    fn from_str(input: &str) -> Result<Cidr, String> {
        let input = input.trim();
        let (address, prefix) = match input.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (input, None),
        };
        let network: std::net::IpAddr = address
            .parse()
            .map_err(|_| format!("{input:?} is not an IP address or network (e.g. 10.0.0.0/8)"))?;
        let width = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(|| format!("{input:?}: the prefix length must be 0 to {width}"))?,
        };
        Ok(Cidr { network, prefix })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Cli;
    use clap::Parser;

    #[test]
    fn metrics_networks_hold_their_addresses_and_nothing_else() {
        let cidr = |s: &str| s.parse::<Cidr>();
        let ip = |s: &str| {
            s.parse::<std::net::IpAddr>()
                .unwrap_or_else(|e| unreachable!("{e}"))
        };
        let net = cidr("10.1.0.0/16").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(net.contains(ip("10.1.255.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(!net.contains(ip("::1")));
        assert!(Cidr::LOOPBACK_V4.contains(ip("::ffff:127.0.0.1")));
        assert!(Cidr::LOOPBACK_V6.contains(ip("::1")));
        assert!(!Cidr::LOOPBACK_V6.contains(ip("::2")));
        let single = cidr("192.0.2.7").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(single.contains(ip("192.0.2.7")) && !single.contains(ip("192.0.2.8")));
        let all = cidr("0.0.0.0/0").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(all.contains(ip("203.0.113.9")));
        let v6 = cidr("2001:db8::/32").unwrap_or_else(|e| unreachable!("{e}"));
        assert!(v6.contains(ip("2001:db8:ffff::1")) && !v6.contains(ip("2001:db9::1")));
        assert!(cidr("10.0.0.0/33").is_err());
        assert!(cidr("::/129").is_err());
        assert!(cidr("lokalna").is_err());
        let defaults = Cli::try_parse_from(["panel"]).map(|c| c.serve.metrics.metrics_allow);
        assert_eq!(
            defaults.ok(),
            Some(vec![Cidr::LOOPBACK_V4, Cidr::LOOPBACK_V6])
        );
    }
}
