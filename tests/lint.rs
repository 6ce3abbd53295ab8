//! `husk rules lint`: one crafted rule file per finding, a small corpus, and
//! the default pack, all through the built binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn husk(args: &[&str], threads: Option<usize>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_husk"));
    cmd.args(args);
    if let Some(n) = threads {
        cmd.env("RAYON_NUM_THREADS", n.to_string());
    }
    let out = cmd.output().expect("husk runs");
    Run {
        code: out.status.code().expect("husk exits normally"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn lint(args: &[&str]) -> Run {
    let mut all = vec!["rules", "lint"];
    all.extend_from_slice(args);
    husk(&all, None)
}

/// A line rule with one drop and one keep example.
fn line_rule(id: &str, pattern: &str, drop: &str, keep: &str) -> String {
    format!(
        "[[rule]]\nid = \"{id}\"\nkind = \"line\"\ndescription = \"test rule\"\npattern = '{pattern}'\ndrop = [\"{drop}\"]\nkeep = [\"{keep}\"]\n\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&path, text).unwrap();
    path
}

/// The 1-based line of `path` holding `needle` (the first).
fn line_of(path: &Path, needle: &str) -> usize {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in {}", path.display()))
        + 1
}

/// Asserts `out` has a finding line with this severity, code, rule and place.
fn assert_finding(run: &Run, severity: &str, code: &str, rule: &str, path: &Path, line: usize) {
    let head = format!(
        "{severity}[{code}]: rule `{rule}` ({}:{line}): ",
        path.display()
    );
    assert!(
        run.stdout.lines().any(|l| l.starts_with(&head)),
        "no line starting {head:?} in:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_repeated_id_is_an_error_naming_the_first_definition() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "dup.toml",
        &format!(
            "{}{}",
            line_rule("t.tweet", "^Tweet$", "Tweet", "Tweet this, she said."),
            line_rule("t.tweet", "^Retweet$", "Retweet", "Retweet counts fell.")
        ),
    );
    let run = lint(&["--no-default-rules", s(&file)]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_finding(&run, "error", "duplicate-id", "t.tweet", &file, 10);
    assert!(
        run.stdout.contains(&format!("{}:2", file.display())),
        "names the first definition: {}",
        run.stdout
    );
    // The strict loader refuses the file: lint is what shows it with the rest.
    assert!(run.stdout.contains("rules lint FAILED"), "{}", run.stdout);
}

#[test]
fn ids_repeated_across_linted_files_are_errors_and_overriding_a_default_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let first = write(
        dir.path(),
        "one.toml",
        &line_rule(
            "ads.label",
            "^Anzeige$",
            "Anzeige",
            "Anzeigen gingen zurück.",
        ),
    );
    let second = write(
        dir.path(),
        "two.toml",
        &line_rule("ads.label", "^Werbung$", "Werbung", "Werbung wirkt."),
    );
    let run = lint(&[s(&first), s(&second)]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_finding(&run, "note", "overrides-default", "ads.label", &first, 2);
    assert_finding(&run, "error", "duplicate-id", "ads.label", &second, 2);

    let run = lint(&[s(&first)]);
    assert_eq!(run.code, 0, "an override alone is fine: {}", run.stdout);
    assert_finding(&run, "note", "overrides-default", "ads.label", &first, 2);
}

#[test]
fn a_pattern_matching_the_empty_string_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "empty.toml",
        &format!(
            "{}[[rule]]\nid = \"t.stars\"\nkind = \"rewrite\"\ndescription = \"stars\"\nreplace = \"\"\npattern = '(\\*+)?'\nkeep = [\"plain\"]\n\n[[rule.example]]\ninput = \"Title\\n** Body\"\n",
            line_rule("t.maybe", "(?i:sponsored)?", "Sponsored", "x")
        ),
    );
    let run = lint(&["--no-default-rules", s(&file)]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_finding(
        &run,
        "error",
        "matches-empty",
        "t.maybe",
        &file,
        line_of(&file, "(?i:sponsored)?"),
    );
    assert_finding(
        &run,
        "error",
        "matches-empty",
        "t.stars",
        &file,
        line_of(&file, "(\\*+)?"),
    );
    assert!(run.stdout.contains("matches every line"), "{}", run.stdout);
}

#[test]
fn a_rule_whose_examples_an_earlier_rule_takes_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    // Shadowed by a rule of the same file.
    let file = write(
        dir.path(),
        "shadow.toml",
        &format!(
            "{}{}",
            line_rule(
                "t.buttons",
                "^(?i:share|print|tweet)$",
                "Print",
                "Print runs fell."
            ),
            line_rule("t.print", "^Print$", "Print", "Print runs fell.")
        ),
    );
    let run = lint(&["--no-default-rules", s(&file)]);
    assert_eq!(run.code, 0, "warnings do not fail: {}", run.stdout);
    assert_finding(&run, "warning", "unreachable", "t.print", &file, 10);
    assert!(
        run.stdout.contains("decided first by `t.buttons`"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("rule `t.buttons` ("),
        "the broad rule is fine: {}",
        run.stdout
    );

    // Shadowed by a default rule, which loads first.
    let mine = write(
        dir.path(),
        "mine.toml",
        &line_rule(
            "my.advert",
            "^Advertisement$",
            "Advertisement",
            "Advertisement revenue fell.",
        ),
    );
    let run = lint(&[s(&mine)]);
    assert_finding(&run, "warning", "unreachable", "my.advert", &mine, 2);
    assert!(
        run.stdout
            .contains("decided first by `ads.label` (<default>/"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_line_rule_repeating_an_earlier_pattern_in_its_zone_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = line_rule("t.first", "^(?:Menu)$", "Menu", "Menus vary.");
    text += &line_rule("t.second", "^Menu$", "Menu", "Menus vary.");
    // A header rule and a footer rule with one pattern split the lines.
    text += &line_rule("t.head", "^Top$", "Top", "Top marks.")
        .replace("kind = \"line\"", "kind = \"line\"\nzone = \"header\"");
    text += &line_rule("t.foot", "^Top$", "Top", "Top marks.")
        .replace("kind = \"line\"", "kind = \"line\"\nzone = \"footer\"");
    let file = write(dir.path(), "same.toml", &text);
    let run = lint(&["--no-default-rules", s(&file)]);
    assert_finding(&run, "warning", "unreachable", "t.second", &file, 10);
    assert!(
        run.stdout.contains("is the pattern of rule `t.first`"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("`t.foot` ("), "{}", run.stdout);
}

#[test]
fn missing_examples_are_findings_not_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "bare.toml",
        "[[rule]]\nid = \"t.nokeep\"\nkind = \"line\"\ndescription = \"d\"\npattern = '^Menu$'\ndrop = [\"Menu\"]\n\n[[rule]]\nid = \"t.nodrop\"\nkind = \"line\"\ndescription = \"d\"\npattern = '(?:^|\\s)[\\p{L} ]{2,40}:$'\nkeep = [\"Menu\"]\n",
    );
    // The loader refuses the file outright...
    let listed = husk(&["rules", "list", "--rules", s(&file)], None);
    assert_eq!(listed.code, 2);
    // ...lint reports every problem, the other checks included.
    let run = lint(&["--no-default-rules", s(&file)]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_finding(&run, "error", "no-examples", "t.nokeep", &file, 2);
    assert_finding(&run, "error", "no-examples", "t.nodrop", &file, 9);
    assert_finding(&run, "warning", "slow-pattern", "t.nodrop", &file, 12);
}

#[test]
fn a_bounded_class_repetition_is_a_slow_pattern_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "slow.toml",
        &format!(
            "{}{}",
            line_rule(
                "t.label",
                "^[\\p{L} ]{2,40}:$",
                "Related topics:",
                "The minister said: we will act."
            ),
            line_rule(
                "t.fine",
                "^(?i:home) [›>] \\S.{0,80}$",
                "Home > World",
                "Home is where the vote was."
            )
        ),
    );
    let run = lint(&["--no-default-rules", s(&file)]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_finding(&run, "warning", "slow-pattern", "t.label", &file, 5);
    assert!(run.stdout.contains("prefer `[\\p{L} ]+`"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("`t.fine`"),
        "an anchored `.{{0,80}}` is fine: {}",
        run.stdout
    );
}

#[test]
fn the_default_pack_has_no_error_findings() {
    let run = lint(&[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("error["), "{}", run.stdout);
    assert!(run.stdout.contains("rules lint ok"), "{}", run.stdout);

    let run = lint(&["--json"]);
    assert_eq!(run.code, 0);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["errors"], 0, "{}", run.stdout);
    assert!(v["rules"].as_u64().unwrap() > 20);
    assert!(v["files"][0].as_str().unwrap().starts_with("<default>/"));
}

#[test]
fn json_findings_carry_code_severity_rule_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "dup.toml",
        &format!(
            "{}{}",
            line_rule("t.a", "^A$", "A", "B"),
            line_rule("t.a", "^C$", "C", "D")
        ),
    );
    let run = lint(&["--no-default-rules", "--json", s(&file)]);
    assert_eq!(run.code, 1);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["code"], "duplicate-id");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["rule"], "t.a");
    assert_eq!(f["file"], s(&file));
    assert_eq!(f["line"], 10);
    assert_eq!(v["errors"], 1);
}

#[test]
fn files_that_do_not_load_and_nothing_to_lint_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "bad.toml",
        &line_rule("t.bad", "^(Share", "Share", "x"),
    );
    let run = lint(&[s(&file)]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid-regex"), "{}", run.stderr);

    let run = lint(&["--no-default-rules"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nothing to lint"), "{}", run.stderr);
}

/// Invented pages: ad labels on two pages, a rule that never fires and a
/// rule that takes a sentence of the story with it.
fn corpus(dir: &Path) -> (PathBuf, PathBuf) {
    let rules = write(
        dir,
        "rules.toml",
        &format!(
            "{}{}{}",
            line_rule(
                "t.ad",
                "^Advertisement$",
                "Advertisement",
                "Advertisement revenue fell."
            ),
            line_rule(
                "t.never",
                "^Subscribe now$",
                "Subscribe now",
                "Subscribe now, the clerk said, or miss the deadline."
            ),
            line_rule(
                "t.council",
                "^The council",
                "The council",
                "A council meeting ran late."
            ),
        ),
    );
    let pages = dir.join("pages");
    write(
        &pages,
        "a.txt",
        "Harbour festival draws crowds\nAdvertisement\nThe harbour festival drew record crowds on Saturday, organisers said after the weekend.\n\nAdvertisement\n",
    );
    write(
        &pages,
        "sub/b.txt",
        "Budget passes after long night\nThe council voted on Tuesday to approve the new budget for the coming year.\nAdvertisement\nResidents will see the changes in their bills from April, officials said.\n",
    );
    fs::write(pages.join("c.bin"), b"\x00\x01binary").unwrap();
    (rules, pages)
}

#[test]
fn a_corpus_shows_hits_silent_rules_and_prose_drops() {
    let dir = tempfile::tempdir().unwrap();
    let (rules, pages) = corpus(dir.path());
    let b = pages.join("sub").join("b.txt");
    let run = husk(
        &[
            "rules",
            "lint",
            "--no-default-rules",
            "--corpus",
            s(&pages),
            s(&rules),
        ],
        None,
    );
    assert_eq!(run.code, 0, "warnings only: {}", run.stdout);
    assert_finding(&run, "warning", "never-fired", "t.never", &rules, 10);
    assert_finding(&run, "warning", "drops-prose", "t.council", &rules, 18);
    assert!(
        run.stdout.contains(&format!(
            "    {}:2: The council voted on Tuesday to approve the new budget for the coming year.",
            b.display()
        )),
        "the prose line with its file and line: {}",
        run.stdout
    );
    assert!(run.stdout.contains("2 pages (1 skipped)"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("`t.ad` ("),
        "t.ad is fine: {}",
        run.stdout
    );

    let json = husk(
        &[
            "rules",
            "lint",
            "--no-default-rules",
            "--json",
            "--corpus",
            s(&pages),
            s(&rules),
        ],
        None,
    );
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    let c = &v["corpus"];
    assert_eq!(
        (c["pages"].as_u64(), c["skipped"].as_u64()),
        (Some(2), Some(1))
    );
    let hits = c["hits"].as_array().unwrap();
    let ids: Vec<&str> = hits.iter().map(|h| h["rule"].as_str().unwrap()).collect();
    assert_eq!(ids, ["t.ad", "t.council", "t.never"], "most lines first");
    assert_eq!(
        (hits[0]["lines"].as_u64(), hits[0]["pages"].as_u64()),
        (Some(3), Some(2))
    );
    let shown: Vec<(String, u64)> = hits[0]["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (pages.join("a.txt").display().to_string(), 2),
            (b.display().to_string(), 3)
        ],
        "one example per page, in walk order"
    );
    assert_eq!(hits[2]["lines"], 0);
}

#[test]
fn corpus_output_does_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (rules, pages) = corpus(dir.path());
    for i in 0..20 {
        write(
            &pages,
            &format!("more/p{i:02}.txt"),
            &format!(
                "Page {i}\nAdvertisement\nThe council met on day {i} and agreed to meet again the following week.\n"
            ),
        );
    }
    let args = [
        "rules",
        "lint",
        "--no-default-rules",
        "--json",
        "--corpus",
        s(&pages),
        s(&rules),
    ];
    let one = husk(&args, Some(1));
    let many = husk(&args, Some(4));
    assert_eq!(one.code, 0);
    assert_eq!(one.stdout, many.stdout);
}
