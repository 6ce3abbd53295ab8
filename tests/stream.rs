//! `husk stream` through the built binary: order, error records, and flat
//! memory over a long stream.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// A record: a page with chrome, its id the record number.
fn record(n: usize) -> String {
    let text = format!(
        "Report {n}: the council meets again\nAdvertisement\nThe council met on day {} to discuss the budget for the river path and the library.\nContinue Reading",
        n % 28 + 1
    );
    serde_json::json!({"id": n, "text": text}).to_string()
}

/// Streams `records` lines through husk (malformed ones every `bad`-th line);
/// checks every output line and returns the peak RSS in KB when measurable.
fn run(records: usize, bad: usize) -> Option<u64> {
    let time = std::path::Path::new("/usr/bin/time").exists();
    let rss_file = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = if time {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(rss_file.path())
            .arg(env!("CARGO_BIN_EXE_husk"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_husk"))
    };
    let mut child = cmd
        .args(["stream", "--batch", "1024"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let mut w = std::io::BufWriter::new(&mut stdin);
        for n in 0..records {
            if bad > 0 && n % bad == bad - 1 {
                writeln!(w, "{{\"id\": {n}, \"text\": ").unwrap();
            } else {
                writeln!(w, "{}", record(n)).unwrap();
            }
        }
    });
    let out = BufReader::new(child.stdout.take().unwrap());
    let mut count = 0;
    for (n, line) in out.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        if bad > 0 && n % bad == bad - 1 {
            assert_eq!(v["line"], n + 1, "error record in place of line {}", n + 1);
            assert!(v["error"].as_str().unwrap().starts_with("not JSON"));
        } else {
            assert_eq!(v["id"], n, "order kept");
            let text = v["articles"][0]["text"].as_str().unwrap();
            assert!(
                text.starts_with(&format!("Report {n}:")) && !text.contains("Advertisement"),
                "{text}"
            );
            assert_eq!(v["dropped"]["ads.label"], 1);
        }
        count += 1;
    }
    writer.join().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(count, records, "one output line per input line");
    time.then(|| {
        std::fs::read_to_string(rss_file.path())
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    })
}

#[test]
fn order_is_kept_and_a_malformed_line_yields_an_error_record() {
    run(5_000, 97);
}

#[test]
fn two_hundred_thousand_records_stream_through_with_flat_memory() {
    let small = run(20_000, 0);
    let large = run(200_000, 1000);
    if let (Some(small), Some(large)) = (small, large) {
        eprintln!("peak RSS: {small} KB for 20,000 records, {large} KB for 200,000");
        assert!(
            large < small * 3 / 2 + 8_000,
            "memory grew with the stream: {small} KB -> {large} KB"
        );
    }
}
