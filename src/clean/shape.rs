//! The shape of a line — how many words, how many of them function words,
//! whether it ends like a sentence — computed once per line and shared by
//! the zone, guard and region logic.

use std::ops::Range;

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

/// Table of the packed stop words, built at compile time: one multiply
/// and one probe per word, on the hottest path of the heuristics.
const TABLE_BITS: u32 = 10;

/// A multiplier that gives each stop word a slot of its own, so that a
/// lookup reads one slot (found by trying random ones; the build asserts
/// it).
const fn slot(key: u64) -> usize {
    (key.wrapping_mul(0xba0f_f0b7_ea17_4c4f) >> (64 - TABLE_BITS)) as usize
}

static STOP_TABLE: [u64; 1 << TABLE_BITS] = {
    let mut t = [0u64; 1 << TABLE_BITS];
    let mut w = 0;
    while w < STOP_WORDS.len() {
        let key = pack(STOP_WORDS[w].as_bytes());
        assert!(t[slot(key)] == 0, "stop-word table: two words in a slot");
        t[slot(key)] = key;
        w += 1;
    }
    t
};

/// Whether a packed word (non-zero) is a function word.
#[inline(always)]
fn is_stop_key(key: u64) -> bool {
    STOP_TABLE[slot(key)] == key
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
#[inline(always)]
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
/// letter or digit, of `letter` when it is an ASCII letter. Bits past the
/// chunk's end are spaces (a line ends as if followed by a space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Masks {
    space: u64,
    alnum: u64,
    letter: u64,
    /// Lead bytes of the white space characters beyond ASCII (0xc2, 0xe1,
    /// 0xe2, 0xe3); most are curly quotes and dashes, checked one by one.
    lead: u64,
}

impl Masks {
    /// The masks of the chunk's first `n` bytes: bits from `n` on are
    /// spaces.
    #[inline(always)]
    fn clip(self, n: usize) -> Masks {
        let keep = if n < 64 { (1u64 << n) - 1 } else { !0 };
        Masks {
            space: self.space | !keep,
            alnum: self.alnum & keep,
            letter: self.letter & keep,
            lead: self.lead & keep,
        }
    }
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
                // A chunk cut short by the end of the bytes: padded with
                // spaces, which set the space bits past its end and no other.
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
        letter: 0,
        lead: 0,
    };
    for (j, &c) in chunk.iter().enumerate() {
        m.space |= u64::from(is_ascii_space(c)) << j;
        m.alnum |= u64::from(c.is_ascii_alphanumeric()) << j;
        m.letter |= u64::from(c.is_ascii_alphabetic()) << j;
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
        letter: 0,
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
        let (space, alnum, letter, lead) = unsafe {
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
                _mm_movemask_epi8(letter) as u16,
                lead,
            )
        };
        m.space |= u64::from(space) << (16 * k);
        m.alnum |= u64::from(alnum) << (16 * k);
        m.letter |= u64::from(letter) << (16 * k);
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
    let (space_lo, alnum_lo, letter_lo, lead_lo) = masks32(lo, ascii);
    let (space_hi, alnum_hi, letter_hi, lead_hi) = masks32(hi, ascii);
    Masks {
        space: u64::from(space_lo) | u64::from(space_hi) << 32,
        alnum: u64::from(alnum_lo) | u64::from(alnum_hi) << 32,
        letter: u64::from(letter_lo) | u64::from(letter_hi) << 32,
        lead: u64::from(lead_lo) | u64::from(lead_hi) << 32,
    }
}

/// The space, letter-or-digit, letter and lead-byte masks of 32 bytes:
/// the same tests as [`masks_sse2`] makes on 16.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn masks32(v: std::arch::x86_64::__m256i, ascii: bool) -> (u32, u32, u32, u32) {
    use std::arch::x86_64::*;
    // Space, or tab to carriage return: the bytes that equal the table's
    // entry at their low four bits (a byte from 0x80 on looks up 0).
    const NO: i8 = -1;
    #[rustfmt::skip]
    let spaces = _mm256_setr_epi8(
        b' ' as i8, NO, NO, NO, NO, NO, NO, NO, NO, 9, 10, 11, 12, 13, NO, NO,
        b' ' as i8, NO, NO, NO, NO, NO, NO, NO, NO, 9, 10, 11, 12, 13, NO, NO,
    );
    let sp = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(spaces, v), v);
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
        _mm256_movemask_epi8(letter) as u32,
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

/// Words and function words of the line `b[..len]` whose only white space
/// is ASCII, 64 bytes at a time: word starts are non-space bits after
/// space bits. The words are counted first; then function words among the
/// first [`STOP_SAMPLE`] words, until `need(words)` are found. The bytes
/// of `b` after the line, if any, are read with it (which spares copying
/// it) but count as spaces. None when the line holds white space beyond
/// ASCII (no-break space, em space, …), which takes the exact scan.
fn words_ascii_spaces(b: &[u8], len: usize, need: impl Fn(u32) -> u32) -> Option<(u32, u32)> {
    #[cfg(target_arch = "x86_64")]
    if has_x86_64_v3() {
        // SAFETY: the CPU has every feature the function is compiled for.
        return unsafe { words_ascii_spaces_v3(b, len, need) };
    }
    words_ascii_spaces_baseline::<false>(b, len, need)
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
fn words_ascii_spaces_v3(b: &[u8], len: usize, need: impl Fn(u32) -> u32) -> Option<(u32, u32)> {
    words_ascii_spaces_baseline::<true>(b, len, need)
}

#[inline(always)]
fn words_ascii_spaces_baseline<const AVX2: bool>(
    b: &[u8],
    len: usize,
    need: impl Fn(u32) -> u32,
) -> Option<(u32, u32)> {
    if len < 64 {
        return words_in_window::<AVX2>(b, len, need);
    }
    let words = count_words::<AVX2>(b, len)?;
    let enough = need(words).min(STOP_SAMPLE);
    let stop = if enough == 0 {
        0
    } else {
        count_stop_words::<AVX2>(b, len, enough)
    };
    Some((words, stop))
}

/// [`words_ascii_spaces`] of a line shorter than 64 bytes (most are), from
/// the masks of a single window: all its words end within it, and there
/// are at most 32 (the sample).
#[inline(always)]
fn words_in_window<const AVX2: bool>(
    b: &[u8],
    len: usize,
    need: impl Fn(u32) -> u32,
) -> Option<(u32, u32)> {
    let mut spare = None;
    let w = window(b, 0, &mut spare);
    let m = masks::<AVX2>(&w[..64]).clip(len);
    if has_wide_space(w, m.lead) {
        return None;
    }
    let ends = m.space & (!m.space << 1);
    let words = ends.count_ones();
    let enough = need(words).min(STOP_SAMPLE);
    let stop = if enough == 0 {
        0
    } else {
        let (first, candidates) = candidates(&m);
        stops_at(w, &m, first, candidates & ends, enough)
    };
    Some((words, stop))
}

/// The words of the line `b[..len]`; None at a white space character
/// beyond ASCII.
#[inline(always)]
fn count_words<const AVX2: bool>(b: &[u8], len: usize) -> Option<u32> {
    let (mut words, mut space_before) = (0, 1u64);
    let whole = len / 64 * 64;
    for (at, chunk) in (0..).step_by(64).zip(b[..whole].chunks_exact(64)) {
        words += chunk_words(b, at, masks::<AVX2>(chunk), &mut space_before)?;
    }
    if whole < len {
        let m = masks::<AVX2>(&b[whole..b.len().min(whole + 64)]).clip(len - whole);
        words += chunk_words(b, whole, m, &mut space_before)?;
    }
    Some(words)
}

/// The words that start in the chunk of `b` at `at`, of masks `m`; None
/// at a white space character beyond ASCII.
#[inline(always)]
fn chunk_words(b: &[u8], at: usize, m: Masks, space_before: &mut u64) -> Option<u32> {
    if m.lead != 0 && has_wide_space(&b[at..], m.lead) {
        return None;
    }
    let words = (!m.space & ((m.space << 1) | *space_before)).count_ones();
    *space_before = m.space >> 63;
    Some(words)
}

/// Whether a white space character starts at a bit of `lead` (see
/// [`Masks`]) in `b`.
#[inline(always)]
fn has_wide_space(b: &[u8], mut lead: u64) -> bool {
    while lead != 0 {
        if space_len(b, lead.trailing_zeros() as usize) > 0 {
            return true;
        }
        lead &= lead - 1;
    }
    false
}

/// A function word has at most 12 bytes with its punctuation (see
/// [`is_stop_bytes`]): a window after the first takes the words that end
/// in its bytes from this one on, which lie whole within it.
const LOOK_BACK: usize = 13;

/// A window's bytes: 64 for its masks, and 8 more for a key read at any
/// of them.
const WINDOW: usize = 72;

/// Function words among the first [`STOP_SAMPLE`] words of the line
/// `b[..len]` (ASCII white space only), counted up to `enough`. Windows
/// of 64 bytes, 51 apart, each take the words that end in their last 51
/// bytes (the first one all of its own), and find those that can be
/// function words from their masks alone; only these are looked up.
#[inline(always)]
fn count_stop_words<const AVX2: bool>(b: &[u8], len: usize, enough: u32) -> u32 {
    let (mut words, mut stop) = (0, 0);
    let mut spare = None;
    let (mut from, mut taken) = (0, !0u64);
    loop {
        let w = window(b, from, &mut spare);
        let m = masks::<AVX2>(&w[..64]);
        let m = if from + 64 > len {
            m.clip(len - from)
        } else {
            m
        };
        let mut ends = m.space & (!m.space << 1) & taken;
        let left = STOP_SAMPLE - words;
        if ends.count_ones() >= left {
            ends = lowest(ends, left);
        }
        words += ends.count_ones();
        let (first, candidates) = candidates(&m);
        stop += stops_at(w, &m, first, candidates & ends, enough - stop);
        // The line's end is a word's end too.
        if words == STOP_SAMPLE || stop == enough || from + 64 > len {
            return stop;
        }
        from += 64 - LOOK_BACK;
        taken = !0 << LOOK_BACK;
    }
}

/// The [`WINDOW`] bytes of `b` from `from`, in place or copied into
/// `spare`: bytes past the end of `b` read as spaces.
#[inline(always)]
fn window<'a>(b: &'a [u8], from: usize, spare: &'a mut Option<[u8; WINDOW]>) -> &'a [u8; WINDOW] {
    if let Some(w) = b.get(from..).and_then(<[u8]>::first_chunk) {
        return w;
    }
    let rest = &b[from..];
    let w = spare.insert([b' '; WINDOW]);
    w[..rest.len()].copy_from_slice(rest);
    w
}

/// The lowest `n` set bits of `x`.
#[inline(always)]
fn lowest(x: u64, n: u32) -> u64 {
    let mut rest = x;
    for _ in 0..n {
        rest &= rest.wrapping_sub(1);
    }
    x & !rest
}

/// Of a window's masks: the first letter or digit of each word, and the
/// ends (the space after) of the words that can be function words: one
/// run of up to 7 letters, with no digit and only punctuation around it,
/// and at most 12 bytes (see [`is_stop_bytes`]); the rest are never
/// looked up. Carries move the marks up to each word's end. Marks of a
/// word cut by the window's start are garbage, but such a word, if it
/// ends past [`LOOK_BACK`], is too long.
#[inline(always)]
fn candidates(m: &Masks) -> (u64, u64) {
    let word = !m.space;
    let starts = word & ((m.space << 1) | 1);
    let punct = word & !m.alnum;
    // A carry from each word's start through the punctuation before its
    // first letter or digit.
    let first = punct.wrapping_add(starts) & m.alnum;
    let runs = m.alnum & !(m.alnum << 1);
    // Bits that end 13 bytes of a word, or 8 letters.
    let w2 = word & (word << 1);
    let w4 = w2 & (w2 << 2);
    let long = w4 & (w4 << 4) & (w4 << 8) & (word << 12);
    let l2 = m.letter & (m.letter << 1);
    let l4 = l2 & (l2 << 2);
    let bad = (runs & !first) | (m.alnum & !m.letter) | long | (l4 & (l4 << 4));
    let some = word.wrapping_add(first) & m.space;
    let spoilt = word.wrapping_add(bad) & m.space;
    (first, some & !spoilt)
}

/// Function words among the candidates ending at the bits of `ends`
/// (see [`candidates`]), from the window's bytes, counted up to `enough`.
#[inline(always)]
fn stops_at(w: &[u8; WINDOW], m: &Masks, first: u64, mut ends: u64, enough: u32) -> u32 {
    const CASE: u64 = 0x2020_2020_2020_2020;
    // Bit `j` set when byte `j - 1` is a letter or digit.
    let after = m.alnum << 1;
    let mut stop = 0;
    while ends != 0 && stop < enough {
        // The bits up to the word's end: its letters are the last ones of
        // `first` and `after` (`| 1` keeps the read within the window).
        let before = ends ^ (ends - 1);
        ends &= ends - 1;
        let zeros = ((first & before) | 1).leading_zeros();
        let len = zeros - (after & before).leading_zeros();
        debug_assert!((1..=7).contains(&len), "a candidate's letters");
        let from = (63 - zeros) as usize;
        let raw = u64::from_le_bytes(w[from..][..8].try_into().expect("eight bytes"));
        let key = (raw | CASE) & ((1 << (8 * len)) - 1);
        stop += u32::from(is_stop_key(key));
    }
    stop
}

/// Whether a line ends in sentence punctuation (. ! ? … : ;) before any
/// closing quotes, brackets and asterisks (" ' ” ’ ) ] » *): matched on
/// its last bytes, the UTF-8 of those beyond ASCII, rather than decoded.
fn ends_like_sentence(b: &[u8]) -> bool {
    let mut end = b;
    while let [rest @ .., b'"' | b'\'' | b')' | b']' | b'*']
    | [rest @ .., 0xe2, 0x80, 0x9d | 0x99]
    | [rest @ .., 0xc2, 0xbb] = end
    {
        end = rest;
    }
    matches!(
        end,
        [.., b'.' | b'!' | b'?' | b':' | b';'] | [.., 0xe2, 0x80, 0xa6]
    )
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
        Shape::in_text(line, 0..line.len(), need)
    }

    /// [`Shape::with_stop_need`] of the line `text[line]`, read in place:
    /// the bytes that follow it in `text` spare copying it.
    pub fn in_text(text: &str, line: Range<usize>, need: impl Fn(u32, bool) -> u32) -> Shape {
        let s = &text[line.clone()];
        let b = s.as_bytes();
        if b.is_empty() {
            // Half the lines of a page are blank.
            return Shape::default();
        }
        // Most lines that are not sentences end in a letter or digit.
        let sentence = !b.last().is_some_and(u8::is_ascii_alphanumeric) && ends_like_sentence(b);
        let rest = &text.as_bytes()[line.start..];
        let (words, stop) = words_ascii_spaces(rest, b.len(), |words| need(words, sentence))
            .unwrap_or_else(|| words_exact(b));
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

    /// A line of `pieces` picked by `seed`, each followed by a space.
    fn line_of(pieces: &[&str], seed: u64, n: u64) -> String {
        let mut line = String::new();
        for k in 0..n {
            line.push_str(pieces[((seed >> (k % 50)) as usize + k as usize) % pieces.len()]);
            line.push(' ');
        }
        line
    }

    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    /// Words that stress the fast scan's masks: function words with and
    /// without punctuation, of up to 12 bytes and just over, with digits,
    /// two runs of letters, eight letters or more, curly quotes and dashes
    /// (lead byte 0xe2, not a space), control white space.
    const FAST_PIECES: &[&str] = &[
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
        "THEIR",
        "(((((the))))",
        "(((((the)))))",
        "“their”",
        "the—",
        "3rd",
        "a1",
        "don't",
        "de-la",
        "Andromeda",
        "whichever",
        "12",
        "I",
    ];

    /// Wide white space, which the fast scan leaves to the exact one.
    const WIDE_PIECES: &[&str] = &["\u{a0}", "\u{2003}", "\u{3000}", "\u{1680}", "\u{85}"];

    #[test]
    fn the_fast_scan_agrees_with_the_exact_one() {
        let pieces: Vec<&str> = FAST_PIECES.iter().chain(WIDE_PIECES).copied().collect();
        let mut seed = 7u64;
        for _ in 0..6000 {
            next(&mut seed);
            // Half the lines have no wide space, so take the fast path.
            let from = if seed & 1 == 0 { FAST_PIECES } else { &pieces };
            let line = line_of(from, seed, seed % 90);
            let line = line.trim();
            let b = line.as_bytes();
            let (words, stop) = words_exact(b);
            assert_eq!(words as usize, line.split_whitespace().count());
            // The exact scan counts every function word.
            let wide = line.chars().any(|c| c.is_whitespace() && !c.is_ascii());
            // The line in a page, read in place: the bytes after it
            // count for nothing.
            let before = line_of(&pieces, seed >> 3, seed % 3);
            let after = line_of(&pieces, seed >> 5, (seed >> 8) % 30);
            let text = format!("{before}\n{line}\n{after}");
            let at = before.len() + 1..before.len() + 1 + line.len();
            for need in [0, 1, 3, STOP_SAMPLE] {
                let s = Shape::in_text(&text, at.clone(), |_, _| need);
                let stop = if wide { stop } else { stop.min(need) };
                assert_eq!((s.words, s.stop), (words, stop), "{line:?}");
                assert_eq!(Shape::with_stop_need(line, |_, _| need), s, "{line:?}");
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_x86_64_v3_build_counts_as_the_baseline_one() {
        if !has_x86_64_v3() {
            return; // nothing to compare on this CPU
        }
        let mut seed = 3u64;
        for _ in 0..3000 {
            next(&mut seed);
            let line = line_of(FAST_PIECES, seed, seed % 120);
            let text = line.clone() + &line_of(FAST_PIECES, seed >> 4, seed % 20);
            let b = text.as_bytes();
            for need in [0, 3, STOP_SAMPLE] {
                // SAFETY: the CPU has x86-64-v3 (checked above).
                let v3 = unsafe { words_ascii_spaces_v3(b, line.len(), |_| need) };
                let baseline = words_ascii_spaces_baseline::<false>(b, line.len(), |_| need);
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
    fn sentence_ends_are_found_after_closing_quotes_and_brackets() {
        let decoded = |line: &str| {
            let end = line.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '*']);
            end.ends_with(['.', '!', '?', '…', ':', ';'])
        };
        let ends = [
            "", ".", "!", "?", "…", ":", ";", "\"", "'", "”", "’", ")", "]", "»", "*", "“", "‘",
            "«", "(", "x", "é", "—", "…”", " ", "’s",
        ];
        for a in ends {
            for b in ends {
                for c in ends {
                    let line = format!("end{a}{b}{c}");
                    assert_eq!(
                        ends_like_sentence(line.as_bytes()),
                        decoded(&line),
                        "{line:?}"
                    );
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
