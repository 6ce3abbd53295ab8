//! Per-thread shelves of buffers that every page needs and drops: a page's
//! lines, records, shapes and copies are taken from here and given back,
//! so each worker cleans page after page in memory that is still in its
//! caches, where fresh allocations would each touch cold memory.

use std::cell::Cell;
use std::thread::LocalKey;

/// A buffer larger than this is dropped rather than shelved, so that one
/// huge page does not keep its buffers for the rest of the run.
const KEEP_BYTES: usize = 1 << 20;

pub(crate) type Shelf<T> = LocalKey<Cell<Vec<T>>>;

/// An empty vector from `shelf`, with room for `n` items.
pub(crate) fn take<T>(shelf: &'static Shelf<T>, n: usize) -> Vec<T> {
    let mut v = shelf.take();
    v.clear();
    v.reserve(n);
    v
}

/// An empty string with room for `n` bytes, from a shelf of bytes.
pub(crate) fn take_string(shelf: &'static Shelf<u8>, n: usize) -> String {
    // A taken buffer is empty, so always valid UTF-8.
    String::from_utf8(take(shelf, n)).unwrap_or_default()
}

/// Gives `v` back to `shelf` for the next page.
pub(crate) fn give<T>(shelf: &'static Shelf<T>, v: Vec<T>) {
    if v.capacity() * size_of::<T>() <= KEEP_BYTES && v.capacity() > 0 {
        shelf.set(v);
    }
}

macro_rules! shelf {
    ($name:ident: $t:ty) => {
        thread_local! {
            pub(crate) static $name: std::cell::Cell<Vec<$t>> = const { std::cell::Cell::new(Vec::new()) };
        }
    };
}
pub(crate) use shelf;

#[cfg(test)]
mod tests {
    use super::*;

    shelf!(TEST: u64);

    #[test]
    fn a_buffer_given_back_is_taken_again_empty() {
        let mut v = take(&TEST, 100);
        assert!(v.is_empty() && v.capacity() >= 100);
        v.extend([1, 2, 3]);
        let at = v.as_ptr();
        give(&TEST, v);
        let again = take(&TEST, 10);
        assert!(again.is_empty());
        assert_eq!(again.as_ptr(), at, "the same allocation, not a new one");
    }

    #[test]
    fn a_buffer_over_the_bound_is_dropped() {
        let big: Vec<u64> = Vec::with_capacity(KEEP_BYTES / 8 + 1);
        give(&TEST, big);
        assert_eq!(take(&TEST, 0).capacity(), 0);
    }

    #[test]
    fn each_thread_has_its_own_shelf() {
        give(&TEST, vec![7; 10]);
        let other = std::thread::spawn(|| take(&TEST, 0).capacity())
            .join()
            .unwrap();
        assert_eq!(other, 0);
        assert!(take(&TEST, 0).capacity() >= 10);
    }
}
