//! Cleaning many files: gathering inputs, running them in parallel and
//! writing each page's articles (and diff) under the output folder.
//!
//! Every page is independent and writes only its own files, so the output
//! is the same whatever the number of threads; results come back in input
//! order.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use encoding_rs::Encoding;
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::clean::clean;
use crate::decode::{DecodeError, decode};
use crate::output::{article_file_name, diff_file_name, unified_diff, write_atomic};
use crate::rules::RuleSet;

/// One page to clean and where its outputs go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// Output path without extension, relative to the output folder: the
    /// page's stem, under the sub-folders it had inside a walked folder.
    pub stem: PathBuf,
}

/// Why inputs could not be gathered.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Walk {
        path: PathBuf,
        source: walkdir::Error,
    },
    #[error(
        "{first} and {second} would both write {stem}.N.txt; clean them into separate output folders"
    )]
    Collision {
        first: PathBuf,
        second: PathBuf,
        stem: PathBuf,
    },
}

/// Expands files and folders into inputs, folders walked in sorted order
/// (hidden entries skipped, links not followed).
pub fn gather(args: &[PathBuf]) -> Result<Vec<Input>, InputError> {
    let mut inputs = Vec::new();
    for arg in args {
        let meta = fs::metadata(arg).map_err(|source| InputError::Io {
            path: arg.clone(),
            source,
        })?;
        if !meta.is_dir() {
            inputs.push(Input {
                path: arg.clone(),
                stem: PathBuf::from(stem_of(arg)),
            });
            continue;
        }
        let walk = WalkDir::new(arg)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            let entry = entry.map_err(|source| InputError::Walk {
                path: arg.clone(),
                source,
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(arg).unwrap_or(entry.path());
            let stem = rel.parent().unwrap_or(Path::new("")).join(stem_of(rel));
            inputs.push(Input {
                path: entry.path().to_path_buf(),
                stem,
            });
        }
    }
    let mut seen: HashMap<&Path, &Path> = HashMap::new();
    for input in &inputs {
        if let Some(first) = seen.insert(&input.stem, &input.path) {
            return Err(InputError::Collision {
                first: first.to_path_buf(),
                second: input.path.clone(),
                stem: input.stem.clone(),
            });
        }
    }
    Ok(inputs)
}

/// A file name without its last extension (`a.b.txt` → `a.b`).
fn stem_of(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match name.rfind('.') {
        Some(i) if i > 0 => name[..i].to_string(),
        _ => name,
    }
}

/// Settings for a batch run.
#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub encoding: Option<&'static Encoding>,
    pub diff: bool,
}

/// What happened to one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Cleaned,
    SkippedBinary,
    SkippedEmpty,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Cleaned => "cleaned",
            Status::SkippedBinary => "skipped-binary",
            Status::SkippedEmpty => "skipped-empty",
            Status::Failed => "failed",
        }
    }
}

/// The outcome of one input.
#[derive(Debug, Clone)]
pub struct FileResult {
    pub input: PathBuf,
    pub status: Status,
    /// Why it was skipped or failed.
    pub message: Option<String>,
    pub encoding: Option<&'static str>,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// Article files written (relative to the output folder) and titles.
    pub articles: Vec<(PathBuf, String)>,
    /// Lines dropped per rule id.
    pub dropped: Vec<(String, usize)>,
}

/// Cleans every input in parallel; results are in input order.
pub fn run(inputs: &[Input], rules: &RuleSet, opts: &Options) -> Vec<FileResult> {
    inputs
        .par_iter()
        .map(|input| process(input, rules, opts))
        .collect()
}

/// Reads, decodes, cleans and writes one input. Never panics on bad input.
pub fn process(input: &Input, rules: &RuleSet, opts: &Options) -> FileResult {
    let mut result = FileResult {
        input: input.path.clone(),
        status: Status::Failed,
        message: None,
        encoding: None,
        bytes_in: 0,
        bytes_out: 0,
        articles: Vec::new(),
        dropped: Vec::new(),
    };
    let bytes = match fs::read(&input.path) {
        Ok(b) => b,
        Err(e) => {
            result.message = Some(format!("cannot read: {e}"));
            return result;
        }
    };
    result.bytes_in = bytes.len() as u64;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        result.status = Status::SkippedEmpty;
        result.message = Some("empty file".into());
        return result;
    }
    let decoded = match decode(&bytes, opts.encoding) {
        Ok(d) => d,
        Err(e @ DecodeError::Binary { .. }) => {
            result.status = Status::SkippedBinary;
            result.message = Some(e.to_string());
            return result;
        }
    };
    drop(bytes);
    result.encoding = Some(decoded.encoding.name());
    let cleaned = clean(&decoded.text, rules);
    result.dropped = cleaned
        .dropped_by_rule()
        .into_iter()
        .map(|(rule, n)| (rules.rules()[rule].id.clone(), n))
        .collect();
    if let Err(e) = write_outputs(input, &decoded.text, &cleaned, opts, &mut result) {
        result.message = Some(format!("cannot write output: {e}"));
        return result;
    }
    result.status = Status::Cleaned;
    result
}

fn write_outputs(
    input: &Input,
    text: &str,
    cleaned: &crate::clean::Cleaned,
    opts: &Options,
    result: &mut FileResult,
) -> std::io::Result<()> {
    let rel_dir = input.stem.parent().unwrap_or(Path::new(""));
    let stem = input
        .stem
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = opts.out.join(rel_dir);
    fs::create_dir_all(&dir)?;
    for (n, article) in cleaned.articles.iter().enumerate() {
        let name = article_file_name(&stem, n + 1);
        let body = article.render();
        write_atomic(&dir.join(&name), body.as_bytes())?;
        result.bytes_out += body.len() as u64;
        result
            .articles
            .push((rel_dir.join(name), article.title.clone()));
    }
    if opts.diff {
        let old = format!("a/{}", input.path.display());
        let new = format!(
            "b/{}",
            rel_dir.join(format!("{stem}.articles.txt")).display()
        );
        let diff = unified_diff(&old, &new, text, cleaned);
        write_atomic(&dir.join(diff_file_name(&stem)), diff.as_bytes())?;
    }
    Ok(())
}
