//! Matching every pattern against a line, fast.
//!
//! Each pattern is cut into its top-level alternatives (a line matches a
//! pattern when it matches any of them), and each alternative loses what
//! cannot change whether a line matches: a leading `^.*` and a trailing
//! `.*` or `.*$`. Each alternative then goes where it costs least:
//!
//! - anchored at the line's start (`^Advertisement$`): one lazy DFA for all
//!   of them, run anchored from the start, which stops as soon as every
//!   alternative is dead, so a long paragraph costs a handful of steps, and
//!   none when the DFA died within the same first two or four bytes before;
//! - anchored at the end only (`\[…/Reuters\]$`): one lazy DFA of the
//!   reversed alternatives, run backwards from the line's end;
//! - floating and unable to leave a line (no anchors, no class holding a
//!   newline, never empty; `(?i)all rights reserved`): searched once over
//!   the whole page with its literal prefilter, and only the lines it hits
//!   are checked;
//! - any other floating one: its own regex, tried on each line.
//!
//! Mixing floating alternatives into the anchored DFA would keep it running
//! over every byte of every paragraph with all patterns' states at once.

use std::sync::Arc;

use regex_automata::hybrid::LazyStateID;
use regex_automata::hybrid::dfa::{self as lazy, OverlappingState};
use regex_automata::meta::{self, Regex};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::pool::{Pool, PoolGuard};
use regex_automata::{Anchored, Input, MatchKind, PatternSet};
use regex_syntax::hir::{Dot, Hir, HirKind, Look};

/// Compile limits: generous, since rule packs are compiled once per run.
const SIZE_LIMIT: usize = 64 << 20;

/// The compiled groups, shared by every thread.
#[derive(Debug)]
struct Groups {
    /// Start-anchored alternatives: one lazy DFA, run anchored forward.
    fwd: Option<Group>,
    /// End-anchored alternatives: one lazy DFA of the reversed patterns,
    /// run anchored backward from the line's end.
    rev: Option<Group>,
    /// The rest, each its own regex, with the pattern id it belongs to.
    floating: Vec<(usize, Regex)>,
    /// Floating alternatives searched over the whole page, with their
    /// pattern ids.
    paged: Vec<(usize, Regex)>,
    /// The searches that find the lines `paged` may hit, each run once
    /// over the page.
    searches: Vec<PageSearch>,
    len: usize,
}

/// A search over the whole page for the lines some of the paged
/// alternatives may hit: those alternatives are tried on the lines it finds,
/// and only there.
#[derive(Debug)]
struct PageSearch {
    finder: Regex,
    /// Whether it searches the page with ASCII letters lower-cased: it then
    /// finds the run of letters (see [`folded_factor`]) that every match of
    /// its alternatives holds, in any case.
    folded: bool,
    /// The alternatives it serves, as indices into `Groups::paged`.
    alts: Vec<usize>,
}

#[derive(Debug)]
struct Group {
    dfa: lazy::DFA,
    /// The pattern id of each of the DFA's alternatives.
    ids: Vec<usize>,
    /// False when an alternative matches the empty string: such a group
    /// has no dead end to look for.
    can_die: bool,
}

impl Group {
    /// Appends to `out` the pattern ids of the alternatives that match the
    /// line (anchored at its start, or at its end for the reverse group),
    /// some perhaps twice, by one walk of the DFA over it, to the dead
    /// state or the line's end: None when the walk cannot tell (an
    /// alternative matches the empty string, so the DFA never dies, or its
    /// cache gave up) and the caller must drop what it appended and search.
    /// A line whose lead the DFA died within before (see [`DeadLeads`])
    /// need not be walked.
    fn walk(
        &self,
        cache: &mut GroupCache,
        b: &[u8],
        reverse: bool,
        out: &mut Vec<usize>,
    ) -> Option<()> {
        if !self.can_die {
            return None;
        }
        let start = out.len();
        let left = if reverse {
            let mut bytes = b.iter().rev().copied();
            self.walk_bytes(&mut cache.dfa, &mut bytes, out)?;
            bytes.len()
        } else {
            let mut bytes = b.iter().copied();
            self.walk_bytes(&mut cache.dfa, &mut bytes, out)?;
            bytes.len()
        };
        // Bytes left unwalked, none matched: the DFA died.
        if left > 0 && out.len() == start {
            cache.dead_leads.insert(b, reverse, b.len() - left);
        }
        Some(())
    }

    #[inline(always)]
    fn walk_bytes(
        &self,
        cache: &mut lazy::Cache,
        bytes: &mut impl Iterator<Item = u8>,
        out: &mut Vec<usize>,
    ) -> Option<()> {
        // Every line is searched alone: the start is at the text's edge.
        let config = regex_automata::util::start::Config::new().anchored(Anchored::Yes);
        let mut sid = self.dfa.start_state(cache, &config).ok()?;
        if sid.is_tagged() {
            // Dead or quit from the start: let the search tell.
            return None;
        }
        'walk: loop {
            let Some((next, b)) = self.run(cache, &mut sid, bytes) else {
                break 'walk;
            };
            // Tagged: yet to be computed, dead, quit, or a (delayed) match,
            // which the walk goes on from with `next_state`, as it reads
            // tagged states too.
            let mut next = if next.is_unknown() {
                self.dfa.next_state(cache, sid, b).ok()?
            } else {
                next
            };
            loop {
                if next.is_dead() {
                    return Some(());
                }
                if next.is_quit() {
                    return None;
                }
                if next.is_match() {
                    self.record(cache, next, out);
                }
                sid = next;
                if !sid.is_tagged() {
                    continue 'walk;
                }
                let Some(b) = bytes.next() else {
                    break 'walk;
                };
                next = self.dfa.next_state(cache, sid, b).ok()?;
            }
        }
        // A match ending at the line's edge shows only past its end.
        sid = self.dfa.next_eoi_state(cache, sid).ok()?;
        if sid.is_match() {
            self.record(cache, sid, out);
        }
        Some(())
    }

    /// Steps from untagged state `sid` to the next while that is untagged,
    /// by the transition table alone, in a loop that only reads, with one
    /// test per byte: the tagged state it stops at and its byte, or None at
    /// the end of `bytes`.
    #[inline(always)]
    fn run(
        &self,
        cache: &lazy::Cache,
        sid: &mut LazyStateID,
        bytes: &mut impl Iterator<Item = u8>,
    ) -> Option<(LazyStateID, u8)> {
        let mut cur = *sid;
        let found = loop {
            let Some(b) = bytes.next() else {
                break None;
            };
            let next = self.dfa.next_state_untagged(cache, cur, b);
            if next.is_tagged() {
                break Some((next, b));
            }
            cur = next;
        };
        *sid = cur;
        found
    }

    /// Appends to `out` the pattern ids of the alternatives that match
    /// `line` (some perhaps twice), unless its lead shows none can.
    #[inline(always)]
    fn matches(&self, cache: &mut GroupCache, line: &[u8], reverse: bool, out: &mut Vec<usize>) {
        if cache.dead_leads.hold(line, reverse) {
            return;
        }
        let walked = out.len();
        if self.walk(cache, line, reverse, out).is_none() {
            out.truncate(walked);
            self.search(cache, line, reverse, out);
        }
    }

    /// [`Group::matches`] by a search, for a line the walk cannot tell.
    #[inline(never)]
    fn search(&self, cache: &mut GroupCache, line: &[u8], reverse: bool, out: &mut Vec<usize>) {
        let input = Input::new(line).anchored(Anchored::Yes);
        if reverse {
            let mut state = OverlappingState::start();
            while self
                .dfa
                .try_search_overlapping_rev(&mut cache.dfa, &input, &mut state)
                .is_ok()
            {
                match state.get_match() {
                    Some(m) => out.push(self.ids[m.pattern().as_usize()]),
                    None => break,
                }
            }
        } else {
            cache.set.clear();
            // Without quit bytes or a give-up threshold, a lazy DFA search
            // cannot fail.
            if self
                .dfa
                .try_which_overlapping_matches(&mut cache.dfa, &input, &mut cache.set)
                .is_ok()
            {
                out.extend(cache.set.iter().map(|p| self.ids[p.as_usize()]));
            }
        }
    }

    /// Appends the pattern ids of match state `sid`'s alternatives to `out`.
    fn record(&self, cache: &lazy::Cache, sid: LazyStateID, out: &mut Vec<usize>) {
        for k in 0..self.dfa.match_len(cache, sid) {
            out.push(self.ids[self.dfa.match_pattern(cache, sid, k).as_usize()]);
        }
    }
}

/// Per-thread search state: the groups' caches and the floating regexes'
/// caches.
#[derive(Debug)]
struct Caches {
    fwd: Option<GroupCache>,
    rev: Option<GroupCache>,
    floating: Vec<meta::Cache>,
    /// One per page-searched pattern: the thread's own, where the regex's
    /// shared pool would hand its cache out, on every line tried, without
    /// a lock only to the first thread that asked.
    paged: Vec<meta::Cache>,
}

/// A group's per-thread state.
#[derive(Debug)]
struct GroupCache {
    dfa: lazy::Cache,
    /// The alternatives a search found, when the walk could not tell.
    set: PatternSet,
    dead_leads: DeadLeads,
}

impl Group {
    fn create_cache(&self) -> GroupCache {
        GroupCache {
            dfa: self.dfa.create_cache(),
            set: PatternSet::new(self.ids.len()),
            dead_leads: DeadLeads::new(),
        }
    }
}

/// The leads of lines (the bytes a group walks first: a line's first ones,
/// or its last ones for the reverse group) that the group's DFA died
/// within, so that it matches no line with one of them: a match shows only
/// a byte past its end, in a state that is not dead. Most lines die within
/// two bytes, and many of the others within four.
#[derive(Debug)]
struct DeadLeads {
    /// Leads of two bytes, as `u16`s: a bit each.
    pairs: Box<[u64; 1 << 10]>,
    /// Leads of four bytes, as `u32`s, in a slot each picked by a hash,
    /// which the last one there takes. A line is UTF-8, so it never holds
    /// the byte 0xFF and `u32::MAX` marks an empty slot.
    quads: Box<[u32; 1 << QUAD_BITS]>,
}

const QUAD_BITS: u32 = 12;

impl DeadLeads {
    fn new() -> DeadLeads {
        DeadLeads {
            pairs: Box::new([0; 1 << 10]),
            quads: Box::new([u32::MAX; 1 << QUAD_BITS]),
        }
    }

    /// Whether the DFA died within the lead of `line` before.
    #[inline]
    fn hold(&self, b: &[u8], reverse: bool) -> bool {
        let Some(pair) = lead(b, reverse).map(u16::from_le_bytes) else {
            return false;
        };
        self.pairs[usize::from(pair >> 6)] & (1 << (pair & 63)) != 0
            || lead(b, reverse)
                .map(u32::from_le_bytes)
                .is_some_and(|quad| self.quads[quad_slot(quad)] == quad)
    }

    /// Records that the DFA died `walked` bytes into `line`.
    fn insert(&mut self, line: &[u8], reverse: bool, walked: usize) {
        if walked <= 2 {
            if let Some(pair) = lead(line, reverse).map(u16::from_le_bytes) {
                self.pairs[usize::from(pair >> 6)] |= 1 << (pair & 63);
            }
        } else if walked <= 4
            && let Some(quad) = lead(line, reverse).map(u32::from_le_bytes)
        {
            self.quads[quad_slot(quad)] = quad;
        }
    }
}

/// The first `N` bytes of `line` a group walks.
#[inline]
fn lead<const N: usize>(line: &[u8], reverse: bool) -> Option<[u8; N]> {
    let lead = if reverse {
        line.last_chunk()
    } else {
        line.first_chunk()
    };
    lead.copied()
}

/// A Fibonacci hash of `quad`, to the slot that may hold it.
#[inline]
fn quad_slot(quad: u32) -> usize {
    (quad.wrapping_mul(0x9e37_79b9) >> (32 - QUAD_BITS)) as usize
}

type MakeCaches =
    Box<dyn Fn() -> Caches + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>;

pub struct Matcher {
    groups: Arc<Groups>,
    caches: Pool<Caches, MakeCaches>,
}

/// Scratch space for [`Matcher::matches_with`]: this thread's caches, held
/// for a page rather than fetched per line.
pub struct Scratch<'a> {
    caches: PoolGuard<'a, Caches, MakeCaches>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.groups.fmt(f)
    }
}

impl Clone for Matcher {
    fn clone(&self) -> Matcher {
        Matcher::from_groups(Arc::clone(&self.groups))
    }
}

impl Matcher {
    pub fn new(patterns: &[String]) -> Result<Matcher, regex::Error> {
        let (mut fwd, mut rev) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
        let (mut floating, mut paged) = (Vec::new(), Vec::new());
        let (mut paged_alts, mut paged_literals) = (Vec::new(), Vec::new());
        let mut factors = Vec::new();
        for (id, p) in patterns.iter().enumerate() {
            for alt in alternatives(p)? {
                let props = alt.properties();
                // A lazy DFA cannot do Unicode word boundaries; the meta
                // regex falls back to an engine that can.
                let dfa_ok = !props.look_set().contains_word_unicode();
                if dfa_ok && props.look_set_prefix().contains(Look::Start) {
                    fwd.0.push(alt);
                    fwd.1.push(id);
                } else if let Some(literals) = line_prefix_literals(&alt) {
                    // Only lines holding one of the literals can match.
                    paged_literals.push((literals, paged.len()));
                    paged.push((id, build(&alt)?));
                } else if dfa_ok && props.look_set_suffix().contains(Look::End) {
                    rev.0.push(alt);
                    rev.1.push(id);
                } else if stays_in_line(&alt) {
                    let k = paged.len();
                    paged.push((id, build(&alt)?));
                    match folded_factor(&alt) {
                        Some(factor) => factors.push((factor, k)),
                        None => paged_alts.push((alt, k)),
                    }
                } else {
                    floating.push((id, build(&alt)?));
                }
            }
        }
        let groups = Groups {
            fwd: group(fwd, false)?,
            rev: group(rev, true)?,
            floating,
            paged,
            searches: plain_searches([paged_alts, paged_literals])?
                .into_iter()
                .chain(folded_searches(factors)?)
                .collect(),
            len: patterns.len(),
        };
        Ok(Matcher::from_groups(Arc::new(groups)))
    }

    fn from_groups(groups: Arc<Groups>) -> Matcher {
        let g = Arc::clone(&groups);
        let make: MakeCaches = Box::new(move || Caches {
            fwd: g.fwd.as_ref().map(Group::create_cache),
            rev: g.rev.as_ref().map(Group::create_cache),
            floating: g.floating.iter().map(|(_, re)| re.create_cache()).collect(),
            paged: g.paged.iter().map(|(_, re)| re.create_cache()).collect(),
        });
        Matcher {
            groups,
            caches: Pool::new(make),
        }
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.groups.len
    }

    pub fn is_empty(&self) -> bool {
        self.groups.len == 0
    }

    pub fn scratch(&self) -> Scratch<'_> {
        Scratch {
            caches: self.caches.get(),
        }
    }

    /// The (line, pattern id) pairs of the page-searched patterns, sorted:
    /// each pattern is searched once over `text`, and a line it hits is
    /// checked on its own (its range is trimmed, so a hit can reach past it).
    pub fn page_hits(
        &self,
        text: &str,
        lines: &[std::ops::Range<usize>],
        scratch: &mut Scratch<'_>,
    ) -> Vec<(usize, usize)> {
        let caches = &mut *scratch.caches;
        // (line, search) pairs: the lines each search found.
        let mut candidates = Vec::new();
        // Only when a folded search needs it.
        let mut folded = crate::reuse::take(&FOLDED, 0);
        if self.groups.searches.iter().any(|s| s.folded) {
            ascii_lowered_into(text.as_bytes(), &mut folded);
        }
        for (k, search) in self.groups.searches.iter().enumerate() {
            let haystack = if search.folded {
                folded.as_slice()
            } else {
                text.as_bytes()
            };
            let mut last = usize::MAX;
            for m in search.finder.find_iter(haystack) {
                // The line holding the match's last byte: the last one
                // starting at or before it. (A match reaching into a line
                // from its leading white space belongs to that line.) An
                // alternative whose match the search passed over overlaps
                // this one, so it is on the same line, which each of the
                // search's alternatives is tried on.
                let l = lines
                    .partition_point(|r| r.start < m.end())
                    .saturating_sub(1);
                if l != last && l < lines.len() {
                    candidates.push((l, k));
                    last = l;
                }
            }
        }
        crate::reuse::give(&FOLDED, folded);
        candidates.sort_unstable();
        let mut hits = Vec::new();
        for (l, k) in candidates {
            let line = &text[lines[l].clone()];
            for &a in &self.groups.searches[k].alts {
                let (id, re) = &self.groups.paged[a];
                if re.is_match_with(&mut caches.paged[a], &line.into()) {
                    hits.push((l, *id));
                }
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    /// Appends the ids of the patterns matching `line` to `out`, in
    /// increasing order and each once.
    pub fn matches_with(&self, line: &str, scratch: &mut Scratch<'_>, out: &mut Vec<usize>) {
        let start = out.len();
        self.matches_unpaged(line, scratch, out);
        let caches = &mut scratch.caches.paged;
        for ((id, re), cache) in self.groups.paged.iter().zip(caches) {
            if re.is_match_with(cache, &line.into()) {
                out.push(*id);
            }
        }
        sort_dedup_tail(out, start);
    }

    /// [`Matcher::matches_with`] without the page-searched patterns, for a
    /// caller that has their [`Matcher::page_hits`].
    pub fn matches_unpaged(&self, line: &str, scratch: &mut Scratch<'_>, out: &mut Vec<usize>) {
        let start = out.len();
        self.unpaged(line.as_bytes(), &mut scratch.caches, out);
        sort_dedup_tail(out, start);
    }

    /// Calls `found(l, ids)` for each line `l` of `lines` that any pattern
    /// matches, in order, with the ids of those patterns in increasing
    /// order, each once: [`Matcher::matches_with`] for every line of the
    /// page, the paged patterns searched once over it.
    pub fn match_page(
        &self,
        text: &str,
        lines: &[std::ops::Range<usize>],
        mut found: impl FnMut(usize, &[usize]),
    ) {
        let mut scratch = self.scratch();
        let hits = self.page_hits(text, lines, &mut scratch);
        let caches = &mut *scratch.caches;
        let (mut out, mut paged) = (Vec::new(), 0);
        for (l, r) in lines.iter().enumerate() {
            if r.is_empty() {
                continue;
            }
            out.clear();
            self.unpaged(&text.as_bytes()[r.clone()], caches, &mut out);
            while let Some(&(hit, id)) = hits.get(paged)
                && hit <= l
            {
                if hit == l {
                    out.push(id);
                }
                paged += 1;
            }
            if !out.is_empty() {
                sort_dedup_tail(&mut out, 0);
                found(l, &out);
            }
        }
    }

    /// Appends to `out` the ids of the patterns other than the paged ones
    /// that match `line`, in no order, some perhaps twice.
    #[inline(always)]
    fn unpaged(&self, line: &[u8], c: &mut Caches, out: &mut Vec<usize>) {
        let g = &*self.groups;
        if let (Some(fwd), Some(cache)) = (&g.fwd, c.fwd.as_mut()) {
            fwd.matches(cache, line, false, out);
        }
        if let (Some(rev), Some(cache)) = (&g.rev, c.rev.as_mut()) {
            rev.matches(cache, line, true, out);
        }
        if !g.floating.is_empty() {
            self.floating(line, c, out);
        }
    }

    #[inline(never)]
    fn floating(&self, line: &[u8], c: &mut Caches, out: &mut Vec<usize>) {
        for ((id, re), cache) in self.groups.floating.iter().zip(&mut c.floating) {
            if re
                .search_half_with(cache, &Input::new(line).earliest(true))
                .is_some()
            {
                out.push(*id);
            }
        }
    }
}

// The page's lower-cased copy, in the buffer of the page before.
crate::reuse::shelf!(FOLDED: u8);

/// `text` with its ASCII letters lower-cased.
#[cfg(test)]
fn ascii_lowered(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    ascii_lowered_into(text, &mut out);
    out
}

/// Sets `out` to `text` with its ASCII letters lower-cased, copied and
/// folded in one pass (`<[u8]>::to_ascii_lowercase` copies, then folds),
/// 32 bytes at a step where the CPU can.
fn ascii_lowered_into(text: &[u8], out: &mut Vec<u8>) {
    out.clear();
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, as just checked.
        return unsafe { ascii_lowered_avx2(text, out) };
    }
    ascii_lowered_plain(text, out)
}

/// [`ascii_lowered_plain`], compiled for AVX2: the same loop, vectorized
/// twice as wide as the baseline's SSE2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn ascii_lowered_avx2(text: &[u8], out: &mut Vec<u8>) {
    ascii_lowered_plain(text, out)
}

#[inline(always)]
fn ascii_lowered_plain(text: &[u8], out: &mut Vec<u8>) {
    out.extend(text.iter().map(u8::to_ascii_lowercase));
}

/// One lazy DFA over `alts`, reporting every alternative that matches.
fn group(
    (alts, ids): (Vec<Hir>, Vec<usize>),
    reverse: bool,
) -> Result<Option<Group>, regex::Error> {
    if alts.is_empty() {
        return Ok(None);
    }
    let err = |e: &dyn std::fmt::Display| regex::Error::Syntax(e.to_string());
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .reverse(reverse)
                .which_captures(WhichCaptures::None)
                .nfa_size_limit(Some(SIZE_LIMIT)),
        )
        .build_many_from_hir(&alts)
        .map_err(|e| err(&e))?;
    let dfa = lazy::Builder::new()
        .configure(
            lazy::Config::new()
                .match_kind(MatchKind::All)
                .cache_capacity(SIZE_LIMIT),
        )
        .build_from_nfa(nfa)
        .map_err(|e| err(&e))?;
    let can_die = alts
        .iter()
        .all(|a| a.properties().minimum_len().is_some_and(|n| n > 0));
    Ok(Some(Group { dfa, ids, can_die }))
}

/// The literals every match of an alternative not anchored at the start
/// begins with, as one alternation, when they are few, at least two bytes
/// long and free of line breaks: the page is then searched for them, and
/// only the lines that hold one are tried. This serves end-anchored
/// alternatives such as `©[^.]*$` that the reverse DFA would have to walk
/// back over whole lines.
fn line_prefix_literals(alt: &Hir) -> Option<Hir> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    if !alt.properties().look_set_prefix().is_empty() {
        return None;
    }
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(alt);
    let literals = seq.literals()?;
    let usable = |l: &regex_syntax::hir::literal::Literal| {
        l.as_bytes().len() >= 2 && !l.as_bytes().iter().copied().any(is_line_break)
    };
    if literals.is_empty() || literals.len() > 16 || !literals.iter().all(usable) {
        return None;
    }
    Some(Hir::alternation(
        literals
            .iter()
            .map(|l| Hir::literal(l.as_bytes()))
            .collect(),
    ))
}

/// The longest run of bytes that every match of `alt` holds, with ASCII
/// letters lower-cased, when it is at least [`MIN_FACTOR`] long: literal
/// bytes, and classes of one ASCII character in either case, next to each
/// other at the top of the pattern. A case-insensitive phrase (`(?i:all
/// rights reserved)`) is then searched by a rare run of its letters in a
/// lower-cased copy of the page, where its own prefilter would stop at
/// every "all" of the text. (Under Unicode case folding `k` and `s` also
/// match the Kelvin and long-s signs, so their classes end a run.)
fn folded_factor(alt: &Hir) -> Option<Vec<u8>> {
    fn folded(h: &Hir) -> Option<Vec<u8>> {
        use regex_syntax::hir::Class;
        let one_char = |ranges: Vec<(u32, u32)>| {
            let mut byte = None;
            for (lo, hi) in ranges {
                if hi >= 0x80 || hi - lo > 1 {
                    return None;
                }
                for c in lo..=hi {
                    let f = (c as u8).to_ascii_lowercase();
                    if *byte.get_or_insert(f) != f {
                        return None;
                    }
                }
            }
            byte.map(|b| vec![b])
        };
        match h.kind() {
            HirKind::Literal(l) => Some(l.0.to_ascii_lowercase()),
            HirKind::Class(Class::Unicode(c)) => one_char(
                (c.ranges().iter())
                    .map(|r| (u32::from(r.start()), u32::from(r.end())))
                    .collect(),
            ),
            HirKind::Class(Class::Bytes(c)) => one_char(
                (c.ranges().iter())
                    .map(|r| (u32::from(r.start()), u32::from(r.end())))
                    .collect(),
            ),
            HirKind::Capture(c) => folded(&c.sub),
            HirKind::Concat(v) => v
                .iter()
                .map(folded)
                .collect::<Option<Vec<_>>>()
                .map(|v| v.concat()),
            _ => None,
        }
    }
    let parts = match alt.kind() {
        HirKind::Concat(v) => v.as_slice(),
        _ => std::slice::from_ref(alt),
    };
    let (mut best, mut run) = (Vec::new(), Vec::new());
    for part in parts {
        match folded(part) {
            Some(bytes) => run.extend(bytes),
            None => {
                if run.len() > best.len() {
                    best = std::mem::take(&mut run);
                }
                run.clear();
            }
        }
    }
    if run.len() > best.len() {
        best = run;
    }
    (best.len() >= MIN_FACTOR).then_some(best)
}

/// Shorter runs are too common in text to be worth a search of their own.
const MIN_FACTOR: usize = 4;

/// The searches of the page as it is: one for the alternatives searched
/// as they are, one for the literals the others begin with (kept apart, as
/// a set mixing both would have a weaker prefilter than either). Each
/// serves all of its alternatives.
fn plain_searches(sets: [Vec<(Hir, usize)>; 2]) -> Result<Vec<PageSearch>, regex::Error> {
    (sets.into_iter())
        .filter(|set| !set.is_empty())
        .map(|set| {
            let (hirs, alts): (Vec<Hir>, Vec<usize>) = set.into_iter().unzip();
            Ok(PageSearch {
                finder: build_many(&hirs)?,
                folded: false,
                alts,
            })
        })
        .collect()
}

/// Folded searches: one per factor (a `memmem` search that skips along the
/// factor's rarest bytes) serving the alternatives that hold it, or when
/// there are many, one search for all.
fn folded_searches(mut factors: Vec<(Vec<u8>, usize)>) -> Result<Vec<PageSearch>, regex::Error> {
    const MAX_SEARCHES: usize = 8;
    factors.sort_unstable();
    let mut distinct: Vec<(Vec<u8>, Vec<usize>)> = Vec::new();
    for (factor, alt) in factors {
        match distinct.last_mut() {
            Some((f, alts)) if *f == factor => alts.push(alt),
            _ => distinct.push((factor, vec![alt])),
        }
    }
    let search = |literals: Vec<Hir>, alts: Vec<usize>| -> Result<PageSearch, regex::Error> {
        Ok(PageSearch {
            finder: build_many(&literals)?,
            folded: true,
            alts,
        })
    };
    if distinct.len() <= MAX_SEARCHES {
        (distinct.into_iter())
            .map(|(f, alts)| search(vec![Hir::literal(f)], alts))
            .collect()
    } else {
        let literals = distinct.iter().map(|(f, _)| Hir::literal(f.as_slice()));
        let literals = vec![Hir::alternation(literals.collect())];
        let mut alts: Vec<usize> = distinct.into_iter().flat_map(|(_, a)| a).collect();
        alts.sort_unstable();
        Ok(vec![search(literals, alts)?])
    }
}

/// Whether every match of `alt` lies inside one line and is not empty, so
/// a search over the whole page finds the lines it matches: no anchors or
/// other assertions, and no literal or class that holds a line break.
fn stays_in_line(alt: &Hir) -> bool {
    fn line_local(h: &Hir) -> bool {
        let holds_break = |lo: u32, hi: u32| (lo..=hi.min(0xff)).any(|c| is_line_break(c as u8));
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => true,
            HirKind::Literal(l) => !l.0.iter().copied().any(is_line_break),
            HirKind::Class(regex_syntax::hir::Class::Unicode(c)) => !c
                .ranges()
                .iter()
                .any(|r| holds_break(u32::from(r.start()), u32::from(r.end()))),
            HirKind::Class(regex_syntax::hir::Class::Bytes(c)) => !c
                .ranges()
                .iter()
                .any(|r| holds_break(u32::from(r.start()), u32::from(r.end()))),
            HirKind::Repetition(r) => line_local(&r.sub),
            HirKind::Capture(c) => line_local(&c.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().all(line_local),
        }
    }
    let props = alt.properties();
    props.look_set().is_empty() && props.minimum_len().is_some_and(|n| n > 0) && line_local(alt)
}

/// Lines end at `\n`, `\r\n` and a lone `\r`: a match searched over the
/// page must hold neither to stay on one line.
fn is_line_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

fn build(alt: &Hir) -> Result<Regex, regex::Error> {
    build_many(std::slice::from_ref(alt))
}

fn build_many(alts: &[Hir]) -> Result<Regex, regex::Error> {
    Regex::builder()
        .configure(
            meta::Config::new()
                .nfa_size_limit(Some(SIZE_LIMIT))
                .hybrid_cache_capacity(SIZE_LIMIT),
        )
        .build_many_from_hir(alts)
        .map_err(|e| regex::Error::Syntax(e.to_string()))
}

/// Sorts `out[start..]` and drops repeats in it (an id can come from two
/// alternatives of one pattern).
fn sort_dedup_tail(out: &mut Vec<usize>, start: usize) {
    if out.len() - start < 2 {
        return;
    }
    out[start..].sort_unstable();
    let mut w = start;
    for r in start..out.len() {
        if w == start || out[w - 1] != out[r] {
            out[w] = out[r];
            w += 1;
        }
    }
    out.truncate(w);
}

/// The pattern's top-level alternatives, each without a leading `^.*` or
/// a trailing `.*`/`.*$`: the same lines match.
fn alternatives(pattern: &str) -> Result<Vec<Hir>, regex::Error> {
    let hir = regex_syntax::parse(pattern).map_err(|e| regex::Error::Syntax(e.to_string()))?;
    let alts = match hir.into_kind() {
        HirKind::Alternation(alts) => alts,
        kind => vec![Hir::rebuild(kind)],
    };
    Ok(alts.into_iter().map(trim_dot_stars).collect())
}

trait Rebuild {
    fn rebuild(kind: HirKind) -> Hir;
}

impl Rebuild for Hir {
    fn rebuild(kind: HirKind) -> Hir {
        match kind {
            HirKind::Empty => Hir::empty(),
            HirKind::Literal(l) => Hir::literal(l.0),
            HirKind::Class(c) => Hir::class(c),
            HirKind::Look(l) => Hir::look(l),
            HirKind::Repetition(r) => Hir::repetition(r),
            HirKind::Capture(c) => Hir::capture(c),
            HirKind::Concat(v) => Hir::concat(v),
            HirKind::Alternation(v) => Hir::alternation(v),
        }
    }
}

fn trim_dot_stars(alt: Hir) -> Hir {
    let mut items = match alt.into_kind() {
        HirKind::Concat(items) => items,
        kind => return Hir::rebuild(kind),
    };
    if items.len() >= 2 && is_look(&items[0], Look::Start) && is_dot_star(&items[1]) {
        items.drain(..2);
    }
    if items.last().is_some_and(|h| is_look(h, Look::End))
        && items.len() >= 2
        && is_dot_star(&items[items.len() - 2])
    {
        items.pop();
    }
    if items.last().is_some_and(is_dot_star) {
        items.pop();
    }
    Hir::concat(items)
}

fn is_look(h: &Hir, look: Look) -> bool {
    matches!(h.kind(), HirKind::Look(l) if *l == look)
}

/// `.*` in any of its spellings: zero or more of anything but a newline
/// (lines never hold one), or of anything at all.
fn is_dot_star(h: &Hir) -> bool {
    let HirKind::Repetition(r) = h.kind() else {
        return false;
    };
    r.min == 0
        && r.max.is_none()
        && [
            Dot::AnyChar,
            Dot::AnyCharExceptLF,
            Dot::AnyCharExceptCRLF,
            Dot::AnyByte,
            Dot::AnyByteExceptLF,
            Dot::AnyByteExceptCRLF,
        ]
        .into_iter()
        .any(|d| *r.sub == Hir::dot(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(pats: &[&str]) -> Matcher {
        Matcher::new(&pats.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn ids(m: &Matcher, line: &str) -> Vec<usize> {
        let mut out = Vec::new();
        m.matches_with(line, &mut m.scratch(), &mut out);
        out
    }

    #[test]
    fn alternatives_are_split_and_lose_their_dot_stars() {
        let shown = |p: &str| {
            alternatives(p)
                .unwrap()
                .iter()
                .map(|h| h.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(shown("^.*said:$"), vec!["(?:(?:said:)\\z)"]);
        assert_eq!(shown("^copyright .*$"), vec!["(?:\\A(?:copyright ))"]);
        assert_eq!(shown("^a$|b.*"), vec!["(?:\\Aa\\z)", "b"]);
    }

    #[test]
    fn anchored_and_floating_patterns_all_answer_in_order() {
        let m = matcher(&["(?i)getty", "^Photo", "^Photo: .*", "credit$", "^x$|^.*AP$"]);
        assert_eq!(ids(&m, "Photo: AP via GETTY, credit"), vec![0, 1, 2, 3]);
        assert_eq!(ids(&m, "x"), vec![4]);
        assert_eq!(ids(&m, "by Ann/AP"), vec![4]);
        assert!(ids(&m, "nothing here").is_empty());
    }

    #[test]
    fn page_searched_patterns_hit_the_same_lines_as_line_by_line() {
        let pats = [
            r"(?i)all rights reserved",
            r"\s*foo",
            r"ab|b",
            r"^x",
            r"z$",
            r"[^q]+bar",
            " foo",
            "bar ",
            // Found by their leading literals, then tried on the line.
            r"©[^©.!?]*$",
            r"(?:Photo|Image): [^.]*$",
            // Could run across a lone `\r` (a line break) and hide `x`.
            r"Q.+Z",
            "x",
            // Found by a run of their letters in the lower-cased page.
            r"(?i)via getty images",
            r"(?i:kelvin) Scale",
        ];
        let m = matcher(&pats);
        let searches = |folded: bool| m.groups.searches.iter().filter(move |s| s.folded == folded);
        assert_eq!(
            searches(false).count(),
            2,
            "patterns are searched by page, as they are and by their literals"
        );
        assert_eq!(searches(true).count(), 3, "and by their folded letters");
        let page = "  foo\nALL RIGHTS RESERVED.\n\n   \nab ab\n x\nxz \n\r\nbar\nq\nqqbar\n\t foo bar  \n\
            Dawn © Jo Marsh/AFP\nA © B. Then more\n© x\n© y.\nPhoto: Jo Marsh\nImage: a. b\n  © z  \nQx\rZ\n\
            Jo Marsh/AFP VIA Getty ImageS\nall rightſ reserved\n\u{212a}ELVIN Scale\nkelvin scale\nvia getty\n";
        let lines = crate::clean::lines::split(page);
        let mut scratch = m.scratch();
        let hits = m.page_hits(page, &lines, &mut scratch);
        for (l, r) in lines.iter().enumerate().filter(|(_, r)| !r.is_empty()) {
            let line = &page[r.clone()];
            let mut got = Vec::new();
            m.matches_unpaged(line, &mut scratch, &mut got);
            got.extend(hits.iter().filter(|h| h.0 == l).map(|h| h.1));
            got.sort_unstable();
            got.dedup();
            assert_eq!(got, ids(&m, line), "line {l}: {line:?}");
        }
    }

    #[test]
    fn pages_are_lowered_as_to_ascii_lowercase_does() {
        let page: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        for n in 0..page.len() {
            assert_eq!(ascii_lowered(&page[..n]), page[..n].to_ascii_lowercase());
        }
    }

    #[test]
    fn folded_factors_are_the_longest_runs_of_one_letter_each() {
        let factor = |p: &str| {
            let alt = alternatives(p).unwrap().remove(0);
            folded_factor(&alt).map(|f| String::from_utf8(f).unwrap())
        };
        assert_eq!(
            factor("(?i)all rights reserved").as_deref(),
            Some("all right")
        );
        assert_eq!(factor("Getty Images").as_deref(), Some("getty images"));
        // `k` also matches the Kelvin sign, and `s` the long s.
        assert_eq!(factor("(?i)kelvins").as_deref(), Some("elvin"));
        assert_eq!(factor("foo(?:bar|baz)qux1").as_deref(), Some("qux1"));
        assert_eq!(factor("(?i)caf\u{e9} menu").as_deref(), Some(" menu"));
        assert_eq!(factor("[a-c]xyz"), None, "too short");
        assert_eq!(factor("(?i)[ab]+"), None);
    }

    #[test]
    fn many_folded_phrases_share_one_search() {
        let pats: Vec<String> = (0..10).map(|n| format!("(?i)zebra {n}")).collect();
        let pats: Vec<&str> = pats.iter().map(String::as_str).collect();
        let m = matcher(&pats);
        assert_eq!(m.groups.searches.len(), 1);
        let page = "a ZEBRA 3 here\nzebra\n\nZebra 9 and zebra 0\n";
        let lines = crate::clean::lines::split(page);
        assert_eq!(
            m.page_hits(page, &lines, &mut m.scratch()),
            [(0, 3), (3, 0), (3, 9)]
        );
    }

    #[test]
    fn a_pattern_matching_through_two_alternatives_is_reported_once() {
        let m = matcher(&["^a|a$", "^a.*|^.*a$"]);
        assert_eq!(ids(&m, "a"), vec![0, 1]);
        assert_eq!(ids(&m, "banana"), vec![0, 1]);
    }

    #[test]
    fn the_default_patterns_match_each_sample_line_as_the_regex_crate_does() {
        // Every pattern of the default pack, through the grouped DFAs and
        // page searches, against each line of the shipped sample pages and
        // of lines made to hit the anchored groups' edge cases.
        let mut rules = crate::rules::load(&crate::rules::Source::defaults())
            .unwrap()
            .rules()
            .to_vec();
        let mut pats: Vec<String> = (rules.iter_mut())
            .flat_map(|r| r.kind.pats_mut().into_iter().map(|(p, _)| p.src.clone()))
            .collect();
        pats.sort();
        pats.dedup();
        let m = Matcher::new(&pats).unwrap();
        let res: Vec<regex::Regex> = pats.iter().map(|p| regex::Regex::new(p).unwrap()).collect();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/raw");
        let mut text = String::new();
        for e in std::fs::read_dir(dir).unwrap() {
            text += &std::fs::read_to_string(e.unwrap().path()).unwrap_or_default();
            text.push('\n');
        }
        text += "Advertisement\nAdvertisement \nBy Ann Lee\nPhoto: AP\n[Reuters/Ann]\n© 2024 X. All rights reserved\nA\n\u{a0}\n";
        let lines = crate::clean::lines::split(&text);
        let mut scratch = m.scratch();
        for r in lines.iter().filter(|r| !r.is_empty()) {
            let line = &text[r.clone()];
            let mut got = Vec::new();
            m.matches_with(line, &mut scratch, &mut got);
            let want: Vec<usize> = (0..pats.len()).filter(|&i| res[i].is_match(line)).collect();
            assert_eq!(got, want, "{line:?}");
        }
    }

    #[test]
    fn a_walk_records_the_lead_it_died_within_and_no_other() {
        let m = matcher(&["^abcde", "^ab", "[a-z]*vwxyz$"]);
        let mut scratch = m.scratch();
        let lines = [
            "qqqq", "abzzz", "abcdx", "aaaa", "xxbq", "a qxyz", "zzqwxyz",
        ];
        for line in lines {
            m.matches_unpaged(line, &mut scratch, &mut Vec::new());
        }
        let c = &*scratch.caches;
        let fwd = &c.fwd.as_ref().unwrap().dead_leads;
        let rev = &c.rev.as_ref().unwrap().dead_leads;
        // Dead at the first byte, and within four.
        assert!(fwd.hold(b"qq", false) && fwd.hold(b"aaaa", false));
        // `ab` matched before the DFA died: its lead proves nothing.
        assert!(!fwd.hold(b"abzz", false) && !fwd.hold(b"ab", false));
        // Dead past the lead.
        assert!(!fwd.hold(b"abcd", false));
        // Backward from the end likewise.
        assert!(rev.hold(b"bq", true) && rev.hold(b"qxyz", true));
        assert!(!rev.hold(b"wxyz", true) && !rev.hold(b"yz", true));
    }

    #[test]
    fn lines_sharing_a_lead_with_a_dead_one_match_as_the_regex_crate_does() {
        // Every line of up to six letters of three, twice, through one
        // scratch: walks die at every depth, matched or not, and later
        // lines share their leads.
        let pats = [
            "^ab",
            "^abc$",
            "^a.c",
            "^aaaa",
            "^(?:ab|ba)c+$",
            "^abca.",
            "^c.{3}b$",
            "ca$",
            "bcb$",
            "aab$",
            "bacab$",
            "^b|cc$",
        ];
        let m = matcher(&pats);
        let res: Vec<regex::Regex> = pats.iter().map(|p| regex::Regex::new(p).unwrap()).collect();
        let mut lines = vec![String::new()];
        for len in 1..=6 {
            let shorter: Vec<String> = lines
                .iter()
                .filter(|l| l.len() == len - 1)
                .cloned()
                .collect();
            lines.extend(
                shorter
                    .iter()
                    .flat_map(|l| ["a", "b", "c"].map(|c| format!("{l}{c}"))),
            );
        }
        let mut scratch = m.scratch();
        for line in lines.iter().chain(&lines) {
            let mut got = Vec::new();
            m.matches_with(line, &mut scratch, &mut got);
            let want: Vec<usize> = (0..pats.len()).filter(|&i| res[i].is_match(line)).collect();
            assert_eq!(got, want, "{line:?}");
        }
    }

    #[test]
    fn trimming_never_changes_which_lines_match() {
        let pats = [
            "^.*said:$",
            "^copyright .*$",
            "^(?i:a|b).*",
            "^.*x.*$",
            ".*",
        ];
        let lines = [
            "he said:",
            "said: no",
            "copyright 2020",
            "Bee",
            "axe",
            "",
            "copyright",
        ];
        for p in pats {
            let m = matcher(&[p]);
            let re = regex::Regex::new(p).unwrap();
            for l in lines {
                assert_eq!(ids(&m, l) == vec![0], re.is_match(l), "{p} on {l:?}");
            }
        }
    }
}
