//! The shared seed pages (`../shared/seeds`), when that folder exists next
//! to the crate. Skipped (passes trivially) otherwise.

use std::fs;

use super::common::{assert_same_files, crate_root, files_under, husk};

#[test]
fn shared_seeds_clean_to_their_expected_articles() {
    let seeds = crate_root().join("../shared/seeds");
    if !seeds.is_dir() {
        eprintln!("skipping: {} not present", seeds.display());
        return;
    }
    let mut pages: Vec<_> = fs::read_dir(seeds.join("raw"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    pages.sort();
    assert!(!pages.is_empty(), "no seed pages in {}", seeds.display());

    let out = tempfile::tempdir().unwrap();
    husk()
        .args(["clean", "--quiet"])
        .args(&pages)
        .arg("-o")
        .arg(out.path())
        .assert()
        .success();
    let expected = files_under(&seeds.join("expected"));
    assert_same_files("shared seeds", &expected, &files_under(out.path()));
}
