//! Auto-renew: N days before expiry, each service with auto-renew on gets its renewal proforma,
//! paid at once from the prepaid balance when it covers it, e-mailed otherwise.

use crate::domain::{Account, Document};
use crate::mail;
use crate::store::{AutoRenewMail, AutoRenewal, NewMessage, Result, Store};
use jiff::Timestamp;

/// The default of `--auto-renew-days`.
pub const DEFAULT_DAYS_BEFORE: u32 = 14;

#[derive(Clone, Debug)]
pub struct Settings {
    /// Services expiring within this many days are renewed (at most the renewal window).
    pub days_before: u32,
    /// For the links in the e-mails, without a trailing slash.
    pub base_url: String,
}

/// What one run did, in counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Renewals paid from the balance (a VAT invoice and a receipt e-mail each).
    pub paid: usize,
    /// Renewal proformas issued and e-mailed because the balance did not cover them.
    pub emailed: usize,
    /// Due services left as they were: their proforma still open, renewed meanwhile, or a plan
    /// that cannot be billed.
    pub skipped: usize,
    /// Services whose renewal failed (logged); the next run tries them again.
    pub failed: usize,
}

impl Report {
    /// Whether e-mail was queued (the caller wakes the mailer).
    pub fn queued_mail(&self) -> bool {
        self.paid + self.emailed > 0
    }
}

/// Renews every service that is due on the day of `now`. Each service is its own transaction,
/// so one failure neither blocks nor undoes the others. Idempotent within a day.
pub fn run_once(store: &Store, now: Timestamp, settings: &Settings) -> Result<Report> {
    let days_before = i64::from(settings.days_before);
    let proforma = |account: &Account, document: &Document| -> NewMessage {
        mail::renewal_proforma_message(&settings.base_url, account, document)
    };
    let receipt = |account: &Account, document: crate::store::Receipt<'_>| -> NewMessage {
        mail::receipt_message(&settings.base_url, account, document)
    };
    let mail = AutoRenewMail {
        proforma: &proforma,
        receipt: &receipt,
    };
    let mut report = Report::default();
    for service_id in store.auto_renew_candidates(now, days_before)? {
        match store.auto_renew_service(service_id, now, days_before, &mail) {
            Ok(AutoRenewal::Paid { invoice }) => {
                tracing::info!(service_id, invoice = %invoice.number, "auto-renewed from the balance");
                report.paid += 1;
            }
            Ok(AutoRenewal::Emailed { proforma }) => {
                tracing::info!(service_id, proforma = %proforma.number, "auto-renewal proforma e-mailed");
                report.emailed += 1;
            }
            Ok(AutoRenewal::Unbillable) => {
                tracing::warn!(
                    service_id,
                    "auto-renew skipped: the plan cannot bill the period; fix the plan"
                );
                report.skipped += 1;
            }
            Ok(AutoRenewal::AwaitingPayment | AutoRenewal::NotDue) => report.skipped += 1,
            Err(e) => {
                tracing::error!(service_id, error = %e, "auto-renew failed");
                report.failed += 1;
            }
        }
    }
    Ok(report)
}
