//! Cleaning a crawl: gathering inputs ([`walk`]), cleaning them in
//! parallel, writing each page's articles (and diff), and recording every
//! input in the [`manifest`].
//!
//! Every worker takes the next inputs (a short run of them) as it frees up,
//! opens the next few ahead so that their reads overlap its cleaning
//! (`ahead`), and leaves each result to be recorded in input order
//! (`order`). Workers stay at most a fixed window of inputs ahead of the
//! recording, so memory stays bounded whatever the number of files (or one
//! slow input), and every output — article files, shards, manifest — is
//! the same whatever the number of threads.

mod ahead;
pub mod manifest;
mod order;
mod read;
pub mod walk;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use encoding_rs::Encoding;

use crate::clean::{Cleaned, clean_at};
use crate::decode::{DecodeError, decode, decode_owned};
use crate::output::shards::ShardWriter;
use crate::output::{
    Folder, Folders, article_file_name, diff_file_name, joined_text, path_text, write_unified_diff,
};
use crate::report::PageView;
use crate::rules::RuleSet;
use ahead::Ahead;
pub use manifest::{ArticleEntry, Entry, Status};
use order::{Feed, Records, Run};
use read::{Opened, read_sized};
pub use walk::{Input, InputError, Walk, WalkOptions, gather};

/// How articles are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One file per article: `OUT/…/STEM.N.txt`.
    Files,
    /// JSON lines in `OUT/articles-NNNNN.jsonl` shards.
    Jsonl,
}

/// Settings for a batch run.
#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub encoding: Option<&'static Encoding>,
    pub diff: bool,
    pub format: Format,
    /// Inputs larger than this are skipped.
    pub max_bytes: u64,
    /// The size bound of a JSONL shard.
    pub shard_bytes: u64,
    /// Reuse what a previous run's manifest records as done.
    pub resume: bool,
    /// Build a [`PageView`] of every cleaned page (for the HTML report).
    pub views: bool,
}

/// The figures of a run.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub seen: usize,
    /// Inputs per status name.
    pub by_status: BTreeMap<&'static str, usize>,
    /// Failed inputs per reason (the error's first word: unreadable, vanished, …).
    pub failures: BTreeMap<String, usize>,
    /// Inputs a previous run had done, taken over by `--resume`.
    pub resumed: usize,
    /// Cleaned inputs that carried a warning (invalid byte sequences).
    pub warnings: usize,
    pub articles: usize,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// Bytes read from inputs that were cleaned, for the share removed.
    pub bytes_cleaned_in: u64,
    pub dropped: BTreeMap<String, usize>,
}

impl Summary {
    fn add(&mut self, entry: &Entry, reused: bool) {
        self.seen += 1;
        *self.by_status.entry(entry.status.as_str()).or_default() += 1;
        if entry.status == Status::Failed {
            let reason = entry
                .error
                .as_deref()
                .and_then(|e| e.split(':').next())
                .unwrap_or("unknown");
            *self.failures.entry(reason.to_string()).or_default() += 1;
        }
        self.resumed += usize::from(reused);
        self.warnings += usize::from(entry.warning.is_some());
        self.articles += entry.articles.len();
        self.bytes_in += entry.bytes_in;
        self.bytes_out += entry.bytes_out;
        if entry.status == Status::Cleaned {
            self.bytes_cleaned_in += entry.bytes_in;
        }
        for (rule, n) in &entry.dropped {
            // A rule seen before (nearly all) costs no copy of its id.
            match self.dropped.get_mut(rule) {
                Some(count) => *count += n,
                None => {
                    self.dropped.insert(rule.clone(), *n);
                }
            }
        }
    }

    pub fn count(&self, status: Status) -> usize {
        self.by_status.get(status.as_str()).copied().unwrap_or(0)
    }

    /// The share of the cleaned inputs' bytes that was removed.
    pub fn removed_share(&self) -> f64 {
        if self.bytes_cleaned_in == 0 {
            0.0
        } else {
            // Articles add blank lines: a page with nothing to remove can
            // come out a little longer than it went in.
            (1.0 - self.bytes_out as f64 / self.bytes_cleaned_in as f64).max(0.0)
        }
    }

    /// The rules that dropped the most lines, most first (ties by id).
    pub fn top_rules(&self, n: usize) -> Vec<(&str, usize)> {
        let mut v: Vec<(&str, usize)> =
            self.dropped.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.truncate(n);
        v
    }
}

/// An article waiting for the JSONL writer.
struct Payload {
    title: String,
    text: String,
    /// Where the article came from when not the input itself (a WARC
    /// record's URL).
    source: Option<String>,
}

/// One input's outcome before it is recorded.
struct Done {
    entry: Entry,
    /// Title and text of each article, for the JSONL writer.
    payload: Vec<Payload>,
    reused: bool,
    view: Option<PageView>,
}

/// What `run` tells its caller about each input, in input order.
pub struct Progress<'a> {
    pub entry: &'a Entry,
    /// A previous run's result was taken over (`--resume`).
    pub reused: bool,
    /// The page's view, when `Options::views` is set and it was cleaned.
    pub view: Option<PageView>,
}

/// Cleans every input on `pool`'s threads, recording each in
/// `OUT/manifest.jsonl`. `on_done` is called for each input, in input
/// order, by whichever worker records it.
pub fn run(
    pool: &rayon::ThreadPool,
    inputs: impl Iterator<Item = Input> + Send,
    rules: &RuleSet,
    opts: &Options,
    on_done: &mut (dyn FnMut(Progress<'_>) + Send),
) -> io::Result<Summary> {
    fs::create_dir_all(&opts.out)?;
    let previous = if opts.resume {
        remove_stale_temps(&opts.out);
        manifest::read_previous(&opts.out)
    } else {
        HashMap::new()
    };
    let job = Job {
        rules,
        opts,
        previous: &previous,
        dirs: Mutex::new(HashSet::from([opts.out.clone().into_os_string()])),
    };
    let threads = pool.current_num_threads();
    // Wide enough to clean on through one slow page (a 30 MB page takes a
    // fraction of a second, in which a thread cleans hundreds of small ones).
    let feed = Feed::new(inputs, threads * 1024);
    let records = Records::new(
        manifest::Writer::create(&opts.out)?,
        (opts.format == Format::Jsonl).then(|| ShardWriter::new(&opts.out, opts.shard_bytes)),
        on_done,
    );
    // Every worker takes the next inputs from the walk as it frees up (the
    // walk runs under the feed's lock while the others clean), leaves each
    // result in the inbox and records what is there unless another worker
    // is recording: no thread is woken per input, none waits for another's
    // recording, and none waits for a slow page unless it is a window of
    // inputs ahead of it.
    pool.broadcast(|_| {
        let (mut run, mut batch) = (Run::default(), Vec::new());
        let mut ahead = Ahead::new(previous.is_empty());
        let mut folders = Folders::default();
        while let Some((seq, input, file)) = ahead.next(|wait| run.next(&feed, wait)) {
            let opened = Opened {
                file,
                waits: &ahead.waits,
            };
            let done = process(&input, opened, &job, &mut folders);
            if !records.leave(seq, done, &mut batch, &feed) {
                break;
            }
        }
    });
    records.finish()
}

/// Temporary files an interrupted run left behind (see [`Folder::write`]).
fn remove_stale_temps(out: &Path) {
    for entry in walkdir::WalkDir::new(out).into_iter().flatten() {
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && name.starts_with('.') && name.ends_with(".tmp") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// What every input of a run shares.
struct Job<'a> {
    rules: &'a RuleSet,
    opts: &'a Options,
    /// A previous run's entries, for `--resume`.
    previous: &'a HashMap<String, Entry>,
    /// Output folders known to exist (the output folder itself, and those
    /// created): one `mkdir` per folder, not per page. Kept as they are
    /// spelled (every page's folder is spelled alike): hashing a `Path`
    /// parses it into components.
    dirs: Mutex<HashSet<OsString>>,
}

impl Job<'_> {
    fn is_known(&self, dir: &Path) -> bool {
        (self.dirs.lock().unwrap_or_else(|e| e.into_inner())).contains(dir.as_os_str())
    }

    /// Creates `dir` and any missing folders above it, top down from the
    /// nearest known one (where `create_dir_all` would first fail to
    /// create each missing one). The lock is not held meanwhile: a worker
    /// that finds its folder made by another since takes that as done
    /// (holding it made the others wait, which cost more system calls
    /// than the rare `mkdir` that fails).
    fn create_dir(&self, dir: &Path) -> io::Result<()> {
        if self.is_known(dir) {
            return Ok(());
        }
        match dir.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => self.create_dir(parent)?,
            _ => {}
        }
        match fs::create_dir(dir) {
            // A file in the way fails the writes into it.
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                // Above the output folder, or an unusual path: the general way.
                fs::create_dir_all(dir)?;
            }
            _ => {}
        }
        (self.dirs.lock().unwrap_or_else(|e| e.into_inner())).insert(dir.as_os_str().to_owned());
        Ok(())
    }
}

/// Reads, decodes, cleans and writes one input (from its file when it was
/// opened ahead) into `folders`. Never panics on bad input.
fn process(input: &Input, opened: Opened<'_>, job: &Job<'_>, folders: &mut Folders) -> Done {
    let mut entry = Entry::new(path_text(&input.path), Status::Failed);
    let mut payload = Vec::new();
    let mut view = None;
    let outcome = examine(
        input,
        opened,
        job,
        &mut entry,
        &mut payload,
        &mut view,
        folders,
    );
    let reused = matches!(outcome, Ok(true));
    if let Err((status, error)) = outcome {
        entry.status = status;
        entry.error = Some(error);
        if status == Status::Failed {
            payload.clear();
        }
    }
    Done {
        entry,
        payload,
        reused,
        view,
    }
}

/// `Ok(true)` when a previous run's entry was reused; `Err` for a skip or failure.
fn examine(
    input: &Input,
    opened: Opened<'_>,
    job: &Job<'_>,
    entry: &mut Entry,
    payload: &mut Vec<Payload>,
    view: &mut Option<PageView>,
    folders: &mut Folders,
) -> Result<bool, (Status, String)> {
    let (opts, previous) = (job.opts, job.previous);
    let failed = |what: &str, e: &dyn std::fmt::Display| (Status::Failed, format!("{what}: {e}"));
    if let Some(e) = &input.error {
        return Err(failed("unreadable", e));
    }
    let read_error = |e: io::Error| match e.kind() {
        io::ErrorKind::NotFound => failed("vanished", &e),
        _ => failed("unreadable", &e),
    };
    if input.path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut io::stdin().lock(), &mut bytes).map_err(read_error)?;
        return clean_bytes(input, job, entry, payload, view, folders, bytes);
    }
    // Opened once (maybe ahead): its size and time come from the open
    // file, and the read fills a buffer of that size.
    let mut file = match opened.file {
        Some(file) => file,
        None => fs::File::open(&input.path).map_err(read_error)?,
    };
    let meta = file.metadata().map_err(read_error)?;
    entry.bytes_in = meta.len();
    entry.mtime_ns = manifest::mtime_ns(&meta);
    if let Some(prev) = previous.get(&entry.path)
        && prev.status.is_final()
        && prev.bytes_in == entry.bytes_in
        && prev.mtime_ns == entry.mtime_ns
    {
        *entry = prev.clone();
        return Ok(true);
    }
    if meta.len() > opts.max_bytes {
        return Err((
            Status::SkippedTooLarge,
            format!(
                "too large: {} bytes (limit {}; see --max-bytes)",
                meta.len(),
                opts.max_bytes
            ),
        ));
    }
    let bytes = read_sized(&mut file, meta.len(), opened.waits).map_err(read_error)?;
    drop(file);
    clean_bytes(input, job, entry, payload, view, folders, bytes)
}

/// Decodes, cleans and writes one page's bytes.
fn clean_bytes(
    input: &Input,
    job: &Job<'_>,
    entry: &mut Entry,
    payload: &mut Vec<Payload>,
    view: &mut Option<PageView>,
    folders: &mut Folders,
    bytes: Vec<u8>,
) -> Result<bool, (Status, String)> {
    let (rules, opts) = (job.rules, job.opts);
    entry.bytes_in = bytes.len() as u64;
    let (bytes, compression) =
        crate::compress::decompress(bytes, opts.max_bytes).map_err(|e| match e {
            crate::compress::Error::TooLarge { .. } => (Status::SkippedTooLarge, e.to_string()),
            crate::compress::Error::Corrupt { .. } => (Status::Failed, format!("unreadable: {e}")),
        })?;
    entry.compression = compression.map(|c| c.as_str().to_string());
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err((Status::SkippedEmpty, "empty file".into()));
    }
    if bytes.starts_with(b"WARC/") {
        return clean_warc(input, job, entry, payload, folders, &bytes);
    }
    let decoded = match decode_owned(bytes, opts.encoding) {
        Ok(d) => d,
        Err(e @ DecodeError::Binary { .. }) => return Err((Status::SkippedBinary, e.to_string())),
    };
    entry.encoding = Some(decoded.encoding.name().to_string());
    if decoded.had_errors {
        entry.warning = Some(format!(
            "invalid byte sequences replaced with U+FFFD (decoded as {})",
            decoded.encoding.name()
        ));
    }
    let cleaned = clean_at(&decoded.text, rules, Some(&input.path));
    let guarded: Vec<String> = (cleaned.articles.iter().enumerate())
        .filter(|(_, a)| a.guarded)
        .map(|(n, _)| (n + 1).to_string())
        .collect();
    if !guarded.is_empty() {
        let note = format!(
            "over-removal guard: the rules left almost nothing of article {}, so only single-line rules were applied to it",
            guarded.join(", ")
        );
        entry.warning = Some(match entry.warning.take() {
            Some(w) => format!("{w}; {note}"),
            None => note,
        });
    }
    for (rule, n) in cleaned.dropped_by_rule() {
        entry.dropped.insert(rules.rules()[rule].id.clone(), n);
    }
    write_outputs(input, &decoded.text, &cleaned, job, entry, payload, folders)
        .map_err(|e| (Status::Failed, format!("cannot write output: {e}")))?;
    if opts.views {
        *view = Some(PageView::build(&entry.path, &decoded.text, &cleaned, rules));
    }
    cleaned.recycle();
    crate::reuse::give(&PAGE_BYTES, decoded.text.into_bytes());
    entry.status = Status::Cleaned;
    Ok(false)
}

// Each worker reads page after page, and writes article after article,
// into the buffers of the one before.
crate::reuse::shelf!(PAGE_BYTES: u8);
crate::reuse::shelf!(ARTICLE_TEXT: u8);

/// A WARC file (a Common Crawl WET file): each `conversion` record is a
/// page of its own. Its articles go under `OUT/…/STEM/` as `R.N.txt` (R
/// the record's number among the conversion records), each with the
/// record's URL as its source.
fn clean_warc(
    input: &Input,
    job: &Job<'_>,
    entry: &mut Entry,
    payload: &mut Vec<Payload>,
    folders: &mut Folders,
    bytes: &[u8],
) -> Result<bool, (Status, String)> {
    let (rules, opts) = (job.rules, job.opts);
    let write_error = |e: io::Error| (Status::Failed, format!("cannot write output: {e}"));
    let dir = opts.out.join(&input.stem);
    let reader = warc::WarcReader::new(io::BufReader::new(bytes));
    let mut record_no = 0;
    for record in reader.iter_records() {
        let record =
            record.map_err(|e| (Status::Failed, format!("unreadable: bad WARC record: {e}")))?;
        if record.warc_type() != &warc::RecordType::Conversion {
            continue;
        }
        record_no += 1;
        let url = record
            .header(warc::WarcHeader::TargetURI)
            .map(|u| u.into_owned());
        let Ok(decoded) = decode(record.body(), opts.encoding) else {
            continue; // a binary record: nothing to clean
        };
        let cleaned = clean_at(&decoded.text, rules, Some(&input.path));
        for (rule, n) in cleaned.dropped_by_rule() {
            *entry
                .dropped
                .entry(rules.rules()[rule].id.clone())
                .or_default() += n;
        }
        for (n, article) in cleaned.articles.iter().enumerate() {
            entry.bytes_out += article.rendered_len() as u64;
            match opts.format {
                Format::Files => {
                    job.create_dir(&dir).map_err(write_error)?;
                    let name = format!("{record_no}.{}.txt", n + 1);
                    write_article(folders.get(&dir), &name, article).map_err(write_error)?;
                    entry.articles.push(ArticleEntry {
                        file: input.stem.join(name).display().to_string(),
                        title: article.title.to_string(),
                        source: url.clone(),
                    });
                }
                Format::Jsonl => payload.push(Payload {
                    title: article.title.to_string(),
                    text: article.render(),
                    source: url.clone(),
                }),
            }
        }
    }
    entry.encoding = Some("UTF-8".into());
    entry.status = Status::Cleaned;
    Ok(false)
}

/// Writes article file `name` in `folder`: rendered in memory and written
/// at once, or for a huge article streamed, so it is not held twice.
fn write_article(folder: &Folder, name: &str, article: &crate::clean::Article) -> io::Result<()> {
    if article.rendered_len() <= 1 << 20 {
        let mut text = crate::reuse::take_string(&ARTICLE_TEXT, 0);
        article.render_into(&mut text);
        let written = folder.write(name, text.as_bytes());
        crate::reuse::give(&ARTICLE_TEXT, text.into_bytes());
        written
    } else {
        folder.write_with(name, |w| article.write_to(w))
    }
}

fn write_outputs(
    input: &Input,
    text: &str,
    cleaned: &Cleaned,
    job: &Job<'_>,
    entry: &mut Entry,
    payload: &mut Vec<Payload>,
    folders: &mut Folders,
) -> io::Result<()> {
    let rel_dir = input.stem.parent().unwrap_or(Path::new(""));
    let stem = input
        .stem
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let opts = job.opts;
    let dir = opts.out.join(rel_dir);
    if opts.format == Format::Files || opts.diff {
        job.create_dir(&dir)?;
    }
    for (n, article) in cleaned.articles.iter().enumerate() {
        entry.bytes_out += article.rendered_len() as u64;
        match opts.format {
            Format::Files => {
                let name = article_file_name(&stem, n + 1);
                write_article(folders.get(&dir), &name, article)?;
                entry.articles.push(ArticleEntry {
                    file: joined_text(rel_dir, &name),
                    title: article.title.to_string(),
                    source: None,
                });
            }
            Format::Jsonl => payload.push(Payload {
                title: article.title.to_string(),
                text: article.render(),
                source: None,
            }),
        }
    }
    if opts.diff {
        let old = ["a/", path_text(&input.path).trim_start_matches('/')].concat();
        let new = [
            "b/",
            &joined_text(rel_dir, &[&stem, ".articles.txt"].concat()),
        ]
        .concat();
        folders.get(&dir).write_blocks(diff_file_name(&stem), |w| {
            write_unified_diff(w, &old, &new, text, cleaned)
        })?;
    }
    Ok(())
}
