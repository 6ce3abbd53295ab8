//! `husk rules test`: the default pack's examples all pass; a rule whose
//! own examples contradict it is named.

use predicates::prelude::*;

use super::common::{husk, line_rule, write};

#[test]
fn default_pack_passes_its_own_examples() {
    husk().args(["rules", "test"]).assert().success().stdout(
        predicate::str::contains("rules test ok").and(predicate::str::contains("FAIL").not()),
    );
}

#[test]
fn a_rule_whose_keep_example_matches_fails_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("greedy.toml");
    let good = line_rule(
        "vp.good",
        "^Share$",
        "Share",
        "Share prices rose by four per cent.",
    );
    let greedy = line_rule(
        "vp.greedy",
        "^Share",
        "Share",
        "Share prices rose by four per cent.",
    );
    write(&file, format!("{good}\n{greedy}"));
    husk()
        .args(["rules", "test"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("FAIL rule `vp.greedy`")
                .and(predicate::str::contains("vp.good").not())
                .and(predicate::str::contains(
                    "Share prices rose by four per cent.",
                )),
        );
}

#[test]
fn a_rule_whose_drop_example_misses_fails_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("timid.toml");
    write(
        &file,
        line_rule("vp.timid", "^Share this$", "Share", "Share prices rose."),
    );
    husk()
        .args(["rules", "test"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL rule `vp.timid`"));
}
