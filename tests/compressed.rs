//! Compressed inputs are read transparently: gzip and zstd pages in
//! `husk clean`, a `.jsonl.zst` stream in `husk stream`.

use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};

const PAGE: &str = "Harbour ferry returns | Valley Post\n\nAdvertisement\n\nThe harbour ferry resumed its daily crossings on Saturday after a three-month winter break.\n\nContinue Reading\n";
const ARTICLE: &str = "Harbour ferry returns\n\nThe harbour ferry resumed its daily crossings on Saturday after a three-month winter break.\n";

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn gzip_and_zstd_pages_clean_like_plain_ones() {
    let dir = tempfile::tempdir().unwrap();
    let crawl = dir.path().join("crawl");
    fs::create_dir_all(&crawl).unwrap();
    fs::write(crawl.join("plain.txt"), PAGE).unwrap();
    fs::write(crawl.join("packed.txt.gz"), gzip(PAGE.as_bytes())).unwrap();
    fs::write(
        crawl.join("squeezed.txt.zst"),
        zstd::encode_all(PAGE.as_bytes(), 3).unwrap(),
    )
    .unwrap();
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_husk"))
        .args(["clean", "-q"])
        .arg(&crawl)
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    for stem in ["plain", "packed", "squeezed"] {
        assert_eq!(
            fs::read_to_string(out.join(format!("{stem}.1.txt"))).unwrap(),
            ARTICLE,
            "{stem}"
        );
    }
    let manifest = fs::read_to_string(out.join("manifest.jsonl")).unwrap();
    let entries: Vec<serde_json::Value> = manifest
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let compression: Vec<&str> = entries
        .iter()
        .map(|e| e["compression"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(compression, ["gzip", "none", "zstd"], "{manifest}");
}

#[test]
fn a_corrupt_archive_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut broken = gzip(PAGE.as_bytes());
    broken.truncate(broken.len() / 2);
    fs::write(dir.path().join("broken.txt.gz"), broken).unwrap();
    fs::write(dir.path().join("fine.txt"), PAGE).unwrap();
    let out = dir.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_husk"))
        .args(["clean", "-q"])
        .arg(dir.path().join("broken.txt.gz"))
        .arg(dir.path().join("fine.txt"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("corrupt gzip data"));
    assert_eq!(fs::read_to_string(out.join("fine.1.txt")).unwrap(), ARTICLE);
}

#[test]
fn a_jsonl_zst_stream_is_cleaned() {
    let records: String = (0..50)
        .map(|n| format!("{}\n", serde_json::json!({"id": n, "text": PAGE})))
        .collect();
    let packed = zstd::encode_all(records.as_bytes(), 3).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_husk"))
        .arg("stream")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&packed).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 50);
    for (n, v) in lines.iter().enumerate() {
        assert_eq!(v["id"], n);
        assert_eq!(v["articles"][0]["text"], ARTICLE);
    }
}
