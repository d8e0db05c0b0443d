//! The one small set of templates every e-mail is made from: a layout (HTML and plain text from
//! the same blocks), paragraphs of plain and emphasised text, lists, links and a button. Text is
//! escaped in HTML by maud wherever it comes from; the subject loses control characters, so
//! user-controlled text cannot break out of the body or start another header.

use super::{header_safe, wrap};
use crate::store::NewMessage;
use maud::{Markup, PreEscaped, html};

/// A piece of a paragraph.
pub enum Span {
    Text(String),
    Strong(String),
    Code(String),
}

pub fn text(s: impl Into<String>) -> Span {
    Span::Text(s.into())
}

pub fn strong(s: impl Into<String>) -> Span {
    Span::Strong(s.into())
}

pub fn code(s: impl Into<String>) -> Span {
    Span::Code(s.into())
}

/// A message being composed: its plain text and HTML grow block by block.
pub struct Mail {
    subject: String,
    text: Vec<String>,
    html: String,
}

impl Mail {
    /// A message that opens with the greeting.
    pub fn new(subject: impl AsRef<str>) -> Mail {
        Mail {
            subject: header_safe(subject.as_ref()),
            text: Vec::new(),
            html: String::new(),
        }
        .para([text("Dzień dobry,")])
    }

    fn push(mut self, text: String, html: Markup) -> Mail {
        self.text.push(text);
        self.html.push_str(&html.into_string());
        self
    }

    pub fn para(self, spans: impl IntoIterator<Item = Span>) -> Mail {
        let spans: Vec<Span> = spans.into_iter().collect();
        let plain: String = spans
            .iter()
            .map(|s| match s {
                Span::Text(t) | Span::Strong(t) | Span::Code(t) => t.as_str(),
            })
            .collect();
        let html = html! {
            p { @for span in &spans { @match span {
                Span::Text(t) => (t),
                Span::Strong(t) => strong { (t) },
                Span::Code(t) => code { (t) },
            } } }
        };
        self.push(plain, html)
    }

    /// Something to copy or type (a login code): large in HTML, "label: value" in the text.
    pub fn big(self, label: &str, value: &str) -> Mail {
        let html = html! {
            p { (label) ":" }
            p style="font-size: 2em; letter-spacing: 0.2em; font-weight: bold" { (value) }
        };
        self.push(format!("{label}: {value}"), html)
    }

    pub fn list<S: AsRef<str>>(self, items: &[S]) -> Mail {
        let plain = items
            .iter()
            .map(|i| format!("- {}", i.as_ref()))
            .collect::<Vec<_>>()
            .join("\n");
        let html = html! { ul { @for item in items { li { (item.as_ref()) } } } };
        self.push(plain, html)
    }

    /// Links on one line in HTML; in the text each label with its URL alone on the next line
    /// (clickable in plain-text clients and the demo mailbox, however long).
    pub fn links(self, links: &[(&str, &str)]) -> Mail {
        let plain = links
            .iter()
            .map(|(label, url)| format!("{label}:\n{url}"))
            .collect::<Vec<_>>()
            .join("\n");
        let html = html! {
            p { @for (i, (label, url)) in links.iter().enumerate() {
                @if i > 0 { " · " }
                a href=(url) { (label) }
            } }
        };
        self.push(plain, html)
    }

    /// The one action the message is about (Odnów, Zapłać).
    pub fn button(self, label: &str, url: &str) -> Mail {
        let html = html! {
            p { a href=(url) style="display: inline-block; padding: 0.6em 1.2em; background: #1d4ed8; color: #ffffff; text-decoration: none; border-radius: 4px; font-weight: bold" { (label) } }
        };
        self.push(format!("{label}:\n{url}"), html)
    }

    /// The finished message to `to`; `secret` as in `NewMessage::secret`.
    pub fn to(self, to: impl ToString, secret: bool) -> NewMessage {
        let mut text = self.text.join("\n\n");
        text.push_str("\n\n-- \nWiadomość wysłana automatycznie przez Panel klienta.\n");
        NewMessage {
            to: to.to_string(),
            html: wrap(&self.subject, PreEscaped(self.html)),
            subject: self.subject,
            text,
            secret,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_escaped_in_html_and_kept_as_is_in_plain_text() {
        let name = "<script>alert(1)</script> & \"Firma\"";
        let message = Mail::new(format!("Usługa {name}"))
            .para([text("Usługa "), strong(name), text(" wygasa.")])
            .list(&[name])
            .links(&[(name, "https://panel.example.net/uslugi/1?a=\"x\"")])
            .to("a@example.com", false);
        assert!(!message.html.contains("<script>"), "{}", message.html);
        assert!(
            message
                .html
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Firma&quot;")
        );
        assert!(
            message
                .html
                .contains("href=\"https://panel.example.net/uslugi/1?a=&quot;x&quot;\"")
        );
        assert!(
            message
                .text
                .contains("Usługa <script>alert(1)</script> & \"Firma\" wygasa.")
        );
        assert!(message.text.starts_with("Dzień dobry,\n\n"));
    }

    #[test]
    fn a_subject_with_line_breaks_stays_one_header_line() {
        let message = Mail::new("Usługa x\r\nBcc: ukryty@example.com").to("a@example.com", false);
        assert_eq!(message.subject, "Usługa x  Bcc: ukryty@example.com");
    }
}
