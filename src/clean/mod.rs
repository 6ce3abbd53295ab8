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

use crate::rules::{Block, BlockEnd, Kind, Mirror, MirrorMode, Pat, Region, RuleSet, Zone};
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
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    /// [`Article::render`] into `out`, replacing what it held.
    pub fn render_into(&self, out: &mut String) {
        out.clear();
        out.reserve(self.rendered_len());
        out.push_str(&self.title);
        out.push('\n');
        for p in &self.paragraphs {
            out.push('\n');
            out.push_str(p);
            out.push('\n');
        }
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
        // Counted in place by rule index (indices run to the number of
        // rules): a search of the counts per dropped line cost more.
        let mut counts: Vec<usize> = Vec::new();
        for r in &self.records {
            if let Verdict::Dropped { rule } | Verdict::Boundary { rule } = r.verdict {
                if rule >= counts.len() {
                    counts.resize(rule + 1, 0);
                }
                counts[rule] += 1;
            }
        }
        (counts.into_iter().enumerate())
            .filter(|&(_, n)| n > 0)
            .collect()
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
    let needs = &rules.prepared().needs;
    // Half the lines are blank: the passes over a segment visit only the
    // others, and those over its prose lines only these.
    let mut shapes = crate::reuse::take(&SHAPES, lines.len());
    shapes.resize(lines.len(), shape::Shape::default());
    let mut nonblank = crate::reuse::take(&NONBLANK, lines.len());
    let mut prose = crate::reuse::take(&PROSE, lines.len());
    for (i, r) in lines.iter().enumerate() {
        if r.is_empty() {
            continue;
        }
        let shape = shape::Shape::in_text(text, r.clone(), |w, s| needs.get(w, s));
        nonblank.push(i);
        if shape.is_prose() {
            prose.push(i);
        }
        shapes[i] = shape;
    }
    let mut engine = Engine {
        text,
        rules,
        // The engine decides in the records themselves, which become the
        // result as they are.
        records: {
            let mut records = crate::reuse::take(&RECORDS, lines.len());
            records.extend(lines.iter().map(|r| LineRecord {
                verdict: if r.is_empty() {
                    Verdict::Blank
                } else {
                    Verdict::Kept
                },
                article: None,
                rewrite: None,
                score: None,
            }));
            records
        },
        shapes,
        active,
        lines: &lines,
        nonblank: &nonblank,
        prose: &prose,
        table: &table,
        cut: None,
    };
    for f in &found {
        for &l in &f.header {
            engine.records[l].verdict = Verdict::Boundary { rule: f.rule };
        }
        engine.records[f.title].verdict = Verdict::Title {
            boundary: Some(f.rule),
        };
    }
    let mut starts: Vec<(usize, Option<usize>)> = vec![(0, None)];
    starts.extend(found.iter().map(|f| (f.header[0], Some(f.rule))));
    let mut articles = Vec::new();
    for (k, &(start, boundary)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(lines.len(), |s| s.0);
        if let Some(mut article) = engine.article(start..end, articles.len()) {
            article.boundary = boundary;
            articles.push(article);
        }
    }
    let Engine {
        records, shapes, ..
    } = engine;
    crate::reuse::give(&SHAPES, shapes);
    crate::reuse::give(&NONBLANK, nonblank);
    crate::reuse::give(&PROSE, prose);
    table.recycle();
    Cleaned {
        records,
        lines,
        articles,
    }
}

// The engine's per-page buffers, in those of the page before.
crate::reuse::shelf!(SHAPES: shape::Shape);
crate::reuse::shelf!(NONBLANK: usize);
crate::reuse::shelf!(PROSE: usize);
crate::reuse::shelf!(RECORDS: LineRecord);
crate::reuse::shelf!(MIRROR_SEEN: (Range<usize>, usize, bool));
crate::reuse::shelf!(REGION_LINES: usize);
crate::reuse::shelf!(REGION_SCORES: f64);
crate::reuse::shelf!(GUARD_VERDICTS: Verdict);

impl Cleaned<'_> {
    /// Gives the page's line and record buffers back to this thread, for
    /// the next page it cleans (see [`crate::reuse`]).
    pub fn recycle(self) {
        crate::reuse::give(&lines::LINES, self.lines);
        crate::reuse::give(&RECORDS, self.records);
    }
}

/// What the engine derives from a rule set once (kept with it, see
/// [`RuleSet::prepared`]) rather than on every page.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// How many function words the region rules need counted on a line.
    needs: region::StopTable,
}

impl Prepared {
    pub(crate) fn new(rules: &RuleSet) -> Prepared {
        Prepared {
            needs: region::StopTable::new(regions(rules)),
        }
    }
}

/// The page's text lives as long as the articles that borrow it (`'t`);
/// the rules and the per-page tables only as long as the engine (`'e`).
struct Engine<'t, 'e> {
    text: &'t str,
    rules: &'e RuleSet,
    lines: &'e [Range<usize>],
    /// The non-blank lines, and among them the prose lines, in order.
    nonblank: &'e [usize],
    prose: &'e [usize],
    table: &'e MatchTable,
    /// One per line: verdicts, rewrites and scores are decided in place.
    records: Vec<LineRecord>,
    /// Each line's shape, computed once.
    shapes: Vec<shape::Shape>,
    /// Which rules apply to this page (None: all).
    active: Option<Vec<bool>>,
    /// Set once a block ending at the page fires: every later line goes with it.
    cut: Option<usize>,
}

/// The article's first and last prose lines, when it has any.
type Zones = Option<(usize, usize)>;

impl<'t, 'e> Engine<'t, 'e> {
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

    /// The non-blank lines of `range`.
    fn nonblank_in(&self, range: Range<usize>) -> &'e [usize] {
        within(self.nonblank, range)
    }

    /// The prose lines of `range`.
    fn prose_in(&self, range: Range<usize>) -> &'e [usize] {
        within(self.prose, range)
    }

    fn verdict(&self, i: usize) -> Verdict {
        self.records[i].verdict
    }

    fn is_kept(&self, i: usize) -> bool {
        matches!(self.records[i].verdict, Verdict::Kept)
    }

    fn set(&mut self, i: usize, verdict: Verdict) {
        self.records[i].verdict = verdict;
    }

    /// Cleans segment `seg`, the article numbered `index` if it makes one.
    fn article(&mut self, seg: Range<usize>, index: usize) -> Option<Article<'t>> {
        if let Some(rule) = self.cut {
            self.drop_range(seg, rule);
            return None;
        }
        let prose_before = self.kept_prose_chars(seg.clone());
        // Only a segment with that much prose can trip the guard below,
        // which needs the verdicts as they are now.
        // Blank lines stay blank.
        let before = (prose_before >= GUARD_PROSE_BEFORE).then(|| {
            let lines = self.nonblank_in(seg.clone());
            let mut before = crate::reuse::take(&GUARD_VERDICTS, lines.len());
            before.extend(lines.iter().map(|&i| self.verdict(i)));
            before
        });
        let zoned = self.scan(seg.clone(), false);
        let zones = self.zones(seg.clone());
        self.scan_zoned(&zoned, seg.clone(), zones, false);
        self.mirror(seg.clone());
        self.region(seg.clone());
        // Over-removal guard: a story the rules all but emptied is cleaned
        // again with single-line rules only, and the article says so.
        let guarded = before
            .as_ref()
            .is_some_and(|_| self.kept_prose_chars(seg.clone()) < GUARD_PROSE_KEPT);
        if let Some(before) = before {
            if guarded {
                for (&i, &v) in self.nonblank_in(seg.clone()).iter().zip(&before) {
                    self.set(i, v);
                }
            }
            crate::reuse::give(&GUARD_VERDICTS, before);
        }
        if guarded {
            self.cut = None;
            let zoned = self.scan(seg.clone(), true);
            self.scan_zoned(&zoned, seg.clone(), zones, true);
        }
        self.finish(seg, zones, index, guarded)
    }

    /// Rewrites the segment's kept lines, chooses its title and gathers the
    /// article, marking its lines as the article numbered `index`.
    fn finish(
        &mut self,
        seg: Range<usize>,
        zones: Zones,
        index: usize,
        guarded: bool,
    ) -> Option<Article<'t>> {
        self.rewrite(seg.clone(), zones, false);
        let title_line = loop {
            let line = self.title_candidate(seg.clone())?;
            if let Verdict::Kept = self.verdict(line) {
                self.set(line, Verdict::Title { boundary: None });
            }
            self.rewrite(line..line + 1, zones, true);
            if self.verdict(line).is_kept() {
                break line;
            }
        };
        let text_of = |e: &Self, i: usize| match &e.records[i].rewrite {
            Some(r) => Cow::Owned(r.text.clone()),
            None => Cow::Borrowed(e.line(i)),
        };
        let lines = self.nonblank_in(seg.clone());
        let mut paragraphs = Vec::with_capacity(lines.len());
        for &i in lines {
            if self.verdict(i).is_kept() {
                self.records[i].article = Some(index);
                if i != title_line {
                    paragraphs.push(text_of(self, i));
                }
            }
        }
        Some(Article {
            title: text_of(self, title_line),
            paragraphs,
            lines: seg,
            title_line,
            boundary: None,
            guarded,
        })
    }

    /// The segment's first title line, else its first kept line.
    fn title_candidate(&self, seg: Range<usize>) -> Option<usize> {
        let mut first_kept = None;
        for &i in self.nonblank_in(seg) {
            match self.verdict(i) {
                Verdict::Title { .. } => return Some(i),
                Verdict::Kept if first_kept.is_none() => first_kept = Some(i),
                _ => {}
            }
        }
        first_kept
    }

    /// Characters of the kept prose lines in `range`.
    fn kept_prose_chars(&self, range: Range<usize>) -> usize {
        (self.prose_in(range).iter())
            .filter(|&&i| self.verdict(i).is_kept())
            .map(|&i| self.lines[i].len())
            .sum()
    }

    fn drop_range(&mut self, range: Range<usize>, rule: usize) {
        for &i in self.nonblank_in(range) {
            self.set(i, Verdict::Dropped { rule });
        }
    }

    fn zones(&self, seg: Range<usize>) -> Zones {
        let prose = self.prose_in(seg);
        let first = *prose.iter().find(|&&i| self.is_kept(i))?;
        Some((first, *prose.iter().rfind(|&&i| self.is_kept(i))?))
    }

    /// Whether at least `n` kept prose lines stand in `from..to`.
    fn prose_before(&self, from: usize, to: usize, n: usize) -> bool {
        n == 0
            || (self.prose_in(from..to).iter())
                .filter(|&&i| self.verdict(i).is_kept())
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

    /// Applies the unzoned line and block rules to the undecided lines of
    /// `seg`. Returns the lines that zoned rules may still decide (see
    /// [`Engine::scan_zoned`]): those a zoned rule's pattern matched.
    fn scan(&mut self, seg: Range<usize>, lines_only: bool) -> Vec<usize> {
        let ruleset = self.rules;
        let rules = ruleset.rules();
        let mut buf = Vec::new();
        let mut zoned = Vec::new();
        // A block decides the lines it spans: going on from the next line
        // rather than past them skips them all the same.
        for &i in self.nonblank_in(seg.clone()) {
            if !self.is_kept(i) {
                continue;
            }
            // Only the rules this line's patterns can set off, in rule order.
            let triggered = ruleset.triggered(self.table, i, &mut buf);
            if triggered.is_empty() {
                continue;
            }
            if triggered.iter().any(|&ri| rules[ri].zone != Zone::Any) {
                zoned.push(i);
            }
            self.apply(i, triggered, None, lines_only, seg.clone());
        }
        zoned
    }

    /// Applies the header- and footer-zoned line and block rules to the
    /// lines of `lines` (in order, within `seg`) still undecided. Lines that
    /// no zoned rule's pattern matched would stay undecided, so only those
    /// `scan` gathered are visited.
    fn scan_zoned(&mut self, lines: &[usize], seg: Range<usize>, zones: Zones, lines_only: bool) {
        let ruleset = self.rules;
        let mut buf = Vec::new();
        for &i in lines {
            if self.is_kept(i) {
                let triggered = ruleset.triggered(self.table, i, &mut buf);
                self.apply(i, triggered, Some(zones), lines_only, seg.clone());
            }
        }
    }

    /// Applies the first of `triggered` that drops line `i`: the unzoned
    /// rules when `zones` is None, else the header- and footer-zoned ones.
    fn apply(
        &mut self,
        i: usize,
        triggered: &[usize],
        zones: Option<Zones>,
        lines_only: bool,
        seg: Range<usize>,
    ) {
        let rules = self.rules.rules();
        for &ri in triggered {
            let rule = &rules[ri];
            let applies = match zones {
                None => rule.zone == Zone::Any,
                Some(z) => rule.zone != Zone::Any && Self::in_zone(rule.zone, i, z),
            };
            if !applies || !self.on(ri) || (lines_only && !matches!(rule.kind, Kind::Line { .. })) {
                continue;
            }
            match &rule.kind {
                Kind::Line { pattern } if self.table.hit(i, pattern) => {
                    self.set(i, Verdict::Dropped { rule: ri });
                    return;
                }
                Kind::Block(b)
                    if self.table.hit(i, &b.start)
                        && self.prose_before(seg.start, i, b.after_prose) =>
                {
                    return self.block(ri, b, i, seg);
                }
                _ => {}
            }
        }
    }

    /// Drops the block anchored at line `at`.
    fn block(&mut self, rule: usize, b: &Block, at: usize, seg: Range<usize>) {
        let mut reached = 0;
        let mut j = at;
        while reached < b.before && j > seg.start {
            j -= 1;
            match self.verdict(j) {
                Verdict::Blank => continue,
                Verdict::Title { .. } | Verdict::Boundary { .. } => break,
                _ => {}
            }
            if b.before_pattern.as_ref().is_some_and(|p| !self.hit(j, p)) {
                break;
            }
            if self.is_kept(j) {
                self.set(j, Verdict::Dropped { rule });
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
        for r in &mut self.records[from..end.max(from)] {
            if r.verdict == Verdict::Kept {
                r.verdict = Verdict::Dropped { rule };
            }
        }
    }

    fn mirror(&mut self, seg: Range<usize>) {
        for (ri, rule) in self.rules.rules().iter().enumerate() {
            let Kind::Mirror(m) = &rule.kind else {
                continue;
            };
            if !self.on(ri) {
                continue;
            }
            match m.mode {
                MirrorMode::Repeat => self.repeats(seg.clone(), ri, m),
                MirrorMode::Prefix => self.prefixes(seg.clone(), ri, m),
            }
        }
    }

    /// Drops kept lines that repeat a line of the window before them.
    ///
    /// The window spans the last `window` kept lines and any chrome between
    /// them, so that removing the chrome (cleaning the output again) brings
    /// no new repeat into reach. It is `seen[from..]`: only the current line
    /// changes verdict, so the earlier ones' stay as they entered. Most
    /// lines repeat nothing: a count of the window's lines by a cheap
    /// digest of their text rules them out before any comparison.
    fn repeats(&mut self, seg: Range<usize>, rule: usize, m: &Mirror) {
        let text = self.text.as_bytes();
        // The window's lines: compared text, slot and whether kept.
        let lines = self.nonblank_in(seg);
        let mut seen = crate::reuse::take(&MIRROR_SEEN, lines.len());
        let mut in_window = [0u32; mirror_key::SLOTS];
        let mut from = 0;
        let mut kept_in_window = 0;
        for &i in lines {
            let norm = normalized(self.text, self.lines[i].clone());
            let slot = mirror_key::slot(&text[norm.clone()]);
            let verdict = self.verdict(i);
            let mut kept = verdict.is_kept();
            if verdict == Verdict::Kept
                && in_window[slot] > 0
                && (seen[from..].iter())
                    .any(|(w, s, _)| *s == slot && text[w.clone()] == text[norm.clone()])
                && eligible(m, &self.text[norm.clone()])
            {
                self.set(i, Verdict::Dropped { rule });
                kept = false;
            }
            seen.push((norm, slot, kept));
            in_window[slot] += 1;
            kept_in_window += usize::from(kept);
            while kept_in_window > m.window {
                let (_, s, kept) = seen[from];
                kept_in_window -= usize::from(kept);
                in_window[s] -= 1;
                from += 1;
            }
        }
        crate::reuse::give(&MIRROR_SEEN, seen);
    }

    /// Drops alt text above a caption that went: a kept line that the next
    /// non-blank line, dropped, repeats and continues. A kept line that
    /// repeats and continues a headline is the lede.
    fn prefixes(&mut self, seg: Range<usize>, rule: usize, m: &Mirror) {
        let mut prev: Option<usize> = None;
        for &j in self.nonblank_in(seg) {
            if let Some(i) = prev.replace(j)
                && self.is_kept(i)
                && matches!(self.verdict(j), Verdict::Dropped { .. })
            {
                let (a, b) = (normalize(self.line(i)), normalize(self.line(j)));
                let prefix = b.len() > a.len()
                    && b.starts_with(a)
                    && b[a.len()..].starts_with(|c: char| !c.is_alphanumeric());
                if prefix && eligible(m, a) {
                    self.set(i, Verdict::Dropped { rule });
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
            // Every line of the segment gets a score to show in `explain`;
            // only the kept ones take part in choosing the run.
            let lines = self.nonblank_in(seg.clone());
            let mut candidates = crate::reuse::take(&REGION_LINES, lines.len());
            let mut scores = crate::reuse::take(&REGION_SCORES, lines.len());
            for &i in lines {
                let shape = self.shapes[i];
                // Only a short line's score asks whether it is a comment header.
                let comment = shape.words as usize <= r.comment_max_words
                    && r.comment.as_ref().is_some_and(|p| self.table.hit(i, p));
                let score = region::score(shape, r, comment) as f32;
                self.records[i].score = Some(score);
                if self.is_kept(i) {
                    candidates.push(i);
                    scores.push(f64::from(score));
                }
            }
            let Some((first, last, _)) = region::choose(&scores, r.alpha, r.min_score) else {
                crate::reuse::give(&REGION_LINES, candidates);
                crate::reuse::give(&REGION_SCORES, scores);
                continue;
            };
            let words = |k: usize| self.shapes[candidates[k]].words as usize;
            let (mut lead, last) = region::widen(&scores, words, first, last, r);
            // The top line taken above the run becomes the title, which
            // loses its " | Site" suffix: judged without it, so that the
            // article cleaned again finds the same headline.
            while lead < first && self.headline_words(candidates[lead]) < r.lead_min_words {
                lead += 1;
            }
            let first = lead;
            for (k, &i) in candidates.iter().enumerate() {
                if k < first || k > last {
                    self.set(i, Verdict::Dropped { rule: ri });
                }
            }
            crate::reuse::give(&REGION_LINES, candidates);
            crate::reuse::give(&REGION_SCORES, scores);
        }
    }

    /// The words of line `i` as the title rules would leave it.
    fn headline_words(&self, i: usize) -> usize {
        let mut text = Cow::Borrowed(self.line(i));
        for (ri, rule) in self.rules.rules().iter().enumerate() {
            if let Kind::Rewrite { pattern, replace } = &rule.kind
                && rule.zone == Zone::Title
                && self.on(ri)
            {
                let re = self.rules.own_regex(pattern);
                if re.is_match(&text) {
                    text = Cow::Owned(re.replace_all(&text, replace.as_str()).trim().to_string());
                }
            }
        }
        match text {
            Cow::Borrowed(_) => self.shapes[i].words as usize,
            Cow::Owned(t) => shape::Shape::of(&t).words as usize,
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
                if !self.verdict(i).is_kept() || (!title && !Self::in_zone(rule.zone, i, zones)) {
                    continue;
                }
                let new = match &self.records[i].rewrite {
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
                    self.set(i, Verdict::Dropped { rule: ri });
                    self.records[i].rewrite = None;
                } else {
                    self.records[i].rewrite = Some(Rewrite {
                        rule: ri,
                        text: new,
                    });
                }
            }
        }
    }
}

/// The part of `lines` (ascending line numbers) within `range`.
fn within(lines: &[usize], range: Range<usize>) -> &[usize] {
    let from = lines.partition_point(|&i| i < range.start);
    let to = from + lines[from..].partition_point(|&i| i < range.end);
    &lines[from..to]
}

/// Whether mirrored-text rule `m` may drop a line whose compared text is `s`.
fn eligible(m: &Mirror, s: &str) -> bool {
    // A char is at most 4 bytes: long lines are out without counting.
    if s.len() > 4 * m.max_chars || s.len() < m.min_chars {
        return false;
    }
    let n = s.chars().count();
    n >= m.min_chars && n <= m.max_chars && s.split_whitespace().count() >= m.min_words
}

/// A cheap digest of a line's compared text for [`Engine::repeats`]: equal
/// texts share a slot; unequal ones seldom do.
mod mirror_key {
    const BITS: u32 = 8;
    pub const SLOTS: usize = 1 << BITS;

    /// From the length and the first and last eight bytes: O(1) per line.
    pub fn slot(b: &[u8]) -> usize {
        let n = b.len();
        let (head, tail) = if n >= 8 {
            (word(&b[..8]), word(&b[n - 8..]))
        } else {
            (b.iter().fold(0, |x, &c| x << 8 | u64::from(c)), 0)
        };
        let mixed = (head ^ tail.rotate_left(31) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> (64 - BITS)) as usize
    }

    fn word(b: &[u8]) -> u64 {
        u64::from_le_bytes(b.try_into().expect("eight bytes"))
    }
}

/// The region rules: only their scores look at function words.
fn regions(rules: &RuleSet) -> impl Iterator<Item = &Region> {
    rules.rules().iter().filter_map(|r| match &r.kind {
        Kind::Region(region) => Some(region),
        _ => None,
    })
}

/// The byte range of [`normalize`]'s text of the line `text[line]`.
fn normalized(text: &str, line: Range<usize>) -> Range<usize> {
    let b = text.as_bytes();
    if line.is_empty() || (plain_end(b[line.start]) && plain_end(b[line.end - 1])) {
        return line;
    }
    let s = &text[line.clone()];
    let trimmed = trim_marks(s);
    let start = line.start + (trimmed.as_ptr() as usize - s.as_ptr() as usize);
    start..start + trimmed.len()
}

/// The text compared by mirrored-text rules: without list dashes, bullets
/// and separators at either end ("- Korea Herald" repeats "Korea Herald").
fn normalize(line: &str) -> &str {
    let b = line.as_bytes();
    if let (Some(&first), Some(&last)) = (b.first(), b.last())
        && plain_end(first)
        && plain_end(last)
    {
        return line;
    }
    trim_marks(line)
}

/// Whether a line that starts or ends with byte `b` has nothing to trim
/// there: most lines start and end with a printable ASCII character other
/// than a dash or bar.
fn plain_end(b: u8) -> bool {
    b.is_ascii_graphic() && b != b'-' && b != b'|'
}

fn trim_marks(line: &str) -> &str {
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

    /// Lines drawn from a few texts and their dashed, bulleted and
    /// padded variants, with chrome (`x…`) and blank lines among them.
    fn random_page(seed: &mut u64, n: usize) -> String {
        const LINES: [&str; 14] = [
            "Alpha",
            "- Alpha",
            "Alpha -",
            "• Alpha",
            "Beta beta",
            "Beta beta.",
            "xchrome",
            "xchrome two",
            "",
            "",
            "Gamma — ",
            "Gamma",
            "ab",
            "| ab |",
        ];
        (0..n)
            .map(|_| {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                LINES[(*seed % LINES.len() as u64) as usize]
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn repeats_match_a_plain_window_compare() {
        let set = rules(&format!(
            "[[rule]]\nid = 'chrome'\nkind = 'line'\npattern = '^x'\n{EX}\n[[rule]]\nid = 'm'\nkind = 'mirror'\nmode = 'repeat'\nwindow = 2\nmin_chars = 3\n{EX}"
        ));
        let mut seed = 7u64;
        for n in 0..300 {
            let page = random_page(&mut seed, n % 40);
            let lines: Vec<&str> = (lines::split(&page).into_iter())
                .map(|r| &page[r])
                .collect();
            // The engine as it was: every earlier line of the window compared.
            let mut kept: Vec<bool> = lines.iter().map(|l| !l.starts_with('x')).collect();
            let mut dropped = vec![false; lines.len()];
            let norms: Vec<(usize, &str)> = (0..lines.len())
                .filter(|&i| !lines[i].is_empty())
                .map(|i| (i, trim_marks(lines[i])))
                .collect();
            let (mut from, mut kept_in_window) = (0, 0);
            for k in 0..norms.len() {
                let (i, norm) = norms[k];
                if kept[i] && norms[from..k].iter().any(|&(_, w)| w == norm) && norm.len() >= 3 {
                    kept[i] = false;
                    dropped[i] = true;
                }
                kept_in_window += usize::from(kept[i]);
                while kept_in_window > 2 {
                    kept_in_window -= usize::from(kept[norms[from].0]);
                    from += 1;
                }
            }
            let c = clean(&page, &set);
            let got: Vec<bool> = (c.records.iter())
                .map(|r| r.verdict == Verdict::Dropped { rule: 1 })
                .collect();
            assert_eq!(got, dropped, "{page:?}");
        }
    }

    #[test]
    fn normalizing_in_place_trims_as_trimming_always_does() {
        let chars = ['a', '.', '-', '|', '•', '—', ' ', '"', '\u{b}', '\u{a0}'];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = (texts.iter())
                .flat_map(|t| chars.iter().map(move |&c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        for t in &texts {
            assert_eq!(normalize(t), trim_marks(t), "{t:?}");
            let page = format!("<{t}>");
            let r = normalized(&page, 1..page.len() - 1);
            assert_eq!(&page[r], trim_marks(t), "{t:?}");
        }
    }

    #[test]
    fn mirror_key_slots_depend_on_the_text_only() {
        let texts = [
            "",
            "a",
            "Korea",
            "Korea Herald",
            "Korea Herald, Seoul — 2024",
        ];
        for t in texts {
            let page = format!("xx{t}yy");
            assert_eq!(
                mirror_key::slot(t.as_bytes()),
                mirror_key::slot(&page.as_bytes()[2..2 + t.len()])
            );
            assert!(mirror_key::slot(t.as_bytes()) < mirror_key::SLOTS);
        }
    }

    #[test]
    fn within_finds_the_lines_of_a_range() {
        let lines = [1, 2, 5, 8, 9];
        for start in 0..11 {
            for end in start..11 {
                let plain: Vec<usize> = lines
                    .iter()
                    .copied()
                    .filter(|i| (start..end).contains(i))
                    .collect();
                assert_eq!(within(&lines, start..end), plain);
            }
        }
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
