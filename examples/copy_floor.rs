//! The benchmark's copy floor: walks a tree, reads every file and writes it
//! unchanged under the output folder, in parallel — the least work any
//! cleaner of the same tree must do.
//!
//! `copy_floor SRC DST --jobs N`

use std::fs;
use std::path::Path;

use rayon::prelude::*;
use walkdir::WalkDir;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(src), Some(dst)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: copy_floor SRC DST [--jobs N]");
        std::process::exit(2);
    };
    let jobs = args
        .iter()
        .position(|a| a == "--jobs")
        .and_then(|i| args.get(i + 1))
        .map_or(0, |n| n.parse().expect("--jobs N"));
    let files: Vec<_> = WalkDir::new(src)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("thread pool");
    pool.install(|| {
        files.par_iter().for_each(|f| {
            let rel = f.strip_prefix(src).expect("under SRC");
            let out = Path::new(dst).join(rel);
            fs::create_dir_all(out.parent().expect("a parent")).expect("create folder");
            let data = fs::read(f).expect("read");
            fs::write(&out, data).expect("write");
        })
    });
}
