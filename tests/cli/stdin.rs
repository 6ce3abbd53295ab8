//! `husk clean -`: one page from stdin, articles to stdout separated by a
//! form-feed line.

use super::common::{assert_no_output, files_under, husk};

/// Two infinite-scroll articles, each with the section / title / Published /
/// on / title header, the first ending in "Continue Reading".
const TWO_ARTICLES: &str = "\
News
Harbour ferry returns after winter break
Published
on
Harbour ferry returns after winter break
The harbour ferry resumed its daily crossings on Saturday after a three-month winter break, operators said.
Advertisement
Passengers queued from dawn to board the first boat of the season.
Continue Reading
Sport
Valley rowing club wins regional title
Published
on
Valley rowing club wins regional title
The valley rowing club won the regional title on Sunday, beating four larger clubs in the final race.
";

const FIRST: &str = "\
Harbour ferry returns after winter break

The harbour ferry resumed its daily crossings on Saturday after a three-month winter break, operators said.

Passengers queued from dawn to board the first boat of the season.
";

const SECOND: &str = "\
Valley rowing club wins regional title

The valley rowing club won the regional title on Sunday, beating four larger clubs in the final race.
";

#[test]
fn two_articles_on_stdin_are_separated_by_a_form_feed_line() {
    let out = husk()
        .args(["clean", "-"])
        .write_stdin(TWO_ARTICLES)
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout, format!("{FIRST}\x0c\n{SECOND}"));
    let articles: Vec<&str> = stdout.split("\x0c\n").collect();
    let titles: Vec<&str> = articles.iter().map(|a| a.lines().next().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Harbour ferry returns after winter break",
            "Valley rowing club wins regional title"
        ]
    );
}

#[test]
fn crlf_on_stdin_gives_lf_output() {
    husk()
        .args(["clean", "-"])
        .write_stdin(TWO_ARTICLES.replace('\n', "\r\n"))
        .assert()
        .success()
        .stdout(format!("{FIRST}\x0c\n{SECOND}"));
}

#[test]
fn stdin_with_an_output_folder_writes_article_files() {
    let dir = tempfile::tempdir().unwrap();
    let (out, tmp) = (dir.path().join("out"), dir.path().join("tmp"));
    std::fs::create_dir(&tmp).unwrap();
    husk()
        .args(["clean", "-", "--quiet", "-o"])
        .arg(&out)
        .env("TMPDIR", &tmp)
        .write_stdin(TWO_ARTICLES)
        .assert()
        .success()
        .stdout("");
    let files = files_under(&out);
    let names: Vec<_> = files.keys().map(String::as_str).collect();
    assert_eq!(names, ["stdin.1.txt", "stdin.2.txt"]);
    assert_eq!(files["stdin.1.txt"], FIRST.as_bytes());
    assert_eq!(files["stdin.2.txt"], SECOND.as_bytes());
}

#[test]
fn stdin_with_an_output_folder_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let (out, tmp) = (dir.path().join("out"), dir.path().join("tmp"));
    std::fs::create_dir(&tmp).unwrap();
    husk()
        .args(["clean", "-", "--quiet", "-o"])
        .arg(&out)
        .env("TMPDIR", &tmp)
        .write_stdin(TWO_ARTICLES)
        .assert()
        .success();
    assert_no_output(&tmp);
}

#[test]
fn binary_stdin_is_skipped() {
    husk()
        .args(["clean", "-"])
        .write_stdin(&b"PK\x03\x04\x00\x00"[..])
        .assert()
        .success()
        .stdout("")
        .stderr(predicates::str::contains("binary"));
}
