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

/// A WET file: a warcinfo record, then conversion records with their URLs.
fn wet(pages: &[(&str, &str)]) -> Vec<u8> {
    let mut w = warc::WarcWriter::new(std::io::BufWriter::new(Vec::new()));
    let mut info = warc::Record::<warc::EmptyBody>::with_body(b"software: test\r\n".to_vec());
    info.set_warc_type(warc::RecordType::WarcInfo);
    w.write(&info).unwrap();
    for (url, text) in pages {
        let mut r = warc::Record::<warc::EmptyBody>::with_body(text.as_bytes().to_vec());
        r.set_warc_type(warc::RecordType::Conversion);
        r.set_header(warc::WarcHeader::TargetURI, *url).unwrap();
        r.set_header(warc::WarcHeader::ContentType, "text/plain")
            .unwrap();
        w.write(&r).unwrap();
    }
    w.into_inner().unwrap()
}

#[test]
fn a_wet_file_gives_each_record_its_articles_and_url() {
    let dir = tempfile::tempdir().unwrap();
    let second = "Mill to close in June\nAdvertisement\nThe old mill will close in June, its owners said on Monday.\n";
    let data = wet(&[
        ("https://valley.example/ferry", PAGE),
        ("https://valley.example/mill", second),
    ]);
    fs::write(dir.path().join("CC-MAIN-0001.warc.wet.gz"), gzip(&data)).unwrap();
    let (files, shards) = (dir.path().join("files"), dir.path().join("shards"));
    for (out, extra) in [(&files, None), (&shards, Some("jsonl"))] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_husk"));
        cmd.args(["clean", "-q"])
            .arg(dir.path().join("CC-MAIN-0001.warc.wet.gz"))
            .arg("-o")
            .arg(out);
        if let Some(f) = extra {
            cmd.args(["--format", f]);
        }
        assert!(cmd.status().unwrap().success());
    }
    assert_eq!(
        fs::read_to_string(files.join("CC-MAIN-0001/1.1.txt")).unwrap(),
        ARTICLE
    );
    assert!(
        fs::read_to_string(files.join("CC-MAIN-0001/2.1.txt"))
            .unwrap()
            .starts_with("Mill to close in June\n")
    );
    let entry: serde_json::Value = serde_json::from_str(
        fs::read_to_string(files.join("manifest.jsonl"))
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(entry["compression"], "gzip");
    assert_eq!(
        entry["articles"][0]["source"],
        "https://valley.example/ferry"
    );
    assert_eq!(
        entry["articles"][1]["source"],
        "https://valley.example/mill"
    );
    let shard = fs::read_to_string(shards.join("articles-00000.jsonl")).unwrap();
    let sources: Vec<String> = shard
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["source"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        sources,
        [
            "https://valley.example/ferry",
            "https://valley.example/mill"
        ]
    );
}
