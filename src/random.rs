//! Cryptographic randomness from the operating system.

/// Random bytes from the OS. Without a working OS random source nothing here is safe to run,
/// so failing loudly is right.
#[allow(clippy::expect_used)]
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    buf
}

/// A uniformly random number below `bound`, without modulo bias.
pub fn below(bound: u32) -> u32 {
    let zone = u32::MAX - u32::MAX % bound;
    loop {
        let n = u32::from_be_bytes(bytes::<4>());
        if n < zone {
            return n % bound;
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A token for a URL or cookie: 32 random bytes as hex.
pub fn token() -> String {
    hex(&bytes::<32>())
}
