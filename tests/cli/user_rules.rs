//! `--rules FILE` and `--no-default-rules`: adding, replacing and switching
//! off rules.

use super::common::{husk, line_rule, write};

const PAGE: &str = "\
Harbour ferry returns after winter break
Hear this story read aloud · 4 min
Advertisement
The harbour ferry resumed its daily crossings on Saturday after a three-month winter break, operators said.
ADVERT HERE
Passengers queued from dawn to board the first boat of the season.
Continue Reading
";

/// Cleans `PAGE` through stdin with `args`, plus a rule file when given.
fn clean(rules: Option<&str>, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = husk();
    cmd.args(["clean", "-"]).args(args).write_stdin(PAGE);
    if let Some(rules) = rules {
        let file = dir.path().join("mine.toml");
        write(&file, rules);
        cmd.arg("--rules").arg(&file);
    }
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn default_pack_alone_keeps_the_custom_chrome() {
    // The baseline the other tests change.
    assert_eq!(
        clean(None, &[]),
        "Harbour ferry returns after winter break\n\n\
         Hear this story read aloud · 4 min\n\n\
         The harbour ferry resumed its daily crossings on Saturday after a three-month winter break, operators said.\n\n\
         ADVERT HERE\n\n\
         Passengers queued from dawn to board the first boat of the season.\n"
    );
}

#[test]
fn a_user_line_rule_drops_its_lines_and_the_defaults_still_apply() {
    let rules = line_rule(
        "vp.listen",
        r"^Hear this story read aloud(?: · \d+ min)?$",
        "Hear this story read aloud · 4 min",
        "Hear this story read aloud before you vote, the mayor said.",
    );
    let got = clean(Some(&rules), &[]);
    assert!(!got.contains("Hear this story"), "{got}");
    assert!(
        !got.contains("Advertisement") && !got.contains("Continue Reading"),
        "{got}"
    );
    assert!(got.contains("ADVERT HERE"), "{got}");
    assert!(
        got.starts_with("Harbour ferry returns after winter break\n\nThe harbour ferry"),
        "{got}"
    );
}

#[test]
fn a_user_rule_with_a_default_id_replaces_the_default() {
    let mut rules = line_rule("ads.label", "^ADVERT HERE$", "ADVERT HERE", "Advertisement");
    // The main-region heuristic would drop the lone label between headline and text.
    rules.push_str("\n[[rule]]\nid = \"heuristic.main-region\"\nenabled = false\n");
    let got = clean(Some(&rules), &[]);
    assert!(
        !got.contains("ADVERT HERE"),
        "the new pattern applies: {got}"
    );
    assert!(
        got.contains("\nAdvertisement\n"),
        "the old pattern is gone: {got}"
    );
    assert!(
        !got.contains("Continue Reading"),
        "other defaults still apply: {got}"
    );
}

#[test]
fn enabled_false_switches_a_default_rule_off() {
    let rules = "[[rule]]\nid = \"ads.label\"\nenabled = false\n";
    let got = clean(Some(rules), &[]);
    assert!(got.contains("\nAdvertisement\n"), "{got}");
    assert!(
        !got.contains("Continue Reading"),
        "other defaults still apply: {got}"
    );
}

#[test]
fn disabling_an_unknown_rule_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("off.toml");
    write(
        &file,
        "[[rule]]\nid = \"ads.no-such-rule\"\nenabled = false\n",
    );
    husk()
        .args(["clean", "-", "--rules"])
        .arg(&file)
        .write_stdin(PAGE)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("ads.no-such-rule"));
}

#[test]
fn no_default_rules_keeps_every_line_trimmed() {
    let page = "  Harbour ferry returns | Valley Post  \n\n\n   Advertisement\t\nContinue Reading\n\tThe ferry is back.   \n \n";
    let got = husk()
        .args(["clean", "-", "--no-default-rules"])
        .write_stdin(page)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(got).unwrap(),
        "Harbour ferry returns | Valley Post\n\nAdvertisement\n\nContinue Reading\n\nThe ferry is back.\n"
    );
}

#[test]
fn no_default_rules_with_a_user_file_uses_only_that_file() {
    let rules = line_rule("vp.advert", "^ADVERT HERE$", "ADVERT HERE", "Advertisement");
    let got = clean(Some(&rules), &["--no-default-rules"]);
    assert!(!got.contains("ADVERT HERE"), "{got}");
    assert!(
        got.contains("\nAdvertisement\n") && got.contains("\nContinue Reading\n"),
        "{got}"
    );
}
