//! Per-page engine speed, single thread: small, median and large pages
//! built from the shipped samples (so the bench needs nothing outside the
//! repository). `cargo bench --bench engine`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use husk::clean::clean;
use husk::rules::RuleSet;

/// A page of about `size` bytes: sample pages (chrome and prose) repeated.
fn page(size: usize) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/raw");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let texts: Vec<String> = names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut out = String::new();
    for t in texts.iter().cycle() {
        if out.len() >= size {
            break;
        }
        out.push_str(&t[..t.len().min(size - out.len() + 200)]);
        out.push('\n');
    }
    out
}

fn engine(c: &mut Criterion) {
    let rules = RuleSet::default_pack();
    let mut group = c.benchmark_group("clean");
    for (name, size) in [
        ("small-2k", 2_000),
        ("median-8k", 8_000),
        ("large-300k", 300_000),
    ] {
        let text = page(size);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| clean(black_box(&text), &rules)));
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
