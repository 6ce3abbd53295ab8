//! Reading ahead: a worker opens its next few inputs before it needs them
//! and asks the kernel to start reading them, so that on a cold page cache
//! its reads overlap its cleaning. Without it, each worker waited for the
//! disk on every input: on a crawl not in memory, a third of the CPU time
//! went idle. On cached files the advice only costs (2 % of a run's CPU
//! time), so it is given while reads wait for the disk, and for a span of
//! inputs after each read that did (see [`super::read`]).

use std::collections::VecDeque;
use std::fs::File;

use super::Input;
use super::read::Waits;

/// How many inputs a worker keeps opened ahead of the one it cleans: enough
/// to cover a disk read while it cleans a median page, few enough to hold
/// a handful of open files per worker.
pub(super) const AHEAD: usize = 4;

/// How many inputs are opened with advice after a read waited: long enough
/// that on a cold cache at most one read in this many waits unadvised.
const ADVICE_SPAN: usize = 256;

/// A worker's next inputs, each with its file when it was opened ahead.
pub(super) struct Ahead {
    queue: VecDeque<(usize, Input, Option<File>)>,
    /// Off when most inputs will not be read (`--resume` takes a previous
    /// run's entry for an unchanged input).
    on: bool,
    /// How many more inputs to open with advice. A run starts as if on a
    /// cold cache.
    advise: usize,
    /// Where this worker's reads note that they waited.
    pub(super) waits: Waits,
}

impl Ahead {
    pub(super) fn new(on: bool) -> Self {
        Ahead {
            queue: VecDeque::new(),
            on,
            advise: ADVICE_SPAN,
            waits: Waits::default(),
        }
    }

    /// The next input, its position and its opened file, after topping the
    /// queue up from `next` (the worker's run of inputs) to [`AHEAD`] more.
    /// `next(wait)` may wait for inputs only when `wait` is set: when the
    /// queue is empty. A worker holding inputs it has yet to clean must
    /// not wait for room in the feed, which its first input may be what
    /// the recording waits for.
    pub(super) fn next(
        &mut self,
        mut next: impl FnMut(bool) -> Option<(usize, Input)>,
    ) -> Option<(usize, Input, Option<File>)> {
        let ahead = if self.on { AHEAD } else { 0 };
        if self.waits.take() {
            self.advise = ADVICE_SPAN;
        }
        while self.queue.len() <= ahead {
            let Some((seq, input)) = next(self.queue.is_empty()) else {
                break;
            };
            let file = if self.on {
                let advise = self.advise > 0;
                self.advise = self.advise.saturating_sub(1);
                open_ahead(&input, advise)
            } else {
                None
            };
            self.queue.push_back((seq, input, file));
        }
        self.queue.pop_front()
    }
}

/// `input`'s file, opened (with its reading started when `advise` is set);
/// None when it cannot be opened (cleaning it opens it again, and reports
/// why it cannot).
fn open_ahead(input: &Input, advise: bool) -> Option<File> {
    if input.error.is_some() || input.path.as_os_str() == "-" {
        return None;
    }
    let file = File::open(&input.path).ok()?;
    if advise {
        start_reading(&file);
    }
    Some(file)
}

/// Asks the kernel to read the whole file into its cache, without waiting
/// for it. Advice only: an error changes nothing.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn start_reading(file: &File) {
    let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::WillNeed);
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn start_reading(_: &File) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::path::PathBuf;

    fn input(path: PathBuf) -> Input {
        Input {
            stem: PathBuf::from(path.file_stem().unwrap()),
            path,
            error: None,
        }
    }

    #[test]
    fn inputs_come_out_in_order_with_their_files_opened() {
        let dir = tempfile::tempdir().unwrap();
        let mut inputs = VecDeque::new();
        for i in 0..10 {
            let path = dir.path().join(format!("p{i}.txt"));
            if i != 3 {
                std::fs::write(&path, format!("page {i}")).unwrap();
            }
            inputs.push_back((i, input(path)));
        }
        let mut ahead = Ahead::new(true);
        let mut taken = 0;
        for i in 0..10 {
            let (seq, _, file) = ahead
                .next(|_| {
                    let next = inputs.pop_front();
                    taken += usize::from(next.is_some());
                    next
                })
                .unwrap();
            assert_eq!(seq, i);
            // AHEAD inputs are held beyond the one handed out, while there are.
            assert_eq!(taken, (i + 1 + AHEAD).min(10));
            match file {
                // A missing file is left for cleaning to report.
                None => assert_eq!(i, 3),
                Some(mut f) => {
                    let mut text = String::new();
                    f.read_to_string(&mut text).unwrap();
                    assert_eq!(text, format!("page {i}"));
                }
            }
        }
        assert!(ahead.next(|_| inputs.pop_front()).is_none());
    }

    #[test]
    fn a_full_window_never_holds_up_the_inputs_already_taken() {
        use crate::batch::order::{Feed, Run};
        use std::time::{Duration, Instant};
        // A window of 3 and no recording: the worker takes 0, 1 and 2, and
        // must hand them out rather than wait for room with them in hand
        // (the recording waits for the first of them).
        let feed = Feed::new(
            (0..10).map(|i| input(PathBuf::from(format!("none/p{i}.txt")))),
            3,
        );
        let got = std::thread::scope(|s| {
            let worker = s.spawn(|| {
                let (mut run, mut ahead) = (Run::default(), Ahead::new(true));
                (0..3)
                    .map(|_| ahead.next(|wait| run.next(&feed, wait)).map(|t| t.0))
                    .collect::<Vec<_>>()
            });
            let start = Instant::now();
            while !worker.is_finished() && start.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(2));
            }
            let stuck = !worker.is_finished();
            // A worker stuck waiting for room is released empty.
            feed.stop();
            (stuck, worker.join().unwrap())
        });
        assert!(!got.0, "the worker waited for room with inputs in hand");
        assert_eq!(got.1, [Some(0), Some(1), Some(2)]);
    }

    #[test]
    fn advice_is_given_for_a_span_of_inputs_after_a_read_waited() {
        let mut inputs = (0..).map(|i| (i, input(PathBuf::from(format!("none/p{i}.txt")))));
        let mut ahead = Ahead::new(true);
        // A run starts advising, as on a cold cache, and stops when no read
        // waited for a span of inputs.
        assert_eq!(ahead.advise, ADVICE_SPAN);
        for _ in 0..ADVICE_SPAN {
            ahead.next(|_| inputs.next()).unwrap();
        }
        assert_eq!(ahead.advise, 0);
        ahead.next(|_| inputs.next()).unwrap();
        assert_eq!(ahead.advise, 0, "advice resumed with no read waiting");
        // A read that waits renews the span from the next input opened.
        ahead.waits.note();
        ahead.next(|_| inputs.next()).unwrap();
        assert_eq!(ahead.advise, ADVICE_SPAN - 1);
        assert!(!ahead.waits.take(), "the wait was taken");
    }

    #[test]
    fn when_off_inputs_pass_through_unopened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.txt");
        std::fs::write(&path, "page").unwrap();
        let mut inputs = VecDeque::from([(0, input(path.clone())), (1, input(path))]);
        let mut ahead = Ahead::new(false);
        let (seq, _, file) = ahead.next(|_| inputs.pop_front()).unwrap();
        assert_eq!(seq, 0);
        assert!(file.is_none());
        assert_eq!(inputs.len(), 1, "nothing taken ahead");
    }
}
