//! Amounts in Polish words, as invoices print them: "sto dwadzieścia trzy złote 45/100".

use super::Money;

const UNITS: [&str; 10] = [
    "",
    "jeden",
    "dwa",
    "trzy",
    "cztery",
    "pięć",
    "sześć",
    "siedem",
    "osiem",
    "dziewięć",
];
const TEENS: [&str; 10] = [
    "dziesięć",
    "jedenaście",
    "dwanaście",
    "trzynaście",
    "czternaście",
    "piętnaście",
    "szesnaście",
    "siedemnaście",
    "osiemnaście",
    "dziewiętnaście",
];
const TENS: [&str; 10] = [
    "",
    "",
    "dwadzieścia",
    "trzydzieści",
    "czterdzieści",
    "pięćdziesiąt",
    "sześćdziesiąt",
    "siedemdziesiąt",
    "osiemdziesiąt",
    "dziewięćdziesiąt",
];
const HUNDREDS: [&str; 10] = [
    "",
    "sto",
    "dwieście",
    "trzysta",
    "czterysta",
    "pięćset",
    "sześćset",
    "siedemset",
    "osiemset",
    "dziewięćset",
];

/// The forms of a counted noun: one, a few (2–4, not 12–14), many.
struct Forms(&'static str, &'static str, &'static str);

const ZLOTY: Forms = Forms("złoty", "złote", "złotych");
/// Groups of three digits above the units, smallest first.
const GROUPS: [Forms; 6] = [
    Forms("tysiąc", "tysiące", "tysięcy"),
    Forms("milion", "miliony", "milionów"),
    Forms("miliard", "miliardy", "miliardów"),
    Forms("bilion", "biliony", "bilionów"),
    Forms("biliard", "biliardy", "biliardów"),
    Forms("trylion", "tryliony", "trylionów"),
];

impl Forms {
    fn of(&self, n: u64) -> &'static str {
        let (last, last_two) = (n % 10, n % 100);
        if n == 1 {
            self.0
        } else if (2..=4).contains(&last) && !(12..=14).contains(&last_two) {
            self.1
        } else {
            self.2
        }
    }
}

/// 1–999 in words.
fn below_thousand(n: u64, words: &mut Vec<&'static str>) {
    let (hundreds, rest) = ((n / 100) as usize, n % 100);
    words.push(HUNDREDS[hundreds]);
    match rest {
        10..=19 => words.push(TEENS[(rest - 10) as usize]),
        _ => {
            words.push(TENS[(rest / 10) as usize]);
            words.push(UNITS[(rest % 10) as usize]);
        }
    }
}

/// A whole number of złoty in words, with "złoty / złote / złotych".
fn zloty_in_words(zloty: u64) -> String {
    if zloty == 0 {
        return format!("zero {}", ZLOTY.of(0));
    }
    let mut words = Vec::new();
    let mut groups = Vec::new();
    let mut rest = zloty;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    for (power, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            continue;
        }
        // "tysiąc", "milion": the one is not said before a group's name.
        if !(group == 1 && power > 0) {
            below_thousand(group, &mut words);
        }
        if let Some(forms) = power.checked_sub(1).and_then(|i| GROUPS.get(i)) {
            words.push(forms.of(group));
        }
    }
    words.push(ZLOTY.of(zloty));
    words.retain(|w| !w.is_empty());
    words.join(" ")
}

/// `Money` in words, grosze as a fraction: "jeden złoty 01/100", "minus pięć złotych 00/100".
pub fn amount_in_words(amount: Money) -> String {
    let abs = amount.0.unsigned_abs();
    let sign = if amount.0 < 0 { "minus " } else { "" };
    format!("{sign}{} {:02}/100", zloty_in_words(abs / 100), abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(grosze: i64) -> String {
        amount_in_words(Money(grosze))
    }

    #[test]
    fn small_amounts_take_the_right_form_of_zloty() {
        assert_eq!(words(1), "zero złotych 01/100");
        assert_eq!(words(100), "jeden złoty 00/100");
        assert_eq!(words(200), "dwa złote 00/100");
        assert_eq!(words(500), "pięć złotych 00/100");
        assert_eq!(words(1200), "dwanaście złotych 00/100");
        assert_eq!(words(1400), "czternaście złotych 00/100");
        assert_eq!(words(2100), "dwadzieścia jeden złotych 00/100");
        assert_eq!(words(2200), "dwadzieścia dwa złote 00/100");
        assert_eq!(words(12345), "sto dwadzieścia trzy złote 45/100");
        assert_eq!(words(11250), "sto dwanaście złotych 50/100");
    }

    #[test]
    fn thousands_and_millions_are_named_in_their_own_forms() {
        assert_eq!(words(100_000), "tysiąc złotych 00/100");
        assert_eq!(words(200_000), "dwa tysiące złotych 00/100");
        assert_eq!(words(500_000), "pięć tysięcy złotych 00/100");
        assert_eq!(words(2_100_000), "dwadzieścia jeden tysięcy złotych 00/100");
        assert_eq!(
            words(2_200_100),
            "dwadzieścia dwa tysiące jeden złotych 00/100"
        );
        assert_eq!(words(100_100), "tysiąc jeden złotych 00/100");
        assert_eq!(words(100_000_000), "milion złotych 00/100");
        assert_eq!(
            words(234_567_899),
            "dwa miliony trzysta czterdzieści pięć tysięcy sześćset siedemdziesiąt osiem złotych 99/100"
        );
        assert_eq!(words(Money::MAX.0), "sto milionów złotych 00/100");
        assert_eq!(
            words(120_000_000_000),
            "miliard dwieście milionów złotych 00/100"
        );
    }

    #[test]
    fn a_negative_amount_says_minus() {
        assert_eq!(words(-500), "minus pięć złotych 00/100");
        assert_eq!(
            words(i64::MIN),
            "minus dziewięćdziesiąt dwa biliardy dwieście trzydzieści trzy biliony siedemset dwadzieścia miliardów trzysta sześćdziesiąt osiem milionów pięćset czterdzieści siedem tysięcy siedemset pięćdziesiąt osiem złotych 08/100"
        );
    }
}
