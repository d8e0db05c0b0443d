//! Integration tests: the real server on 127.0.0.1:0 with a temporary data directory, a
//! cookie-keeping HTTP client, a real SMTP server, and headless Chromium for what only a browser shows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod auto_renew;
mod bezpieczenstwo;
mod bezpieczenstwo_konto;
mod bezpieczenstwo_kroki;
mod bezpieczenstwo_sesje;
mod browser;
mod browser_bezp;
mod browser_cloud;
mod browser_dane;
mod browser_domeny;
mod browser_hosting;
mod browser_sklep;
mod browser_skrzynki;
mod browser_users;
mod cloud;
mod credit_notes;
mod dane_abonenta;
mod domeny;
mod domeny_dostep;
mod domeny_rekordy;
mod domeny_zadania;
mod hardening_http;
mod hardening_login;
mod hardening_money;
mod hardening_ops;
mod helpers;
mod hosting;
mod login;
mod mail;
mod operator;
mod outbox_ops;
mod payments;
mod pdf;
mod phone;
mod pulpit;
mod reminders;
mod security;
mod sessions;
mod sklep;
mod skrzynki;
mod smtp;
mod tasks;
mod users;
