//! Article boundaries: where a multi-article page starts a new article, and
//! which line is that article's title.

use std::ops::Range;

use crate::clean::lines::MatchTable;
use crate::rules::{Boundary, BoundaryLine, Kind, RuleSet};

/// One boundary found on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub rule: usize,
    /// Every line the header covers (non-blank ones), in order.
    pub header: Vec<usize>,
    pub title: usize,
}

/// Finds every boundary, scanning forward; a header's lines are never reused.
pub fn find(
    text: &str,
    lines: &[Range<usize>],
    table: &MatchTable,
    rules: &RuleSet,
    active: Option<&[bool]>,
) -> Vec<Found> {
    let boundaries: Vec<(usize, &Boundary)> = rules
        .rules()
        .iter()
        .enumerate()
        .filter(|(i, _)| active.is_none_or(|a| a[*i]))
        .filter_map(|(i, r)| match &r.kind {
            Kind::Boundary(b) => Some((i, b)),
            _ => None,
        })
        .collect();
    let mut found = Vec::new();
    if boundaries.is_empty() {
        return found;
    }
    let nonblank: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].is_empty()).collect();
    let mut k = 0;
    while k < nonblank.len() {
        let hit = boundaries.iter().find_map(|&(rule, b)| {
            match_at(text, lines, table, b, &nonblank[k..]).map(|(header, title)| Found {
                rule,
                header,
                title,
            })
        });
        match hit {
            Some(f) => {
                let last = *f
                    .header
                    .last()
                    .expect("a boundary covers at least one line");
                k = nonblank.partition_point(|&i| i <= last);
                found.push(f);
            }
            None => k += 1,
        }
    }
    found
}

/// Matches `b` starting at the first of `candidates` (non-blank line indices).
fn match_at(
    text: &str,
    lines: &[Range<usize>],
    table: &MatchTable,
    b: &Boundary,
    candidates: &[usize],
) -> Option<(Vec<usize>, usize)> {
    // Which input line each pattern line matched; None for a skipped optional line.
    let mut got: Vec<Option<usize>> = Vec::with_capacity(b.lines.len());
    let mut next = 0;
    for pl in &b.lines {
        let line = candidates.get(next).copied();
        let ok = match (pl, line) {
            (_, None) => false,
            (BoundaryLine::Pattern { pattern, .. }, Some(l)) => table.hit(l, pattern),
            (BoundaryLine::SameAs(n), Some(l)) => {
                got[n - 1].is_some_and(|m| text[lines[m].clone()] == text[lines[l].clone()])
            }
        };
        if ok {
            got.push(line);
            next += 1;
        } else if matches!(pl, BoundaryLine::Pattern { optional: true, .. }) {
            got.push(None);
        } else {
            return None;
        }
    }
    let title = got[b.title - 1]?;
    Some((got.into_iter().flatten().collect(), title))
}
