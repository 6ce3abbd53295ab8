//! Gathering inputs: files named on the command line and folders walked in
//! sorted order, with include/exclude globs, hidden and VCS folders skipped
//! unless asked, and links followed only on request (with loop detection).

use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use walkdir::WalkDir;

/// One page to clean and where its outputs go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// Output path without extension, relative to the output folder: the
    /// page's stem, under the sub-folders it had inside a walked folder.
    pub stem: PathBuf,
    /// Set when the walk itself could not reach this entry; the input is
    /// then reported as failed and the run goes on.
    pub error: Option<String>,
}

/// How folders are walked.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Only files whose path relative to the walked folder matches one of
    /// these (all files when empty).
    pub globs: Vec<String>,
    /// Files or folders whose relative path matches one of these are skipped.
    pub excludes: Vec<String>,
    /// Include hidden files and folders (names starting with '.').
    pub hidden: bool,
    /// Include version-control folders (.git, .hg, .svn, .bzr, _darcs, CVS).
    pub vcs: bool,
    /// Follow symbolic links (loops are detected and reported).
    pub follow: bool,
}

/// Why inputs could not be gathered.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("bad glob `{glob}`: {source}")]
    Glob {
        glob: String,
        source: globset::Error,
    },
    #[error(
        "{first} and {second} would both write {stem}.N.txt; clean them into separate output folders"
    )]
    Collision {
        first: PathBuf,
        second: PathBuf,
        stem: PathBuf,
    },
    #[error(
        "the output folder {out} is inside the input folder {input}; choose an output folder outside it"
    )]
    OutInsideInput { out: PathBuf, input: PathBuf },
}

const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn", ".bzr", "_darcs", "CVS"];

fn glob_set(globs: &[String]) -> Result<Option<GlobSet>, InputError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g).map_err(|source| InputError::Glob {
            glob: g.clone(),
            source,
        })?);
    }
    b.build().map(Some).map_err(|source| InputError::Glob {
        glob: globs.join(", "),
        source,
    })
}

/// Files and folders to clean, walked lazily: inputs come out one at a
/// time in a fixed order, so a run over millions of files holds only the
/// ones being cleaned. `out` is refused when it lies inside a walked
/// folder: its outputs would be read back as inputs.
pub struct Walk<'a> {
    args: &'a [PathBuf],
    opts: &'a WalkOptions,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    /// Which arguments are folders.
    dirs: Vec<bool>,
}

impl<'a> Walk<'a> {
    pub fn new(
        args: &'a [PathBuf],
        out: Option<&Path>,
        opts: &'a WalkOptions,
    ) -> Result<Walk<'a>, InputError> {
        let include = glob_set(&opts.globs)?;
        let exclude = glob_set(&opts.excludes)?;
        let out_abs = out.map(absolute);
        let mut dirs = Vec::with_capacity(args.len());
        for arg in args {
            let meta = fs::metadata(arg).map_err(|source| InputError::Io {
                path: arg.clone(),
                source,
            })?;
            if meta.is_dir()
                && let Some(out) = &out_abs
            {
                let input = absolute(arg);
                if out.starts_with(&input) {
                    return Err(InputError::OutInsideInput {
                        out: out.clone(),
                        input,
                    });
                }
            }
            dirs.push(meta.is_dir());
        }
        Ok(Walk {
            args,
            opts,
            include,
            exclude,
            dirs,
        })
    }

    /// The inputs, in order: arguments as given, each folder walked in
    /// sorted order.
    pub fn inputs(&self) -> impl Iterator<Item = Input> + Send + '_ {
        self.args.iter().zip(&self.dirs).flat_map(
            move |(arg, &dir)| -> Box<dyn Iterator<Item = Input> + Send + '_> {
                if dir {
                    Box::new(self.walk_dir(arg))
                } else {
                    Box::new(std::iter::once(Input {
                        path: arg.clone(),
                        stem: PathBuf::from(stem_of(arg).into_owned()),
                        error: None,
                    }))
                }
            },
        )
    }

    fn walk_dir(&self, arg: &'a PathBuf) -> impl Iterator<Item = Input> + Send + '_ {
        self.entries(arg, true).map(move |entry| match entry {
            Ok(entry) => Input {
                path: entry.path().to_path_buf(),
                stem: out_stem(relative(entry.path(), arg)),
                error: None,
            },
            // An unreadable folder or a link loop: report it, keep walking.
            Err(e) => {
                let path = e.path().map_or_else(|| arg.clone(), Path::to_path_buf);
                let rel = path.strip_prefix(arg).unwrap_or(&path).to_path_buf();
                let stem = out_stem(&rel);
                let error = match e.loop_ancestor() {
                    Some(a) => format!("link loop back to {}", a.display()),
                    None => e
                        .io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string),
                };
                Input {
                    path,
                    stem,
                    error: Some(error),
                }
            }
        })
    }

    /// The files to clean in folder `arg` and the errors met on the way,
    /// in sorted order when `sorted` (the same ones either way).
    fn entries(
        &self,
        arg: &'a Path,
        sorted: bool,
    ) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> + Send + '_ {
        let mut walk = WalkDir::new(arg);
        if sorted {
            walk = walk.sort_by(|a, b| entry_name(a).cmp(entry_name(b)));
        }
        self.within(walk, arg)
            .filter(move |entry| self.is_input(entry, arg))
    }

    /// Whether a walked entry of folder `arg` is an input: a file the
    /// globs take, or an error to report.
    fn is_input(&self, entry: &walkdir::Result<walkdir::DirEntry>, arg: &Path) -> bool {
        match entry {
            Ok(entry) => {
                entry.file_type().is_file()
                    && (self.include.as_ref())
                        .is_none_or(|g| g.is_match(relative(entry.path(), arg)))
            }
            Err(_) => true,
        }
    }

    /// What `walk`, of folder `arg` or of a folder in it, finds that is
    /// not skipped: hidden, version-control or excluded entries (the folder
    /// it starts from is taken as it is).
    fn within(
        &self,
        walk: WalkDir,
        arg: &'a Path,
    ) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> + Send + '_ {
        let (opts, exclude) = (self.opts, self.exclude.as_ref());
        walk.follow_links(opts.follow)
            .into_iter()
            .filter_entry(move |e| {
                if e.depth() == 0 {
                    return true;
                }
                let name = entry_name(e).to_string_lossy();
                let vcs = e.file_type().is_dir() && VCS_DIRS.contains(&name.as_ref());
                let hidden_ok = opts.hidden || vcs || !name.starts_with('.');
                (!vcs || opts.vcs)
                    && hidden_ok
                    && !exclude.is_some_and(|x| x.is_match(relative(e.path(), arg)))
            })
    }

    /// Walks once to count the inputs and to refuse two that would write
    /// the same outputs, before anything is written, on up to `threads`
    /// threads: nothing else runs meanwhile. Only a 64-bit hash of each
    /// output stem is kept; a repeated hash is confirmed by walking again
    /// (see [`Walk::count_checked_alone`]).
    pub fn count_checked(&self, threads: usize) -> Result<usize, InputError> {
        // Following links, loops are found by the ancestors of one walk.
        if threads <= 1 || self.opts.follow {
            return self.count_checked_alone();
        }
        let mut tally = Tally::default();
        for (arg, &dir) in self.args.iter().zip(&self.dirs) {
            if dir {
                self.tally_folder(arg, threads, &mut tally);
            } else {
                tally
                    .stems
                    .push(stem_hash(Path::new(stem_of(arg).as_ref())));
            }
        }
        let n = tally.stems.len() + tally.unreachable;
        // Sorted rather than put in a set: half the memory, for millions.
        tally.stems.sort_unstable();
        if tally.stems.windows(2).any(|w| w[0] == w[1]) {
            return self.count_checked_alone();
        }
        Ok(n)
    }

    /// Tallies the inputs in folder `arg`, its folders a few levels down
    /// walked on `threads` threads.
    fn tally_folder(&self, arg: &'a Path, threads: usize, tally: &mut Tally) {
        let add = |tally: &mut Tally, entry: walkdir::Result<walkdir::DirEntry>| {
            if self.is_input(&entry, arg) {
                match entry {
                    Ok(e) => tally
                        .stems
                        .push(stem_hash(&out_stem(relative(e.path(), arg)))),
                    Err(_) => tally.unreachable += 1,
                }
            }
        };
        // Split into enough folders to keep every thread busy: each level
        // is listed, its files taken and its folders split further.
        let mut folders = vec![arg.to_path_buf()];
        for _ in 0..4 {
            if folders.len() >= threads * 8 {
                break;
            }
            let mut below = Vec::new();
            for folder in &folders {
                for entry in self.within(WalkDir::new(folder).min_depth(1).max_depth(1), arg) {
                    match &entry {
                        Ok(e) if e.file_type().is_dir() => below.push(e.path().to_path_buf()),
                        _ => add(tally, entry),
                    }
                }
            }
            folders = below;
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            let walkers: Vec<_> = (0..threads.min(folders.len()))
                .map(|_| {
                    s.spawn(|| {
                        let mut found = Tally::default();
                        while let Some(folder) =
                            folders.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                        {
                            let walk = WalkDir::new(folder).min_depth(1);
                            for entry in self.within(walk, arg) {
                                add(&mut found, entry);
                            }
                        }
                        found
                    })
                })
                .collect();
            for walker in walkers {
                match walker.join() {
                    Ok(found) => {
                        tally.stems.extend(found.stems);
                        tally.unreachable += found.unreachable;
                    }
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
        });
    }

    /// [`Walk::count_checked`] on this thread, naming the inputs that
    /// clash: a repeated hash is confirmed by the walk that
    /// [`Walk::inputs`] does, which finds the inputs with that stem.
    /// Folders are walked unsorted here: the count and the stems are the
    /// same in any order, and sorting each folder's names cost a quarter
    /// of the walk.
    fn count_checked_alone(&self) -> Result<usize, InputError> {
        let mut seen: HashSet<u64> = HashSet::new();
        let mut n = 0;
        let mut check = |stem: Option<PathBuf>| -> Result<(), InputError> {
            n += 1;
            match stem {
                Some(stem) if !seen.insert(stem_hash(&stem)) => self.confirm_unique(&stem),
                _ => Ok(()),
            }
        };
        for (arg, &dir) in self.args.iter().zip(&self.dirs) {
            if !dir {
                check(Some(PathBuf::from(stem_of(arg).into_owned())))?;
                continue;
            }
            for entry in self.entries(arg, false) {
                // Inputs the walk could not reach write nothing.
                check(entry.ok().map(|e| out_stem(relative(e.path(), arg))))?;
            }
        }
        Ok(n)
    }

    /// Refuses two inputs with output stem `stem`, naming the first and
    /// the next with another path (a file named twice is cleaned once
    /// more into the same outputs, which is no clash).
    fn confirm_unique(&self, stem: &Path) -> Result<(), InputError> {
        let mut same = (self.inputs()).filter(|i| i.error.is_none() && i.stem == stem);
        let Some(first) = same.next() else {
            return Ok(());
        };
        match same.find(|i| i.path != first.path) {
            Some(second) => Err(InputError::Collision {
                first: first.path,
                second: second.path,
                stem: first.stem,
            }),
            // Two stems with one hash, or one file twice.
            None => Ok(()),
        }
    }
}

/// What the counting walk keeps of the inputs it finds.
#[derive(Default)]
struct Tally {
    /// The hash of each input's output stem.
    stems: Vec<u64>,
    /// Entries the walk could not reach, each an input to report.
    unreachable: usize,
}

fn stem_hash(stem: &Path) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(stem)
}

/// Every input at once, checked: for callers that want them all (samples,
/// lint and learn corpora); `husk clean` streams through a [`Walk`].
pub fn gather(
    args: &[PathBuf],
    out: Option<&Path>,
    opts: &WalkOptions,
) -> Result<Vec<Input>, InputError> {
    let walk = Walk::new(args, out, opts)?;
    walk.count_checked(1)?;
    Ok(walk.inputs().collect())
}

/// A walked path relative to the walked folder `base`. Walked paths are
/// `base` joined with names, so the common case cuts a string prefix
/// rather than parse both paths component by component, as
/// `Path::strip_prefix` does (a sizeable share of walking a tree).
fn relative<'p>(path: &'p Path, base: &Path) -> &'p Path {
    use std::path::is_separator;
    if let (Some(p), Some(b)) = (path.to_str(), base.to_str())
        && let Some(rest) = p.strip_prefix(b)
        && (rest.is_empty() || rest.starts_with(is_separator) || b.ends_with(is_separator))
    {
        return Path::new(rest.trim_start_matches(is_separator));
    }
    path.strip_prefix(base).unwrap_or(path)
}

/// Where a walked file's outputs go, relative to OUT: its folders inside
/// the walked folder, then its stem.
fn out_stem(rel: &Path) -> PathBuf {
    if let Some((dir, name)) = plain_split(rel) {
        let stem = name_stem(name);
        return PathBuf::from(if dir.is_empty() {
            stem.to_owned()
        } else {
            [dir, "/", stem].concat()
        });
    }
    out_stem_by_components(rel)
}

/// [`out_stem`] of any path, by `Path::parent`, `Path::file_name` and
/// `Path::join`.
fn out_stem_by_components(rel: &Path) -> PathBuf {
    let stem = stem_of(rel);
    match rel.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(stem.as_ref()),
        _ => PathBuf::from(stem.into_owned()),
    }
}

/// A relative UTF-8 path of plain names joined by single `/`s (as walked
/// paths are, cut to their folder), split at its last `/` into what
/// `Path::parent` and `Path::file_name` give, without their parsing of
/// every component (which cost more than the rest of finding an input's
/// outputs); None for any other path, which takes that parsing.
#[cfg(unix)]
fn plain_split(path: &Path) -> Option<(&str, &str)> {
    let s = path.to_str()?;
    // Every name non-empty and neither `.` nor `..`: no `/` at either
    // end, no `//`, and no `.` or `..` between `/`s or the ends.
    let b = s.as_bytes();
    let mut start = 0;
    for end in memchr::memchr_iter(b'/', b).chain([b.len()]) {
        if !is_plain_name(&b[start..end]) {
            return None;
        }
        start = end + 1;
    }
    Some(match memchr::memrchr(b'/', b) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => ("", s),
    })
}

/// Whether a path's part names an entry: not empty, `.` or `..`.
#[cfg(unix)]
fn is_plain_name(name: &[u8]) -> bool {
    !matches!(name, b"" | b"." | b"..")
}

#[cfg(not(unix))]
fn plain_split(_: &Path) -> Option<(&str, &str)> {
    None
}

/// A file name without its last extension (`a.b.txt` → `a.b`), and
/// without a compression suffix first (`a.txt.gz` → `a`).
fn stem_of(path: &Path) -> std::borrow::Cow<'_, str> {
    let full = path.file_name().unwrap_or_default().to_string_lossy();
    let len = name_stem(&full).len();
    match full {
        std::borrow::Cow::Borrowed(f) => std::borrow::Cow::Borrowed(&f[..len]),
        std::borrow::Cow::Owned(mut f) => {
            f.truncate(len);
            std::borrow::Cow::Owned(f)
        }
    }
}

/// [`stem_of`] a file name: the name cut short.
fn name_stem(full: &str) -> &str {
    fn cut<'n>(name: &'n str, ext: &str) -> Option<&'n str> {
        name.strip_suffix(ext).filter(|s| !s.is_empty())
    }
    let name = match full.as_bytes().last() {
        Some(b'z') => cut(full, ".gz"),
        Some(b't') => cut(full, ".zst"),
        Some(b'd') => cut(full, ".zstd"),
        _ => None,
    }
    .unwrap_or(full);
    // Crawl archives name their format with two suffixes.
    if let Some(stem) = cut(name, ".warc.wet").or_else(|| cut(name, ".warc")) {
        return stem;
    }
    match memchr::memrchr(b'.', name.as_bytes()) {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

/// The name of an entry below the walked folder: the last part of its
/// path, which walkdir joined to its folder's (`DirEntry::file_name`
/// parses the whole path for it, on every comparison of a sort).
fn entry_name(e: &walkdir::DirEntry) -> &std::ffi::OsStr {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let b = e.path().as_os_str().as_bytes();
        if let Some(i) = memchr::memrchr(b'/', b)
            && is_plain_name(&b[i + 1..])
        {
            return std::ffi::OsStr::from_bytes(&b[i + 1..]);
        }
    }
    e.file_name()
}

/// An absolute, link-resolved path, also for paths that do not exist yet:
/// the deepest existing ancestor is canonicalised and the rest appended.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = std::env::current_dir().unwrap_or_default().join(path);
    let mut rest = Vec::new();
    let mut cur = joined.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (cur.parent(), cur.components().next_back()) {
            (Some(parent), Some(Component::Normal(name))) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return joined,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walked_paths_are_cut_to_their_folder_as_strip_prefix_does() {
        for (path, base) in [
            ("corpus/site/a.txt", "corpus"),
            ("corpus/site/a.txt", "corpus/"),
            ("corpus//site/a.txt", "corpus/"),
            ("./corpus/a.txt", "./corpus"),
            ("/abs/corpus/a.txt", "/abs/corpus"),
            ("corpus", "corpus"),
            ("corpus/./a.txt", "corpus/."),
        ] {
            let (path, base) = (Path::new(path), Path::new(base));
            assert_eq!(
                relative(path, base),
                path.strip_prefix(base).unwrap(),
                "{path:?}"
            );
        }
        for (name, stem) in [
            ("d/a.b.txt.gz", "a.b"),
            ("a.zst", "a"),
            ("a.txt.zstd", "a"),
            ("x.warc.wet.gz", "x"),
            ("x.warc", "x"),
            (".warc", ".warc"),
            (".gz", ".gz"),
            ("..txt", "."),
            ("noext", "noext"),
            ("a.tar.gz", "a"),
        ] {
            assert_eq!(stem_of(Path::new(name)), stem, "{name}");
        }
        assert_eq!(
            out_stem(Path::new("d/e/crawl.warc.gz")),
            Path::new("d/e/crawl")
        );
        assert_eq!(out_stem(Path::new(".txt")), Path::new(".txt"));
    }

    proptest::proptest! {
        #[test]
        fn output_stems_are_those_path_components_give(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "b.txt", ".", "..", "", ".txt", "x.warc.gz", "é.html", "c.d.zst",
                ]),
                1..6,
            ),
            lead in proptest::bool::ANY,
            trail in proptest::bool::ANY,
        ) {
            let mut s = parts.join("/");
            if lead {
                s.insert(0, '/');
            }
            if trail {
                s.push('/');
            }
            let rel = Path::new(&s);
            proptest::prop_assert_eq!(out_stem(rel), out_stem_by_components(rel), "{:?}", s);
        }
    }

    fn tree() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for p in [
            "b/z.txt",
            "a/y.txt",
            "a/x.html",
            ".hidden/h.txt",
            ".git/config",
            "top.txt",
            ".dot.txt",
        ] {
            let p = d.path().join(p);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "x").unwrap();
        }
        d
    }

    fn stems(inputs: &[Input]) -> Vec<String> {
        inputs
            .iter()
            .map(|i| i.stem.display().to_string())
            .collect()
    }

    #[test]
    fn walks_sorted_skipping_hidden_and_vcs() {
        let d = tree();
        let got = gather(&[d.path().to_path_buf()], None, &WalkOptions::default()).unwrap();
        assert_eq!(stems(&got), ["a/x", "a/y", "b/z", "top"]);
        let hidden = WalkOptions {
            hidden: true,
            ..WalkOptions::default()
        };
        let got = gather(&[d.path().to_path_buf()], None, &hidden).unwrap();
        assert_eq!(
            stems(&got),
            [".dot", ".hidden/h", "a/x", "a/y", "b/z", "top"]
        );
    }

    #[test]
    fn globs_include_and_exclude() {
        let d = tree();
        let opts = WalkOptions {
            globs: vec!["*.txt".into()],
            excludes: vec!["b".into()],
            ..WalkOptions::default()
        };
        let got = gather(&[d.path().to_path_buf()], None, &opts).unwrap();
        assert_eq!(stems(&got), ["a/y", "top"]);
    }

    #[test]
    fn output_inside_input_is_refused() {
        let d = tree();
        let out = d.path().join("a/out");
        let err = gather(
            &[d.path().to_path_buf()],
            Some(&out),
            &WalkOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, InputError::OutInsideInput { .. }), "{err}");
    }

    #[test]
    fn same_stem_twice_is_refused() {
        let d = tree();
        fs::write(d.path().join("b/y.txt"), "x").unwrap();
        let args = [d.path().join("a/y.txt"), d.path().join("b/y.txt")];
        assert!(matches!(
            gather(&args, None, &WalkOptions::default()),
            Err(InputError::Collision { .. })
        ));
    }

    #[test]
    fn counting_on_threads_finds_what_the_walk_does() {
        let d = tempfile::tempdir().unwrap();
        for i in 0..60 {
            // Folders at several depths, some with one folder only.
            let p = match i % 4 {
                0 => format!("s{}/d{}/p{i}.txt", i % 5, i % 7),
                1 => format!("s{}/only/deep/er/p{i}.html", i % 3),
                2 => format!("s{}/.hid/p{i}.txt", i % 2),
                _ => format!("p{i}.txt"),
            };
            let p = d.path().join(p);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "x").unwrap();
        }
        fs::create_dir_all(d.path().join("s1/.git")).unwrap();
        fs::write(d.path().join("s1/.git/HEAD"), "x").unwrap();
        fs::create_dir_all(d.path().join("empty/er")).unwrap();
        let args = [d.path().to_path_buf()];
        for opts in [
            WalkOptions::default(),
            WalkOptions {
                hidden: true,
                vcs: true,
                ..WalkOptions::default()
            },
            WalkOptions {
                globs: vec!["**/*.txt".into()],
                excludes: vec!["s2".into(), "**/d3".into()],
                ..WalkOptions::default()
            },
        ] {
            let walk = Walk::new(&args, None, &opts).unwrap();
            let n = walk.inputs().count();
            assert!(n > 0);
            for threads in [1, 2, 4, 16] {
                assert_eq!(
                    walk.count_checked(threads).unwrap(),
                    n,
                    "{opts:?} {threads}"
                );
            }
        }
        // A clash is refused whatever the threads.
        fs::write(d.path().join("s0/d0/p0.html"), "x").unwrap();
        let opts = WalkOptions::default();
        let walk = Walk::new(&args, None, &opts).unwrap();
        assert!(matches!(
            walk.count_checked(4),
            Err(InputError::Collision { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn link_loops_are_reported_not_fatal() {
        let d = tree();
        std::os::unix::fs::symlink(d.path(), d.path().join("a/loop")).unwrap();
        let opts = WalkOptions {
            follow: true,
            ..WalkOptions::default()
        };
        let got = gather(&[d.path().to_path_buf()], None, &opts).unwrap();
        assert!(
            got.iter()
                .any(|i| i.error.as_deref().is_some_and(|e| e.contains("loop")))
        );
        assert!(got.iter().any(|i| i.stem == Path::new("top")));
    }
}
