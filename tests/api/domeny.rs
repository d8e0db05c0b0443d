//! Domeny: the customer sees their domains with expiry, sets nameservers, manages DNS records of
//! every type (each wrong one named in Polish, the form kept), reveals the transfer code (each
//! reveal recorded); every change leaves a task for the servers; roles and other accounts hold.

use crate::helpers::{TestApp, spawn_app};
use panel::domain::ServiceDetails;
use panel::domain::access::Viewer;
use panel::domain::dns::DomainZone;
use panel::domain::task::TaskAction;
use reqwest::StatusCode;

pub(crate) const ABONENT: &str = "abonent@example.com";
pub(crate) const DOMAIN: &str = "przykladowa-firma.pl";

impl TestApp {
    pub(crate) fn domain_id(&self) -> u64 {
        self.service_id(ABONENT, DOMAIN)
    }

    pub(crate) async fn send(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        htmx: bool,
    ) -> reqwest::Response {
        let csrf = self.csrf().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &csrf));
        let mut request = self.client.post(self.url(path)).form(&all);
        if htmx {
            request = request.header("HX-Request", "true");
        }
        request.send().await.unwrap()
    }

    pub(crate) async fn add_record(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        let path = format!("/domeny/{}/rekordy", self.domain_id());
        self.send(&path, fields, false).await
    }

    pub(crate) async fn domain_html(&self) -> String {
        let response = self.get(&format!("/domeny/{}", self.domain_id())).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    }

    pub(crate) fn zone(&self) -> DomainZone {
        let viewer = Viewer {
            account_id: self.account_id(ABONENT),
            scope: None,
        };
        let page = self.state.store.domain_page(&viewer, self.domain_id());
        page.unwrap().unwrap().zone
    }

    pub(crate) fn nameservers(&self) -> Vec<String> {
        let services = self
            .state
            .store
            .services_of_account(self.account_id(ABONENT));
        let domain = services
            .unwrap()
            .into_iter()
            .find(|s| s.name == DOMAIN)
            .unwrap();
        match domain.details {
            ServiceDetails::Domain { nameservers } => nameservers,
            other => panic!("{other:?}"),
        }
    }

    pub(crate) fn domain_tasks(&self) -> Vec<TaskAction> {
        let tasks = self.state.store.tasks_of_service(self.domain_id()).unwrap();
        tasks.into_iter().map(|t| t.action).collect()
    }
}

pub(crate) fn redirected_to_domain(response: &reqwest::Response, id: u64) {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("/domeny/{id}").as_str()
    );
}

#[tokio::test]
async fn the_domain_list_shows_expiry_status_and_auto_renew_with_a_link_to_each_domain() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let html = app.get("/domeny").await.text().await.unwrap();
    assert!(html.contains(&format!("href=\"/domeny/{}\"", app.domain_id())));
    assert!(html.contains("Wygasa za 5 dni"), "{html}");
    assert!(!html.contains("Wygasa ("));
    assert!(html.contains("Automatyczne odnawianie"));
    assert!(html.contains("włączone") && html.contains("wyłączone"));
    assert!(!html.contains("Serwer WWW 1"), "only domains are listed");
}

#[tokio::test]
async fn the_owner_sets_new_nameservers_and_a_task_takes_them_to_the_registry() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.domain_id();
    let path = format!("/domeny/{id}/serwery-dns");
    let sent = "ns1.nowy-dns.pl\nNS2.nowy-dns.pl.\nns.zażółć.pl";
    redirected_to_domain(&app.send(&path, &[("serwery", sent)], false).await, id);
    let html = app.domain_html().await;
    assert!(html.contains("Zapisaliśmy serwery DNS"));
    assert!(html.contains("ns2.nowy-dns.pl") && html.contains("ns.zażółć.pl"));
    let stored = app.nameservers();
    assert_eq!(stored[..2], ["ns1.nowy-dns.pl", "ns2.nowy-dns.pl"]);
    assert!(stored[2].starts_with("ns.xn--"), "stored in ASCII");
    assert_eq!(
        app.domain_tasks().last(),
        Some(&TaskAction::SetNameservers {
            nameservers: stored
        })
    );
    assert!(
        html.contains("Zmiana serwerów DNS"),
        "the task is on the page"
    );
}

#[tokio::test]
async fn one_or_fourteen_nameservers_or_a_bad_host_are_refused_with_what_was_typed_kept() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let path = format!("/domeny/{}/serwery-dns", app.domain_id());
    let before = app.nameservers();
    let fourteen: Vec<String> = (1..=14).map(|i| format!("ns{i}.example.net")).collect();
    let fourteen = fourteen.join("\n");
    for (typed, message) in [
        ("ns1.jedyny.pl", "Podaj co najmniej 2 serwery DNS"),
        (fourteen.as_str(), "najwyżej 13 serwerów DNS"),
        ("ns1.dobry.pl\nzły_serwer!.pl", "„zły_serwer!.pl”"),
        ("ns1.dobry.pl\nns1.dobry.pl", "podany dwa razy"),
    ] {
        for htmx in [false, true] {
            let response = app.send(&path, &[("serwery", typed)], htmx).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let html = response.text().await.unwrap();
            assert!(html.contains(message), "{message}: {html}");
            assert!(
                html.contains(typed.lines().last().unwrap()),
                "the form keeps it"
            );
            assert_eq!(html.contains("<html"), !htmx);
        }
    }
    assert_eq!(app.nameservers(), before);
    assert!(
        app.domain_tasks().is_empty(),
        "no task for a refused change"
    );
}

/// A valid form of each type, and what the list then shows.
pub(crate) const GOOD: [(&[(&str, &str)], &str); 7] = [
    (
        &[("typ", "A"), ("nazwa", "www"), ("wartosc", "192.0.2.10")],
        "192.0.2.10",
    ),
    (
        &[("typ", "AAAA"), ("nazwa", "@"), ("wartosc", "2001:db8::10")],
        "2001:db8::10",
    ),
    (
        &[
            ("typ", "CNAME"),
            ("nazwa", "blog"),
            ("wartosc", "strony.example.net"),
        ],
        "strony.example.net",
    ),
    (
        &[
            ("typ", "MX"),
            ("nazwa", "@"),
            ("priorytet", "10"),
            ("wartosc", "mx.example.net"),
        ],
        "10 mx.example.net",
    ),
    (
        &[
            ("typ", "TXT"),
            ("nazwa", "@"),
            ("wartosc", "v=spf1 include:example.net -all"),
        ],
        "v=spf1 include:example.net -all",
    ),
    (
        &[
            ("typ", "SRV"),
            ("nazwa", "_sip._tcp"),
            ("priorytet", "10"),
            ("waga", "5"),
            ("port", "5060"),
            ("wartosc", "sip.example.net"),
        ],
        "10 5 5060 sip.example.net",
    ),
    (
        &[
            ("typ", "CAA"),
            ("nazwa", "@"),
            ("flaga", "0"),
            ("tag", "issue"),
            ("wartosc", "letsencrypt.org"),
        ],
        "0 issue",
    ),
];

#[tokio::test]
async fn the_transfer_code_is_shown_only_on_request_the_same_each_time_and_each_reveal_is_listed() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let page = app.domain_html().await;
    assert!(page.contains("Pokaż kod AuthInfo") && !page.contains("id=\"kod-wartosc\""));
    let path = format!("/domeny/{}/authinfo", app.domain_id());
    let first = app.send(&path, &[], false).await;
    assert_eq!(first.status(), StatusCode::OK);
    let first = first.text().await.unwrap();
    let code = app.zone().auth_code.unwrap();
    assert!(first.contains(&code), "the code is on the answer");
    assert!(
        !app.domain_html().await.contains(&code),
        "and not on the page after it"
    );
    let second = app.send(&path, &[], true).await.text().await.unwrap();
    assert!(second.contains(&code), "the same code again");
    let zone = app.zone();
    assert_eq!(zone.reveals.len(), 2);
    let page = app.domain_html().await;
    assert_eq!(page.matches("— abonent@example.com").count(), 2, "{page}");
}
