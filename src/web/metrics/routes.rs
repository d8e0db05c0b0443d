//! Which route template a request path belongs to, for the metrics' `route` label: the label set
//! is the route table (plus "other"), never a raw path with its ids.

use std::collections::HashMap;

/// One template, split at `/`: `None` stands for a `:param` segment.
struct Template {
    segments: Vec<Option<&'static str>>,
    index: usize,
}

impl Template {
    fn matches(&self, path: &str) -> bool {
        let mut parts = path.split('/');
        for segment in &self.segments {
            match (parts.next(), segment) {
                (None, _) => return false,
                (Some(part), Some(fixed)) if part != *fixed => return false,
                (Some(""), None) => return false,
                _ => {}
            }
        }
        parts.next().is_none()
    }
}

/// The route templates by their first segment (every template of the panel starts with a fixed
/// one), so a lookup compares a path with the few templates that share it.
pub struct RouteIndex {
    by_first: HashMap<&'static str, Vec<Template>>,
    other: usize,
}

impl RouteIndex {
    /// `templates[i]` is found as `i`; anything else as `templates.len()` ("other").
    pub fn new(templates: &[&'static str]) -> RouteIndex {
        let mut by_first: HashMap<&'static str, Vec<Template>> = HashMap::new();
        for (index, template) in templates.iter().enumerate() {
            let mut segments = template
                .strip_prefix('/')
                .unwrap_or(template)
                .split('/')
                .map(|s| (!s.starts_with(':')).then_some(s));
            let Some(Some(first)) = segments.next() else {
                continue;
            };
            by_first.entry(first).or_default().push(Template {
                segments: segments.collect(),
                index,
            });
        }
        // Fixed segments win over parameters, as in the router (`/x/nowy` before `/x/:id`).
        for candidates in by_first.values_mut() {
            candidates.sort_by_key(|t| std::cmp::Reverse(t.segments.iter().flatten().count()));
        }
        RouteIndex {
            by_first,
            other: templates.len(),
        }
    }

    pub fn find(&self, path: &str) -> usize {
        let path = path.strip_prefix('/').unwrap_or(path);
        let (first, rest) = match path.split_once('/') {
            Some((first, rest)) => (first, Some(rest)),
            None => (path, None),
        };
        let Some(candidates) = self.by_first.get(first) else {
            return self.other;
        };
        candidates
            .iter()
            .find(|t| match rest {
                None => t.segments.is_empty(),
                Some(rest) => !t.segments.is_empty() && t.matches(rest),
            })
            .map_or(self.other, |t| t.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_finds_its_template_and_an_unknown_one_is_other() {
        let templates = [
            "/",
            "/pulpit",
            "/pulpit/powiadomienia",
            "/uslugi/:id",
            "/uslugi/:id/odnow",
            "/uzytkownicy/:id/rola",
            "/uzytkownicy/zaproszenia/:id/anuluj",
            "/uzytkownicy/zapros",
        ];
        let index = RouteIndex::new(&templates);
        let find = |path| templates.get(index.find(path)).copied().unwrap_or("other");
        assert_eq!(find("/"), "/");
        assert_eq!(find("/pulpit"), "/pulpit");
        assert_eq!(find("/pulpit/powiadomienia"), "/pulpit/powiadomienia");
        assert_eq!(find("/uslugi/17"), "/uslugi/:id");
        assert_eq!(find("/uslugi/17/odnow"), "/uslugi/:id/odnow");
        assert_eq!(find("/uzytkownicy/zapros"), "/uzytkownicy/zapros");
        assert_eq!(find("/uzytkownicy/4/rola"), "/uzytkownicy/:id/rola");
        assert_eq!(
            find("/uzytkownicy/zaproszenia/9/anuluj"),
            "/uzytkownicy/zaproszenia/:id/anuluj"
        );
        for unknown in [
            "/uslugi",
            "/uslugi/",
            "/uslugi/17/",
            "/uslugi/17/odnow/x",
            "/pulpit/",
            "/wp-login.php",
            "/uzytkownicy/4",
        ] {
            assert_eq!(find(unknown), "other", "{unknown:?}");
        }
    }
}
