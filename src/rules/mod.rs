//! Rules: the TOML file format, the embedded default pack, and compiling
//! rules into a [`Matcher`] that answers every pattern for a line at once.

mod defaults;
pub mod diag;
mod file;
pub mod lint;
pub mod matcher;
mod model;
pub mod selftest;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use crate::clean::lines::MatchTable;

pub use diag::{Diagnostic, Diagnostics};
pub use matcher::Matcher;
pub use model::*;

/// A rule file's text and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
    /// User files may override default rules by id; default files may not
    /// repeat each other's ids.
    pub user: bool,
}

impl Source {
    /// The embedded default pack, in precedence order.
    pub fn defaults() -> Vec<Source> {
        defaults::FILES
            .iter()
            .map(|(name, text)| Source {
                name: format!("<default>/{name}"),
                text: (*text).to_string(),
                user: false,
            })
            .collect()
    }

    /// Reads a user's rule file.
    pub fn read(path: &Path) -> std::io::Result<Source> {
        Ok(Source {
            name: path.display().to_string(),
            text: std::fs::read_to_string(path)?,
            user: true,
        })
    }
}

/// Why rules could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read rule file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(Diagnostics),
}

/// Compiled rules, shared read-only by every worker.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    set: Matcher,
    /// Patterns compiled alone, tested only where a rule needs them
    /// (indexed by `Pat::id - Pat::OWN`).
    own: Vec<Regex>,
    /// The line and block rules a line matching each matcher pattern can
    /// set off (by pattern id), with those set off by any non-blank line,
    /// and those alone, in rule order: a line matching one pattern, as most
    /// matching lines do, takes its list as it is.
    triggers: Vec<Vec<usize>>,
    any_line_triggers: Vec<usize>,
    /// The scoped rules (indices) and their globs, in the same order.
    scoped: Vec<usize>,
    scopes: globset::GlobSet,
    /// What the cleaning engine derives from these rules, built on first
    /// use rather than per page.
    prepared: OnceLock<crate::clean::Prepared>,
}

impl RuleSet {
    /// The embedded default pack.
    pub fn default_pack() -> RuleSet {
        load(&Source::defaults()).expect("the embedded default rules are valid (checked by tests)")
    }

    /// Loads the default pack (unless `no_defaults`) followed by user files.
    pub fn from_files(paths: &[PathBuf], no_defaults: bool) -> Result<RuleSet, LoadError> {
        let mut sources = if no_defaults {
            Vec::new()
        } else {
            Source::defaults()
        };
        for path in paths {
            sources.push(Source::read(path).map_err(|source| LoadError::Io {
                path: path.clone(),
                source,
            })?);
        }
        load(&sources).map_err(LoadError::Invalid)
    }

    /// Compiles validated rules: gives each distinct pattern that must be
    /// known for every line an index in the matcher, and compiles the
    /// others alone (see [`Kind::pats_mut`]).
    pub fn build(mut rules: Vec<Rule>) -> Result<RuleSet, regex::Error> {
        // A pattern some rule needs on every line is in the matcher for all.
        let mut eager: HashSet<String> = HashSet::new();
        for rule in &mut rules {
            for (pat, every_line) in rule.kind.pats_mut() {
                if every_line {
                    eager.insert(pat.src.clone());
                }
            }
        }
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut own_index: HashMap<String, usize> = HashMap::new();
        let mut own: Vec<Regex> = Vec::new();
        for rule in &mut rules {
            for (pat, _) in rule.kind.pats_mut() {
                pat.id = if pat.is_any_line() {
                    Pat::ANY_LINE
                } else if eager.contains(&pat.src) {
                    *index.entry(pat.src.clone()).or_insert_with(|| {
                        patterns.push(pat.src.clone());
                        patterns.len() - 1
                    })
                } else {
                    let k = match own_index.get(&pat.src) {
                        Some(&k) => k,
                        None => {
                            own.push(Regex::new(&pat.src)?);
                            own_index.insert(pat.src.clone(), own.len() - 1);
                            own.len() - 1
                        }
                    };
                    Pat::OWN + k
                };
            }
        }
        let set = Matcher::new(&patterns)?;
        let mut scoped = Vec::new();
        let mut globs = globset::GlobSetBuilder::new();
        for (i, rule) in rules.iter().enumerate() {
            if let Some(scope) = &rule.scope {
                // Validated when the file was read.
                if let Ok(glob) = globset::Glob::new(scope) {
                    scoped.push(i);
                    globs.add(glob);
                }
            }
        }
        let scopes = globs.build().unwrap_or_else(|_| globset::GlobSet::empty());
        let mut triggers = vec![Vec::new(); set.len()];
        let mut any_line_triggers = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let pat = match &rule.kind {
                Kind::Line { pattern } => pattern,
                Kind::Block(b) => &b.start,
                _ => continue,
            };
            match pat.id {
                Pat::ANY_LINE => any_line_triggers.push(i),
                id => triggers[id].push(i),
            }
        }
        for t in &mut triggers {
            t.extend_from_slice(&any_line_triggers);
            t.sort_unstable();
            t.dedup();
        }
        Ok(RuleSet {
            rules,
            set,
            own,
            triggers,
            any_line_triggers,
            scoped,
            scopes,
            prepared: OnceLock::new(),
        })
    }

    /// What the cleaning engine derives from these rules (see
    /// [`crate::clean::Prepared`]).
    pub(crate) fn prepared(&self) -> &crate::clean::Prepared {
        self.prepared
            .get_or_init(|| crate::clean::Prepared::new(self))
    }

    /// A set holding only rule `index`, unscoped, for testing it in isolation.
    pub fn only(&self, index: usize) -> RuleSet {
        let mut rule = self.rules[index].clone();
        rule.scope = None;
        RuleSet::build(vec![rule]).expect("patterns compiled once already")
    }

    /// Which rules apply to a page at `path` (None: every rule, as when no
    /// rule is scoped). Without a path, scoped rules do not apply.
    pub fn active(&self, path: Option<&Path>) -> Option<Vec<bool>> {
        if self.scoped.is_empty() {
            return None;
        }
        let mut on = vec![true; self.rules.len()];
        for &i in &self.scoped {
            on[i] = false;
        }
        if let Some(path) = path {
            let shown = path.to_string_lossy().replace('\\', "/");
            for k in self.scopes.matches(shown.as_str()) {
                on[self.scoped[k]] = true;
            }
        }
        Some(on)
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Number of distinct patterns in the set.
    pub fn pattern_count(&self) -> usize {
        self.set.len()
    }

    /// Appends the ids of every pattern matching `line` to `out`.
    pub fn matches_into(&self, line: &str, out: &mut Vec<usize>) {
        self.set.matches_with(line, &mut self.set.scratch(), out);
    }

    /// The matcher itself, for matching a whole page (see
    /// [`Matcher::page_hits`] and [`Matcher::matches_unpaged`]).
    pub fn matcher(&self) -> &Matcher {
        &self.set
    }

    /// The line and block rules that line `line` may set off, from the
    /// patterns that matched it, in rule order; `buf` holds them when the
    /// line matched any pattern. Inline, for the common case of a line
    /// that matched none.
    #[inline(always)]
    pub fn triggered<'a>(
        &'a self,
        table: &MatchTable,
        line: usize,
        buf: &'a mut Vec<usize>,
    ) -> &'a [usize] {
        let ids = table.ids(line);
        if ids.is_empty() {
            // Most lines: only the rules for any line, sorted already.
            return if table.is_blank(line) {
                &[]
            } else {
                &self.any_line_triggers
            };
        }
        if let [id] = ids {
            return &self.triggers[*id as usize];
        }
        self.merged_triggers(ids, buf)
    }

    /// The rules set off by patterns `ids` and by any line, in rule order.
    fn merged_triggers<'a>(&'a self, ids: &[u32], buf: &'a mut Vec<usize>) -> &'a [usize] {
        buf.clear();
        for &id in ids {
            buf.extend_from_slice(&self.triggers[id as usize]);
        }
        buf.sort_unstable();
        buf.dedup();
        buf
    }

    /// The compiled regex of a pattern tested on its own (rewrites, and
    /// the patterns a rule consults after its anchor matched).
    pub fn own_regex(&self, pat: &Pat) -> &Regex {
        &self.own[pat.id - Pat::OWN]
    }

    /// Whether `pat` matches line `line` of the page whose lines `table`
    /// holds: from the table, or for an own-regex pattern from the line's
    /// text itself, `line_text`.
    pub fn hit(&self, table: &MatchTable, line: usize, line_text: &str, pat: &Pat) -> bool {
        if pat.is_own() {
            self.own_regex(pat).is_match(line_text)
        } else {
            table.hit(line, pat)
        }
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }
}

/// Parses every source, then merges them: user rules with a default rule's
/// id replace it in place; `enabled = false` removes a rule.
pub fn load(sources: &[Source]) -> Result<RuleSet, Diagnostics> {
    let mut diags = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    // Where each id was first defined, and whether by a user file.
    let mut seen: HashMap<String, (usize, bool)> = HashMap::new();
    for source in sources {
        let parsed = file::parse(&source.name, &source.text, &mut diags);
        for rule in parsed.rules {
            match seen.get(&rule.id).copied() {
                Some((at, false)) if source.user => {
                    // Overridden once; a second user file doing it again is a clash.
                    seen.insert(rule.id.clone(), (at, true));
                    rules[at] = rule;
                }
                Some((at, _)) => {
                    let first = &rules[at].origin;
                    let line_start = line_offset(&source.text, rule.origin.line);
                    diags.push(Diagnostic::at(
                        "duplicate-id",
                        &source.name,
                        &source.text,
                        line_start,
                        Some(&rule.id),
                        format!("id already used at {}:{}", first.file, first.line),
                    ));
                }
                None => {
                    seen.insert(rule.id.clone(), (rules.len(), source.user));
                    rules.push(rule);
                }
            }
        }
        for (id, origin) in parsed.disabled {
            match seen.get(&id) {
                Some(&(at, _)) => rules[at].id.clear(),
                None => diags.push(Diagnostic::at(
                    "unknown-rule",
                    &source.name,
                    &source.text,
                    line_offset(&source.text, origin.line),
                    Some(&id),
                    "`enabled = false` names no rule loaded before this file",
                )),
            }
        }
    }
    if !diags.is_empty() {
        return Err(Diagnostics(diags));
    }
    rules.retain(|r| !r.id.is_empty());
    compile(rules)
}

/// Builds the set from validated rules; the combined patterns can still
/// exceed the automaton's size limit.
pub(crate) fn compile(rules: Vec<Rule>) -> Result<RuleSet, Diagnostics> {
    RuleSet::build(rules).map_err(|e| {
        Diagnostics(vec![Diagnostic {
            code: "regex-set",
            file: "<rules>".into(),
            line: 1,
            column: 1,
            rule: None,
            message: format!("the combined patterns do not compile: {e}"),
            source_line: String::new(),
        }])
    })
}

/// Byte offset of the first non-blank character of 1-based `line`.
fn line_offset(text: &str, line: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let rest = &text[start..];
    start + (rest.len() - rest.trim_start_matches([' ', '\t']).len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(text: &str) -> Source {
        Source {
            name: "my.toml".into(),
            text: text.into(),
            user: true,
        }
    }

    const OK_RULE: &str = r#"
[[rule]]
id = "t.ad"
kind = "line"
description = "ad label"
pattern = '^Advertisement$'
drop = ["Advertisement"]
keep = ["An advertisement ran."]
"#;

    #[test]
    fn default_pack_loads() {
        let set = RuleSet::default_pack();
        assert!(set.len() > 20, "only {} default rules", set.len());
    }

    #[test]
    fn bad_regex_points_at_line_and_column() {
        let text = "\n\n\n[[rule]]\nid = \"x.bad\"\nkind = \"line\"\npattern = '^(Share'\ndescription = \"d\"\ndrop = [\"a\"]\nkeep = [\"b\"]\n";
        let err = load(&[user(text)]).unwrap_err();
        assert_eq!(err.0.len(), 1, "{err}");
        let d = &err.0[0];
        assert_eq!(
            (d.code, d.line, d.rule.as_deref()),
            ("invalid-regex", 7, Some("x.bad"))
        );
        assert_eq!(d.column, 13, "points at the unclosed group's paren: {err}");
    }

    #[test]
    fn every_problem_is_reported() {
        let text = format!(
            "{OK_RULE}\n[[rule]]\nid = \"t.ad\"\nkind = \"line\"\ndescription = \"d\"\npattern = 'x'\ndrop = ['x']\nkeep = ['y']\n\n[[rule]]\nid = \"t.two\"\nkind = \"line\"\npatern = 'x'\n\n[[rule]]\nid = \"t.three\"\nkind = \"block\"\ndescription = \"d\"\nstart = '('\nend = \"sideways\"\n"
        );
        let err = load(&[user(&text)]).unwrap_err();
        let codes: Vec<_> = err.0.iter().map(|d| d.code).collect();
        assert!(codes.contains(&"duplicate-id"), "{err}");
        assert!(codes.contains(&"unknown-key"), "{err}");
        assert!(codes.contains(&"invalid-regex"), "{err}");
        assert!(codes.contains(&"invalid-value"), "{err}");
    }

    #[test]
    fn user_rule_overrides_default_by_id_and_can_disable() {
        let defaults = Source {
            name: "d.toml".into(),
            text: OK_RULE.into(),
            user: false,
        };
        let over = OK_RULE.replace("^Advertisement$", "^ADVERTISEMENT$");
        let set = load(&[defaults.clone(), user(&over)]).unwrap();
        assert_eq!(set.len(), 1);
        match &set.rules()[0].kind {
            Kind::Line { pattern } => assert_eq!(pattern.src, "^ADVERTISEMENT$"),
            other => panic!("{other:?}"),
        }
        let off = load(&[defaults, user("[[rule]]\nid = \"t.ad\"\nenabled = false\n")]).unwrap();
        assert!(off.is_empty());
    }

    #[test]
    fn two_user_files_overriding_one_default_clash() {
        let defaults = Source {
            name: "d.toml".into(),
            text: OK_RULE.into(),
            user: false,
        };
        let err = load(&[defaults, user(OK_RULE), user(OK_RULE)]).unwrap_err();
        assert_eq!(err.0[0].code, "duplicate-id", "{err}");
    }

    #[test]
    fn syntax_error_has_position() {
        let err = load(&[user("[[rule]]\nid = \"x\"\nkind = = \"line\"\n")]).unwrap_err();
        assert_eq!(err.0[0].code, "syntax");
        assert_eq!(err.0[0].line, 3, "{err}");
    }
}
