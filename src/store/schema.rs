//! Table definitions, the stored schema version and its ordered migrations.

use super::codec::Rows;
use super::{Result, StoreError};
use redb::{Database, MultimapTableDefinition, ReadableTable, TableDefinition, WriteTransaction};

pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
pub const SEQUENCES: TableDefinition<&str, u64> = TableDefinition::new("sequences");

pub const ACCOUNTS: Rows = TableDefinition::new("accounts");
pub const USERS: Rows = TableDefinition::new("users");
pub const USERS_BY_EMAIL: TableDefinition<&str, u64> = TableDefinition::new("users_by_email");
pub const USERS_BY_ACCOUNT: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("users_by_account");

pub const PLANS: Rows = TableDefinition::new("plans");
pub const SERVICES: Rows = TableDefinition::new("services");
pub const SERVICES_BY_ACCOUNT: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("services_by_account");
pub const MAILBOXES: Rows = TableDefinition::new("mailboxes");
pub const MAILBOXES_BY_ACCOUNT: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("mailboxes_by_account");
/// Mailbox address → mailbox id (mailbox_addresses_v11): an address exists once on the host's mail servers.
pub const MAILBOXES_BY_ADDRESS: TableDefinition<&str, u64> =
    TableDefinition::new("mailboxes_by_address");

/// Proformas and invoices share one id space, so `/faktury/{id}` names either.
pub const DOCUMENTS: Rows = TableDefinition::new("documents");
pub const DOCUMENTS_BY_ACCOUNT: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("documents_by_account");
pub const DOCUMENTS_BY_NUMBER: TableDefinition<&str, u64> =
    TableDefinition::new("documents_by_number");
/// service id → its unpaid renewal proforma: makes Odnów idempotent across clicks, retries and tabs.
pub const OPEN_RENEWALS: TableDefinition<u64, u64> = TableDefinition::new("open_renewals");
pub const PAYMENTS: Rows = TableDefinition::new("payments");
pub const PAYMENTS_BY_ACCOUNT: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("payments_by_account");
/// bank reference → payment id: the same transfer reported twice is recorded once.
pub const PAYMENTS_BY_REFERENCE: TableDefinition<&str, u64> =
    TableDefinition::new("payments_by_reference");

/// e-mail → pending login code (one per address: a newer code replaces the older).
pub const LOGIN_CODES: TableDefinition<&str, &[u8]> = TableDefinition::new("login_codes");
/// MAC of a link token → e-mail.
pub const LOGIN_LINKS: TableDefinition<&[u8], &str> = TableDefinition::new("login_links");
/// MAC of a session token → session; the token itself is never stored.
pub const SESSIONS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("sessions");
/// e-mail → its wrong codes of the last day and lock-out (schema v2); kept for any address.
pub const LOGIN_FAILURES: TableDefinition<&str, &[u8]> = TableDefinition::new("login_failures");

/// (account id, entry id) → ledger entry of the prepaid balance (schema v3): append-only.
pub const LEDGER: TableDefinition<(u64, u64), &[u8]> = TableDefinition::new("ledger");
/// "account id/key" → the first result of a money-moving form: a replay returns it (schema v3).
pub const IDEMPOTENCY: TableDefinition<&str, &[u8]> = TableDefinition::new("idempotency");

pub const OUTBOX: Rows = TableDefinition::new("outbox");
/// (due unix second, message id) for messages still to deliver.
pub const OUTBOX_DUE: TableDefinition<(i64, u64), ()> = TableDefinition::new("outbox_due");

/// (YYYYMMDD of the service's next lifecycle event, service id): all a due-scan reads.
pub const SERVICES_DUE: TableDefinition<(u32, u64), ()> = TableDefinition::new("services_due");
/// service id → its day in `SERVICES_DUE`, to move the key.
pub const SERVICE_DUE_ON: TableDefinition<u64, u32> = TableDefinition::new("service_due_on");
/// (service id, expiry YYYYMMDD, threshold in days or the warning's marker) → 1 sent, 0 skipped.
pub const REMINDERS_SENT: TableDefinition<(u64, u32, u32), u8> =
    TableDefinition::new("reminders_sent");
/// Provisioning tasks (suspend, delete, reactivate) for the host's driver.
pub const TASKS: Rows = TableDefinition::new("tasks");
/// The queued tasks of schema v4–v6 (dropped by `tasks_queue_v10`).
pub const TASKS_PENDING: TableDefinition<u64, ()> = TableDefinition::new("tasks_pending");
/// (YYYYMMDD of expiry, service id) of every live service (schema v5): auto-renew reads only the
/// services expiring soon or expired and not yet suspended.
pub const LIVE_BY_EXPIRY: TableDefinition<(u32, u64), ()> = TableDefinition::new("live_by_expiry");
/// service id → its day in `LIVE_BY_EXPIRY`, to move the key.
pub const LIVE_EXPIRY_OF: TableDefinition<u64, u32> = TableDefinition::new("live_expiry_of");
/// (account id, seq) → a change of Dane abonenta (who, when, field, old → new): append-only.
pub const ACCOUNT_HISTORY: TableDefinition<(u64, u64), &[u8]> =
    TableDefinition::new("account_history");
/// (service id, task id) of every provisioning task (schema v7).
pub const TASKS_BY_SERVICE: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("tasks_by_service");
/// (unix second of the next try, task id) of every queued task (schema v7).
pub const TASKS_DUE: TableDefinition<(i64, u64), ()> = TableDefinition::new("tasks_due");
/// Ids of the tasks a driver is running (schema v7): a start re-queues what a stop left here.
pub const TASKS_RUNNING: TableDefinition<u64, ()> = TableDefinition::new("tasks_running");

/// user id → the user's cart in the shop (schema v5).
pub const CARTS: Rows = TableDefinition::new("carts");
/// Orders from the shop (schema v5).
pub const ORDERS: Rows = TableDefinition::new("orders");
/// proforma id → the order it bills: its payment creates the order's services (schema v5).
pub const ORDERS_BY_PROFORMA: TableDefinition<u64, u64> =
    TableDefinition::new("orders_by_proforma");

/// e-mail → the person's second factor (sealed TOTP secret, last used step, recovery code MACs).
pub const SECOND_FACTORS: TableDefinition<&str, &[u8]> = TableDefinition::new("second_factors");
/// MAC of a pending-login token → the login waiting for its second factor.
pub const SECOND_FACTOR_PENDING: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new("second_factor_pending");
/// account id → its security settings (second factor required).
pub const ACCOUNT_SECURITY: Rows = TableDefinition::new("account_security");
/// e-mail → MACs of the person's session tokens (keys of `SESSIONS`), so listing scans no others.
pub const SESSIONS_BY_PERSON: MultimapTableDefinition<&str, &[u8]> =
    MultimapTableDefinition::new("sessions_by_person");
/// e-mail → MACs of the device cookies the person has logged in from.
pub const KNOWN_DEVICES: MultimapTableDefinition<&str, &[u8]> =
    MultimapTableDefinition::new("known_devices");

/// (e-mail, user id) → (): every membership of one person, in any account (memberships_v9).
/// `USERS_BY_EMAIL` then names the membership the person used last: login starts there.
pub const USER_EMAILS: TableDefinition<(&str, u64), ()> = TableDefinition::new("user_emails");
/// Pending invitations to an account (memberships_v9).
pub const INVITATIONS: Rows = TableDefinition::new("invitations");
pub const INVITATIONS_BY_ACCOUNT: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("invitations_by_account");
/// MAC of an invitation token → invitation id; the token itself is never stored.
pub const INVITATION_TOKENS: TableDefinition<&[u8], u64> =
    TableDefinition::new("invitation_tokens");

/// Domeny: a domain's DNS records, transfer code and the log of its reveals, by service id.
pub const DNS_ZONES: Rows = TableDefinition::new("dns_zones");

/// Online payments (online_payments_v13): the gateway's `sessionId` (ours) → the payment.
pub const ONLINE_PAYMENTS: TableDefinition<&str, &[u8]> = TableDefinition::new("online_payments");
/// Session ids of the online payments notified or verified but not applied yet: the job's work.
pub const ONLINE_PENDING: TableDefinition<&str, ()> = TableDefinition::new("online_pending");
/// The ids of dead outbox messages (given up on), so `/metrics` counts them without a scan.
pub const OUTBOX_DEAD: TableDefinition<u64, ()> = TableDefinition::new("outbox_dead");
/// KSeF: document id → its FA(3) XML, written once and never changed.
pub const KSEF_XML: TableDefinition<u64, &[u8]> = TableDefinition::new("ksef_xml");
/// KSeF: document id → `KsefStatus` (absent: not sent).
pub const KSEF_STATUS: Rows = TableDefinition::new("ksef_status");
/// KSeF: invoices and credit notes issued in this transaction whose XML is still to be written
/// (before the commit, by `Store::write`, when the seller is known).
pub const KSEF_PENDING: TableDefinition<u64, ()> = TableDefinition::new("ksef_pending");

/// The audit log (audit_log_v16): entry id → entry, append-only; nothing deletes from it.
pub const AUDIT: Rows = TableDefinition::new("audit");
/// (account id, entry id) of every entry about an account (audit_log_v16).
pub const AUDIT_BY_ACCOUNT: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("audit_by_account");
/// MAC of a "log in as customer" token → the one-time link (audit_log_v16); the token is never stored.
pub const LOGIN_AS_LINKS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("login_as_links");

const SCHEMA_VERSION_KEY: &str = "schema_version";
const SECRET_KEY: &str = "secret";

type Migration = fn(&WriteTransaction) -> Result<()>;

/// Ordered migrations: entry `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[Migration] = &[
    create_tables_v1,
    create_login_failures_v2,
    balance_ledger_v3,
    lifecycle_index_v4,
    expiry_index_v5,
    account_history_v6,
    shop_orders_v7,
    security_v8,
    memberships_v9,
    tasks_queue_v10,
    mailbox_addresses_v11,
    dns_zones_v12,
    online_payments_v13,
    outbox_dead_v14,
    ksef_v15,
    audit_log_v16,
];

pub fn migrate(db: &Database) -> Result<()> {
    let known = MIGRATIONS.len() as u64;
    let found = {
        let tx = db.begin_write()?;
        let version = {
            let meta = tx.open_table(META)?;
            let v = meta.get(SCHEMA_VERSION_KEY)?.map(|v| read_u64(v.value()));
            v.unwrap_or(0)
        };
        tx.abort()?;
        version
    };
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    for (from, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = db.begin_write()?;
        migration(&tx)?;
        tx.open_table(META)?.insert(
            SCHEMA_VERSION_KEY,
            (from as u64 + 1).to_be_bytes().as_slice(),
        )?;
        tx.commit()?;
    }
    Ok(())
}

/// The server's own key for MACs of codes, links and sessions, made once per database.
pub fn secret(db: &Database) -> Result<[u8; 32]> {
    let tx = db.begin_write()?;
    let secret = {
        let mut meta = tx.open_table(META)?;
        let existing = meta
            .get(SECRET_KEY)?
            .and_then(|v| <[u8; 32]>::try_from(v.value()).ok());
        match existing {
            Some(secret) => secret,
            None => {
                let secret = crate::random::bytes::<32>();
                meta.insert(SECRET_KEY, secret.as_slice())?;
                secret
            }
        }
    };
    tx.commit()?;
    Ok(secret)
}

/// The schema version this program writes (the number of its migrations).
pub fn known_version() -> u64 {
    MIGRATIONS.len() as u64
}

/// The schema version stored in a database; `None` when it holds no panel data (no `meta`).
pub fn stored_version(tx: &redb::ReadTransaction) -> Result<Option<u64>> {
    let meta = match tx.open_table(META) {
        Ok(meta) => meta,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let version = meta.get(SCHEMA_VERSION_KEY)?.map(|v| read_u64(v.value()));
    Ok(version)
}

fn read_u64(bytes: &[u8]) -> u64 {
    <[u8; 8]>::try_from(bytes)
        .map(u64::from_be_bytes)
        .unwrap_or(0)
}

fn create_tables_v1(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(SEQUENCES)?;
    for rows in [
        ACCOUNTS, USERS, PLANS, SERVICES, MAILBOXES, DOCUMENTS, PAYMENTS, OUTBOX,
    ] {
        tx.open_table(rows)?;
    }
    for index in [
        USERS_BY_ACCOUNT,
        SERVICES_BY_ACCOUNT,
        MAILBOXES_BY_ACCOUNT,
        DOCUMENTS_BY_ACCOUNT,
        PAYMENTS_BY_ACCOUNT,
    ] {
        tx.open_table(index)?;
    }
    for by_name in [USERS_BY_EMAIL, DOCUMENTS_BY_NUMBER, PAYMENTS_BY_REFERENCE] {
        tx.open_table(by_name)?;
    }
    tx.open_table(OPEN_RENEWALS)?;
    tx.open_table(LOGIN_CODES)?;
    tx.open_table(LOGIN_LINKS)?;
    tx.open_table(SESSIONS)?;
    tx.open_table(OUTBOX_DUE)?;
    Ok(())
}

/// Zapłać online: the registered payments and the index of those still to apply.
fn online_payments_v13(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(ONLINE_PAYMENTS)?;
    tx.open_table(ONLINE_PENDING)?;
    Ok(())
}

/// The index of dead outbox messages, filled from the messages already given up on.
fn outbox_dead_v14(tx: &WriteTransaction) -> Result<()> {
    super::outbox::index_dead_v14(tx)
}

/// KSeF tables. Documents issued before have no XML: it is generated on first use (page, download,
/// export) and stored then.
fn ksef_v15(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(KSEF_XML)?;
    tx.open_table(KSEF_STATUS)?;
    tx.open_table(KSEF_PENDING)?;
    Ok(())
}

/// The audit log, its account index and the operator's one-time "log in as customer" links.
fn audit_log_v16(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(AUDIT)?;
    tx.open_table(AUDIT_BY_ACCOUNT)?;
    tx.open_table(LOGIN_AS_LINKS)?;
    Ok(())
}

fn create_login_failures_v2(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(LOGIN_FAILURES)?;
    Ok(())
}

/// The prepaid balance moves from a field of the account into the ledger: each account with a
/// balance gets an opening entry, and the field is dropped from the stored row.
fn balance_ledger_v3(tx: &WriteTransaction) -> Result<()> {
    #[derive(serde::Deserialize)]
    struct Legacy {
        #[serde(default)]
        prepaid_balance: crate::domain::Money,
    }
    tx.open_table(LEDGER)?;
    tx.open_table(IDEMPOTENCY)?;
    let mut rows = Vec::new();
    for row in tx.open_table(ACCOUNTS)?.iter()? {
        let (id, bytes) = row?;
        let legacy: Legacy = super::codec::decode(bytes.value())?;
        let account: crate::domain::Account = super::codec::decode(bytes.value())?;
        rows.push((id.value(), legacy.prepaid_balance, account));
    }
    let now = jiff::Timestamp::now();
    for (id, balance, account) in rows {
        super::codec::put(&mut tx.open_table(ACCOUNTS)?, id, &account)?;
        if balance > crate::domain::Money::ZERO {
            super::ledger::post(
                tx,
                id,
                crate::domain::ledger::EntryKind::Opening,
                balance,
                None,
                now,
            )?;
        }
    }
    Ok(())
}

/// The due index and its companions; every existing service gets its key.
fn lifecycle_index_v4(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(REMINDERS_SENT)?;
    tx.open_table(TASKS)?;
    tx.open_table(TASKS_PENDING)?;
    let mut services = Vec::new();
    for row in tx.open_table(SERVICES)?.iter()? {
        let (_, bytes) = row?;
        services.push(super::codec::decode::<crate::domain::Service>(
            bytes.value(),
        )?);
    }
    for service in &services {
        super::lifecycle::reindex(tx, service)?;
    }
    tx.open_table(SERVICES_DUE)?;
    tx.open_table(SERVICE_DUE_ON)?;
    Ok(())
}

/// The live services by expiry day, for auto-renew; every existing service is placed.
fn expiry_index_v5(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(LIVE_BY_EXPIRY)?;
    tx.open_table(LIVE_EXPIRY_OF)?;
    let mut services = Vec::new();
    for row in tx.open_table(SERVICES)?.iter()? {
        let (_, bytes) = row?;
        services.push(super::codec::decode::<crate::domain::Service>(
            bytes.value(),
        )?);
    }
    for service in &services {
        super::lifecycle::index_expiry(tx, service)?;
    }
    Ok(())
}

/// The history of Dane abonenta, read by its page.
fn account_history_v6(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(ACCOUNT_HISTORY)?;
    Ok(())
}

/// The shop's carts and orders.
fn shop_orders_v7(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(CARTS)?;
    tx.open_table(ORDERS)?;
    tx.open_table(ORDERS_BY_PROFORMA)?;
    Ok(())
}

/// Bezpieczeństwo: second factors, pending logins, account settings, session and device indexes.
fn security_v8(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(SECOND_FACTORS)?;
    tx.open_table(SECOND_FACTOR_PENDING)?;
    tx.open_table(ACCOUNT_SECURITY)?;
    tx.open_multimap_table(SESSIONS_BY_PERSON)?;
    tx.open_multimap_table(KNOWN_DEVICES)?;
    Ok(())
}

/// One person, several accounts: the membership index, filled from `USERS_BY_EMAIL`, and the
/// invitation tables.
fn memberships_v9(tx: &WriteTransaction) -> Result<()> {
    let mut pairs = Vec::new();
    for row in tx.open_table(USERS_BY_EMAIL)?.iter()? {
        let (email, id) = row?;
        pairs.push((email.value().to_string(), id.value()));
    }
    let mut memberships = tx.open_table(USER_EMAILS)?;
    for (email, id) in &pairs {
        memberships.insert((email.as_str(), *id), ())?;
    }
    tx.open_table(INVITATIONS)?;
    tx.open_table(INVITATIONS_BY_ACCOUNT)?;
    tx.open_table(INVITATION_TOKENS)?;
    Ok(())
}

/// Provisioning tasks get their queue: indexes by service, due and running.
fn tasks_queue_v10(tx: &WriteTransaction) -> Result<()> {
    super::tasks::migrate_v7(tx)
}

/// Mailboxes get their index by address (the panel now creates them and refuses duplicates).
fn mailbox_addresses_v11(tx: &WriteTransaction) -> Result<()> {
    super::mailboxes::index_addresses_v11(tx)
}

/// Domeny: the DNS zones' table.
fn dns_zones_v12(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(DNS_ZONES)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use redb::ReadableTableMetadata;

    #[test]
    fn reopening_keeps_data_and_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let now = jiff::Timestamp::UNIX_EPOCH;
        {
            let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
            let email =
                crate::domain::Email::parse("jan@firma.pl").unwrap_or_else(|e| unreachable!("{e}"));
            let new = crate::store::NewAccount {
                name: "Firma".into(),
                nip: None,
                address: Default::default(),
                owner_email: email,
                owner_name: "Jan".into(),
                phone: String::new(),
            };
            assert!(store.create_account(new, now).is_ok());
        }
        let reopened = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            reopened.is_empty().ok(),
            Some(false),
            "data survives a restart"
        );
        let bumped = reopened.write(|tx| {
            tx.open_table(META)?
                .insert(SCHEMA_VERSION_KEY, 99u64.to_be_bytes().as_slice())?;
            Ok(())
        });
        assert!(bumped.is_ok());
        drop(reopened);
        assert!(matches!(
            Store::open(dir.path()),
            Err(StoreError::TooNew { found: 99, known }) if known == MIGRATIONS.len() as u64
        ));
    }

    #[test]
    fn a_version_1_database_is_upgraded_with_its_data() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        {
            let db = Database::create(dir.path().join("panel.redb"))
                .unwrap_or_else(|e| unreachable!("{e}"));
            let tx = db.begin_write().unwrap_or_else(|e| unreachable!("{e}"));
            create_tables_v1(&tx).unwrap_or_else(|e| unreachable!("{e}"));
            let rows = (|| -> Result<()> {
                tx.open_table(META)?
                    .insert(SCHEMA_VERSION_KEY, 1u64.to_be_bytes().as_slice())?;
                tx.open_table(LOGIN_CODES)?
                    .insert("jan@firma.pl", b"{}".as_slice())?;
                Ok(())
            })();
            assert!(rows.is_ok());
            tx.commit().unwrap_or_else(|e| unreachable!("{e}"));
        }
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let version = store.read().and_then(|tx| {
            let meta = tx.open_table(META)?;
            Ok(meta.get(SCHEMA_VERSION_KEY)?.map(|v| read_u64(v.value())))
        });
        assert_eq!(version.ok().flatten(), Some(MIGRATIONS.len() as u64));
        let tables = store.read().and_then(|tx| {
            let failures = tx.open_table(LOGIN_FAILURES)?.len()?;
            let codes = tx.open_table(LOGIN_CODES)?.len()?;
            Ok((failures, codes))
        });
        assert_eq!(
            tables.ok(),
            Some((0, 1)),
            "the new table exists, old rows stay"
        );
    }

    #[test]
    fn a_version_2_balance_becomes_the_opening_entry_of_the_ledger() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        {
            let db = Database::create(dir.path().join("panel.redb"))
                .unwrap_or_else(|e| unreachable!("{e}"));
            let tx = db.begin_write().unwrap_or_else(|e| unreachable!("{e}"));
            let rows = (|| -> Result<()> {
                create_tables_v1(&tx)?;
                create_login_failures_v2(&tx)?;
                tx.open_table(META)?
                    .insert(SCHEMA_VERSION_KEY, 2u64.to_be_bytes().as_slice())?;
                let old = br#"{"id":7,"name":"Firma","contact_email":"jan@firma.pl","prepaid_balance":12345,"transfer_reference":"KL-000007","created_at":"2026-01-01T00:00:00Z"}"#;
                let poor = br#"{"id":8,"name":"Inna","contact_email":"ola@inna.pl","transfer_reference":"KL-000008","created_at":"2026-01-01T00:00:00Z"}"#;
                let mut accounts = tx.open_table(ACCOUNTS)?;
                accounts.insert(7, old.as_slice())?;
                accounts.insert(8, poor.as_slice())?;
                Ok(())
            })();
            assert!(rows.is_ok(), "{rows:?}");
            tx.commit().unwrap_or_else(|e| unreachable!("{e}"));
        }
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(store.balance_of(7).ok(), Some(crate::domain::Money(12_345)));
        let ledger = store.ledger_of_account(7).unwrap_or_default();
        assert_eq!(ledger.len(), 1);
        assert_eq!(ledger[0].kind, crate::domain::ledger::EntryKind::Opening);
        assert_eq!(store.ledger_of_account(8).map(|l| l.len()).ok(), Some(0));
        let stored = store.read().and_then(|tx| {
            let accounts = tx.open_table(ACCOUNTS)?;
            let row = accounts.get(7)?.map(|v| v.value().to_vec());
            Ok(row.unwrap_or_default())
        });
        let stored = String::from_utf8(stored.unwrap_or_default()).unwrap_or_default();
        assert!(
            stored.contains("Firma") && !stored.contains("prepaid_balance"),
            "{stored}"
        );
    }

    #[test]
    fn a_version_4_database_gets_its_live_services_by_expiry() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        {
            let db = Database::create(dir.path().join("panel.redb"))
                .unwrap_or_else(|e| unreachable!("{e}"));
            let tx = db.begin_write().unwrap_or_else(|e| unreachable!("{e}"));
            let rows = (|| -> Result<()> {
                for migration in &MIGRATIONS[..4] {
                    migration(&tx)?;
                }
                tx.open_table(META)?
                    .insert(SCHEMA_VERSION_KEY, 4u64.to_be_bytes().as_slice())?;
                let live = br#"{"id":1,"account_id":1,"kind":"Domain","name":"firma.pl","plan_id":1,"lifecycle":"Live","expires_on":"2026-12-05","auto_renew":true,"details":"None","created_at":"2026-01-01T00:00:00Z"}"#;
                let suspended = br#"{"id":2,"account_id":1,"kind":"Domain","name":"stara.pl","plan_id":1,"lifecycle":"Suspended","expires_on":"2026-10-05","auto_renew":true,"details":"None","created_at":"2026-01-01T00:00:00Z"}"#;
                let mut services = tx.open_table(SERVICES)?;
                services.insert(1, live.as_slice())?;
                services.insert(2, suspended.as_slice())?;
                Ok(())
            })();
            assert!(rows.is_ok(), "{rows:?}");
            tx.commit().unwrap_or_else(|e| unreachable!("{e}"));
        }
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let placed = store.read().and_then(|tx| {
            let mut keys = Vec::new();
            for row in tx.open_table(LIVE_BY_EXPIRY)?.iter()? {
                keys.push(row?.0.value());
            }
            Ok(keys)
        });
        assert_eq!(placed.ok(), Some(vec![(20261205, 1)]));
    }

    #[test]
    fn tasks_of_a_version_6_database_still_read_and_the_pending_one_is_queued() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        {
            let db = Database::create(dir.path().join("panel.redb"))
                .unwrap_or_else(|e| unreachable!("{e}"));
            let tx = db.begin_write().unwrap_or_else(|e| unreachable!("{e}"));
            let rows = (|| -> Result<()> {
                for migration in &MIGRATIONS[..6] {
                    migration(&tx)?;
                }
                tx.open_table(META)?
                    .insert(SCHEMA_VERSION_KEY, 6u64.to_be_bytes().as_slice())?;
                let service = br#"{"id":3,"account_id":1,"kind":"Domain","name":"firma.pl","plan_id":1,"lifecycle":"Suspended","expires_on":"2026-10-05","auto_renew":true,"details":"None","created_at":"2026-01-01T00:00:00Z"}"#;
                tx.open_table(SERVICES)?.insert(3, service.as_slice())?;
                let done = br#"{"id":1,"service_id":3,"action":"Suspend","state":"Done","created_at":"2026-11-04T12:00:00Z"}"#;
                let pending = br#"{"id":2,"service_id":3,"action":"Delete","state":"Pending","created_at":"2026-12-04T12:00:00Z"}"#;
                let mut tasks = tx.open_table(TASKS)?;
                tasks.insert(1, done.as_slice())?;
                tasks.insert(2, pending.as_slice())?;
                tx.open_table(TASKS_PENDING)?.insert(2, ())?;
                Ok(())
            })();
            assert!(rows.is_ok(), "{rows:?}");
            tx.commit().unwrap_or_else(|e| unreachable!("{e}"));
        }
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let tasks = store.tasks_of_service(3).unwrap_or_default();
        let states: Vec<_> = tasks
            .iter()
            .map(|t| (t.id, t.state.name(), t.account_id))
            .collect();
        assert_eq!(states, vec![(1, "done", 1), (2, "queued", 1)]);
        assert_eq!(tasks[1].service_name, "firma.pl");
        let now = jiff::Timestamp::now();
        let ran = crate::jobs::tasks::run_once(&store, &crate::provisioning::Builtin, now);
        assert_eq!(ran.map(|r| r.done).ok(), Some(1));
        assert_eq!(
            store.task(2).ok().flatten().map(|t| t.state),
            Some(crate::domain::task::TaskState::Done)
        );
    }

    #[test]
    fn a_version_13_database_gets_its_dead_messages_indexed() {
        use crate::store::{Delivery, OutboxMessage};
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let message = |id: u64, delivery: Delivery| OutboxMessage {
            id,
            to: "jan@firma.pl".into(),
            subject: "Faktura".into(),
            text: String::new(),
            html: String::new(),
            created_at: jiff::Timestamp::UNIX_EPOCH,
            delivery,
            secret: false,
            message_id: String::new(),
            tries: 1,
            done_at: None,
        };
        {
            let db = Database::create(dir.path().join("panel.redb"))
                .unwrap_or_else(|e| unreachable!("{e}"));
            let tx = db.begin_write().unwrap_or_else(|e| unreachable!("{e}"));
            let rows = (|| -> Result<()> {
                for migration in &MIGRATIONS[..13] {
                    migration(&tx)?;
                }
                tx.open_table(META)?
                    .insert(SCHEMA_VERSION_KEY, 13u64.to_be_bytes().as_slice())?;
                let mut outbox = tx.open_table(OUTBOX)?;
                let dead = Delivery::Dead {
                    error: "550 no such user".into(),
                };
                let sent = Delivery::Sent {
                    at: jiff::Timestamp::UNIX_EPOCH,
                };
                super::super::codec::put(&mut outbox, 1, &message(1, dead))?;
                super::super::codec::put(&mut outbox, 2, &message(2, sent))?;
                Ok(())
            })();
            assert!(rows.is_ok(), "{rows:?}");
            tx.commit().unwrap_or_else(|e| unreachable!("{e}"));
        }
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let gauges = store.queue_gauges().unwrap_or_default();
        assert_eq!((gauges.outbox_dead, gauges.outbox_pending), (1, 0));
    }
}
