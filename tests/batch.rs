//! Batch cleaning at crawl scale: a generated tree of 2,000+ pages with bad
//! files mixed in, cleaned through the built binary.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn husk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_husk"))
}

const SUBJECTS: &[&str] = &[
    "The harbour board",
    "A city council",
    "The regional court",
    "Local farmers",
    "The rail operator",
    "A museum trust",
    "The school district",
    "Volunteer firefighters",
];
const VERBS: &[&str] = &[
    "approved",
    "delayed",
    "questioned",
    "defended",
    "announced",
    "rejected",
    "reviewed",
    "celebrated",
];
const OBJECTS: &[&str] = &[
    "a plan to widen the river path",
    "new rules for night markets",
    "the budget for the coming year",
    "repairs to the old bridge",
    "a proposal to merge two schools",
    "the price of season tickets",
    "a study of flood defences",
    "longer opening hours at the library",
];

/// A deterministic page: title, chrome, a few prose paragraphs; every
/// seventh page is a two-article infinite-scroll page.
fn page(n: usize) -> (String, Vec<String>) {
    let pick = |k: usize, list: &[&'static str]| list[(n * 7 + k * 13) % list.len()];
    let para = |k: usize| {
        format!(
            "{} {} {} on day {} of the session, officials said after a long meeting that ran late into the evening.",
            pick(k, SUBJECTS),
            pick(k + 1, VERBS),
            pick(k + 2, OBJECTS),
            n % 28 + k
        )
    };
    let title = |k: usize| {
        format!(
            "Report {n}-{k}: {} {}",
            pick(k + 3, SUBJECTS),
            pick(k + 4, VERBS)
        )
    };
    let mut text = String::new();
    let mut titles = vec![title(0)];
    text.push_str(&format!("{}\n\nAdvertisement\n\n", titles[0]));
    for k in 0..3 {
        text.push_str(&format!("{}\n\n", para(k)));
    }
    text.push_str("Continue Reading\n");
    if n.is_multiple_of(7) {
        titles.push(title(1));
        text.push_str(&format!(
            "\nNews\n\n{0}\n\nPublished\n\non\n\n{0}\n\n{1}\n\nLeave a Reply\n",
            titles[1],
            para(5)
        ));
    }
    (text, titles)
}

struct Tree {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// Relative stem → expected titles, for every page that must clean.
    good: BTreeMap<String, Vec<String>>,
    binary: Vec<String>,
    empty: Vec<String>,
    unreadable: Vec<String>,
}

fn build_tree(pages: usize) -> Tree {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("crawl");
    let mut tree = Tree {
        _dir: dir,
        root: root.clone(),
        good: BTreeMap::new(),
        binary: vec![],
        empty: vec![],
        unreadable: vec![],
    };
    for n in 0..pages {
        let rel = format!(
            "site{}/2025-{:02}/{:02}/page{n:05}",
            n % 5,
            n % 12 + 1,
            n % 28 + 1
        );
        let path = root.join(format!("{rel}.txt"));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let (text, titles) = page(n);
        let bytes = match n % 50 {
            3 => text.replace('\n', "\r\n").into_bytes(),
            // windows-1252: curly quotes and an accented name in every paragraph.
            4 => encoding_rs::WINDOWS_1252
                .encode(&text.replace("officials said", "“officials” said, café owner René noted,"))
                .0
                .into_owned(),
            _ => text.into_bytes(),
        };
        fs::write(&path, bytes).unwrap();
        tree.good.insert(rel, titles);
    }
    for (k, name) in ["site0/photo.txt", "site3/2025-01/archive.txt"]
        .iter()
        .enumerate()
    {
        let p = root.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, [0x89, b'P', b'N', b'G', 0, 0, k as u8, 1]).unwrap();
        tree.binary.push(name.to_string());
    }
    for name in ["site1/blank.txt", "site4/2025-02/spaces.txt"] {
        let p = root.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(
            &p,
            if name.contains("spaces") {
                " \n\n \t\n"
            } else {
                ""
            },
        )
        .unwrap();
        tree.empty.push(name.to_string());
    }
    // A link to nowhere cannot be read by anyone, root included.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("missing.txt"), root.join("site2/dangling.txt"))
            .unwrap();
        tree.unreadable.push("site2/dangling.txt".into());
        // A file without read permission; root reads it anyway, so then the
        // case is skipped (and said so).
        use std::os::unix::fs::PermissionsExt;
        let locked = root.join("site3/locked.txt");
        fs::write(&locked, "Locked page\n\nIts text cannot be read.\n").unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        if fs::read(&locked).is_err() {
            tree.unreadable.push("site3/locked.txt".into());
        } else {
            eprintln!("running as root: the chmod 000 case is skipped (root can read the file)");
            fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).unwrap();
            fs::remove_file(&locked).unwrap();
        }
    }
    tree
}

fn run(tree: &Tree, out: &Path, extra: &[&str]) -> std::process::Output {
    husk()
        .arg("clean")
        .arg(&tree.root)
        .arg("-o")
        .arg(out)
        .arg("--follow")
        .args(extra)
        .output()
        .unwrap()
}

/// Every file under `dir`, relative path → bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut map = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            map.insert(
                rel,
                fs::read(e.path()).unwrap_or_else(|_| b"<unreadable>".to_vec()),
            );
        }
    }
    map
}

fn manifest(out: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(out.join("manifest.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let ka: Vec<_> = a.keys().collect();
    let kb: Vec<_> = b.keys().collect();
    assert_eq!(ka, kb, "different file sets");
    for (k, v) in a {
        assert!(v == &b[k], "{k} differs");
    }
}

#[test]
fn a_crawl_is_cleaned_completely_and_deterministically() {
    let tree = build_tree(2100);
    let outs = tempfile::tempdir().unwrap();
    let (one, four) = (outs.path().join("one"), outs.path().join("four"));
    let first = run(&tree, &one, &["--jobs", "1"]);
    assert_eq!(
        first.status.code(),
        Some(1),
        "the unreadable input makes the run exit 1"
    );
    let stderr = String::from_utf8_lossy(&first.stderr);

    // Every readable page produced its articles, with the right titles.
    for (rel, titles) in &tree.good {
        for (k, title) in titles.iter().enumerate() {
            let file = one.join(format!("{rel}.{}.txt", k + 1));
            let text =
                fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert_eq!(
                text.lines().next(),
                Some(title.as_str()),
                "{}",
                file.display()
            );
            assert!(!text.contains("Advertisement") && !text.contains("Continue Reading"));
        }
        assert!(!one.join(format!("{rel}.{}.txt", titles.len() + 1)).exists());
    }
    let w1252 = fs::read_to_string(one.join("site4/2025-05/05/page00004.1.txt")).unwrap();
    assert!(
        w1252.contains("“officials” said, café owner René noted,"),
        "{w1252}"
    );

    // Each bad file has its manifest entry and is counted in the summary.
    let entries = manifest(&one);
    let bad = tree.binary.len() + tree.empty.len() + tree.unreadable.len();
    assert_eq!(entries.len(), tree.good.len() + bad);
    let status_of = |name: &str| {
        let path = tree.root.join(name).display().to_string();
        let e = entries
            .iter()
            .find(|e| e["path"] == path.as_str())
            .unwrap_or_else(|| panic!("no entry for {path}"));
        (
            e["status"].as_str().unwrap().to_string(),
            e["error"].as_str().unwrap_or("").to_string(),
        )
    };
    for b in &tree.binary {
        assert_eq!(status_of(b).0, "skipped-binary");
        assert!(
            stderr.contains(&format!("{}: binary file", tree.root.join(b).display())),
            "{stderr}"
        );
    }
    for e in &tree.empty {
        assert_eq!(status_of(e).0, "skipped-empty");
    }
    for u in &tree.unreadable {
        let (status, error) = status_of(u);
        assert_eq!(status, "failed");
        assert!(error.starts_with("unreadable"), "{error}");
    }
    let cleaned = entries.iter().filter(|e| e["status"] == "cleaned").count();
    assert_eq!(cleaned, tree.good.len());
    let summary_line = format!(
        "husk: {} files: {} cleaned, 4 skipped (2 binary, 2 empty, 0 too large), {n} failed ({n} unreadable)",
        tree.good.len() + bad,
        tree.good.len(),
        n = tree.unreadable.len(),
    );
    assert!(stderr.contains(&summary_line), "{stderr}");
    let paths: Vec<&str> = entries
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "manifest lines are in (sorted) input order");

    // Four threads give a byte-identical tree and manifest.
    let second = run(&tree, &four, &["--jobs", "4"]);
    assert_eq!(second.status.code(), Some(1));
    assert_same_tree(&snapshot(&one), &snapshot(&four));
}

#[test]
fn a_killed_run_leaves_whole_articles_and_resume_completes_it() {
    let tree = build_tree(2000);
    let outs = tempfile::tempdir().unwrap();
    let (full, killed) = (outs.path().join("full"), outs.path().join("killed"));
    run(&tree, &full, &["--jobs", "2"]);
    let reference = snapshot(&full);

    let mut child = husk()
        .arg("clean")
        .arg(&tree.root)
        .arg("-o")
        .arg(&killed)
        .args(["--follow", "--jobs", "1"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once it has recorded its first chunk of inputs.
    let partial = killed.join("manifest.jsonl.partial");
    let deadline = Instant::now() + Duration::from_secs(60);
    while fs::metadata(&partial).map_or(true, |m| m.len() == 0) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let interrupted = snapshot(&killed);
    let articles: Vec<_> = interrupted
        .keys()
        .filter(|k| k.ends_with(".txt") && !k.contains("/.") && !k.starts_with('.'))
        .collect();
    assert!(!articles.is_empty(), "the run had started writing");
    for k in &articles {
        assert!(
            reference.get(*k) == Some(&interrupted[*k]),
            "{k} is partial or wrong"
        );
    }
    assert!(
        !killed.join("manifest.jsonl").exists(),
        "the run was killed before it completed"
    );
    assert!(articles.len() < reference.len());

    let refused = husk()
        .arg("clean")
        .arg(&tree.root)
        .arg("-o")
        .arg(&killed)
        .output()
        .unwrap();
    assert_eq!(
        refused.status.code(),
        Some(2),
        "a non-empty OUT needs --resume or --force"
    );

    let resumed = run(&tree, &killed, &["--resume", "--jobs", "2"]);
    assert_eq!(resumed.status.code(), Some(1));
    assert_same_tree(&reference, &snapshot(&killed));
}

#[test]
fn output_inside_the_input_tree_is_refused_and_inputs_are_untouched() {
    let tree = build_tree(40);
    let before = snapshot(&tree.root);
    let out = tree.root.join("site1/cleaned");
    let result = husk()
        .arg("clean")
        .arg(&tree.root)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("inside the input folder"));
    assert!(!out.exists());

    // A normal run reads the inputs but never changes them.
    let elsewhere = tempfile::tempdir().unwrap();
    run(&tree, &elsewhere.path().join("o"), &[]);
    assert_same_tree(&before, &snapshot(&tree.root));
}

#[test]
fn jsonl_output_holds_the_same_articles_as_files() {
    let tree = build_tree(300);
    let outs = tempfile::tempdir().unwrap();
    let (files, jsonl) = (outs.path().join("files"), outs.path().join("jsonl"));
    run(&tree, &files, &[]);
    run(
        &tree,
        &jsonl,
        &["--format", "jsonl", "--shard-bytes", "100000"],
    );
    let mut from_files = BTreeMap::new();
    for e in manifest(&files) {
        for (k, a) in e["articles"].as_array().unwrap().iter().enumerate() {
            let text = fs::read_to_string(files.join(a["file"].as_str().unwrap())).unwrap();
            from_files.insert((e["path"].as_str().unwrap().to_string(), k + 1), text);
        }
    }
    let mut from_jsonl = BTreeMap::new();
    let mut shards = 0;
    for (name, bytes) in snapshot(&jsonl) {
        if !name.starts_with("articles-") {
            continue;
        }
        shards += 1;
        assert!(bytes.len() <= 100_000, "{name} is over the shard bound");
        for line in String::from_utf8(bytes).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = v["text"].as_str().unwrap().to_string();
            assert_eq!(text.lines().next(), v["title"].as_str());
            from_jsonl.insert(
                (
                    v["source"].as_str().unwrap().to_string(),
                    v["article"].as_u64().unwrap() as usize,
                ),
                text,
            );
        }
    }
    assert!(shards > 1, "the shard bound split the output");
    assert_eq!(from_files, from_jsonl);
}
