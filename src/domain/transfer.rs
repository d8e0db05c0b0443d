//! The account's own transfer title, `KL-000012-5`: stable per account, with a Damm check digit so
//! a mistyped or swapped digit in a bank transfer's title does not match another account.

/// Damm's quasigroup: one check digit that catches every single-digit error and every swap of
/// adjacent digits.
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn damm(digits: impl IntoIterator<Item = u8>) -> u8 {
    digits.into_iter().fold(0, |interim, d| {
        DAMM[usize::from(interim)][usize::from(d % 10)]
    })
}

const DIGITS: usize = 6;

/// The transfer title of account `id`: `KL-` six digits, `-` and the check digit.
pub fn transfer_title(account_id: u64) -> String {
    let number = format!("{account_id:0DIGITS$}");
    let check = damm(number.bytes().map(|b| b - b'0'));
    format!("KL-{number}-{check}")
}

/// The account a bank transfer's title names: finds `KL` followed by the account number and its
/// check digit (spaces, dashes or nothing between them, any case) anywhere in the text. `None`
/// when there is no such title or its check digit is wrong.
pub fn account_in_title(text: &str) -> Option<u64> {
    let upper = text.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    (0..bytes.len().saturating_sub(1))
        .filter(|&i| &bytes[i..i + 2] == b"KL")
        .find_map(|i| title_at(&bytes[i + 2..]))
}

/// Reads `NNNNNN C` (separators allowed between digits) at the start of `rest`, checked.
fn title_at(rest: &[u8]) -> Option<u64> {
    let mut digits = Vec::with_capacity(DIGITS + 1);
    let mut chars = rest.iter().peekable();
    while digits.len() < DIGITS + 1 {
        match chars.next()? {
            d if d.is_ascii_digit() => digits.push(d - b'0'),
            b' ' | b'-' => {}
            _ => return None,
        }
    }
    if chars.peek().is_some_and(|c| c.is_ascii_digit()) || damm(digits.iter().copied()) != 0 {
        return None;
    }
    digits[..DIGITS]
        .iter()
        .try_fold(0u64, |n, d| n.checked_mul(10)?.checked_add(u64::from(*d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_carries_the_account_and_a_check_digit() {
        assert_eq!(transfer_title(12), "KL-000012-5");
        assert_eq!(transfer_title(1), "KL-000001-3");
        assert_eq!(account_in_title("KL-000012-5"), Some(12));
        assert_eq!(
            account_in_title("Zapłata PF/2026/11/0004 kl 000012 5"),
            Some(12)
        );
        assert_eq!(account_in_title("KL0000125 faktura"), Some(12));
        for id in [1, 12, 345, 999_999] {
            assert_eq!(account_in_title(&transfer_title(id)), Some(id));
        }
    }

    #[test]
    fn a_wrong_digit_or_a_swap_matches_no_account() {
        assert_eq!(account_in_title("KL-000012-4"), None, "wrong check digit");
        assert_eq!(account_in_title("KL-000013-5"), None, "one digit mistyped");
        assert_eq!(account_in_title("KL-000021-5"), None, "two digits swapped");
        assert_eq!(account_in_title("KL-00012-5"), None, "a digit missing");
        assert_eq!(account_in_title("PF/2026/11/0004"), None);
        assert_eq!(account_in_title(""), None);
        assert_eq!(account_in_title("KL-000012-55"), None, "a longer number");
    }
}
