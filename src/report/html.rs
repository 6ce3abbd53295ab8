//! Renders [`ReportData`] as one self-contained HTML page: inline CSS and a
//! little inline JavaScript (the rule filter), no external assets of any
//! kind, so the file can be mailed, archived or opened offline.
//!
//! Every figure of the run sits in an element with a stable id
//! (`fig-seen`, `fig-bytes-in`, …) whose text is the exact number, so tools
//! and tests can read the report back. Page views are plain DOM (one `div`
//! per line, no per-line script), and the rule filter works by swapping one
//! generated style rule, so reports with many thousands of lines stay quick.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use super::{FileRow, LineKind, PageView, ReportData, ViewLine};
use crate::batch::Status;

/// Rows of the files table; the rest are counted in a note.
const MAX_FILE_ROWS: usize = 2000;
/// Lines shown per page view; the rest are counted in a note.
const MAX_VIEW_LINES: usize = 20_000;
/// Characters shown per line of a page view.
const MAX_LINE_CHARS: usize = 4000;

/// Escapes `s` for HTML text and for quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_into(&mut out, s);
    out
}

fn escape_into(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// Page text as shown in a view: control characters become their visible
/// Unicode pictures (a form feed shows as `␌`), very long lines are cut, and
/// everything is escaped.
fn page_text_into(out: &mut String, s: &str) {
    let (shown, cut) = match s.char_indices().nth(MAX_LINE_CHARS) {
        Some((at, _)) => (&s[..at], s.len() - at),
        None => (s, 0),
    };
    if shown.chars().any(|c| c.is_control() && c != '\t') {
        let visible: String = shown
            .chars()
            .map(|c| match c {
                '\t' => c,
                '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
                '\u{7f}' => '\u{2421}',
                c if c.is_control() => '\u{fffd}',
                c => c,
            })
            .collect();
        escape_into(out, &visible);
    } else {
        escape_into(out, shown);
    }
    if cut > 0 {
        let _ = write!(out, "<span class=\"cut\">… {cut} more bytes</span>");
    }
}

/// 32-bit FNV-1a: a stable hash, so a rule keeps its colour across runs
/// and rule sets.
fn fnv1a(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The hue (0–359) of a rule's colour.
pub fn rule_hue(id: &str) -> u32 {
    fnv1a(id) % 360
}

/// Every rule id the report mentions, each with a short CSS class (`r0`,
/// `r1`, …; rule ids may hold `.`, which a class selector would need to
/// escape).
struct Palette {
    ids: Vec<String>,
    index: HashMap<String, usize>,
}

impl Palette {
    fn new(data: &ReportData) -> Palette {
        let mut all: Vec<String> = data.rules.keys().cloned().collect();
        all.extend(data.summary.dropped.keys().cloned());
        for v in &data.views {
            all.extend(v.lines.iter().filter_map(|l| l.rule.clone()));
        }
        all.sort();
        all.dedup();
        let index = all
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        Palette { ids: all, index }
    }

    fn class(&self, id: &str) -> String {
        format!("r{}", self.index[id])
    }

    fn css(&self) -> String {
        let mut css = String::new();
        for (i, id) in self.ids.iter().enumerate() {
            let h = fnv1a(id);
            // Hue from the hash; a second part of it varies the badge's
            // lightness, so rules of similar hue still tell apart.
            let _ = write!(
                css,
                ".r{i}{{--h:{};--l:{}%}}",
                rule_hue(id),
                24 + 6 * ((h >> 12) % 3)
            );
        }
        css
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// A size for people: `812 B`, `12.4 kB`, `3.2 MB`.
fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if bytes < 1000 {
        format!("{bytes} B")
    } else if b < 1e6 {
        format!("{:.1} kB", b / 1e3)
    } else if b < 1e9 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.2} GB", b / 1e9)
    }
}

fn percent(share: f64) -> String {
    format!("{:.1}%", 100.0 * share)
}

/// An id fragment made of `[a-z0-9-]` only.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The length of the folder prefix all `paths` share (through its last `/`
/// or `\`), so tables can show shorter paths.
fn common_dir<'a>(paths: impl IntoIterator<Item = &'a str>) -> usize {
    let mut paths = paths.into_iter();
    let Some(first) = paths.next() else { return 0 };
    let mut len = first.len();
    for p in paths {
        len = first.as_bytes()[..len]
            .iter()
            .zip(p.as_bytes())
            .take_while(|(a, b)| a == b)
            .count();
    }
    first.as_bytes()[..len]
        .iter()
        .rposition(|b| matches!(b, b'/' | b'\\'))
        .map_or(0, |i| i + 1)
}

/// Paths as the tables show them: without the folder they all share (the
/// full path is in a tooltip).
struct Paths<'a> {
    prefix: &'a str,
}

impl Paths<'_> {
    fn short<'p>(&self, path: &'p str) -> &'p str {
        path.strip_prefix(self.prefix).unwrap_or(path)
    }

    fn note(&self) -> String {
        if self.prefix.is_empty() {
            String::new()
        } else {
            format!(
                " Paths are relative to <code>{}</code>.",
                escape(self.prefix)
            )
        }
    }
}

/// The report as a complete HTML document (no external assets).
pub fn render(data: &ReportData) -> String {
    let palette = Palette::new(data);
    // Lines each rule touched in the page views shown.
    let mut in_views: BTreeMap<&str, usize> = BTreeMap::new();
    for v in &data.views {
        for l in &v.lines {
            if let Some(r) = &l.rule {
                *in_views.entry(r.as_str()).or_default() += 1;
            }
        }
    }
    let files = data.files.iter().map(|f| f.path.as_str());
    let strip = common_dir(files.chain(data.views.iter().map(|v| v.path.as_str())));
    let first = data
        .files
        .first()
        .map(|f| f.path.as_str())
        .or(data.views.first().map(|v| v.path.as_str()))
        .unwrap_or("");
    let paths = Paths {
        prefix: &first[..strip],
    };
    let view_of: HashMap<&str, usize> = data
        .views
        .iter()
        .enumerate()
        .map(|(i, v)| (v.path.as_str(), i + 1))
        .rev()
        .collect();

    let mut out = String::with_capacity(
        64 * 1024
            + data.files.len().min(MAX_FILE_ROWS) * 400
            + data
                .views
                .iter()
                .map(|v| v.lines.len() * 120)
                .sum::<usize>(),
    );
    out.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>husk report</title>\n<style>\n");
    out.push_str(CSS);
    out.push_str(&palette.css());
    out.push_str("\n</style>\n<style id=\"filter-style\"></style>\n</head>\n<body>\n");

    toolbar(&mut out, data, &palette, &in_views);
    out.push_str("<main>\n");
    header(&mut out, data);
    rules_table(&mut out, data, &palette, &in_views);
    files_table(&mut out, &data.files, &view_of, &paths);
    views(&mut out, data, &palette, &paths);
    out.push_str("</main>\n<script>\n");
    out.push_str(JS);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

fn toolbar(
    out: &mut String,
    data: &ReportData,
    palette: &Palette,
    in_views: &BTreeMap<&str, usize>,
) {
    out.push_str("<nav class=\"bar\"><span class=\"brand\">husk report</span>");
    out.push_str("<a href=\"#rules\">Rules</a><a href=\"#files\">Files</a>");
    let _ = write!(
        out,
        "<a href=\"#views\">Page views ({})</a>",
        data.views.len()
    );
    out.push_str("<label class=\"filter\">Filter by rule <select id=\"rule-filter\">");
    out.push_str("<option value=\"\">all rules</option>");
    // Most lines first: the rules worth looking at are at the top.
    let mut rules: Vec<(&str, usize)> = in_views.iter().map(|(r, n)| (*r, *n)).collect();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (id, n) in rules {
        let _ = write!(
            out,
            "<option value=\"{}\" data-id=\"{}\">{} ({n} lines)</option>",
            palette.class(id),
            escape(id),
            escape(id)
        );
    }
    out.push_str("</select></label><span id=\"filter-info\" class=\"muted\"></span></nav>\n");
}

/// One summary card; `value_id` holds the figure, `extra` goes below it.
fn card(
    out: &mut String,
    label: &str,
    value_id: &str,
    value: &str,
    unit: &str,
    extra: &str,
    class: &str,
) {
    let _ = writeln!(
        out,
        "<div class=\"card {class}\"><div class=\"label\">{label}</div>\
         <div class=\"big\"><span id=\"{value_id}\">{value}</span>{unit}</div>\
         <div class=\"sub\">{extra}</div></div>"
    );
}

fn header(out: &mut String, data: &ReportData) {
    let s = &data.summary;
    let skipped_binary = s.count(Status::SkippedBinary);
    let skipped_empty = s.count(Status::SkippedEmpty);
    let skipped_large = s.count(Status::SkippedTooLarge);
    let skipped = skipped_binary + skipped_empty + skipped_large;
    let failed = s.count(Status::Failed);
    let secs = data.wall_seconds.max(1e-9);

    let _ = writeln!(
        out,
        "<header class=\"top\"><h1>husk report</h1><p class=\"muted\">husk {} · {} files seen, {} articles written, {} of cleaned text removed in {:.2} s</p></header>",
        env!("CARGO_PKG_VERSION"),
        s.seen,
        s.articles,
        percent(s.removed_share()),
        data.wall_seconds
    );
    out.push_str("<section class=\"cards\" id=\"figures\">\n");
    let mut seen_extra = String::new();
    if s.resumed > 0 {
        let _ = write!(
            seen_extra,
            "<span id=\"fig-resumed\">{}</span> taken over from an earlier run<br>",
            s.resumed
        );
    }
    let _ = write!(
        seen_extra,
        "<span id=\"fig-warnings\">{}</span> with invalid bytes replaced",
        s.warnings
    );
    card(
        out,
        "Files seen",
        "fig-seen",
        &s.seen.to_string(),
        "",
        &seen_extra,
        "",
    );
    card(
        out,
        "Cleaned",
        "fig-cleaned",
        &s.count(Status::Cleaned).to_string(),
        "",
        "",
        "ok",
    );
    card(
        out,
        "Skipped",
        "fig-skipped",
        &skipped.to_string(),
        "",
        &format!(
            "<span id=\"fig-skipped-binary\">{skipped_binary}</span> binary<br>\
             <span id=\"fig-skipped-empty\">{skipped_empty}</span> empty<br>\
             <span id=\"fig-skipped-too-large\">{skipped_large}</span> too large"
        ),
        if skipped > 0 { "warn" } else { "" },
    );
    let mut reasons = String::new();
    for (reason, n) in &s.failures {
        if !reasons.is_empty() {
            reasons.push_str(" · ");
        }
        let _ = write!(
            reasons,
            "<span id=\"fig-failed-{}\">{n}</span> {}",
            slug(reason),
            escape(reason)
        );
    }
    if reasons.is_empty() {
        reasons.push_str("none");
    }
    card(
        out,
        "Failed",
        "fig-failed",
        &failed.to_string(),
        "",
        &reasons,
        if failed > 0 { "bad" } else { "" },
    );
    card(
        out,
        "Articles",
        "fig-articles",
        &s.articles.to_string(),
        "",
        "",
        "",
    );
    card(
        out,
        "In",
        "fig-mb-in",
        &format!("{:.2}", mb(s.bytes_in)),
        "<small> MB</small>",
        &format!("<span id=\"fig-bytes-in\">{}</span> bytes", s.bytes_in),
        "",
    );
    card(
        out,
        "Out",
        "fig-mb-out",
        &format!("{:.2}", mb(s.bytes_out)),
        "<small> MB</small>",
        &format!("<span id=\"fig-bytes-out\">{}</span> bytes", s.bytes_out),
        "",
    );
    card(
        out,
        "Removed",
        "fig-removed-share",
        &percent(s.removed_share()),
        "",
        &format!(
            "of the <span id=\"fig-bytes-cleaned-in\">{}</span> bytes of cleaned files",
            s.bytes_cleaned_in
        ),
        "accent",
    );
    card(
        out,
        "Wall time",
        "fig-wall-seconds",
        &format!("{:.2}", data.wall_seconds),
        "<small> s</small>",
        &format!(
            "<span id=\"fig-mb-per-s\">{:.1}</span> MB/s",
            mb(s.bytes_in) / secs
        ),
        "",
    );
    out.push_str("</section>\n");
}

fn rule_chip(out: &mut String, palette: &Palette, id: &str) {
    let class = palette.class(id);
    let _ = write!(
        out,
        "<button type=\"button\" class=\"chip {class}\" data-rule=\"{class}\" title=\"Show only what this rule touched\">{}</button>",
        escape(id)
    );
}

fn rules_table(
    out: &mut String,
    data: &ReportData,
    palette: &Palette,
    in_views: &BTreeMap<&str, usize>,
) {
    let dropped = &data.summary.dropped;
    let total: usize = dropped.values().sum();
    let max = dropped.values().copied().max().unwrap_or(0).max(1);
    let mut fired: Vec<(&str, usize)> = dropped
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(id, n)| (id.as_str(), *n))
        .collect();
    fired.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let idle: Vec<&str> = data
        .rules
        .keys()
        .map(String::as_str)
        .filter(|id| dropped.get(*id).copied().unwrap_or(0) == 0)
        .collect();

    let _ = writeln!(
        out,
        "<section id=\"rules\"><h2>Rules by lines dropped</h2>\
         <p class=\"muted\">{} lines dropped by {} of {} rules. Click a rule to show only the lines it touched.</p>",
        total,
        fired.len(),
        data.rules.len()
    );
    out.push_str(
        "<table class=\"grid rules\"><thead><tr><th>Rule</th><th class=\"num\">Lines dropped</th>\
         <th class=\"num\">Share</th><th class=\"num\" title=\"Lines the rule dropped, cut or rewrote in the page views below\">In views</th>\
         <th>Description</th><th>Defined at</th></tr></thead><tbody>\n",
    );
    let row = |out: &mut String, id: &str, n: usize| {
        let (desc, origin) = match data.rules.get(id) {
            Some((d, o)) => (escape(d), escape(o)),
            None => (
                "<em>not in the loaded rules (recorded by an earlier run)</em>".to_string(),
                "—".to_string(),
            ),
        };
        let class = palette.class(id);
        let _ = write!(
            out,
            "<tr class=\"{class}{}\" id=\"rule-{}\"><td>",
            if n == 0 { " idle" } else { "" },
            escape(id)
        );
        rule_chip(out, palette, id);
        let _ = writeln!(
            out,
            "</td><td class=\"num\"><span class=\"hbar\"><i style=\"width:{:.1}%\"></i></span><span class=\"cnt\" id=\"dropped-{}\">{n}</span></td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"desc\" title=\"{desc}\">{desc}</td><td class=\"loc\">{origin}</td></tr>",
            100.0 * n as f64 / max as f64,
            escape(id),
            if total == 0 {
                "—".to_string()
            } else {
                percent(n as f64 / total as f64)
            },
            in_views.get(id).copied().unwrap_or(0),
        );
    };
    for (id, n) in &fired {
        row(out, id, *n);
    }
    if !idle.is_empty() {
        let _ = writeln!(
            out,
            "<tr class=\"sep\"><td colspan=\"6\">{} rules dropped nothing in this run</td></tr>",
            idle.len()
        );
    }
    for id in idle {
        row(out, id, 0);
    }
    out.push_str("</tbody></table></section>\n");
}

/// Failed files first (they need attention), then cleaned files by share
/// removed (most first), then skipped files; paths ascending within each.
fn file_order(a: &FileRow, b: &FileRow) -> std::cmp::Ordering {
    let group = |r: &FileRow| match r.status {
        Status::Failed => 0,
        Status::Cleaned => 1,
        _ => 2,
    };
    group(a)
        .cmp(&group(b))
        .then_with(|| match a.status {
            Status::Cleaned => b.removed_share.total_cmp(&a.removed_share),
            _ => std::cmp::Ordering::Equal,
        })
        .then_with(|| a.path.cmp(&b.path))
}

fn files_table(out: &mut String, files: &[FileRow], view_of: &HashMap<&str, usize>, paths: &Paths) {
    let mut rows: Vec<&FileRow> = files.iter().collect();
    rows.sort_by(|a, b| file_order(a, b));
    let shown = rows.len().min(MAX_FILE_ROWS);
    let _ = writeln!(
        out,
        "<section id=\"files\"><h2>Files by share removed</h2>\
         <p class=\"muted\">Failed files first, then cleaned files by the share of their text removed, then skipped files. \
         Linked paths have a page view below.{}</p>",
        paths.note()
    );
    out.push_str(
        "<table class=\"grid files\"><thead><tr><th class=\"num\">#</th><th>File</th><th>Status</th>\
         <th>Removed</th><th class=\"num\">In</th><th class=\"num\">Out</th><th class=\"num\">Articles</th>\
         <th>Note</th></tr></thead><tbody>\n",
    );
    for (i, r) in rows[..shown].iter().enumerate() {
        let status = r.status.as_str();
        let _ = write!(
            out,
            "<tr class=\"st-{status}\"><td class=\"num muted\">{}</td><td class=\"path\" title=\"{}\">",
            i + 1,
            escape(&r.path)
        );
        let short = escape(paths.short(&r.path));
        match view_of.get(r.path.as_str()) {
            Some(v) => {
                let _ = write!(out, "<a href=\"#view-{v}\">{short}</a>");
            }
            None => out.push_str(&short),
        }
        let _ = write!(
            out,
            "</td><td><span class=\"status\">{status}</span></td><td class=\"share\">"
        );
        if r.status == Status::Cleaned {
            let _ = write!(
                out,
                "<span class=\"hbar\"><i style=\"width:{:.1}%\"></i></span>{}",
                100.0 * r.removed_share.clamp(0.0, 1.0),
                percent(r.removed_share)
            );
        } else {
            out.push_str("<span class=\"muted\">—</span>");
        }
        let _ = writeln!(
            out,
            "</td><td class=\"num\" title=\"{} bytes\">{}</td><td class=\"num\" title=\"{} bytes\">{}</td><td class=\"num\">{}</td><td class=\"note\">{}</td></tr>",
            r.bytes_in,
            human(r.bytes_in),
            r.bytes_out,
            human(r.bytes_out),
            r.articles,
            r.error.as_deref().map(escape).unwrap_or_default()
        );
    }
    out.push_str("</tbody></table>\n");
    if rows.len() > shown {
        let _ = writeln!(
            out,
            "<p class=\"callout\" id=\"files-note\">{} more files are left out of this table; the manifest lists every file.</p>",
            rows.len() - shown
        );
    }
    out.push_str("</section>\n");
}

fn views(out: &mut String, data: &ReportData, palette: &Palette, paths: &Paths) {
    let _ = writeln!(out, "<section id=\"views\"><h2>Page views</h2>");
    if let Some(note) = &data.views_note {
        let _ = writeln!(
            out,
            "<p class=\"callout\" id=\"views-note\">{}</p>",
            escape(note)
        );
    }
    if data.views.is_empty() {
        out.push_str("<p class=\"muted\">No page was cleaned, so there is nothing to show.</p>\n");
    } else {
        out.push_str(&format!(
            "<p class=\"legend muted\">Each page as it was read, one row per line: \
             <s class=\"ex dropped\">dropped lines</s> carry the tint and name of their rule, \
             <b>titles</b> are bold, rewritten lines show their new text. Click a page to open it.{}</p>\n",
            paths.note()
        ));
    }
    for (i, view) in data.views.iter().enumerate() {
        page_view(out, i + 1, view, palette, paths);
    }
    out.push_str("</section>\n");
}

fn page_view(out: &mut String, n: usize, view: &PageView, palette: &Palette, paths: &Paths) {
    let mut touched: BTreeMap<&str, usize> = BTreeMap::new();
    let mut dropped = 0;
    let mut articles = 0;
    for l in &view.lines {
        if let Some(r) = &l.rule {
            *touched.entry(r.as_str()).or_default() += 1;
        }
        dropped += usize::from(matches!(l.verdict, LineKind::Dropped | LineKind::Boundary));
        articles = articles.max(l.article.unwrap_or(0));
    }
    let classes: Vec<String> = touched.keys().map(|id| palette.class(id)).collect();
    let _ = write!(
        out,
        "<details class=\"view\" id=\"view-{n}\" data-rules=\"{}\"><summary>\
         <span class=\"vpath\" title=\"{}\">{}</span><span class=\"vshare{}\">{} removed</span>\
         <span class=\"muted\">{} lines · {dropped} dropped · {articles} article{}</span><span class=\"vchips\">",
        classes.join(" "),
        escape(&view.path),
        escape(paths.short(&view.path)),
        if view.removed_share > 0.0 {
            ""
        } else {
            " zero"
        },
        percent(view.removed_share),
        view.lines.len(),
        if articles == 1 { "" } else { "s" }
    );
    let mut by_count: Vec<(&str, usize)> = touched.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (id, k) in by_count {
        let _ = write!(
            out,
            "<span class=\"tag {}\">{} <b>{k}</b></span>",
            palette.class(id),
            escape(id)
        );
    }
    out.push_str("</span></summary>\n<div class=\"page\">\n");
    let shown = view.lines.len().min(MAX_VIEW_LINES);
    let lines = &view.lines[..shown];
    // The header a boundary rule cut belongs to no article; it opens the
    // next one, so the article's divider goes above it.
    let mut opens = vec![None; lines.len()];
    let mut next = None;
    for (i, line) in lines.iter().enumerate().rev() {
        match line.verdict {
            LineKind::Boundary => opens[i] = line.article.or(next),
            LineKind::Blank => {}
            _ => opens[i] = line.article,
        }
        next = opens[i].or(next);
    }
    let mut article = None;
    let mut in_header = false;
    for (i, line) in lines.iter().enumerate() {
        if opens[i].is_some() && opens[i] != article {
            if articles > 1 {
                let _ = writeln!(
                    out,
                    "<div class=\"art\">article {}</div>",
                    opens[i].unwrap_or(0)
                );
            }
            article = opens[i];
        }
        let first_of_header = line.verdict == LineKind::Boundary && !in_header;
        if line.verdict != LineKind::Blank {
            in_header = line.verdict == LineKind::Boundary;
        }
        view_line(out, i + 1, line, palette, first_of_header);
    }
    if view.lines.len() > shown {
        let _ = writeln!(
            out,
            "<div class=\"more\">… {} more lines not shown</div>",
            view.lines.len() - shown
        );
    }
    out.push_str("</div></details>\n");
}

/// One line of a page view; `first_of_header` marks the first line of an
/// article header a boundary rule cut.
fn view_line(
    out: &mut String,
    n: usize,
    line: &ViewLine,
    palette: &Palette,
    first_of_header: bool,
) {
    let kind = match line.verdict {
        LineKind::Blank => "e",
        LineKind::Kept if line.rewritten.is_some() => "k w",
        LineKind::Kept => "k",
        LineKind::Title if line.rewritten.is_some() => "t w",
        LineKind::Title => "t",
        LineKind::Dropped => "d",
        LineKind::Boundary if first_of_header => "d x",
        LineKind::Boundary => "d",
    };
    let rule_class = line.rule.as_deref().map(|r| palette.class(r));
    let _ = write!(out, "<div class=\"L {kind}");
    if let Some(c) = &rule_class {
        let _ = write!(out, " {c} on");
    }
    let _ = write!(out, "\"><span class=\"n\">{n}</span>");
    match line.verdict {
        LineKind::Dropped | LineKind::Boundary => {
            out.push_str("<s class=\"t\">");
            page_text_into(out, &line.text);
            out.push_str("</s>");
        }
        _ => match &line.rewritten {
            Some(new) => {
                out.push_str("<span class=\"t\"><ins>");
                page_text_into(out, new);
                out.push_str("</ins><del>");
                page_text_into(out, &line.text);
                out.push_str("</del></span>");
            }
            None => {
                out.push_str("<span class=\"t\">");
                page_text_into(out, &line.text);
                out.push_str("</span>");
            }
        },
    }
    if let Some(rule) = &line.rule {
        let what = match line.verdict {
            LineKind::Boundary if first_of_header => "new article: ",
            LineKind::Title => "title: ",
            _ => "",
        };
        let _ = write!(out, "<span class=\"b\">{what}{}</span>", escape(rule));
    }
    out.push_str("</div>\n");
}

const CSS: &str = r#"
:root{--ink:#1c2430;--muted:#667085;--line:#e4e7ec;--bg:#f6f7f9;--card:#fff;--accent:#2f5bd3;
--sans:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;
--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace}
*{box-sizing:border-box}
html{scroll-padding-top:56px}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 var(--sans)}
main{max-width:1320px;margin:0 auto;padding:8px 24px 80px}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
h1{font-size:26px;margin:0 0 2px;letter-spacing:-.01em}
h2{font-size:18px;margin:36px 0 4px}
.muted{color:var(--muted)}
.bar{position:sticky;top:0;z-index:5;display:flex;gap:18px;align-items:center;padding:9px 24px;
background:#fff;border-bottom:1px solid var(--line);box-shadow:0 1px 3px rgba(16,24,40,.05)}
.bar .brand{font-weight:700}
.bar .filter{margin-left:auto;color:var(--muted)}
.bar select{font:inherit;padding:3px 6px;border:1px solid #cfd4dc;border-radius:6px;background:#fff;color:var(--ink);max-width:340px}
.top{padding:18px 0 10px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(124px,1fr));gap:10px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px 12px;border-top:4px solid #cfd4dc}
.card.ok{border-top-color:#2e9d5b}.card.warn{border-top-color:#d99a1e}.card.bad{border-top-color:#d64545}
.card.accent{border-top-color:var(--accent)}
.card .label{font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;white-space:nowrap;color:var(--muted);font-weight:600}
.card .big{font-size:28px;font-weight:650;font-variant-numeric:tabular-nums;line-height:1.2;margin:2px 0}
.card .big small{font-size:15px;font-weight:500;color:var(--muted)}
.card .sub{font-size:12px;color:var(--muted);font-variant-numeric:tabular-nums}
.card.bad .big{color:#b42318}
table.grid{width:100%;border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:10px;overflow:hidden;margin-top:10px}
.grid th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);
background:#fafbfc;border-bottom:1px solid var(--line);padding:7px 10px;font-weight:600}
.grid td{padding:5px 10px;border-bottom:1px solid #f0f2f5;vertical-align:top}
.grid tr:last-child td{border-bottom:0}
.grid .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.grid .loc{font-family:var(--mono);font-size:12px;color:var(--muted);white-space:nowrap}
.rules tr.idle td{color:#98a2b3;padding-top:2px;padding-bottom:2px}
.rules tr.idle td.desc{max-width:0;width:45%;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.rules tr.idle .chip{background:#f2f4f7;color:#98a2b3;border-color:#e4e7ec}
.rules tr.sep td{background:#fafbfc;color:var(--muted);font-size:12px;padding:4px 10px}
.hbar{display:inline-block;width:70px;height:7px;background:#eef0f3;border-radius:4px;margin-right:8px;vertical-align:middle;overflow:hidden}
.hbar i{display:block;height:100%;background:#7a8699;border-radius:4px}
.rules .hbar i{background:hsl(var(--h) 55% 45%)}
.rules .cnt{display:inline-block;min-width:6ch}
.files .share{white-space:nowrap;font-variant-numeric:tabular-nums}
.files .share .hbar i{background:#d65f45}
.files .path{font-family:var(--mono);font-size:12.5px;overflow-wrap:anywhere}
code{font-family:var(--mono);font-size:12.5px;background:#eef0f3;padding:0 4px;border-radius:4px;overflow-wrap:anywhere}
.files .note{color:#b42318;font-size:12.5px}
.status{display:inline-block;font-size:11.5px;padding:0 7px;border-radius:9px;background:#eef0f3;color:#475467;white-space:nowrap}
.st-cleaned .status{background:#e3f4ea;color:#1e6e41}
.st-failed .status{background:#fde8e8;color:#b42318}
.st-failed td{background:#fff8f7}
.st-skipped-binary .status,.st-skipped-empty .status,.st-skipped-too-large .status{background:#fdf3dd;color:#8a5a00}
.chip,.tag{display:inline-block;font:12px/1.5 var(--mono);padding:0 7px;border-radius:5px;white-space:nowrap;
background:hsl(var(--h) 80% 93%);color:hsl(var(--h) 65% 24%);border:1px solid hsl(var(--h) 55% 78%)}
.chip{cursor:pointer}.chip:hover{border-color:hsl(var(--h) 55% 45%)}
.tag{margin:0 4px 2px 0}.tag b{font-weight:700}
.callout{background:#fff7e0;border:1px solid #f2d48a;border-left:4px solid #d99a1e;border-radius:8px;padding:9px 13px;margin:10px 0;font-weight:500}
.legend{margin:6px 0 10px}
s.ex{text-decoration:line-through;background:#fde7e2;padding:0 4px;border-radius:3px}
details.view{background:#fff;border:1px solid var(--line);border-radius:10px;margin:8px 0}
details.view[open]{box-shadow:0 2px 8px rgba(16,24,40,.07)}
details.view>summary{cursor:pointer;padding:9px 14px;display:flex;flex-wrap:wrap;gap:4px 14px;align-items:baseline;list-style-position:outside}
details.view>summary::marker{color:var(--muted)}
details.view[open]>summary{border-bottom:1px solid var(--line);position:sticky;top:43px;background:#fff;z-index:2;border-radius:10px 10px 0 0}
.vpath{font-family:var(--mono);font-weight:600;font-size:13px;overflow-wrap:anywhere}
.vshare{font-weight:650;color:#b42318;}.vshare.zero{color:var(--muted);font-variant-numeric:tabular-nums}
.vchips{flex-basis:100%;padding-left:0}
.page{padding:6px 0 10px;font-size:13.5px;line-height:1.45}
.L{display:grid;grid-template-columns:52px minmax(0,1fr) auto;column-gap:10px;padding:1px 14px 1px 0;border-left:4px solid transparent}
.L .n{font:11.5px/1.9 var(--mono);color:#98a2b3;text-align:right;user-select:none;-webkit-user-select:none}
.L .t{white-space:pre-wrap;overflow-wrap:anywhere;max-width:100ch}
.L.t .t{font-weight:700;font-size:15px}
.L.e{height:7px;overflow:hidden}.L.e .n{display:none}
.L.d{background:hsl(var(--h) 85% 94%);border-left-color:hsl(var(--h) 60% 50%)}
.L.d .t{color:#5b6472;text-decoration:line-through;text-decoration-color:hsl(var(--h) 60% 38%);text-decoration-thickness:1.5px}
.L.x{border-top:2px solid hsl(var(--h) 60% 50%);margin-top:4px}
.L.w{background:hsl(var(--h) 80% 97%);border-left-color:hsl(var(--h) 50% 70%)}
.L del{display:block;color:#8a93a1;text-decoration:line-through;font-size:12px;font-weight:400}
.L ins{text-decoration:none}
.L .b{align-self:start;margin-top:2px;font:11px/1.6 var(--mono);color:#fff;background:hsl(var(--h) 60% var(--l,30%));padding:0 6px;border-radius:4px;white-space:nowrap}
.L.t .b,.L.w .b{background:#fff;color:hsl(var(--h) 60% 30%);border:1px solid hsl(var(--h) 50% 70%)}
.cut{color:var(--muted);font-style:italic;margin-left:6px}
.art{margin:8px 14px 4px 62px;font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);border-bottom:1px dashed #cfd4dc}
.more{margin:6px 62px;color:var(--muted);font-style:italic}
@media print{.bar{display:none}details.view{break-inside:auto}}
"#;

const JS: &str = r#"(function(){
var sel=document.getElementById('rule-filter'),st=document.getElementById('filter-style'),
info=document.getElementById('filter-info'),opened=[];
function apply(){
var r=sel.value;
opened.forEach(function(d){d.open=false});opened=[];
if(!/^r[0-9]+$/.test(r)){st.textContent='';info.textContent='';return}
st.textContent='.view:not([data-rules~="'+r+'"]){display:none}.view .L:not(.'+r+'),.view .art{display:none}'+
'.rules tbody tr:not(.'+r+'){opacity:.3}';
var vs=document.querySelectorAll('.view[data-rules~="'+r+'"]');
vs.forEach(function(d){if(!d.open){d.open=true;opened.push(d)}});
info.textContent=vs.length+' page view'+(vs.length==1?'':'s');
}
sel.addEventListener('change',apply);
document.addEventListener('click',function(e){
var c=e.target.closest&&e.target.closest('[data-rule]');if(!c)return;
var r=c.getAttribute('data-rule');
if(!sel.querySelector('option[value="'+r+'"]')){info.textContent='no page view shows this rule';return}
sel.value=sel.value===r?'':r;apply();
if(sel.value)document.getElementById('views').scrollIntoView();
});
function openHash(){
var id=decodeURIComponent(location.hash.slice(1));if(!id)return;
if(id.indexOf('rule=')===0){
var want=id.slice(5);
Array.prototype.forEach.call(sel.options,function(o){if(o.getAttribute('data-id')===want)sel.value=o.value});
apply();return;
}
var el=document.getElementById(id);
if(el&&el.tagName==='DETAILS'){el.open=true;el.scrollIntoView()}
}
window.addEventListener('hashchange',openHash);openHash();
document.documentElement.setAttribute('data-js','ready');
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::Summary;
    use crate::report::ViewLine;

    #[test]
    fn escape_handles_a_nasty_line() {
        let nasty = r#"<script>alert("x&y")</script> it's <b>a & b</b> &amp; "q" ''"#;
        let got = escape(nasty);
        assert_eq!(
            got,
            "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt; it&#39;s &lt;b&gt;a &amp; b&lt;/b&gt; \
             &amp;amp; &quot;q&quot; &#39;&#39;"
        );
        assert!(
            !got.contains('<') && !got.contains('>') && !got.contains('"') && !got.contains('\'')
        );
        assert_eq!(escape(""), "");
        assert_eq!(
            escape("plain text, ünïcødé — fine"),
            "plain text, ünïcødé — fine"
        );
        assert_eq!(escape("&&"), "&amp;&amp;");
    }

    #[test]
    fn page_text_shows_controls_and_cuts_long_lines() {
        let mut s = String::new();
        page_text_into(&mut s, "a\u{c}b\u{0}<c>\td");
        assert_eq!(s, "a\u{240c}b\u{2400}&lt;c&gt;\td");
        let mut s = String::new();
        let long = "é".repeat(MAX_LINE_CHARS + 10);
        page_text_into(&mut s, &long);
        assert!(s.starts_with(&"é".repeat(MAX_LINE_CHARS)));
        assert!(s.ends_with("<span class=\"cut\">… 20 more bytes</span>"));
    }

    #[test]
    fn rule_colours_are_stable() {
        assert_eq!(rule_hue("ads.label"), rule_hue("ads.label"));
        assert!(rule_hue("ads.label") < 360);
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
    }

    #[test]
    fn common_folder_is_cut_at_a_separator() {
        assert_eq!(common_dir(["/c/a/x.txt", "/c/a/y.txt"]), 5);
        assert_eq!(common_dir(["/c/ab/x.txt", "/c/ac/y.txt"]), 3);
        assert_eq!(common_dir(["/c/a/x.txt"]), 5);
        assert_eq!(common_dir(["x.txt", "y.txt"]), 0);
        assert_eq!(common_dir(["d\\é\\x", "d\\é\\y"]), "d\\é\\".len());
        assert_eq!(common_dir(["/d/éa/x", "/d/éb/y"]), 3);
        assert_eq!(common_dir(std::iter::empty::<&str>()), 0);
    }

    #[test]
    fn slugs_are_id_safe() {
        assert_eq!(slug("cannot write output"), "cannot-write-output");
        assert_eq!(slug("Un<readable>!"), "un-readable");
    }

    fn line(text: &str, verdict: LineKind, rule: Option<&str>) -> ViewLine {
        ViewLine {
            text: text.to_string(),
            verdict,
            rule: rule.map(str::to_string),
            rewritten: None,
            article: Some(1),
        }
    }

    #[test]
    fn renders_figures_rules_and_escaped_views() {
        let mut summary = Summary {
            seen: 3,
            articles: 1,
            bytes_in: 1234,
            bytes_out: 567,
            bytes_cleaned_in: 1000,
            ..Summary::default()
        };
        summary.by_status.insert("cleaned", 1);
        summary.by_status.insert("skipped-binary", 1);
        summary.by_status.insert("failed", 1);
        summary.failures.insert("unreadable".into(), 1);
        summary.dropped.insert("ads.label".into(), 2);
        summary.dropped.insert("gone.rule".into(), 1);
        let mut rules = BTreeMap::new();
        rules.insert(
            "ads.label".to_string(),
            (
                "The <ad> label & \"more\"".to_string(),
                "rules/30.toml:4".to_string(),
            ),
        );
        rules.insert(
            "never.fired".to_string(),
            ("Idle.".to_string(), "x.toml:1".to_string()),
        );
        let mut title = line(
            "A <title> | Site",
            LineKind::Title,
            Some("titles.site-suffix"),
        );
        title.rewritten = Some("A <title>".into());
        let data = ReportData {
            summary,
            wall_seconds: 0.5,
            rules,
            files: vec![FileRow {
                path: "dir/<odd> & \"name\".txt".into(),
                status: Status::Cleaned,
                bytes_in: 1000,
                bytes_out: 567,
                articles: 1,
                removed_share: 0.4,
                error: None,
            }],
            views: vec![PageView {
                path: "dir/<odd> & \"name\".txt".into(),
                removed_share: 0.4,
                lines: vec![
                    title,
                    line("", LineKind::Blank, None),
                    line(
                        "Advertisement <img src=x onerror=alert(1)>",
                        LineKind::Dropped,
                        Some("ads.label"),
                    ),
                    line("Body & \"prose\".", LineKind::Kept, None),
                ],
            }],
            views_note: Some("Shown for 1 of 2 <files>.".into()),
        };
        let html = render(&data);
        for (id, v) in [
            ("fig-seen", "3"),
            ("fig-cleaned", "1"),
            ("fig-skipped", "1"),
            ("fig-skipped-binary", "1"),
            ("fig-skipped-empty", "0"),
            ("fig-skipped-too-large", "0"),
            ("fig-failed", "1"),
            ("fig-failed-unreadable", "1"),
            ("fig-articles", "1"),
            ("fig-bytes-in", "1234"),
            ("fig-bytes-out", "567"),
            ("fig-removed-share", "43.3%"),
            ("dropped-ads.label", "2"),
            ("dropped-never.fired", "0"),
        ] {
            assert!(html.contains(&format!("id=\"{id}\">{v}<")), "{id} = {v}");
        }
        assert!(!html.contains("<odd>") && !html.contains("<img") && !html.contains("<title> |"));
        assert!(html.contains("Advertisement &lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("dir/&lt;odd&gt; &amp; &quot;name&quot;.txt"));
        assert!(html.contains("The &lt;ad&gt; label &amp; &quot;more&quot;"));
        assert!(html.contains("Shown for 1 of 2 &lt;files&gt;."));
        assert!(html.contains("<a href=\"#view-1\">"));
        assert!(html.contains("not in the loaded rules"));
        assert_eq!(html.matches("<script").count(), 1);
    }
}
