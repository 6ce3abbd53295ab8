//! The unified diff from a page to its articles, built from what the
//! cleaner already knows — which page line each article line came from —
//! rather than by a diff algorithm over both texts: linear time and no
//! second copy of the page, which matters on pages of tens of MB.

use std::io::{self, Write};

use similar::{DiffOp, group_diff_ops, udiff::UnifiedHunkHeader};

use crate::clean::Cleaned;
use crate::clean::lines::split_raw;

/// Lines of context around each change, as `diff -u`.
const CONTEXT: usize = 3;

/// [`unified_diff`](super::unified_diff) written straight to `w`, without
/// holding the whole diff in memory (a page can be tens of MB): from `page`
/// (line ends normalised to `\n`) to its articles joined by a blank line;
/// nothing when they are the same.
pub fn write_unified_diff(
    w: &mut dyn Write,
    old_name: &str,
    new_name: &str,
    page: &str,
    cleaned: &Cleaned,
) -> io::Result<()> {
    let old: Vec<&str> = split_raw(page).into_iter().map(|r| &page[r]).collect();
    let (new, pairs) = article_lines(&old, cleaned);
    let ops = ops(&old, &new, &pairs);
    let mut header = Some((old_name, new_name));
    // Lines are gathered here and written in blocks: formatting each one,
    // or writing it through `w` in three calls, cost more than building
    // the diff.
    let mut out = Vec::with_capacity(OUT_BLOCK + 4096);
    for hunk in group_diff_ops(ops, CONTEXT) {
        if let Some((a, b)) = header.take() {
            writeln!(out, "--- {a}\n+++ {b}")?;
        }
        writeln!(out, "{}", UnifiedHunkHeader::new(&hunk))?;
        let mut line = |tag: u8, text: &str| -> io::Result<()> {
            out.push(tag);
            out.extend_from_slice(text.as_bytes());
            out.push(b'\n');
            if out.len() >= OUT_BLOCK {
                w.write_all(&out)?;
                out.clear();
            }
            Ok(())
        };
        for op in &hunk {
            if !matches!(op, DiffOp::Insert { .. }) {
                let tag = if matches!(op, DiffOp::Equal { .. }) {
                    b' '
                } else {
                    b'-'
                };
                for i in op.old_range() {
                    line(tag, old[i])?;
                }
            }
            if let DiffOp::Insert { .. } | DiffOp::Replace { .. } = op {
                for j in op.new_range() {
                    line(b'+', new[j])?;
                }
            }
        }
    }
    w.write_all(&out)
}

/// How much of a diff is gathered before it is written: a page's diff
/// is not held whole (a page can be tens of MB).
const OUT_BLOCK: usize = 64 << 10;

/// The articles' lines as husk writes them (title, then a blank line
/// before each paragraph; a blank line between articles), and the pairs
/// (page line, article line) known to be the same line unchanged.
fn article_lines<'a>(old: &[&str], cleaned: &'a Cleaned) -> (Vec<&'a str>, Vec<(usize, usize)>) {
    let (mut new, mut pairs) = (Vec::new(), Vec::new());
    let pair = |o: usize, n: usize, text: &str, pairs: &mut Vec<(usize, usize)>| {
        if old.get(o) == Some(&text) {
            pairs.push((o, n));
        }
    };
    for (k, a) in cleaned.articles.iter().enumerate() {
        if k > 0 {
            new.push("");
        }
        pair(a.title_line, new.len(), &a.title, &mut pairs);
        new.push(&*a.title);
        // The paragraphs are the segment's other kept lines, in order.
        let sources: Vec<usize> = a
            .lines
            .clone()
            .filter(|&i| i != a.title_line && cleaned.records[i].verdict.is_kept())
            .collect();
        let known = sources.len() == a.paragraphs.len();
        for (p, text) in a.paragraphs.iter().enumerate() {
            new.push("");
            if known {
                pair(sources[p], new.len(), text, &mut pairs);
            }
            new.push(&**text);
        }
    }
    // A title below some of its paragraphs breaks the order: keep the
    // pairs that increase on both sides.
    let mut last = None;
    pairs.retain(|&(o, _)| {
        let keep = last.is_none_or(|l| o > l);
        if keep {
            last = Some(o);
        }
        keep
    });
    (new, pairs)
}

/// Diff operations from the known pairs, with blank lines between them
/// matched up too (the blank lines between paragraphs are mostly the
/// page's own).
fn ops(old: &[&str], new: &[&str], pairs: &[(usize, usize)]) -> Vec<DiffOp> {
    let mut all = Vec::with_capacity(pairs.len() * 2);
    let (mut o, mut n) = (0, 0);
    for &(po, pn) in pairs.iter().chain([(old.len(), new.len())].iter()) {
        // Within the gap, pair the article's blank lines with the page's,
        // in order (its other lines there are rewritten: no pair). Linear:
        // the search never goes back.
        let mut oc = o;
        for nj in (n..pn).filter(|&j| new[j].is_empty()) {
            match (oc..po).find(|&k| old[k].is_empty()) {
                Some(k) => {
                    all.push((k, nj));
                    oc = k + 1;
                }
                None => break,
            }
        }
        if po < old.len() {
            all.push((po, pn));
        }
        (o, n) = (po + 1, pn + 1);
    }
    let mut out = Vec::new();
    let (mut o, mut n) = (0, 0);
    for &(po, pn) in all.iter().chain([(old.len(), new.len())].iter()) {
        if po > o {
            out.push(DiffOp::Delete {
                old_index: o,
                old_len: po - o,
                new_index: n,
            });
        }
        if pn > n {
            out.push(DiffOp::Insert {
                old_index: po,
                new_index: n,
                new_len: pn - n,
            });
        }
        if po < old.len() {
            match out.last_mut() {
                Some(DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                }) if *old_index + *len == po && *new_index + *len == pn => *len += 1,
                _ => out.push(DiffOp::Equal {
                    old_index: po,
                    new_index: pn,
                    len: 1,
                }),
            }
        }
        (o, n) = (po + 1, pn + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::clean;
    use crate::output::join_articles;
    use crate::rules::RuleSet;

    /// Applies a unified diff to `old`, as `patch` would, checking every
    /// context and removed line against it.
    fn apply(old: &str, diff: &str) -> String {
        let old: Vec<&str> = old.lines().collect();
        let (mut out, mut at) = (Vec::new(), 0);
        for line in diff.lines().skip(2) {
            if let Some(h) = line.strip_prefix("@@ -") {
                let start: usize = h.split([',', ' ']).next().unwrap().parse().unwrap();
                let start = if h.split(' ').next().unwrap().ends_with(",0") {
                    start
                } else {
                    start - 1
                };
                out.extend(&old[at..start]);
                at = start;
            } else if let Some(l) = line.strip_prefix(' ') {
                assert_eq!(old[at], l, "context line {at}");
                out.push(l);
                at += 1;
            } else if let Some(l) = line.strip_prefix('-') {
                assert_eq!(old[at], l, "removed line {at}");
                at += 1;
            } else if let Some(l) = line.strip_prefix('+') {
                out.push(l);
            }
        }
        out.extend(&old[at..]);
        out.iter().map(|l| format!("{l}\n")).collect()
    }

    #[test]
    fn the_diff_turns_each_sample_page_into_its_articles() {
        let rules = RuleSet::default_pack();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/raw");
        let mut pages: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        pages.push("  Title | Site \r\nAdvertisement\r\rBody text of the story, long enough to keep.\n\n\n".into());
        pages.push("x".into());
        for page in pages {
            let cleaned = clean(&page, &rules);
            let mut d = Vec::new();
            write_unified_diff(&mut d, "a", "b", &page, &cleaned).unwrap();
            let d = String::from_utf8(d).unwrap();
            let normalised: String = split_raw(&page)
                .into_iter()
                .map(|r| format!("{}\n", &page[r]))
                .collect();
            let want = join_articles(&cleaned.articles, "");
            if want == normalised {
                assert!(d.is_empty());
            } else {
                assert!(d.starts_with("--- a\n+++ b\n@@ "), "{d}");
            }
            assert_eq!(apply(&normalised, &d), want, "{d}");
        }
    }
}
