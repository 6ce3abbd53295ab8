//! Benchmark corpus generator: writes N scraped-looking pages in nested
//! site/date folders, deterministic from a seed.
//!
//! `gen_corpus --out DIR --pages N --prose DIR [--seed S]`
//!
//! Prose comes from the text files of the `--prose` folder (lines of eight
//! words or more). Page sizes follow a log-normal law (median about 8 KB,
//! a long tail to a few hundred KB) and one page is tens of MB. Pages carry
//! chrome of the kinds the default rules know (ad labels, captions, comment
//! forms, related blocks, widgets) and navigation the heuristics must find;
//! about 5 % are infinite-scroll pages of several articles. A few per cent
//! are windows-1252 or UTF-16 or CRLF; a few are empty or binary.

use std::fs;
use std::path::{Path, PathBuf};

/// splitmix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A standard normal deviate (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        &items[self.below(items.len())]
    }
}

const MENU: &[&str] = &[
    "Home",
    "News",
    "World",
    "Politics",
    "Business",
    "Tech",
    "Science",
    "Sport",
    "Culture",
    "Opinion",
    "Video",
    "Subscribe",
    "Log in",
    "Search",
];
const CHROME: &[&str] = &[
    "Advertisement",
    "ADVERTISEMENT",
    "Continue Reading",
    "Share this:",
    "Facebook",
    "Twitter",
    "Email",
    "Print",
];
const FOOTER: &[&str] = &[
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Comment *",
    "Name *",
    "Email *",
    "Post Comment",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn prose_lines(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = walk(dir);
    files.sort();
    let mut lines = Vec::new();
    for f in files {
        let Ok(text) = fs::read_to_string(&f) else {
            continue;
        };
        lines.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| l.split_whitespace().count() >= 8)
                .map(str::to_string),
        );
    }
    lines
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn headline(rng: &mut Rng, prose: &[String]) -> String {
    let words: Vec<&str> = rng.pick(prose).split_whitespace().collect();
    let n = 5 + rng.below(8).min(words.len().saturating_sub(5));
    words[..n.min(words.len())]
        .join(" ")
        .trim_end_matches(['.', ',', ';', ':'])
        .to_string()
}

fn article(rng: &mut Rng, prose: &[String], target: usize, out: &mut String) {
    let title = headline(rng, prose);
    out.push_str(&format!("{title} | The Daily Example\n\n"));
    out.push_str(&format!(
        "{}, {} {}, 20{:02}\n\n",
        ["Monday", "Tuesday", "Friday"][rng.below(3)],
        MONTHS[rng.below(12)],
        1 + rng.below(28),
        10 + rng.below(15)
    ));
    let start = out.len();
    while out.len() - start < target {
        out.push_str(rng.pick(prose));
        out.push_str("\n\n");
        match rng.below(12) {
            0 => out.push_str(&format!("{}\n\n", CHROME[rng.below(CHROME.len())])),
            1 => out.push_str(&format!(
                "{} © Photo Desk/AFP via Getty Images\n\n",
                headline(rng, prose)
            )),
            _ => {}
        }
    }
}

fn page(rng: &mut Rng, prose: &[String], target: usize) -> String {
    let mut out = String::with_capacity(target + 2048);
    for _ in 0..6 + rng.below(20) {
        out.push_str(MENU[rng.below(MENU.len())]);
        out.push_str("\n\n");
    }
    if rng.below(20) == 0 {
        for k in 0..2 + rng.below(3) {
            if k > 0 {
                out.push_str("Continue Reading\n\nNews\n\n");
                let t = headline(rng, prose);
                out.push_str(&format!("{t}\n\nPublished\n\non\n\n{t}\n\n"));
            }
            article(rng, prose, target / 3, &mut out);
        }
    } else {
        article(rng, prose, target, &mut out);
    }
    out.push_str("Related Articles\n\n");
    for _ in 0..3 {
        out.push_str(&format!("{}\n\n", headline(rng, prose)));
    }
    for l in FOOTER {
        out.push_str(l);
        out.push_str("\n\n");
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let get = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let (Some(out), Some(pages), Some(prose)) = (get("--out"), get("--pages"), get("--prose"))
    else {
        eprintln!("usage: gen_corpus --out DIR --pages N --prose DIR [--seed S]");
        std::process::exit(2);
    };
    let pages: usize = pages.parse().expect("--pages N");
    let seed: u64 = get("--seed").map_or(42, |s| s.parse().expect("--seed S"));
    let prose = prose_lines(Path::new(&prose));
    assert!(
        !prose.is_empty(),
        "no prose lines found in the --prose folder"
    );
    let mut rng = Rng(seed);
    let mut bytes = 0usize;
    for n in 0..pages {
        let dir = Path::new(&out).join(format!(
            "site{:02}/2025-{:02}/{:02}",
            n % 20,
            1 + (n / 20) % 12,
            1 + (n / 240) % 28
        ));
        fs::create_dir_all(&dir).expect("create folder");
        let path = dir.join(format!("page{n:06}.txt"));
        let target = if n == pages / 2 {
            30 << 20
        } else {
            ((8000f64.ln() + 0.8 * rng.normal()).exp() as usize).clamp(600, 400_000)
        };
        let text = page(&mut rng, &prose, target);
        let data: Vec<u8> = match rng.below(1000) {
            0 => Vec::new(),
            1 => vec![0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0, 1, 2, 3],
            2..=31 => encoding_rs::WINDOWS_1252.encode(&text).0.into_owned(),
            32..=41 => {
                let mut v = vec![0xFF, 0xFE];
                v.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                v
            }
            42..=51 => text.replace('\n', "\r\n").into_bytes(),
            _ => text.into_bytes(),
        };
        bytes += data.len();
        fs::write(&path, data).expect("write page");
    }
    eprintln!(
        "gen_corpus: {pages} pages, {:.1} MB in {out}",
        bytes as f64 / 1e6
    );
}
