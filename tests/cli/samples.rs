//! The regression cases in `samples/`: one run over `samples/raw` must write
//! exactly the files in `samples/expected`, byte for byte.

use std::collections::BTreeMap;
use std::fs;

use super::common::{assert_same_files, crate_root, files_under, husk};

#[test]
fn samples_raw_cleans_to_samples_expected() {
    let root = crate_root();
    let raw = root.join("samples/raw");
    let expected = files_under(&root.join("samples/expected"));

    // Every raw page has at least its first article in expected/, and every
    // expected file belongs to a raw page: otherwise a case is half-written.
    let mut stems = Vec::new();
    for entry in fs::read_dir(&raw).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".txt") {
            stems.push(stem.to_string());
        }
    }
    assert!(!stems.is_empty(), "no samples in {}", raw.display());
    for stem in &stems {
        assert!(
            expected.contains_key(&format!("{stem}.1.txt")),
            "samples/raw/{stem}.txt has no samples/expected/{stem}.1.txt"
        );
    }
    for name in expected.keys() {
        let stem = name.rsplitn(3, '.').nth(2).unwrap_or("");
        assert!(
            stems.iter().any(|s| s == stem),
            "samples/expected/{name} has no page in samples/raw"
        );
    }

    let out = tempfile::tempdir().unwrap();
    husk()
        .args(["clean", "--quiet"])
        .arg(&raw)
        .arg("-o")
        .arg(out.path())
        .assert()
        .success();
    let actual: BTreeMap<_, _> = files_under(out.path());
    assert_same_files("samples", &expected, &actual);
}
