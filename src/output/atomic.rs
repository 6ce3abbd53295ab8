//! Atomic file writes: a file appears under its name whole or not at all,
//! so an interrupted run (even by SIGKILL) never leaves half an article.
//!
//! On Linux the content goes into an unnamed file in the target's folder
//! (`O_TMPFILE`), which is then linked under its name: one directory
//! change per file, where a named temporary file and a rename make three
//! (create, then remove and insert), and nothing is left behind by a run
//! that is killed. Where that is not available (another system, a file
//! system without `O_TMPFILE`) the content goes to a hidden temporary file
//! beside the target, renamed into place. A target that already exists
//! (a second run into the same folder) is replaced by a rename, so readers
//! see the old file or the new one, never neither. Files written through a
//! [`Folder`] held open are made and named relative to it.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `data` to `path` atomically.
pub fn write_atomic(path: &Path, data: &[u8]) -> io::Result<()> {
    let (dir, name) = split(path);
    Folder::by_path(dir).write(name, data)
}

/// Like [`write_atomic`], with the content written by `fill` (buffered).
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let (dir, name) = split(path);
    Folder::by_path(dir).write_with(name, fill)
}

/// A folder that files are written into atomically. On Linux an opened
/// one is held open, and its files are made and named relative to it:
/// the kernel does not walk the folder's path again for each file (two
/// walks of a deep path per file were a tenth of the cost of making it).
#[derive(Debug)]
pub struct Folder {
    path: PathBuf,
    #[cfg(target_os = "linux")]
    fd: Option<std::os::fd::OwnedFd>,
}

impl Folder {
    /// `path`, held open where that is possible; otherwise (not there yet,
    /// another system) written into by its path.
    pub fn open(path: &Path) -> Folder {
        Folder {
            path: path.to_path_buf(),
            #[cfg(target_os = "linux")]
            fd: unnamed::open_folder(path),
        }
    }

    /// `path`, written into by its path.
    fn by_path(path: &Path) -> Folder {
        Folder {
            path: path.to_path_buf(),
            #[cfg(target_os = "linux")]
            fd: None,
        }
    }

    /// Writes `data` to the file `name` in this folder atomically.
    pub fn write(&self, name: impl AsRef<OsStr>, data: &[u8]) -> io::Result<()> {
        // One write call: the content is already in memory.
        self.with_new_file(name.as_ref(), |f| f.write_all(data))
    }

    /// Like [`Folder::write`], with the content written by `fill` (buffered).
    pub fn write_with(
        &self,
        name: impl AsRef<OsStr>,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        self.with_new_file(name.as_ref(), |f| {
            let mut w = io::BufWriter::with_capacity(1 << 16, f);
            fill(&mut w)?;
            w.flush()
        })
    }

    /// Like [`Folder::write_with`], for a `fill` that gathers its own
    /// blocks (as the diff writer does): no second buffer copies them again.
    pub fn write_blocks(
        &self,
        name: impl AsRef<OsStr>,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        self.with_new_file(name.as_ref(), |f| fill(f))
    }

    // No fsync anywhere: atomicity guards against interrupted runs, which
    // is what matters here; syncing every article would cost more than
    // cleaning it.
    fn with_new_file(
        &self,
        name: &OsStr,
        fill: impl FnOnce(&mut fs::File) -> io::Result<()>,
    ) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        if let Some(mut made) = unnamed::create(self)? {
            fill(&mut made.file)?;
            return unnamed::publish(&made, self, name);
        }
        through_temp(&self.path.join(name), |tmp| {
            let mut f = fs::File::create(tmp)?;
            fill(&mut f)
        })
    }
}

/// A worker's output folder, kept open for its next page, which most often
/// goes in the same folder.
#[derive(Debug, Default)]
pub struct Folders {
    last: Option<Folder>,
}

impl Folders {
    /// Folder `path`, opened unless it was the last one asked for.
    pub fn get(&mut self, path: &Path) -> &Folder {
        // Compared as spelled: comparing `Path`s parses them into components.
        let kept = (self.last.as_ref()).is_some_and(|f| f.path.as_os_str() == path.as_os_str());
        if !kept {
            self.last = None;
        }
        self.last.get_or_insert_with(|| Folder::open(path))
    }
}

/// Makes `path` by making its temporary name with `make` and renaming that
/// into place; the temporary file is removed if any step fails.
fn through_temp(path: &Path, make: impl FnOnce(&Path) -> io::Result<()>) -> io::Result<()> {
    let tmp = temp_path(path);
    let result = make(&tmp).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `DIR/.NAME.husk-PID.tmp` for `DIR/NAME`: a hidden name in the same
/// folder (so the rename stays in one file system), one per process.
fn temp_path(path: &Path) -> PathBuf {
    static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let pid = *PID.get_or_init(std::process::id);
    let (dir, name) = split(path);
    let mut tmp = OsString::with_capacity(name.len() + 24);
    tmp.push(".");
    tmp.push(name);
    tmp.push(".husk-");
    tmp.push(pid.to_string());
    tmp.push(".tmp");
    dir.join(tmp)
}

/// A path's folder (`.` for a bare name) and file name.
fn split(path: &Path) -> (&Path, &OsStr) {
    // What husk writes, a UTF-8 folder and a plain name, is cut at its last
    // separator, without parsing the path's components.
    if let Some(s) = path.to_str()
        && let Some((dir, name)) = s.rsplit_once(std::path::MAIN_SEPARATOR)
        && !matches!(name, "" | "." | "..")
        && !dir.is_empty()
    {
        return (Path::new(dir), OsStr::new(name));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    (dir, path.file_name().unwrap_or_default())
}

#[cfg(target_os = "linux")]
mod unnamed {
    use std::borrow::Cow;
    use std::ffi::OsStr;
    use std::fs::File;
    use std::io::{self, Seek};
    use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

    use rustix::fs::{AtFlags, CWD, Mode, OFlags};
    use rustix::io::Errno;

    use super::Folder;

    /// Cleared once this system shows it cannot make or link unnamed files.
    static UNNAMED: AtomicBool = AtomicBool::new(true);
    /// Cleared once linking by the file itself (`AT_EMPTY_PATH`, which
    /// Linux before 6.10 allows only with `CAP_DAC_READ_SEARCH`) fails:
    /// `/proc/self/fd` then names it.
    static EMPTY_PATH: AtomicBool = AtomicBool::new(true);

    /// A handle on folder `path` (`O_PATH`: it reads nothing and needs no
    /// permission to), or None when it cannot be had.
    pub(super) fn open_folder(path: &Path) -> Option<OwnedFd> {
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
        rustix::fs::open(path, flags, Mode::empty()).ok()
    }

    /// An unnamed file, made in its folder through the folder's handle or
    /// by the folder's path.
    pub(super) struct Unnamed {
        pub(super) file: File,
        by_path: bool,
    }

    /// An unnamed file in `folder`, or `None` where they are not supported
    /// (the caller then writes through a named temporary file).
    pub(super) fn create(folder: &Folder) -> io::Result<Option<Unnamed>> {
        if !UNNAMED.load(Relaxed) {
            return Ok(None);
        }
        // Read-write, so that its content can be copied if linking fails.
        let flags = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC;
        // The mode `File::create` gives, less the umask.
        let mode = Mode::from_raw_mode(0o666);
        let by_path = || rustix::fs::open(&folder.path, flags, mode).map(|fd| (fd, true));
        let made = match &folder.fd {
            // A handle that fails (its folder removed, or replaced since)
            // gives way to the path, which finds the folder there now or
            // tells why there is none.
            Some(fd) => (rustix::fs::openat(fd, ".", flags, mode).map(|fd| (fd, false)))
                .or_else(|_| by_path()),
            None => by_path(),
        };
        match made {
            Ok((fd, by_path)) => Ok(Some(Unnamed {
                file: File::from(fd),
                by_path,
            })),
            // No O_TMPFILE on this file system (or kernel).
            Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL) => {
                UNNAMED.store(false, Relaxed);
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Gives the written unnamed file `made` its name `name` in `folder`.
    pub(super) fn publish(made: &Unnamed, folder: &Folder, name: &OsStr) -> io::Result<()> {
        let f = &made.file;
        // Named where it was made.
        let (at, to) = match &folder.fd {
            Some(fd) if !made.by_path => (fd.as_fd(), Cow::Borrowed(Path::new(name))),
            _ => (CWD, Cow::Owned(folder.path.join(name))),
        };
        match link(f, at, &to) {
            Ok(()) => Ok(()),
            // Replaced by a rename, which is atomic where unlinking first
            // is not.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                super::through_temp(&folder.path.join(name), |tmp| {
                    let _ = std::fs::remove_file(tmp); // left by a killed run
                    link(f, CWD, tmp)
                })
            }
            // Unnamed files cannot be linked here: copy this one to a named
            // temporary file, and write the next ones that way.
            Err(e) => {
                let copied = super::through_temp(&folder.path.join(name), |tmp| copy(f, tmp));
                if copied.is_ok() {
                    UNNAMED.store(false, Relaxed);
                    return Ok(());
                }
                Err(e)
            }
        }
    }

    /// Links `f` as `to`, resolved from `at`.
    fn link(f: &File, at: BorrowedFd<'_>, to: &Path) -> io::Result<()> {
        if !EMPTY_PATH.load(Relaxed) {
            return link_by_proc(f, at, to);
        }
        match rustix::fs::linkat(f, "", at, to, AtFlags::EMPTY_PATH) {
            // Refused, or the folder is gone: only when `/proc` links it
            // was it the flag that failed, and the next files go that way.
            Err(e @ (Errno::NOENT | Errno::PERM)) => {
                link_by_proc(f, at, to).map_err(|_| io::Error::from(e))?;
                EMPTY_PATH.store(false, Relaxed);
                Ok(())
            }
            result => Ok(result?),
        }
    }

    fn link_by_proc(f: &File, at: BorrowedFd<'_>, to: &Path) -> io::Result<()> {
        let by_proc = format!("/proc/self/fd/{}", f.as_raw_fd());
        Ok(rustix::fs::linkat(
            CWD,
            by_proc.as_str(),
            at,
            to,
            AtFlags::SYMLINK_FOLLOW,
        )?)
    }

    fn copy(mut f: &File, to: &Path) -> io::Result<()> {
        f.rewind()?;
        io::copy(&mut f, &mut File::create(to)?)?;
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::io::Write;

        #[test]
        fn an_unnamed_file_copied_through_a_temp_keeps_its_content() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("a.txt");
            let Some(mut made) = create(&Folder::open(dir.path())).unwrap() else {
                return; // no O_TMPFILE on this file system
            };
            made.file.write_all(b"copied whole").unwrap();
            super::super::through_temp(&path, |tmp| copy(&made.file, tmp)).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), b"copied whole");
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        }

        #[test]
        fn a_held_folder_removed_is_written_by_its_path_and_changes_no_way_of_writing() {
            let dir = tempfile::tempdir().unwrap();
            let sub = dir.path().join("gone");
            std::fs::create_dir(&sub).unwrap();
            let folder = Folder::open(&sub);
            let ways = || (UNNAMED.load(Relaxed), EMPTY_PATH.load(Relaxed));
            let before = ways();
            std::fs::remove_dir(&sub).unwrap();
            let e = folder.write("a.txt", b"x").unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::NotFound);
            assert_eq!(ways(), before);
            // Made again under the same name: written there, by its path.
            std::fs::create_dir(&sub).unwrap();
            folder.write("a.txt", b"again").unwrap();
            assert_eq!(std::fs::read(sub.join("a.txt")).unwrap(), b"again");
            assert_eq!(ways(), before);
        }

        #[test]
        fn a_folder_is_held_open_only_where_it_exists() {
            let dir = tempfile::tempdir().unwrap();
            assert!(Folder::open(dir.path()).fd.is_some());
            assert!(Folder::open(&dir.path().join("absent")).fd.is_none());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_files_are_hidden_beside_their_file() {
        let pid = std::process::id();
        for (path, want) in [
            (
                "out/a/page.1.txt",
                format!("out/a/.page.1.txt.husk-{pid}.tmp"),
            ),
            ("/abs/page.diff", format!("/abs/.page.diff.husk-{pid}.tmp")),
            ("page.txt", format!("./.page.txt.husk-{pid}.tmp")),
            ("/page.txt", format!("/.page.txt.husk-{pid}.tmp")),
            ("out/a/", format!("out/.a.husk-{pid}.tmp")),
        ] {
            assert_eq!(temp_path(Path::new(path)), Path::new(&want), "{path}");
        }
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        write_atomic_with(&p, |w| w.write_all(b"three")).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "three");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_leaves_nothing_and_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let (new, old) = (dir.path().join("new.txt"), dir.path().join("old.txt"));
        fs::write(&old, "kept").unwrap();
        for p in [&new, &old] {
            let failed = write_atomic_with(p, |w| {
                w.write_all(b"half")?;
                Err(io::Error::other("disk full"))
            });
            assert!(failed.is_err());
        }
        assert!(!new.exists());
        assert_eq!(fs::read_to_string(&old).unwrap(), "kept");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_kept_folder_writes_and_replaces_its_files_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        let mut folders = Folders::default();
        folders.get(&sub).write("a.txt", b"one").unwrap();
        folders.get(&sub).write("b.txt", b"two").unwrap();
        folders.get(&sub).write("a.txt", b"three").unwrap();
        folders
            .get(&sub)
            .write_blocks("c.txt", |w| w.write_all(b"four"))
            .unwrap();
        folders.get(dir.path()).write("d.txt", b"five").unwrap();
        let read = |p: PathBuf| fs::read_to_string(p).unwrap();
        assert_eq!(read(sub.join("a.txt")), "three");
        assert_eq!(read(sub.join("b.txt")), "two");
        assert_eq!(read(sub.join("c.txt")), "four");
        assert_eq!(read(dir.path().join("d.txt")), "five");
        assert_eq!(
            fs::read_dir(&sub).unwrap().count(),
            3,
            "no temporary file left"
        );
    }

    #[test]
    fn a_folder_made_after_it_was_asked_for_is_written_by_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("later");
        let mut folders = Folders::default();
        let e = folders.get(&sub).write("a.txt", b"x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        fs::create_dir(&sub).unwrap();
        folders.get(&sub).write("a.txt", b"made").unwrap();
        assert_eq!(fs::read_to_string(sub.join("a.txt")).unwrap(), "made");
    }

    #[test]
    fn a_missing_folder_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("absent").join("a.txt");
        let e = write_atomic(&p, b"x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn written_files_get_the_permissions_a_created_file_gets() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (made, written) = (dir.path().join("made"), dir.path().join("written"));
        fs::File::create(&made).unwrap();
        write_atomic(&written, b"x").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode();
        assert_eq!(mode(&written), mode(&made));
    }
}
