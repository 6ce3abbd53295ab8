//! `husk learn` on a generated crawl of several sites, each with its own
//! recurring chrome: the learned rules catch that chrome, cleaning with
//! them scores better, and no prose line is proposed.

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use husk::rules::{Kind, Source, load};

const WORDS: &[&str] = &[
    "council",
    "river",
    "library",
    "budget",
    "residents",
    "bridge",
    "school",
    "harbour",
    "market",
    "station",
    "mayor",
    "volunteers",
    "festival",
    "repairs",
    "evening",
    "weekend",
    "district",
    "plans",
    "traffic",
    "museum",
];

/// A deterministic prose sentence.
fn sentence(seed: usize) -> String {
    let w = |k: usize| WORDS[(seed * 7 + k * 13) % WORDS.len()];
    format!(
        "The {} and the {} discussed the {} on day {} while the {} waited for news about the {} and the {}.",
        w(1),
        w(2),
        w(3),
        seed % 28 + 1,
        w(4),
        w(5),
        w(6)
    )
}

struct Site {
    name: &'static str,
    /// Chrome lines; `{n}` becomes a number that changes from page to page.
    chrome: [&'static str; 3],
}

const SITES: &[Site] = &[
    Site {
        name: "valley-post",
        chrome: [
            "Updated {n} hours ago",
            "Valley Post staff contributed reporting from the town hall.",
            "VP EXCLUSIVE",
        ],
    },
    Site {
        name: "harbour-herald",
        chrome: [
            "ADVERTISING FEATURE",
            "Reporting by the Harbour Desk; edited by Sam Ito.",
            "Story {n} of the Harbour series",
        ],
    },
    Site {
        name: "ridge-times",
        chrome: [
            "Ridge Times Weekend Edition",
            "Our reporters are on the ground in the valley and will bring you more soon.",
            "Read {n} more stories in Local",
        ],
    },
];

/// Writes the crawl; returns, per page path, its expected article text.
fn crawl(root: &Path) -> HashMap<String, Vec<String>> {
    let mut expected = HashMap::new();
    for (s, site) in SITES.iter().enumerate() {
        for p in 0..24 {
            let n = s * 100 + p;
            let title = format!("Report {n}: news from the {}", WORDS[n % WORDS.len()]);
            let body: Vec<String> = (0..5).map(|k| sentence(n * 5 + k)).collect();
            let chrome = |k: usize| site.chrome[k].replace("{n}", &(n % 17 + 2).to_string());
            let mut lines = vec![
                title.clone(),
                chrome(0),
                body[0].clone(),
                body[1].clone(),
                chrome(2),
            ];
            lines.extend(body[2..].iter().cloned());
            // A quote that a few pages share is prose, not chrome.
            if p % 8 == 0 {
                lines.push(
                    "“We will keep the library open on Saturdays,” the mayor told the meeting."
                        .into(),
                );
            }
            lines.push(chrome(1));
            let path = root.join(site.name).join(format!("page{p:02}.txt"));
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, lines.join("\n\n") + "\n").unwrap();
            let mut want = vec![title];
            want.extend(
                lines
                    .iter()
                    .filter(|l| body.contains(l) || l.starts_with('“'))
                    .cloned(),
            );
            expected.insert(format!("{}/page{p:02}", site.name), want);
        }
    }
    expected
}

fn husk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_husk"))
        .args(args)
        .output()
        .unwrap()
}

/// Token F1 of the cleaned articles against the expected ones, over the crawl.
fn score(out: &Path, expected: &HashMap<String, Vec<String>>) -> f64 {
    let tokens = |s: &str| {
        s.split_whitespace()
            .map(|w| w.to_lowercase())
            .collect::<Vec<_>>()
    };
    let (mut tp, mut got_n, mut want_n) = (0usize, 0usize, 0usize);
    for (stem, want) in expected {
        let got = fs::read_to_string(out.join(format!("{stem}.1.txt"))).unwrap_or_default();
        let mut pool: HashMap<String, usize> = HashMap::new();
        for t in tokens(&want.join("\n")) {
            *pool.entry(t).or_default() += 1;
            want_n += 1;
        }
        for t in tokens(&got) {
            got_n += 1;
            if let Some(c) = pool.get_mut(&t).filter(|c| **c > 0) {
                *c -= 1;
                tp += 1;
            }
        }
    }
    let (p, r) = (tp as f64 / got_n as f64, tp as f64 / want_n as f64);
    2.0 * p * r / (p + r)
}

#[test]
fn learned_rules_catch_each_sites_chrome_and_no_prose() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("crawl");
    let expected = crawl(&root);
    let learned = dir.path().join("learned.toml");
    let out = husk(&[
        "learn",
        root.to_str().unwrap(),
        "-o",
        learned.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let text = fs::read_to_string(&learned).unwrap();
    let set = load(&[Source {
        name: "learned.toml".into(),
        text: text.clone(),
        user: true,
    }])
    .unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert!(
        husk(&["rules", "test", learned.to_str().unwrap()])
            .status
            .success()
    );
    let patterns: Vec<(regex::Regex, String)> = set
        .rules()
        .iter()
        .map(|r| match &r.kind {
            Kind::Line { pattern } => (
                regex::Regex::new(&pattern.src).unwrap(),
                r.scope.clone().unwrap(),
            ),
            other => panic!("learn proposes line rules: {other:?}"),
        })
        .collect();

    // Every chrome line the default pack leaves in a site's articles is
    // caught by a rule scoped to that site, whatever its number.
    let (plain, tuned) = (dir.path().join("plain"), dir.path().join("tuned"));
    husk(&[
        "clean",
        "-q",
        root.to_str().unwrap(),
        "-o",
        plain.to_str().unwrap(),
    ]);
    for site in SITES {
        let left: String = (0..24)
            .map(|p| {
                fs::read_to_string(plain.join(format!("{}/page{p:02}.1.txt", site.name))).unwrap()
            })
            .collect();
        let mut learned_here = 0;
        for chrome in site.chrome {
            let (head, _) = chrome.split_once("{n}").unwrap_or((chrome, ""));
            if !left.lines().any(|l| l.starts_with(head)) {
                continue; // the default pack drops it already
            }
            learned_here += 1;
            for n in [2, 9, 18] {
                let line = chrome.replace("{n}", &n.to_string());
                let caught = patterns
                    .iter()
                    .any(|(re, scope)| re.is_match(&line) && scope.contains(site.name));
                assert!(caught, "{}: {line:?} not learned:\n{text}", site.name);
            }
        }
        assert!(
            learned_here > 0,
            "{}: the test needs chrome the defaults leave",
            site.name
        );
    }
    // No prose line of any article was proposed, the shared quote included.
    for want in expected.values() {
        for line in &want[1..] {
            assert!(
                !patterns.iter().any(|(re, _)| re.is_match(line)),
                "prose proposed: {line}\n{text}"
            );
        }
    }

    // Cleaning with the learned rules scores better, and drops the chrome.
    husk(&[
        "clean",
        "-q",
        root.to_str().unwrap(),
        "-o",
        tuned.to_str().unwrap(),
        "--rules",
        learned.to_str().unwrap(),
    ]);
    let (before, after) = (score(&plain, &expected), score(&tuned, &expected));
    assert!(
        after > before,
        "learned rules should help: {before:.3} -> {after:.3}"
    );
    assert!(after > 0.97, "{after:.3}");
    let sample = fs::read_to_string(tuned.join("harbour-herald/page03.1.txt")).unwrap();
    assert!(
        !sample.contains("Harbour Desk") && !sample.contains("Harbour series"),
        "{sample}"
    );
}

#[test]
fn a_site_with_too_few_pages_gets_no_rules() {
    let dir = tempfile::tempdir().unwrap();
    for p in 0..3 {
        let path = dir.path().join("tiny").join(format!("p{p}.txt"));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(
            path,
            format!(
                "Title number {p}\n\n{}\n\nSITE BANNER\n\n{}\n",
                sentence(p),
                sentence(p + 10)
            ),
        )
        .unwrap();
    }
    let out = husk(&["learn", dir.path().to_str().unwrap(), "-o", "-"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("[[rule]]"), "{text}");
    let out = husk(&[
        "learn",
        dir.path().to_str().unwrap(),
        "-o",
        "-",
        "--min-pages",
        "3",
    ]);
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("SITE BANNER")
    );
}
