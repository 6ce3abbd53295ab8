//! `OUT/manifest.jsonl`: one JSON line per input, in input order, saying
//! what husk did with it. It is written progressively to
//! `manifest.jsonl.partial` and renamed when the run completes, so a run
//! that was killed leaves a record `--resume` can pick up from.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

pub const MANIFEST: &str = "manifest.jsonl";
const PARTIAL: &str = "manifest.jsonl.partial";

/// What happened to one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Cleaned,
    SkippedBinary,
    SkippedEmpty,
    SkippedTooLarge,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Cleaned => "cleaned",
            Status::SkippedBinary => "skipped-binary",
            Status::SkippedEmpty => "skipped-empty",
            Status::SkippedTooLarge => "skipped-too-large",
            Status::Failed => "failed",
        }
    }

    /// Done for good: `--resume` does not redo it.
    pub fn is_final(self) -> bool {
        self != Status::Failed
    }
}

/// One article written for an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleEntry {
    /// The article's file, relative to the output folder (the shard, in
    /// JSONL format).
    pub file: String,
    pub title: String,
    /// Where the article came from when not the input itself: a WARC
    /// record's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One manifest line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The input path as given or found by the walk.
    pub path: String,
    pub status: Status,
    /// The encoding the page was decoded with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// `gzip` or `zstd` when the input was compressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<String>,
    /// The input's size, and its modification time in nanoseconds since the
    /// epoch: `--resume` redoes an input when either changed.
    pub bytes_in: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtime_ns: Option<i128>,
    /// Bytes of article text written.
    pub bytes_out: u64,
    pub articles: Vec<ArticleEntry>,
    /// Lines dropped per rule id.
    pub dropped: BTreeMap<String, usize>,
    /// Why the input was skipped or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Something worth knowing about a cleaned input (invalid byte sequences
    /// replaced with U+FFFD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

impl Entry {
    /// The entry of an input nothing is known of yet but its path and a
    /// status.
    pub fn new(path: String, status: Status) -> Entry {
        Entry {
            path,
            status,
            encoding: None,
            bytes_in: 0,
            mtime_ns: None,
            bytes_out: 0,
            articles: Vec::new(),
            dropped: BTreeMap::new(),
            error: None,
            warning: None,
            compression: None,
        }
    }
}

/// Modification time of `meta` in nanoseconds since the epoch.
pub fn mtime_ns(meta: &fs::Metadata) -> Option<i128> {
    let t = meta.modified().ok()?;
    Some(match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    })
}

/// Appends entries in order; one writer, no locking per line.
pub struct Writer {
    out: BufWriter<File>,
    dir: PathBuf,
}

impl Writer {
    pub fn create(dir: &Path) -> io::Result<Writer> {
        let file = File::create(dir.join(PARTIAL))?;
        Ok(Writer {
            out: BufWriter::with_capacity(1 << 16, file),
            dir: dir.to_path_buf(),
        })
    }

    pub fn write(&mut self, entry: &Entry) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, entry).map_err(io::Error::other)?;
        self.out.write_all(b"\n")
    }

    /// Makes what was written so far durable against a killed process.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Completes the manifest: `manifest.jsonl.partial` becomes `manifest.jsonl`.
    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()?;
        fs::rename(self.dir.join(PARTIAL), self.dir.join(MANIFEST))
    }
}

/// Entries of a previous run in `dir` (the completed manifest, then the
/// partial one of an interrupted run, which is newer), by input path.
/// A torn last line is ignored.
pub fn read_previous(dir: &Path) -> HashMap<String, Entry> {
    let mut map = HashMap::new();
    for name in [MANIFEST, PARTIAL] {
        let Ok(file) = File::open(dir.join(name)) else {
            continue;
        };
        for line in BufReader::new(file).lines() {
            let Ok(line) = line else { break };
            if let Ok(entry) = serde_json::from_str::<Entry>(&line) {
                map.insert(entry.path.clone(), entry);
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> Entry {
        Entry {
            path: path.into(),
            status: Status::Cleaned,
            encoding: Some("UTF-8".into()),
            bytes_in: 10,
            mtime_ns: Some(5),
            bytes_out: 4,
            articles: vec![ArticleEntry {
                file: "a.1.txt".into(),
                title: "T".into(),
                source: None,
            }],
            dropped: BTreeMap::from([("ads.label".to_string(), 2)]),
            error: None,
            warning: None,
            compression: None,
        }
    }

    #[test]
    fn round_trips_and_survives_a_torn_line() {
        let d = tempfile::tempdir().unwrap();
        let mut w = Writer::create(d.path()).unwrap();
        w.write(&entry("a.txt")).unwrap();
        w.write(&entry("b.txt")).unwrap();
        w.flush().unwrap();
        let mut text = fs::read_to_string(d.path().join(PARTIAL)).unwrap();
        text.push_str("{\"path\": \"c.txt\", \"sta");
        fs::write(d.path().join(PARTIAL), text).unwrap();
        let prev = read_previous(d.path());
        assert_eq!(prev.len(), 2);
        assert_eq!(prev["a.txt"], entry("a.txt"));
    }

    #[test]
    fn status_names_are_kebab_case() {
        let json = serde_json::to_string(&Status::SkippedBinary).unwrap();
        assert_eq!(json, "\"skipped-binary\"");
    }
}
