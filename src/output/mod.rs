//! What husk writes: article files with predictable names, unified diffs,
//! and the atomic file writes that keep an interrupted run from leaving
//! half an article behind.

mod atomic;
mod diff;
pub use atomic::{Folder, Folders, write_atomic, write_atomic_with};
pub use diff::write_unified_diff;
pub mod shards;

use std::path::Path;

use crate::clean::{Article, Cleaned};

/// The file name of article `n` (1-based) of the page whose stem is `stem`:
/// `page.txt` gives `page.1.txt`, `page.2.txt`, …
pub fn article_file_name(stem: &str, n: usize) -> String {
    // Built by hand: `format!` cost more than the rest of naming a file.
    let mut name = String::with_capacity(stem.len() + 8);
    name.push_str(stem);
    name.push('.');
    if n < 10 {
        name.push(char::from(b'0' + n as u8));
    } else {
        name.push_str(&n.to_string());
    }
    name.push_str(".txt");
    name
}

/// The file name of a page's diff: `page.txt` gives `page.diff`.
pub fn diff_file_name(stem: &str) -> String {
    [stem, ".diff"].concat()
}

/// A path as text, as `Path::display` shows it: without its formatting
/// machinery, which scans the path for invalid UTF-8 chunk by chunk, for
/// the paths that are UTF-8 (nearly all).
pub fn path_text(path: &Path) -> String {
    match path.to_str() {
        Some(s) => s.to_owned(),
        None => path.display().to_string(),
    }
}

/// [`path_text`] of `dir.join(name)`, without building the joined path.
pub fn joined_text(dir: &Path, name: &str) -> String {
    match dir.to_str() {
        Some("") => name.to_owned(),
        Some(d) if !d.ends_with(std::path::is_separator) && !name.is_empty() => {
            let mut s = String::with_capacity(d.len() + 1 + name.len());
            s.push_str(d);
            s.push(std::path::MAIN_SEPARATOR);
            s.push_str(name);
            s
        }
        _ => path_text(&dir.join(name)),
    }
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

/// Appends `n` in decimal, as `Display` writes it, without the
/// formatting machinery (diff hunk headers, manifest numbers).
pub(crate) fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::clean;
    use crate::rules::RuleSet;

    #[test]
    fn names_and_path_texts_are_what_format_and_display_give() {
        for (stem, n) in [("page", 1), ("a.b", 9), ("x", 10), ("", 123)] {
            assert_eq!(article_file_name(stem, n), format!("{stem}.{n}.txt"));
        }
        assert_eq!(diff_file_name("page"), "page.diff");
        for dir in ["", "a", "a/b", "/abs/dir", "a/", "/"] {
            for name in ["page.1.txt", ""] {
                let joined = Path::new(dir).join(name);
                assert_eq!(
                    joined_text(Path::new(dir), name),
                    joined.display().to_string(),
                    "{dir:?} {name:?}"
                );
                assert_eq!(path_text(&joined), joined.display().to_string());
            }
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let odd = Path::new(std::ffi::OsStr::from_bytes(b"d\xffir"));
            assert_eq!(joined_text(odd, "p"), odd.join("p").display().to_string());
            assert_eq!(path_text(odd), odd.display().to_string());
        }
    }

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
    fn decimals_are_written_as_display_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 12345, u64::MAX] {
            let mut out = Vec::new();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }
}
