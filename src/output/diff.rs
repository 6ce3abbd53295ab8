//! The unified diff from a page to its articles, built from what the
//! cleaner already knows — which page line each article line came from —
//! rather than by a diff algorithm over both texts: linear time and no
//! second copy of the page, which matters on pages of tens of MB.
//!
//! The diff is a list of runs of lines that stayed the same; the changes
//! lie between them, and a hunk gathers the changes that are at most
//! `2 * CONTEXT` unchanged lines apart, as `diff -u` (and the `similar`
//! crate's grouping, which this reproduces byte for byte) does.

use std::io::{self, Write};
use std::ops::Range;

use super::push_decimal;
use crate::clean::Cleaned;

/// Lines of context around each change, as `diff -u`.
const CONTEXT: usize = 3;

/// How much of a diff is gathered before it is written: a page's diff
/// is not held whole (a page can be tens of MB).
const OUT_BLOCK: usize = 64 << 10;

/// [`unified_diff`](super::unified_diff) written straight to `w`, without
/// holding the whole diff in memory (a page can be tens of MB): from `page`
/// (line ends normalised to `\n`) to its articles joined by a blank line;
/// nothing when they are the same. `cleaned` must be `page`'s.
pub fn write_unified_diff(
    w: &mut dyn Write,
    old_name: &str,
    new_name: &str,
    page: &str,
    cleaned: &Cleaned,
) -> io::Result<()> {
    let old = RawLines {
        page,
        lines: &cleaned.lines,
    };
    let (new, pairs) = article_lines(&old, cleaned);
    let runs = equal_runs(&old, &new, &pairs);
    let mut out = Out {
        w,
        // About the page's size (each line with its tag, the articles'
        // lines, the headers), up to a block.
        buf: crate::reuse::take(
            &DIFF_BLOCK,
            (page.len() + page.len() / 4 + 256).min(OUT_BLOCK + 4096),
        ),
    };
    // Change `c` lies between `runs[c]` and `runs[c + 1]`.
    let changes = runs.len() - 1;
    let mut first = 0;
    while first < changes {
        // A hunk: the changes from `first` to `last`, the runs between
        // them short enough to show whole.
        let mut last = first;
        while last + 1 < changes && runs[last + 1].len <= 2 * CONTEXT {
            last += 1;
        }
        let lead = runs[first].len.min(CONTEXT);
        let trail = runs[last + 1].len.min(CONTEXT);
        let (old_start, new_start) = (runs[first].old_end() - lead, runs[first].new_end() - lead);
        let (old_end, new_end) = (runs[last + 1].old + trail, runs[last + 1].new + trail);
        if first == 0 {
            out.text(format_args!("--- {old_name}\n+++ {new_name}\n"))?;
        }
        out.hunk_header(old_start..old_end, new_start..new_end);
        // The hunk's page lines follow one another: context and removed.
        let mut at = old.cursor(old_start);
        at.emit(&old, b' ', lead, &mut out)?;
        for c in first..=last {
            let (before, after) = (runs[c], runs[c + 1]);
            at.emit(&old, b'-', after.old - before.old_end(), &mut out)?;
            for line in &new[before.new_end()..after.new] {
                out.line(b'+', line.as_bytes())?;
            }
            let same = if c < last { after.len } else { trail };
            at.emit(&old, b' ', same, &mut out)?;
        }
        first = last + 1;
    }
    out.finish()
}

/// The page's lines as they were, line breaks left out, found from
/// their trimmed ranges (which `clean` already split): a line's end is
/// the first line break at or after its trimmed end, with only white
/// space between. Splitting the page again cost a fifth of the diff.
struct RawLines<'a> {
    page: &'a str,
    lines: &'a [Range<usize>],
}

impl RawLines<'_> {
    fn len(&self) -> usize {
        self.lines.len()
    }

    /// Where line `i` ends: its line break, or the page's end.
    fn end(&self, i: usize) -> usize {
        let b = self.page.as_bytes();
        let from = self.lines[i].end;
        match b.get(from) {
            None | Some(b'\n' | b'\r') => from,
            Some(_) => memchr::memchr2(b'\n', b'\r', &b[from..]).map_or(b.len(), |k| from + k),
        }
    }

    /// Where the line after the one ending at `end` starts.
    fn after_break(&self, end: usize) -> usize {
        let b = self.page.as_bytes();
        end + if b[end..].starts_with(b"\r\n") { 2 } else { 1 }
    }

    fn start(&self, i: usize) -> usize {
        match i {
            0 => 0,
            _ => self.after_break(self.end(i - 1)),
        }
    }

    fn get(&self, i: usize) -> &str {
        &self.page[self.start(i)..self.end(i)]
    }

    /// Whether line `i` is empty (not only white space).
    fn is_empty(&self, i: usize) -> bool {
        self.lines[i].is_empty() && self.start(i) == self.end(i)
    }

    /// A cursor at the start of line `i`.
    fn cursor(&self, i: usize) -> Cursor {
        Cursor {
            line: i,
            at: if i < self.len() { self.start(i) } else { 0 },
        }
    }
}

/// Lines of the page read in order, each from where the last one ended.
struct Cursor {
    line: usize,
    /// Where `line` starts.
    at: usize,
}

impl Cursor {
    /// Writes the next `n` lines, each after `tag`.
    fn emit(&mut self, old: &RawLines<'_>, tag: u8, n: usize, out: &mut Out<'_>) -> io::Result<()> {
        for _ in 0..n {
            let end = old.end(self.line);
            out.line(tag, &old.page.as_bytes()[self.at..end])?;
            self.line += 1;
            if self.line < old.len() {
                self.at = old.after_break(end);
            }
        }
        Ok(())
    }
}

/// The diff's bytes, gathered and written in blocks: formatting each
/// line, or writing it through `w` in three calls, cost more than
/// building the diff.
struct Out<'w> {
    w: &'w mut dyn Write,
    buf: Vec<u8>,
}

impl Out<'_> {
    fn line(&mut self, tag: u8, text: &[u8]) -> io::Result<()> {
        self.buf.reserve(text.len() + 2);
        self.buf.push(tag);
        self.buf.extend_from_slice(text);
        self.buf.push(b'\n');
        if self.buf.len() >= OUT_BLOCK {
            self.w.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn text(&mut self, args: std::fmt::Arguments<'_>) -> io::Result<()> {
        self.buf.write_fmt(args)
    }

    /// `@@ -OLD +NEW @@`, each range as `diff -u` writes it.
    fn hunk_header(&mut self, old: Range<usize>, new: Range<usize>) {
        self.buf.extend_from_slice(b"@@ -");
        self.range(old);
        self.buf.extend_from_slice(b" +");
        self.range(new);
        self.buf.extend_from_slice(b" @@\n");
    }

    /// A range as `START,LEN` (1-based), `START` alone for one line, and
    /// for none the line before it: `START-1,0`.
    fn range(&mut self, r: Range<usize>) {
        let len = r.end - r.start;
        if len == 1 {
            push_decimal(&mut self.buf, r.start as u64 + 1);
            return;
        }
        push_decimal(&mut self.buf, (r.start + usize::from(len > 0)) as u64);
        self.buf.push(b',');
        push_decimal(&mut self.buf, len as u64);
    }

    fn finish(self) -> io::Result<()> {
        let written = self.w.write_all(&self.buf);
        crate::reuse::give(&DIFF_BLOCK, self.buf);
        written
    }
}

crate::reuse::shelf!(DIFF_BLOCK: u8);

/// Equality of two lines, at once when both are the same slice of the
/// page (an article line borrowed unchanged).
fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len() && (std::ptr::eq(a.as_ptr(), b.as_ptr()) || a == b)
}

/// The articles' lines as husk writes them (title, then a blank line
/// before each paragraph; a blank line between articles), and the pairs
/// (page line, article line) known to be the same line unchanged.
fn article_lines<'a>(
    old: &RawLines<'_>,
    cleaned: &'a Cleaned,
) -> (Vec<&'a str>, Vec<(usize, usize)>) {
    let size: usize = (cleaned.articles.iter())
        .map(|a| 2 * a.paragraphs.len() + 2)
        .sum();
    let (mut new, mut pairs) = (Vec::with_capacity(size), Vec::with_capacity(size / 2));
    let pair = |o: usize, n: usize, text: &str, pairs: &mut Vec<(usize, usize)>| {
        if o < old.len() && same_text(old.get(o), text) {
            pairs.push((o, n));
        }
    };
    let mut sources = Vec::new();
    for (k, a) in cleaned.articles.iter().enumerate() {
        if k > 0 {
            new.push("");
        }
        pair(a.title_line, new.len(), &a.title, &mut pairs);
        new.push(&*a.title);
        // The paragraphs are the segment's other kept lines, in order.
        sources.clear();
        sources.extend(
            (a.lines.clone())
                .filter(|&i| i != a.title_line && cleaned.records[i].verdict.is_kept()),
        );
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

/// Lines `old..old + len` of the page are lines `new..new + len` of the
/// articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    old: usize,
    new: usize,
    len: usize,
}

impl Run {
    fn old_end(&self) -> usize {
        self.old + self.len
    }

    fn new_end(&self) -> usize {
        self.new + self.len
    }
}

/// The runs of unchanged lines, from the known pairs and the blank lines
/// between them matched up too (the blank lines between paragraphs are
/// mostly the page's own). The first run starts at the first lines of
/// both sides and the last ends at their ends (either may be empty);
/// between two runs, lines were removed, added or both.
fn equal_runs(old: &RawLines<'_>, new: &[&str], pairs: &[(usize, usize)]) -> Vec<Run> {
    let mut runs = Vec::with_capacity(pairs.len() + 2);
    runs.push(Run {
        old: 0,
        new: 0,
        len: 0,
    });
    let same = |o: usize, n: usize, runs: &mut Vec<Run>| {
        let last = runs.last_mut().expect("never empty");
        if (last.old_end(), last.new_end()) == (o, n) {
            last.len += 1;
        } else {
            runs.push(Run {
                old: o,
                new: n,
                len: 1,
            });
        }
    };
    let (mut o, mut n) = (0, 0);
    for &(po, pn) in pairs.iter().chain([(old.len(), new.len())].iter()) {
        // Within the gap, pair the article's blank lines with the page's,
        // in order (its other lines there are rewritten: no pair). Linear:
        // the search never goes back.
        let mut oc = o;
        for nj in (n..pn).filter(|&j| new[j].is_empty()) {
            match (oc..po).find(|&k| old.is_empty(k)) {
                Some(k) => {
                    same(k, nj, &mut runs);
                    oc = k + 1;
                }
                None => break,
            }
        }
        if po < old.len() {
            same(po, pn, &mut runs);
        }
        (o, n) = (po + 1, pn + 1);
    }
    let last = runs[runs.len() - 1];
    if (last.old_end(), last.new_end()) != (old.len(), new.len()) {
        runs.push(Run {
            old: old.len(),
            new: new.len(),
            len: 0,
        });
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::lines::split_raw;
    use crate::clean::{Article, LineRecord, Verdict, clean};
    use crate::output::join_articles;
    use crate::rules::RuleSet;
    use proptest::prelude::*;
    use std::borrow::Cow;

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

    fn diff(page: &str, cleaned: &Cleaned) -> String {
        let mut d = Vec::new();
        write_unified_diff(&mut d, "a", "b", page, cleaned).unwrap();
        String::from_utf8(d).unwrap()
    }

    fn sample_pages() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/raw");
        let mut pages: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        pages.push("  Title | Site \r\nAdvertisement\r\rBody text of the story, long enough to keep.\n\n\n".into());
        pages.push("x".into());
        pages.push(String::new());
        pages
    }

    #[test]
    fn the_diff_turns_each_sample_page_into_its_articles() {
        let rules = RuleSet::default_pack();
        for page in sample_pages() {
            let cleaned = clean(&page, &rules);
            let d = diff(&page, &cleaned);
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
            assert_eq!(d, reference::diff(&page, &cleaned), "{page}");
        }
    }

    /// A page of short lines, some blank or only white space, with every
    /// kind of line break.
    fn page() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            Just(""),
            Just(" "),
            Just("a"),
            Just("b"),
            Just(" a "),
            Just("\u{a0}b"),
            Just("a b\t"),
        ];
        let brk = prop_oneof![Just("\n"), Just("\r\n"), Just("\r")];
        (prop::collection::vec((line, brk), 0..40), any::<bool>()).prop_map(|(lines, end)| {
            let mut page: String = lines.iter().map(|(l, b)| format!("{l}{b}")).collect();
            if end {
                page.push('a');
            }
            page
        })
    }

    /// What a cleaner might make of `page`: segments cut where `cuts` say,
    /// each line kept, blank or dropped, titles anywhere in their segment
    /// (even below paragraphs), some lines rewritten, some articles whose
    /// paragraphs do not follow their kept lines.
    fn cleaned_from<'a>(page: &'a str, picks: &[u8]) -> Cleaned<'a> {
        let lines = crate::clean::lines::split(page);
        let pick = |i: usize| picks.get(i % picks.len().max(1)).copied().unwrap_or(0);
        let records: Vec<LineRecord> = (0..lines.len())
            .map(|i| LineRecord {
                verdict: match pick(i) % 4 {
                    _ if lines[i].is_empty() => Verdict::Blank,
                    0 => Verdict::Dropped { rule: 0 },
                    _ => Verdict::Kept,
                },
                article: None,
                rewrite: None,
                score: None,
            })
            .collect();
        let mut articles = Vec::new();
        let mut start = 0;
        while start < lines.len() {
            let end = (start + 1 + pick(start) as usize % 9).min(lines.len());
            let kept: Vec<usize> = (start..end)
                .filter(|&i| records[i].verdict.is_kept())
                .collect();
            let style = pick(end);
            if let Some(&title_line) = kept.get(style as usize % 3 % kept.len().max(1)) {
                let text = |i: usize| -> Cow<'a, str> {
                    if pick(i + 7) % 5 == 0 {
                        Cow::Owned(format!("{}!", &page[lines[i].clone()]))
                    } else {
                        Cow::Borrowed(&page[lines[i].clone()])
                    }
                };
                let mut paragraphs: Vec<Cow<'a, str>> = kept
                    .iter()
                    .filter(|&&i| i != title_line)
                    .map(|&i| text(i))
                    .collect();
                if style % 7 == 0 {
                    paragraphs.push("extra".into());
                }
                articles.push(Article {
                    title: text(title_line),
                    paragraphs,
                    lines: start..end,
                    title_line,
                    boundary: None,
                    guarded: false,
                });
            }
            start = end;
        }
        Cleaned {
            lines,
            records,
            articles,
        }
    }

    proptest! {
        #[test]
        fn raw_lines_are_the_split_lines(page in page()) {
            let lines = crate::clean::lines::split(&page);
            let old = RawLines { page: &page, lines: &lines };
            let raw = split_raw(&page);
            prop_assert_eq!(old.len(), raw.len());
            for (i, r) in raw.into_iter().enumerate() {
                prop_assert_eq!(old.get(i), &page[r.clone()]);
                prop_assert_eq!(old.is_empty(i), r.is_empty());
            }
        }

        #[test]
        fn the_diff_is_the_reference_one(page in page(), picks in prop::collection::vec(any::<u8>(), 1..64)) {
            let cleaned = cleaned_from(&page, &picks);
            let d = diff(&page, &cleaned);
            prop_assert_eq!(&d, &reference::diff(&page, &cleaned));
            let normalised: String = split_raw(&page)
                .into_iter()
                .map(|r| format!("{}\n", &page[r]))
                .collect();
            prop_assert_eq!(apply(&normalised, &d), join_articles(&cleaned.articles, ""));
        }
    }

    /// The diff as husk wrote it before runs: diff operations grouped into
    /// hunks by the `similar` crate, over the page split again.
    mod reference {
        use super::*;
        use similar::{DiffOp, group_diff_ops, udiff::UnifiedHunkHeader};

        pub fn diff(page: &str, cleaned: &Cleaned) -> String {
            let old: Vec<&str> = split_raw(page).into_iter().map(|r| &page[r]).collect();
            let (new, pairs) = article_lines(&old, cleaned);
            let ops = ops(&old, &new, &pairs);
            let mut out = String::new();
            let mut header = Some(());
            for hunk in group_diff_ops(ops, CONTEXT) {
                if header.take().is_some() {
                    out.push_str("--- a\n+++ b\n");
                }
                out.push_str(&format!("{}\n", UnifiedHunkHeader::new(&hunk)));
                for op in &hunk {
                    if !matches!(op, DiffOp::Insert { .. }) {
                        let tag = if matches!(op, DiffOp::Equal { .. }) {
                            ' '
                        } else {
                            '-'
                        };
                        for i in op.old_range() {
                            out.push_str(&format!("{tag}{}\n", old[i]));
                        }
                    }
                    if let DiffOp::Insert { .. } | DiffOp::Replace { .. } = op {
                        for j in op.new_range() {
                            out.push_str(&format!("+{}\n", new[j]));
                        }
                    }
                }
            }
            out
        }

        fn article_lines<'a>(
            old: &[&str],
            cleaned: &'a Cleaned,
        ) -> (Vec<&'a str>, Vec<(usize, usize)>) {
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
    }
}
