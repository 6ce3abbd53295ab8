//! The same page in different encodings and line endings cleans to the same
//! articles.

use encoding_rs::{EUC_KR, Encoding, SHIFT_JIS, WINDOWS_1252};

use super::common::{assert_no_output, clean_into, husk, write};

/// A short Latin page: accented letters, curly quotes, a title suffix and
/// two chrome lines ("Advertisement", "Continue Reading").
const LATIN_PAGE: &str = "\
Café owners rally against “new” parking rules | Valley Post
Advertisement
Owners of the Café Müller in the old quarter said on Monday that the new parking rules would “drive customers away” from the narrow streets.
The mayor’s office said the plan had been drafted after a long consultation with residents, traders and the über-cautious fire brigade.
“We were never asked,” said Renée Dubois, who has run the bakery next door for twenty years.

Continue Reading
";

const LATIN_ARTICLE: &str = "\
Café owners rally against “new” parking rules

Owners of the Café Müller in the old quarter said on Monday that the new parking rules would “drive customers away” from the narrow streets.

The mayor’s office said the plan had been drafted after a long consultation with residents, traders and the über-cautious fire brigade.

“We were never asked,” said Renée Dubois, who has run the bakery next door for twenty years.
";

const JAPANESE_PAGE: &str = "\
大阪市、市営バスの深夜便を来春から拡充へ
Advertisement
大阪市交通局は十五日、市営バスの深夜便を来年の春から大幅に増やす計画を発表した。
現在は一部の路線でしか運行していない午後十一時以降の便を、主要な十二路線すべてに広げる。
夜遅くまで働く人や観光客からの要望が多かったことが背景にあるという。
市の担当者は「安心して帰宅できる交通手段を確保したい」と説明している。
一方で、運転手の確保が課題となっており、交通局は新たな採用活動を始める方針だ。
利用者の反応を見ながら、さらに路線を増やすかどうかを検討するとしている。
";

const KOREAN_PAGE: &str = "\
부산시, 내년부터 공공자전거 대여소 두 배로 늘린다
Advertisement
부산시는 내년부터 도심과 해안가를 중심으로 공공자전거 대여소를 현재의 두 배 수준으로 늘리겠다고 16일 밝혔다.
시는 출퇴근 시간대 교통 혼잡을 줄이고 시민들의 건강을 돕기 위해 이번 계획을 마련했다고 설명했다.
새로 설치되는 대여소는 지하철역과 버스 정류장 근처에 집중적으로 배치될 예정이다.
시 관계자는 \"자전거를 타는 시민이 해마다 늘고 있어 이용 환경을 개선할 필요가 있었다\"고 말했다.
또한 자전거 전용 도로도 함께 정비해 안전 문제를 줄여 나갈 계획이라고 덧붙였다.
";

/// Encodes `text` with a legacy encoding, insisting nothing was lost.
fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let (bytes, used, unmappable) = encoding.encode(text);
    assert_eq!(used, encoding);
    assert!(
        !unmappable,
        "test text not representable in {}",
        encoding.name()
    );
    bytes.into_owned()
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    std::iter::once(0xFEFF_u16)
        .chain(text.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect()
}

fn utf8_with_bom(text: &str) -> Vec<u8> {
    [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat()
}

fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

/// Cleans every `(stem, bytes)` page in one run; returns each page's single
/// article, asserting each page gave exactly one.
fn clean_all(pages: &[(&str, Vec<u8>)], extra_args: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    for (stem, bytes) in pages {
        write(&input.join(format!("{stem}.txt")), bytes);
    }
    let files = clean_into(&input, &out, extra_args);
    pages
        .iter()
        .map(|(stem, _)| {
            let names: Vec<_> = files
                .keys()
                .filter(|n| n.starts_with(&format!("{stem}.")))
                .collect();
            assert_eq!(
                names,
                [&format!("{stem}.1.txt")],
                "page {stem}: one article expected"
            );
            String::from_utf8(files[names[0]].clone()).expect("articles are written as UTF-8")
        })
        .collect()
}

#[test]
fn latin_page_cleans_the_same_in_every_encoding_and_line_ending() {
    let pages = [
        ("utf8", LATIN_PAGE.as_bytes().to_vec()),
        ("windows1252", encode(WINDOWS_1252, LATIN_PAGE)),
        ("utf16le-bom", utf16le_with_bom(LATIN_PAGE)),
        ("utf8-bom", utf8_with_bom(LATIN_PAGE)),
        ("crlf", crlf(LATIN_PAGE).into_bytes()),
        ("windows1252-crlf", encode(WINDOWS_1252, &crlf(LATIN_PAGE))),
        ("utf16le-bom-crlf", utf16le_with_bom(&crlf(LATIN_PAGE))),
    ];
    let articles = clean_all(&pages, &[]);
    for ((stem, _), article) in pages.iter().zip(&articles) {
        assert_eq!(article, LATIN_ARTICLE, "page encoded as {stem}");
    }
}

#[test]
fn shift_jis_page_cleans_like_its_utf8_version() {
    let body: usize = JAPANESE_PAGE
        .lines()
        .skip(2)
        .map(|l| l.chars().count())
        .sum();
    assert!(body >= 200, "body has only {body} characters");
    let articles = clean_all(
        &[
            ("utf8", JAPANESE_PAGE.as_bytes().to_vec()),
            ("sjis", encode(SHIFT_JIS, JAPANESE_PAGE)),
        ],
        &[],
    );
    assert!(
        articles[0].starts_with("大阪市、市営バスの深夜便を来春から拡充へ\n\n大阪市交通局は"),
        "{}",
        articles[0]
    );
    assert!(!articles[0].contains("Advertisement"), "{}", articles[0]);
    assert_eq!(articles[1], articles[0], "Shift_JIS page");
}

#[test]
fn euc_kr_page_cleans_like_its_utf8_version() {
    let body: usize = KOREAN_PAGE.lines().skip(2).map(|l| l.chars().count()).sum();
    assert!(body >= 200, "body has only {body} characters");
    let articles = clean_all(
        &[
            ("utf8", KOREAN_PAGE.as_bytes().to_vec()),
            ("euckr", encode(EUC_KR, KOREAN_PAGE)),
        ],
        &[],
    );
    assert!(
        articles[0].starts_with("부산시, 내년부터 공공자전거 대여소 두 배로 늘린다\n\n부산시는"),
        "{}",
        articles[0]
    );
    assert!(!articles[0].contains("Advertisement"), "{}", articles[0]);
    assert_eq!(articles[1], articles[0], "EUC-KR page");
}

#[test]
fn forced_windows_1252_decodes_a_short_page_detection_could_misread() {
    // A few Latin-1 bytes are too little evidence for a detector ("Fête"
    // can pass for Central European); forcing the encoding settles it.
    let page = encode(WINDOWS_1252, "Fête de la musique\n");
    let articles = clean_all(&[("short", page)], &["--encoding", "windows-1252"]);
    assert_eq!(articles[0], "Fête de la musique\n");
}

#[test]
fn unknown_encoding_label_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("p.txt");
    write(&page, LATIN_PAGE);
    husk()
        .args(["clean", "--encoding", "klingon-8"])
        .arg(&page)
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("klingon-8"));
    assert_no_output(&dir.path().join("out"));
}
