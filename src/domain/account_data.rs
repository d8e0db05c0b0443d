//! Dane abonenta as the customer edits them: the form, parsed field by field into the data or a
//! Polish message per field; what changed (old → new) for the history and the e-mail.

use super::Email;
use super::account::{Account, AccountKind, Address};
use super::country::Country;
use super::nip::Nip;
use super::phone::Phone;
use super::postal_code::PostalCode;
use super::regon::Regon;
use serde::Deserialize;

/// The form as sent; every field a string, so garbage gets a Polish message, not a 400. Fields
/// it does not name (`account_id`, `role`…) are ignored.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    pub rodzaj: String,
    #[serde(default)]
    pub nazwa: String,
    #[serde(default)]
    pub nip: String,
    #[serde(default)]
    pub regon: String,
    #[serde(default)]
    pub ulica: String,
    #[serde(default)]
    pub kod: String,
    #[serde(default)]
    pub miasto: String,
    #[serde(default)]
    pub kraj: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub telefon: String,
    /// `taki-sam` (the default) or `inny`.
    #[serde(default)]
    pub korespondencja: String,
    #[serde(default)]
    pub k_ulica: String,
    #[serde(default)]
    pub k_kod: String,
    #[serde(default)]
    pub k_miasto: String,
    #[serde(default)]
    pub k_kraj: String,
}

/// The data once every field is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountData {
    pub kind: AccountKind,
    pub name: String,
    pub nip: Option<Nip>,
    pub regon: Option<Regon>,
    pub address: Address,
    pub contact_email: Email,
    pub phone: Option<Phone>,
    pub correspondence: Option<Address>,
}

/// A message per form field (by its name), in the order of the form.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    fn check<T>(&mut self, field: &'static str, parsed: Result<T, &str>) -> Option<T> {
        parsed.map_err(|e| self.0.push((field, e.to_string()))).ok()
    }
}

/// A short line of text: trimmed, not empty, no control characters, at most `max` characters.
fn line<'a>(input: &'a str, max: usize, missing: &'static str) -> Result<&'a str, &'static str> {
    let value = input.trim();
    if value.is_empty() {
        Err(missing)
    } else if value.chars().count() > max {
        Err("To pole jest za długie.")
    } else if value.chars().any(char::is_control) {
        Err("To pole zawiera niedozwolone znaki.")
    } else {
        Ok(value)
    }
}

fn optional<T>(
    input: &str,
    parse: impl Fn(&str) -> Result<T, &'static str>,
) -> Result<Option<T>, &'static str> {
    if input.trim().is_empty() {
        Ok(None)
    } else {
        parse(input).map(Some)
    }
}

impl AccountForm {
    /// The form filled with the account's current data.
    pub fn of(account: &Account) -> AccountForm {
        let other = account.correspondence.clone();
        let other_or_blank = other.clone().unwrap_or_default();
        AccountForm {
            rodzaj: kind_value(account.kind()).into(),
            nazwa: account.name.clone(),
            nip: account.nip.clone().unwrap_or_default(),
            regon: account.regon.clone().unwrap_or_default(),
            ulica: account.address.street.clone(),
            kod: account.address.postal_code.clone(),
            miasto: account.address.city.clone(),
            kraj: account.address.country.code().into(),
            email: account.contact_email.to_string(),
            telefon: Phone::shown(&account.phone),
            korespondencja: if other.is_some() { "inny" } else { "taki-sam" }.into(),
            k_ulica: other_or_blank.street,
            k_kod: other_or_blank.postal_code,
            k_miasto: other_or_blank.city,
            k_kraj: other_or_blank.country.code().into(),
        }
    }

    pub fn is_company(&self) -> bool {
        self.rodzaj != kind_value(AccountKind::Person)
    }

    pub fn other_correspondence(&self) -> bool {
        self.korespondencja == "inny"
    }

    /// Every field checked (not only up to the first error), so each gets its message at once.
    pub fn parse(&self) -> Result<AccountData, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = errors.check("rodzaj", parse_kind(&self.rodzaj));
        let missing_name = match kind {
            Some(AccountKind::Person) => "Podaj imię i nazwisko.",
            _ => "Podaj nazwę firmy.",
        };
        let name = errors.check(
            "nazwa",
            line(&self.nazwa, 200, missing_name).map(str::to_string),
        );
        let nip = errors.check("nip", optional(&self.nip, Nip::parse));
        if kind == Some(AccountKind::Company) && matches!(nip, Some(None)) {
            errors.0.push(("nip", "Firma musi podać NIP.".into()));
        }
        let regon = errors.check("regon", optional(&self.regon, Regon::parse));
        let address = parse_address(
            &mut errors,
            ["ulica", "kod", "miasto", "kraj"],
            [&self.ulica, &self.kod, &self.miasto, &self.kraj],
        );
        let contact_email = errors.check("email", Email::parse(&self.email));
        let phone = errors.check("telefon", optional(&self.telefon, Phone::parse));
        let correspondence = match self.korespondencja.as_str() {
            "inny" => parse_address(
                &mut errors,
                ["k_ulica", "k_kod", "k_miasto", "k_kraj"],
                [&self.k_ulica, &self.k_kod, &self.k_miasto, &self.k_kraj],
            )
            .map(Some),
            _ => Some(None),
        };
        let data = (|| {
            Some(AccountData {
                kind: kind?,
                name: name?,
                nip: nip?,
                regon: regon?,
                address: address?,
                contact_email: contact_email?,
                phone: phone?,
                correspondence: correspondence?,
            })
        })();
        data.filter(|_| errors.is_empty()).ok_or(errors)
    }
}

fn kind_value(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Person => "osoba",
        AccountKind::Company => "firma",
    }
}

fn parse_kind(input: &str) -> Result<AccountKind, &'static str> {
    match input {
        "firma" => Ok(AccountKind::Company),
        "osoba" => Ok(AccountKind::Person),
        _ => Err("Wybierz: firma albo osoba prywatna."),
    }
}

/// An address from its four fields (street, postal code, city, country), named `names`.
fn parse_address(
    errors: &mut FieldErrors,
    names: [&'static str; 4],
    values: [&str; 4],
) -> Option<Address> {
    let [street, code, city, country] = values;
    let street = errors.check(names[0], line(street, 200, "Podaj ulicę i numer."));
    let country = if country.trim().is_empty() {
        Ok(Country::default())
    } else {
        Country::parse(country)
    };
    let country = errors.check(names[3], country);
    // The postal code's rule depends on the country: with an unknown country, Poland's.
    let code = errors.check(
        names[1],
        PostalCode::parse(code, &country.clone().unwrap_or_default()),
    );
    let city = errors.check(names[2], line(city, 100, "Podaj miejscowość."));
    Some(Address {
        street: street?.to_string(),
        postal_code: code?.to_string(),
        city: city?.to_string(),
        country: country?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company() -> AccountForm {
        AccountForm {
            rodzaj: "firma".into(),
            nazwa: "Firma sp. z o.o.".into(),
            nip: "526-025-02-74".into(),
            ulica: "ul. Długa 1".into(),
            kod: "00950".into(),
            miasto: "Warszawa".into(),
            kraj: "PL".into(),
            email: "Biuro@Firma.pl".into(),
            telefon: "600 100 200".into(),
            korespondencja: "taki-sam".into(),
            ..AccountForm::default()
        }
    }

    #[test]
    fn a_valid_company_form_is_parsed_and_normalised() {
        let data = company().parse().unwrap_or_else(|e| unreachable!("{e:?}"));
        assert_eq!(data.kind, AccountKind::Company);
        assert_eq!(data.nip.map(|n| n.to_string()), Some("5260250274".into()));
        assert_eq!(data.address.postal_code, "00-950");
        assert_eq!(data.contact_email.as_str(), "biuro@firma.pl");
        assert_eq!(
            data.phone.map(|p| p.as_str().to_string()),
            Some("+48600100200".into())
        );
        assert_eq!(data.correspondence, None);
    }

    #[test]
    fn a_company_needs_a_nip_and_a_person_does_not() {
        let mut form = company();
        form.nip = String::new();
        let errors = form.clone().parse().err().unwrap_or_default();
        assert_eq!(errors.of("nip"), Some("Firma musi podać NIP."));
        form.rodzaj = "osoba".into();
        form.nazwa = "Jan Kowalski".into();
        assert!(form.parse().is_ok());
    }

    #[test]
    fn every_wrong_field_gets_its_own_message_at_once() {
        let mut form = company();
        form.nip = "5260250275".into();
        form.kod = "0-950".into();
        form.email = "jan@".into();
        form.telefon = "12".into();
        form.nazwa = " ".into();
        form.regon = "123".into();
        let errors = form.parse().err().unwrap_or_default();
        for field in ["nip", "kod", "email", "telefon", "nazwa", "regon"] {
            assert!(errors.of(field).is_some(), "{field}: {errors:?}");
        }
        assert_eq!(errors.len(), 6, "{errors:?}");
    }

    #[test]
    fn a_separate_correspondence_address_is_checked_only_when_chosen() {
        let mut form = company();
        form.k_kod = "zły".into();
        assert!(
            form.clone().parse().is_ok(),
            "ignored while the same as the invoice's"
        );
        form.korespondencja = "inny".into();
        let errors = form.parse().err().unwrap_or_default();
        assert!(
            errors.of("k_kod").is_some() && errors.of("k_ulica").is_some(),
            "{errors:?}"
        );
    }

    #[test]
    fn a_foreign_address_keeps_its_own_postal_code() {
        let mut form = company();
        form.kraj = "DE".into();
        form.kod = "10115".into();
        let data = form.parse().unwrap_or_else(|e| unreachable!("{e:?}"));
        assert_eq!(data.address.postal_code, "10115");
        assert_eq!(data.address.country.code(), "DE");
    }
}
