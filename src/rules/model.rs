//! The compiled form of a rule: what it matches and what it does.

/// A regular expression used by a rule. `id` indexes the rule set's shared
/// [`Matcher`](super::Matcher), so one pass over a line answers every
/// pattern at once; or, at [`Pat::OWN`] and above, the patterns compiled
/// alone and tested only where their rule needs them.
#[derive(Debug, Clone)]
pub struct Pat {
    pub src: String,
    pub id: usize,
}

impl Pat {
    /// The id of a pattern that matches every non-blank line (`\S`, `.+`):
    /// answered without the regex set, where it would match at every byte.
    pub const ANY_LINE: usize = usize::MAX - 1;
    /// Ids from here on index the rule set's own regexes, one per pattern
    /// tested where it is needed, never on every line: rewrites, and the
    /// patterns a rule consults only once its anchor matched (see
    /// [`Kind::pats_mut`]).
    pub const OWN: usize = 1 << 32;

    pub(crate) fn new(src: impl Into<String>) -> Self {
        Pat {
            src: src.into(),
            id: usize::MAX,
        }
    }

    /// Whether the pattern is tested with its own regex.
    pub fn is_own(&self) -> bool {
        (Pat::OWN..Pat::ANY_LINE).contains(&self.id)
    }

    /// Whether the pattern matches exactly the non-blank lines.
    pub(crate) fn is_any_line(&self) -> bool {
        matches!(
            self.src.as_str(),
            r"\S" | ".+" | "." | r"[^\s]" | r"^.+$" | r"\S+"
        )
    }
}

/// Where in an article a rule may act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Every line.
    Any,
    /// Lines before the article's first prose line.
    Header,
    /// Lines after the article's last prose line.
    Footer,
    /// Only the article's title (rewrites).
    Title,
}

impl Zone {
    pub fn as_str(self) -> &'static str {
        match self {
            Zone::Any => "any",
            Zone::Header => "header",
            Zone::Footer => "footer",
            Zone::Title => "title",
        }
    }
}

/// Where a block stops.
#[derive(Debug, Clone)]
pub enum BlockEnd {
    /// At the first later line matching `pattern`, looking at most `max_lines`
    /// non-blank lines ahead. Unterminated blocks cover only their anchor.
    Pattern {
        pattern: Pat,
        inclusive: bool,
        max_lines: Option<usize>,
    },
    /// Before the next blank line.
    Blank,
    /// After this many non-blank lines, the anchor included.
    Lines(usize),
    /// At the end of the article.
    Article,
    /// At the end of the page: later articles are dropped too.
    Page,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub start: Pat,
    pub start_inclusive: bool,
    pub end: BlockEnd,
    /// Non-blank lines before the anchor that belong to the block (captions
    /// standing above "hide caption").
    pub before: usize,
    /// When set, the backward reach stops at the first line not matching it.
    pub before_pattern: Option<Pat>,
    /// Fire only once the article has this many prose lines above the
    /// anchor, so a list printed above or beside the story's start cannot
    /// take the story with it.
    pub after_prose: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MirrorMode {
    /// The line repeats a line seen within `window` non-blank lines before it.
    Repeat,
    /// The line is the start of the next non-blank line (alt text above its caption).
    Prefix,
}

#[derive(Debug, Clone)]
pub struct Mirror {
    pub mode: MirrorMode,
    pub window: usize,
    pub min_chars: usize,
    pub min_words: usize,
    pub max_chars: usize,
}

/// One line of a multi-line article-boundary pattern.
#[derive(Debug, Clone)]
pub enum BoundaryLine {
    Pattern {
        pattern: Pat,
        optional: bool,
    },
    /// The same text as an earlier line of the pattern (1-based).
    SameAs(usize),
}

#[derive(Debug, Clone)]
pub struct Boundary {
    pub lines: Vec<BoundaryLine>,
    /// 1-based index into `lines` of the article's title.
    pub title: usize,
    /// The line a match is tried from (0-based, see [`Boundary::key_line`]).
    pub key: Option<usize>,
}

impl Boundary {
    pub fn new(lines: Vec<BoundaryLine>, title: usize) -> Boundary {
        let key = Boundary::key_line(&lines);
        Boundary { lines, title, key }
    }

    /// The key line's offset and pattern (see [`Boundary::key_line`]).
    pub fn key_pattern(&self) -> Option<(usize, &Pat)> {
        let key = self.key?;
        match &self.lines[key] {
            BoundaryLine::Pattern { pattern, .. } => Some((key, pattern)),
            BoundaryLine::SameAs(_) => unreachable!("a key is a pattern line"),
        }
    }

    /// The last pattern line (other than "any line") that every match puts
    /// at a fixed offset from the header's first line: only the lines
    /// before it are required, so the header's line there is known before
    /// anything else is tested. Later lines of a header ("Published", a
    /// date) are the telling ones; its first lines (a section label, a
    /// headline) fit most short lines, and leaving their patterns out of
    /// the every-line pass is what makes the key worth having.
    fn key_line(lines: &[BoundaryLine]) -> Option<usize> {
        let mut key = None;
        for (i, line) in lines.iter().enumerate() {
            match line {
                BoundaryLine::Pattern { optional: true, .. } => break,
                BoundaryLine::Pattern { pattern, .. } if !pattern.is_any_line() => key = Some(i),
                _ => {}
            }
        }
        key
    }
}

/// The main-region heuristic: score each kept line by how much it reads
/// like running text, and keep the article's main run of text.
#[derive(Debug, Clone)]
pub struct Region {
    /// A line of at least this many words ending in sentence punctuation is prose.
    pub prose_words: usize,
    /// A line of at least this many words is prose whatever its ending.
    pub long_words: usize,
    /// A prose line scores its word count, up to this.
    pub cap: usize,
    /// Prose with a smaller share of function words (a list of names or
    /// tags) scores only `list_factor` of that.
    pub stopword_min: f64,
    pub list_factor: f64,
    /// A short sentence (4+ words, sentence punctuation, function words) scores this.
    pub mid_score: f64,
    /// Every other line (menus, link lists, labels) scores minus this.
    pub short_penalty: f64,
    /// Lines matching `comment` (comment headers: "Name — July 3, 2012 at
    /// 9:14 pm", "Reply") of at most `comment_max_words` words score minus
    /// `comment_penalty`, so a comment thread reads as a separate run.
    pub comment: Option<Pat>,
    pub comment_penalty: f64,
    pub comment_max_words: usize,
    /// Of the runs of text, the first scoring at least `alpha` times the
    /// best one is the article (the story comes before its comments).
    pub alpha: f64,
    /// Up to this many short lines right above the run (headline, byline,
    /// date) of at most `lead_max_words` words stay with it.
    pub lead_lines: usize,
    pub lead_min_words: usize,
    pub lead_max_words: usize,
    /// After the run, up to this many lines (a subhead, a byline) before
    /// another prose line are bridged: the story goes on.
    pub bridge: usize,
    /// Below this score the page has no clear main text: nothing is dropped.
    pub min_score: f64,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Line { pattern: Pat },
    Block(Block),
    Mirror(Mirror),
    Rewrite { pattern: Pat, replace: String },
    Boundary(Boundary),
    Region(Region),
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Line { .. } => "line",
            Kind::Block(_) => "block",
            Kind::Mirror(_) => "mirror",
            Kind::Rewrite { .. } => "rewrite",
            Kind::Boundary(_) => "boundary",
            Kind::Region(_) => "region",
        }
    }

    /// The rule's patterns, each with whether it must be known for every
    /// line (`true`: the matcher answers it in its one pass) or only where
    /// the rule's anchor already matched (`false`: a block's end and reach
    /// above, a boundary's lines other than its key, rewrites), where its
    /// own regex tests the few lines concerned.
    pub(crate) fn pats_mut(&mut self) -> Vec<(&mut Pat, bool)> {
        match self {
            Kind::Line { pattern } => vec![(pattern, true)],
            Kind::Rewrite { pattern, .. } => vec![(pattern, false)],
            Kind::Block(b) => {
                let mut v = vec![(&mut b.start, true)];
                if let BlockEnd::Pattern { pattern, .. } = &mut b.end {
                    v.push((pattern, false));
                }
                if let Some(p) = &mut b.before_pattern {
                    v.push((p, false));
                }
                v
            }
            Kind::Mirror(_) => vec![],
            Kind::Region(r) => r.comment.iter_mut().map(|p| (p, true)).collect(),
            Kind::Boundary(b) => {
                let key = b.key;
                b.lines
                    .iter_mut()
                    .enumerate()
                    .filter_map(|(i, l)| match l {
                        // Without a key every line is tried, so every
                        // pattern must be known everywhere.
                        BoundaryLine::Pattern { pattern, .. } => {
                            Some((pattern, key.is_none_or(|k| k == i)))
                        }
                        BoundaryLine::SameAs(_) => None,
                    })
                    .collect()
            }
        }
    }
}

/// A rule's own test cases, run by `husk rules test`.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    /// Snippets whose every non-blank line the rule must drop.
    pub drop: Vec<String>,
    /// Snippets the rule must leave untouched.
    pub keep: Vec<String>,
    /// Snippets with the exact result expected.
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub input: String,
    /// Run with every loaded rule rather than this rule alone, for rules
    /// that act on what others decided.
    pub all_rules: bool,
    /// Kept lines after the rule, one per line (blank lines ignored).
    pub output: Option<String>,
    /// Titles of the articles, in order.
    pub titles: Option<Vec<String>>,
}

/// Where a rule was defined, for `explain` and diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub description: String,
    /// A glob: the rule applies only to pages whose path matches it
    /// (`**/example.com/**`); None for every page.
    pub scope: Option<String>,
    pub zone: Zone,
    pub kind: Kind,
    pub examples: Examples,
    pub origin: Origin,
}
