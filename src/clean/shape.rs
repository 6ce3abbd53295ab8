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

/// A word of up to eight ASCII letters packed into an integer, so the
/// lookup compares integers rather than strings.
fn pack(word: &[u8]) -> u64 {
    word.iter()
        .fold(0, |acc, &b| (acc << 8) | u64::from(b.to_ascii_lowercase()))
}

/// Open-addressing table of the packed stop words: one multiply and
/// usually one probe per word, on the hottest path of the heuristics.
const TABLE_BITS: u32 = 10;

fn slot(key: u64) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - TABLE_BITS)) as usize
}

fn stop_table() -> &'static [u64] {
    static TABLE: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = vec![0u64; 1 << TABLE_BITS];
        for w in STOP_WORDS {
            let key = pack(w.as_bytes());
            let mut i = slot(key);
            while t[i] != 0 {
                i = (i + 1) & ((1 << TABLE_BITS) - 1);
            }
            t[i] = key;
        }
        t
    })
}

fn is_stop_key(key: u64) -> bool {
    let t = stop_table();
    let mut i = slot(key);
    loop {
        match t[i] {
            0 => return false,
            k if k == key => return true,
            _ => i = (i + 1) & ((1 << TABLE_BITS) - 1),
        }
    }
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
    let w = bytes
        .iter()
        .position(u8::is_ascii_alphanumeric)
        .map_or(&[][..], |a| {
            &bytes[a..=bytes
                .iter()
                .rposition(u8::is_ascii_alphanumeric)
                .unwrap_or(a)]
        });
    !w.is_empty() && w.len() <= 7 && w.is_ascii() && is_stop_key(pack(w))
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

/// Function words are counted among a line's first this many words: the
/// share is as telling there as over a whole paragraph, at a fraction of
/// the cost.
pub const STOP_SAMPLE: u32 = 32;

/// What the heuristics need to know of a line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shape {
    pub words: u32,
    /// Function words among the first [`STOP_SAMPLE`] words.
    pub stop: u32,
    /// Ends in sentence punctuation (before closing quotes and brackets).
    pub sentence: bool,
}

impl Shape {
    pub fn of(line: &str) -> Shape {
        // A byte scan: this runs on every line of every page.
        let b = line.as_bytes();
        let (mut words, mut stop) = (0u32, 0u32);
        let mut start = None;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            let space = if c < 0x80 {
                usize::from(c.is_ascii_whitespace() || c == 0x0b)
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
        let end = line.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '*']);
        Shape {
            words,
            stop,
            sentence: end.ends_with(['.', '!', '?', '…', ':', ';']),
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
