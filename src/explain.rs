//! `husk explain`: every input line with its verdict and the rule (and the
//! rule's `file:line`) that decided it, with article boundaries marked —
//! as text for people or JSON for tools.

use std::fmt::Write;

use serde_json::{Value, json};

use crate::clean::{Cleaned, Verdict};
use crate::rules::RuleSet;

/// What `explain` shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// ANSI colours (for a terminal).
    pub color: bool,
    /// Only lines this rule decided or rewrote.
    pub rule: Option<&'a str>,
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Blank => "blank",
        Verdict::Kept => "keep",
        Verdict::Title { .. } => "title",
        Verdict::Dropped { .. } => "drop",
        Verdict::Boundary { .. } => "boundary",
    }
}

/// The rule that touched a line: the one that decided it, else a rewrite.
fn rule_of(c: &Cleaned, i: usize) -> Option<usize> {
    let rec = &c.records[i];
    rec.verdict.rule().or(rec.rewrite.as_ref().map(|r| r.rule))
}

fn shown(c: &Cleaned, rules: &RuleSet, i: usize, only: Option<&str>) -> bool {
    match only {
        None => true,
        Some(id) => rule_of(c, i).is_some_and(|r| rules.rules()[r].id == id),
    }
}

/// The plain-text view: one row per input line (number, verdict, rule, the
/// main-region heuristic's score where it scored the line, text), article
/// headers where articles start, and a legend giving each rule's
/// `file:line` and description.
pub fn plain(text: &str, c: &Cleaned, rules: &RuleSet, opts: Options<'_>) -> String {
    let paint = |code: &str, s: &str| {
        if opts.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let rows: Vec<usize> = (0..c.lines.len())
        .filter(|&i| shown(c, rules, i, opts.rule))
        .collect();
    let mut used: Vec<usize> = rows.iter().filter_map(|&i| rule_of(c, i)).collect();
    used.sort_unstable();
    used.dedup();
    let id_width = used
        .iter()
        .map(|&r| rules.rules()[r].id.len())
        .max()
        .unwrap_or(0);
    let width = c.lines.len().to_string().len();
    let mut out = String::new();
    let mut next = rows.iter().peekable();
    for i in 0..c.lines.len() {
        if let Some((n, a)) = c
            .articles
            .iter()
            .enumerate()
            .find(|(_, a)| a.lines.start == i)
        {
            let how = a.boundary.map_or(String::new(), |b| {
                format!("  (boundary {})", rules.rules()[b].id)
            });
            let _ = writeln!(
                out,
                "{}",
                paint("1;36", &format!("── article {}: {}{how}", n + 1, a.title))
            );
        }
        if next.peek() != Some(&&i) {
            continue;
        }
        next.next();
        let rec = &c.records[i];
        let id = rule_of(c, i).map_or("", |r| rules.rules()[r].id.as_str());
        let colour = match rec.verdict {
            Verdict::Dropped { .. } => "31",
            Verdict::Boundary { .. } => "35",
            Verdict::Title { .. } => "1;32",
            Verdict::Kept if rec.rewrite.is_some() => "33",
            Verdict::Blank => "2",
            Verdict::Kept => "0",
        };
        let score = rec.score.map_or(String::new(), |s| format!("{s:+.0}"));
        let head = format!(
            "{:>width$} {:<8} {id:<id_width$} {score:>4}",
            i + 1,
            verdict_name(rec.verdict)
        );
        let line = &text[c.lines[i].clone()];
        if line.is_empty() {
            let _ = writeln!(out, "{}", paint(colour, head.trim_end()));
        } else {
            let _ = writeln!(out, "{} │ {line}", paint(colour, &head));
        }
        if let Some(rw) = &rec.rewrite {
            let pad = " ".repeat(width + 15 + id_width);
            let _ = writeln!(out, "{pad}→ {}", rw.text);
        }
    }
    if !used.is_empty() {
        let _ = writeln!(out, "\nrules:");
        for r in used {
            let r = &rules.rules()[r];
            let desc = r.description.lines().next().unwrap_or("");
            let _ = writeln!(
                out,
                "  {:<id_width$}  {}:{}  {desc}",
                r.id, r.origin.file, r.origin.line
            );
        }
    }
    out
}

/// The JSON view, for tools.
pub fn json(
    path: &str,
    encoding: &str,
    text: &str,
    c: &Cleaned,
    rules: &RuleSet,
    only: Option<&str>,
) -> Value {
    let rule_json = |r: usize| {
        let r = &rules.rules()[r];
        json!({"id": r.id, "kind": r.kind.name(), "origin": format!("{}:{}", r.origin.file, r.origin.line)})
    };
    let lines: Vec<Value> = (0..c.lines.len())
        .filter(|&i| shown(c, rules, i, only))
        .map(|i| {
            let rec = &c.records[i];
            json!({
                "line": i + 1,
                "text": &text[c.lines[i].clone()],
                "verdict": verdict_name(rec.verdict),
                "rule": rec.verdict.rule().map(rule_json),
                "rewrite": rec.rewrite.as_ref().map(|r| json!({"rule": rule_json(r.rule), "text": r.text})),
                "article": rec.article.map(|a| a + 1),
                "score": rec.score,
            })
        })
        .collect();
    let articles: Vec<Value> = c
        .articles
        .iter()
        .enumerate()
        .map(|(n, a)| {
            json!({
                "article": n + 1,
                "title": a.title,
                "title_line": a.title_line + 1,
                "first_line": a.lines.start + 1,
                "last_line": a.lines.end,
                "boundary": a.boundary.map(rule_json),
                "paragraphs": a.paragraphs.len(),
            })
        })
        .collect();
    json!({"file": path, "encoding": encoding, "lines": lines, "articles": articles})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::clean;

    #[test]
    fn plain_names_rules_and_marks_articles() {
        let rules = RuleSet::default_pack();
        let page = "Title one | Site\nAdvertisement\nBody text.";
        let c = clean(page, &rules);
        let out = plain(page, &c, &rules, Options::default());
        assert!(out.contains("── article 1: Title one"), "{out}");
        assert!(
            out.contains("2 drop     ads.label           -16 │ Advertisement"),
            "{out}"
        );
        assert!(
            out.contains("  ads.label           <default>/30-ads-promos.toml:"),
            "{out}"
        );
        assert!(
            out.contains("1 title    titles.site-suffix  -16 │ Title one | Site"),
            "{out}"
        );
        assert!(out.contains("→ Title one"), "{out}");
        let only = plain(
            page,
            &c,
            &rules,
            Options {
                color: false,
                rule: Some("ads.label"),
            },
        );
        assert!(!only.contains("Body text."), "{only}");
    }

    #[test]
    fn json_lists_every_line() {
        let rules = RuleSet::default_pack();
        let page = "T\n\nAdvertisement\nBody.";
        let c = clean(page, &rules);
        let v = json("p.txt", "UTF-8", page, &c, &rules, None);
        assert_eq!(v["lines"].as_array().unwrap().len(), 4);
        assert_eq!(v["lines"][2]["rule"]["id"], "ads.label");
        assert_eq!(v["articles"][0]["title"], "T");
    }
}
