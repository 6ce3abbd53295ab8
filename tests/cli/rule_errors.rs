//! Broken rule files: exit 2, compiler-style diagnostics naming file, line
//! and rule, every problem at once, and no input read.

use predicates::prelude::*;

use super::common::{assert_no_output, husk, write};

const PAGE: &str = "Council passes budget\nAdvertisement\nThe council passed the budget on Monday after a long debate.\n";

/// Runs `husk clean PAGE -o OUT --rules RULES`, expecting exit 2; returns
/// stderr and checks nothing was written.
fn clean_with_bad_rules(rules_name: &str, rules: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.txt");
    let rule_file = dir.path().join(rules_name);
    let out = dir.path().join("out");
    write(&page, PAGE);
    write(&rule_file, rules);
    let assert = husk()
        .arg("clean")
        .arg(&page)
        .arg("-o")
        .arg(&out)
        .arg("--rules")
        .arg(&rule_file)
        .assert()
        .code(2)
        .stdout("");
    assert_no_output(&out);
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

#[test]
fn bad_regex_is_reported_at_its_line_with_the_rule_id() {
    let rules = "\
# Rules for the Valley Post.

[[rule]]
id = \"vp.share\"
kind = \"line\"
description = \"Share buttons\"
pattern = '^(Share'
drop = [\"Share\"]
keep = [\"Share prices rose.\"]
";
    assert!(rules.lines().nth(6).unwrap().starts_with("pattern"));
    let err = clean_with_bad_rules("valley.toml", rules);
    assert!(err.contains("valley.toml:7:"), "{err}");
    assert!(err.contains("vp.share"), "{err}");
    assert!(err.contains("error[invalid-regex]"), "{err}");
}

#[test]
fn unknown_key_is_named_with_its_line() {
    let rules = "\
[[rule]]
id = \"vp.x\"
kind = \"line\"
description = \"x\"
patern = 'x'
drop = [\"x\"]
keep = [\"y\"]
";
    let err = clean_with_bad_rules("typo.toml", rules);
    assert!(err.contains("patern"), "{err}");
    assert!(err.contains("typo.toml:5:"), "{err}");
    assert!(err.contains("error[unknown-key]"), "{err}");
}

#[test]
fn two_different_problems_are_both_reported() {
    let rules = "\
[[rule]]
id = \"vp.a\"
kind = \"line\"
description = \"first\"
pattern = '^a$'
drop = [\"a\"]
keep = [\"b\"]

[[rule]]
id = \"vp.a\"
kind = \"line\"
description = \"second, same id\"
pattern = '^c$'
drop = [\"c\"]
keep = [\"d\"]

[[rule]]
id = \"vp.nodesc\"
kind = \"line\"
pattern = '^e$'
drop = [\"e\"]
keep = [\"f\"]
";
    let err = clean_with_bad_rules("two.toml", rules);
    assert!(err.contains("error[duplicate-id]"), "{err}");
    assert!(err.contains("rule `vp.a`"), "{err}");
    assert!(
        err.contains("two.toml:10:"),
        "duplicate id points at its second use: {err}"
    );
    assert!(err.contains("error[missing-field]"), "{err}");
    assert!(
        err.contains("rule `vp.nodesc`") && err.contains("description"),
        "{err}"
    );
    assert!(err.contains("two.toml:18:"), "{err}");
}

#[test]
fn toml_syntax_error_is_reported_with_its_line() {
    let rules = "[[rule]]\nid = \"vp.x\"\nkind = = \"line\"\n";
    let err = clean_with_bad_rules("syntax.toml", rules);
    assert!(err.contains("error[syntax]"), "{err}");
    assert!(err.contains("syntax.toml:3:"), "{err}");
}

#[test]
fn missing_rule_file_is_an_error_too() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.txt");
    write(&page, PAGE);
    husk()
        .arg("clean")
        .arg(&page)
        .arg("-o")
        .arg(dir.path().join("out"))
        .arg("--rules")
        .arg(dir.path().join("nowhere.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nowhere.toml"));
    assert_no_output(&dir.path().join("out"));
}

#[test]
fn rules_test_reports_bad_rule_files_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let rule_file = dir.path().join("bad.toml");
    write(
        &rule_file,
        "[[rule]]\nid = \"vp.x\"\nkind = \"line\"\ndescription = \"x\"\npattern = '[x'\ndrop = [\"x\"]\nkeep = [\"y\"]\n",
    );
    husk()
        .args(["rules", "test"])
        .arg(&rule_file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml:5:").and(predicate::str::contains("vp.x")));
}
