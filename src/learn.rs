//! `husk learn`: finds each site's recurring chrome in a crawl and writes
//! it as reviewable pattern rules scoped to that site.
//!
//! Pages are grouped by site (the first folder levels under the crawl).
//! Within a site, each line the loaded rules keep is normalised — digit runs
//! and month and weekday names become placeholders, so "Updated 3 hours
//! ago" and "Updated 5 hours ago" count as one line — and counted once per
//! page. Lines found on a large share of a site's pages become rules; lines
//! that usually follow each other become one rule (a run). A line that
//! reads like prose is proposed only when nearly every page has it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;
use std::fs;
use std::path::{Component, Path};

use rayon::prelude::*;

use crate::batch::{WalkOptions, gather};
use crate::clean::{clean_at, is_prose};
use crate::decode::decode;
use crate::rules::RuleSet;

/// How `learn` groups and selects.
#[derive(Debug, Clone)]
pub struct Options {
    /// Folder levels under the crawl that name a site.
    pub site_depth: usize,
    /// A line must recur on at least this many of a site's pages…
    pub min_pages: usize,
    /// …and on at least this share of them.
    pub min_share: f64,
    /// A prose-like line must recur on at least this share.
    pub prose_share: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            site_depth: 1,
            min_pages: 5,
            min_share: 0.5,
            prose_share: 0.9,
        }
    }
}

/// One proposed rule.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub pattern: String,
    /// Each line of the run: an example, pages with it, and up to three of those pages.
    pub lines: Vec<LineStat>,
    /// A kept prose line of the site that the pattern leaves alone.
    pub keep: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LineStat {
    pub example: String,
    pub pages: usize,
    pub example_pages: Vec<String>,
}

/// What was learned about one site.
#[derive(Debug, Clone)]
pub struct Site {
    pub name: String,
    pub pages: usize,
    pub proposals: Vec<Proposal>,
}

/// A line split into literal text and placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Piece {
    Text(String),
    Digits,
    Month,
    Weekday,
}

const MONTHS: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: &[&str] = &[
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Normalises a line: digit runs, month and weekday names become placeholders.
fn pieces(line: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let push_text = |out: &mut Vec<Piece>, s: &str| match out.last_mut() {
        Some(Piece::Text(t)) => t.push_str(s),
        _ => out.push(Piece::Text(s.to_string())),
    };
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() {
            let n = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            out.push(Piece::Digits);
            rest = &rest[n..];
        } else if c.is_alphabetic() {
            let n = rest
                .find(|c: char| !c.is_alphabetic())
                .unwrap_or(rest.len());
            let word = &rest[..n];
            let lower = word.to_lowercase();
            if MONTHS.contains(&lower.as_str()) {
                out.push(Piece::Month);
            } else if WEEKDAYS.contains(&lower.as_str()) {
                out.push(Piece::Weekday);
            } else {
                push_text(&mut out, word);
            }
            rest = &rest[n..];
        } else {
            push_text(&mut out, &rest[..c.len_utf8()]);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The regular expression matching every line with these pieces.
fn regex_of(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => regex::escape(t),
            Piece::Digits => r"\d+".to_string(),
            Piece::Month => {
                r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*".to_string()
            }
            Piece::Weekday => r"(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*".to_string(),
        })
        .collect()
}

/// One page, as learn sees it: its path and the lines the rules kept.
struct Page {
    path: String,
    site: String,
    kept: Vec<String>,
}

/// The site of a page: its first `depth` folders under the crawl.
fn site_of(rel: &Path, depth: usize) -> Option<String> {
    let folders: Vec<String> = rel
        .parent()?
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    (folders.len() >= depth && depth > 0).then(|| folders[..depth].join("/"))
}

/// Reads the crawl under `dir` and proposes rules per site, sorted by site.
pub fn learn(dir: &Path, rules: &RuleSet, opts: &Options) -> std::io::Result<Vec<Site>> {
    let inputs = gather(&[dir.to_path_buf()], None, &WalkOptions::default())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::NotFound, e.to_string()))?;
    let pages: Vec<Page> = inputs
        .par_iter()
        .filter_map(|input| {
            let rel = input.path.strip_prefix(dir).unwrap_or(&input.path);
            let site = site_of(rel, opts.site_depth)?;
            let bytes = fs::read(&input.path).ok()?;
            let text = decode(&bytes, None).ok()?.text;
            let cleaned = clean_at(&text, rules, Some(&input.path));
            let kept = cleaned
                .lines
                .iter()
                .zip(&cleaned.records)
                .filter(|(_, r)| r.verdict.is_kept())
                .map(|(range, _)| text[range.clone()].to_string())
                .collect();
            Some(Page {
                path: rel.display().to_string(),
                site,
                kept,
            })
        })
        .collect();
    let mut by_site: BTreeMap<&str, Vec<&Page>> = BTreeMap::new();
    for p in &pages {
        by_site.entry(p.site.as_str()).or_default().push(p);
    }
    Ok(by_site
        .into_iter()
        .filter(|(_, pages)| pages.len() >= opts.min_pages)
        .map(|(site, pages)| Site {
            name: site.to_string(),
            pages: pages.len(),
            proposals: propose(&pages, opts),
        })
        .collect())
}

#[derive(Default)]
struct Stat {
    pages: usize,
    examples: Vec<(String, String)>,
    /// How often this key is followed by each other key (next kept line).
    next: HashMap<Vec<Piece>, usize>,
    /// Sum of the line's relative positions, for ordering.
    position: f64,
}

fn propose(pages: &[&Page], opts: &Options) -> Vec<Proposal> {
    let mut stats: HashMap<Vec<Piece>, Stat> = HashMap::new();
    for page in pages {
        let keys: Vec<Vec<Piece>> = page.kept.iter().map(|l| pieces(l)).collect();
        let mut seen = HashSet::new();
        for (i, key) in keys.iter().enumerate() {
            if !seen.insert(key.clone()) {
                continue;
            }
            let s = stats.entry(key.clone()).or_default();
            s.pages += 1;
            s.position += i as f64 / keys.len().max(1) as f64;
            if s.examples.len() < 3 {
                s.examples.push((page.path.clone(), page.kept[i].clone()));
            }
            if let Some(next) = keys.get(i + 1) {
                *s.next.entry(next.clone()).or_default() += 1;
            }
        }
    }
    let total = pages.len() as f64;
    let recurring = |key: &Vec<Piece>, s: &Stat| {
        let share = s.pages as f64 / total;
        let example = &s.examples[0].1;
        let needed = if is_prose(example) {
            opts.prose_share.max(opts.min_share)
        } else {
            opts.min_share
        };
        s.pages >= opts.min_pages && share >= needed && !key.is_empty()
    };
    let mut chosen: Vec<(&Vec<Piece>, &Stat)> =
        stats.iter().filter(|(k, s)| recurring(k, s)).collect();
    chosen.sort_by(|a, b| {
        let pa = a.1.position / a.1.pages as f64;
        let pb = b.1.position / b.1.pages as f64;
        pa.total_cmp(&pb).then_with(|| a.0.cmp(b.0))
    });
    let keys: HashSet<&Vec<Piece>> = chosen.iter().map(|(k, _)| *k).collect();
    // Runs: a line followed by the same chosen line on most of its pages.
    let mut follows: HashMap<&Vec<Piece>, &Vec<Piece>> = HashMap::new();
    for (key, s) in &chosen {
        if let Some((next, n)) = s
            .next
            .iter()
            .filter(|(k, _)| keys.contains(k) && k != key)
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            && *n as f64 >= 0.8 * s.pages as f64
        {
            follows.insert(key, next);
        }
    }
    let followed: HashSet<&Vec<Piece>> = follows.values().copied().collect();
    // Runs start at lines nothing leads to; a second pass takes what is left (cycles).
    let heads = chosen
        .iter()
        .filter(|(k, _)| !followed.contains(k))
        .chain(chosen.iter());
    let mut used: HashSet<&Vec<Piece>> = HashSet::new();
    let mut proposals = Vec::new();
    for (key, _) in heads {
        if !used.insert(key) {
            continue;
        }
        let mut run = vec![*key];
        while let Some(next) = follows.get(run.last().expect("non-empty")) {
            if !used.insert(next) {
                break;
            }
            run.push(next);
        }
        let alternatives: Vec<String> = run.iter().map(|k| regex_of(k)).collect();
        let pattern = if alternatives.len() == 1 {
            format!("^{}$", alternatives[0])
        } else {
            format!("^(?:{})$", alternatives.join("|"))
        };
        let re = regex::Regex::new(&pattern).ok();
        // A prose line of this site's own that does not recur.
        let keep = pages
            .iter()
            .flat_map(|p| p.kept.iter())
            .find(|l| {
                is_prose(l)
                    && stats
                        .get(&pieces(l))
                        .is_some_and(|s| !recurring(&pieces(l), s))
                    && re.as_ref().is_some_and(|re| !re.is_match(l))
            })
            .cloned();
        proposals.push(Proposal {
            pattern,
            lines: run
                .iter()
                .map(|k| {
                    let s = &stats[*k];
                    LineStat {
                        example: s.examples[0].1.clone(),
                        pages: s.pages,
                        example_pages: s.examples.iter().map(|(p, _)| p.clone()).collect(),
                    }
                })
                .collect(),
            keep,
        });
    }
    proposals
}

/// A TOML string literal for any text.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The learned rules as a rule file, each commented with its evidence.
pub fn to_toml(sites: &[Site], source: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Rules learned by `husk learn` from {source}.");
    let _ = writeln!(
        out,
        "# Review them before use: each names its evidence and is scoped to its site."
    );
    for site in sites {
        let slug: String = site
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let _ = writeln!(out, "\n# --- {}: {} pages ---", site.name, site.pages);
        for (n, p) in site.proposals.iter().enumerate() {
            let Some(keep) = &p.keep else {
                let _ = writeln!(
                    out,
                    "\n# skipped (no kept prose line to show as a keep example): {}",
                    p.pattern
                );
                continue;
            };
            let _ = writeln!(out);
            for l in &p.lines {
                let _ = writeln!(
                    out,
                    "# {:?}: {} of {} pages ({:.0}%), e.g. {}",
                    l.example,
                    l.pages,
                    site.pages,
                    100.0 * l.pages as f64 / site.pages as f64,
                    l.example_pages.join(", ")
                );
            }
            let least = p.lines.iter().map(|l| l.pages).min().unwrap_or(0);
            let what = if p.lines.len() > 1 {
                "Recurring run of lines"
            } else {
                "Recurring line"
            };
            let _ = writeln!(out, "[[rule]]");
            let _ = writeln!(
                out,
                "id = {}",
                toml_str(&format!("learned.{slug}.{}", n + 1))
            );
            let _ = writeln!(out, "kind = \"line\"");
            let _ = writeln!(
                out,
                "description = {}",
                toml_str(&format!(
                    "{what} on {}: on {least} of {} pages.",
                    site.name, site.pages
                ))
            );
            let _ = writeln!(
                out,
                "scope = {}",
                toml_str(&format!("**/{}/**", globset::escape(&site.name)))
            );
            let _ = writeln!(out, "pattern = {}", toml_str(&p.pattern));
            let drops: Vec<String> = p.lines.iter().map(|l| toml_str(&l.example)).collect();
            let _ = writeln!(out, "drop = [{}]", drops.join(", "));
            let _ = writeln!(out, "keep = [{}]", toml_str(keep));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_and_dates_group_together() {
        assert_eq!(
            pieces("Updated 3 hours ago"),
            pieces("Updated 15 hours ago")
        );
        assert_eq!(
            pieces("Monday, March 3, 2025"),
            pieces("Friday, June 27, 2024")
        );
        assert_ne!(pieces("Updated 3 hours ago"), pieces("Updated 3 days ago"));
        let re = regex::Regex::new(&format!(
            "^{}$",
            regex_of(&pieces("Posted Mar 3, 2025 (c) site.com"))
        ))
        .unwrap();
        assert!(re.is_match("Posted December 24, 2011 (c) site.com"));
        assert!(!re.is_match("Posted December 24, 2011 (c) siteXcom"));
    }

    #[test]
    fn site_is_the_first_folders() {
        assert_eq!(site_of(Path::new("a/b/c.txt"), 1).as_deref(), Some("a"));
        assert_eq!(site_of(Path::new("a/b/c.txt"), 2).as_deref(), Some("a/b"));
        assert_eq!(site_of(Path::new("c.txt"), 1), None);
    }

    #[test]
    fn output_loads_as_a_rule_file() {
        let site = Site {
            name: "news.example".into(),
            pages: 10,
            proposals: vec![Proposal {
                pattern: r"^It's \d+ o'clock$".into(),
                lines: vec![LineStat {
                    example: "It's 5 o'clock".into(),
                    pages: 9,
                    example_pages: vec!["news.example/a.txt".into()],
                }],
                keep: Some("The council met on Monday to discuss the budget for next year.".into()),
            }],
        };
        let text = to_toml(&[site], "crawl");
        let set = crate::rules::load(&[crate::rules::Source {
            name: "learned.toml".into(),
            text,
            user: true,
        }])
        .unwrap();
        assert_eq!(set.rules()[0].scope.as_deref(), Some("**/news.example/**"));
        assert!(crate::rules::selftest::run(&set).failures.is_empty());
    }
}
