//! `husk rules lint`: mistakes the loader lets through, and how rules fare
//! on a corpus.
//!
//! Static checks look at each rule file; the `unreachable` check cleans each
//! rule's own examples with the whole set; `--corpus` cleans a folder of
//! pages and reports what every rule decided there. Every finding names a
//! stable code, a severity, the rule and its `file:line`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::Look;
use serde::Serialize;

use super::diag::{Diagnostic, Diagnostics};
use super::model::*;
use super::{LoadError, RuleSet, Source, file};
use crate::batch::{InputError, WalkOptions, gather};
use crate::clean::{Cleaned, Verdict, clean, is_prose};
use crate::decode::decode;

/// The long help of `husk rules lint`: what it checks and how it exits.
pub const LONG_HELP: &str = "\
Check rule files for mistakes the loader lets through.

Without FILEs, lints the embedded default pack. FILEs are loaded after the
default pack, as `husk clean --rules FILE` loads them, and findings concern
the rules of FILEs (and default rules that one of them shadows); with
--no-default-rules, FILEs are loaded alone.

Findings (code, severity, meaning):
  duplicate-id       error    an id defined twice, in one file or across the linted files
  matches-empty      error    a pattern (line, block start, boundary line, rewrite) that matches
                              the empty string, and so, unanchored, every line
  no-examples        error    a rule without a `keep` example, or without `drop` examples and
                              `[[rule.example]]` cases (husk clean refuses such a file)
  unreachable        warning  a rule that never acts: every line its examples make it drop is
                              decided first by another rule, or a line rule repeats the pattern
                              of a rule applied before it
  slow-pattern       warning  a bounded repetition copying a character class 10 or more times
                              (`[\\p{L} ]{2,40}`; `.{0,80}` only in a pattern not anchored with `^`),
                              which bloats the automaton all patterns share; `+` or `*` is cheaper
  never-fired        warning  (--corpus) a rule that decided no line of the corpus
  drops-prose        warning  (--corpus) a rule that dropped sentence-like lines: check they are chrome
  overrides-default  note     a rule of FILEs replacing the default rule with its id

With --corpus DIR, every page under DIR (walked as `husk clean` walks folders) is
cleaned with the rules, and the lines each rule decided are counted, with up
to three example lines each.

Exit status: 0 when there is no error finding (warnings and notes do not
fail), 1 when there is one, 2 when a rule file cannot be loaded at all
(syntax, bad regex, …) or the corpus cannot be read.";

/// A bounded repetition copying a class this many times or more is slow.
const SLOW_COPIES: u64 = 10;
/// Example lines kept per finding or rule.
const MAX_EXAMPLES: usize = 3;
/// Example lines are cut to this many characters.
const EXAMPLE_CHARS: usize = 100;
/// Pages read larger than this are skipped (as `husk clean` does by default).
const MAX_PAGE_BYTES: u64 = 64 << 20;

/// How serious a finding is: only errors fail the lint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A line of a page, shown as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Example {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// The trimmed line, cut to 100 characters.
    pub text: String,
}

/// One problem with one rule.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable kebab-case code, e.g. `unreachable`.
    pub code: &'static str,
    pub severity: Severity,
    pub rule: String,
    pub file: String,
    /// 1-based: the rule's `id` line, or the offending pattern's line.
    pub line: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}[{}]: rule `{}` ({}:{}): {}",
            self.severity.as_str(),
            self.code,
            self.rule,
            self.file,
            self.line,
            self.message
        )?;
        for e in &self.examples {
            writeln!(f, "    {}:{}: {}", e.file, e.line, e.text)?;
        }
        Ok(())
    }
}

/// What one rule decided on the corpus.
#[derive(Debug, Clone, Serialize)]
pub struct Hits {
    pub rule: String,
    pub file: String,
    pub line: usize,
    /// Lines the rule dropped, took as an article header or rewrote.
    pub lines: usize,
    /// Pages with at least one such line.
    pub pages: usize,
    /// The first such line of each of the first few pages, in corpus order.
    pub examples: Vec<Example>,
}

/// The corpus run.
#[derive(Debug, Clone, Serialize)]
pub struct Corpus {
    pub path: String,
    /// Pages cleaned.
    pub pages: usize,
    /// Pages that could not be read or decoded (binary, too large).
    pub skipped: usize,
    /// Non-blank lines of the pages cleaned.
    pub lines: usize,
    /// Every loaded rule, most lines first (ties in rule order).
    pub hits: Vec<Hits>,
}

/// Everything `husk rules lint` found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The files linted, in load order.
    pub files: Vec<String>,
    /// Rules loaded (the default pack included when it was loaded).
    pub rules: usize,
    /// Rules defined in the linted files.
    pub linted_rules: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Errors first, then warnings and notes; grouped by code, then in file order.
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corpus: Option<Corpus>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// The report as JSON, for tools.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report serialises")
    }

    /// The human-readable report: findings, one per line (with example
    /// lines indented below), the corpus hits, and a summary line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            out.push_str(&f.to_string());
        }
        if let Some(c) = &self.corpus {
            let _ = writeln!(
                out,
                "hits on {}: {} pages ({} skipped), {} non-blank lines",
                c.path, c.pages, c.skipped, c.lines
            );
            for h in &c.hits {
                let _ = writeln!(
                    out,
                    "  {:>7} lines {:>6} pages  {} ({}:{})",
                    h.lines, h.pages, h.rule, h.file, h.line
                );
                for e in &h.examples {
                    let _ = writeln!(out, "      {}:{}: {}", e.file, e.line, e.text);
                }
            }
        }
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let _ = writeln!(
            out,
            "rules lint {}: {} in {} ({} loaded): {}, {}, {}",
            if self.has_errors() { "FAILED" } else { "ok" },
            plural(self.linted_rules, "rule"),
            plural(self.files.len(), "file"),
            self.rules,
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.notes, "note"),
        );
        out
    }
}

/// Why linting could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("cannot read the corpus: {0}")]
    Corpus(#[from] InputError),
    #[error("nothing to lint: name rule files, or leave out --no-default-rules")]
    Nothing,
}

/// What to lint.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Rule files; none means the embedded default pack.
    pub files: Vec<PathBuf>,
    /// Load `files` without the default pack before them.
    pub no_default_rules: bool,
    /// A folder (or file) of pages to clean.
    pub corpus: Option<PathBuf>,
}

/// Lints as `husk rules lint` does.
pub fn run(opts: &Options) -> Result<Report, Error> {
    if opts.files.is_empty() && opts.no_default_rules {
        return Err(Error::Nothing);
    }
    let mut sources = if opts.no_default_rules {
        Vec::new()
    } else {
        Source::defaults()
    };
    for path in &opts.files {
        sources.push(Source::read(path).map_err(|source| LoadError::Io {
            path: path.clone(),
            source,
        })?);
    }
    lint(&sources, opts.corpus.as_deref())
}

/// Lints `sources`, loaded in order. The user sources are linted, or every
/// source when there is none.
pub fn lint(sources: &[Source], corpus: Option<&Path>) -> Result<Report, Error> {
    let loaded = load_lenient(sources).map_err(|d| Error::Load(LoadError::Invalid(d)))?;
    let texts: HashMap<&str, &str> = sources
        .iter()
        .map(|s| (s.name.as_str(), s.text.as_str()))
        .collect();
    let mut findings = loaded.findings;
    for (rule, linted) in &loaded.parsed {
        if *linted {
            check_patterns(rule, &texts, &mut findings);
        }
    }
    findings.extend(unreachable(&loaded.set, &loaded.linted));
    let corpus = match corpus {
        Some(dir) => {
            let (c, f) = scan_corpus(&loaded.set, &loaded.linted, dir)?;
            findings.extend(f);
            Some(c)
        }
        None => None,
    };
    let order: HashMap<&str, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    findings.sort_by(|a, b| {
        (
            a.severity,
            a.code,
            order.get(a.file.as_str()),
            a.line,
            &a.rule,
        )
            .cmp(&(
                b.severity,
                b.code,
                order.get(b.file.as_str()),
                b.line,
                &b.rule,
            ))
    });
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let any_user = sources.iter().any(|s| s.user);
    Ok(Report {
        files: sources
            .iter()
            .filter(|s| s.user || !any_user)
            .map(|s| s.name.clone())
            .collect(),
        rules: loaded.set.len(),
        linted_rules: loaded.parsed.iter().filter(|(_, l)| *l).count(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        notes: count(Severity::Note),
        findings,
        corpus,
    })
}

fn finding(
    code: &'static str,
    severity: Severity,
    rule: &Rule,
    line: usize,
    message: String,
) -> Finding {
    Finding {
        code,
        severity,
        rule: rule.id.clone(),
        file: rule.origin.file.clone(),
        line,
        message,
        examples: Vec::new(),
    }
}

fn at(origin: &Origin) -> String {
    format!("{}:{}", origin.file, origin.line)
}

/// The rules as loaded, with what the strict loader would have refused.
struct Loaded {
    set: RuleSet,
    /// Per rule of `set`: whether it comes from a linted file.
    linted: Vec<bool>,
    /// Every rule defined, duplicates left out of `set` included.
    parsed: Vec<(Rule, bool)>,
    /// `duplicate-id`, `overrides-default` and `no-examples`.
    findings: Vec<Finding>,
}

/// Loads like [`super::load`], except that missing examples and repeated
/// ids become findings: the rule is loaded anyway (a repeated id's later
/// definition is left out). Other problems still refuse the files.
fn load_lenient(sources: &[Source]) -> Result<Loaded, Diagnostics> {
    let any_user = sources.iter().any(|s| s.user);
    let mut diags = Vec::new();
    let mut rules: Vec<(Rule, bool)> = Vec::new();
    let mut parsed_all = Vec::new();
    let mut findings = Vec::new();
    struct Seen {
        at: usize,
        user: bool,
        first: Origin,
        overridden: Option<Origin>,
    }
    let mut seen: HashMap<String, Seen> = HashMap::new();
    for source in sources {
        let linted = source.user || !any_user;
        let parsed = file::parse_lenient(&source.name, &source.text, &mut diags);
        if linted {
            findings.extend(parsed.waived.into_iter().map(|d| Finding {
                code: "no-examples",
                severity: Severity::Error,
                rule: d.rule.unwrap_or_default(),
                file: d.file,
                line: d.line,
                message: d.message,
                examples: Vec::new(),
            }));
        }
        for rule in parsed.rules {
            parsed_all.push((rule.clone(), linted));
            match seen.get_mut(&rule.id) {
                Some(s) if !s.user && source.user && s.overridden.is_none() => {
                    if linted {
                        findings.push(finding(
                            "overrides-default",
                            Severity::Note,
                            &rule,
                            rule.origin.line,
                            format!("replaces the default rule defined at {}", at(&s.first)),
                        ));
                    }
                    s.overridden = Some(rule.origin.clone());
                    rules[s.at] = (rule, linted);
                }
                Some(s) => {
                    if linted {
                        let earlier = s.overridden.as_ref().unwrap_or(&s.first);
                        findings.push(finding(
                            "duplicate-id",
                            Severity::Error,
                            &rule,
                            rule.origin.line,
                            format!(
                                "id already defined at {}; this definition is ignored here (husk clean refuses it)",
                                at(earlier)
                            ),
                        ));
                    }
                }
                None => {
                    seen.insert(
                        rule.id.clone(),
                        Seen {
                            at: rules.len(),
                            user: source.user,
                            first: rule.origin.clone(),
                            overridden: None,
                        },
                    );
                    rules.push((rule, linted));
                }
            }
        }
        for (id, origin) in parsed.disabled {
            match seen.get(&id) {
                Some(s) => rules[s.at].0.id.clear(),
                None => diags.push(Diagnostic::at(
                    "unknown-rule",
                    &source.name,
                    &source.text,
                    super::line_offset(&source.text, origin.line),
                    Some(&id),
                    "`enabled = false` names no rule loaded before this file",
                )),
            }
        }
    }
    if !diags.is_empty() {
        return Err(Diagnostics(diags));
    }
    rules.retain(|(r, _)| !r.id.is_empty());
    let (rules, linted): (Vec<Rule>, Vec<bool>) = rules.into_iter().unzip();
    let set = super::compile(rules)?;
    Ok(Loaded {
        set,
        linted,
        parsed: parsed_all,
        findings,
    })
}

/// The patterns of a rule, each with whether it decides which lines the
/// rule acts on (and so must not match the empty string).
fn patterns(rule: &Rule) -> Vec<(&Pat, bool)> {
    match &rule.kind {
        Kind::Line { pattern } | Kind::Rewrite { pattern, .. } => vec![(pattern, true)],
        Kind::Block(b) => {
            let mut v = vec![(&b.start, true)];
            if let BlockEnd::Pattern { pattern, .. } = &b.end {
                v.push((pattern, false));
            }
            if let Some(p) = &b.before_pattern {
                v.push((p, false));
            }
            v
        }
        Kind::Mirror(_) => Vec::new(),
        Kind::Region(r) => r.comment.iter().map(|p| (p, true)).collect(),
        Kind::Boundary(b) => b
            .lines
            .iter()
            .filter_map(|l| match l {
                BoundaryLine::Pattern { pattern, .. } => Some((pattern, true)),
                BoundaryLine::SameAs(_) => None,
            })
            .collect(),
    }
}

/// The line of the rule's file where pattern `src` is written (as a quoted
/// string within the rule's table); the rule's `id` line when not found.
fn pattern_line(texts: &HashMap<&str, &str>, rule: &Rule, src: &str) -> usize {
    let Some(text) = texts.get(rule.origin.file.as_str()) else {
        return rule.origin.line;
    };
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return rule.origin.line;
    }
    let header = |l: &&str| l.trim_start().starts_with("[[rule]]");
    let id = rule.origin.line.saturating_sub(1).min(lines.len() - 1);
    let start = lines[..=id].iter().rposition(header).unwrap_or(0);
    let end = lines[start + 1..]
        .iter()
        .position(header)
        .map_or(lines.len(), |p| start + 1 + p);
    [format!("'{src}'"), format!("\"{src}\"")]
        .iter()
        .find_map(|quoted| (start..end).find(|&i| lines[i].contains(quoted.as_str())))
        .map_or(rule.origin.line, |i| i + 1)
}

/// `matches-empty` and `slow-pattern`.
fn check_patterns(rule: &Rule, texts: &HashMap<&str, &str>, out: &mut Vec<Finding>) {
    for (pat, selects) in patterns(rule) {
        let line = pattern_line(texts, rule, &pat.src);
        if selects {
            let re = regex::Regex::new(&pat.src).expect("patterns were validated");
            if re.is_match("") {
                let probes = ["x", "Some ordinary line of text.", "42", "—"];
                let consequence = if probes.iter().all(|p| re.is_match(p)) {
                    "so it matches every line"
                } else {
                    "which only blank lines could give, and husk skips those: \
                     an empty alternative or a wholly optional pattern is a mistake"
                };
                out.push(finding(
                    "matches-empty",
                    Severity::Error,
                    rule,
                    line,
                    format!(
                        "pattern `{}` matches the empty string, {consequence}",
                        pat.src
                    ),
                ));
            }
        }
        for s in slow_spots(&pat.src) {
            let why = if s.anchored {
                format!(
                    "copies a character class {} times into the automaton all patterns share",
                    s.copies
                )
            } else {
                format!(
                    "copies a character class {} times into the automaton all patterns share, \
                     and as the pattern is not anchored with `^` a count may start at every \
                     character, which slows every line",
                    s.copies
                )
            };
            out.push(finding(
                "slow-pattern",
                Severity::Warning,
                rule,
                line,
                format!(
                    "`{}` in pattern `{}` {why}; prefer `{}` (see README, \"Writing fast patterns\")",
                    s.text, pat.src, s.suggestion
                ),
            ));
        }
    }
}

/// A bounded repetition of a character class found in a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Slow {
    /// The repetition as written.
    text: String,
    /// How many copies of the class the bounds make (nested bounds multiply).
    copies: u64,
    /// The repetition with `+` or `*` for its bounds.
    suggestion: String,
    anchored: bool,
}

/// Bounded repetitions (`{m,n}`, `{n}`, `{n,}`) copying a character class
/// at least [`SLOW_COPIES`] times. `.` is spared in patterns anchored with
/// `^`, where only one count runs at a time.
fn slow_spots(src: &str) -> Vec<Slow> {
    let Ok(ast) = ast::parse::Parser::new().parse(src) else {
        return Vec::new();
    };
    let anchored = regex_syntax::Parser::new().parse(src).is_ok_and(|hir| {
        let prefix = hir.properties().look_set_prefix();
        prefix.contains(Look::Start) || prefix.contains(Look::StartLF)
    });
    let mut out: Vec<Slow> = Vec::new();
    walk(&ast, src, 1, None, anchored, &mut out);
    out
}

fn walk(
    node: &Ast,
    src: &str,
    copies: u64,
    rep: Option<&ast::Repetition>,
    anchored: bool,
    out: &mut Vec<Slow>,
) {
    match node {
        Ast::Repetition(r) => {
            let n = match &r.op.kind {
                ast::RepetitionKind::Range(range) => match *range {
                    ast::RepetitionRange::Exactly(n)
                    | ast::RepetitionRange::AtLeast(n)
                    | ast::RepetitionRange::Bounded(_, n) => Some(u64::from(n)),
                },
                _ => None,
            };
            match n {
                Some(n) => walk(
                    &r.ast,
                    src,
                    copies.saturating_mul(n),
                    Some(r),
                    anchored,
                    out,
                ),
                None => walk(&r.ast, src, copies, rep, anchored, out),
            }
        }
        Ast::Group(g) => walk(&g.ast, src, copies, rep, anchored, out),
        Ast::Concat(c) => {
            for a in &c.asts {
                walk(a, src, copies, rep, anchored, out);
            }
        }
        Ast::Alternation(a) => {
            for a in &a.asts {
                walk(a, src, copies, rep, anchored, out);
            }
        }
        Ast::Dot(_) if anchored => {}
        Ast::Dot(_) | Ast::ClassUnicode(_) | Ast::ClassPerl(_) | Ast::ClassBracketed(_) => {
            let Some(r) = rep else { return };
            if copies < SLOW_COPIES {
                return;
            }
            let text = &src[r.span.start.offset..r.span.end.offset];
            if out.iter().any(|s| s.text == text) {
                return;
            }
            let inner = &src[r.ast.span().start.offset..r.ast.span().end.offset];
            let at_least_one = match &r.op.kind {
                ast::RepetitionKind::Range(
                    ast::RepetitionRange::Exactly(m)
                    | ast::RepetitionRange::AtLeast(m)
                    | ast::RepetitionRange::Bounded(m, _),
                ) => *m >= 1,
                _ => false,
            };
            out.push(Slow {
                text: text.to_string(),
                copies,
                suggestion: format!("{inner}{}", if at_least_one { "+" } else { "*" }),
                anchored,
            });
        }
        _ => {}
    }
}

/// The rule that decided line `i`, or rewrote it.
fn acted(c: &Cleaned, i: usize) -> Option<usize> {
    let rec = &c.records[i];
    rec.verdict
        .rule()
        .or_else(|| rec.rewrite.as_ref().map(|r| r.rule))
}

/// Whether line rule `a` always decides a line before line rule `b` can.
fn decides_first(rules: &[Rule], a: usize, b: usize) -> bool {
    let (za, zb) = (rules[a].zone, rules[b].zone);
    (za == Zone::Any && zb != Zone::Any) || (za == zb && a < b)
}

/// `unreachable`: line rules repeating the pattern of a line rule applied
/// before them, and rules that act on none of their own examples once the
/// whole set is loaded because other rules decide those lines first.
fn unreachable(set: &RuleSet, linted: &[bool]) -> Vec<Finding> {
    let rules = set.rules();
    let mut out = Vec::new();
    let parsed: Vec<Option<regex_syntax::hir::Hir>> = rules
        .iter()
        .map(|r| match &r.kind {
            Kind::Line { pattern } => regex_syntax::Parser::new().parse(&pattern.src).ok(),
            _ => None,
        })
        .collect();
    let mut flagged = vec![false; rules.len()];
    for b in 0..rules.len() {
        let Some(hb) = &parsed[b] else { continue };
        let first = (0..rules.len())
            .find(|&a| a != b && parsed[a].as_ref() == Some(hb) && decides_first(rules, a, b));
        if let Some(a) = first.filter(|&a| linted[a] || linted[b]) {
            flagged[b] = true;
            out.push(finding(
                "unreachable",
                Severity::Warning,
                &rules[b],
                rules[b].origin.line,
                format!(
                    "its pattern is the pattern of rule `{}` ({}), which is applied first (zone {}): this rule can never drop a line",
                    rules[a].id,
                    at(&rules[a].origin),
                    rules[a].zone.as_str()
                ),
            ));
        }
    }
    for (b, rule) in rules.iter().enumerate() {
        if flagged[b] {
            continue;
        }
        let alone = set.only(b);
        let examples = rule
            .examples
            .drop
            .iter()
            .map(|s| (s.as_str(), false))
            .chain(
                rule.examples
                    .cases
                    .iter()
                    .map(|c| (c.input.as_str(), c.all_rules)),
            );
        // Lines the rule acts on alone; of those, how many it still acts on
        // with every rule, how many others take (by rule), how many stay.
        let (mut targets, mut own, mut kept) = (0, 0, 0);
        let mut by: BTreeMap<usize, usize> = BTreeMap::new();
        for (text, all_rules) in examples {
            let full = clean(text, set);
            let (mine, me) = if all_rules {
                (full.clone(), b)
            } else {
                (clean(text, &alone), 0)
            };
            for i in 0..mine.records.len() {
                if acted(&mine, i) != Some(me) {
                    continue;
                }
                targets += 1;
                // A header rule taking a footer rule's example line only
                // does so because the snippet has no prose to tell header
                // from footer: on a page with prose both act.
                match acted(&full, i) {
                    Some(x) if x == b => own += 1,
                    Some(a) if rules[a].zone == Zone::Any || rules[a].zone == rule.zone => {
                        *by.entry(a).or_default() += 1
                    }
                    _ => kept += 1,
                }
            }
        }
        if targets == 0 || own > 0 || by.is_empty() {
            continue;
        }
        let mut shadows: Vec<(usize, usize)> = by.into_iter().collect();
        shadows.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        if !linted[b] && !shadows.iter().any(|&(a, _)| linted[a]) {
            continue;
        }
        let names: Vec<String> = shadows
            .iter()
            .map(|&(a, n)| {
                format!(
                    "`{}` ({}, {n} line{})",
                    rules[a].id,
                    at(&rules[a].origin),
                    if n == 1 { "" } else { "s" }
                )
            })
            .collect();
        let lines = |n: usize| format!("{n} line{}", if n == 1 { "" } else { "s" });
        let taken = if kept == 0 {
            format!(
                "every line its examples make it decide alone ({}) is decided first by {}",
                lines(targets),
                names.join(", ")
            )
        } else {
            let taken = targets - kept;
            format!(
                "of the {} its examples make it decide alone, {taken} {} decided first by {} and {kept} {} (kept, or taken by a rule of another zone)",
                lines(targets),
                if taken == 1 { "is" } else { "are" },
                names.join(", "),
                if kept == 1 {
                    "goes otherwise"
                } else {
                    "go otherwise"
                }
            )
        };
        out.push(finding(
            "unreachable",
            Severity::Warning,
            rule,
            rule.origin.line,
            format!(
                "acts on none of its examples once the other rules are loaded: {taken}; add an example only this rule handles, or remove it"
            ),
        ));
    }
    out
}

/// What one rule did on part of the corpus.
#[derive(Debug, Clone, Default)]
struct Tally {
    lines: usize,
    pages: usize,
    examples: Vec<Example>,
    prose: usize,
    prose_pages: usize,
    prose_examples: Vec<Example>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.lines += other.lines;
        self.pages += other.pages;
        self.prose += other.prose;
        self.prose_pages += other.prose_pages;
        let room = MAX_EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(other.examples.into_iter().take(room));
        let room = MAX_EXAMPLES.saturating_sub(self.prose_examples.len());
        self.prose_examples
            .extend(other.prose_examples.into_iter().take(room));
    }
}

/// One page's contribution: `None` when it was skipped.
type PageTally = Option<(usize, Vec<(usize, Tally)>)>;

fn example(file: &str, line: usize, text: &str) -> Example {
    let mut t: String = text.chars().take(EXAMPLE_CHARS).collect();
    if t.len() < text.len() {
        t.push('…');
    }
    Example {
        file: file.to_string(),
        line: line + 1,
        text: t,
    }
}

fn tally_page(path: &Path, set: &RuleSet) -> PageTally {
    if std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_PAGE_BYTES) {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let text = decode(&bytes, None).ok()?.text;
    let c = crate::clean::clean_at(&text, set, Some(path));
    let name = path.display().to_string();
    let mut per: BTreeMap<usize, Tally> = BTreeMap::new();
    for (i, range) in c.lines.iter().enumerate() {
        let Some(rule) = acted(&c, i) else { continue };
        let line = &text[range.clone()];
        // One example per page, so that the few shown come from several.
        let t = per.entry(rule).or_default();
        t.lines += 1;
        if t.examples.is_empty() {
            t.examples.push(example(&name, i, line));
        }
        let dropped = matches!(
            c.records[i].verdict,
            Verdict::Dropped { .. } | Verdict::Boundary { .. }
        );
        if dropped && is_prose(line) {
            t.prose += 1;
            t.prose_pages = 1;
            if t.prose_examples.is_empty() {
                t.prose_examples.push(example(&name, i, line));
            }
        }
    }
    let lines = c.lines.iter().filter(|r| !r.is_empty()).count();
    Some((
        lines,
        per.into_iter()
            .map(|(r, mut t)| {
                t.pages = 1;
                (r, t)
            })
            .collect(),
    ))
}

/// Cleans every page under `dir`; returns the hits and the `never-fired`
/// and `drops-prose` findings. Pages are cleaned in parallel and merged in
/// walk order, so the result does not depend on the number of threads.
fn scan_corpus(
    set: &RuleSet,
    linted: &[bool],
    dir: &Path,
) -> Result<(Corpus, Vec<Finding>), InputError> {
    let inputs = gather(&[dir.to_path_buf()], None, &WalkOptions::default())?;
    let mut totals = vec![Tally::default(); set.len()];
    let (mut pages, mut skipped, mut lines) = (0, 0, 0);
    for chunk in inputs.chunks(256) {
        let results: Vec<PageTally> = chunk
            .par_iter()
            .map(|input| {
                if input.error.is_some() {
                    None
                } else {
                    tally_page(&input.path, set)
                }
            })
            .collect();
        for r in results {
            let Some((n, per)) = r else {
                skipped += 1;
                continue;
            };
            pages += 1;
            lines += n;
            for (rule, t) in per {
                totals[rule].merge(t);
            }
        }
    }
    let rules = set.rules();
    let mut findings = Vec::new();
    for (i, t) in totals.iter().enumerate() {
        if !linted[i] {
            continue;
        }
        let rule = &rules[i];
        if t.lines == 0 {
            findings.push(finding(
                "never-fired",
                Severity::Warning,
                rule,
                rule.origin.line,
                format!(
                    "decided no line of the {pages} pages under {}",
                    dir.display()
                ),
            ));
        }
        if t.prose > 0 {
            let mut f = finding(
                "drops-prose",
                Severity::Warning,
                rule,
                rule.origin.line,
                format!(
                    "dropped {} sentence-like line{} on {} page{} (of {} lines it decided) under {}: check they are chrome",
                    t.prose,
                    if t.prose == 1 { "" } else { "s" },
                    t.prose_pages,
                    if t.prose_pages == 1 { "" } else { "s" },
                    t.lines,
                    dir.display()
                ),
            );
            f.examples = t.prose_examples.clone();
            findings.push(f);
        }
    }
    let mut order: Vec<usize> = (0..rules.len()).collect();
    order.sort_by(|&a, &b| totals[b].lines.cmp(&totals[a].lines).then(a.cmp(&b)));
    let hits = order
        .into_iter()
        .map(|i| Hits {
            rule: rules[i].id.clone(),
            file: rules[i].origin.file.clone(),
            line: rules[i].origin.line,
            lines: totals[i].lines,
            pages: totals[i].pages,
            examples: totals[i].examples.clone(),
        })
        .collect();
    Ok((
        Corpus {
            path: dir.display().to_string(),
            pages,
            skipped,
            lines,
            hits,
        },
        findings,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(text: &str) -> Source {
        Source {
            name: "u.toml".into(),
            text: text.into(),
            user: true,
        }
    }

    fn codes(r: &Report) -> Vec<(&str, &str, usize)> {
        r.findings
            .iter()
            .map(|f| (f.code, f.rule.as_str(), f.line))
            .collect()
    }

    #[test]
    fn slow_spots_find_bounded_class_repetitions() {
        let s = slow_spots(r"^[\p{L} ]{2,40}$");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].text, r"[\p{L} ]{2,40}");
        assert_eq!(s[0].suggestion, r"[\p{L} ]+");
        assert_eq!(s[0].copies, 40);
        assert!(
            slow_spots(r"^\d{1,2}:\d{2}$").is_empty(),
            "small bounds are fine"
        );
        assert!(slow_spots(r"^x.{0,80}$").is_empty(), "anchored . is fine");
        assert_eq!(slow_spots(r"x.{0,80}$")[0].suggestion, ".*");
        assert_eq!(slow_spots(r"^(?:[a-z]{2,5} ){0,5}$")[0].copies, 25);
        assert!(
            slow_spots(r"^(?:ab){0,40}$").is_empty(),
            "literals are fine"
        );
    }

    #[test]
    fn pattern_line_points_at_the_pattern() {
        let text = "[[rule]]\nid = 'a'\nkind = 'line'\ndescription = 'd'\npattern = 'X'\ndrop = ['X']\nkeep = ['y']\n\n[[rule]]\nkind = 'line'\npattern = 'X'\nid = 'b'\ndescription = 'd'\ndrop = ['X']\nkeep = ['y']\n";
        let set = super::super::load(&[user(text)]).unwrap();
        let texts: HashMap<&str, &str> = [("u.toml", text)].into();
        assert_eq!(pattern_line(&texts, &set.rules()[0], "X"), 5);
        assert_eq!(
            pattern_line(&texts, &set.rules()[1], "X"),
            11,
            "found above the id line, within the rule's table"
        );
        assert_eq!(
            pattern_line(&texts, &set.rules()[1], "Z"),
            12,
            "else the id line"
        );
    }

    #[test]
    fn default_pack_has_no_errors() {
        let r = lint(&Source::defaults(), None).unwrap();
        assert!(!r.has_errors(), "{}", r.render());
        assert_eq!(r.files.len(), super::super::defaults::FILES.len());
    }

    #[test]
    fn override_is_a_note_and_a_second_override_an_error() {
        let rule = "[[rule]]\nid = 'ads.label'\nkind = 'line'\ndescription = 'd'\npattern = '^Ad$'\ndrop = ['Ad']\nkeep = ['y']\n";
        let mut sources = Source::defaults();
        sources.push(user(rule));
        sources.push(Source {
            name: "v.toml".into(),
            text: rule.into(),
            user: true,
        });
        let r = lint(&sources, None).unwrap();
        let c = codes(&r);
        assert!(c.contains(&("overrides-default", "ads.label", 2)), "{c:?}");
        assert!(c.contains(&("duplicate-id", "ads.label", 2)), "{c:?}");
        let dup = r
            .findings
            .iter()
            .find(|f| f.code == "duplicate-id")
            .unwrap();
        assert_eq!(dup.file, "v.toml");
        assert!(dup.message.contains("u.toml:2"), "{}", dup.message);
    }
}
