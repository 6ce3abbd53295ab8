//! The compiled form of a rule: what it matches and what it does.

/// A regular expression used by a rule. `id` indexes the rule set's shared
/// `RegexSet`, so one pass over a line answers every pattern at once.
#[derive(Debug, Clone)]
pub struct Pat {
    pub src: String,
    pub id: usize,
}

impl Pat {
    pub(crate) fn new(src: impl Into<String>) -> Self {
        Pat {
            src: src.into(),
            id: usize::MAX,
        }
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
}

#[derive(Debug, Clone)]
pub enum Kind {
    Line { pattern: Pat },
    Block(Block),
    Mirror(Mirror),
    Rewrite { pattern: Pat, replace: String },
    Boundary(Boundary),
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Line { .. } => "line",
            Kind::Block(_) => "block",
            Kind::Mirror(_) => "mirror",
            Kind::Rewrite { .. } => "rewrite",
            Kind::Boundary(_) => "boundary",
        }
    }

    /// Every pattern of the rule, for assigning set ids.
    pub(crate) fn pats_mut(&mut self) -> Vec<&mut Pat> {
        match self {
            Kind::Line { pattern } | Kind::Rewrite { pattern, .. } => vec![pattern],
            Kind::Block(b) => {
                let mut v = vec![&mut b.start];
                if let BlockEnd::Pattern { pattern, .. } = &mut b.end {
                    v.push(pattern);
                }
                if let Some(p) = &mut b.before_pattern {
                    v.push(p);
                }
                v
            }
            Kind::Mirror(_) => vec![],
            Kind::Boundary(b) => b
                .lines
                .iter_mut()
                .filter_map(|l| match l {
                    BoundaryLine::Pattern { pattern, .. } => Some(pattern),
                    BoundaryLine::SameAs(_) => None,
                })
                .collect(),
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
    pub zone: Zone,
    pub kind: Kind,
    pub examples: Examples,
    pub origin: Origin,
}
