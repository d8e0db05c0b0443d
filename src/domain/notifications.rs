//! The Pulpit's temporary boxes (powiadomienia), derived from the account's state on each request:
//! nothing to store, nothing to fall out of date.

use super::service::{Mailbox, Service, ServiceStatus};
use super::time::{days_word, format_date};
use super::{Document, Money};
use jiff::civil::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tone {
    Danger,
    Warning,
    Info,
}

impl Tone {
    pub fn css(self) -> &'static str {
        match self {
            Tone::Danger => "danger",
            Tone::Warning => "warning",
            Tone::Info => "info",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Odnów: create (or show) the renewal proforma of the service.
    Renew {
        service_id: u64,
    },
    /// Zobacz the service page.
    ViewService {
        service_id: u64,
    },
    /// Zapłać a proforma.
    Pay {
        document_id: u64,
    },
    /// Zapłać z salda: the prepaid balance covers the proforma.
    PayFromBalance {
        document_id: u64,
    },
    ViewMailboxes,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// Stable per subject, so an htmx swap replaces exactly this box.
    pub key: String,
    pub tone: Tone,
    pub title: String,
    pub body: String,
    pub actions: Vec<Action>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaymentStatus {
    pub due: Money,
    pub overdue: Money,
    pub prepaid: Money,
    pub unpaid_count: usize,
}

pub fn payment_status(documents: &[Document], prepaid: Money, today: Date) -> PaymentStatus {
    let unpaid: Vec<&Document> = documents.iter().filter(|d| d.is_unpaid()).collect();
    PaymentStatus {
        due: unpaid.iter().map(|d| d.total_gross()).sum(),
        overdue: unpaid
            .iter()
            .filter(|d| d.is_overdue(today))
            .map(|d| d.total_gross())
            .sum(),
        prepaid,
        unpaid_count: unpaid.len(),
    }
}

/// The box of one service, if it needs the customer's attention.
pub fn service_notice(
    service: &Service,
    open_renewal: Option<&Document>,
    today: Date,
) -> Option<Notice> {
    let key = format!("usluga-{}", service.id);
    let what = format!("{} {}", service.kind.label(), service.name);
    if let Some(proforma) = open_renewal.filter(|d| d.is_unpaid()) {
        let overdue = proforma.is_overdue(today);
        let due = proforma.due_on.map(format_date).unwrap_or_default();
        return Some(Notice {
            key,
            tone: if overdue { Tone::Danger } else { Tone::Warning },
            title: if overdue {
                format!("Proforma za odnowienie: {what} — po terminie")
            } else {
                format!("Proforma za odnowienie: {what}")
            },
            body: format!(
                "Proforma {} na kwotę {} czeka na zapłatę (termin: {due}). Po zaksięgowaniu wpłaty usługa zostanie przedłużona.",
                proforma.number,
                proforma.total_gross()
            ),
            actions: vec![
                Action::Pay {
                    document_id: proforma.id,
                },
                Action::ViewService {
                    service_id: service.id,
                },
            ],
        });
    }
    let renew_and_view = vec![
        Action::Renew {
            service_id: service.id,
        },
        Action::ViewService {
            service_id: service.id,
        },
    ];
    match service.status(today) {
        ServiceStatus::Expiring { days_left } => Some(Notice {
            key,
            tone: if days_left <= 7 {
                Tone::Danger
            } else {
                Tone::Warning
            },
            title: match days_left {
                0 => format!("{what} wygasa dziś"),
                n => format!("{what} wygasa za {n} {}", days_word(n)),
            },
            body: format!(
                "Usługa jest opłacona do {}. Odnów ją, aby działała bez przerwy.",
                format_date(service.expires_on)
            ),
            actions: renew_and_view,
        }),
        ServiceStatus::Expired { .. } => Some(Notice {
            key,
            tone: Tone::Danger,
            title: format!("{what} wygasła"),
            body: format!(
                "Usługa wygasła {}. Odnów ją, zanim zostanie zawieszona.",
                format_date(service.expires_on)
            ),
            actions: renew_and_view,
        }),
        ServiceStatus::Suspended => Some(Notice {
            key,
            tone: Tone::Danger,
            title: format!("{what} jest zawieszona"),
            body: format!(
                "Usługa wygasła {} i została zawieszona. Odnów ją, aby ją przywrócić.",
                format_date(service.expires_on)
            ),
            actions: renew_and_view,
        }),
        ServiceStatus::Pending | ServiceStatus::Active | ServiceStatus::Deleted => None,
    }
}

/// What a document is for, in the words of its lines: „Domena .com — rejestracja x.com”, „…”.
fn subject(document: &Document) -> String {
    document
        .lines
        .iter()
        .map(|line| format!("„{}”", line.description))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An order's proforma (from the Sklep): it neither renews a service nor tops up the balance.
fn is_order(document: &Document) -> bool {
    !document.top_up && document.lines.iter().all(|l| l.service_id.is_none())
}

/// Unpaid proformas that no service box already shows (orders, or renewals of removed services).
/// The box names what the proforma is for: its number alone tells the customer nothing.
pub fn proforma_notice(document: &Document, today: Date) -> Notice {
    let overdue = document.is_overdue(today);
    let due = document.due_on.map(format_date).unwrap_or_default();
    let subject = subject(document);
    Notice {
        key: format!("dokument-{}", document.id),
        tone: if overdue { Tone::Danger } else { Tone::Warning },
        title: if overdue {
            format!("Proforma {} za {subject} jest po terminie", document.number)
        } else {
            format!("Proforma {} za {subject} czeka na zapłatę", document.number)
        },
        body: format!(
            "Kwota do zapłaty: {} (termin: {due}).{}",
            document.total_gross(),
            if is_order(document) {
                " Zamówione usługi uruchomimy, gdy tylko zaksięgujemy wpłatę."
            } else {
                ""
            }
        ),
        actions: vec![Action::Pay {
            document_id: document.id,
        }],
    }
}

/// Adds the next lifecycle step and its date („Zawieszenie 12.12.2026”) to the box of each
/// expired or suspended service.
pub fn add_next_steps(
    boxes: &mut [Notice],
    services: &[Service],
    settings: &super::lifecycle::Settings,
    today: Date,
) {
    for service in services {
        let Some(step) = super::lifecycle::next_step_label(service, settings, today) else {
            continue;
        };
        let key = format!("usluga-{}", service.id);
        for notice in boxes.iter_mut().filter(|n| n.key == key) {
            notice.body = format!("{} Następny krok: {step}.", notice.body);
        }
    }
}

/// Offers Zapłać z salda beside Zapłać in each box whose proforma the prepaid `balance` covers
/// (never for a top-up: it is paid by transfer, into the balance).
pub fn offer_balance(boxes: &mut [Notice], documents: &[Document], balance: Money) {
    let covered = |id: u64| {
        documents
            .iter()
            .any(|d| d.id == id && d.is_unpaid() && !d.top_up && d.total_gross() <= balance)
    };
    for notice in boxes {
        let pays = notice.actions.iter().find_map(|a| match a {
            Action::Pay { document_id } if covered(*document_id) => Some(*document_id),
            _ => None,
        });
        if let Some(document_id) = pays {
            notice
                .actions
                .insert(0, Action::PayFromBalance { document_id });
        }
    }
}

pub fn mailbox_notice(mailbox: &Mailbox) -> Option<Notice> {
    mailbox.nearly_full().then(|| Notice {
        key: format!("skrzynka-{}", mailbox.id),
        tone: Tone::Info,
        title: format!("Skrzynka {} jest prawie pełna", mailbox.address),
        body: format!(
            "Zajęte {} z {} MB ({}%). Usuń stare wiadomości lub zwiększ limit skrzynki.",
            mailbox.used_mb,
            mailbox.quota_mb,
            mailbox.used_percent()
        ),
        actions: vec![Action::ViewMailboxes],
    })
}

/// All boxes of an account, most urgent first.
pub fn notices(
    services: &[Service],
    documents: &[Document],
    mailboxes: &[Mailbox],
    today: Date,
) -> Vec<Notice> {
    let open_renewal = |service: &Service| {
        documents
            .iter()
            .find(|d| d.is_unpaid() && d.renews_service == Some(service.id))
    };
    let mut all: Vec<Notice> = services
        .iter()
        .filter_map(|s| service_notice(s, open_renewal(s), today))
        .collect();
    // An unpaid renewal always shows in its service's box (see `service_notice`).
    let shown_by_service = |d: &Document| {
        d.renews_service
            .is_some_and(|id| services.iter().any(|s| s.id == id))
    };
    all.extend(
        documents
            .iter()
            .filter(|d| d.is_unpaid() && !shown_by_service(d))
            .map(|d| proforma_notice(d, today)),
    );
    all.extend(mailboxes.iter().filter_map(mailbox_notice));
    all.sort_by_key(|n| n.tone);
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn service(id: u64, expires_on: Date) -> Service {
        Service::live_domain_for_tests(id, expires_on)
    }

    fn proforma(id: u64, renews: Option<u64>, due_on: Date) -> Document {
        Document::unpaid_proforma_for_tests(id, renews, due_on)
    }

    #[test]
    fn an_order_proforma_box_names_every_line_it_is_for() {
        let mut order = proforma(12, None, date(2026, 11, 30));
        let mut second = order.lines[0].clone();
        second.description = "Certyfikat SSL DV — 12 miesięcy".into();
        order.lines.push(second);
        let notice = proforma_notice(&order, date(2026, 11, 25));
        assert_eq!(
            notice.title,
            "Proforma PF/2026/11/0012 za „Odnowienie: Domena .pl a.pl”, „Certyfikat SSL DV — 12 miesięcy” czeka na zapłatę"
        );
        assert_eq!(notice.tone, Tone::Warning);
    }

    #[test]
    fn a_renewal_proforma_replaces_the_expiry_box_and_is_not_shown_twice() {
        let today = date(2026, 11, 25);
        let services = [service(1, date(2026, 11, 30)), service(2, date(2027, 6, 1))];
        let documents = [
            proforma(10, Some(1), date(2026, 11, 30)),
            proforma(11, None, date(2026, 11, 20)),
        ];
        let boxes = notices(&services, &documents, &[], today);
        let keys: Vec<&str> = boxes.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(
            keys,
            ["dokument-11", "usluga-1"],
            "overdue order first; no box for the active service"
        );
        assert_eq!(boxes[1].actions[0], Action::Pay { document_id: 10 });
        assert_eq!(
            boxes[0].title,
            "Proforma PF/2026/11/0011 za „Odnowienie: Domena .pl a.pl” jest po terminie",
            "the order's box says what it is for"
        );
        let status = payment_status(&documents, Money::ZERO, today);
        assert_eq!(status.due, Money(12054));
        assert_eq!(status.overdue, Money(6027));
    }

    #[test]
    fn zaplac_z_salda_is_offered_only_where_the_balance_covers_the_proforma() {
        let today = date(2026, 11, 25);
        let services = [service(1, date(2026, 11, 30))];
        let mut top_up = proforma(12, None, date(2026, 12, 1));
        top_up.top_up = true;
        let documents = [
            proforma(10, Some(1), date(2026, 11, 30)),
            proforma(11, None, date(2026, 12, 1)),
            top_up,
        ];
        let mut boxes = notices(&services, &documents, &[], today);
        offer_balance(&mut boxes, &documents, Money(6026));
        assert!(boxes.iter().all(|n| {
            !n.actions
                .iter()
                .any(|a| matches!(a, Action::PayFromBalance { .. }))
        }));
        offer_balance(&mut boxes, &documents, Money(6027));
        let offered: Vec<u64> = boxes
            .iter()
            .flat_map(|n| &n.actions)
            .filter_map(|a| match a {
                Action::PayFromBalance { document_id } => Some(*document_id),
                _ => None,
            })
            .collect();
        assert_eq!(offered, [10, 11], "every covered proforma but the top-up");
    }
}
