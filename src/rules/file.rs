//! The TOML rule-file format: parsing and validation into [`Rule`]s.
//!
//! Every problem is collected rather than stopping at the first, so a user
//! fixing a rule file sees the full list at once.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::diag::Diagnostic;
use super::model::*;

/// One `[[rule]]` table as written. Everything but `id` is optional here so
/// that missing fields are reported together with every other problem.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    description: Option<String>,
    enabled: Option<bool>,
    scope: Option<Spanned<String>>,
    zone: Option<Spanned<String>>,
    pattern: Option<Spanned<String>>,
    replace: Option<String>,
    start: Option<Spanned<String>>,
    start_inclusive: Option<bool>,
    end: Option<Spanned<String>>,
    end_pattern: Option<Spanned<String>>,
    end_inclusive: Option<bool>,
    max_lines: Option<usize>,
    count: Option<Spanned<usize>>,
    before: Option<usize>,
    before_pattern: Option<Spanned<String>>,
    after_prose: Option<usize>,
    mode: Option<Spanned<String>>,
    window: Option<usize>,
    min_chars: Option<usize>,
    min_words: Option<usize>,
    max_chars: Option<usize>,
    lines: Option<Spanned<Vec<Spanned<RawBoundaryLine>>>>,
    title: Option<Spanned<usize>>,
    prose_words: Option<usize>,
    long_words: Option<usize>,
    cap: Option<usize>,
    stopword_min: Option<f64>,
    list_factor: Option<f64>,
    mid_score: Option<f64>,
    short_penalty: Option<f64>,
    comment_pattern: Option<Spanned<String>>,
    comment_penalty: Option<f64>,
    comment_max_words: Option<usize>,
    alpha: Option<f64>,
    lead_lines: Option<usize>,
    lead_min_words: Option<usize>,
    lead_max_words: Option<usize>,
    bridge: Option<usize>,
    min_score: Option<f64>,
    #[serde(default)]
    drop: Vec<String>,
    #[serde(default)]
    keep: Vec<String>,
    #[serde(default)]
    example: Vec<RawCase>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawBoundaryLine {
    Pattern(String),
    Table(RawBoundaryTable),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBoundaryTable {
    pattern: Option<String>,
    same_as: Option<usize>,
    #[serde(default)]
    optional: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    input: String,
    #[serde(default)]
    all_rules: bool,
    output: Option<String>,
    titles: Option<Vec<String>>,
}

/// What one file defines.
#[derive(Debug, Default)]
pub struct Parsed {
    pub rules: Vec<Rule>,
    /// Ids switched off with `enabled = false`.
    pub disabled: Vec<(String, Origin)>,
    /// Problems a lenient parse let through (missing examples): the rule
    /// was still built, so `husk rules lint` can report them as findings.
    pub waived: Vec<Diagnostic>,
}

/// Fields each kind accepts beyond the common ones.
const KIND_FIELDS: &[(&str, &[&str])] = &[
    ("line", &["pattern"]),
    (
        "block",
        &[
            "start",
            "start_inclusive",
            "end",
            "end_pattern",
            "end_inclusive",
            "max_lines",
            "count",
            "before",
            "before_pattern",
            "after_prose",
        ],
    ),
    (
        "mirror",
        &["mode", "window", "min_chars", "min_words", "max_chars"],
    ),
    ("rewrite", &["pattern", "replace"]),
    ("boundary", &["lines", "title"]),
    (
        "region",
        &[
            "prose_words",
            "long_words",
            "cap",
            "stopword_min",
            "list_factor",
            "mid_score",
            "short_penalty",
            "comment_pattern",
            "comment_penalty",
            "comment_max_words",
            "alpha",
            "lead_lines",
            "lead_min_words",
            "lead_max_words",
            "bridge",
            "min_score",
        ],
    ),
];

/// Parses and validates one rule file. Problems go to `diags`.
pub fn parse(file: &str, source: &str, diags: &mut Vec<Diagnostic>) -> Parsed {
    parse_with(file, source, diags, false)
}

/// Like [`parse`], but a rule missing its examples is still built; those
/// problems go to [`Parsed::waived`] instead of `diags`.
pub fn parse_lenient(file: &str, source: &str, diags: &mut Vec<Diagnostic>) -> Parsed {
    parse_with(file, source, diags, true)
}

fn parse_with(file: &str, source: &str, diags: &mut Vec<Diagnostic>, lenient: bool) -> Parsed {
    let mut parsed = Parsed::default();
    let (root, errors) = DeTable::parse_recoverable(source);
    if !errors.is_empty() {
        for e in errors {
            diags.push(Diagnostic::spanned(
                "syntax",
                file,
                source,
                e.span(),
                None,
                e.message().trim().to_string(),
            ));
        }
        return parsed;
    }
    for (key, value) in root.get_ref().iter() {
        if key.get_ref() != "rule" {
            diags.push(Diagnostic::spanned(
                "unknown-key",
                file,
                source,
                Some(key.span()),
                None,
                format!(
                    "unknown top-level key `{}`; expected `[[rule]]` tables",
                    key.get_ref()
                ),
            ));
            continue;
        }
        let Some(array) = value.get_ref().as_array() else {
            diags.push(Diagnostic::spanned(
                "invalid-value",
                file,
                source,
                Some(value.span()),
                None,
                "`rule` must be an array of tables: write each rule under `[[rule]]`",
            ));
            continue;
        };
        for item in array.iter() {
            let ctx = Ctx {
                file,
                source,
                lenient,
            };
            let span = item.span();
            let raw: Spanned<DeValue<'_>> = item.clone();
            match RawRule::deserialize(ValueDeserializer::from(raw)) {
                Ok(raw) => ctx.validate(raw, span, &mut parsed, diags),
                Err(e) => {
                    let id = item
                        .get_ref()
                        .get("id")
                        .and_then(|v| v.get_ref().as_str().map(str::to_string));
                    let code = if e.message().starts_with("unknown field") {
                        "unknown-key"
                    } else {
                        "invalid-value"
                    };
                    diags.push(Diagnostic::spanned(
                        code,
                        file,
                        source,
                        e.span().or(Some(span)),
                        id.as_deref(),
                        e.message().trim().to_string(),
                    ));
                }
            }
        }
    }
    parsed
}

/// Whether `pattern` compiles as a `regex::Regex`. Parsing it tells,
/// unless it could come near the engine's size limit: compiling every
/// pattern here, before the rule set compiles them again, cost as much as
/// the rest of loading the rules.
fn compiles(pattern: &str) -> Result<(), regex::Error> {
    match regex_syntax::Parser::new().parse(pattern) {
        Ok(hir) if rough_states(&hir) <= MAX_UNCOMPILED_STATES => Ok(()),
        _ => regex::Regex::new(pattern).map(drop),
    }
}

/// Patterns measuring more than this (see [`rough_states`]) are compiled
/// to be checked. Measured against the engine (the default patterns and
/// long repetitions), its automaton takes 13 to 80 bytes per state
/// counted, under 1 MB here, where the size limit fails none below 2.4 MB.
/// The default patterns measure 6,000 at most.
const MAX_UNCOMPILED_STATES: usize = 10_000;

/// A rough measure of the automaton a pattern compiles to: a state per
/// literal byte and per class range, for every copy a counted repetition
/// makes.
fn rough_states(hir: &regex_syntax::hir::Hir) -> usize {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(l) => l.0.len(),
        HirKind::Class(Class::Unicode(c)) => c.ranges().len(),
        HirKind::Class(Class::Bytes(c)) => c.ranges().len(),
        HirKind::Repetition(r) => {
            let copies = r.max.unwrap_or(r.min).max(1) as usize;
            rough_states(&r.sub).saturating_mul(copies)
        }
        HirKind::Capture(c) => rough_states(&c.sub) + 1,
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().map(rough_states).fold(1, usize::saturating_add)
        }
    }
}

struct Ctx<'a> {
    file: &'a str,
    source: &'a str,
    /// Missing examples go to [`Parsed::waived`] and do not stop the rule.
    lenient: bool,
}

impl Ctx<'_> {
    fn diag(
        &self,
        code: &'static str,
        at: usize,
        rule: &str,
        msg: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::at(code, self.file, self.source, at, Some(rule), msg)
    }

    /// Checks a pattern compiles; on error, points at the offending character.
    fn pattern(&self, p: &Spanned<String>, rule: &str, diags: &mut Vec<Diagnostic>) -> Option<Pat> {
        match compiles(p.get_ref()) {
            Ok(()) => Some(Pat::new(p.get_ref().clone())),
            Err(err) => {
                let (offset, msg) = match regex_syntax::Parser::new().parse(p.get_ref()) {
                    Err(regex_syntax::Error::Parse(e)) => {
                        (e.span().start.offset, e.kind().to_string())
                    }
                    Err(regex_syntax::Error::Translate(e)) => {
                        (e.span().start.offset, e.kind().to_string())
                    }
                    _ => (0, err.to_string()),
                };
                let start = p.span().start;
                let quote = if self.source[start..].starts_with("'''")
                    || self.source[start..].starts_with("\"\"\"")
                {
                    3
                } else {
                    1
                };
                diags.push(self.diag(
                    "invalid-regex",
                    start + quote + offset,
                    rule,
                    format!("invalid regular expression `{}`: {msg}", p.get_ref()),
                ));
                None
            }
        }
    }

    fn validate(
        &self,
        raw: RawRule,
        span: Range<usize>,
        out: &mut Parsed,
        diags: &mut Vec<Diagnostic>,
    ) {
        let before = diags.len();
        let Some(id) = raw.id.as_ref() else {
            diags.push(Diagnostic::at(
                "missing-field",
                self.file,
                self.source,
                span.start,
                None,
                "missing field `id`",
            ));
            return;
        };
        let id_at = id.span().start;
        let id_str = id.get_ref().as_str();
        if id_str.is_empty()
            || !id_str
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            diags.push(self.diag(
                "invalid-id",
                id_at,
                id_str,
                "ids may use only ASCII letters, digits, '.', '-' and '_'",
            ));
        }
        let origin = Origin {
            file: self.file.to_string(),
            line: Diagnostic::at("", "", self.source, id_at, None, "").line,
        };
        if raw.enabled == Some(false) {
            out.disabled.push((id_str.to_string(), origin));
            return;
        }
        let missing = |field: &str, diags: &mut Vec<Diagnostic>| {
            diags.push(self.diag(
                "missing-field",
                id_at,
                id_str,
                format!("missing field `{field}`"),
            ));
        };
        if raw
            .description
            .as_deref()
            .is_none_or(|d| d.trim().is_empty())
        {
            missing("description", diags);
        }
        let Some(kind_name) = raw.kind.as_ref() else {
            missing("kind", diags);
            return;
        };
        let Some(&(_, own_fields)) = KIND_FIELDS.iter().find(|(k, _)| k == kind_name.get_ref())
        else {
            diags.push(self.diag(
                "invalid-value",
                kind_name.span().start,
                id_str,
                format!(
                    "unknown kind `{}`; expected one of: line, block, mirror, rewrite, boundary, region",
                    kind_name.get_ref()
                ),
            ));
            return;
        };
        for field in raw.present_kind_fields() {
            if !own_fields.contains(&field) {
                diags.push(self.diag(
                    "unknown-key",
                    id_at,
                    id_str,
                    format!(
                        "field `{field}` does not apply to {} rules",
                        kind_name.get_ref()
                    ),
                ));
            }
        }
        let zone = match raw
            .zone
            .as_ref()
            .map(|z| (z.get_ref().as_str(), z.span().start))
        {
            None | Some(("any", _)) => Zone::Any,
            Some(("header", _)) => Zone::Header,
            Some(("footer", _)) => Zone::Footer,
            Some(("title", at)) if kind_name.get_ref() != "rewrite" => {
                diags.push(self.diag(
                    "invalid-value",
                    at,
                    id_str,
                    "zone `title` applies only to rewrite rules",
                ));
                Zone::Any
            }
            Some(("title", _)) => Zone::Title,
            Some((other, at)) => {
                diags.push(self.diag(
                    "invalid-value",
                    at,
                    id_str,
                    format!("unknown zone `{other}`; expected any, header, footer or title"),
                ));
                Zone::Any
            }
        };
        let scope = raw
            .scope
            .as_ref()
            .and_then(|g| match globset::Glob::new(g.get_ref()) {
                Ok(_) => Some(g.get_ref().clone()),
                Err(e) => {
                    diags.push(self.diag(
                        "invalid-glob",
                        g.span().start,
                        id_str,
                        format!("invalid scope glob `{}`: {}", g.get_ref(), e.kind()),
                    ));
                    None
                }
            });
        let kind = self.kind(&raw, kind_name.get_ref(), id_at, id_str, diags);
        let examples = Examples {
            drop: raw.drop,
            keep: raw.keep,
            cases: raw
                .example
                .into_iter()
                .map(|c| Case {
                    input: c.input,
                    all_rules: c.all_rules,
                    output: c.output,
                    titles: c.titles,
                })
                .collect(),
        };
        let example_diags = if self.lenient {
            &mut out.waived
        } else {
            &mut *diags
        };
        if examples.keep.is_empty() {
            example_diags.push(self.diag(
                "missing-example",
                id_at,
                id_str,
                "no `keep` example: show a line this rule must leave alone",
            ));
        }
        if examples.drop.is_empty() && examples.cases.is_empty() {
            example_diags.push(self.diag(
                "missing-example",
                id_at,
                id_str,
                "no `drop` example and no `[[rule.example]]`: show what this rule must act on",
            ));
        }
        if diags.len() > before {
            return;
        }
        if let Some(kind) = kind {
            out.rules.push(Rule {
                id: id_str.to_string(),
                description: raw.description.unwrap_or_default(),
                scope,
                zone,
                kind,
                examples,
                origin,
            });
        }
    }

    fn kind(
        &self,
        raw: &RawRule,
        kind: &str,
        id_at: usize,
        id: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Kind> {
        let need =
            |field: &'static str, v: Option<&Spanned<String>>, diags: &mut Vec<Diagnostic>| {
                if v.is_none() {
                    diags.push(self.diag(
                        "missing-field",
                        id_at,
                        id,
                        format!("missing field `{field}`"),
                    ));
                }
                v.and_then(|p| self.pattern(p, id, diags))
            };
        match kind {
            "line" => Some(Kind::Line {
                pattern: need("pattern", raw.pattern.as_ref(), diags)?,
            }),
            "rewrite" => {
                let pattern = need("pattern", raw.pattern.as_ref(), diags);
                if raw.replace.is_none() {
                    diags.push(self.diag("missing-field", id_at, id, "missing field `replace`"));
                }
                Some(Kind::Rewrite {
                    pattern: pattern?,
                    replace: raw.replace.clone()?,
                })
            }
            "block" => self.block(raw, id_at, id, diags).map(Kind::Block),
            "mirror" => {
                let mode = match raw
                    .mode
                    .as_ref()
                    .map(|m| (m.get_ref().as_str(), m.span().start))
                {
                    None | Some(("repeat", _)) => MirrorMode::Repeat,
                    Some(("prefix", _)) => MirrorMode::Prefix,
                    Some((other, at)) => {
                        diags.push(self.diag(
                            "invalid-value",
                            at,
                            id,
                            format!("unknown mode `{other}`; expected repeat or prefix"),
                        ));
                        return None;
                    }
                };
                Some(Kind::Mirror(Mirror {
                    mode,
                    window: raw.window.unwrap_or(6),
                    min_chars: raw.min_chars.unwrap_or(3),
                    min_words: raw.min_words.unwrap_or(1),
                    max_chars: raw.max_chars.unwrap_or(200),
                }))
            }
            "boundary" => self.boundary(raw, id_at, id, diags).map(Kind::Boundary),
            "region" => {
                let comment = match &raw.comment_pattern {
                    Some(p) => Some(self.pattern(p, id, diags)?),
                    None => None,
                };
                let alpha = raw.alpha.unwrap_or(0.6);
                if !(0.0..=1.0).contains(&alpha) {
                    diags.push(self.diag(
                        "invalid-value",
                        id_at,
                        id,
                        "`alpha` must be between 0 and 1",
                    ));
                    return None;
                }
                Some(Kind::Region(Region {
                    prose_words: raw.prose_words.unwrap_or(8),
                    long_words: raw.long_words.unwrap_or(20),
                    cap: raw.cap.unwrap_or(80),
                    stopword_min: raw.stopword_min.unwrap_or(0.15),
                    list_factor: raw.list_factor.unwrap_or(0.3),
                    mid_score: raw.mid_score.unwrap_or(1.0),
                    short_penalty: raw.short_penalty.unwrap_or(16.0),
                    comment,
                    comment_penalty: raw.comment_penalty.unwrap_or(60.0),
                    comment_max_words: raw.comment_max_words.unwrap_or(16),
                    alpha,
                    lead_lines: raw.lead_lines.unwrap_or(2),
                    lead_min_words: raw.lead_min_words.unwrap_or(3),
                    lead_max_words: raw.lead_max_words.unwrap_or(25),
                    bridge: raw.bridge.unwrap_or(2),
                    min_score: raw.min_score.unwrap_or(20.0),
                }))
            }
            _ => None,
        }
    }

    fn block(
        &self,
        raw: &RawRule,
        id_at: usize,
        id: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Block> {
        let start = match &raw.start {
            Some(p) => self.pattern(p, id, diags),
            None => {
                diags.push(self.diag("missing-field", id_at, id, "missing field `start`"));
                None
            }
        };
        let before_pattern = raw
            .before_pattern
            .as_ref()
            .map(|p| self.pattern(p, id, diags));
        let end_name = raw
            .end
            .as_ref()
            .map(|e| (e.get_ref().as_str(), e.span().start));
        let end = match end_name {
            None => {
                diags.push(self.diag(
                    "missing-field",
                    id_at,
                    id,
                    "missing field `end` (pattern, blank, lines, article or page)",
                ));
                None
            }
            Some(("pattern", at)) => match &raw.end_pattern {
                Some(p) => self.pattern(p, id, diags).map(|pattern| BlockEnd::Pattern {
                    pattern,
                    inclusive: raw.end_inclusive.unwrap_or(true),
                    max_lines: raw.max_lines,
                }),
                None => {
                    diags.push(self.diag(
                        "missing-field",
                        at,
                        id,
                        "`end = \"pattern\"` needs `end_pattern`",
                    ));
                    None
                }
            },
            Some(("blank", _)) => Some(BlockEnd::Blank),
            Some(("lines", at)) => match &raw.count {
                Some(n) if *n.get_ref() >= 1 => Some(BlockEnd::Lines(*n.get_ref())),
                Some(n) => {
                    diags.push(self.diag(
                        "invalid-value",
                        n.span().start,
                        id,
                        "`count` must be at least 1",
                    ));
                    None
                }
                None => {
                    diags.push(self.diag(
                        "missing-field",
                        at,
                        id,
                        "`end = \"lines\"` needs `count`",
                    ));
                    None
                }
            },
            Some(("article", _)) => Some(BlockEnd::Article),
            Some(("page", _)) => Some(BlockEnd::Page),
            Some((other, at)) => {
                diags.push(self.diag(
                    "invalid-value",
                    at,
                    id,
                    format!(
                        "unknown end `{other}`; expected pattern, blank, lines, article or page"
                    ),
                ));
                None
            }
        };
        if raw.end_pattern.is_some() && !matches!(end_name, Some(("pattern", _))) {
            diags.push(self.diag(
                "unknown-key",
                id_at,
                id,
                "`end_pattern` needs `end = \"pattern\"`",
            ));
        }
        Some(Block {
            start: start?,
            start_inclusive: raw.start_inclusive.unwrap_or(true),
            end: end?,
            before: raw.before.unwrap_or(0),
            before_pattern: before_pattern.flatten(),
            after_prose: raw.after_prose.unwrap_or(0),
        })
    }

    fn boundary(
        &self,
        raw: &RawRule,
        id_at: usize,
        id: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Boundary> {
        let Some(lines) = &raw.lines else {
            diags.push(self.diag("missing-field", id_at, id, "missing field `lines`"));
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, line) in lines.get_ref().iter().enumerate() {
            let at = line.span().start;
            match line.get_ref() {
                RawBoundaryLine::Pattern(p) => {
                    let sp = Spanned::new(line.span(), p.clone());
                    match self.pattern(&sp, id, diags) {
                        Some(pattern) => out.push(BoundaryLine::Pattern {
                            pattern,
                            optional: false,
                        }),
                        None => ok = false,
                    }
                }
                RawBoundaryLine::Table(t) => match (&t.pattern, t.same_as) {
                    (Some(p), None) => match regex::Regex::new(p) {
                        Ok(_) => out.push(BoundaryLine::Pattern {
                            pattern: Pat::new(p.clone()),
                            optional: t.optional,
                        }),
                        Err(e) => {
                            diags.push(self.diag(
                                "invalid-regex",
                                at,
                                id,
                                format!("invalid regular expression `{p}`: {e}"),
                            ));
                            ok = false;
                        }
                    },
                    (None, Some(n)) if n >= 1 && n <= i => out.push(BoundaryLine::SameAs(n)),
                    (None, Some(_)) => {
                        diags.push(self.diag(
                            "invalid-value",
                            at,
                            id,
                            "`same_as` must name an earlier line (1-based)",
                        ));
                        ok = false;
                    }
                    _ => {
                        diags.push(self.diag(
                            "invalid-value",
                            at,
                            id,
                            "give either `pattern` or `same_as`",
                        ));
                        ok = false;
                    }
                },
            }
        }
        if out.is_empty() && ok {
            diags.push(self.diag("invalid-value", lines.span().start, id, "`lines` is empty"));
            return None;
        }
        if matches!(
            out.first(),
            Some(BoundaryLine::Pattern { optional: true, .. })
        ) {
            diags.push(self.diag(
                "invalid-value",
                lines.span().start,
                id,
                "the first line of a boundary cannot be optional",
            ));
            ok = false;
        }
        let title = match &raw.title {
            Some(t) if (1..=lines.get_ref().len()).contains(t.get_ref()) => *t.get_ref(),
            Some(t) => {
                diags.push(self.diag(
                    "invalid-value",
                    t.span().start,
                    id,
                    "`title` must be a line number of `lines` (1-based)",
                ));
                return None;
            }
            None => {
                diags.push(self.diag("missing-field", id_at, id, "missing field `title`"));
                return None;
            }
        };
        ok.then_some(Boundary::new(out, title))
    }
}

impl RawRule {
    /// Names of the kind-specific fields that were given.
    fn present_kind_fields(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        let mut add = |present: bool, name: &'static str| {
            if present {
                v.push(name);
            }
        };
        add(self.pattern.is_some(), "pattern");
        add(self.replace.is_some(), "replace");
        add(self.start.is_some(), "start");
        add(self.start_inclusive.is_some(), "start_inclusive");
        add(self.end.is_some(), "end");
        add(self.end_pattern.is_some(), "end_pattern");
        add(self.end_inclusive.is_some(), "end_inclusive");
        add(self.max_lines.is_some(), "max_lines");
        add(self.count.is_some(), "count");
        add(self.before.is_some(), "before");
        add(self.before_pattern.is_some(), "before_pattern");
        add(self.after_prose.is_some(), "after_prose");
        add(self.mode.is_some(), "mode");
        add(self.window.is_some(), "window");
        add(self.min_chars.is_some(), "min_chars");
        add(self.min_words.is_some(), "min_words");
        add(self.max_chars.is_some(), "max_chars");
        add(self.lines.is_some(), "lines");
        add(self.title.is_some(), "title");
        add(self.prose_words.is_some(), "prose_words");
        add(self.long_words.is_some(), "long_words");
        add(self.cap.is_some(), "cap");
        add(self.stopword_min.is_some(), "stopword_min");
        add(self.list_factor.is_some(), "list_factor");
        add(self.mid_score.is_some(), "mid_score");
        add(self.short_penalty.is_some(), "short_penalty");
        add(self.comment_pattern.is_some(), "comment_pattern");
        add(self.comment_penalty.is_some(), "comment_penalty");
        add(self.comment_max_words.is_some(), "comment_max_words");
        add(self.alpha.is_some(), "alpha");
        add(self.lead_lines.is_some(), "lead_lines");
        add(self.lead_min_words.is_some(), "lead_min_words");
        add(self.lead_max_words.is_some(), "lead_max_words");
        add(self.bridge.is_some(), "bridge");
        add(self.min_score.is_some(), "min_score");
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile_where_the_regex_crate_compiles_them() {
        let big = format!("(?:{})", r"\w{1,50}".repeat(40));
        for p in [
            r"^\S.{0,40}$",
            r"\w{1000}",
            r"\w{300}",
            r"\w{100}",
            r"(?:\w{100}){100}",
            "a{100000}",
            r"(?i)\bmore\b",
            r"[[:alpha:]]{3}\p{Greek}+",
            big.as_str(),
            "(",
            r"\p{Nope}",
            "a{2,1}",
            r"(?-u)\xff",
        ] {
            assert_eq!(compiles(p).is_ok(), regex::Regex::new(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn the_default_patterns_are_checked_without_compiling() {
        for source in crate::rules::Source::defaults() {
            let mut diags = Vec::new();
            for rule in parse(&source.name, &source.text, &mut diags).rules {
                let mut rule = rule;
                for (pat, _) in rule.kind.pats_mut() {
                    let hir = regex_syntax::Parser::new().parse(&pat.src).unwrap();
                    assert!(rough_states(&hir) <= MAX_UNCOMPILED_STATES, "{}", pat.src);
                }
            }
        }
    }
}
