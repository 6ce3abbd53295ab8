//! The cleaning engine: one page of text in, a verdict for every line and
//! the articles they make out.
//!
//! Stages, in order:
//! 1. split lines and match every pattern against every line in one
//!    `RegexSet` pass ([`lines`]);
//! 2. find article boundaries ([`crate::split`]), which cut the page into
//!    segments, one per article;
//! 3. per segment: unzoned line and block rules, then header/footer-zoned
//!    ones, then mirrored-text rules; what is left is kept;
//! 4. choose the title, apply rewrites, and assemble the article.
//!
//! Within a stage the earlier rule wins; a decided line is never re-decided,
//! except that a block reaching backwards may drop lines kept so far.

pub mod lines;
mod region;
pub mod shape;
mod zones;

use std::borrow::Cow;
use std::ops::Range;

use crate::rules::{Block, BlockEnd, Kind, MirrorMode, Pat, Region, RuleSet, Zone};
use crate::split;
use lines::MatchTable;

pub use zones::is_prose;

/// What happened to one input line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Empty after trimming; paragraphs are re-separated on output.
    Blank,
    /// Kept as a paragraph (possibly rewritten).
    Kept,
    /// Kept as its article's title; `boundary` is the rule that named it.
    Title { boundary: Option<usize> },
    /// Dropped by rule `rule` (an index into the rule set).
    Dropped { rule: usize },
    /// Part of an article header matched by boundary rule `rule`; dropped.
    Boundary { rule: usize },
}

impl Verdict {
    /// The rule that decided this line, if a rule did.
    pub fn rule(self) -> Option<usize> {
        match self {
            Verdict::Dropped { rule } | Verdict::Boundary { rule } => Some(rule),
            Verdict::Title { boundary } => boundary,
            Verdict::Blank | Verdict::Kept => None,
        }
    }

    pub fn is_kept(self) -> bool {
        matches!(self, Verdict::Kept | Verdict::Title { .. })
    }
}

/// A kept line whose text a rewrite rule changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    pub rule: usize,
    pub text: String,
}

/// The full record of one input line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineRecord {
    pub verdict: Verdict,
    /// The article (0-based index into [`Cleaned::articles`]) this line went to.
    pub article: Option<usize>,
    pub rewrite: Option<Rewrite>,
    /// The main-region heuristic's score of the line, when it scored it.
    pub score: Option<f32>,
}

/// One article cut out of a page. Its lines borrow the page's text unless
/// a rewrite changed them, so cleaning copies no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article<'a> {
    pub title: Cow<'a, str>,
    pub paragraphs: Vec<Cow<'a, str>>,
    /// The input lines (0-based, end exclusive) of the article's segment.
    pub lines: Range<usize>,
    /// The input line the title came from.
    pub title_line: usize,
    /// The boundary rule that started this article, if any.
    pub boundary: Option<usize>,
    /// The over-removal guard fired: the rules left almost nothing of a
    /// segment with real prose, so only single-line rules were applied.
    pub guarded: bool,
}

/// The over-removal guard's thresholds: a segment with at least this many
/// characters of prose lines…
pub const GUARD_PROSE_BEFORE: usize = 1000;
/// …that the rules leave with fewer than this many is cleaned again with
/// single-line rules only.
pub const GUARD_PROSE_KEPT: usize = 200;

impl Article<'_> {
    /// The article with its text copied out of the page, to outlive it.
    pub fn into_owned(self) -> Article<'static> {
        Article {
            title: Cow::Owned(self.title.into_owned()),
            paragraphs: self
                .paragraphs
                .into_iter()
                .map(|p| Cow::Owned(p.into_owned()))
                .collect(),
            ..self
        }
    }

    /// The article as husk writes it: title, blank line, paragraphs separated
    /// by one blank line, one trailing newline.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(self.rendered_len());
        out.push_str(&self.title);
        out.push('\n');
        for p in &self.paragraphs {
            out.push('\n');
            out.push_str(p);
            out.push('\n');
        }
        out
    }

    /// The length in bytes of [`Article::render`]'s text.
    pub fn rendered_len(&self) -> usize {
        self.title.len() + 1 + self.paragraphs.iter().map(|p| p.len() + 2).sum::<usize>()
    }

    /// Writes [`Article::render`]'s text without building it, for articles
    /// too large to copy once more.
    pub fn write_to(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        w.write_all(self.title.as_bytes())?;
        w.write_all(b"\n")?;
        for p in &self.paragraphs {
            w.write_all(b"\n")?;
            w.write_all(p.as_bytes())?;
            w.write_all(b"\n")?;
        }
        Ok(())
    }
}

/// The result of cleaning one page: per-line record and articles.
#[derive(Debug, Clone)]
pub struct Cleaned<'a> {
    /// Byte range of each input line's trimmed text in the page.
    pub lines: Vec<Range<usize>>,
    pub records: Vec<LineRecord>,
    pub articles: Vec<Article<'a>>,
}

impl Cleaned<'_> {
    /// How many input lines each rule dropped, by rule index.
    pub fn dropped_by_rule(&self) -> Vec<(usize, usize)> {
        let mut counts: Vec<(usize, usize)> = Vec::new();
        for r in &self.records {
            if let Verdict::Dropped { rule } | Verdict::Boundary { rule } = r.verdict {
                match counts.iter_mut().find(|(id, _)| *id == rule) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((rule, 1)),
                }
            }
        }
        counts.sort_unstable();
        counts
    }
}

/// Cleans one page of decoded text with `rules` (scoped rules do not apply:
/// see [`clean_at`]).
pub fn clean<'a>(text: &'a str, rules: &RuleSet) -> Cleaned<'a> {
    clean_at(text, rules, None)
}

/// Cleans the page found at `path`: rules scoped to other paths stay out.
pub fn clean_at<'a>(text: &'a str, rules: &RuleSet, path: Option<&std::path::Path>) -> Cleaned<'a> {
    let lines = lines::split(text);
    let table = MatchTable::build(text, &lines, rules);
    let active = rules.active(path);
    let found = split::find(text, &lines, &table, rules, active.as_deref());
    let mut engine = Engine {
        text,
        rules,
        verdicts: lines
            .iter()
            .map(|r| {
                if r.is_empty() {
                    Verdict::Blank
                } else {
                    Verdict::Kept
                }
            })
            .collect(),
        rewrites: vec![None; lines.len()],
        scores: vec![None; lines.len()],
        shapes: {
            let needs: Vec<_> = regions(rules).map(region::StopNeeds::new).collect();
            let need = |words, sentence| {
                (needs.iter())
                    .map(|n| n.get(words, sentence))
                    .max()
                    .unwrap_or(0)
            };
            lines
                .iter()
                .map(|r| shape::Shape::in_text(text, r.clone(), need))
                .collect()
        },
        active,
        lines: &lines,
        table: &table,
        cut: None,
    };
    for f in &found {
        for &l in &f.header {
            engine.verdicts[l] = Verdict::Boundary { rule: f.rule };
        }
        engine.verdicts[f.title] = Verdict::Title {
            boundary: Some(f.rule),
        };
    }
    let mut starts: Vec<(usize, Option<usize>)> = vec![(0, None)];
    starts.extend(found.iter().map(|f| (f.header[0], Some(f.rule))));
    let mut articles = Vec::new();
    let mut owner = vec![None; lines.len()];
    for (k, &(start, boundary)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(lines.len(), |s| s.0);
        if let Some(mut article) = engine.article(start..end) {
            article.boundary = boundary;
            for (l, o) in owner.iter_mut().enumerate().take(end).skip(start) {
                if engine.verdicts[l].is_kept() {
                    *o = Some(articles.len());
                }
            }
            articles.push(article);
        }
    }
    let Engine {
        verdicts,
        rewrites,
        scores,
        ..
    } = engine;
    let records = verdicts
        .into_iter()
        .zip(rewrites)
        .zip(scores)
        .zip(owner)
        .map(|(((verdict, rewrite), score), article)| LineRecord {
            verdict,
            article,
            rewrite,
            score,
        })
        .collect();
    Cleaned {
        lines,
        records,
        articles,
    }
}

/// The page's text lives as long as the articles that borrow it (`'t`);
/// the rules and the per-page tables only as long as the engine (`'e`).
struct Engine<'t, 'e> {
    text: &'t str,
    rules: &'e RuleSet,
    lines: &'e [Range<usize>],
    table: &'e MatchTable,
    verdicts: Vec<Verdict>,
    rewrites: Vec<Option<Rewrite>>,
    scores: Vec<Option<f32>>,
    /// Each line's shape, computed once.
    shapes: Vec<shape::Shape>,
    /// Which rules apply to this page (None: all).
    active: Option<Vec<bool>>,
    /// Set once a block ending at the page fires: every later line goes with it.
    cut: Option<usize>,
}

/// The article's first and last prose lines, when it has any.
type Zones = Option<(usize, usize)>;

impl<'t> Engine<'t, '_> {
    /// Whether rule `rule` applies to this page (its scope matches).
    fn on(&self, rule: usize) -> bool {
        self.active.as_ref().is_none_or(|a| a[rule])
    }

    /// Whether `pat` matches line `i` (see [`RuleSet::hit`]).
    fn hit(&self, i: usize, pat: &Pat) -> bool {
        self.rules.hit(self.table, i, self.line(i), pat)
    }

    /// A line's text; borrowed from the page, not from the engine.
    fn line(&self, i: usize) -> &'t str {
        &self.text[self.lines[i].clone()]
    }

    fn article(&mut self, seg: Range<usize>) -> Option<Article<'t>> {
        if let Some(rule) = self.cut {
            self.drop_range(seg, rule);
            return None;
        }
        let before: Vec<Verdict> = self.verdicts[seg.clone()].to_vec();
        let prose_before = self.kept_prose_chars(seg.clone());
        self.scan(seg.clone(), None, false);
        let zones = self.zones(seg.clone());
        self.scan(seg.clone(), Some(zones), false);
        self.mirror(seg.clone());
        self.region(seg.clone());
        // Over-removal guard: a story the rules all but emptied is cleaned
        // again with single-line rules only, and the article says so.
        let guarded = prose_before >= GUARD_PROSE_BEFORE
            && self.kept_prose_chars(seg.clone()) < GUARD_PROSE_KEPT;
        if guarded {
            self.verdicts[seg.clone()].copy_from_slice(&before);
            self.cut = None;
            self.scan(seg.clone(), None, true);
            self.scan(seg.clone(), Some(zones), true);
        }
        self.rewrite(seg.clone(), zones, false);
        let title_line = loop {
            let line = seg
                .clone()
                .find(|&i| matches!(self.verdicts[i], Verdict::Title { .. }));
            let line = line.or_else(|| seg.clone().find(|&i| self.verdicts[i] == Verdict::Kept))?;
            if let Verdict::Kept = self.verdicts[line] {
                self.verdicts[line] = Verdict::Title { boundary: None };
            }
            self.rewrite(line..line + 1, zones, true);
            if self.verdicts[line].is_kept() {
                break line;
            }
        };
        let text_of = |i: usize| match &self.rewrites[i] {
            Some(r) => Cow::Owned(r.text.clone()),
            None => Cow::Borrowed(self.line(i)),
        };
        Some(Article {
            title: text_of(title_line),
            paragraphs: seg
                .clone()
                .filter(|&i| i != title_line && self.verdicts[i].is_kept())
                .map(text_of)
                .collect(),
            lines: seg,
            title_line,
            boundary: None,
            guarded,
        })
    }

    /// Characters of the kept prose lines in `range`.
    fn kept_prose_chars(&self, range: Range<usize>) -> usize {
        range
            .filter(|&i| self.verdicts[i].is_kept() && self.shapes[i].is_prose())
            .map(|i| self.lines[i].len())
            .sum()
    }

    fn drop_range(&mut self, range: Range<usize>, rule: usize) {
        for v in &mut self.verdicts[range] {
            if *v != Verdict::Blank {
                *v = Verdict::Dropped { rule };
            }
        }
    }

    fn zones(&self, seg: Range<usize>) -> Zones {
        let prose = |i: &usize| self.verdicts[*i] == Verdict::Kept && self.shapes[*i].is_prose();
        let first = seg.clone().find(prose)?;
        Some((first, seg.rev().find(prose).unwrap_or(first)))
    }

    /// Whether at least `n` kept prose lines stand in `from..to`.
    fn prose_before(&self, from: usize, to: usize, n: usize) -> bool {
        n == 0
            || (from..to)
                .filter(|&i| self.verdicts[i].is_kept() && self.shapes[i].is_prose())
                .nth(n - 1)
                .is_some()
    }

    fn in_zone(zone: Zone, i: usize, zones: Zones) -> bool {
        match (zone, zones) {
            (Zone::Any, _) | (_, None) => true,
            (Zone::Header, Some((first, _))) => i < first,
            (Zone::Footer, Some((_, last))) => i > last,
            (Zone::Title, _) => false,
        }
    }

    /// Applies line and block rules to undecided lines: the unzoned rules when
    /// `zones` is None, else the header- and footer-zoned ones.
    fn scan(&mut self, seg: Range<usize>, zones: Option<Zones>, lines_only: bool) {
        let ruleset = self.rules;
        let rules = ruleset.rules();
        let mut buf = Vec::new();
        let mut i = seg.start;
        while i < seg.end {
            if self.verdicts[i] != Verdict::Kept {
                i += 1;
                continue;
            }
            // Only the rules this line's patterns can set off, in rule order.
            let triggered = ruleset.triggered(self.table, i, &mut buf);
            let mut next = i + 1;
            for &ri in triggered {
                let rule = &rules[ri];
                let applies = match zones {
                    None => rule.zone == Zone::Any,
                    Some(z) => rule.zone != Zone::Any && Self::in_zone(rule.zone, i, z),
                };
                if !applies
                    || !self.on(ri)
                    || (lines_only && !matches!(rule.kind, Kind::Line { .. }))
                {
                    continue;
                }
                match &rule.kind {
                    Kind::Line { pattern } if self.table.hit(i, pattern) => {
                        self.verdicts[i] = Verdict::Dropped { rule: ri };
                    }
                    Kind::Block(b)
                        if self.table.hit(i, &b.start)
                            && self.prose_before(seg.start, i, b.after_prose) =>
                    {
                        next = self.block(ri, b, i, seg.clone());
                    }
                    _ => continue,
                }
                break;
            }
            i = next;
        }
    }

    /// Drops the block anchored at line `at`; returns where scanning resumes.
    fn block(&mut self, rule: usize, b: &Block, at: usize, seg: Range<usize>) -> usize {
        let mut reached = 0;
        let mut j = at;
        while reached < b.before && j > seg.start {
            j -= 1;
            match self.verdicts[j] {
                Verdict::Blank => continue,
                Verdict::Title { .. } | Verdict::Boundary { .. } => break,
                _ => {}
            }
            if b.before_pattern.as_ref().is_some_and(|p| !self.hit(j, p)) {
                break;
            }
            if self.verdicts[j] == Verdict::Kept {
                self.verdicts[j] = Verdict::Dropped { rule };
            }
            reached += 1;
        }
        let nonblank_after = (at + 1..seg.end).filter(|&j| !self.lines[j].is_empty());
        let end = match &b.end {
            BlockEnd::Pattern {
                pattern,
                inclusive,
                max_lines,
            } => {
                // A block is chrome: a prose line ends the search unfound.
                let found = nonblank_after
                    .take(max_lines.unwrap_or(usize::MAX))
                    .take_while(|&j| !self.shapes[j].is_prose())
                    .find(|&j| self.hit(j, pattern));
                match found {
                    Some(j) if *inclusive => j + 1,
                    Some(j) => j,
                    None => at + 1,
                }
            }
            BlockEnd::Blank => (at + 1..seg.end)
                .find(|&j| self.lines[j].is_empty())
                .unwrap_or(seg.end),
            BlockEnd::Lines(n) => nonblank_after.take(n - 1).last().map_or(at + 1, |j| j + 1),
            BlockEnd::Article => seg.end,
            BlockEnd::Page => {
                self.cut = Some(rule);
                seg.end
            }
        };
        let from = if b.start_inclusive { at } else { at + 1 };
        for v in &mut self.verdicts[from..end.max(from)] {
            if *v == Verdict::Kept {
                *v = Verdict::Dropped { rule };
            }
        }
        end.max(at + 1)
    }

    fn mirror(&mut self, seg: Range<usize>) {
        // The non-blank lines with their compared text, made once for all
        // mirror rules (and only if one applies).
        let mut norms: Option<Vec<(usize, &'t str)>> = None;
        for (ri, rule) in self.rules.rules().iter().enumerate() {
            let Kind::Mirror(m) = &rule.kind else {
                continue;
            };
            if !self.on(ri) {
                continue;
            }
            let eligible = |s: &str| {
                // A char is at most 4 bytes: long lines are out without counting.
                if s.len() > 4 * m.max_chars || s.len() < m.min_chars {
                    return false;
                }
                let n = s.chars().count();
                n >= m.min_chars && n <= m.max_chars && s.split_whitespace().count() >= m.min_words
            };
            let norms = norms.get_or_insert_with(|| {
                (seg.clone())
                    .filter(|&i| !self.lines[i].is_empty())
                    .map(|i| (i, normalize(self.line(i))))
                    .collect()
            });
            match m.mode {
                MirrorMode::Repeat => {
                    // The window spans the last `window` kept lines and any
                    // chrome between them, so that removing the chrome
                    // (cleaning the output again) brings no new repeat into
                    // reach. It is `norms[from..k]`: only line k changes
                    // verdict, so the earlier ones' stay as they entered.
                    let mut from = 0;
                    let mut kept_in_window = 0;
                    for k in 0..norms.len() {
                        let (i, norm) = norms[k];
                        // Cheap tests first: most lines repeat nothing.
                        if self.verdicts[i] == Verdict::Kept
                            && norms[from..k].iter().any(|&(_, w)| w == norm)
                            && eligible(norm)
                        {
                            self.verdicts[i] = Verdict::Dropped { rule: ri };
                        }
                        kept_in_window += usize::from(self.verdicts[i].is_kept());
                        while kept_in_window > m.window {
                            kept_in_window -= usize::from(self.verdicts[norms[from].0].is_kept());
                            from += 1;
                        }
                    }
                }
                MirrorMode::Prefix => {
                    for pair in norms.windows(2) {
                        let ((i, a), (j, b)) = (pair[0], pair[1]);
                        // Only alt text above a caption that went: a kept line
                        // that repeats and continues a headline is the lede.
                        if self.verdicts[i] != Verdict::Kept
                            || !matches!(self.verdicts[j], Verdict::Dropped { .. })
                        {
                            continue;
                        }
                        let prefix = b.len() > a.len()
                            && b.starts_with(a)
                            && b[a.len()..].starts_with(|c: char| !c.is_alphanumeric());
                        if prefix && eligible(a) {
                            self.verdicts[i] = Verdict::Dropped { rule: ri };
                        }
                    }
                }
            }
        }
    }

    /// Keeps the article's main run of text (see [`region`]): kept lines
    /// outside it are dropped by the region rule.
    fn region(&mut self, seg: Range<usize>) {
        for (ri, rule) in self.rules.rules().iter().enumerate() {
            let Kind::Region(r) = &rule.kind else {
                continue;
            };
            if !self.on(ri) {
                continue;
            }
            let candidates: Vec<usize> = seg
                .clone()
                .filter(|&i| self.verdicts[i] == Verdict::Kept)
                .collect();
            // Every line of the segment gets a score to show in `explain`;
            // only the kept ones take part in choosing the run.
            for i in seg.clone().filter(|&i| !self.lines[i].is_empty()) {
                let comment = r.comment.as_ref().is_some_and(|p| self.table.hit(i, p));
                self.scores[i] = Some(region::score(self.shapes[i], r, comment) as f32);
            }
            let scores: Vec<f64> = candidates
                .iter()
                .map(|&i| f64::from(self.scores[i].unwrap_or(0.0)))
                .collect();
            let Some((first, last, _)) = region::choose(&scores, r.alpha, r.min_score) else {
                continue;
            };
            let words: Vec<usize> = candidates
                .iter()
                .map(|&i| self.shapes[i].words as usize)
                .collect();
            let (first, last) = region::widen(&scores, &words, first, last, r);
            for (k, &i) in candidates.iter().enumerate() {
                if k < first || k > last {
                    self.verdicts[i] = Verdict::Dropped { rule: ri };
                }
            }
        }
    }

    /// Applies rewrite rules to kept lines: title-zone rules when `title`,
    /// the others otherwise. A line rewritten to nothing is dropped.
    fn rewrite(&mut self, range: Range<usize>, zones: Zones, title: bool) {
        for (ri, rule) in self.rules.rules().iter().enumerate() {
            let Kind::Rewrite { pattern, replace } = &rule.kind else {
                continue;
            };
            if (rule.zone == Zone::Title) != title || !self.on(ri) {
                continue;
            }
            let re = self.rules.own_regex(pattern);
            for i in range.clone() {
                if !self.verdicts[i].is_kept() || (!title && !Self::in_zone(rule.zone, i, zones)) {
                    continue;
                }
                let new = match &self.rewrites[i] {
                    Some(r) if re.is_match(&r.text) => {
                        re.replace_all(&r.text, replace.as_str()).trim().to_string()
                    }
                    None if re.is_match(self.line(i)) => re
                        .replace_all(self.line(i), replace.as_str())
                        .trim()
                        .to_string(),
                    _ => continue,
                };
                if new.is_empty() {
                    self.verdicts[i] = Verdict::Dropped { rule: ri };
                    self.rewrites[i] = None;
                } else {
                    self.rewrites[i] = Some(Rewrite {
                        rule: ri,
                        text: new,
                    });
                }
            }
        }
    }
}

/// The region rules: only their scores look at function words.
fn regions(rules: &RuleSet) -> impl Iterator<Item = &Region> {
    rules.rules().iter().filter_map(|r| match &r.kind {
        Kind::Region(region) => Some(region),
        _ => None,
    })
}

/// The text compared by mirrored-text rules: without list dashes, bullets
/// and separators at either end ("- Korea Herald" repeats "Korea Herald").
fn normalize(line: &str) -> &str {
    // Most lines start and end with a letter, digit or full stop: nothing to trim.
    let plain = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'.');
    if plain(line.as_bytes().first()) && plain(line.as_bytes().last()) {
        return line;
    }
    line.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '•' | '|' | '·'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Source, load};

    fn rules(toml: &str) -> RuleSet {
        let src = Source {
            name: "t.toml".into(),
            text: toml.into(),
            user: true,
        };
        load(&[src]).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Kept lines of every article, titles first, as one list per article.
    fn articles(page: &str, set: &RuleSet) -> Vec<Vec<String>> {
        clean(page, set)
            .articles
            .into_iter()
            .map(|a| {
                std::iter::once(a.title)
                    .chain(a.paragraphs)
                    .map(Cow::into_owned)
                    .collect()
            })
            .collect()
    }

    const EX: &str = "drop = ['x']\nkeep = ['y']\ndescription = 'd'\n";

    #[test]
    fn a_rule_for_any_line_fires_on_lines_no_other_pattern_matched() {
        // `\S` is answered without the matcher, so such a line has no
        // pattern hits of its own.
        let set = rules(&format!(
            "[[rule]]\nid = 'tail'\nkind = 'line'\nzone = 'footer'\npattern = '\\S'\n{EX}"
        ));
        let page = "Title\nThe council met on Monday and voted to keep the library open on Saturdays.\nShare this";
        assert_eq!(
            articles(page, &set),
            vec![vec![
                "Title",
                "The council met on Monday and voted to keep the library open on Saturdays."
            ]]
        );
    }

    #[test]
    fn line_rule_drops_matching_lines_and_records_the_rule() {
        let set = rules(&format!(
            "[[rule]]\nid = 'ad'\nkind = 'line'\npattern = '^Ad$'\n{EX}"
        ));
        let page = "Title\nAd\nBody one.\n  Ad  \nBody two.";
        let c = clean(page, &set);
        assert_eq!(c.records[1].verdict, Verdict::Dropped { rule: 0 });
        assert_eq!(c.records[3].verdict, Verdict::Dropped { rule: 0 });
        assert_eq!(c.records[0].verdict, Verdict::Title { boundary: None });
        assert_eq!(
            articles(page, &set),
            vec![vec!["Title", "Body one.", "Body two."]]
        );
        assert_eq!(c.dropped_by_rule(), vec![(0, 2)]);
    }

    #[test]
    fn zoned_line_rules_act_only_outside_the_prose() {
        let set = rules(&format!(
            "[[rule]]\nid = 'h'\nkind = 'line'\nzone = 'header'\npattern = '^on$'\n{EX}\n[[rule]]\nid = 'f'\nkind = 'line'\nzone = 'footer'\npattern = '^Comments$'\n{EX}"
        ));
        let page = "Title\non\nThe first sentence of the story is long enough to count as prose.\non\nComments\nThe second sentence of the story is long enough to count as prose too.\nComments";
        assert_eq!(
            articles(page, &set),
            vec![vec![
                "Title",
                "The first sentence of the story is long enough to count as prose.",
                "on",
                "Comments",
                "The second sentence of the story is long enough to count as prose too."
            ]]
        );
    }

    #[test]
    fn block_ends() {
        let block = |end: &str| {
            rules(&format!(
                "[[rule]]\nid = 'b'\nkind = 'block'\nstart = '^START$'\n{end}\n{EX}"
            ))
        };
        let page = "T\nSTART\na\nb\n\nc\nEND\nd\n";
        let kept = |end: &str| articles(page, &block(end)).concat();
        assert_eq!(kept("end = 'blank'"), ["T", "c", "END", "d"]);
        assert_eq!(
            kept("end = 'lines'\ncount = 2"),
            ["T", "b", "c", "END", "d"]
        );
        assert_eq!(kept("end = 'pattern'\nend_pattern = '^END$'"), ["T", "d"]);
        assert_eq!(
            kept("end = 'pattern'\nend_pattern = '^END$'\nend_inclusive = false"),
            ["T", "END", "d"]
        );
        assert_eq!(
            kept("end = 'pattern'\nend_pattern = '^END$'\nstart_inclusive = false"),
            ["T", "START", "d"]
        );
        // Not found within max_lines: only the anchor goes.
        assert_eq!(
            kept("end = 'pattern'\nend_pattern = '^END$'\nmax_lines = 2"),
            ["T", "a", "b", "c", "END", "d"]
        );
        assert_eq!(kept("end = 'article'"), ["T"]);
    }

    #[test]
    fn block_reaches_backwards_but_not_into_the_title() {
        let set = rules(&format!(
            "[[rule]]\nid = 'cap'\nkind = 'block'\nstart = '^hide caption$'\nend = 'lines'\ncount = 1\nbefore = 3\n{EX}"
        ));
        let page = "Title\nBody.\nA caption.\n\nA credit\nhide caption\nMore body.";
        assert_eq!(articles(page, &set), vec![vec!["Title", "More body."]]);
        let limited = rules(&format!(
            "[[rule]]\nid = 'cap'\nkind = 'block'\nstart = '^hide caption$'\nend = 'lines'\ncount = 1\nbefore = 3\nbefore_pattern = '^[A-Z ]+$'\n{EX}"
        ));
        let page = "Title\nBody.\nCNN\nhide caption";
        assert_eq!(articles(page, &limited), vec![vec!["Title", "Body."]]);
    }

    #[test]
    fn page_end_block_drops_later_articles_and_waits_for_prose() {
        let set = rules(&format!(
            "[[rule]]\nid = 'split'\nkind = 'boundary'\nlines = ['^==$', '\\S']\ntitle = 2\nkeep = ['y']\ndescription = 'd'\n[[rule.example]]\ninput = 'x'\n\n[[rule]]\nid = 'rel'\nkind = 'block'\nstart = '^Related$'\nend = 'page'\nafter_prose = 1\n{EX}"
        ));
        let page = "Related\nOne\nThe first story is told here in a sentence long enough to be prose.\nRelated\nteaser\n==\nTwo\nSecond body.";
        let c = clean(page, &set);
        assert_eq!(c.articles.len(), 1);
        assert_eq!(
            c.articles[0].title, "Related",
            "before prose the block does not fire"
        );
        assert!(
            c.records[6..]
                .iter()
                .all(|r| r.verdict == Verdict::Dropped { rule: 1 })
        );
    }

    #[test]
    fn mirror_repeat_and_prefix() {
        let set = rules(&format!(
            "[[rule]]\nid = 'credit'\nkind = 'line'\npattern = '©'\n{EX}\n[[rule]]\nid = 'm'\nkind = 'mirror'\nmode = 'repeat'\nwindow = 2\ndescription = 'd'\nkeep = ['y']\n[[rule.example]]\ninput = 'x'\n\n[[rule]]\nid = 'p'\nkind = 'mirror'\nmode = 'prefix'\nmin_words = 2\ndescription = 'd'\nkeep = ['y']\n[[rule.example]]\ninput = 'x'\n"
        ));
        // A repeat within two kept lines goes, chrome between them not
        // counted (a dropped copy counts as seen); alt text goes with its
        // dropped caption; a headline that its lede repeats stays.
        let page = "Herald\n- Herald\nBody text here\nOld Town\nOld Town, at dusk © Jo\nxenon\n© a\n© b\nxenon\nyak\nzebra\nxenon\nStorm hits\nStorm hits the coast.";
        assert_eq!(
            articles(page, &set).concat(),
            [
                "Herald",
                "Body text here",
                "xenon",
                "yak",
                "zebra",
                "Storm hits",
                "Storm hits the coast."
            ]
        );
    }

    #[test]
    fn boundary_splits_and_names_titles() {
        let set = rules(
            "[[rule]]\nid = 's'\nkind = 'boundary'\nlines = ['^News$', '\\S', '^Published$', { pattern = '^on$', optional = true }, { same_as = 2 }]\ntitle = 5\ndescription = 'd'\nkeep = ['y']\n[[rule.example]]\ninput = 'x'\n",
        );
        let page = "News\nOne\nPublished\non\nOne\nBody one.\nNews\nTwo\nPublished\nTwo\nBody two.\nNews\nThree\nPublished\nNot three\nBody three.";
        let c = clean(page, &set);
        let titles: Vec<_> = c.articles.iter().map(|a| &*a.title).collect();
        assert_eq!(titles, ["One", "Two"]);
        assert_eq!(
            c.articles[1].paragraphs.last().unwrap(),
            "Body three.",
            "a failed match starts nothing"
        );
        assert_eq!(c.records[0].verdict, Verdict::Boundary { rule: 0 });
        assert_eq!(c.records[4].verdict, Verdict::Title { boundary: Some(0) });
        assert_eq!(c.records[5].article, Some(0));
        assert_eq!(c.records[10].article, Some(1));
    }

    #[test]
    fn boundaries_are_tried_near_key_hits_or_everywhere_without_a_key() {
        let boundary = |lines: &str, title: usize| {
            rules(&format!(
                "[[rule]]\nid = 's'\nkind = 'boundary'\nlines = [{lines}]\ntitle = {title}\ndescription = 'd'\nkeep = ['y']\n[[rule.example]]\ninput = 'x'\n"
            ))
        };
        let titles = |page: &str, set: &RuleSet| -> Vec<String> {
            let c = clean(page, set);
            c.articles.iter().map(|a| a.title.to_string()).collect()
        };
        // Keyed on `^Published$`: a header starts two lines before a hit,
        // and a hit inside a header found already starts nothing.
        let keyed = boundary("'^News$', '\\S', '^Published$', { same_as = 2 }", 4);
        let page = "News\nOne\nPublished\nOne\nBody one.\nNews\nPublished\nPublished\nPublished\nBody two.\n\nNews\nThree\nPublished\nThree\nBody three.";
        assert_eq!(titles(page, &keyed), ["One", "Published", "Three"]);
        // No pattern line before the optional one: no key, every line is tried.
        let unkeyed = boundary(
            "'\\S', { pattern = '^-+$', optional = true }, { same_as = 1 }",
            3,
        );
        let page = "Intro.\nOne\nOne\nBody one.\nTwo\n---\nTwo\nBody two.";
        assert_eq!(titles(page, &unkeyed), ["Intro.", "One", "Two"]);
    }

    #[test]
    fn rewrite_changes_text_and_empty_rewrite_drops() {
        let set = rules(
            "[[rule]]\nid = 'suffix'\nkind = 'rewrite'\nzone = 'title'\npattern = '\\s+\\|\\s+[^|]+$'\nreplace = ''\ndescription = 'd'\nkeep = ['y']\n[[rule.example]]\ninput = 'x'\n\n[[rule]]\nid = 'star'\nkind = 'rewrite'\npattern = '\\*+'\nreplace = ''\ndescription = 'd'\nkeep = ['y']\n[[rule.example]]\ninput = 'x'\n",
        );
        let page = "***\nTitle | Site\nBody ** text | kept.";
        let c = clean(page, &set);
        assert_eq!(c.records[0].verdict, Verdict::Dropped { rule: 1 });
        assert_eq!(c.articles[0].title, "Title");
        assert_eq!(c.articles[0].paragraphs, ["Body  text | kept."]);
        assert_eq!(c.records[1].rewrite.as_ref().map(|r| r.rule), Some(0));
    }

    #[test]
    fn over_removal_guard_falls_back_to_line_rules() {
        // A bad block rule that eats everything after a menu word.
        let set = rules(&format!(
            "[[rule]]\nid = 'greedy'\nkind = 'block'\nstart = '^Menu$'\nend = 'article'\n{EX}\n[[rule]]\nid = 'ad'\nkind = 'line'\npattern = '^Ad$'\n{EX}"
        ));
        let sentence = "The council met on Monday and voted to keep the library open on Saturdays for another year.";
        let mut page = String::from("Title\nMenu\n");
        for _ in 0..12 {
            page.push_str(sentence);
            page.push_str("\nAd\n");
        }
        let c = clean(&page, &set);
        let a = &c.articles[0];
        assert!(a.guarded);
        assert_eq!(a.paragraphs.len(), 13, "Menu and the twelve sentences stay");
        assert!(
            !a.paragraphs.iter().any(|p| p == "Ad"),
            "line rules still apply"
        );
        // A rule set that leaves the story alone does not trip the guard.
        let renamed = page.replace("Menu", "Contents");
        let fine = clean(&renamed, &set);
        assert!(!fine.articles[0].guarded);
    }

    #[test]
    fn scoped_rules_apply_only_to_their_site() {
        let set = rules(&format!(
            "[[rule]]\nid = 'b'\nkind = 'line'\nscope = '**/site-a/**'\npattern = '^BANNER$'\n{EX}"
        ));
        let page = "Title\nBANNER\nBody.";
        let kept = |path: Option<&str>| {
            clean_at(page, &set, path.map(std::path::Path::new)).articles[0]
                .paragraphs
                .clone()
        };
        assert_eq!(kept(Some("crawl/site-a/2025/p.txt")), ["Body."]);
        assert_eq!(kept(Some("crawl/site-b/2025/p.txt")), ["BANNER", "Body."]);
        assert_eq!(kept(None), ["BANNER", "Body."]);
    }

    #[test]
    fn a_page_of_chrome_makes_no_article() {
        let set = RuleSet::default_pack();
        assert!(
            clean("Advertisement\n\nContinue Reading\n", &set)
                .articles
                .is_empty()
        );
        assert!(clean("", &set).articles.is_empty());
    }
}
