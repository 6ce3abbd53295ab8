//! `husk rules test`: every rule's examples, each run with that rule alone.

use std::fmt;

use crate::clean::{Verdict, clean};

use super::RuleSet;

/// One example a rule got wrong.
#[derive(Debug, Clone)]
pub struct Failure {
    pub rule: String,
    pub origin: String,
    pub example: String,
    pub problem: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "FAIL rule `{}` ({}): {}",
            self.rule, self.origin, self.problem
        )?;
        for line in self.example.lines() {
            writeln!(f, "    | {line}")?;
        }
        Ok(())
    }
}

/// The outcome of testing a rule set.
#[derive(Debug, Default)]
pub struct Report {
    pub rules: usize,
    pub examples: usize,
    pub failures: Vec<Failure>,
}

/// Runs every example of every rule in `set`.
pub fn run(set: &RuleSet) -> Report {
    let mut report = Report {
        rules: set.len(),
        ..Report::default()
    };
    for (index, rule) in set.rules().iter().enumerate() {
        let alone = set.only(index);
        let fail = |example: &str, problem: String| Failure {
            rule: rule.id.clone(),
            origin: format!("{}:{}", rule.origin.file, rule.origin.line),
            example: example.to_string(),
            problem,
        };
        let ex = &rule.examples;
        for snippet in &ex.drop {
            report.examples += 1;
            let c = clean(snippet, &alone);
            let missed: Vec<&str> = c
                .lines
                .iter()
                .zip(&c.records)
                .filter(|(r, rec)| !r.is_empty() && rec.verdict.rule().is_none())
                .map(|(r, _)| &snippet[r.clone()])
                .collect();
            if !missed.is_empty() {
                report
                    .failures
                    .push(fail(snippet, format!("should drop, but kept: {missed:?}")));
            }
        }
        for snippet in &ex.keep {
            report.examples += 1;
            let c = clean(snippet, &alone);
            let touched: Vec<&str> = c
                .lines
                .iter()
                .zip(&c.records)
                .filter(|(_, rec)| {
                    matches!(
                        rec.verdict,
                        Verdict::Dropped { .. } | Verdict::Boundary { .. }
                    ) || rec.rewrite.is_some()
                })
                .map(|(r, _)| &snippet[r.clone()])
                .collect();
            if !touched.is_empty() || c.articles.len() > 1 {
                report.failures.push(fail(
                    snippet,
                    format!("should keep, but changed: {touched:?}"),
                ));
            }
        }
        for case in &ex.cases {
            report.examples += 1;
            let c = clean(&case.input, if case.all_rules { set } else { &alone });
            if let Some(want) = &case.output {
                let got = kept_text(&case.input, &c);
                let want: Vec<&str> = want
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                if got != want {
                    report.failures.push(fail(
                        &case.input,
                        format!("output differs:\n  expected {want:?}\n  got      {got:?}"),
                    ));
                }
            }
            if let Some(want) = &case.titles {
                let got: Vec<&str> = c.articles.iter().map(|a| &*a.title).collect();
                if &got != want {
                    report.failures.push(fail(
                        &case.input,
                        format!("titles differ:\n  expected {want:?}\n  got      {got:?}"),
                    ));
                }
            }
        }
    }
    report
}

/// Kept lines, after rewrites, in page order.
fn kept_text<'a>(input: &'a str, c: &'a crate::clean::Cleaned) -> Vec<&'a str> {
    c.lines
        .iter()
        .zip(&c.records)
        .filter(|(_, rec)| rec.verdict.is_kept())
        .map(|(r, rec)| match &rec.rewrite {
            Some(rw) => rw.text.as_str(),
            None => &input[r.clone()],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pack_examples_pass() {
        let report = run(&RuleSet::default_pack());
        let failures: String = report.failures.iter().map(ToString::to_string).collect();
        assert!(report.failures.is_empty(), "{failures}");
        assert!(
            report.examples >= 2 * report.rules,
            "every rule has a drop and a keep example"
        );
    }

    #[test]
    fn a_wrong_example_is_reported_with_the_rule() {
        let text = "[[rule]]\nid = 'ad'\nkind = 'line'\ndescription = 'd'\npattern = 'Ad'\ndrop = ['Ad']\nkeep = ['Adverts here']\n";
        let set = crate::rules::load(&[crate::rules::Source {
            name: "u.toml".into(),
            text: text.into(),
            user: true,
        }])
        .unwrap();
        let report = run(&set);
        assert_eq!(report.failures.len(), 1);
        assert_eq!(report.failures[0].rule, "ad");
        assert!(report.failures[0].to_string().contains("u.toml:2"));
    }
}
