//! Article boundaries: where a multi-article page starts a new article, and
//! which line is that article's title.

use std::ops::Range;

use crate::clean::lines::MatchTable;
use crate::rules::{Boundary, BoundaryLine, Kind, Pat, RuleSet};

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
    // With every boundary keyed, a match can start only `key` non-blank
    // lines before a line its key pattern hits (key patterns are in the
    // every-line pass, so the table knows which lines matched any): most
    // pages have no such line at all.
    let keys: Option<Vec<(usize, &Pat)>> =
        boundaries.iter().map(|(_, b)| b.key_pattern()).collect();
    // The first lines of the headers to try, in order.
    let starts: Vec<usize> = match keys {
        Some(keys) => {
            let mut starts = Vec::new();
            for l in table.matched_lines() {
                for &(key, pattern) in &keys {
                    if table.hit(l, pattern)
                        && let Some(start) = nonblank_back(lines, l, key)
                    {
                        starts.push(start);
                    }
                }
            }
            starts.sort_unstable();
            starts.dedup();
            starts
        }
        None => (0..lines.len()).filter(|&i| !lines[i].is_empty()).collect(),
    };
    let line_hit = |l: usize, pat: &Pat| rules.hit(table, l, &text[lines[l].clone()], pat);
    // A header takes at most one line per pattern line.
    let longest = boundaries.iter().map(|(_, b)| b.lines.len()).max();
    let mut candidates = Vec::new();
    let mut got = Vec::new();
    // The first line not taken by a header found so far.
    let mut free = 0;
    for start in starts {
        if start < free {
            continue;
        }
        candidates.clear();
        candidates.extend(
            (start..lines.len())
                .filter(|&i| !lines[i].is_empty())
                .take(longest.unwrap_or(0)),
        );
        let hit = boundaries.iter().find_map(|&(rule, b)| {
            match_at(text, lines, &line_hit, b, &candidates, &mut got).map(|title| Found {
                rule,
                header: got.iter().flatten().copied().collect(),
                title,
            })
        });
        if let Some(f) = hit {
            free = 1 + *f
                .header
                .last()
                .expect("a boundary covers at least one line");
            found.push(f);
        }
    }
    found
}

/// The non-blank line `back` non-blank lines before non-blank line `l`.
fn nonblank_back(lines: &[Range<usize>], l: usize, back: usize) -> Option<usize> {
    let mut at = l;
    for _ in 0..back {
        at = (0..at).rev().find(|&i| !lines[i].is_empty())?;
    }
    Some(at)
}

/// Matches `b` starting at the first of `candidates` (non-blank line
/// indices, enough for `b`'s lines); on success `got` holds the input line each pattern line
/// matched (None for a skipped optional line) and the title's line is
/// returned.
fn match_at(
    text: &str,
    lines: &[Range<usize>],
    hit: &impl Fn(usize, &Pat) -> bool,
    b: &Boundary,
    candidates: &[usize],
    got: &mut Vec<Option<usize>>,
) -> Option<usize> {
    // The key line first: it sits at a fixed offset, and it alone is in
    // the every-line pass (see `Boundary::key_line`).
    if let Some((key, pattern)) = b.key_pattern()
        && !candidates.get(key).is_some_and(|&l| hit(l, pattern))
    {
        return None;
    }
    got.clear();
    let mut next = 0;
    for pl in &b.lines {
        let line = candidates.get(next).copied();
        let ok = match (pl, line) {
            (_, None) => false,
            (BoundaryLine::Pattern { pattern, .. }, Some(l)) => hit(l, pattern),
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
    got[b.title - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonblank_back_counts_only_non_blank_lines() {
        let lines = crate::clean::lines::split("a\n\nb\nc\n\n\nd");
        let nonblank: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].is_empty()).collect();
        for (j, &l) in nonblank.iter().enumerate() {
            for back in 0..6 {
                let want = j.checked_sub(back).map(|k| nonblank[k]);
                assert_eq!(nonblank_back(&lines, l, back), want, "{l} back {back}");
            }
        }
    }
}
