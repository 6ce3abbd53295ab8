//! Files that are not text are skipped with a note; the rest still get cleaned.

use predicates::prelude::*;

use super::common::{files_under, husk, write};

const GOOD_PAGE: &str = "\
Harbour ferry returns after winter break
Advertisement
The harbour ferry resumed its daily crossings on Saturday after a three-month winter break, operators said.
";

#[test]
fn binary_file_in_a_folder_is_skipped_and_the_good_page_is_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    write(&input.join("good.txt"), GOOD_PAGE);
    // A GIF header: text-looking start, NUL bytes from offset 7.
    write(
        &input.join("photo.txt"),
        b"GIF89a\x01\x00\x00\x80\xff junk\n",
    );
    husk()
        .arg("clean")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("photo.txt")
                .and(predicate::str::contains(
                    "binary file (NUL byte at offset 7)",
                ))
                .and(predicate::str::contains("skipped")),
        );
    let files = files_under(&out);
    let names: Vec<_> = files.keys().map(String::as_str).collect();
    assert_eq!(names, ["good.1.txt"], "only the good page has output");
    assert_eq!(
        String::from_utf8_lossy(&files["good.1.txt"]),
        "Harbour ferry returns after winter break\n\nThe harbour ferry resumed its daily crossings on Saturday after a three-month winter break, operators said.\n"
    );
}

#[test]
fn binary_file_given_directly_is_skipped_with_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("blob.txt");
    write(&bin, b"\x00\x01\x02");
    husk()
        .arg("clean")
        .arg(&bin)
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .stderr(predicate::str::contains("blob.txt").and(predicate::str::contains("binary")));
    assert!(files_under(&dir.path().join("out")).is_empty());
}

#[test]
fn empty_and_blank_files_are_reported_as_skipped_and_produce_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    write(&input.join("empty.txt"), "");
    write(&input.join("blank.txt"), " \n\t\r\n\n");
    write(&input.join("good.txt"), GOOD_PAGE);
    husk()
        .arg("clean")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(
            predicate::str::is_match(r"skipped: \S*empty\.txt")
                .unwrap()
                .and(predicate::str::is_match(r"skipped: \S*blank\.txt").unwrap()),
        );
    let names: Vec<_> = files_under(&out).into_keys().collect();
    assert_eq!(names, ["good.1.txt"]);
}
