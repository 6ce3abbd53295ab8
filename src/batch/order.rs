//! Handing inputs to workers and recording their results in input order.
//!
//! Workers take runs of consecutive inputs from the [`Feed`], at most a
//! window ahead of the recording, and leave each result in an inbox; the
//! worker that finds the [`Recorder`] free records what is there, in input
//! order, holding back results that arrive early. Nobody waits for another
//! worker's recording, and memory stays bounded whatever the number of
//! inputs.

use std::collections::{BTreeMap, VecDeque};
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, TryLockError};

use super::manifest::{self, ArticleEntry};
use super::{Done, Input, Progress, Summary};
use crate::output::shards::{Record, ShardWriter};

/// The inputs, handed to workers one at a time with their position, at
/// most `window` ahead of the last one recorded.
pub(super) struct Feed<I> {
    state: Mutex<FeedState<I>>,
    room: Condvar,
    window: usize,
    /// How many inputs are recorded: kept out of the lock, which a worker
    /// holds while it walks (taking a run of inputs) and which every
    /// recording used to queue for.
    recorded: AtomicUsize,
    /// Workers waiting for room: only then does a recording take the lock.
    waiting: AtomicUsize,
    stopped: AtomicBool,
}

struct FeedState<I> {
    inputs: I,
    taken: usize,
}

impl<I: Iterator<Item = Input>> Feed<I> {
    pub(super) fn new(inputs: I, window: usize) -> Self {
        Feed {
            state: Mutex::new(FeedState { inputs, taken: 0 }),
            room: Condvar::new(),
            window,
            recorded: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
            stopped: AtomicBool::new(false),
        }
    }

    /// The next input and its position; waits while the window is full.
    /// None at the end of the inputs, or once the run stopped.
    #[cfg(test)]
    fn take(&self) -> Option<(usize, Input)> {
        let mut one = VecDeque::new();
        self.take_run(1, &mut one, true);
        one.pop_front()
    }

    /// Whether `taken` inputs fill the window.
    fn full(&self, taken: usize) -> bool {
        taken >= self.recorded.load(Ordering::SeqCst) + self.window
    }

    /// Appends up to `n` next inputs to `run`, in order, with their
    /// positions, as far as the window has room; while it has none, waits
    /// if `wait`, else appends none. Appends none at the end of the inputs,
    /// or once the run stopped.
    ///
    /// Only a worker that holds no input it has yet to clean may wait: the
    /// input the recording waits for may be one of them.
    fn take_run(&self, n: usize, run: &mut VecDeque<(usize, Input)>, wait: bool) {
        let mut state = lock(&self.state);
        if wait && self.full(state.taken) {
            // Counted before the condition is checked again (under the
            // lock): a recording either makes room before that check, or
            // sees the count and wakes this worker.
            self.waiting.fetch_add(1, Ordering::SeqCst);
            state = (self.room)
                .wait_while(state, |s| !self.is_stopped() && self.full(s.taken))
                .unwrap_or_else(|e| e.into_inner());
            self.waiting.fetch_sub(1, Ordering::SeqCst);
        }
        for _ in 0..n {
            if self.is_stopped() || self.full(state.taken) {
                break;
            }
            let Some(input) = state.inputs.next() else {
                break;
            };
            run.push_back((state.taken, input));
            state.taken += 1;
        }
    }

    /// The first `n` inputs are recorded: their room is free again. The
    /// lock is taken only to wake workers waiting for room.
    fn recorded(&self, n: usize) {
        self.recorded.fetch_max(n, Ordering::SeqCst);
        if self.waiting.load(Ordering::SeqCst) > 0 {
            // A waiter holds the lock until it sleeps on `room`.
            drop(lock(&self.state));
            self.room.notify_all();
        }
    }

    pub(super) fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        drop(lock(&self.state));
        self.room.notify_all();
    }

    fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }
}

/// Locks `m`, taking over a lock poisoned by a panic (the cleaner does not
/// panic on bad input; a panic elsewhere already fails the run).
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Results on their way into the manifest: an inbox where workers leave
/// them, and the recorder that writes them in input order.
pub(super) struct Records<'a> {
    inbox: Mutex<Vec<(usize, Done)>>,
    recorder: Mutex<Recorder<'a>>,
}

impl<'a> Records<'a> {
    pub(super) fn new(
        manifest: manifest::Writer,
        shards: Option<ShardWriter>,
        on_done: &'a mut (dyn FnMut(Progress<'_>) + Send),
    ) -> Self {
        Records {
            inbox: Mutex::new(Vec::new()),
            recorder: Mutex::new(Recorder {
                early: BTreeMap::new(),
                next: 0,
                manifest,
                shards,
                summary: Summary::default(),
                on_done,
                failed: None,
            }),
        }
    }

    /// Leaves input `seq`'s result and records the inbox, in input order,
    /// unless another worker is recording, which then records it too.
    /// `batch` is the worker's own buffer, swapped with the inbox. False
    /// once a write failed: the run stops.
    ///
    /// No result is left behind: a worker that finds the recorder busy left
    /// its result before, and the recording worker looks at the inbox again
    /// after letting the recorder go.
    pub(super) fn leave<I: Iterator<Item = Input>>(
        &self,
        seq: usize,
        done: Done,
        batch: &mut Vec<(usize, Done)>,
        feed: &Feed<I>,
    ) -> bool {
        lock(&self.inbox).push((seq, done));
        loop {
            let mut r = match self.recorder.try_lock() {
                Ok(r) => r,
                Err(TryLockError::Poisoned(e)) => e.into_inner(),
                Err(TryLockError::WouldBlock) => return true,
            };
            std::mem::swap(&mut *lock(&self.inbox), batch);
            for (seq, done) in batch.drain(..) {
                if let Err(e) = r.record(seq, done) {
                    r.failed.get_or_insert(e);
                    drop(r);
                    // No worker may stay waiting for room.
                    feed.stop();
                    return false;
                }
            }
            let next = r.next;
            drop(r);
            feed.recorded(next);
            if lock(&self.inbox).is_empty() {
                return true;
            }
        }
    }

    /// Once every worker is done: completes the shards and the manifest,
    /// or returns the write that failed.
    pub(super) fn finish(self) -> io::Result<Summary> {
        let r = self
            .recorder
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(e) = r.failed {
            return Err(e);
        }
        debug_assert!(
            r.early.is_empty() && lock(&self.inbox).is_empty(),
            "every input was recorded"
        );
        if let Some(writer) = r.shards {
            writer.finish()?;
        }
        r.manifest.finish()?;
        Ok(r.summary)
    }
}

/// A worker's inputs: runs of consecutive ones taken from the feed, which
/// keeps the workers in different folders. Workers that write files into
/// one folder at once queue for its lock in the kernel (on a RAM-backed
/// ext4, runs cut husk's kernel time by 13 %), whereas neighbours in a
/// walk mostly share a folder. Runs grow from one input to [`Run::MAX`], so that a few
/// inputs still spread over every worker.
#[derive(Default)]
pub(super) struct Run {
    inputs: VecDeque<(usize, Input)>,
    size: usize,
}

impl Run {
    const MAX: usize = 64;

    /// The worker's next input and its position, from a new run taken
    /// from `feed` when this one is done (see [`Feed::take_run`], which
    /// waits for room only if `wait`).
    pub(super) fn next<I: Iterator<Item = Input>>(
        &mut self,
        feed: &Feed<I>,
        wait: bool,
    ) -> Option<(usize, Input)> {
        if feed.is_stopped() {
            // A write failed: the rest of the run is not cleaned.
            return None;
        }
        if self.inputs.is_empty() {
            self.size = (self.size * 2).clamp(1, Self::MAX);
            feed.take_run(self.size, &mut self.inputs, wait);
        }
        self.inputs.pop_front()
    }
}

/// The writer's side of a run: results are recorded in input order, those
/// that arrive before an earlier one wait here (at most the feed's window).
struct Recorder<'a> {
    early: BTreeMap<usize, Done>,
    /// The position of the next input to record.
    next: usize,
    manifest: manifest::Writer,
    shards: Option<ShardWriter>,
    summary: Summary,
    on_done: &'a mut (dyn FnMut(Progress<'_>) + Send),
    /// The first write that failed; the run stops there.
    failed: Option<io::Error>,
}

impl Recorder<'_> {
    /// Takes input `seq`'s result and records every result now in order;
    /// returns how many inputs are recorded.
    fn record(&mut self, seq: usize, done: Done) -> io::Result<usize> {
        if self.failed.is_some() {
            return Err(io::Error::other("an earlier write failed"));
        }
        if seq != self.next {
            self.early.insert(seq, done);
            return Ok(self.next);
        }
        // The next in order (nearly always) is recorded without waiting
        // in `early`.
        let mut done = done;
        loop {
            record(
                done,
                &mut self.manifest,
                self.shards.as_mut(),
                &mut self.summary,
                self.on_done,
            )?;
            self.next += 1;
            if self.next.is_multiple_of(FLUSH_EVERY) {
                self.manifest.flush()?;
            }
            match self.early.remove(&self.next) {
                Some(d) => done = d,
                None => return Ok(self.next),
            }
        }
    }
}

/// The manifest is flushed after this many inputs, so that an interrupted
/// run leaves little to redo with `--resume`.
const FLUSH_EVERY: usize = 256;

/// Records a cleaned input: shard records, manifest line, summary and the
/// caller's progress.
fn record(
    mut d: Done,
    manifest: &mut manifest::Writer,
    shards: Option<&mut ShardWriter>,
    summary: &mut Summary,
    on_done: &mut (dyn FnMut(Progress<'_>) + Send),
) -> io::Result<()> {
    if let Some(writer) = shards {
        for (k, p) in d.payload.iter().enumerate() {
            let record = Record {
                source: p.source.as_deref().unwrap_or(&d.entry.path),
                article: k + 1,
                title: &p.title,
                text: &p.text,
                dropped: &d.entry.dropped,
            };
            let file = writer.write(&record)?;
            d.entry.articles.push(ArticleEntry {
                file,
                title: p.title.clone(),
                source: p.source.clone(),
            });
        }
    }
    manifest.write(&d.entry)?;
    summary.add(&d.entry, d.reused);
    on_done(Progress {
        entry: &d.entry,
        reused: d.reused,
        view: d.view,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{Entry, Status};
    use crate::output::path_text;
    use std::fs;
    use std::path::PathBuf;
    use std::time::Duration;

    fn inputs(n: usize) -> impl Iterator<Item = Input> {
        (0..n).map(|i| Input {
            path: PathBuf::from(format!("p{i}.txt")),
            stem: PathBuf::from(format!("p{i}")),
            error: None,
        })
    }

    #[test]
    fn the_feed_stays_a_window_ahead_of_recording() {
        let feed = Feed::new(inputs(10), 3);
        for k in 0..3 {
            assert_eq!(feed.take().map(|t| t.0), Some(k));
        }
        std::thread::scope(|s| {
            // A slow first input holds the rest back: the window is full.
            let waiting = s.spawn(|| feed.take().map(|t| t.0));
            std::thread::sleep(Duration::from_millis(100));
            assert!(!waiting.is_finished(), "a full window makes workers wait");
            feed.recorded(1);
            assert_eq!(waiting.join().unwrap(), Some(3));
            // A stopped run (a failed write) releases waiting workers empty.
            let waiting = s.spawn(|| feed.take().map(|t| t.0));
            std::thread::sleep(Duration::from_millis(50));
            feed.stop();
            assert_eq!(waiting.join().unwrap(), None);
        });
    }

    #[test]
    fn results_are_recorded_in_input_order_whoever_finishes_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut seen = Vec::new();
        let mut on_done = |p: Progress<'_>| seen.push(p.entry.path.clone());
        let mut r = Recorder {
            early: BTreeMap::new(),
            next: 0,
            manifest: manifest::Writer::create(dir.path()).unwrap(),
            shards: None,
            summary: Summary::default(),
            on_done: &mut on_done,
            failed: None,
        };
        let done = |i: usize| Done {
            entry: Entry::new(format!("p{i}.txt"), Status::SkippedEmpty),
            payload: Vec::new(),
            reused: false,
            view: None,
        };
        // Input 2 and 1 finish before input 0: nothing is recorded until 0.
        assert_eq!(r.record(2, done(2)).unwrap(), 0);
        assert_eq!(r.record(1, done(1)).unwrap(), 0);
        assert_eq!(r.record(0, done(0)).unwrap(), 3);
        assert_eq!(r.record(3, done(3)).unwrap(), 4);
        assert!(r.early.is_empty());
        assert_eq!(r.summary.seen, 4);
        r.manifest.finish().unwrap();
        assert_eq!(seen, ["p0.txt", "p1.txt", "p2.txt", "p3.txt"]);
        let manifest = fs::read_to_string(dir.path().join("manifest.jsonl")).unwrap();
        let order: Vec<usize> = (0..4)
            .map(|i| manifest.find(&format!("\"p{i}.txt\"")).unwrap())
            .collect();
        assert!(
            order.is_sorted(),
            "manifest lines in input order: {order:?}"
        );
    }

    #[test]
    fn results_left_by_many_workers_are_all_recorded_in_order() {
        // A window as wide as the inputs: a result left behind shows as a
        // missing record rather than as workers waiting for room forever.
        record_from_many_workers(2000, 2000);
        // A narrow one: workers wait for room and are woken.
        record_from_many_workers(2000, 16);
    }

    fn record_from_many_workers(n: usize, window: usize) {
        let out = tempfile::tempdir().unwrap();
        let feed = Feed::new(inputs(n), window);
        let order = Mutex::new(Vec::new());
        let mut on_done = |p: Progress<'_>| lock(&order).push(p.entry.path.clone());
        let records = Records::new(
            manifest::Writer::create(out.path()).unwrap(),
            None,
            &mut on_done,
        );
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        let (mut run, mut batch) = (Run::default(), Vec::new());
                        while let Some((seq, input)) = run.next(&feed, true) {
                            // Uneven work, so that results arrive out of order
                            // and workers find the recorder busy.
                            if seq % 7 == 0 {
                                std::thread::yield_now();
                            }
                            let done = Done {
                                entry: Entry::new(path_text(&input.path), Status::SkippedEmpty),
                                payload: Vec::new(),
                                reused: false,
                                view: None,
                            };
                            assert!(records.leave(seq, done, &mut batch, &feed));
                        }
                    })
                })
                .collect();
            // A result left behind keeps the window full: the workers would
            // wait for room for ever. Stopping the feed releases them.
            let start = std::time::Instant::now();
            while !workers.iter().all(|w| w.is_finished()) {
                if start.elapsed() > Duration::from_secs(20) {
                    feed.stop();
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        // (A result left behind also fails `finish`'s debug check.)
        let summary = records.finish().unwrap();
        assert_eq!(
            summary.seen, n,
            "every result was recorded (window {window})"
        );
        let want: Vec<String> = (0..n).map(|i| format!("p{i}.txt")).collect();
        assert_eq!(*lock(&order), want, "in input order, each once");
    }

    #[test]
    fn runs_grow_and_stop_at_the_window() {
        let feed = Feed::new(inputs(200), 100);
        let mut run = Run::default();
        let firsts: Vec<usize> = std::iter::from_fn(|| run.next(&feed, true).map(|t| t.0))
            .take(8)
            .collect();
        assert_eq!(firsts, (0..8).collect::<Vec<_>>());
        // Runs of 1, 2, 4 and 8 were taken: 7 of the 8 are out of the feed,
        // and the run holds the last 7.
        assert_eq!(run.inputs.len(), 7);
        // A run never takes past the window: 15 taken, none recorded.
        let mut big = VecDeque::new();
        feed.take_run(1000, &mut big, true);
        assert_eq!(big.front().map(|t| t.0), Some(15));
        assert_eq!(big.len(), 100 - 15);
    }

    #[test]
    fn the_feed_ends_with_its_inputs() {
        let feed = Feed::new(inputs(2), 8);
        let taken: Vec<usize> = std::iter::from_fn(|| feed.take().map(|t| t.0)).collect();
        assert_eq!(taken, [0, 1]);
    }
}
