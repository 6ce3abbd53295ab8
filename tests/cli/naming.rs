//! Output file names: NAME.N.txt per article, sub-folders kept for walked
//! folders, and no two inputs writing the same names.

use predicates::prelude::*;

use super::common::{assert_no_output, clean_into, husk, write};

/// Three infinite-scroll articles on one page.
const THREE_ARTICLES: &str = "\
News
Harbour ferry returns after winter break
Published
on
Harbour ferry returns after winter break
The harbour ferry resumed its daily crossings on Saturday after a three-month winter break, operators said.
Continue Reading
Sport
Valley rowing club wins regional title
Published
on
Valley rowing club wins regional title
The valley rowing club won the regional title on Sunday, beating four larger clubs in the final race.
Continue Reading
Business
Old mill to close in June
Published
on
Old mill to close in June
The old mill on the river will close in June after ninety years, its owners said on Friday.
";

const ONE_ARTICLE: &str =
    "Council passes budget\nThe council passed the budget on Monday after a long debate.\n";

#[test]
fn a_page_with_three_articles_gives_three_numbered_files() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("scroll.page.txt");
    write(&page, THREE_ARTICLES);
    let files = clean_into(&page, &dir.path().join("out"), &[]);
    let names: Vec<_> = files.keys().map(String::as_str).collect();
    // Only the last extension goes: "scroll.page.txt" has stem "scroll.page".
    assert_eq!(
        names,
        [
            "scroll.page.1.txt",
            "scroll.page.2.txt",
            "scroll.page.3.txt"
        ]
    );
    let titles: Vec<String> = names
        .iter()
        .map(|n| {
            String::from_utf8_lossy(&files[*n])
                .lines()
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        titles,
        [
            "Harbour ferry returns after winter break",
            "Valley rowing club wins regional title",
            "Old mill to close in June"
        ]
    );
}

#[test]
fn a_walked_folder_keeps_its_sub_folders() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    write(&input.join("sub/dir/page.txt"), ONE_ARTICLE);
    write(&input.join("top.txt"), ONE_ARTICLE);
    let files = clean_into(&input, &out, &[]);
    let names: Vec<_> = files.keys().map(String::as_str).collect();
    assert_eq!(names, ["sub/dir/page.1.txt", "top.1.txt"]);
    assert_eq!(
        files["sub/dir/page.1.txt"],
        b"Council passes budget\n\nThe council passed the budget on Monday after a long debate.\n"
    );
}

#[test]
fn two_files_with_the_same_stem_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a/x.txt"), dir.path().join("b/x.txt"));
    write(&a, ONE_ARTICLE);
    write(&b, ONE_ARTICLE);
    let out = dir.path().join("out");
    husk()
        .arg("clean")
        .arg(&a)
        .arg(&b)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains(a.display().to_string())
                .and(predicate::str::contains(b.display().to_string())),
        );
    assert_no_output(&out);
}

#[test]
fn same_stem_with_different_extensions_collides_too() {
    // page.txt and page.md would both write page.1.txt.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&input.join("page.txt"), ONE_ARTICLE);
    write(&input.join("page.md"), ONE_ARTICLE);
    husk()
        .arg("clean")
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("page.md").and(predicate::str::contains("page.txt")));
}
