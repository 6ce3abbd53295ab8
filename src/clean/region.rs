//! The main-region heuristic, for sites nobody wrote rules for.
//!
//! What text alone shows: an article is a dense run of long, sentence-like
//! lines; chrome comes in runs of short, link-like lines before and after
//! it, and a short line inside the run (a subhead) is content. Each kept
//! line gets a score — positive for prose, negative otherwise — and the
//! article is the first run of lines (a maximal-sum segment) scoring at
//! least `alpha` times the best run, plus the headline and byline lines
//! right above it.

use super::shape::{STOP_SAMPLE, Shape};
use crate::rules::Region;

/// The share of function words a short sentence needs to count as text.
const MID_STOP_SHARE: f64 = 0.2;

/// How many function words [`score`] needs counted on a line (see
/// [`Shape::with_stop_need`]), worked out for every sample size at once:
/// it is asked for every line of a page.
#[derive(Debug, Clone)]
pub struct StopNeeds {
    prose_words: usize,
    long_words: usize,
    /// By the number of words sampled (up to [`STOP_SAMPLE`]): for prose,
    /// and for a short sentence.
    prose: [u32; STOP_SAMPLE as usize + 1],
    mid: [u32; STOP_SAMPLE as usize + 1],
}

impl StopNeeds {
    pub fn new(r: &Region) -> StopNeeds {
        StopNeeds {
            prose_words: r.prose_words,
            long_words: r.long_words,
            prose: std::array::from_fn(|n| fewest_passing(r.stopword_min, n as u32)),
            mid: std::array::from_fn(|n| fewest_passing(MID_STOP_SHARE, n as u32)),
        }
    }

    /// For a line of `words` words (ending like a sentence or not): with
    /// that many among its first [`STOP_SAMPLE`] words, its share passes
    /// the one threshold `score` compares it with, so more change
    /// nothing. 0 for a line whose score does not depend on them.
    #[inline]
    pub fn get(&self, words: u32, sentence: bool) -> u32 {
        let (w, n) = (words as usize, words.min(STOP_SAMPLE) as usize);
        if (w >= self.prose_words && sentence) || w >= self.long_words {
            self.prose[n]
        } else if sentence && w >= 4 {
            self.mid[n]
        } else {
            0
        }
    }
}

/// [`StopNeeds::get`] for all of a rule set's region rules at once (the
/// most any of them needs), looked up in a table by word count: it is
/// asked for every line of a page.
#[derive(Debug, Clone)]
pub struct StopTable {
    needs: Vec<StopNeeds>,
    /// By word count, up to `top`; `[not a sentence, sentence]`.
    by_words: Vec<[u32; 2]>,
    /// From this word count on every rule counts a line as long, sampling
    /// [`STOP_SAMPLE`] words: the need stays the same.
    top: usize,
}

impl StopTable {
    /// A table this long at most; rules with longer thresholds look the
    /// rest up rule by rule.
    const MAX_LEN: usize = 256;

    pub fn new<'r>(regions: impl Iterator<Item = &'r Region>) -> StopTable {
        let needs: Vec<StopNeeds> = regions.map(StopNeeds::new).collect();
        let top = (needs.iter())
            .map(|n| n.prose_words.max(n.long_words).max(STOP_SAMPLE as usize))
            .max()
            .unwrap_or(0);
        let mut table = StopTable {
            needs,
            by_words: Vec::new(),
            top: usize::MAX,
        };
        table.by_words = (0..=top.min(Self::MAX_LEN - 1))
            .map(|w| [false, true].map(|s| table.each(w as u32, s)))
            .collect();
        if top < Self::MAX_LEN {
            table.top = top;
        }
        table
    }

    #[inline]
    pub fn get(&self, words: u32, sentence: bool) -> u32 {
        match self.by_words.get((words as usize).min(self.top)) {
            Some(n) => n[usize::from(sentence)],
            None => self.each(words, sentence),
        }
    }

    /// The most any rule needs, asked rule by rule.
    fn each(&self, words: u32, sentence: bool) -> u32 {
        (self.needs.iter())
            .map(|n| n.get(words, sentence))
            .max()
            .unwrap_or(0)
    }
}

/// The fewest `c` of `n` with `c / n >= share`, decided by the very
/// division [`score`] makes, so that rounding cannot tell them apart.
fn fewest_passing(share: f64, n: u32) -> u32 {
    let passes = |c: u32| f64::from(c) / f64::from(n) >= share;
    let mut c = ((share * f64::from(n)).ceil().max(0.0) as u32).min(n);
    while c > 0 && passes(c - 1) {
        c -= 1;
    }
    while c < n && !passes(c) {
        c += 1;
    }
    c
}

/// How much a line reads like running text.
pub fn score(shape: Shape, r: &Region, comment_header: bool) -> f64 {
    let words = shape.words as usize;
    if comment_header && words <= r.comment_max_words {
        return -r.comment_penalty;
    }
    if words == 0 {
        return 0.0;
    }
    let stop = shape.stop_share();
    if (words >= r.prose_words && shape.sentence) || words >= r.long_words {
        let s = words.min(r.cap) as f64;
        return if stop < r.stopword_min {
            s * r.list_factor
        } else {
            s
        };
    }
    if shape.sentence && words >= 4 && stop >= MID_STOP_SHARE {
        return r.mid_score;
    }
    -r.short_penalty
}

/// The chosen run: the first maximal-sum segment scoring at least `alpha`
/// times the best, as (first, last, its score); None when no run reaches
/// `min_score`.
pub fn choose(scores: &[f64], alpha: f64, min_score: f64) -> Option<(usize, usize, f64)> {
    // Maximal segments, Kadane-style: a run ends where its running sum
    // falls to zero; each run's best prefix is one candidate.
    let mut runs: Vec<(usize, usize, f64)> = Vec::new();
    let mut sum = 0.0;
    let mut start = 0;
    let mut best: Option<(usize, usize, f64)> = None;
    for (i, &s) in scores.iter().enumerate() {
        if sum <= 0.0 {
            runs.extend(best.take());
            sum = 0.0;
            start = i;
        }
        sum += s;
        if sum > best.map_or(0.0, |b| b.2) {
            best = Some((start, i, sum));
        }
    }
    runs.extend(best);
    let top = runs.iter().map(|r| r.2).fold(0.0, f64::max);
    if top < min_score {
        return None;
    }
    runs.into_iter().find(|r| r.2 >= alpha * top)
}

/// Extends the run `first..=last` over gaps of at most `r.bridge` lines
/// that lead to another prose line, taking the run that line starts whole
/// (never across a comment header), then up to `r.lead_lines`
/// headline-like lines right above it (`words(k)` is line k's word
/// count). Returns the new bounds.
///
/// Taking the bridged run whole, not only its first line, keeps the
/// choice stable when the page is cleaned again: with the chrome after
/// the article gone, the best run can be weaker, so that an earlier,
/// shorter run is chosen and reaches the rest of the article only by this
/// bridge.
pub fn widen(
    scores: &[f64],
    words: impl Fn(usize) -> usize,
    first: usize,
    last: usize,
    r: &Region,
) -> (usize, usize) {
    let prose = r.prose_words as f64;
    let mut last = last;
    'bridge: loop {
        for j in last + 1..=last + 1 + r.bridge {
            match scores.get(j) {
                Some(&s) if s >= prose => {
                    last = run_end(scores, j, r.comment_penalty);
                    continue 'bridge;
                }
                Some(&s) if s > -r.comment_penalty => {}
                _ => break 'bridge,
            }
        }
        break;
    }
    let mut lead = first;
    while lead > 0
        && first - lead < r.lead_lines
        && (r.lead_min_words..=r.lead_max_words).contains(&words(lead - 1))
        && scores[lead - 1] > -r.comment_penalty
    {
        lead -= 1;
    }
    (lead, last)
}

/// The last line of the best run starting at `start`: the end of its
/// highest-scoring prefix, which stops where the sum falls to zero or at a
/// comment header.
fn run_end(scores: &[f64], start: usize, comment_penalty: f64) -> usize {
    let (mut sum, mut best, mut end) = (0.0, f64::MIN, start);
    for (k, &s) in scores.iter().enumerate().skip(start) {
        if s <= -comment_penalty {
            break;
        }
        sum += s;
        if sum <= 0.0 {
            break;
        }
        if sum > best {
            (best, end) = (sum, k);
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region() -> Region {
        Region {
            prose_words: 8,
            long_words: 20,
            cap: 80,
            stopword_min: 0.15,
            list_factor: 0.3,
            mid_score: 1.0,
            short_penalty: 16.0,
            comment: None,
            comment_penalty: 60.0,
            comment_max_words: 16,
            alpha: 0.6,
            lead_lines: 2,
            lead_min_words: 3,
            lead_max_words: 25,
            bridge: 2,
            min_score: 20.0,
        }
    }

    #[test]
    fn prose_scores_high_and_menus_low() {
        let r = region();
        assert!(
            score(
                Shape::of(
                    "The council voted on Tuesday to approve the budget for the coming year."
                ),
                &r,
                false
            ) > 10.0
        );
        assert_eq!(score(Shape::of("Home"), &r, false), -16.0);
        assert_eq!(
            score(Shape::of("Sign in to your account"), &r, false),
            -16.0
        );
        assert_eq!(
            score(Shape::of("It was late."), &r, false),
            -16.0,
            "too short to count as a sentence"
        );
        assert_eq!(score(Shape::of("He said it was late."), &r, false), 1.0);
        assert_eq!(
            score(Shape::of("Jo Marsh — July 3, 2012 at 9:14 pm"), &r, true),
            -60.0
        );
        let names = "Politics Business Technology Science Health Sports Travel Style Food Culture Books Music Film Arts Opinion Video Photos Weather Traffic Obituaries Classifieds";
        assert!(
            score(Shape::of(names), &r, false) < 10.0,
            "a long list of names is not prose"
        );
    }

    #[test]
    fn counting_function_words_only_as_far_as_needed_changes_no_score() {
        // Lines around both thresholds: function-word shares from none
        // to all, short and long, sentences or not.
        let words = ["the", "council", "of", "budget", "and", "vote", "a", "year"];
        for stopword_min in [0.15, 0.3, 0.6] {
            let r = Region {
                stopword_min,
                ..region()
            };
            let needs = StopNeeds::new(&r);
            let mut seed = 11u64;
            for n in 1..70 {
                for _ in 0..20 {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let mut line: Vec<&str> = (0..n)
                        .map(|k| words[((seed >> (k % 61)) as usize + k) % words.len()])
                        .collect();
                    if seed & 1 == 0 {
                        line.push("end.");
                    }
                    let line = line.join(" ");
                    assert_eq!(
                        score(
                            Shape::with_stop_need(&line, |w, s| needs.get(w, s)),
                            &r,
                            false
                        ),
                        score(Shape::of(&line), &r, false),
                        "{line:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_stop_table_answers_as_each_rule_would() {
        let regions = [
            region(),
            Region {
                prose_words: 3,
                long_words: 40,
                stopword_min: 0.4,
                ..region()
            },
            Region {
                prose_words: 300,
                long_words: 500,
                stopword_min: 0.05,
                ..region()
            },
        ];
        for set in [
            &regions[..0],
            &regions[..1],
            &regions[..2],
            &regions[1..],
            &regions[..],
        ] {
            let table = StopTable::new(set.iter());
            let needs: Vec<StopNeeds> = set.iter().map(StopNeeds::new).collect();
            for words in (0..1200).chain([u32::MAX - 1, u32::MAX]) {
                for sentence in [false, true] {
                    let each = needs.iter().map(|n| n.get(words, sentence)).max();
                    assert_eq!(
                        table.get(words, sentence),
                        each.unwrap_or(0),
                        "{words} {sentence}"
                    );
                }
            }
        }
    }

    #[test]
    fn picks_the_first_strong_run_not_only_the_strongest() {
        // menu, article (59), comment header, a longer comment thread (90)
        let scores = [-16.0, -16.0, 30.0, -16.0, 45.0, -60.0, 45.0, 45.0];
        assert_eq!(choose(&scores, 0.6, 20.0), Some((2, 4, 59.0)));
        assert_eq!(choose(&scores, 1.0, 20.0), Some((6, 7, 90.0)));
        assert_eq!(
            choose(&[-16.0, 5.0, -16.0], 0.6, 20.0),
            None,
            "no clear main text"
        );
    }

    #[test]
    fn widen_bridges_subheads_and_takes_the_headline() {
        let r = region();
        // menu, headline, prose, subhead, byline, prose, menu, menu, menu, prose
        let scores = [
            -16.0, -16.0, 30.0, -16.0, -16.0, 25.0, -16.0, -16.0, -16.0, 30.0,
        ];
        let words = [1, 6, 30, 2, 2, 25, 1, 1, 1, 30];
        assert_eq!(widen(&scores, |k| words[k], 2, 2, &r), (1, 5));
        // Headline run, a short line, then a run of prose and a short
        // sentence: the bridge takes that run whole, as choosing it first
        // would (what a page cleaned again, its later chrome gone, needs).
        let scores = [14.0, -16.0, 20.0, 3.0, -16.0];
        assert_eq!(choose(&scores, 0.6, 10.0), Some((0, 0, 14.0)));
        assert_eq!(widen(&scores, |_| 14, 0, 0, &r), (0, 3));
        let comment = [-16.0, -16.0, 30.0, -60.0, 25.0];
        assert_eq!(
            widen(&comment, |k| [1, 6, 30, 6, 25][k], 2, 2, &r),
            (1, 2),
            "no bridge across a comment header"
        );
    }
}
