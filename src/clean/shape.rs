//! The shape of a line — how many words, how many of them function words,
//! whether it ends like a sentence — computed once per line and shared by
//! the zone, guard and region logic.

/// Function words of English and the main western European languages: a
/// sentence has many, a list of names or tags has few. Kept sorted.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "al", "als", "also", "an", "and", "are", "as", "at", "auf", "be",
    "been", "before", "but", "by", "can", "con", "could", "da", "dans", "das", "de", "dei", "del",
    "della", "dem", "den", "der", "des", "di", "die", "do", "du", "e", "een", "ein", "eine", "el",
    "en", "es", "est", "et", "for", "from", "had", "has", "have", "he", "her", "het", "his", "i",
    "if", "il", "im", "in", "into", "is", "ist", "it", "its", "la", "las", "le", "les", "lo",
    "los", "mit", "more", "na", "nicht", "no", "not", "o", "of", "on", "or", "os", "our", "par",
    "para", "per", "por", "pour", "que", "qui", "said", "se", "she", "so", "su", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "to", "um", "un", "una",
    "und", "une", "van", "von", "was", "we", "were", "what", "when", "which", "who", "will",
    "with", "would", "you", "zu",
];

/// A word of up to eight ASCII bytes packed into an integer, lower-cased
/// by setting bit 5 of each byte: that turns exactly the capitals into
/// letters, and no other byte into one, so only letter words can equal a
/// packed function word.
const fn pack(word: &[u8]) -> u64 {
    let mut key = 0u64;
    let mut j = 0;
    while j < word.len() {
        key |= ((word[j] | 0x20) as u64) << (8 * j);
        j += 1;
    }
    key
}

/// Open-addressing table of the packed stop words, built at compile time:
/// one multiply and usually one probe per word, on the hottest path of
/// the heuristics.
const TABLE_BITS: u32 = 10;

const fn slot(key: u64) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - TABLE_BITS)) as usize
}

/// How far linear probing may move a key from its slot; the build asserts
/// it, so a lookup reads this many slots and never branches.
const PROBES: usize = 4;

static STOP_TABLE: [u64; (1 << TABLE_BITS) + PROBES] = {
    let mut t = [0u64; (1 << TABLE_BITS) + PROBES];
    let mut w = 0;
    while w < STOP_WORDS.len() {
        let key = pack(STOP_WORDS[w].as_bytes());
        let mut i = slot(key);
        while t[i] != 0 {
            i += 1;
        }
        assert!(i - slot(key) < PROBES, "stop-word table: too many probes");
        t[i] = key;
        w += 1;
    }
    t
};

/// Whether a packed word (non-zero) is a function word.
#[inline(always)]
fn is_stop_key(key: u64) -> bool {
    let i = slot(key);
    let s = &STOP_TABLE[i..i + PROBES];
    (s[0] == key) | (s[1] == key) | (s[2] == key) | (s[3] == key)
}

/// Whether a word (with any punctuation around it) is a function word.
pub fn is_stop_word(word: &str) -> bool {
    is_stop_bytes(word.as_bytes())
}

#[inline]
fn is_stop_bytes(bytes: &[u8]) -> bool {
    // Bytes, not chars: every stop word is short ASCII, so anything longer
    // or with a non-ASCII letter is out before any lookup.
    if bytes.len() > 12 {
        return false;
    }
    let (mut s, mut e) = (0, bytes.len());
    while s < e && !bytes[s].is_ascii_alphanumeric() {
        s += 1;
    }
    while e > s && !bytes[e - 1].is_ascii_alphanumeric() {
        e -= 1;
    }
    // Non-ASCII bytes keep their high bit when packed: no match.
    (1..=7).contains(&(e - s)) && is_stop_key(pack(&bytes[s..e]))
}

/// The length of the white space character starting at byte `i`, or 0:
/// exactly the characters `char::is_whitespace` knows, read from UTF-8
/// bytes so that ASCII text never decodes.
#[inline]
fn space_len(b: &[u8], i: usize) -> usize {
    match b[i] {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => 1,
        0xc2 if matches!(b.get(i + 1), Some(0x85 | 0xa0)) => 2,
        0xe1 if b.get(i + 1) == Some(&0x9a) && b.get(i + 2) == Some(&0x80) => 3,
        0xe2 if b.get(i + 1) == Some(&0x80)
            && matches!(b.get(i + 2), Some(0x80..=0x8a | 0xa8 | 0xa9 | 0xaf)) =>
        {
            3
        }
        0xe2 if b.get(i + 1) == Some(&0x81) && b.get(i + 2) == Some(&0x9f) => 3,
        0xe3 if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80) => 3,
        _ => 0,
    }
}

#[inline(always)]
fn is_ascii_space(c: u8) -> bool {
    c == b' ' || (0x09..=0x0d).contains(&c)
}

/// Bit masks of a chunk of at most 64 bytes: bit `j` of `space` is set
/// when byte `j` is ASCII white space, of `alnum` when it is an ASCII
/// letter or digit. Bits past the chunk's end are spaces (a line ends as
/// if followed by a space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Masks {
    space: u64,
    alnum: u64,
    /// Lead bytes of the white space characters beyond ASCII (0xc2, 0xe1,
    /// 0xe2, 0xe3); most are curly quotes and dashes, checked one by one.
    lead: u64,
}

// Inlined so that each caller computes only the masks it reads. `AVX2`
// is true only within functions compiled for x86-64-v3 (see
// [`words_ascii_spaces_v3`]).
#[inline(always)]
fn masks<const AVX2: bool>(chunk: &[u8]) -> Masks {
    #[cfg(target_arch = "x86_64")]
    {
        let mut padded = [b' '; 64];
        let full = match <&[u8; 64]>::try_from(chunk) {
            Ok(c) => c,
            Err(_) => {
                // A line's last, short chunk: padded with spaces, which set
                // the space bits past its end and no other.
                padded[..chunk.len()].copy_from_slice(chunk);
                &padded
            }
        };
        if AVX2 {
            // SAFETY: AVX2 is true only where the CPU was found to have
            // AVX2 (see `has_x86_64_v3`).
            unsafe { masks_avx2(full) }
        } else {
            masks_sse2(full)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    masks_scalar(chunk)
}

/// [`masks`] one byte at a time: the portable version, and the reference
/// the SIMD one is tested against.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn masks_scalar(chunk: &[u8]) -> Masks {
    let mut m = Masks {
        space: (!0u64).checked_shl(chunk.len() as u32).unwrap_or(0),
        alnum: 0,
        lead: 0,
    };
    for (j, &c) in chunk.iter().enumerate() {
        m.space |= u64::from(is_ascii_space(c)) << j;
        m.alnum |= u64::from(c.is_ascii_alphanumeric()) << j;
        m.lead |= u64::from(matches!(c, 0xc2 | 0xe1 | 0xe2 | 0xe3)) << j;
    }
    m
}

/// [`masks`] of a full chunk, 16 bytes per compare. SSE2 is part of every
/// x86-64 CPU, so no detection is needed.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn masks_sse2(chunk: &[u8; 64]) -> Masks {
    use std::arch::x86_64::*;
    let mut m = Masks {
        space: 0,
        alnum: 0,
        lead: 0,
    };
    // SAFETY: SSE2 is always available on x86-64, and the unaligned loads
    // read bytes 0..64 of a 64-byte array.
    let ascii = unsafe {
        let p = chunk.as_ptr();
        let or = _mm_or_si128(
            _mm_or_si128(_mm_loadu_si128(p.cast()), _mm_loadu_si128(p.add(16).cast())),
            _mm_or_si128(
                _mm_loadu_si128(p.add(32).cast()),
                _mm_loadu_si128(p.add(48).cast()),
            ),
        );
        _mm_movemask_epi8(or) == 0
    };
    for k in 0..4 {
        // SAFETY: SSE2 is always available on x86-64, and the unaligned
        // load reads bytes 16k..16k+16 of a 64-byte array.
        let (space, alnum, lead) = unsafe {
            let v = _mm_loadu_si128(chunk.as_ptr().add(16 * k).cast());
            // `v - lo <= n` unsigned: min(v - lo, n) == v - lo.
            let within = |lo: u8, n: u8, v: __m128i| {
                let d = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
                _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(n as i8)), d)
            };
            // Space, or tab to carriage return (9..=13).
            let sp = _mm_or_si128(
                within(9, 4, v),
                _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)),
            );
            // Setting bit 5 turns exactly the capitals into letters.
            let letter = within(b'a', 25, _mm_or_si128(v, _mm_set1_epi8(0x20)));
            let al = _mm_or_si128(letter, within(b'0', 9, v));
            // 0xe1..=0xe3, or 0xc2; none in an ASCII chunk (most are).
            let lead = if ascii {
                0
            } else {
                _mm_movemask_epi8(_mm_or_si128(
                    within(0xe1, 2, v),
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(0xc2_u8 as i8)),
                )) as u16
            };
            (
                _mm_movemask_epi8(sp) as u16,
                _mm_movemask_epi8(al) as u16,
                lead,
            )
        };
        m.space |= u64::from(space) << (16 * k);
        m.alnum |= u64::from(alnum) << (16 * k);
        m.lead |= u64::from(lead) << (16 * k);
    }
    m
}

/// [`masks_sse2`] 32 bytes per compare, for CPUs with AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn masks_avx2(chunk: &[u8; 64]) -> Masks {
    use std::arch::x86_64::*;
    // SAFETY: the unaligned loads read bytes 0..64 of a 64-byte array.
    let (lo, hi) = unsafe {
        let p = chunk.as_ptr();
        (
            _mm256_loadu_si256(p.cast()),
            _mm256_loadu_si256(p.add(32).cast()),
        )
    };
    let ascii = _mm256_movemask_epi8(_mm256_or_si256(lo, hi)) == 0;
    let (space_lo, alnum_lo, lead_lo) = masks32(lo, ascii);
    let (space_hi, alnum_hi, lead_hi) = masks32(hi, ascii);
    Masks {
        space: u64::from(space_lo) | u64::from(space_hi) << 32,
        alnum: u64::from(alnum_lo) | u64::from(alnum_hi) << 32,
        lead: u64::from(lead_lo) | u64::from(lead_hi) << 32,
    }
}

/// The space, letter-or-digit and lead-byte masks of 32 bytes: the same
/// tests as [`masks_sse2`] makes on 16.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn masks32(v: std::arch::x86_64::__m256i, ascii: bool) -> (u32, u32, u32) {
    use std::arch::x86_64::*;
    let sp = _mm256_or_si256(
        within32(v, 9, 4),
        _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b' ' as i8)),
    );
    let letter = within32(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), b'a', 25);
    let al = _mm256_or_si256(letter, within32(v, b'0', 9));
    let lead = if ascii {
        0
    } else {
        _mm256_movemask_epi8(_mm256_or_si256(
            within32(v, 0xe1, 2),
            _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0xc2_u8 as i8)),
        )) as u32
    };
    (
        _mm256_movemask_epi8(sp) as u32,
        _mm256_movemask_epi8(al) as u32,
        lead,
    )
}

/// Bytes `x` of `v` with `lo <= x <= lo + n`: `x - lo <= n` unsigned, that
/// is min(x - lo, n) == x - lo.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn within32(v: std::arch::x86_64::__m256i, lo: u8, n: u8) -> std::arch::x86_64::__m256i {
    use std::arch::x86_64::*;
    let d = _mm256_sub_epi8(v, _mm256_set1_epi8(lo as i8));
    _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(n as i8)), d)
}

/// Lines up to this long are counted from a copy padded with spaces, so
/// that every chunk takes the SIMD mask and every function-word test a
/// single load; most lines are this short.
const PADDED: usize = 192;

/// Words and function words of a line whose only white space is ASCII,
/// 64 bytes at a time: word starts are non-space bits after space bits.
/// The words are counted first; then the first [`STOP_SAMPLE`] words are
/// looked up one by one, until `need(words)` function words are found.
/// None when the line holds white space beyond ASCII (no-break space, em
/// space, …), which takes the exact scan.
fn words_ascii_spaces(b: &[u8], need: impl Fn(u32) -> u32) -> Option<(u32, u32)> {
    #[cfg(target_arch = "x86_64")]
    if has_x86_64_v3() {
        // SAFETY: the CPU has every feature the function is compiled for.
        return unsafe { words_ascii_spaces_v3(b, need) };
    }
    words_ascii_spaces_baseline::<false>(b, need)
}

/// Whether the CPU has x86-64-v3's AVX2, BMI and POPCNT (checked once):
/// most since 2013. The build targets baseline x86-64, where a word count
/// alone takes a dozen instructions rather than one.
#[cfg(target_arch = "x86_64")]
fn has_x86_64_v3() -> bool {
    static V3: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *V3.get_or_init(|| {
        std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("bmi1")
            && std::is_x86_feature_detected!("bmi2")
            && std::is_x86_feature_detected!("lzcnt")
            && std::is_x86_feature_detected!("popcnt")
    })
}

/// [`words_ascii_spaces_baseline`] compiled for x86-64-v3.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,lzcnt,popcnt")]
fn words_ascii_spaces_v3(b: &[u8], need: impl Fn(u32) -> u32) -> Option<(u32, u32)> {
    words_ascii_spaces_baseline::<true>(b, need)
}

#[inline(always)]
fn words_ascii_spaces_baseline<const AVX2: bool>(
    b: &[u8],
    need: impl Fn(u32) -> u32,
) -> Option<(u32, u32)> {
    if b.len() <= PADDED {
        // Trailing spaces start no word: the counts are the line's.
        let mut buf = [b' '; PADDED + 8];
        buf[..b.len()].copy_from_slice(b);
        return words_in_chunks::<AVX2>(&buf, b.len().div_ceil(64), need);
    }
    words_in_chunks::<AVX2>(b, b.len().div_ceil(64), need)
}

/// [`words_ascii_spaces`] of the first `chunks` 64-byte chunks of `b`
/// (the last one may be short).
#[inline(always)]
fn words_in_chunks<const AVX2: bool>(
    b: &[u8],
    chunks: usize,
    need: impl Fn(u32) -> u32,
) -> Option<(u32, u32)> {
    let words = count_words::<AVX2>(b, chunks)?;
    let enough = need(words).min(STOP_SAMPLE);
    let stop = if enough == 0 {
        0
    } else {
        count_stop_words::<AVX2>(b, chunks, enough)
    };
    Some((words, stop))
}

/// The words of the first `chunks` chunks of `b`; None at a white space
/// character beyond ASCII.
#[inline(always)]
fn count_words<const AVX2: bool>(b: &[u8], chunks: usize) -> Option<u32> {
    let mut words = 0;
    let mut space_before = 1u64;
    for c in 0..chunks {
        let chunk = &b[c * 64..b.len().min(c * 64 + 64)];
        let Masks {
            space: sp,
            mut lead,
            ..
        } = masks::<AVX2>(chunk);
        while lead != 0 {
            if space_len(b, c * 64 + lead.trailing_zeros() as usize) > 0 {
                return None;
            }
            lead &= lead - 1;
        }
        words += (!sp & ((sp << 1) | space_before)).count_ones();
        space_before = sp >> 63;
    }
    Some(words)
}

/// Function words among the first [`STOP_SAMPLE`] words of the first
/// `chunks` chunks of `b` (ASCII white space only), counted up to `enough`.
#[inline(always)]
fn count_stop_words<const AVX2: bool>(b: &[u8], chunks: usize, enough: u32) -> u32 {
    let (mut words, mut stop) = (0u32, 0u32);
    let mut space_before = 1u64;
    for c in 0..chunks {
        let chunk = &b[c * 64..b.len().min(c * 64 + 64)];
        let Masks {
            space: sp, alnum, ..
        } = masks::<AVX2>(chunk);
        let mut starts = !sp & ((sp << 1) | space_before);
        space_before = sp >> 63;
        while starts != 0 {
            if words == STOP_SAMPLE || stop >= enough {
                return stop;
            }
            let p = starts.trailing_zeros() as usize;
            starts &= starts - 1;
            words += 1;
            let from = c * 64 + p;
            let rest = sp >> p;
            if rest == 0 {
                // The word runs past the chunk.
                let len = b[from..]
                    .iter()
                    .take(13)
                    .position(|&x| is_ascii_space(x))
                    .unwrap_or(b.len() - from);
                stop += u32::from(is_stop_bytes(&b[from..from + len]));
                continue;
            }
            stop += u32::from(is_stop_in_chunk(b, from, rest, alnum >> p));
        }
    }
    stop
}

/// [`is_stop_bytes`] of the word starting at `b[from]` and ending within
/// its chunk, from the chunk's masks shifted to the word's start: the
/// word's letters and digits bound its core (the punctuation around it
/// trimmed), and the core is read with one 8-byte load.
#[inline(always)]
fn is_stop_in_chunk(b: &[u8], from: usize, space: u64, alnum: u64) -> bool {
    const CASE: u64 = 0x2020_2020_2020_2020;
    let len = space.trailing_zeros();
    let core = alnum & ((1u64 << len) - 1);
    if core == 0 || len > 12 {
        return false;
    }
    let first = core.trailing_zeros();
    let size = 64 - core.leading_zeros() - first;
    if size > 7 {
        return false;
    }
    let at = from + first as usize;
    match b.get(at..at + 8) {
        Some(eight) => {
            let raw = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
            is_stop_key((raw | CASE) & ((1u64 << (8 * size)) - 1))
        }
        None => is_stop_bytes(&b[at..at + size as usize]),
    }
}

/// Words and function words by the exact scan: every white space
/// character `char::is_whitespace` knows.
fn words_exact(b: &[u8]) -> (u32, u32) {
    let (mut words, mut stop) = (0u32, 0u32);
    let mut start = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let space = if c < 0x80 {
            usize::from(is_ascii_space(c))
        } else {
            space_len(b, i)
        };
        if space == 0 {
            start.get_or_insert(i);
            i += 1;
            continue;
        }
        if let Some(s) = start.take() {
            words += 1;
            if words <= STOP_SAMPLE {
                stop += u32::from(is_stop_bytes(&b[s..i]));
            }
        }
        i += space;
    }
    if let Some(s) = start {
        words += 1;
        if words <= STOP_SAMPLE {
            stop += u32::from(is_stop_bytes(&b[s..]));
        }
    }
    (words, stop)
}

/// Function words are counted among a line's first this many words: the
/// share is as telling there as over a whole paragraph, at a fraction of
/// the cost.
pub const STOP_SAMPLE: u32 = 32;

/// What the heuristics need to know of a line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shape {
    pub words: u32,
    /// Function words among the first [`STOP_SAMPLE`] words (counted up
    /// to the need given to [`Shape::with_stop_need`]).
    pub stop: u32,
    /// Ends in sentence punctuation (before closing quotes and brackets).
    pub sentence: bool,
}

impl Shape {
    pub fn of(line: &str) -> Shape {
        Shape::with_stop_need(line, |_, _| STOP_SAMPLE)
    }

    /// The shape, with function words counted only up to `need(words,
    /// sentence)`: the heuristics compare their share with a threshold
    /// that depends on the line's length and ending, and once a line holds
    /// enough of them to pass it, more change nothing (a line that is
    /// never compared needs none). Looking words up is most of the cost
    /// of a shape.
    pub fn with_stop_need(line: &str, need: impl Fn(u32, bool) -> u32) -> Shape {
        let b = line.as_bytes();
        if b.is_empty() {
            // Half the lines of a page are blank.
            return Shape::default();
        }
        // Most lines that are not sentences end in a letter or digit.
        let sentence = !b.last().is_some_and(u8::is_ascii_alphanumeric) && {
            let end = line.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '*']);
            end.ends_with(['.', '!', '?', '…', ':', ';'])
        };
        let (words, stop) =
            words_ascii_spaces(b, |words| need(words, sentence)).unwrap_or_else(|| words_exact(b));
        Shape {
            words,
            stop,
            sentence,
        }
    }

    /// Reads like a sentence of running text: enough words and sentence
    /// punctuation, or simply long.
    pub fn is_prose(self) -> bool {
        self.words >= 20 || (self.words >= 8 && self.sentence)
    }

    /// The share of its (first [`STOP_SAMPLE`]) words that are function words.
    pub fn stop_share(self) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            f64::from(self.stop) / f64::from(self.words.min(STOP_SAMPLE))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_found_whatever_their_case_and_punctuation() {
        assert!(is_stop_word("The"));
        assert!(is_stop_word("(and,"));
        assert!(!is_stop_word("council"));
        assert!(!is_stop_word("théâtre"));
        assert!(!is_stop_word("andromeda"));
    }

    #[test]
    fn the_byte_scan_splits_words_as_split_whitespace_does() {
        for line in [
            "a  b\tc",
            "\u{a0}x\u{a0}y\u{2003}z\u{3000}w",
            "“Oui,” dit-elle — non.",
            "  ",
            "",
            "naïve café\u{85}end",
        ] {
            assert_eq!(
                Shape::of(line).words as usize,
                line.split_whitespace().count(),
                "{line:?}"
            );
        }
    }

    #[test]
    fn the_fast_scan_agrees_with_the_exact_one() {
        // Words from pieces that stress both paths: function words before
        // and after the sample's end, curly quotes (lead byte 0xe2, not a
        // space), wide spaces, control white space.
        let pieces = [
            "the",
            "Council",
            "’s",
            "“and”",
            " ",
            "  ",
            "\t",
            "of,",
            "—",
            "x",
            "é",
            "\u{0b}",
            "\u{a0}",
            "\u{2003}",
            "\u{3000}",
            "\u{1680}",
        ];
        let mut seed = 7u64;
        for _ in 0..3000 {
            let mut line = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            // Half the lines have no wide space, so take the fast path.
            let n = if seed & 1 == 0 { 12 } else { pieces.len() };
            for k in 0..(seed % 90) {
                line.push_str(pieces[((seed >> (k % 50)) as usize + k as usize) % n]);
                line.push(' ');
            }
            let b = line.trim().as_bytes();
            assert_eq!(
                Shape::of(line.trim()),
                {
                    let (words, stop) = words_exact(b);
                    let s = Shape::of(line.trim());
                    Shape { words, stop, ..s }
                },
                "{line:?}"
            );
            assert_eq!(words_exact(b).0 as usize, line.split_whitespace().count());
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_x86_64_v3_build_counts_as_the_baseline_one() {
        if !has_x86_64_v3() {
            return; // nothing to compare on this CPU
        }
        let pieces = [
            "the", "Of,", "council", "’s", "é", "  ", "\t", "(and)", "x", "—",
        ];
        let mut seed = 3u64;
        for _ in 0..2000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let line: String = (0..seed % 120)
                .map(|k| pieces[((seed >> (k % 50)) as usize + k as usize) % pieces.len()])
                .collect::<Vec<_>>()
                .join(" ");
            let b = line.as_bytes();
            for need in [0, 3, STOP_SAMPLE] {
                // SAFETY: the CPU has x86-64-v3 (checked above).
                let v3 = unsafe { words_ascii_spaces_v3(b, |_| need) };
                let baseline = words_ascii_spaces_baseline::<false>(b, |_| need);
                assert_eq!(v3, baseline, "{line:?}");
            }
        }
    }

    #[test]
    fn simd_masks_agree_with_the_byte_by_byte_ones() {
        // Every byte value, at every position, in chunks of every length.
        let bytes: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
        for start in 0..256 {
            for len in [0, 1, 15, 16, 17, 33, 63, 64] {
                let chunk = &bytes[start..start + len];
                let scalar = masks_scalar(chunk);
                assert_eq!(masks::<false>(chunk), scalar, "{chunk:?}");
                #[cfg(target_arch = "x86_64")]
                if has_x86_64_v3() {
                    assert_eq!(masks::<true>(chunk), scalar, "AVX2 {chunk:?}");
                }
            }
        }
    }

    #[test]
    fn shape_counts_words_and_sentence_ends() {
        let s = Shape::of("“The vote,” she said, “is a start.”");
        assert_eq!(
            (s.words, s.stop, s.sentence),
            (7, 5, true),
            "The, she, said, is, a"
        );
        assert!(!Shape::of("Leave a Reply").is_prose());
    }
}
