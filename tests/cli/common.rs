//! Helpers shared by the CLI tests.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use similar::TextDiff;

/// The `husk` binary under test.
pub fn husk() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("husk").expect("the husk binary is built for integration tests")
}

/// The crate root (where `samples/` and `rules/` live).
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes `data` to `path`, creating parent folders.
pub fn write(path: &Path, data: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, data).unwrap();
}

/// The run record husk keeps in the output folder, next to the articles.
pub const MANIFEST: &str = "manifest.jsonl";

/// Every file under `dir` except the run manifest, keyed by its path
/// relative to `dir` (with `/` separators), with its contents. A missing
/// folder gives an empty map.
/// Runs `husk clean --quiet ARGS… INPUT -o OUT`, which must succeed, and
/// returns every file under OUT.
pub fn clean_into(input: &Path, out: &Path, args: &[&str]) -> BTreeMap<String, Vec<u8>> {
    husk()
        .args(["clean", "--quiet"])
        .args(args)
        .arg(input)
        .arg("-o")
        .arg(out)
        .assert()
        .success();
    files_under(out)
}

pub fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    collect(dir, dir, &mut out);
    out.remove(MANIFEST);
    out
}

fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).unwrap();
            let key = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.insert(key, fs::read(&path).unwrap());
        }
    }
}

/// Asserts `dir` was not created, or holds nothing at all (not even a
/// manifest).
pub fn assert_no_output(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        let names: Vec<_> = entries.map(|e| e.unwrap().file_name()).collect();
        assert!(names.is_empty(), "{} holds {names:?}", dir.display());
    }
}

/// A readable unified diff from `expected` to `actual`, with line ends made
/// visible when the texts differ only in them.
pub fn show_diff(name: &str, expected: &[u8], actual: &[u8]) -> String {
    let exp = String::from_utf8_lossy(expected);
    let act = String::from_utf8_lossy(actual);
    let mut diff = TextDiff::from_lines(exp.as_ref(), act.as_ref())
        .unified_diff()
        .context_radius(3)
        .header(&format!("expected/{name}"), &format!("actual/{name}"))
        .to_string();
    let visible = |s: &str| {
        s.lines()
            .map(|l| l.trim_end_matches('\r').to_string())
            .collect::<Vec<_>>()
    };
    if visible(&exp) == visible(&act) {
        diff.push_str(&format!(
            "(the texts differ only in line ends)\nexpected: {exp:?}\nactual:   {act:?}\n"
        ));
    }
    diff
}

/// Compares the files husk wrote with the expected ones: same names, same
/// bytes. Collects every problem and panics once with all of them.
pub fn assert_same_files(
    what: &str,
    expected: &BTreeMap<String, Vec<u8>>,
    actual: &BTreeMap<String, Vec<u8>>,
) {
    let mut problems = Vec::new();
    for name in expected.keys().filter(|n| !actual.contains_key(*n)) {
        problems.push(format!("missing output: {name}"));
    }
    for name in actual.keys().filter(|n| !expected.contains_key(*n)) {
        problems.push(format!("unexpected output: {name}"));
    }
    for (name, want) in expected {
        if let Some(got) = actual.get(name)
            && got != want
        {
            problems.push(format!(
                "content differs: {name}\n{}",
                show_diff(name, want, got)
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s)\n\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A rule file with one line rule; `extra` is added to the table verbatim.
pub fn line_rule(id: &str, pattern: &str, drop: &str, keep: &str) -> String {
    format!(
        "[[rule]]\nid = \"{id}\"\nkind = \"line\"\ndescription = \"test rule {id}\"\npattern = '{pattern}'\ndrop = [\"{drop}\"]\nkeep = [\"{keep}\"]\n"
    )
}
