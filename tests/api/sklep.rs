//! Sklep: browse the catalogue, fill the cart, Zamów → one proforma → pay it → the services are
//! created, Live, once; domain names checked; who may order; hidden plans.

use crate::helpers::{TestApp, csrf_of, hidden, location, log_in_elsewhere, spawn_app};
use panel::domain::service::Lifecycle;
use panel::domain::time::{add_months, today};
use panel::domain::{Document, Line, Money, Plan, ServiceKind};
use reqwest::StatusCode;

const ABONENT: &str = "abonent@example.com";
const INNY: &str = "inny@example.com";
const TECH: &str = "tech@example.com";

/// The steps of shopping, on the shared `TestApp`.
trait ShopSteps {
    fn plan(&self, name: &str) -> Plan;
    fn services_of(&self, owner: &str) -> Vec<panel::domain::Service>;
    fn cart_len(&self, owner: &str) -> usize;
    async fn add_to_cart(&self, plan: &str, name: &str, months: u32) -> reqwest::Response;
    /// Opens the shop and presses Zamów; the response and the form's key.
    async fn order(&self) -> (reqwest::Response, String);
    async fn order_with_key(&self, key: &str) -> reqwest::Response;
    async fn top_up(&self, owner: &str, amount: &str);
    async fn pay_from_balance(&self, proforma: u64) -> reqwest::Response;
}

impl ShopSteps for TestApp {
    fn plan(&self, name: &str) -> Plan {
        let plans = self.state.store.plans().unwrap();
        plans.into_iter().find(|p| p.name == name).unwrap()
    }

    fn services_of(&self, owner: &str) -> Vec<panel::domain::Service> {
        let account = self.account_id(owner);
        self.state.store.services_of_account(account).unwrap()
    }

    fn cart_len(&self, owner: &str) -> usize {
        let email = panel::domain::Email::parse(owner).unwrap();
        let user = self.state.store.user_by_email(&email).unwrap().unwrap();
        self.state.store.cart_of(user.id).unwrap().items.len()
    }

    async fn add_to_cart(&self, plan: &str, name: &str, months: u32) -> reqwest::Response {
        let id = self.plan(plan).id.to_string();
        let token = self.csrf().await;
        let months = months.to_string();
        let fields = [
            ("csrf_token", token.as_str()),
            ("plan", &id),
            ("nazwa", name),
            ("okres", &months),
        ];
        self.post_form("/sklep/koszyk", &fields).await
    }

    async fn order(&self) -> (reqwest::Response, String) {
        let page = self.get("/sklep").await.text().await.unwrap();
        let key = hidden(&page, "klucz");
        (self.order_with_key(&key).await, key)
    }

    async fn order_with_key(&self, key: &str) -> reqwest::Response {
        let token = self.csrf().await;
        self.post_form("/sklep/zamow", &[("csrf_token", &token), ("klucz", key)])
            .await
    }

    async fn top_up(&self, owner: &str, amount: &str) {
        let account = self.account_id(owner);
        let key = panel::random::token();
        let money = Money::parse(amount).unwrap();
        let store = &self.state.store;
        let proforma = store
            .issue_top_up(account, money, &key, self.clock.now())
            .unwrap();
        self.admin_ok(&["record-payment", "--proforma", &proforma.number])
            .await;
    }

    async fn pay_from_balance(&self, proforma: u64) -> reqwest::Response {
        let page = self.get(&format!("/faktury/{proforma}/zaplac")).await;
        let page = page.text().await.unwrap();
        let key = hidden(&page, "klucz");
        let token = self.csrf().await;
        let path = format!("/faktury/{proforma}/zaplac-z-salda");
        self.post_form(&path, &[("csrf_token", &token), ("klucz", &key)])
            .await
    }
}

/// The gross price of a plan's period, as a proforma line computes it.
fn gross(plan: &Plan, months: u32) -> Money {
    Line {
        description: String::new(),
        service_id: None,
        quantity: 1,
        unit_net: plan.price_for(months).unwrap(),
        vat_percent: plan.vat_percent,
        period_months: months,
    }
    .gross()
}

fn order_proformas(app: &TestApp) -> Vec<Document> {
    app.proformas_of(ABONENT)
        .into_iter()
        .filter(|d| d.lines.iter().any(|l| l.description.contains("nowa-firma")))
        .collect()
}

#[tokio::test]
async fn a_domain_and_hosting_ordered_and_paid_from_the_balance_are_live_once() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let (domain, hosting) = (app.plan("Domena .pl"), app.plan("Hosting Pro"));
    let added = app.add_to_cart("Domena .pl", "nowa-firma.pl", 12).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&added), "/sklep#koszyk");
    let added = app.add_to_cart("Hosting Pro", "nowa-firma.pl", 24).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let total = gross(&domain, 12) + gross(&hosting, 24);
    let shop = app.get("/sklep").await.text().await.unwrap();
    assert!(shop.contains("Dodano do koszyka"), "the flash says so");
    assert!(
        shop.contains(&total.to_string()),
        "the cart's total {total}"
    );
    let services_before = app.services_of(ABONENT).len();

    let (ordered, key) = app.order().await;
    assert_eq!(ordered.status(), StatusCode::SEE_OTHER);
    let [proforma] = order_proformas(&app).try_into().unwrap();
    assert_eq!(
        location(&ordered),
        format!("/faktury/{}/zaplac", proforma.id)
    );
    assert_eq!(proforma.lines.len(), 2, "one proforma with both lines");
    assert_eq!(proforma.total_gross(), total);
    assert!(proforma.is_unpaid());
    app.next_mail(
        ABONENT,
        &format!("Zamówienie przyjęte: proforma {}", proforma.number),
    )
    .await;
    assert_eq!(app.cart_len(ABONENT), 0, "the cart is emptied");
    let replayed = app.order_with_key(&key).await;
    assert_eq!(
        location(&replayed),
        location(&ordered),
        "a replay: the same order"
    );
    assert_eq!(order_proformas(&app).len(), 1);
    let pay_page = app.get(&location(&ordered)).await.text().await.unwrap();
    assert!(
        pay_page.contains("uruchomimy zamówione usługi"),
        "{pay_page}"
    );
    let pulpit = app.pulpit().await;
    assert!(pulpit.contains("Zamówione usługi uruchomimy, gdy tylko zaksięgujemy wpłatę."));
    assert!(
        pulpit.contains(&format!("Proforma {}", proforma.number)),
        "awaiting payment"
    );
    assert_eq!(
        app.services_of(ABONENT).len(),
        services_before,
        "nothing before payment"
    );

    app.top_up(ABONENT, "2000,00").await;
    let paid = app.pay_from_balance(proforma.id).await;
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
    let services = app.services_of(ABONENT);
    assert_eq!(services.len(), services_before + 2);
    let paid_on = today(app.clock.now());
    let new_domain = services
        .iter()
        .find(|s| s.kind == ServiceKind::Domain && s.name == "nowa-firma.pl")
        .expect("the domain exists");
    assert_eq!(new_domain.lifecycle, Lifecycle::Live);
    assert_eq!(new_domain.expires_on, add_months(paid_on, 12));
    let new_hosting = services
        .iter()
        .find(|s| s.kind == ServiceKind::Hosting && s.name == "nowa-firma.pl")
        .expect("the hosting exists");
    assert_eq!(new_hosting.lifecycle, Lifecycle::Live);
    assert_eq!(new_hosting.expires_on, add_months(paid_on, 24));
    let pulpit = app.pulpit().await;
    assert!(
        pulpit.contains("nowa-firma.pl</a>"),
        "the hosting on the Pulpit"
    );
    assert!(!pulpit.contains(&format!("Proforma {}", proforma.number)));
    let domeny = app.get("/domeny").await.text().await.unwrap();
    assert!(domeny.contains("nowa-firma.pl"));
    for service in [new_domain, new_hosting] {
        let page = app.get(&format!("/uslugi/{}", service.id)).await;
        assert_eq!(page.status(), StatusCode::OK, "{}", service.name);
    }

    // The operator reports the same payment once more: nothing more is created.
    app.admin(&["record-payment", "--proforma", &proforma.number])
        .await;
    let replayed = app.order_with_key(&key).await;
    assert_eq!(location(&replayed), location(&ordered));
    assert_eq!(
        app.services_of(ABONENT).len(),
        services_before + 2,
        "created once"
    );
    assert_eq!(order_proformas(&app).len(), 1);
}

#[tokio::test]
async fn paying_an_order_by_transfer_creates_its_services_too() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    app.add_to_cart("Serwer w chmurze S", "", 1).await;
    let before = app.services_of(ABONENT).len();
    let (ordered, _) = app.order().await;
    let id: u64 = location(&ordered)
        .trim_start_matches("/faktury/")
        .trim_end_matches("/zaplac")
        .parse()
        .unwrap();
    let proforma = app
        .state
        .store
        .document_of_account(app.account_id(ABONENT), id);
    let number = proforma.unwrap().unwrap().number;
    app.admin_ok(&[
        "record-payment",
        "--proforma",
        &number,
        "--reference",
        "BANK-1",
    ])
    .await;
    app.admin_ok(&[
        "record-payment",
        "--proforma",
        &number,
        "--reference",
        "BANK-1",
    ])
    .await;
    let services = app.services_of(ABONENT);
    assert_eq!(
        services.len(),
        before + 1,
        "one server, however often reported"
    );
    let cloud = services.iter().max_by_key(|s| s.id).unwrap();
    assert_eq!(
        cloud.name, "Serwer w chmurze S",
        "the plan's name by default"
    );
    assert_eq!(cloud.kind, ServiceKind::Cloud);
}

#[tokio::test]
async fn invalid_or_taken_domain_names_are_refused_next_to_the_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let long_label = format!("{}.pl", "a".repeat(64));
    let cases = [
        ("firma", "z końcówką"),
        ("-firma.pl", "nie może zaczynać się ani kończyć łącznikiem"),
        (long_label.as_str(), "najwyżej 63 znaki"),
        ("fir_ma.pl", "tylko litery, cyfry"),
        ("firma.com", "wymaga nazwy w domenie .pl"),
        ("przykladowa-firma.pl", "jest już zarejestrowana"),
        ("PRZYKLADOWA-firma.pl.", "jest już zarejestrowana"),
    ];
    for (name, error) in cases {
        let refused = app.add_to_cart("Domena .pl", name, 12).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let page = refused.text().await.unwrap();
        assert!(page.contains(error), "{name}: {error}");
        assert!(
            page.contains(&format!("value=\"{name}\"")),
            "{name} is kept"
        );
    }
    assert_eq!(app.cart_len(ABONENT), 0);
}

#[tokio::test]
async fn a_domain_ordered_and_unpaid_cannot_be_ordered_again_by_anyone() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    app.add_to_cart("Domena .pl", "zajeta.pl", 12).await;
    let twice = app.add_to_cart("Domena .pl", "zajeta.pl", 24).await;
    assert_eq!(
        twice.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not twice in a cart"
    );
    app.order().await;
    let inny = log_in_elsewhere(&app, INNY).await;
    let page = inny
        .get(app.url("/sklep"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_of(&page);
    let id = app.plan("Domena .pl").id.to_string();
    let refused = inny
        .post(app.url("/sklep/koszyk"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("plan", &id),
            ("nazwa", "zajeta.pl"),
            ("okres", "12"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("czeka na opłacenie zamówienia")
    );
    assert_eq!(app.cart_len(INNY), 0);
}

#[tokio::test]
async fn an_idn_is_stored_in_punycode_and_shown_in_unicode() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    app.add_to_cart("Domena .pl", "Zażółć.pl", 12).await;
    let email = panel::domain::Email::parse(ABONENT).unwrap();
    let user = app.state.store.user_by_email(&email).unwrap().unwrap();
    let cart = app.state.store.cart_of(user.id).unwrap();
    assert_eq!(cart.items[0].name, "xn--za-6ja4f8n1l.pl");
    let shop = app.get("/sklep").await.text().await.unwrap();
    assert!(
        shop.contains("Domena .pl — zażółć.pl"),
        "the cart shows Unicode"
    );
    assert!(!shop.contains("xn--"));
    let (ordered, _) = app.order().await;
    let id: u64 = location(&ordered)
        .trim_start_matches("/faktury/")
        .trim_end_matches("/zaplac")
        .parse()
        .unwrap();
    let proforma = app
        .get(&format!("/faktury/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        proforma.contains("rejestracja zażółć.pl"),
        "the proforma line in Unicode"
    );
    let pdf = app.get(&format!("/faktury/{id}.pdf")).await;
    assert_eq!(pdf.status(), StatusCode::OK, "its PDF is made too");
}

#[tokio::test]
async fn technical_staff_may_browse_the_shop_but_not_order() {
    let app = spawn_app().await;
    // Not minding the answer: the demo may already have this user.
    app.admin(&[
        "add-user",
        "--account-of",
        ABONENT,
        "--email",
        TECH,
        "--role",
        "technical",
    ])
    .await;
    app.log_in(TECH).await;
    let shop = app.get("/sklep").await;
    assert_eq!(shop.status(), StatusCode::OK);
    let shop = shop.text().await.unwrap();
    assert!(shop.contains("Domena .pl") && shop.contains("Hosting Pro"));
    assert!(!shop.contains("Dodaj do koszyka"));
    let documents = app.documents_of(TECH).len();
    let refused = app.add_to_cart("Domena .pl", "techniczna.pl", 12).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let token = app.csrf().await;
    let key = panel::random::token();
    let refused = app
        .post_form("/sklep/zamow", &[("csrf_token", &token), ("klucz", &key)])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let refused = app
        .post_form("/sklep/koszyk/1/usun", &[("csrf_token", &token)])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.cart_len(TECH), 0);
    assert_eq!(app.documents_of(TECH).len(), documents, "no proforma");
}

#[tokio::test]
async fn another_accounts_cart_is_untouched() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    app.add_to_cart("Hosting Pro", "moj-serwer", 12).await;
    let page = app.get("/sklep").await.text().await.unwrap();
    let item: String = page
        .split("/sklep/koszyk/")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let inny = log_in_elsewhere(&app, INNY).await;
    let page = inny
        .get(app.url("/sklep"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("moj-serwer"),
        "not in another account's cart"
    );
    let token = csrf_of(&page);
    for path in [
        format!("/sklep/koszyk/{item}/usun"),
        format!("/sklep/koszyk/{item}/okres"),
    ] {
        let response = inny
            .post(app.url(&path))
            .form(&[("csrf_token", token.as_str()), ("okres", "24")])
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
    let key = panel::random::token();
    let ordered = inny
        .post(app.url("/sklep/zamow"))
        .form(&[("csrf_token", token.as_str()), ("klucz", &key)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(&ordered),
        "/sklep#koszyk",
        "inny's own cart is empty"
    );
    assert_eq!(app.cart_len(ABONENT), 1);
    let email = panel::domain::Email::parse(ABONENT).unwrap();
    let user = app.state.store.user_by_email(&email).unwrap().unwrap();
    assert_eq!(
        app.state.store.cart_of(user.id).unwrap().items[0].months,
        12
    );
}

#[tokio::test]
async fn a_hidden_plan_is_not_offered_and_its_services_stay() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let com = app.plan("Domena .com");
    let held = app
        .services_of(ABONENT)
        .iter()
        .filter(|s| s.plan_id == com.id)
        .count();
    assert!(held > 0);
    app.add_to_cart("Domena .com", "w-koszyku.com", 12).await;
    app.get("/sklep").await; // reads the flash naming it
    app.admin_ok(&["plan-hide", &com.id.to_string()]).await;
    let shop = app.get("/sklep").await.text().await.unwrap();
    assert!(!shop.contains("Domena .com"), "withdrawn from sale");
    assert!(shop.contains("Domena .pl"));
    assert!(
        shop.contains("już niedostępne, usuń z koszyka"),
        "the cart says so"
    );
    let refused = app.add_to_cart("Domena .com", "nowa.com", 12).await;
    assert_eq!(location(&refused), "/sklep");
    assert_eq!(app.cart_len(ABONENT), 1, "not added");
    let proformas = app.proformas_of(ABONENT).len();
    let (refused, _) = app.order().await;
    assert_eq!(location(&refused), "/sklep#koszyk");
    assert_eq!(
        app.proformas_of(ABONENT).len(),
        proformas,
        "no order of a withdrawn plan"
    );
    let kept = app
        .services_of(ABONENT)
        .iter()
        .filter(|s| s.plan_id == com.id)
        .count();
    assert_eq!(kept, held, "services on it are untouched");
    app.admin_ok(&["plan-show", &com.id.to_string()]).await;
    let shop = app.get("/sklep").await.text().await.unwrap();
    assert!(shop.contains("Domena .com"));
}

#[tokio::test]
async fn an_explicit_price_of_a_longer_period_is_what_the_shop_charges() {
    let app = spawn_app().await;
    app.admin_ok(&[
        "add-plan",
        "--kind",
        "domain",
        "--name",
        "Domena .eu",
        "--price",
        "40,00",
        "--price",
        "24=60,00",
    ])
    .await;
    app.log_in(ABONENT).await;
    let shop = app.get("/sklep").await.text().await.unwrap();
    assert!(
        shop.contains("24 miesiące — 73,80 zł brutto"),
        "60,00 + 23 %"
    );
    assert!(shop.contains("12 miesięcy — 49,20 zł brutto"));
}

#[tokio::test]
async fn with_htmx_adding_swaps_the_product_and_the_cart_and_errors_stay_in_the_form() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.plan("Domena .pl").id.to_string();
    let token = app.csrf().await;
    let send = |name: &'static str| {
        app.client
            .post(app.url("/sklep/koszyk"))
            .header("HX-Request", "true")
            .form(&[
                ("csrf_token", token.clone()),
                ("plan", id.clone()),
                ("nazwa", name.into()),
                ("okres", "12".into()),
            ])
            .send()
    };
    let added = send("htmx-firma.pl").await.unwrap();
    assert_eq!(added.status(), StatusCode::OK);
    let fragment = added.text().await.unwrap();
    assert!(!fragment.contains("<html"), "a fragment");
    assert!(fragment.contains("Dodano do koszyka"));
    assert!(
        fragment.contains("id=\"koszyk\" hx-swap-oob=\"true\""),
        "the cart follows"
    );
    assert!(fragment.contains("1 w koszyku"));
    let refused = send("-zla.pl").await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fragment = refused.text().await.unwrap();
    assert!(fragment.contains("łącznikiem") && fragment.contains("value=\"-zla.pl\""));
    assert!(!fragment.contains("id=\"koszyk\""), "the cart is unchanged");
}

#[tokio::test]
async fn the_sections_lead_to_their_part_of_the_shop() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let domeny = app.get("/domeny").await.text().await.unwrap();
    assert!(domeny.contains("href=\"/sklep#domeny\""));
    let hosting = app.get("/hosting").await.text().await.unwrap();
    assert!(hosting.contains("href=\"/sklep#hosting\""));
    let shop = app.get("/sklep").await.text().await.unwrap();
    assert!(shop.contains("id=\"domeny\"") && shop.contains("id=\"hosting\""));
    assert!(!shop.contains("w przygotowaniu") && !shop.contains("skontaktuj się z nami"));
}

#[tokio::test]
async fn a_mail_plan_is_offered_under_skrzynki_and_once_paid_is_listed_there() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let shop = app.get("/sklep").await.text().await.unwrap();
    let section = &shop[shop.find("id=\"skrzynki\"").expect("a mail section")..];
    assert!(section.contains("Poczta Biznes (10 skrzynek)"));
    let skrzynki = app.get("/skrzynki").await.text().await.unwrap();
    assert!(
        skrzynki.contains("/sklep#skrzynki"),
        "the section leads to it"
    );
    assert!(!skrzynki.contains("Pakiety poczty"), "none owned yet");

    let added = app
        .add_to_cart("Poczta Biznes (10 skrzynek)", "przykladowa-firma.pl", 12)
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let (ordered, _) = app.order().await;
    let proforma: u64 = location(&ordered)
        .trim_start_matches("/faktury/")
        .trim_end_matches("/zaplac")
        .parse()
        .unwrap();
    app.top_up(ABONENT, "200,00").await;
    assert_eq!(
        app.pay_from_balance(proforma).await.status(),
        StatusCode::SEE_OTHER
    );
    let mail = app
        .services_of(ABONENT)
        .into_iter()
        .find(|s| s.kind == ServiceKind::Email)
        .expect("the mail plan exists once paid");
    assert_eq!(mail.name, "przykladowa-firma.pl");
    assert_eq!(mail.lifecycle, Lifecycle::Live);
    let skrzynki = app.get("/skrzynki").await.text().await.unwrap();
    assert!(skrzynki.contains("Pakiety poczty"));
    assert!(skrzynki.contains(&format!("/uslugi/{}", mail.id)));
}

#[tokio::test]
async fn the_demos_overdue_order_once_paid_creates_its_domain() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let order = app
        .proformas_of(ABONENT)
        .into_iter()
        .find(|d| d.is_unpaid() && d.renews_service.is_none())
        .expect("the demo's overdue order");
    assert!(
        app.state
            .store
            .order_of_proforma(order.id)
            .unwrap()
            .is_some()
    );
    let held = |app: &TestApp| {
        app.services_of(ABONENT)
            .into_iter()
            .any(|s| s.name == "sklep-przykladowy.com")
    };
    assert!(!held(&app));
    app.top_up(ABONENT, "100,00").await;
    let paid = app.pay_from_balance(order.id).await;
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
    assert!(held(&app), "paying the order created the domain");
}

#[tokio::test]
async fn only_a_held_domain_blocks_its_name_not_a_hosting_or_certificate_named_after_it() {
    let app = spawn_app().await;
    let hosting = app.plan("Hosting Pro").id.to_string();
    app.admin_ok(&[
        "add-service",
        "--account-of",
        ABONENT,
        "--plan",
        &hosting,
        "--name",
        "wolna-domena.pl",
        "--expires",
        "2027-12-31",
    ])
    .await;
    app.log_in(ABONENT).await;
    let free = app.add_to_cart("Domena .pl", "wolna-domena.pl", 12).await;
    assert_eq!(
        free.status(),
        StatusCode::SEE_OTHER,
        "a hosting's name is no domain"
    );
    let held = app
        .add_to_cart("Domena .pl", "sklep-przykladowy.pl", 12)
        .await;
    assert_eq!(held.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.cart_len(ABONENT), 1);
}

#[tokio::test]
async fn a_certificate_is_ordered_for_an_own_domain_in_its_section_not_under_any_name() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let shop = app.get("/sklep").await.text().await.unwrap();
    assert!(
        shop.contains("href=\"/ssl#zamow-certyfikat\""),
        "the SSL product leads to the form of own domains"
    );
    let refused = app
        .add_to_cart("Certyfikat SSL DV", "cudza-domena.pl", 12)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("zamówisz dla jednej ze swoich domen"),
        "{page}"
    );
    assert_eq!(app.cart_len(ABONENT), 0, "nothing in the cart");
}

#[tokio::test]
async fn removing_from_the_cart_goes_back_to_it_without_js_and_swaps_it_with_htmx() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    app.add_to_cart("Domena .pl", "pierwsza-nowa.pl", 12).await;
    app.add_to_cart("Domena .pl", "druga-nowa.pl", 12).await;
    let email = panel::domain::Email::parse(ABONENT).unwrap();
    let user = app.state.store.user_by_email(&email).unwrap().unwrap();
    let items = app.state.store.cart_of(user.id).unwrap().items;
    let token = app.csrf().await;
    let plain = app
        .post_form(
            &format!("/sklep/koszyk/{}/usun", items[0].id),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(plain.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&plain), "/sklep#koszyk");
    let htmx = app
        .client
        .post(app.url(&format!("/sklep/koszyk/{}/usun", items[1].id)))
        .header("HX-Request", "true")
        .header("X-CSRF-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(htmx.status(), StatusCode::OK);
    let fragment = htmx.text().await.unwrap();
    assert!(fragment.contains("Usunięto z koszyka."), "{fragment}");
    assert!(!fragment.contains("<html"), "only the cart is swapped");
    assert_eq!(app.cart_len(ABONENT), 0);
}
