//! Bytes → text: choose an encoding for one scraped page and decode it.
//!
//! The encoding is chosen in this order, and the first rule that applies wins:
//!
//! 1. **BOM.** A UTF-8, UTF-16LE or UTF-16BE byte-order mark is the most
//!    reliable signal a file can carry, so it beats even a forced encoding.
//!    The BOM is stripped from the text.
//! 2. **Forced.** An encoding named by the caller (see [`encoding_for_label`]).
//!    A forced UTF-16 encoding is decoded as such even without a BOM.
//! 3. **Binary check.** A NUL byte anywhere means the input is rejected with
//!    [`DecodeError::Binary`]: no real text in an ASCII-compatible encoding
//!    contains NUL, whereas images, PDFs and archives nearly always do.
//!    UTF-16 (BOM'd or forced) skips this check, since NUL bytes are normal
//!    there. It does apply to other forced encodings.
//! 4. **UTF-8.** Bytes that are valid UTF-8 are taken to be UTF-8. For
//!    non-ASCII text this is almost never a false positive, and pure ASCII
//!    reads the same in every encoding we could guess. One leniency: if the
//!    only flaw is a multi-byte sequence cut off at the very end *and* the
//!    valid prefix already holds non-ASCII UTF-8, the page is still read as
//!    UTF-8. Scrapers that cap download size truncate pages like this, and
//!    handing them to the detector would garble the whole page.
//! 5. **Detected.** Anything else goes to `chardetng`, the detector Firefox
//!    uses for unlabelled legacy pages.
//!
//! Limits: detection is statistical. Short inputs (a few words) may be
//! guessed wrongly, especially among the single-byte Latin encodings.
//! chardetng is tuned for the Web's legacy encodings, so it cannot propose
//! UTF-16 without a BOM or anything outside the WHATWG Encoding Standard.
//! Malformed sequences never fail: they become U+FFFD and set
//! [`Decoded::had_errors`]. Line endings are left untouched.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// The result of decoding one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Decoded text with any BOM removed. Line endings are not normalised
    /// yet; the caller splits lines.
    pub text: String,
    /// The encoding the bytes were decoded with.
    pub encoding: &'static Encoding,
    /// How that encoding was chosen.
    pub how: DecodeHow,
    /// True if malformed sequences were replaced with U+FFFD.
    pub had_errors: bool,
}

/// How the encoding of a page was chosen (see the module docs for the order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeHow {
    /// A byte-order mark at the start of the input.
    Bom,
    /// The encoding the caller asked for.
    Forced,
    /// The input was valid UTF-8.
    Utf8,
    /// Guessed by the `chardetng` detector.
    Detected,
}

impl DecodeHow {
    /// A short, stable name for reports: `"bom"`, `"forced"`, `"utf-8"` or
    /// `"detected"`.
    pub fn as_str(self) -> &'static str {
        match self {
            DecodeHow::Bom => "bom",
            DecodeHow::Forced => "forced",
            DecodeHow::Utf8 => "utf-8",
            DecodeHow::Detected => "detected",
        }
    }
}

/// Why a page could not be decoded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// The input has a NUL byte, so it is almost certainly not text.
    #[error("binary file (NUL byte at offset {offset})")]
    Binary {
        /// Offset of the first NUL byte.
        offset: usize,
    },
}

/// Look up an encoding by WHATWG label ("latin1", "windows-1252",
/// "shift_jis", "euc-kr", "utf-16le", ...). Case and surrounding whitespace
/// are ignored. Returns `None` if the label is unknown.
///
/// Labels that the Encoding Standard maps to the "replacement" encoding
/// (such as "iso-2022-kr") also give `None`: that encoding decodes every
/// input to a single U+FFFD, which is never what a user forcing it wants.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label_no_replacement(label.as_bytes())
}

/// Decode one page, choosing the encoding as described in the module docs.
///
/// `forced` overrides detection but not a BOM. Empty input (with nothing
/// forced) decodes to an empty UTF-8 string. Never panics.
///
/// # Errors
///
/// [`DecodeError::Binary`] if the input contains a NUL byte and is not
/// UTF-16 (by BOM or by `forced`).
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, DecodeError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(decode_with(encoding, &bytes[bom_len..], DecodeHow::Bom));
    }

    // UTF-16 text is full of NUL bytes, so it must be decoded before the
    // binary check.
    if let Some(encoding) = forced.filter(|e| is_utf16(e)) {
        return Ok(decode_with(encoding, bytes, DecodeHow::Forced));
    }

    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(DecodeError::Binary { offset });
    }

    if let Some(encoding) = forced {
        return Ok(decode_with(encoding, bytes, DecodeHow::Forced));
    }

    match std::str::from_utf8(bytes) {
        // Validation borrows; the only allocation is the final copy.
        Ok(text) => {
            return Ok(Decoded {
                text: text.to_owned(),
                encoding: UTF_8,
                how: DecodeHow::Utf8,
                had_errors: false,
            });
        }
        // `error_len() == None` means the input ended mid-sequence. Insist on
        // earlier non-ASCII so that e.g. a Latin-1 "Café" (ending in 0xE9, a
        // UTF-8 lead byte) still goes to the detector.
        Err(e) if e.error_len().is_none() && !bytes[..e.valid_up_to()].is_ascii() => {
            return Ok(decode_with(UTF_8, bytes, DecodeHow::Utf8));
        }
        Err(_) => {}
    }

    // ISO-2022-JP is pure 7-bit, so it never reaches this point; UTF-8 has
    // already been ruled out. Denying both keeps the guess honest.
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(&detection_sample(bytes), true);
    let encoding = detector.guess(None, Utf8Detection::Deny);
    Ok(decode_with(encoding, bytes, DecodeHow::Detected))
}

/// Decode `bytes` (BOM already removed) with `encoding`.
/// How much of a legacy-encoded page the detector reads: enough for a
/// confident guess (the detector is the slowest step per byte of husk).
const DETECTION_SAMPLE: usize = 8 << 10;

/// What the detector reads: the words of the page that hold non-ASCII
/// bytes (ASCII alone tells nothing, and reading it cost most of the
/// detector's time), a line of them per page line, up to about
/// [`DETECTION_SAMPLE`] bytes, never ending inside a multi-byte character.
fn detection_sample(bytes: &[u8]) -> Vec<u8> {
    // Found word by word from each non-ASCII byte, not by splitting every
    // line: most of a legacy page is ASCII, and a byte at a time cost as
    // much as the detector.
    let mut out = Vec::with_capacity(DETECTION_SAMPLE + 256);
    let ends_word = |b: &u8| matches!(b, b' ' | b'\t' | b'\n');
    // Where the last word taken ends; none taken yet when `None`.
    let mut last_end = None;
    let mut at = 0;
    while let Some(k) = first_non_ascii(&bytes[at..]) {
        let p = at + k;
        let start = bytes[..p].iter().rposition(ends_word).map_or(0, |i| i + 1);
        let end = bytes[p..]
            .iter()
            .position(ends_word)
            .map_or(bytes.len(), |i| p + i);
        if let Some(e) = last_end
            && memchr::memchr(b'\n', &bytes[e..start]).is_some()
        {
            // The words of one line are joined by spaces, and the line ends.
            out.pop();
            out.push(b'\n');
        }
        let word = &bytes[start..end];
        let room = DETECTION_SAMPLE.saturating_sub(out.len());
        if word.len() >= room {
            // Cut before a byte below 0x40 (digits, punctuation), which no
            // legacy encoding uses inside a character (Shift_JIS, Big5 and
            // GBK trail bytes start at 0x40); a word without one goes in whole.
            let cut = word[..room]
                .iter()
                .rposition(|&b| b < 0x40)
                .unwrap_or(word.len());
            out.extend_from_slice(&word[..cut]);
            return out;
        }
        out.extend_from_slice(word);
        out.push(b' ');
        last_end = Some(end);
        at = end;
    }
    if last_end.is_some() {
        out.pop();
        out.push(b'\n');
    }
    out
}

/// The position of the first byte of `b` that is not ASCII.
fn first_non_ascii(b: &[u8]) -> Option<usize> {
    let mut at = 0;
    for chunk in b.chunks(64) {
        if !chunk.is_ascii() {
            return chunk.iter().position(|&c| c >= 0x80).map(|k| at + k);
        }
        at += chunk.len();
    }
    None
}

/// [`decode`] taking the bytes by value: a UTF-8 page, the usual case,
/// becomes the text without a copy.
pub fn decode_owned(
    bytes: Vec<u8>,
    forced: Option<&'static Encoding>,
) -> Result<Decoded, DecodeError> {
    if forced.is_some()
        || Encoding::for_bom(&bytes).is_some()
        || memchr::memchr(0, &bytes).is_some()
    {
        return decode(&bytes, forced);
    }
    // simdutf8 validates a valid page several times faster than the
    // standard library; on an error, `decode` takes the slow road anyway.
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        return decode(&bytes, forced);
    }
    // SAFETY: simdutf8 has just validated `bytes` as UTF-8.
    let text = unsafe { String::from_utf8_unchecked(bytes) };
    Ok(Decoded {
        text,
        encoding: UTF_8,
        how: DecodeHow::Utf8,
        had_errors: false,
    })
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8], how: DecodeHow) -> Decoded {
    // "Without BOM handling" because the BOM question is settled by the
    // caller: a forced encoding must not be silently swapped for another.
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding,
        how,
        had_errors,
    }
}

fn is_utf16(encoding: &'static Encoding) -> bool {
    encoding == UTF_16LE || encoding == UTF_16BE
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{EUC_KR, SHIFT_JIS, WINDOWS_1250, WINDOWS_1251, WINDOWS_1252};

    const JAPANESE: &str = "東京都は二十日、来年度から都内の公立小学校で新しい防災教育の授業を始めると発表した。\
        地震や台風などの災害が起きたときに、子どもたちが自分で考えて安全な場所へ避難できるようにすることが目的だという。\
        授業では地域の消防署の職員が講師を務め、実際の避難経路を歩きながら危険な場所を確認する。\
        保護者からは「家庭でも話し合うきっかけになる」と期待する声が上がっている。\
        担当者は「地域全体で子どもを守る仕組みを作りたい」と話している。";

    const KOREAN: &str = "서울시는 이번 주말부터 한강 공원 일대에서 대규모 환경 정화 활동을 시작한다고 밝혔다. \
        시민 자원봉사자와 공무원 등 약 삼천 명이 참여할 예정이며, 강변에 버려진 플라스틱과 쓰레기를 수거하는 작업이 진행된다. \
        시 관계자는 최근 몇 년 동안 공원을 찾는 방문객이 크게 늘어나면서 쓰레기 문제가 심각해졌다고 설명했다. \
        또한 참가자들에게는 재활용 방법에 대한 교육도 함께 제공될 것이라고 덧붙였다. \
        시민들은 깨끗한 공원을 만들기 위해 적극적으로 참여하겠다는 뜻을 전했다.";

    const ENGLISH_1252: &str = "Café owners in the old quarter say the new parking rules – announced on Monday \
        without any consultation – will “drive customers away”, and several of them plan to protest \
        outside the town hall next week, according to the traders’ association.";

    const CZECH: &str = "Městská rada ve čtvrtek schválila rozpočet na příští rok. Největší část \
        peněz půjde na opravy škol a silnic, řekl starosta. Opozice kritizuje, že město \
        neušetřilo na úřednících, a žádá veřejné slyšení o plánovaných investicích.";

    const RUSSIAN: &str = "Городской совет в четверг утвердил бюджет на следующий год. Большая часть \
        денег пойдёт на ремонт школ и дорог, сообщил мэр. Оппозиция считает, что город \
        не сэкономил на чиновниках, и требует публичных слушаний.";

    /// Encode with a legacy encoding, asserting that nothing was lost so the
    /// round-trip tests compare like with like.
    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, used, unmappable) = encoding.encode(text);
        assert_eq!(used, encoding, "encode fell back to another encoding");
        assert!(!unmappable, "text not representable in {}", encoding.name());
        bytes.into_owned()
    }

    /// `encoding_rs` only encodes to ASCII-compatible encodings, so UTF-16
    /// is built by hand.
    fn utf16_with_bom(text: &str, big_endian: bool) -> Vec<u8> {
        std::iter::once(0xFEFF)
            .chain(text.encode_utf16())
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    /// The detector's sample as first written, line by line and word by
    /// word: [`detection_sample`] must give the same bytes.
    fn detection_sample_by_lines(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(DETECTION_SAMPLE + 256);
        for line in bytes.split(|&b| b == b'\n') {
            if line.is_ascii() {
                continue;
            }
            for word in line.split(|&b| b == b' ' || b == b'\t') {
                if word.is_ascii() {
                    continue;
                }
                let room = DETECTION_SAMPLE.saturating_sub(out.len());
                if word.len() < room {
                    out.extend_from_slice(word);
                    out.push(b' ');
                    continue;
                }
                let cut = word[..room]
                    .iter()
                    .rposition(|&b| b < 0x40)
                    .unwrap_or(word.len());
                out.extend_from_slice(&word[..cut]);
                return out;
            }
            out.pop();
            out.push(b'\n');
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn the_sample_is_the_one_taken_line_by_line(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(b' '),
                    proptest::strategy::Just(b'\t'),
                    proptest::strategy::Just(b'\n'),
                    proptest::strategy::Just(b'\r'),
                    proptest::strategy::Just(b'1'),
                    proptest::strategy::Just(b'a'),
                    proptest::strategy::Just(0xe9u8),
                    0x80u8..=0xff,
                ],
                0..300,
            ),
        ) {
            proptest::prop_assert_eq!(detection_sample(&bytes), detection_sample_by_lines(&bytes));
        }
    }

    #[test]
    fn a_long_sample_is_cut_as_when_taken_line_by_line() {
        let line = format!("plain words {} more\n", "é".repeat(50)).into_bytes();
        let mut page: Vec<u8> = line.iter().copied().cycle().take(100_000).collect();
        for at in [0, 7, 5000, 99_999] {
            page[at] = b'\t';
            assert_eq!(detection_sample(&page), detection_sample_by_lines(&page));
        }
        let big = WINDOWS_1252
            .encode(&ENGLISH_1252.repeat(200))
            .0
            .into_owned();
        assert_eq!(detection_sample(&big), detection_sample_by_lines(&big));
    }

    #[test]
    fn plain_utf8() {
        let d = decode("naïve café – ok\r\n".as_bytes(), None).unwrap();
        assert_eq!(d.text, "naïve café – ok\r\n", "line ends are kept");
        assert_eq!(
            (d.encoding, d.how, d.had_errors),
            (UTF_8, DecodeHow::Utf8, false)
        );
    }

    #[test]
    fn empty_input() {
        let d = decode(b"", None).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.how),
            ("", UTF_8, DecodeHow::Utf8)
        );
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBFhello", None).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.how),
            ("hello", UTF_8, DecodeHow::Bom)
        );
    }

    #[test]
    fn utf16_with_bom_both_endians() {
        let text = "Grüße, 世界! A\u{0}B";
        for (big_endian, encoding) in [(false, UTF_16LE), (true, UTF_16BE)] {
            // The embedded NUL must not trip the binary check for BOM'd UTF-16.
            let d = decode(&utf16_with_bom(text, big_endian), None).unwrap();
            assert_eq!(d.text, text);
            assert_eq!(
                (d.encoding, d.how, d.had_errors),
                (encoding, DecodeHow::Bom, false)
            );
        }
    }

    #[test]
    fn bom_beats_forced() {
        let d = decode(b"\xEF\xBB\xBFcaf\xC3\xA9", Some(WINDOWS_1252)).unwrap();
        assert_eq!((d.text.as_str(), d.how), ("café", DecodeHow::Bom));
    }

    #[test]
    fn forced_utf16_without_bom() {
        let bytes = &utf16_with_bom("hi", false)[2..];
        let d = decode(bytes, Some(UTF_16LE)).unwrap();
        assert_eq!((d.text.as_str(), d.how), ("hi", DecodeHow::Forced));
    }

    #[test]
    fn windows_1252_detected() {
        let d = decode(&encode(WINDOWS_1252, ENGLISH_1252), None).unwrap();
        assert_eq!(d.text, ENGLISH_1252);
        assert_eq!(
            (d.encoding, d.how, d.had_errors),
            (WINDOWS_1252, DecodeHow::Detected, false)
        );
    }

    #[test]
    fn shift_jis_detected() {
        assert!(JAPANESE.chars().count() >= 200);
        let d = decode(&encode(SHIFT_JIS, JAPANESE), None).unwrap();
        assert_eq!((d.encoding, d.how), (SHIFT_JIS, DecodeHow::Detected));
        assert_eq!(d.text, JAPANESE);
    }

    #[test]
    fn central_european_and_cyrillic_detected() {
        // The detector reads only the words with non-ASCII bytes: these
        // must still tell the encodings that share ASCII apart.
        for (encoding, text) in [(WINDOWS_1250, CZECH), (WINDOWS_1251, RUSSIAN)] {
            let d = decode(&encode(encoding, text), None).unwrap();
            assert_eq!((d.encoding, d.how), (encoding, DecodeHow::Detected));
            assert_eq!(d.text, text);
        }
    }

    #[test]
    fn euc_kr_detected() {
        assert!(KOREAN.chars().count() >= 200);
        let d = decode(&encode(EUC_KR, KOREAN), None).unwrap();
        assert_eq!((d.encoding, d.how), (EUC_KR, DecodeHow::Detected));
        assert_eq!(d.text, KOREAN);
    }

    #[test]
    fn forced_label_overrides_detection() {
        // Shift_JIS bytes forced as windows-1252: the caller's choice wins
        // even though it garbles the text.
        let bytes = encode(SHIFT_JIS, JAPANESE);
        let forced = encoding_for_label("latin1").unwrap();
        let d = decode(&bytes, Some(forced)).unwrap();
        assert_eq!((d.encoding, d.how), (WINDOWS_1252, DecodeHow::Forced));
        assert_ne!(d.text, JAPANESE);

        // Forcing also overrides the UTF-8 check.
        let d = decode("café".as_bytes(), Some(WINDOWS_1252)).unwrap();
        assert_eq!((d.text.as_str(), d.how), ("cafÃ©", DecodeHow::Forced));
    }

    #[test]
    fn nul_byte_is_binary() {
        assert_eq!(
            decode(b"GIF89a\x01\x00\x00", None),
            Err(DecodeError::Binary { offset: 7 })
        );
        assert_eq!(
            decode(b"\x00", None),
            Err(DecodeError::Binary { offset: 0 })
        );
        // Forcing a non-UTF-16 encoding does not bypass the check.
        assert_eq!(
            decode(b"abc\x00", Some(WINDOWS_1252)),
            Err(DecodeError::Binary { offset: 3 })
        );
        assert_eq!(
            DecodeError::Binary { offset: 7 }.to_string(),
            "binary file (NUL byte at offset 7)"
        );
    }

    #[test]
    fn invalid_utf8_in_ascii_does_not_panic() {
        let d = decode(
            b"Breaking news: \xC3\x28 and \xFF\xFE\xFD stray bytes.",
            None,
        )
        .unwrap();
        assert_eq!(d.how, DecodeHow::Detected);
        assert!(d.text.starts_with("Breaking news: ") && d.text.ends_with(" stray bytes."));
    }

    #[test]
    fn truncated_utf8_tail_stays_utf8() {
        let mut bytes = "Grüße aus Köln ".as_bytes().to_vec();
        bytes.extend_from_slice(&"€".as_bytes()[..2]); // cut mid-character
        let d = decode(&bytes, None).unwrap();
        assert_eq!(
            (d.encoding, d.how, d.had_errors),
            (UTF_8, DecodeHow::Utf8, true)
        );
        assert_eq!(d.text, "Grüße aus Köln \u{FFFD}");

        // Without earlier UTF-8 evidence, a trailing lead byte is just Latin-1.
        let d = decode(b"Caf\xE9", None).unwrap();
        assert_eq!(d.how, DecodeHow::Detected);
        assert_ne!(d.encoding, UTF_8);
    }

    #[test]
    fn labels() {
        assert_eq!(encoding_for_label("latin1"), Some(WINDOWS_1252));
        assert_eq!(encoding_for_label("Windows-1252"), Some(WINDOWS_1252));
        assert_eq!(encoding_for_label(" shift_jis "), Some(SHIFT_JIS));
        assert_eq!(encoding_for_label("euc-kr"), Some(EUC_KR));
        assert_eq!(encoding_for_label("utf-16le"), Some(UTF_16LE));
        assert_eq!(encoding_for_label("utf8"), Some(UTF_8));
        assert_eq!(encoding_for_label("nope"), None);
        assert_eq!(encoding_for_label("iso-2022-kr"), None);
    }

    #[test]
    fn how_names() {
        let names = [
            DecodeHow::Bom,
            DecodeHow::Forced,
            DecodeHow::Utf8,
            DecodeHow::Detected,
        ]
        .map(DecodeHow::as_str);
        assert_eq!(names, ["bom", "forced", "utf-8", "detected"]);
    }

    /// Property: decoding never panics, and its result is consistent with
    /// the input. Inputs come from a fixed LCG so failures are reproducible.
    #[test]
    fn never_panics_on_pseudo_random_bytes() {
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            // Knuth's MMIX constants; the high bits are the well-mixed ones.
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as u32
        };
        // Half the inputs are unforced and most are BOM-less, so the binary,
        // UTF-8 and detection paths all get exercised, not just BOM and forced.
        let forced = [
            None,
            None,
            Some(WINDOWS_1252),
            Some(SHIFT_JIS),
            Some(UTF_16BE),
            Some(UTF_8),
        ];
        let prefixes: [&[u8]; 3] = [b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF"];

        for case in 0..600 {
            let mut bytes = Vec::new();
            if next() % 8 == 0 {
                bytes.extend_from_slice(prefixes[next() as usize % prefixes.len()]);
            }
            for _ in 0..next() % 300 {
                match case % 3 {
                    // Arbitrary bytes, with NUL allowed.
                    0 => bytes.push(next() as u8),
                    // Printable ASCII with occasional stray high bytes.
                    1 if next() % 16 == 0 => bytes.push(0x80 | next() as u8),
                    1 => bytes.push(b' ' + (next() % 95) as u8),
                    // Valid UTF-8 from random scalar values, cut off at a random end below.
                    _ => {
                        let c = char::from_u32(1 + next() % 0x3000).unwrap_or('?');
                        bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                    }
                }
            }
            if case % 3 == 2 && !bytes.is_empty() {
                bytes.truncate(bytes.len() - next() as usize % 2);
            }
            let forced = forced[next() as usize % forced.len()];

            match decode(&bytes, forced) {
                Ok(d) => {
                    if d.how == DecodeHow::Utf8 && !d.had_errors {
                        assert_eq!(d.text.as_bytes(), &bytes[..]);
                    }
                    // Without a BOM, a forced encoding is always the one used.
                    if let Some(f) = forced.filter(|_| d.how != DecodeHow::Bom) {
                        assert_eq!((d.encoding, d.how), (f, DecodeHow::Forced));
                    }
                }
                Err(DecodeError::Binary { offset }) => {
                    assert_eq!(bytes.iter().position(|&b| b == 0), Some(offset));
                }
            }
        }
    }
}
