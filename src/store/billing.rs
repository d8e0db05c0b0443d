//! Proformas, invoices and payments: renewals and their settlement, each in one transaction.

use super::audit::record_payment_outcome;
use super::codec::{get, next_in_sequence, owned_ids, put};
use super::ledger::{balance_in, post, remember, replayed};
use super::outbox::{NewMessage, enqueue};
use super::schema::{
    ACCOUNTS, DOCUMENTS, DOCUMENTS_BY_ACCOUNT, DOCUMENTS_BY_NUMBER, LEDGER, OPEN_RENEWALS,
    PAYMENTS, PAYMENTS_BY_ACCOUNT, PAYMENTS_BY_REFERENCE, PLANS, SERVICES,
};
use super::{Result, Store, StoreError};
use crate::domain::audit::{Actor, OPERATOR_ORIGIN};
use crate::domain::billing::{
    Buyer, PAYMENT_TERM_DAYS, extended_expiry, number_in_series, renewal_due_on, renewal_line,
    series,
};
use crate::domain::ledger::EntryKind;
use crate::domain::service::Lifecycle;
use crate::domain::time::{add_days, today};
use crate::domain::top_up::top_up_line;
use crate::domain::{
    Account, Document, DocumentKind, DocumentStatus, Line, Money, Payment, Plan, Service,
};
use jiff::Timestamp;
use jiff::civil::Date;
use redb::{ReadTransaction, ReadableTable, WriteTransaction};

pub enum RenewOutcome {
    /// A new renewal proforma.
    Created(Document),
    /// The unpaid renewal proforma that already existed: Odnów is idempotent.
    Existing(Document),
    /// Renewal opens on this day.
    NotYet(Date),
    /// The service's plan cannot be billed (its period is out of range): nothing was issued.
    Unbillable(Plan),
    NotFound,
}

pub enum PaymentOutcome {
    Paid {
        proforma: Document,
        invoice: Box<Document>,
    },
    /// The proforma was paid before; nothing changed (a repeated report of the same payment).
    AlreadyPaid { proforma: Document },
    /// This reference was recorded for this proforma before; nothing changed.
    AlreadyRecorded { proforma: Document },
    /// This reference was recorded for another proforma (named): nothing changed.
    ReferenceUsedElsewhere { other: String },
    /// The same amount for the same proforma was recorded today without a reference: most likely
    /// a retried command, so nothing changed until the operator confirms or gives a reference.
    LooksRepeated { proforma: Document, amount: Money },
    /// The amount (with the prepaid balance) does not cover the proforma: it went to the balance.
    Credited { proforma: Document, balance: Money },
}

/// Composes the e-mail an action sends, from what the transaction knows.
pub type Compose<'a> = &'a dyn Fn(&Account, &Document) -> NewMessage;

/// What a payment's receipt e-mail is about: every recorded payment sends one.
#[derive(Clone, Copy, Debug)]
pub enum Receipt<'a> {
    /// The document the payment produced: a VAT invoice or a payment confirmation.
    Document(&'a Document),
    /// Money kept on the prepaid balance (too little to pay the proforma, a second transfer for
    /// a paid one, or a transfer naming no proforma), and the balance after it.
    Deposit {
        amount: Money,
        balance: Money,
        proforma: Option<&'a Document>,
    },
}

impl Receipt<'_> {
    /// The document the payment produced, if it produced one.
    pub fn document(&self) -> Option<&Document> {
        match self {
            Receipt::Document(document) => Some(document),
            Receipt::Deposit { .. } => None,
        }
    }
}

/// Composes a payment's receipt e-mail.
pub type ComposeReceipt<'a> = &'a dyn Fn(&Account, Receipt<'_>) -> NewMessage;

pub(super) fn documents_of(tx: &ReadTransaction, account_id: u64) -> Result<Vec<Document>> {
    let documents = tx.open_table(DOCUMENTS)?;
    let mut list: Vec<Document> = owned_ids(&tx.open_table(DOCUMENTS_BY_ACCOUNT)?, account_id)?
        .into_iter()
        .filter_map(|id| get::<Document>(&documents, id).transpose())
        .collect::<Result<_>>()?;
    list.sort_by(|a, b| b.issued_at.cmp(&a.issued_at).then(b.id.cmp(&a.id)));
    Ok(list)
}

pub(super) fn insert_document(tx: &WriteTransaction, document: &Document) -> Result<()> {
    put(&mut tx.open_table(DOCUMENTS)?, document.id, document)?;
    tx.open_table(DOCUMENTS_BY_ACCOUNT)?
        .insert((document.account_id, document.id), ())?;
    tx.open_table(DOCUMENTS_BY_NUMBER)?
        .insert(document.number.as_str(), document.id)?;
    super::ksef::note_issued(tx, document)?;
    Ok(())
}

/// Issues a document with the next number of its series (no gaps: the number is taken in the
/// same transaction that stores the document).
pub(super) fn issue(
    tx: &WriteTransaction,
    account: &Account,
    kind: DocumentKind,
    lines: Vec<Line>,
    now: Timestamp,
) -> Result<Document> {
    let series = series(kind, today(now));
    let sequence = next_in_sequence(tx, &series)?;
    Ok(Document {
        id: next_in_sequence(tx, "document")?,
        account_id: account.id,
        kind,
        number: number_in_series(&series, sequence),
        issued_at: now,
        due_on: None,
        buyer: Buyer::of(account),
        lines,
        status: match kind {
            DocumentKind::Proforma => DocumentStatus::Unpaid,
            DocumentKind::VatInvoice
            | DocumentKind::PaymentConfirmation
            | DocumentKind::CreditNote => DocumentStatus::Issued,
        },
        renews_service: None,
        proforma_id: None,
        top_up: false,
        corrects: None,
        reason: None,
        refund_due: false,
        refunded: None,
    })
}

impl Store {
    pub fn documents_of_account(&self, account_id: u64) -> Result<Vec<Document>> {
        documents_of(&self.read()?, account_id)
    }

    /// The document, only if it belongs to `account_id`.
    pub fn document_of_account(&self, account_id: u64, id: u64) -> Result<Option<Document>> {
        let document: Option<Document> = get(&self.read()?.open_table(DOCUMENTS)?, id)?;
        Ok(document.filter(|d| d.account_id == account_id))
    }

    pub fn payments_of_account(&self, account_id: u64) -> Result<Vec<Payment>> {
        let tx = self.read()?;
        let payments = tx.open_table(PAYMENTS)?;
        let mut list: Vec<Payment> = owned_ids(&tx.open_table(PAYMENTS_BY_ACCOUNT)?, account_id)?
            .into_iter()
            .filter_map(|id| get::<Payment>(&payments, id).transpose())
            .collect::<Result<_>>()?;
        list.sort_by_key(|p| std::cmp::Reverse(p.received_at));
        Ok(list)
    }

    /// Unpaid proformas of every account, for the operator.
    pub fn unpaid_proformas(&self) -> Result<Vec<Document>> {
        let tx = self.read()?;
        let mut list = Vec::new();
        for row in tx.open_table(DOCUMENTS)?.iter()? {
            let (_, bytes) = row?;
            let document: Document = super::codec::decode(bytes.value())?;
            if document.is_unpaid() {
                list.push(document);
            }
        }
        Ok(list)
    }

    /// Odnów: the renewal proforma of a service, created once. Price and period come from the
    /// service's plan. The e-mail announcing it commits with it.
    pub fn renew_service(
        &self,
        account_id: u64,
        service_id: u64,
        now: Timestamp,
        compose: Compose<'_>,
    ) -> Result<RenewOutcome> {
        self.write(|tx| {
            let service: Option<Service> = get(&tx.open_table(SERVICES)?, service_id)?;
            let Some(service) = service.filter(|s| s.account_id == account_id) else {
                return Ok(RenewOutcome::NotFound);
            };
            let open = tx
                .open_table(OPEN_RENEWALS)?
                .get(service_id)?
                .map(|v| v.value());
            if let Some(existing_id) = open {
                let existing: Option<Document> = get(&tx.open_table(DOCUMENTS)?, existing_id)?;
                if let Some(existing) = existing.filter(Document::is_unpaid) {
                    return Ok(RenewOutcome::Existing(existing));
                }
            }
            let today = today(now);
            if !service.may_be_renewed(today) {
                return Ok(RenewOutcome::NotYet(service.renewal_opens_on()));
            }
            let account: Account = get(&tx.open_table(ACCOUNTS)?, account_id)?
                .ok_or(StoreError::NotFound("account"))?;
            let proforma = match issue_renewal(tx, &account, &service, now)? {
                Ok(proforma) => proforma,
                Err(plan) => return Ok(RenewOutcome::Unbillable(plan)),
            };
            enqueue(tx, compose(&account, &proforma), now)?;
            Ok(RenewOutcome::Created(proforma))
        })
    }

    /// Issues a proforma for an order (the shop and the demo use it).
    pub fn issue_proforma(
        &self,
        account_id: u64,
        lines: Vec<Line>,
        due_on: Date,
        now: Timestamp,
    ) -> Result<Document> {
        self.write(|tx| {
            let account = get::<Account>(&tx.open_table(ACCOUNTS)?, account_id)?
                .ok_or(StoreError::NotFound("account"))?;
            let mut proforma = issue(tx, &account, DocumentKind::Proforma, lines, now)?;
            proforma.due_on = Some(due_on);
            insert_document(tx, &proforma)?;
            Ok(proforma)
        })
    }

    /// Doładuj saldo: a top-up proforma for `amount`, due in the payment term. A form replayed with
    /// the same `key` gets the first proforma back instead of a second one.
    pub fn issue_top_up(
        &self,
        account_id: u64,
        amount: Money,
        key: &str,
        now: Timestamp,
    ) -> Result<Document> {
        self.write(|tx| {
            // Its own namespace: a key is never read back as another form's result.
            let key = format!("doladuj/{key}");
            if let Some(first) = replayed::<u64>(tx, account_id, &key)? {
                return get::<Document>(&tx.open_table(DOCUMENTS)?, first)?
                    .ok_or(StoreError::NotFound("proforma"));
            }
            let account = get::<Account>(&tx.open_table(ACCOUNTS)?, account_id)?
                .ok_or(StoreError::NotFound("account"))?;
            let lines = vec![top_up_line(amount)];
            let mut proforma = issue(tx, &account, DocumentKind::Proforma, lines, now)?;
            proforma.due_on = Some(add_days(today(now), PAYMENT_TERM_DAYS));
            proforma.top_up = true;
            insert_document(tx, &proforma)?;
            remember(tx, account_id, &key, &proforma.id)?;
            Ok(proforma)
        })
    }

    /// Records a payment against a proforma. Paying issues the VAT invoice and extends the
    /// services once, however many times the same payment is reported: a reference is recorded
    /// once (and never for two proformas), and a payment without one that repeats today's amount
    /// for the same proforma is held back as `LooksRepeated`.
    pub fn record_payment(
        &self,
        proforma_number: &str,
        amount: Option<Money>,
        reference: Option<&str>,
        now: Timestamp,
        compose: ComposeReceipt<'_>,
    ) -> Result<PaymentOutcome> {
        self.record(proforma_number, amount, reference, false, now, compose)
    }

    /// `record_payment` for a second transfer the operator confirmed is not a retry (the same
    /// amount for the same proforma on the same day, without a reference).
    pub fn record_repeated_payment(
        &self,
        proforma_number: &str,
        amount: Option<Money>,
        now: Timestamp,
        compose: ComposeReceipt<'_>,
    ) -> Result<PaymentOutcome> {
        self.record(proforma_number, amount, None, true, now, compose)
    }

    fn record(
        &self,
        proforma_number: &str,
        amount: Option<Money>,
        reference: Option<&str>,
        confirmed: bool,
        now: Timestamp,
        compose: ComposeReceipt<'_>,
    ) -> Result<PaymentOutcome> {
        self.write(|tx| {
            let outcome = record_in(
                tx,
                proforma_number,
                amount,
                reference,
                confirmed,
                now,
                compose,
            )?;
            let (actor, origin) = (Actor::Operator, OPERATOR_ORIGIN);
            record_payment_outcome(tx, &outcome, actor, origin, "przelew", now)?;
            Ok(outcome)
        })
    }

    /// Zapłać z salda: pays an unpaid proforma of the account from its prepaid balance, in one
    /// transaction with the invoice, the ledger entry, the service extension and the e-mail. A form
    /// replayed with the same `key` (double click, retry, second tab) gets the first result back.
    pub fn pay_from_balance(
        &self,
        account_id: u64,
        proforma_id: u64,
        key: &str,
        now: Timestamp,
        compose: ComposeReceipt<'_>,
    ) -> Result<BalancePayment> {
        self.write(|tx| {
            if let Some(first) = replayed::<BalancePayment>(tx, account_id, key)? {
                return Ok(first);
            }
            let proforma: Option<Document> = get(&tx.open_table(DOCUMENTS)?, proforma_id)?;
            let Some(proforma) = proforma.filter(|d| d.account_id == account_id) else {
                return Ok(BalancePayment::NotFound);
            };
            let outcome = match proforma.status {
                // Paying a top-up from the balance would move money in a circle.
                _ if proforma.kind != DocumentKind::Proforma || proforma.top_up => {
                    BalancePayment::NotPayable
                }
                DocumentStatus::Paid { invoice_id, .. } => {
                    BalancePayment::AlreadyPaid { invoice_id }
                }
                DocumentStatus::Unpaid => {
                    let account: Account = get(&tx.open_table(ACCOUNTS)?, account_id)?
                        .ok_or(StoreError::NotFound("account"))?;
                    let balance = balance_in(&tx.open_table(LEDGER)?, account_id)?;
                    let total = proforma.total_gross();
                    if balance < total {
                        BalancePayment::Insufficient { balance, total }
                    } else {
                        let entry = post(
                            tx,
                            account_id,
                            EntryKind::Payment,
                            total,
                            Some(proforma.id),
                            now,
                        )?;
                        let (_, invoice) = settle(tx, &account, proforma, now, compose)?;
                        BalancePayment::Paid {
                            invoice_id: invoice.id,
                            invoice_number: invoice.number,
                            balance: entry.balance_after,
                        }
                    }
                }
                DocumentStatus::Cancelled | DocumentStatus::Issued => BalancePayment::NotPayable,
            };
            remember(tx, account_id, key, &outcome)?;
            Ok(outcome)
        })
    }
}

/// What Zapłać z salda did; recorded under the form's idempotency key.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BalancePayment {
    /// Paid: the VAT invoice issued, and the balance left.
    Paid {
        invoice_id: u64,
        invoice_number: String,
        balance: Money,
    },
    /// Paid before (by transfer, or by this form from another tab).
    AlreadyPaid {
        invoice_id: u64,
    },
    /// The balance does not cover the proforma: nothing changed.
    Insufficient {
        balance: Money,
        total: Money,
    },
    /// Not an unpaid proforma (an invoice, a cancelled proforma).
    NotPayable,
    NotFound,
}

/// `record_payment` inside the caller's transaction (an online payment applies in the same one).
pub(super) fn record_in(
    tx: &WriteTransaction,
    proforma_number: &str,
    amount: Option<Money>,
    reference: Option<&str>,
    confirmed: bool,
    now: Timestamp,
    compose: ComposeReceipt<'_>,
) -> Result<PaymentOutcome> {
    let id = tx
        .open_table(DOCUMENTS_BY_NUMBER)?
        .get(proforma_number)?
        .map(|v| v.value())
        .ok_or(StoreError::NotFound("proforma"))?;
    let documents = tx.open_table(DOCUMENTS)?;
    let proforma: Document = get(&documents, id)?.ok_or(StoreError::NotFound("proforma"))?;
    if proforma.kind != DocumentKind::Proforma {
        return Err(StoreError::Conflict(format!(
            "{proforma_number} is not a proforma"
        )));
    }
    let mut by_reference = tx.open_table(PAYMENTS_BY_REFERENCE)?;
    if let Some(reference) = reference
        && let Some(earlier) = by_reference.get(reference)?.map(|v| v.value())
    {
        let earlier: Payment =
            get(&tx.open_table(PAYMENTS)?, earlier)?.ok_or(StoreError::NotFound("payment"))?;
        if earlier.document_id == proforma.id {
            return Ok(PaymentOutcome::AlreadyRecorded { proforma });
        }
        let other: Option<Document> = get(&documents, earlier.document_id)?;
        return Ok(PaymentOutcome::ReferenceUsedElsewhere {
            other: other.map_or_else(|| format!("document {}", earlier.document_id), |d| d.number),
        });
    }
    drop(documents);
    if let Some(reference) = reference
        && let Some(deposit) = super::transfer::deposited_with(tx, reference)?
    {
        return Ok(PaymentOutcome::ReferenceUsedElsewhere {
            other: format!("a deposit to the balance of account {}", deposit.account_id),
        });
    }
    if !proforma.is_unpaid() && reference.is_none() {
        return Ok(PaymentOutcome::AlreadyPaid { proforma });
    }
    let amount = amount.unwrap_or_else(|| proforma.total_gross());
    if reference.is_none()
        && !confirmed
        && paid_today_without_reference(tx, &proforma, amount, now)?
    {
        return Ok(PaymentOutcome::LooksRepeated { proforma, amount });
    }
    let payment = Payment {
        id: next_in_sequence(tx, "payment")?,
        account_id: proforma.account_id,
        document_id: proforma.id,
        amount,
        received_at: now,
        reference: reference.map(str::to_string),
    };
    put(&mut tx.open_table(PAYMENTS)?, payment.id, &payment)?;
    tx.open_table(PAYMENTS_BY_ACCOUNT)?
        .insert((payment.account_id, payment.id), ())?;
    if let Some(reference) = reference {
        by_reference.insert(reference, payment.id)?;
    }
    let account: Account = get(&tx.open_table(ACCOUNTS)?, proforma.account_id)?
        .ok_or(StoreError::NotFound("account"))?;
    if proforma.top_up && proforma.is_unpaid() {
        let (proforma, confirmation) = settle_top_up(tx, &account, proforma, amount, now, compose)?;
        return Ok(PaymentOutcome::Paid {
            proforma,
            invoice: Box::new(confirmation),
        });
    }
    let balance = balance_in(&tx.open_table(LEDGER)?, account.id)?;
    let total = proforma.total_gross();
    let credit = |amount: Money| -> Result<PaymentOutcome> {
        let kind = if proforma.top_up {
            EntryKind::TopUp
        } else {
            EntryKind::Deposit
        };
        let entry = post(tx, account.id, kind, amount, Some(proforma.id), now)?;
        let receipt = Receipt::Deposit {
            amount,
            balance: entry.balance_after,
            proforma: Some(&proforma),
        };
        enqueue(tx, compose(&account, receipt), now)?;
        Ok(PaymentOutcome::Credited {
            proforma: proforma.clone(),
            balance: entry.balance_after,
        })
    };
    if !proforma.is_unpaid() {
        // A second transfer for a paid proforma: kept as prepaid balance.
        return credit(amount);
    }
    if amount >= total {
        if let Some(over) = amount.checked_sub(total).filter(|m| *m > Money::ZERO) {
            post(
                tx,
                account.id,
                EntryKind::Deposit,
                over,
                Some(proforma.id),
                now,
            )?;
        }
    } else {
        let missing = total.checked_sub(amount).unwrap_or(total);
        if balance < missing {
            // Too little, even with the balance: all of it goes to the balance.
            return credit(amount);
        }
        post(
            tx,
            account.id,
            EntryKind::Payment,
            missing,
            Some(proforma.id),
            now,
        )?;
    }
    let (proforma, invoice) = settle(tx, &account, proforma, now, compose)?;
    Ok(PaymentOutcome::Paid {
        proforma,
        invoice: Box::new(invoice),
    })
}

/// Settles a paid proforma: issues its VAT invoice with the next number, marks the proforma paid,
/// extends its services (or creates those of the shop's order it bills) and queues the receipt e-mail, all in the caller's transaction. The money
/// has been accounted for by the caller (ledger entries).
pub(super) fn settle(
    tx: &WriteTransaction,
    account: &Account,
    mut proforma: Document,
    now: Timestamp,
    compose: ComposeReceipt<'_>,
) -> Result<(Document, Document)> {
    let mut invoice = issue(
        tx,
        account,
        DocumentKind::VatInvoice,
        proforma.lines.clone(),
        now,
    )?;
    invoice.proforma_id = Some(proforma.id);
    invoice.renews_service = proforma.renews_service;
    proforma.status = DocumentStatus::Paid {
        paid_at: now,
        invoice_id: invoice.id,
    };
    put(&mut tx.open_table(DOCUMENTS)?, proforma.id, &proforma)?;
    insert_document(tx, &invoice)?;
    extend_services(tx, &proforma, now)?;
    super::shop::fulfil_order(tx, &proforma, now)?;
    enqueue(tx, compose(account, Receipt::Document(&invoice)), now)?;
    Ok((proforma, invoice))
}

/// Settles a top-up proforma with the amount received, whatever it is (a short transfer too): all
/// of it goes to the balance as `TopUp`, and a payment confirmation (PW, its own gapless series) takes the place of
/// the VAT invoice, linked from the proforma the same way. The receipt e-mail names it.
fn settle_top_up(
    tx: &WriteTransaction,
    account: &Account,
    mut proforma: Document,
    received: Money,
    now: Timestamp,
    compose: ComposeReceipt<'_>,
) -> Result<(Document, Document)> {
    let mut confirmation = issue(
        tx,
        account,
        DocumentKind::PaymentConfirmation,
        vec![top_up_line(received)],
        now,
    )?;
    // The balance's history links the document the customer keeps: the confirmation.
    post(
        tx,
        account.id,
        EntryKind::TopUp,
        received,
        Some(confirmation.id),
        now,
    )?;
    confirmation.proforma_id = Some(proforma.id);
    proforma.status = DocumentStatus::Paid {
        paid_at: now,
        invoice_id: confirmation.id,
    };
    put(&mut tx.open_table(DOCUMENTS)?, proforma.id, &proforma)?;
    insert_document(tx, &confirmation)?;
    enqueue(tx, compose(account, Receipt::Document(&confirmation)), now)?;
    Ok((proforma, confirmation))
}

/// Issues a service's renewal proforma (price and period from its plan and chosen period) and
/// records it as the service's open renewal; the plan when it cannot bill that period.
pub(super) fn issue_renewal(
    tx: &WriteTransaction,
    account: &Account,
    service: &Service,
    now: Timestamp,
) -> Result<Result<Document, Plan>> {
    let plan: Plan =
        get(&tx.open_table(PLANS)?, service.plan_id)?.ok_or(StoreError::NotFound("plan"))?;
    let Some(line) = renewal_line(service, &plan, plan.renewal_months(service)) else {
        return Ok(Err(plan));
    };
    let mut proforma = issue(tx, account, DocumentKind::Proforma, vec![line], now)?;
    proforma.due_on = Some(renewal_due_on(service, today(now)));
    proforma.renews_service = Some(service.id);
    insert_document(tx, &proforma)?;
    tx.open_table(OPEN_RENEWALS)?
        .insert(service.id, proforma.id)?;
    Ok(Ok(proforma))
}

/// Whether `amount` was recorded for `proforma` without a reference on the day of `now`.
fn paid_today_without_reference(
    tx: &WriteTransaction,
    proforma: &Document,
    amount: Money,
    now: Timestamp,
) -> Result<bool> {
    let payments = tx.open_table(PAYMENTS)?;
    let day = today(now);
    for id in owned_ids(&tx.open_table(PAYMENTS_BY_ACCOUNT)?, proforma.account_id)? {
        let Some(payment) = get::<Payment>(&payments, id)? else {
            continue;
        };
        if payment.document_id == proforma.id
            && payment.reference.is_none()
            && payment.amount == amount
            && today(payment.received_at) == day
        {
            return Ok(true);
        }
    }
    Ok(false)
}

fn extend_services(tx: &WriteTransaction, proforma: &Document, now: Timestamp) -> Result<()> {
    let mut services = tx.open_table(SERVICES)?;
    let mut open = tx.open_table(OPEN_RENEWALS)?;
    for line in &proforma.lines {
        let Some(service_id) = line.service_id else {
            continue;
        };
        let Some(mut service) = get::<Service>(&services, service_id)? else {
            continue;
        };
        service.expires_on = extended_expiry(&service, line).ok_or_else(|| {
            StoreError::Conflict(format!(
                "{} cannot be extended by {} months",
                service.name, line.period_months
            ))
        })?;
        if service.lifecycle == Lifecycle::Suspended {
            super::tasks::add_task(tx, &service, super::lifecycle::TaskAction::Reactivate, now)?;
        }
        super::ssl::reissue_on_renewal(tx, &service, now)?;
        service.lifecycle = Lifecycle::Live;
        put(&mut services, service.id, &service)?;
        super::lifecycle::reindex(tx, &service)?;
        if open.get(service_id)?.map(|v| v.value()) == Some(proforma.id) {
            open.remove(service_id)?;
        }
    }
    Ok(())
}
