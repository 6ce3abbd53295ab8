//! Properties of `husk::clean::clean` with the default pack on pages made of
//! chrome lines and random prose: no panics, nothing invented, idempotent.

use std::collections::HashSet;
use std::sync::OnceLock;

use husk::clean::clean;
use husk::rules::RuleSet;
use proptest::prelude::*;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(RuleSet::default_pack)
}

/// Lines the default pack has opinions about.
const CHROME: &[&str] = &[
    "Advertisement",
    "  ADVERTISEMENT  ",
    "Continue Reading",
    "News",
    "Sport",
    "Published",
    "on",
    "Share",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Name *",
    "Post Comment",
    "Related Articles",
    "Trending",
    "Check Also",
    "Got a Tip?",
    "Try Our AI Features",
    "hide caption",
    "toggle caption",
    "Sam Ito/NPR",
    "AP",
    "\u{a0}—",
    "Thursday, November 21, 2024",
    "12-03-2025",
    "- Sports",
    "- Valley Post",
    "Valley Post",
    "12.5 C",
    "Comments",
    "No comments yet...",
    "About Admin",
    "Connect with us",
    "Latest news with #Budget",
    "The bridge at dawn © Jo Marsh/AFP",
    "Dock workers at the port. Ana Ruiz/AFP via Getty Images",
    "Ministers arrive in Oslo [Kari Lund/Reuters]",
    "Harbour team wins the cup | Valley Post",
    "Harbour team wins the cup",
    "",
    "   ",
];

const WORDS: &[&str] = &[
    "the",
    "council",
    "voted",
    "on",
    "Monday",
    "to",
    "close",
    "old",
    "mill",
    "river",
    "harbour",
    "ferry",
    "said",
    "mayor",
    "budget",
    "a",
    "of",
    "and",
    "Advertisement",
    "Published",
    "Share",
    "Comments",
    "“quoted”",
    "—",
    "café",
    "über",
    "|",
    "Related",
    "news",
    "•",
];

/// A line of random words, sometimes a sentence, sometimes padded.
fn word_line() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(WORDS), 1..24),
        any::<bool>(),
        prop::sample::select(&["", " ", "\t", "  "][..]),
    )
        .prop_map(|(words, sentence, pad)| {
            let mut line = words.join(" ");
            if sentence {
                line.push('.');
            }
            format!("{pad}{line}{pad}")
        })
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(CHROME).prop_map(str::to_string),
        4 => word_line(),
        1 => "[^\r\n]{0,30}",
    ]
}

/// A page: lines joined with LF, CRLF or CR.
fn page() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(line(), 0..40),
        prop::sample::select(&["\n", "\r\n", "\r"][..]),
        any::<bool>(),
    )
        .prop_map(|(lines, eol, final_eol)| {
            let mut page = lines.join(eol);
            if final_eol {
                page.push_str(eol);
            }
            page
        })
}

/// A page for the idempotence property. Cleaning is not idempotent on some
/// pages for reasons that lie in husk's design rather than in chance, and
/// `tests/known_issues.rs` holds one ignored test for each; this generator
/// leaves those pages out, explicitly:
///
/// - a line that repeats or begins another non-blank line (the mirror rules
///   count dropped chrome in their window, so removing chrome brings copies
///   closer and a second pass drops more);
/// - a line holding " | " (the title rewrite strips one suffix per pass, and
///   the shortened title can itself be chrome or stop being prose);
/// - the weather-widget temperature line (its block can swallow a prose line
///   on the first pass, which changes the zones of the second).
fn idempotence_page() -> impl Strategy<Value = String> {
    page().prop_map(|page| {
        let eol = if page.contains("\r\n") {
            "\r\n"
        } else if page.contains('\r') {
            "\r"
        } else {
            "\n"
        };
        let mut kept: Vec<&str> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for line in page.split(eol) {
            if line.trim().is_empty() {
                kept.push(line);
                continue;
            }
            let key = mirror_key(line);
            let mirrored = seen
                .iter()
                .any(|s| s.starts_with(key) || key.starts_with(s));
            // A title that is chrome once its " | suffix" goes ("Advertisement
            // | Site") is only seen as chrome on a second pass.
            if !mirrored && !line.contains(" | ") {
                seen.push(key);
                kept.push(line);
            }
        }
        kept.join(eol)
    })
}

/// A line as the mirror rules compare it (husk's `normalize`).
fn mirror_key(line: &str) -> &str {
    line.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '•' | '|' | '·'))
}

/// The trimmed text of every line, split the way husk splits lines.
fn input_lines(page: &str) -> HashSet<&str> {
    page.split("\r\n")
        .flat_map(|l| l.split(['\r', '\n']))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// `title` is some input line, or one with a trailing " | suffix" removed.
fn is_input_title(title: &str, lines: &HashSet<&str>) -> bool {
    lines.contains(title)
        || lines.iter().any(|l| {
            l.strip_prefix(title).is_some_and(|rest| {
                rest.starts_with(char::is_whitespace) && rest.trim_start().starts_with(['|', '｜'])
            })
        })
}

/// 64 cases by default; `PROPTEST_CASES=N` runs more. Failures are not
/// persisted to files.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(64),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn articles_hold_only_input_lines(page in page()) {
        let cleaned = clean(&page, rules());
        let lines = input_lines(&page);
        prop_assert_eq!(cleaned.records.len(), cleaned.lines.len());
        for article in &cleaned.articles {
            prop_assert!(!article.title.is_empty());
            prop_assert!(
                is_input_title(&article.title, &lines),
                "title {:?} is not an input line", article.title
            );
            for p in &article.paragraphs {
                prop_assert!(!p.is_empty());
                prop_assert!(lines.contains(&&**p), "paragraph {:?} is not an input line", p);
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics_and_invents_nothing(page in "(?s).{0,400}") {
        let cleaned = clean(&page, rules());
        let lines = input_lines(&page);
        for article in &cleaned.articles {
            prop_assert!(is_input_title(&article.title, &lines));
            for p in &article.paragraphs {
                prop_assert!(lines.contains(&&**p));
            }
        }
    }

    #[test]
    fn a_page_cleans_the_same_after_others_on_the_same_thread(
        pages in proptest::collection::vec(page(), 2..5),
    ) {
        // Each thread keeps the buffers of the pages it cleaned for the
        // next (the records and lines given back as the batch does): a
        // page cleaned after others, on this thread, must come out as it
        // does first thing on a fresh one.
        for page in &pages {
            let here = clean(page, rules());
            let (records, lines, articles) =
                (here.records.clone(), here.lines.clone(), here.articles.clone());
            here.recycle();
            let fresh = std::thread::scope(|s| {
                s.spawn(|| {
                    let c = clean(page, rules());
                    (c.records.clone(), c.lines.clone(), c.articles.clone())
                })
                .join()
                .unwrap()
            });
            prop_assert_eq!(&records, &fresh.0, "page:\n{}", page);
            prop_assert_eq!(&lines, &fresh.1);
            prop_assert_eq!(&articles, &fresh.2);
        }
    }

    #[test]
    fn cleaning_an_article_again_changes_nothing(page in idempotence_page()) {
        let cleaned = clean(&page, rules());
        for article in &cleaned.articles {
            let rendered = article.render();
            let again = clean(&rendered, rules());
            prop_assert_eq!(
                again.articles.len(), 1,
                "re-cleaning split or lost the article:\n{}", rendered
            );
            let again = &again.articles[0];
            prop_assert_eq!(&again.title, &article.title, "page:\n{}", rendered);
            prop_assert_eq!(&again.paragraphs, &article.paragraphs, "page:\n{}", rendered);
            prop_assert_eq!(again.render(), rendered);
        }
    }
}
