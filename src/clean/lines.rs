//! Splitting a page into lines, and the one `RegexSet` pass over them.

use std::ops::Range;

use crate::rules::{Pat, RuleSet};

// A page's lines and match table, in the buffers of the page before.
crate::reuse::shelf!(LINES: Range<usize>);
crate::reuse::shelf!(IDS: u32);
crate::reuse::shelf!(STARTS: u32);
crate::reuse::shelf!(MATCHED: u32);
crate::reuse::shelf!(BLANK: bool);

/// Byte ranges of each line's trimmed text. Handles `\n`, `\r\n` and lone `\r`.
pub fn split(text: &str) -> Vec<Range<usize>> {
    lines_with(text, |r| trimmed(text, r))
}

/// Byte ranges of each line, untrimmed, without its line break: the lines
/// of [`split`], one for one.
pub fn split_raw(text: &str) -> Vec<Range<usize>> {
    lines_with(text, |r| r)
}

/// `f` of the range of each line, untrimmed, without its line break.
#[inline(always)]
fn lines_with(text: &str, mut f: impl FnMut(Range<usize>) -> Range<usize>) -> Vec<Range<usize>> {
    let mut out = crate::reuse::take(&LINES, text.len() / 40 + 1);
    let bytes = text.as_bytes();
    let mut start = 0;
    if memchr::memchr(b'\r', bytes).is_none() {
        // Most pages end lines with `\n` alone, and half their lines are
        // blank: a scan for `\n` that costs little per line.
        for_each_newline(bytes, |i| {
            out.push(f(start..i));
            start = i + 1;
        });
        if start < bytes.len() {
            out.push(f(start..bytes.len()));
        }
        return out;
    }
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if i < start {
            // The `\n` of a `\r\n`, already taken with its `\r`.
            continue;
        }
        out.push(f(start..i));
        start = i + 1;
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            start += 1;
        }
    }
    if start < bytes.len() {
        out.push(f(start..bytes.len()));
    }
    out
}

/// Calls `f` with the position of every `\n` in `b`, in order. A mask of
/// 32 bytes at a time, rather than a search per line: a `memchr` call
/// costs more than a short or blank line's bytes.
#[inline(always)]
fn for_each_newline(b: &[u8], mut f: impl FnMut(usize)) {
    let mut at = 0;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        while at + 32 <= b.len() {
            // SAFETY: SSE2 is part of every x86-64 CPU, and the unaligned
            // loads read bytes at..at + 32 of `b`.
            let mut mask = unsafe {
                let nl = _mm_set1_epi8(b'\n' as i8);
                let p = b.as_ptr().add(at);
                let lo = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(p.cast()), nl));
                let hi = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(p.add(16).cast()), nl));
                (lo as u32 & 0xffff) | (hi as u32) << 16
            };
            while mask != 0 {
                f(at + mask.trailing_zeros() as usize);
                mask &= mask - 1;
            }
            at += 32;
        }
    }
    for (i, &c) in b.iter().enumerate().skip(at) {
        if c == b'\n' {
            f(i);
        }
    }
}

/// `r` without the white space at its ends.
#[inline(always)]
fn trimmed(text: &str, r: Range<usize>) -> Range<usize> {
    let b = &text.as_bytes()[r.clone()];
    // Blank lines and ASCII ends are the rule; anything else takes the
    // Unicode trim.
    let plain = |c: &u8| (b'!'..0x80).contains(c);
    if b.is_empty() || b.first().is_some_and(plain) && b.last().is_some_and(plain) {
        return r;
    }
    unicode_trimmed(text, r)
}

#[cold]
fn unicode_trimmed(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    r.start + lead..r.start + lead + t.len()
}

/// Which patterns match each line, stored flat: one allocation per page.
pub struct MatchTable {
    ids: Vec<u32>,
    blank: Vec<bool>,
    /// `starts[i]..starts[i + 1]` indexes `ids` for line `i`.
    starts: Vec<u32>,
    /// The lines any pattern matched, in order.
    matched: Vec<u32>,
}

impl MatchTable {
    pub fn build(text: &str, lines: &[Range<usize>], rules: &RuleSet) -> MatchTable {
        let mut ids = crate::reuse::take(&IDS, 0);
        let mut starts = crate::reuse::take(&STARTS, lines.len() + 1);
        let mut matched = crate::reuse::take(&MATCHED, 0);
        starts.push(0);
        rules.matcher().match_page(text, lines, |l, found| {
            // The lines since the last one matched hold no ids.
            starts.resize(l + 1, ids.len() as u32);
            ids.extend(found.iter().map(|&i| i as u32));
            matched.push(l as u32);
        });
        starts.resize(lines.len() + 1, ids.len() as u32);
        MatchTable {
            ids,
            starts,
            matched,
            blank: {
                let mut blank = crate::reuse::take(&BLANK, lines.len());
                blank.extend(lines.iter().map(|r| r.is_empty()));
                blank
            },
        }
    }

    /// Gives the table's buffers back to this thread for its next page.
    pub fn recycle(self) {
        crate::reuse::give(&IDS, self.ids);
        crate::reuse::give(&STARTS, self.starts);
        crate::reuse::give(&MATCHED, self.matched);
        crate::reuse::give(&BLANK, self.blank);
    }

    /// Whether line `line` is blank (no pattern can match it).
    pub fn is_blank(&self, line: usize) -> bool {
        self.blank[line]
    }

    /// The ids of the patterns that matched line `line`, in increasing order.
    pub fn ids(&self, line: usize) -> &[u32] {
        &self.ids[self.starts[line] as usize..self.starts[line + 1] as usize]
    }

    /// The lines any pattern matched, in increasing order.
    pub fn matched_lines(&self) -> impl Iterator<Item = usize> + '_ {
        self.matched.iter().map(|&l| l as usize)
    }

    /// Whether `pat` matched line `line`.
    pub fn hit(&self, line: usize, pat: &Pat) -> bool {
        if pat.id == Pat::ANY_LINE {
            return !self.blank[line];
        }
        self.ids(line).binary_search(&(pat.id as u32)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<&str> {
        split(t).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn splits_every_line_ending_and_trims() {
        assert_eq!(texts("a\r\n  b \rc\n\nd"), vec!["a", "b", "c", "", "d"]);
        assert_eq!(texts("x\n"), vec!["x"]);
        assert!(texts("").is_empty());
        assert_eq!(texts("\u{a0}— \u{a0}\n"), vec!["—"]);
    }

    #[test]
    fn split_trims_each_raw_line_as_str_trim_does() {
        let page = "a\n  \n\u{a0}\n x \n\u{3000}y\u{2003}\n\tz\r\n\n\u{a0}b c\r\u{85}\n\"q\u{a0}";
        let raw = split_raw(page);
        let trimmed: Vec<&str> = split(page).into_iter().map(|r| &page[r]).collect();
        let want: Vec<&str> = raw.into_iter().map(|r| page[r].trim()).collect();
        assert_eq!(trimmed, want);
    }

    #[test]
    fn newlines_are_found_at_every_offset() {
        let mut seed = 7u64;
        for len in 0..200 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let t: String = (0..len)
                .map(|k| {
                    if (seed >> (k % 61)) & 3 == 0 {
                        '\n'
                    } else {
                        'x'
                    }
                })
                .collect();
            let mut want: Vec<&str> = t.split('\n').collect();
            if t.is_empty() || t.ends_with('\n') {
                want.pop();
            }
            let got: Vec<&str> = split_raw(&t).into_iter().map(|r| &t[r]).collect();
            assert_eq!(got, want, "{t:?}");
        }
    }

    #[test]
    fn pages_without_carriage_returns_split_as_the_general_way_does() {
        let raw = |t: &str| -> Vec<String> {
            split_raw(t).into_iter().map(|r| t[r].to_string()).collect()
        };
        for (t, lines) in [
            ("a\nb\n\nc", &["a", "b", "", "c"][..]),
            ("\n\nx", &["", "", "x"]),
            ("x\n", &["x"]),
            ("\n", &[""]),
            ("", &[]),
            ("no end", &["no end"]),
            // Long enough for the 32-byte masks, with `\n` at their edges.
            (
                "0123456789012345678901234567890\n1\n\n2345678901234567890123456789012345678901234567\nend",
                &[
                    "0123456789012345678901234567890",
                    "1",
                    "",
                    "2345678901234567890123456789012345678901234567",
                    "end",
                ],
            ),
        ] {
            // `\n` alone takes the one-byte search, `\r\n` the general one.
            assert_eq!(raw(t), lines, "{t:?}");
            assert_eq!(raw(&t.replace('\n', "\r\n")), lines, "{t:?} with CRLF");
        }
    }
}
