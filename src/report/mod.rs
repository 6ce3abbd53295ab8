//! The HTML run report (`husk clean --report FILE.html`): the run's figures,
//! rules by lines dropped, files by share removed, and for a bounded set of
//! files a view of the raw page with every dropped line and its rule.
//!
//! The batch hands every cleaned page to a [`Collector`], which keeps the
//! views of the pages with most removed plus a deterministic sample, so the
//! report's size does not grow with the crawl.

mod html;

use std::collections::BTreeMap;

use crate::batch::{Entry, Status, Summary};
use crate::clean::{Cleaned, Verdict};
use crate::rules::RuleSet;

pub use html::render;

/// One input line as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewLine {
    pub text: String,
    pub verdict: LineKind,
    /// The rule that decided the line (dropped, boundary, or a rewrite).
    pub rule: Option<String>,
    /// The text after a rewrite.
    pub rewritten: Option<String>,
    /// 1-based article number the line went to.
    pub article: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Blank,
    Kept,
    Title,
    Dropped,
    Boundary,
}

impl LineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Blank => "blank",
            LineKind::Kept => "kept",
            LineKind::Title => "title",
            LineKind::Dropped => "dropped",
            LineKind::Boundary => "boundary",
        }
    }
}

/// The raw page of one input with its verdicts.
#[derive(Debug, Clone)]
pub struct PageView {
    pub path: String,
    pub removed_share: f64,
    pub lines: Vec<ViewLine>,
}

impl PageView {
    /// Lines and line lengths a view keeps: the report stays loadable, and a
    /// huge page does not hold its whole text a second time.
    pub const MAX_LINES: usize = 20_000;
    pub const MAX_LINE_CHARS: usize = 4_000;

    pub fn build(path: &str, text: &str, cleaned: &Cleaned, rules: &RuleSet) -> PageView {
        let id = |r: usize| rules.rules()[r].id.clone();
        let mut total = 0usize;
        let mut removed = 0usize;
        let lines = cleaned
            .lines
            .iter()
            .zip(&cleaned.records)
            .enumerate()
            .filter_map(|(i, (range, rec))| {
                let full = &text[range.clone()];
                total += full.len();
                let text: String = full.chars().take(Self::MAX_LINE_CHARS).collect();
                let verdict = match rec.verdict {
                    Verdict::Blank => LineKind::Blank,
                    Verdict::Kept => LineKind::Kept,
                    Verdict::Title { .. } => LineKind::Title,
                    Verdict::Dropped { .. } => LineKind::Dropped,
                    Verdict::Boundary { .. } => LineKind::Boundary,
                };
                if matches!(verdict, LineKind::Dropped | LineKind::Boundary) {
                    removed += full.len();
                }
                if i >= Self::MAX_LINES {
                    return None;
                }
                let rule = rec
                    .verdict
                    .rule()
                    .or(rec.rewrite.as_ref().map(|r| r.rule))
                    .map(id);
                Some(ViewLine {
                    text,
                    verdict,
                    rule,
                    rewritten: rec.rewrite.as_ref().map(|r| r.text.clone()),
                    article: rec.article.map(|a| a + 1),
                })
            })
            .collect();
        PageView {
            path: path.to_string(),
            removed_share: if total == 0 {
                0.0
            } else {
                removed as f64 / total as f64
            },
            lines,
        }
    }
}

/// One row of the files table.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRow {
    pub path: String,
    pub status: Status,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub articles: usize,
    /// Share of the page's text dropped (from its view when it has one,
    /// else from bytes in and out); 0 for inputs that were not cleaned.
    pub removed_share: f64,
    pub error: Option<String>,
}

/// Everything the report shows.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub summary: Summary,
    pub wall_seconds: f64,
    /// Rule id → (description, `file:line`), for the rules table.
    pub rules: BTreeMap<String, (String, String)>,
    pub files: Vec<FileRow>,
    /// Views, most removed first, then the sample.
    pub views: Vec<PageView>,
    /// Says which files have views when not all do.
    pub views_note: Option<String>,
}

/// Collects rows and a bounded set of page views during a run.
#[derive(Debug)]
pub struct Collector {
    top: usize,
    sample_every: usize,
    files: Vec<FileRow>,
    /// The `top` views with most removed, kept sorted (share desc, path asc).
    most: Vec<PageView>,
    sample: Vec<PageView>,
    sample_cap: usize,
    cleaned: usize,
}

impl Collector {
    /// Keeps views of the `top` pages with most removed, plus every
    /// `sample_every`-th cleaned page (at most `top / 5` of them).
    pub fn new(top: usize, sample_every: usize) -> Collector {
        Collector {
            top,
            sample_every: sample_every.max(1),
            files: Vec::new(),
            most: Vec::new(),
            sample: Vec::new(),
            sample_cap: top / 5,
            cleaned: 0,
        }
    }

    /// Records one input, in input order; `view` for cleaned pages.
    pub fn add(&mut self, entry: &Entry, view: Option<PageView>) {
        let removed_share = match &view {
            Some(v) => v.removed_share,
            None if entry.status == Status::Cleaned && entry.bytes_in > 0 => {
                (1.0 - entry.bytes_out as f64 / entry.bytes_in as f64).max(0.0)
            }
            None => 0.0,
        };
        self.files.push(FileRow {
            path: entry.path.clone(),
            status: entry.status,
            bytes_in: entry.bytes_in,
            bytes_out: entry.bytes_out,
            articles: entry.articles.len(),
            removed_share,
            error: entry.error.clone(),
        });
        let Some(view) = view else { return };
        self.cleaned += 1;
        let before = |a: &PageView, b: &PageView| {
            b.removed_share
                .total_cmp(&a.removed_share)
                .then_with(|| a.path.cmp(&b.path))
        };
        let at = self.most.partition_point(|v| before(v, &view).is_lt());
        if at < self.top {
            self.most.insert(at, view);
            if self.most.len() > self.top {
                let out = self.most.pop().expect("over the cap");
                self.offer_sample(out);
            }
        } else {
            self.offer_sample(view);
        }
    }

    /// The sample is chosen by a hash of the path, so it spreads over the
    /// whole crawl and does not depend on the order pages arrive in.
    fn offer_sample(&mut self, view: PageView) {
        let picked = fnv1a(view.path.as_bytes()).is_multiple_of(self.sample_every as u64);
        if picked && self.sample.len() < self.sample_cap {
            self.sample.push(view);
        }
    }

    pub fn finish(self, summary: Summary, wall_seconds: f64, rules: &RuleSet) -> ReportData {
        let shown = self.most.len() + self.sample.len();
        let views_note = (shown < self.cleaned).then(|| {
            format!(
                "Page views are shown for {shown} of {} cleaned files: the {} with the largest share removed, and a sample of {} others.",
                self.cleaned,
                self.most.len(),
                self.sample.len()
            )
        });
        let mut views = self.most;
        let mut sample = self.sample;
        sample.sort_by(|a, b| a.path.cmp(&b.path));
        views.extend(sample);
        ReportData {
            summary,
            wall_seconds,
            rules: rules
                .rules()
                .iter()
                .map(|r| {
                    (
                        r.id.clone(),
                        (
                            r.description.clone(),
                            format!("{}:{}", r.origin.file, r.origin.line),
                        ),
                    )
                })
                .collect(),
            files: self.files,
            views,
            views_note,
        }
    }
}

/// FNV-1a: a small, stable hash (the same on every platform and release).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
