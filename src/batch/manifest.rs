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

impl Entry {
    /// The entry as one line of JSON, byte for byte as `serde_json` writes
    /// it (checked by tests): written field by field through the
    /// serializer, the manifest cost half as much as writing the articles.
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"path\":");
        json_str(out, &self.path);
        out.extend_from_slice(b",\"status\":");
        json_str(out, self.status.as_str());
        optional_str(out, b",\"encoding\":", self.encoding.as_deref());
        optional_str(out, b",\"compression\":", self.compression.as_deref());
        out.extend_from_slice(b",\"bytes_in\":");
        json_int(out, self.bytes_in.into());
        if let Some(t) = self.mtime_ns {
            out.extend_from_slice(b",\"mtime_ns\":");
            json_int(out, t);
        }
        out.extend_from_slice(b",\"bytes_out\":");
        json_int(out, self.bytes_out.into());
        out.extend_from_slice(b",\"articles\":[");
        for (k, a) in self.articles.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"file\":");
            json_str(out, &a.file);
            out.extend_from_slice(b",\"title\":");
            json_str(out, &a.title);
            optional_str(out, b",\"source\":", a.source.as_deref());
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"dropped\":{");
        for (k, (rule, n)) in self.dropped.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            json_str(out, rule);
            out.push(b':');
            json_int(out, *n as i128);
        }
        out.push(b'}');
        optional_str(out, b",\"error\":", self.error.as_deref());
        optional_str(out, b",\"warning\":", self.warning.as_deref());
        out.push(b'}');
    }
}

fn optional_str(out: &mut Vec<u8>, key: &[u8], value: Option<&str>) {
    if let Some(v) = value {
        out.extend_from_slice(key);
        json_str(out, v);
    }
}

fn json_int(out: &mut Vec<u8>, n: i128) {
    if n < 0 {
        out.push(b'-');
    }
    match u64::try_from(n.unsigned_abs()) {
        Ok(n) => crate::output::push_decimal(out, n),
        Err(_) => out.extend_from_slice(n.unsigned_abs().to_string().as_bytes()),
    }
}

/// A JSON string, escaped as `serde_json` escapes it: quotes, backslashes
/// and control characters only (short forms where JSON has them).
fn json_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if let Some(chunk) = b.get(i..i + 8)
            && !needs_escape(u64::from_le_bytes(chunk.try_into().expect("8 bytes")))
        {
            i += 8;
            continue;
        }
        let c = b[i];
        if c >= 0x20 && c != b'"' && c != b'\\' {
            i += 1;
            continue;
        }
        out.extend_from_slice(&b[start..i]);
        let short = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0c => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            _ => 0,
        };
        if short != 0 {
            out.extend_from_slice(&[b'\\', short]);
        } else {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.extend_from_slice(&[HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]]);
        }
        start = i + 1;
        i += 1;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// Whether any of the 8 bytes in `w` is a control character, a quote or
/// a backslash, 8 at a time: a byte at a time cost as much as the rest of
/// writing the manifest. (`x - 0x01…` borrows into a byte's top bit
/// exactly when some byte of `x` is zero; with `0x20…`, when one is
/// below 0x20.)
fn needs_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let zero_in = |x: u64| x.wrapping_sub(ONES) & !x & TOPS != 0;
    w.wrapping_sub(0x20 * ONES) & !w & TOPS != 0
        || zero_in(w ^ (u64::from(b'"') * ONES))
        || zero_in(w ^ (u64::from(b'\\') * ONES))
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
    /// The line being written, reused.
    line: Vec<u8>,
}

impl Writer {
    pub fn create(dir: &Path) -> io::Result<Writer> {
        let file = File::create(dir.join(PARTIAL))?;
        Ok(Writer {
            out: BufWriter::with_capacity(1 << 16, file),
            dir: dir.to_path_buf(),
            line: Vec::with_capacity(1024),
        })
    }

    pub fn write(&mut self, entry: &Entry) -> io::Result<()> {
        self.line.clear();
        entry.write_json(&mut self.line);
        self.line.push(b'\n');
        self.out.write_all(&self.line)
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
        for status in [
            Status::Cleaned,
            Status::SkippedBinary,
            Status::SkippedEmpty,
            Status::SkippedTooLarge,
            Status::Failed,
        ] {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
    }

    use proptest::prelude::*;

    /// Text with every byte JSON escapes, quotes, backslashes and wider
    /// characters.
    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                (0u8..0x20).prop_map(char::from),
                Just('"'),
                Just('\\'),
                Just('/'),
                Just('\u{7f}'),
                Just('é'),
                Just('\u{2028}'),
                Just('😀'),
                prop::char::range('a', 'z'),
            ],
            0..40,
        )
        .prop_map(|c| c.into_iter().collect())
    }

    fn opt_text() -> impl Strategy<Value = Option<String>> {
        prop::option::of(text())
    }

    prop_compose! {
        fn any_entry()(
            path in text(),
            status in 0..5usize,
            encoding in opt_text(),
            compression in opt_text(),
            bytes_in in any::<u64>(),
            mtime_ns in prop::option::of(prop_oneof![any::<i128>(), any::<i64>().prop_map(i128::from)]),
            bytes_out in any::<u64>(),
            articles in prop::collection::vec((text(), text(), opt_text()), 0..3),
            dropped in prop::collection::btree_map(text(), any::<usize>(), 0..3),
            error in opt_text(),
            warning in opt_text(),
        ) -> Entry {
            let status = [
                Status::Cleaned,
                Status::SkippedBinary,
                Status::SkippedEmpty,
                Status::SkippedTooLarge,
                Status::Failed,
            ][status];
            let articles = articles
                .into_iter()
                .map(|(file, title, source)| ArticleEntry { file, title, source })
                .collect();
            Entry { path, status, encoding, compression, bytes_in, mtime_ns, bytes_out, articles, dropped, error, warning }
        }
    }

    #[test]
    fn words_needing_escapes_are_found() {
        for filler in [b'a', b' ', 0x7f, 0x80, 0xff] {
            for v in 0..=255u8 {
                for k in 0..8 {
                    let mut bytes = [filler; 8];
                    bytes[k] = v;
                    let escaped = |c: u8| c < 0x20 || c == b'"' || c == b'\\';
                    assert_eq!(
                        needs_escape(u64::from_le_bytes(bytes)),
                        bytes.iter().any(|&c| escaped(c)),
                        "{bytes:?}"
                    );
                }
            }
        }
    }

    proptest! {
        #[test]
        fn lines_are_what_serde_json_writes(e in any_entry()) {
            let mut line = Vec::new();
            e.write_json(&mut line);
            prop_assert_eq!(String::from_utf8(line).unwrap(), serde_json::to_string(&e).unwrap());
        }
    }
}
