//! What husk writes: article files with predictable names, unified diffs,
//! and the atomic file writes that keep an interrupted run from leaving
//! half an article behind.

mod diff;
pub use diff::write_unified_diff;
pub mod shards;

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use crate::clean::{Article, Cleaned};

/// The file name of article `n` (1-based) of the page whose stem is `stem`:
/// `page.txt` gives `page.1.txt`, `page.2.txt`, …
pub fn article_file_name(stem: &str, n: usize) -> String {
    format!("{stem}.{n}.txt")
}

/// The file name of a page's diff: `page.txt` gives `page.diff`.
pub fn diff_file_name(stem: &str) -> String {
    format!("{stem}.diff")
}

/// The separator line `husk clean -` writes between articles on stdout: a
/// lone form feed, which can never be an article line (lines are trimmed and
/// a form feed is white space).
pub const STDOUT_SEPARATOR: &str = "\u{c}";

/// Articles as one stream: each rendered, separated by `separator` lines.
pub fn join_articles(articles: &[Article], separator: &str) -> String {
    let mut out = String::new();
    for (i, a) in articles.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
            out.push('\n');
        }
        out.push_str(&a.render());
    }
    out
}

/// A unified diff from the page (line ends normalised to `\n`) to its
/// articles, joined by a blank line, that `patch`, `git apply` and diff
/// viewers read.
pub fn unified_diff(old_name: &str, new_name: &str, page: &str, cleaned: &Cleaned) -> String {
    let mut out = Vec::new();
    write_unified_diff(&mut out, old_name, new_name, page, cleaned).expect("writing to memory");
    String::from_utf8(out).expect("both sides are UTF-8")
}

/// Writes `data` to `path` through a temporary file in the same folder and a
/// rename, so readers never see a partial file.
pub fn write_atomic(path: &Path, data: &[u8]) -> io::Result<()> {
    // One write call: the content is already in memory.
    with_temp_file(path, |f| f.write_all(data))
}

/// Like [`write_atomic`], with the content written by `fill` (buffered).
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    with_temp_file(path, |f| {
        let mut w = io::BufWriter::with_capacity(1 << 16, f);
        fill(&mut w)?;
        w.flush()
    })
}

fn with_temp_file(
    path: &Path,
    fill: impl FnOnce(&mut fs::File) -> io::Result<()>,
) -> io::Result<()> {
    static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let pid = PID.get_or_init(std::process::id);
    let tmp = dir.join(format!(".{name}.husk-{pid}.tmp"));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        // No fsync: the rename guards against interrupted runs, which is
        // what matters here; syncing every article would cost more than
        // cleaning it.
        fill(&mut f)?;
        drop(f);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::clean;
    use crate::rules::RuleSet;

    fn article<'a>(title: &'a str, paras: &[&'a str]) -> Article<'a> {
        Article {
            title: title.into(),
            paragraphs: paras.iter().map(|&p| p.into()).collect(),
            lines: 0..0,
            title_line: 0,
            boundary: None,
            guarded: false,
        }
    }

    #[test]
    fn render_follows_the_conventions() {
        assert_eq!(article("T", &["a", "b"]).render(), "T\n\na\n\nb\n");
        assert_eq!(article("T", &[]).render(), "T\n");
    }

    #[test]
    fn streamed_articles_are_byte_for_byte_the_rendered_ones() {
        for a in [article("T", &["a", "bé"]), article("Title", &[])] {
            let mut streamed = Vec::new();
            a.write_to(&mut streamed).unwrap();
            assert_eq!(streamed, a.render().as_bytes());
            assert_eq!(a.rendered_len(), streamed.len());
        }
    }

    #[test]
    fn joined_articles_are_separated_by_a_form_feed_line() {
        let s = join_articles(
            &[article("A", &["x"]), article("B", &["y"])],
            STDOUT_SEPARATOR,
        );
        assert_eq!(s, "A\n\nx\n\u{c}\nB\n\ny\n");
    }

    #[test]
    fn diff_shows_removed_chrome() {
        let page = "Advertisement\r\nTitle here\r\nBody text.\r\n";
        let rules = RuleSet::default_pack();
        let d = unified_diff("a/p.txt", "b/p.articles.txt", page, &clean(page, &rules));
        assert!(d.starts_with("--- a/p.txt\n+++ b/p.articles.txt\n"), "{d}");
        assert!(d.contains("-Advertisement\n"), "{d}");
        assert!(!d.contains('\r'));
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
