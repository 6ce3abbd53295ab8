//! JSONL output for dataset builders: articles as JSON lines in
//! `articles-NNNNN.jsonl` shards of bounded size, written in input order by
//! one writer (so shard contents do not depend on the thread count).

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

/// One article as a JSON line.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    /// The input page.
    pub source: &'a str,
    /// 1-based index of the article in its page.
    pub article: usize,
    pub title: &'a str,
    /// The article as the file output writes it (title, blank line, paragraphs).
    pub text: &'a str,
    /// Lines dropped from the page per rule id.
    pub dropped: &'a BTreeMap<String, usize>,
}

/// The name of shard `n`.
pub fn shard_name(n: usize) -> String {
    format!("articles-{n:05}.jsonl")
}

/// Writes records into shards, starting a new one before a shard would pass
/// `max_bytes` (a single larger record gets a shard of its own). Each shard
/// is written under a temporary name and renamed when complete.
pub struct ShardWriter {
    dir: PathBuf,
    max_bytes: u64,
    index: usize,
    current: Option<(BufWriter<File>, u64)>,
    line: Vec<u8>,
}

impl ShardWriter {
    pub fn new(dir: &Path, max_bytes: u64) -> ShardWriter {
        ShardWriter {
            dir: dir.to_path_buf(),
            max_bytes: max_bytes.max(1),
            index: 0,
            current: None,
            line: Vec::new(),
        }
    }

    fn tmp(&self, n: usize) -> PathBuf {
        self.dir.join(format!(".{}.tmp", shard_name(n)))
    }

    /// Writes one record; returns the shard's file name.
    pub fn write(&mut self, record: &Record<'_>) -> io::Result<String> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, record).map_err(io::Error::other)?;
        self.line.push(b'\n');
        let len = self.line.len() as u64;
        if self
            .current
            .as_ref()
            .is_some_and(|(_, size)| *size > 0 && size + len > self.max_bytes)
        {
            self.close()?;
            self.index += 1;
        }
        if self.current.is_none() {
            let f = File::create(self.tmp(self.index))?;
            self.current = Some((BufWriter::with_capacity(1 << 16, f), 0));
        }
        let (w, size) = self.current.as_mut().expect("opened above");
        w.write_all(&self.line)?;
        *size += len;
        Ok(shard_name(self.index))
    }

    fn close(&mut self) -> io::Result<()> {
        if let Some((mut w, _)) = self.current.take() {
            w.flush()?;
            fs::rename(self.tmp(self.index), self.dir.join(shard_name(self.index)))?;
        }
        Ok(())
    }

    /// Completes the last shard.
    pub fn finish(mut self) -> io::Result<()> {
        self.close()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_shards_at_the_size_bound() {
        let d = tempfile::tempdir().unwrap();
        let dropped = BTreeMap::new();
        let mut w = ShardWriter::new(d.path(), 200);
        let mut names = Vec::new();
        for i in 0..5 {
            let text = format!("Title {i}\n\nBody text number {i}.\n");
            let rec = Record {
                source: "p.txt",
                article: i + 1,
                title: "T",
                text: &text,
                dropped: &dropped,
            };
            names.push(w.write(&rec).unwrap());
        }
        w.finish().unwrap();
        assert_eq!(names[0], "articles-00000.jsonl");
        assert!(names.last().unwrap() > &names[0], "{names:?}");
        let mut total = 0;
        for name in names.iter().collect::<std::collections::BTreeSet<_>>() {
            let text = fs::read_to_string(d.path().join(name)).unwrap();
            assert!(text.len() <= 200);
            for line in text.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                assert_eq!(v["source"], "p.txt");
                total += 1;
            }
        }
        assert_eq!(total, 5);
    }
}
