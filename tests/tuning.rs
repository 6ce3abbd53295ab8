//! The rule-tuning loop through the built binary: `explain` (text and
//! JSON) and `check` (pass, fail with a diff, `--bless`, pass again).

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn husk(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_husk"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const PAGE: &str = "Harbour team wins the cup | Sport\nPublished\non\n\nAdvertisement\n\nThe harbour team won the cup on Sunday after a tense final against the river side.\n\nFANS REACT\n\nSupporters filled the square until midnight, singing and waving flags.\n";

/// The row of input line `n` in `explain`'s text view.
fn row(view: &str, n: usize) -> &str {
    let prefix = format!("{n:>2} ");
    view.lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no row {n} in\n{view}"))
}

/// A samples folder with one case whose expected article is right.
fn samples(dir: &Path) {
    fs::create_dir_all(dir.join("s/raw")).unwrap();
    fs::create_dir_all(dir.join("s/expected")).unwrap();
    fs::write(dir.join("s/raw/cup.txt"), PAGE).unwrap();
    fs::write(
        dir.join("s/expected/cup.1.txt"),
        "Harbour team wins the cup\n\nThe harbour team won the cup on Sunday after a tense final against the river side.\n\nFANS REACT\n\nSupporters filled the square until midnight, singing and waving flags.\n",
    )
    .unwrap();
}

const KICKER_RULE: &str = r#"
[[rule]]
id = "my.kicker"
kind = "line"
description = "All-capital section kickers are not part of the text we want."
pattern = '^[A-Z][A-Z ]+[A-Z]$'
drop = ["FANS REACT"]
keep = ["Fans react"]
"#;

#[test]
fn explain_shows_verdicts_rules_and_articles() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("p.txt"), PAGE).unwrap();
    let out = husk(&["explain", "p.txt"], d.path());
    assert!(out.status.success());
    let t = text(&out);
    assert!(t.contains("── article 1: Harbour team wins the cup"), "{t}");
    let ad = row(&t, 5);
    assert!(
        ad.contains(" drop ") && ad.contains("ads.label") && ad.ends_with("│ Advertisement"),
        "{ad}"
    );
    let title = row(&t, 1);
    assert!(
        title.contains(" title ") && title.contains("titles.site-suffix"),
        "{title}"
    );
    assert!(t.contains("→ Harbour team wins the cup"), "{t}");
    assert!(row(&t, 2).contains("headers.published-label"), "{t}");
    assert!(row(&t, 7).contains(" keep "), "{t}");
    assert!(
        t.contains("ads.label") && t.contains("<default>/30-ads-promos.toml:"),
        "legend: {t}"
    );
    assert!(!t.contains('\x1b'), "no colour when not on a terminal");

    let only = text(&husk(
        &["explain", "p.txt", "--rule", "ads.label"],
        d.path(),
    ));
    assert!(
        only.contains("Advertisement") && !only.contains("harbour team won"),
        "{only}"
    );

    let unknown = husk(&["explain", "p.txt", "--rule", "nope"], d.path());
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn explain_json_is_complete() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("p.txt"), PAGE).unwrap();
    let out = husk(&["explain", "p.txt", "--json"], d.path());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines = v["lines"].as_array().unwrap();
    assert_eq!(lines.len(), PAGE.lines().count());
    assert_eq!(lines[4]["verdict"], "drop");
    assert_eq!(lines[4]["rule"]["id"], "ads.label");
    assert!(
        lines[4]["rule"]["origin"]
            .as_str()
            .unwrap()
            .starts_with("<default>/30-ads-promos.toml:")
    );
    assert_eq!(lines[0]["verdict"], "title");
    assert_eq!(lines[0]["rewrite"]["text"], "Harbour team wins the cup");
    assert_eq!(lines[6]["article"], 1);
    assert_eq!(v["articles"][0]["title"], "Harbour team wins the cup");
    assert_eq!(v["encoding"], "UTF-8");
}

#[test]
fn check_passes_fails_with_a_diff_and_blesses() {
    let d = tempfile::tempdir().unwrap();
    samples(d.path());
    fs::write(d.path().join("my.toml"), KICKER_RULE).unwrap();

    let ok = husk(&["check", "s"], d.path());
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("check: 1 passed, 0 failed"));

    // A second case with no expected file also fails, and both are reported.
    fs::write(d.path().join("s/raw/orphan.txt"), "Title\nBody.\n").unwrap();
    let fail = husk(&["check", "s", "--rules", "my.toml"], d.path());
    assert_eq!(fail.status.code(), Some(1));
    let t = text(&fail);
    assert!(t.contains("FAIL cup"), "{t}");
    assert!(
        t.contains("--- expected/cup.1.txt\n+++ got/cup.1.txt\n"),
        "{t}"
    );
    assert!(t.contains("\n-FANS REACT\n"), "{t}");
    assert!(t.contains("FAIL orphan"), "{t}");
    assert!(t.contains("check: 0 passed, 2 failed"), "{t}");

    let bless = husk(&["check", "s", "--rules", "my.toml", "--bless"], d.path());
    assert!(bless.status.success());
    assert!(text(&bless).contains("blessed cup"));
    assert!(
        !fs::read_to_string(d.path().join("s/expected/cup.1.txt"))
            .unwrap()
            .contains("FANS REACT")
    );
    assert!(d.path().join("s/expected/orphan.1.txt").exists());

    let again = husk(&["check", "s", "--rules", "my.toml"], d.path());
    assert!(again.status.success(), "{}", text(&again));
}

#[test]
fn check_passes_on_the_shipped_samples() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = husk(&["check", "samples"], Path::new(root));
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn bless_removes_expected_articles_past_the_new_count() {
    let d = tempfile::tempdir().unwrap();
    samples(d.path());
    fs::write(d.path().join("s/expected/cup.2.txt"), "Old\n").unwrap();
    assert_eq!(husk(&["check", "s"], d.path()).status.code(), Some(1));
    husk(&["check", "s", "--bless"], d.path());
    assert!(!d.path().join("s/expected/cup.2.txt").exists());
    assert!(husk(&["check", "s"], d.path()).status.success());
}
