//! Reading an input whole, in as few reads as its size allows, and noting
//! whether the read had to wait for the disk: the worker's read-ahead
//! ([`super::ahead`]) asks the kernel to fetch inputs ahead only while
//! reads do wait, since on cached files the advice is pure cost.

use std::cell::Cell;
use std::fs;
use std::io;

/// An input's file as the worker's read-ahead hands it over: opened, when
/// it was opened ahead, and where reading it notes a wait.
pub(super) struct Opened<'w> {
    pub(super) file: Option<fs::File>,
    pub(super) waits: &'w Waits,
}

/// Whether a worker's reads waited for the disk since its read-ahead last
/// looked (see [`Waits::take`]).
#[derive(Debug, Default)]
pub(super) struct Waits(Cell<bool>);

impl Waits {
    pub(super) fn note(&self) {
        self.0.set(true);
    }

    /// Whether a read waited since the last call.
    pub(super) fn take(&self) -> bool {
        self.0.replace(false)
    }
}

/// Reads an open file that its metadata says holds `len` bytes, most often
/// in one read asking for more than that: a read of a file that comes
/// short has reached its end. `File::read_to_end` would stat and seek the
/// file again to size its buffer, then read in growing steps until a read
/// returns nothing. A file that grew since is read to its end all the same.
///
/// The first read takes only what the page cache holds; when that is not
/// the whole file, `waits` notes it and the rest is read as usual.
pub(super) fn read_sized(file: &mut fs::File, len: u64, waits: &Waits) -> io::Result<Vec<u8>> {
    use io::Read;
    let want = usize::try_from(len).map_or(0, |n| n.saturating_add(1));
    let mut bytes = crate::reuse::take(&super::PAGE_BYTES, want);
    let mut first = true;
    while bytes.len() < want {
        let asked = bytes.capacity() - bytes.len();
        let read = if std::mem::take(&mut first) {
            read_cached(file, &mut bytes)
        } else {
            read_into_spare(file, &mut bytes).map(Some)
        };
        match read {
            Ok(None) => waits.note(),
            Ok(Some(0)) => break,
            Ok(Some(n)) if n < asked && bytes.len() as u64 == len => break,
            Ok(Some(_)) if bytes.len() as u64 >= len => {}
            // Short of the stated size: the cache held only part of it.
            Ok(Some(_)) => waits.note(),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if bytes.len() >= want {
        file.read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// One read into `buf`'s spare capacity, which grows `buf`: pages are read
/// into memory that is never zeroed first (zeroing cost as much as a
/// tenth of cleaning a page).
#[cfg(unix)]
fn read_into_spare(file: &fs::File, buf: &mut Vec<u8>) -> io::Result<usize> {
    Ok(rustix::io::read(file, rustix::buffer::spare_capacity(buf))?)
}

#[cfg(not(unix))]
fn read_into_spare(file: &fs::File, buf: &mut Vec<u8>) -> io::Result<usize> {
    use io::Read;
    let filled = buf.len();
    buf.resize(buf.capacity(), 0);
    let n = (&*file).read(&mut buf[filled..]);
    buf.truncate(filled + n.as_ref().map_or(0, |&n| n));
    n
}

/// Set when the kernel or a file system refused `RWF_NOWAIT`: unsupported
/// once, unsupported for the run, rather than a failing call per file.
#[cfg(target_os = "linux")]
static UNSUPPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// [`read_into_spare`] of only what the page cache holds (`RWF_NOWAIT`):
/// None when nothing was there, or where the kernel or file system cannot
/// tell (then every first read is taken to wait, as before this probe).
#[cfg(target_os = "linux")]
fn read_cached(file: &fs::File, buf: &mut Vec<u8>) -> io::Result<Option<usize>> {
    use std::os::fd::AsRawFd;
    use std::sync::atomic::Ordering::Relaxed;
    if UNSUPPORTED.load(Relaxed) {
        return Ok(None);
    }
    let spare = buf.spare_capacity_mut();
    let iov = libc::iovec {
        iov_base: spare.as_mut_ptr().cast(),
        iov_len: spare.len(),
    };
    // SAFETY: the kernel writes at most `iov_len` bytes at `iov_base`,
    // within the vector's spare capacity, and reports how many; offset -1
    // reads at (and advances) the file's position, as `read` does.
    let n = unsafe { libc::preadv2(file.as_raw_fd(), &iov, 1, -1, libc::RWF_NOWAIT) };
    let Ok(n) = usize::try_from(n) else {
        let e = io::Error::last_os_error();
        return match e.raw_os_error() {
            Some(libc::EAGAIN) => Ok(None),
            Some(libc::EOPNOTSUPP | libc::ENOSYS | libc::EINVAL) => {
                UNSUPPORTED.store(true, Relaxed);
                Ok(None)
            }
            _ => Err(e),
        };
    };
    // SAFETY: the kernel initialised the first `n` bytes of the spare capacity.
    unsafe { buf.set_len(buf.len() + n) };
    Ok(Some(n))
}

/// Whether first reads can tell a cached file (see [`read_cached`]).
#[cfg(all(test, target_os = "linux"))]
fn tells_what_is_cached() -> bool {
    !UNSUPPORTED.load(std::sync::atomic::Ordering::Relaxed)
}

#[cfg(all(test, not(target_os = "linux")))]
fn tells_what_is_cached() -> bool {
    true
}

#[cfg(not(target_os = "linux"))]
fn read_cached(file: &fs::File, buf: &mut Vec<u8>) -> io::Result<Option<usize>> {
    read_into_spare(file, buf).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_whole_whatever_size_its_metadata_gave() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.txt");
        let text: Vec<u8> = (0..50_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        fs::write(&path, &text).unwrap();
        // As stated, grown since (stated smaller), shrunk since, and empty.
        for stated in [50_000, 49_000, 0, 60_000] {
            let mut file = fs::File::open(&path).unwrap();
            let got = read_sized(&mut file, stated, &Waits::default()).unwrap();
            assert_eq!(got, text, "stated {stated}");
        }
    }

    #[test]
    fn a_file_in_the_page_cache_is_read_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.txt");
        fs::write(&path, "a page just written, so still cached").unwrap();
        let stated = fs::metadata(&path).unwrap().len();
        let waits = Waits::default();
        let mut file = fs::File::open(&path).unwrap();
        let got = read_sized(&mut file, stated, &waits).unwrap();
        assert_eq!(got, b"a page just written, so still cached");
        // Where the kernel cannot tell, every first read counts as a wait.
        assert_eq!(waits.take(), !tells_what_is_cached());
        assert!(!waits.take(), "a wait is taken once");
    }

    #[test]
    fn a_file_read_by_a_thread_with_a_used_buffer_is_read_alone() {
        let dir = tempfile::tempdir().unwrap();
        let (long, short) = (dir.path().join("long.txt"), dir.path().join("short.txt"));
        fs::write(&long, "a longer page, read before").unwrap();
        fs::write(&short, "short").unwrap();
        let waits = Waits::default();
        let page = read_sized(&mut fs::File::open(&long).unwrap(), 26, &waits).unwrap();
        crate::reuse::give(&super::super::PAGE_BYTES, page);
        let got = read_sized(&mut fs::File::open(&short).unwrap(), 5, &waits).unwrap();
        assert_eq!(got, b"short");
    }
}
