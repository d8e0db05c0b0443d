//! Kreator WWW: a site of the host's website builder, its domain, publishing and withdrawing it,
//! the state the page shows while a task waits, and the editor's link. No I/O here.

use super::service::Lifecycle;
use super::task::{Task, TaskAction, TaskState};
use super::{Service, ServiceDetails, ServiceKind};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

/// Whether `services` hold a website builder (not deleted): Kreator WWW shows only then.
pub fn owns_site(services: &[Service]) -> bool {
    services
        .iter()
        .any(|s| s.kind == ServiceKind::WebsiteBuilder && s.lifecycle != Lifecycle::Deleted)
}

/// A change the customer asks of a site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SiteChange {
    Publish,
    Unpublish,
    /// One of the account's domains (ASCII or Unicode, as the form sent it).
    SetDomain(String),
}

/// Why a change is refused, in Polish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteRefusal {
    NotLive,
    Busy,
    NotOwned,
    NoDomain,
    AlreadyPublished,
    NotPublished,
}

impl SiteRefusal {
    pub fn message(self) -> &'static str {
        match self {
            SiteRefusal::NotLive => {
                "Usługa jest nieaktywna (zawieszona albo nieopłacona): najpierw ją odnów."
            }
            SiteRefusal::Busy => "Strona wykonuje poprzednie polecenie. Spróbuj za chwilę.",
            SiteRefusal::NotOwned => "Wybierz jedną z domen tego konta.",
            SiteRefusal::NoDomain => "Najpierw wybierz domenę strony.",
            SiteRefusal::AlreadyPublished => "Strona jest już opublikowana.",
            SiteRefusal::NotPublished => "Strona nie jest opublikowana.",
        }
    }
}

/// The site's fields: (site id, domain, published).
fn site_of(service: &Service) -> Option<(&str, &str, bool)> {
    match &service.details {
        ServiceDetails::WebsiteBuilder {
            site,
            domain,
            published,
            ..
        } => Some((site, domain, *published)),
        _ => None,
    }
}

/// Whether a publish (`Some(true)`) or withdrawal (`Some(false)`) waits or runs.
pub fn pending_publish(tasks: &[Task]) -> Option<bool> {
    tasks
        .iter()
        .rev()
        .find_map(|t| match (&t.action, &t.state) {
            (TaskAction::PublishSite { .. }, TaskState::Queued | TaskState::Running) => Some(true),
            (TaskAction::UnpublishSite { .. }, TaskState::Queued | TaskState::Running) => {
                Some(false)
            }
            _ => None,
        })
}

/// Whether `action` is a site's task.
pub fn is_site_task(action: &TaskAction) -> bool {
    matches!(
        action,
        TaskAction::PublishSite { .. } | TaskAction::UnpublishSite { .. }
    )
}

/// The domain `input` names among the account's domains (ASCII), if it is one of them.
fn owned_domain(account_services: &[Service], input: &str) -> Option<String> {
    let ascii = idna::domain_to_ascii(input.trim()).ok()?;
    account_services
        .iter()
        .filter(|s| s.kind == ServiceKind::Domain && s.lifecycle != Lifecycle::Deleted)
        .find(|s| s.name == ascii)
        .map(|s| s.name.clone())
}

/// The checked change: the site's new domain (for SetDomain) and the task to write, if any (a
/// published site moved to another domain is published there again).
pub fn check_site(
    service: &Service,
    tasks: &[Task],
    account_services: &[Service],
    change: &SiteChange,
) -> Result<(Option<String>, Option<TaskAction>), SiteRefusal> {
    let (site, domain, published) = site_of(service).ok_or(SiteRefusal::NotLive)?;
    if service.lifecycle != Lifecycle::Live {
        return Err(SiteRefusal::NotLive);
    }
    if pending_publish(tasks).is_some() {
        return Err(SiteRefusal::Busy);
    }
    let site = site.to_string();
    match change {
        SiteChange::Publish if published => Err(SiteRefusal::AlreadyPublished),
        SiteChange::Publish if domain.is_empty() => Err(SiteRefusal::NoDomain),
        SiteChange::Publish => Ok((
            None,
            Some(TaskAction::PublishSite {
                site,
                domain: domain.to_string(),
            }),
        )),
        SiteChange::Unpublish if !published => Err(SiteRefusal::NotPublished),
        SiteChange::Unpublish => Ok((None, Some(TaskAction::UnpublishSite { site }))),
        SiteChange::SetDomain(input) => {
            let domain = owned_domain(account_services, input).ok_or(SiteRefusal::NotOwned)?;
            let task = published.then(|| TaskAction::PublishSite {
                site,
                domain: domain.clone(),
            });
            Ok((Some(domain), task))
        }
    }
}

/// The publish status as the customer reads it, with its badge tone.
pub fn publish_state(published: bool, pending: Option<bool>) -> (&'static str, &'static str) {
    match (pending, published) {
        (Some(true), _) => ("Publikowanie…", "warning"),
        (Some(false), _) => ("Wycofywanie publikacji…", "warning"),
        (None, true) => ("Opublikowana", "ok"),
        (None, false) => ("Nieopublikowana", "muted"),
    }
}

/// The editor's link: `template` with `{site}` and `{domain}` replaced, each URL-encoded.
pub fn editor_url(template: &str, site: &str, domain: &str) -> String {
    let encode = |value: &str| utf8_percent_encode(value, NON_ALPHANUMERIC).to_string();
    template
        .replace("{site}", &encode(site))
        .replace("{domain}", &encode(domain))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use jiff::civil::date;

    fn site(domain: &str, published: bool) -> Service {
        Service {
            kind: ServiceKind::WebsiteBuilder,
            details: ServiceDetails::WebsiteBuilder {
                site: "firma".into(),
                domain: domain.into(),
                published,
                published_at: None,
            },
            ..Service::live_domain_for_tests(1, date(2030, 1, 1))
        }
    }

    fn task(action: TaskAction, state: TaskState) -> Task {
        Task {
            id: 1,
            service_id: 1,
            account_id: 1,
            service_name: String::new(),
            service_kind: None,
            action,
            state,
            tries: 0,
            next_try: None,
            last_error: None,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: None,
            note: None,
        }
    }

    #[test]
    fn publishing_needs_a_domain_and_an_unpublished_live_site_with_nothing_waiting() {
        let owned = [Service::live_domain_for_tests(7, date(2030, 1, 1))];
        let publish =
            |s: &Service, tasks: &[Task]| check_site(s, tasks, &owned, &SiteChange::Publish);
        assert_eq!(
            publish(&site("firma.pl", false), &[]),
            Ok((
                None,
                Some(TaskAction::PublishSite {
                    site: "firma".into(),
                    domain: "firma.pl".into()
                })
            ))
        );
        assert_eq!(publish(&site("", false), &[]), Err(SiteRefusal::NoDomain));
        assert_eq!(
            publish(&site("firma.pl", true), &[]),
            Err(SiteRefusal::AlreadyPublished)
        );
        let waiting = task(
            TaskAction::UnpublishSite {
                site: "firma".into(),
            },
            TaskState::Running,
        );
        assert_eq!(
            publish(&site("firma.pl", false), &[waiting]),
            Err(SiteRefusal::Busy)
        );
        let suspended = Service {
            lifecycle: Lifecycle::Suspended,
            ..site("firma.pl", false)
        };
        assert_eq!(publish(&suspended, &[]), Err(SiteRefusal::NotLive));
        let unpublish = check_site(&site("x.pl", false), &[], &owned, &SiteChange::Unpublish);
        assert_eq!(unpublish, Err(SiteRefusal::NotPublished));
    }

    #[test]
    fn the_domain_must_be_the_accounts_and_a_published_site_follows_it() {
        let owned = [Service::live_domain_for_tests(7, date(2030, 1, 1))];
        let set =
            |s: &Service, d: &str| check_site(s, &[], &owned, &SiteChange::SetDomain(d.into()));
        assert_eq!(
            set(&site("", false), " Domena7.PL "),
            Ok((Some("domena7.pl".into()), None))
        );
        assert_eq!(set(&site("", false), "obca.pl"), Err(SiteRefusal::NotOwned));
        assert_eq!(
            set(&site("stara.pl", true), "domena7.pl"),
            Ok((
                Some("domena7.pl".into()),
                Some(TaskAction::PublishSite {
                    site: "firma".into(),
                    domain: "domena7.pl".into()
                })
            ))
        );
    }

    #[test]
    fn the_editor_link_encodes_what_it_substitutes() {
        assert_eq!(
            editor_url(
                "https://k.example/e?s={site}&d={domain}",
                "a b&c",
                "żółw.pl"
            ),
            "https://k.example/e?s=a%20b%26c&d=%C5%BC%C3%B3%C5%82w%2Epl"
        );
    }

    #[test]
    fn the_state_reads_publikowanie_while_a_task_waits() {
        assert_eq!(publish_state(false, Some(true)).0, "Publikowanie…");
        assert_eq!(publish_state(true, None).0, "Opublikowana");
        assert_eq!(publish_state(false, None).0, "Nieopublikowana");
    }
}
