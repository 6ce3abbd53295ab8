//! `husk check`: the regression runner over a samples folder.
//!
//! Layout (see `samples/README.md`): `DIR/raw/NAME.txt` is a page and
//! `DIR/expected/NAME.N.txt` its N-th expected article; pages may sit in
//! sub-folders of `raw/`, mirrored under `expected/`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::batch::{WalkOptions, gather};
use crate::clean::clean_at;
use crate::decode::decode;
use crate::output::{article_file_name, write_atomic};
use crate::rules::RuleSet;

/// One case's outcome.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The page's path under `raw/`, without extension.
    pub name: String,
    /// Unified diffs (expected → got), one per differing article; empty when the case passes.
    pub diffs: Vec<String>,
    /// A problem reading the case.
    pub error: Option<String>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.diffs.is_empty() && self.error.is_none()
    }
}

/// A page and where its expected articles live.
struct Case {
    name: String,
    raw: PathBuf,
    /// `expected/NAME` without the `.N.txt`.
    expected_stem: PathBuf,
}

fn cases(dir: &Path) -> io::Result<Vec<Case>> {
    let raw = dir.join("raw");
    let inputs = gather(std::slice::from_ref(&raw), None, &WalkOptions::default())
        .map_err(|e| io::Error::new(io::ErrorKind::NotFound, e.to_string()))?;
    Ok(inputs
        .into_iter()
        .map(|i| Case {
            name: i.stem.display().to_string(),
            raw: i.path,
            expected_stem: dir.join("expected").join(&i.stem),
        })
        .collect())
}

/// The articles husk makes of a page now, rendered.
fn got(case: &Case, rules: &RuleSet) -> Result<Vec<String>, String> {
    let bytes = fs::read(&case.raw).map_err(|e| format!("{}: {e}", case.raw.display()))?;
    let text = decode(&bytes, None)
        .map_err(|e| format!("{}: {e}", case.raw.display()))?
        .text;
    Ok(clean_at(&text, rules, Some(&case.raw))
        .articles
        .iter()
        .map(|a| a.render())
        .collect())
}

/// The expected article files `STEM.1.txt`, `STEM.2.txt`, … that exist.
fn expected_files(stem: &Path) -> Vec<PathBuf> {
    let name = stem
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (1..)
        .map(|n| stem.with_file_name(article_file_name(&name, n)))
        .take_while(|p| p.exists())
        .collect()
}

/// Cleans every case and compares with its expected articles; reports every failure.
pub fn run(dir: &Path, rules: &RuleSet) -> io::Result<Vec<CaseResult>> {
    let mut results = Vec::new();
    for case in cases(dir)? {
        let mut result = CaseResult {
            name: case.name.clone(),
            diffs: Vec::new(),
            error: None,
        };
        match got(&case, rules) {
            Err(e) => result.error = Some(e),
            Ok(got) => {
                let files = expected_files(&case.expected_stem);
                if files.is_empty() {
                    result.error = Some(format!(
                        "no expected articles ({}); write them or run with --bless",
                        case.expected_stem.with_extension("1.txt").display()
                    ));
                }
                let name = case
                    .expected_stem
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                for n in 0..files.len().max(got.len()) {
                    let want = files
                        .get(n)
                        .map(|p| fs::read_to_string(p).unwrap_or_default())
                        .unwrap_or_default();
                    let have = got.get(n).cloned().unwrap_or_default();
                    if want != have {
                        let file = article_file_name(&name, n + 1);
                        let diff = TextDiff::from_lines(&want, &have)
                            .unified_diff()
                            .header(&format!("expected/{file}"), &format!("got/{file}"))
                            .to_string();
                        result.diffs.push(diff);
                    }
                }
            }
        }
        results.push(result);
    }
    Ok(results)
}

/// Rewrites every case's expected articles from husk's current output
/// (removing expected files past the new count). Returns the cases changed.
pub fn bless(dir: &Path, rules: &RuleSet) -> io::Result<Vec<String>> {
    let mut changed = Vec::new();
    for case in cases(dir)? {
        let got = got(&case, rules).map_err(io::Error::other)?;
        let old = expected_files(&case.expected_stem);
        let name = case
            .expected_stem
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut differs = old.len() != got.len();
        if let Some(parent) = case.expected_stem.parent() {
            fs::create_dir_all(parent)?;
        }
        for (n, text) in got.iter().enumerate() {
            let path = case
                .expected_stem
                .with_file_name(article_file_name(&name, n + 1));
            if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                write_atomic(&path, text.as_bytes())?;
                differs = true;
            }
        }
        for stale in old.iter().skip(got.len()) {
            fs::remove_file(stale)?;
        }
        if differs {
            changed.push(case.name);
        }
    }
    Ok(changed)
}
