//! `husk stream`: JSON lines in, JSON lines out, one output line per input
//! line in the same order — the contract of Hadoop/Spark `pipe`, GNU
//! parallel and Ray.
//!
//! Input lines are read in batches, each batch cleaned in parallel and
//! written in order before the next is read, so memory is bounded by the
//! batch whatever the stream's length. A line that is not a JSON object
//! with a string text field gets an error record in its place.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::clean::clean;
use crate::rules::RuleSet;

/// Field names and batching.
#[derive(Debug, Clone)]
pub struct Options {
    /// The field carrying the record's id (copied to the output as is).
    pub id_field: String,
    /// The field carrying the page text.
    pub text_field: String,
    /// Lines read and cleaned together.
    pub batch: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            id_field: "id".into(),
            text_field: "text".into(),
            batch: 4096,
        }
    }
}

#[derive(Serialize)]
struct ArticleOut<'a> {
    title: &'a str,
    text: String,
}

#[derive(Serialize)]
struct RecordOut<'a> {
    id: &'a Value,
    articles: Vec<ArticleOut<'a>>,
    dropped: BTreeMap<&'a str, usize>,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    id: &'a Value,
    /// 1-based line number in the input stream.
    line: u64,
    error: String,
}

/// Counts of a finished stream.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub records: u64,
    pub errors: u64,
    pub articles: u64,
}

/// One input line turned into its output line (without the newline).
fn process(line: &str, number: u64, rules: &RuleSet, opts: &Options) -> (Vec<u8>, bool, u64) {
    let fail = |id: &Value, error: String| {
        let out = serde_json::to_vec(&ErrorOut {
            id,
            line: number,
            error,
        })
        .expect("plain data serialises");
        (out, false, 0)
    };
    let value: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return fail(&Value::Null, format!("not JSON: {e}")),
    };
    let id = value.get(&opts.id_field).unwrap_or(&Value::Null);
    let Some(text) = value.get(&opts.text_field) else {
        return fail(id, format!("no `{}` field", opts.text_field));
    };
    let Some(text) = text.as_str() else {
        return fail(id, format!("`{}` is not a string", opts.text_field));
    };
    let cleaned = clean(text, rules);
    let mut dropped = BTreeMap::new();
    for (rule, n) in cleaned.dropped_by_rule() {
        dropped.insert(rules.rules()[rule].id.as_str(), n);
    }
    let articles: Vec<ArticleOut<'_>> = cleaned
        .articles
        .iter()
        .map(|a| ArticleOut {
            title: &a.title,
            text: a.render(),
        })
        .collect();
    let n = articles.len() as u64;
    let out = serde_json::to_vec(&RecordOut {
        id,
        articles,
        dropped,
    })
    .expect("plain data serialises");
    (out, true, n)
}

/// Streams `input` to `output` until the input ends.
pub fn run(
    mut input: impl BufRead,
    mut output: impl Write,
    rules: &RuleSet,
    opts: &Options,
) -> io::Result<Stats> {
    let mut stats = Stats::default();
    let mut batch: Vec<(u64, String)> = Vec::with_capacity(opts.batch);
    let mut number = 0u64;
    loop {
        batch.clear();
        while batch.len() < opts.batch.max(1) {
            let mut raw = Vec::new();
            if input.read_until(b'\n', &mut raw)? == 0 {
                break;
            }
            number += 1;
            // Invalid UTF-8 is the record's problem, not the stream's.
            let line = String::from_utf8(raw)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            let line = line.trim_end_matches(['\n', '\r']).to_string();
            if line.trim().is_empty() {
                // A blank line still gets its output line, to keep the count.
                batch.push((number, String::new()));
            } else {
                batch.push((number, line));
            }
        }
        if batch.is_empty() {
            break;
        }
        let done: Vec<(Vec<u8>, bool, u64)> = batch
            .par_iter()
            .map(|(n, line)| process(line, *n, rules, opts))
            .collect();
        for (bytes, ok, articles) in done {
            output.write_all(&bytes)?;
            output.write_all(b"\n")?;
            stats.records += 1;
            stats.errors += u64::from(!ok);
            stats.articles += articles;
        }
        output.flush()?;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(input: &str, opts: &Options) -> (Vec<Value>, Stats) {
        let rules = RuleSet::default_pack();
        let mut out = Vec::new();
        let stats = run(input.as_bytes(), &mut out, &rules, opts).unwrap();
        let lines = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (lines, stats)
    }

    #[test]
    fn one_output_line_per_input_line_in_order_with_errors_in_place() {
        let input = concat!(
            r#"{"id": 1, "text": "Council passes budget\nAdvertisement\nThe council passed the budget."}"#,
            "\n",
            "not json at all\n",
            r#"{"id": "b", "body": "no text field"}"#,
            "\n",
            "\n",
            r#"{"id": 4, "text": 42}"#,
            "\n",
            r#"{"id": 5, "text": "Second story\nIt went well."}"#,
            "\n",
        );
        let opts = Options {
            batch: 2,
            ..Options::default()
        };
        let (out, stats) = stream(input, &opts);
        assert_eq!(out.len(), 6);
        assert_eq!(out[0]["id"], 1);
        assert_eq!(out[0]["articles"][0]["title"], "Council passes budget");
        assert_eq!(out[0]["dropped"]["ads.label"], 1);
        assert_eq!(out[1]["line"], 2);
        assert!(out[1]["error"].as_str().unwrap().starts_with("not JSON"));
        assert_eq!(out[2]["id"], "b");
        assert_eq!(out[3]["line"], 4, "a blank line gets an error record too");
        assert_eq!(out[4]["error"], "`text` is not a string");
        assert_eq!(out[5]["id"], 5);
        assert_eq!(
            stats,
            Stats {
                records: 6,
                errors: 4,
                articles: 2
            }
        );
    }

    #[test]
    fn field_names_are_configurable() {
        let opts = Options {
            id_field: "url".into(),
            text_field: "content".into(),
            ..Options::default()
        };
        let (out, _) = stream("{\"url\": \"u\", \"content\": \"T\\nBody.\"}\n", &opts);
        assert_eq!(out[0]["id"], "u");
        assert_eq!(out[0]["articles"][0]["text"], "T\n\nBody.\n");
    }
}
