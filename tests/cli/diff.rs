//! `--diff`: a unified diff from each page to its articles.

use super::common::{clean_into, write};

const PAGE: &str = "\
Council passes budget | Valley Post
Advertisement
The council passed the budget on Monday after a long debate that ran late into the night.
Continue Reading
";

#[test]
fn diff_file_shows_the_dropped_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    write(&input.join("sub/budget.txt"), PAGE.replace('\n', "\r\n"));
    let files = clean_into(&input, &out, &["--diff"]);
    let names: Vec<_> = files.keys().map(String::as_str).collect();
    assert_eq!(names, ["sub/budget.1.txt", "sub/budget.diff"]);
    let diff = String::from_utf8(files["sub/budget.diff"].clone()).unwrap();
    let mut lines = diff.lines();
    assert!(lines.next().unwrap().starts_with("--- "), "{diff}");
    assert!(lines.next().unwrap().starts_with("+++ "), "{diff}");
    assert!(lines.next().unwrap().starts_with("@@ "), "{diff}");
    for dropped in [
        "Advertisement",
        "Continue Reading",
        "Council passes budget | Valley Post",
    ] {
        assert!(
            diff.contains(&format!("\n-{dropped}\n")),
            "no -{dropped}: {diff}"
        );
    }
    assert!(
        diff.contains("\n+Council passes budget\n"),
        "the rewritten title: {diff}"
    );
    assert!(
        diff.contains("\n The council passed the budget"),
        "kept lines are context: {diff}"
    );
    assert!(!diff.contains('\r'), "line ends are normalised: {diff:?}");
}

#[test]
fn no_diff_file_without_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("budget.txt");
    write(&page, PAGE);
    let names: Vec<_> = clean_into(&page, &dir.path().join("out"), &[])
        .into_keys()
        .collect();
    assert_eq!(names, ["budget.1.txt"]);
}
