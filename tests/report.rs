//! The HTML run report (`husk clean DIR -o OUT --report FILE.html`): its
//! figures agree with the manifest, it is self-contained, page text is
//! escaped, and it renders in a real browser (headless Chromium, when
//! installed; CI installs it).

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Where artefacts worth looking at (screenshots, the report) are kept.
fn target_dir() -> PathBuf {
    match option_env!("CARGO_TARGET_TMPDIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
    }
}

fn write(path: &Path, data: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, data).unwrap();
}

/// A line that must come out escaped: markup, entities, both quotes, and
/// an absolute URL in what would be a `src` attribute were it not escaped.
const NASTY: &str = r#"The mayor wrote "<script>alert('pwned')</script>" & <img src="https://example.com/x.png"> in a post that residents shared widely on Monday."#;

/// A small invented crawl with the usual chrome and a few bad files.
fn make_crawl(dir: &Path) {
    write(
        &dir.join("news/council-budget.txt"),
        format!(
            "Council approves budget for new harbour promenade | Valley Post\n\
             \n\
             Advertisement\n\
             \n\
             The town council on Tuesday approved a budget of 4.2 million euros for a new promenade along the harbour, ending two years of debate over the plan.\n\
             \n\
             Advertisement\n\
             \n\
             Councillors voted nine to four in favour after a session that ran past midnight, with opponents arguing the money should go to road repairs instead.\n\
             \n\
             {NASTY}\n\
             \n\
             Continue Reading\n\
             \n\
             Work is expected to start in the spring and take about eighteen months, the council said in a statement released after the vote.\n"
        ),
    );
    write(
        &dir.join("news/creek-trees.txt"),
        "Volunteers plant 600 trees along Wexley Creek\n\
         \n\
         More than 150 volunteers planted 600 native trees and shrubs along a two-mile stretch of Wexley Creek on Saturday, part of a five-year effort to shade the stream.\n\
         \n\
         Advertisement\n\
         \n\
         The council will water the new plantings through their first two summers and replace any that die, a spokesperson said on Sunday.\n\
         \n\
         Summer water temperatures in the creek now regularly pass 24 degrees, too warm for young trout to survive the season.\n\
         \n\
         Biologists say a mature canopy of alder, willow and cottonwood could lower peak temperatures by several degrees within ten years.\n\
         \n\
         Leave a Reply\n\
         \n\
         Your email address will not be published. Required fields are marked *\n\
         \n\
         Comment *\n\
         \n\
         Name *\n\
         \n\
         Email *\n\
         \n\
         Website\n\
         \n\
         Post Comment\n",
    );
    write(
        &dir.join("world/ferry-strike.txt"),
        "Ferry crews end three-day strike after pay deal\n\
         \n\
         Ferry crews on the northern routes returned to work on Thursday after their union accepted a pay offer that raises wages by six percent over two years.\n\
         \n\
         Operators said timetables would be back to normal by the weekend, although some early sailings on Friday could still be cancelled at short notice.\n\
         \n\
         The strike had stranded hundreds of travellers on the islands and forced several schools to close for the week.\n\
         \n\
         Union leaders said the agreement also sets up a review of rest periods for crews on the longest night crossings.\n\
         \n\
         Related Articles\n\
         \n\
         Harbour team wins the cup\n\
         \n\
         The harbour team won the cup on Sunday after a late goal.\n\
         \n\
         Bridge repairs to start in May\n\
         \n\
         Road users should expect delays on the old bridge for most of the summer.\n",
    );
    // Escaping of paths too.
    write(
        &dir.join("world/quotes & <angles> \"odd\".txt"),
        "Library extends opening hours for exam season\n\
         \n\
         The city library will stay open until midnight on weekdays during the exam season, the library board announced on Wednesday evening.\n\
         \n\
         Continue Reading\n",
    );
    // Bad inputs: binary, empty, blank, too large.
    write(
        &dir.join("media/photo.txt"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10",
    );
    write(&dir.join("misc/empty.txt"), "");
    write(&dir.join("misc/blank.txt"), "  \n\n\t\n");
    let big = "A long paragraph about the weather that goes on and on without end. ".repeat(100);
    write(&dir.join("misc/huge.txt"), format!("Huge page\n\n{big}\n"));
}

struct Fixture {
    report: PathBuf,
    html: String,
    manifest: Vec<Value>,
}

/// Builds the crawl and runs husk on it once for all tests here.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let root = target_dir().join("report-test");
        let _ = fs::remove_dir_all(&root);
        let crawl = root.join("crawl");
        let out = root.join("out");
        let report = root.join("out2/report.html");
        make_crawl(&crawl);
        // husk writes the report into an existing folder.
        fs::create_dir_all(report.parent().unwrap()).unwrap();
        let run = Command::new(env!("CARGO_BIN_EXE_husk"))
            .arg("clean")
            .arg(&crawl)
            .arg("-o")
            .arg(&out)
            .arg("--report")
            .arg(&report)
            .args(["--max-bytes", "4000"])
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "husk failed: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let html = fs::read_to_string(&report).expect("the report is written");
        let manifest = fs::read_to_string(out.join("manifest.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        Fixture {
            report,
            html,
            manifest,
        }
    })
}

/// The text of the element with `id`, from `id="ID">TEXT<`.
fn figure<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let key = format!("id=\"{id}\">");
    let at = html.find(&key)? + key.len();
    let end = html[at..].find('<')?;
    Some(&html[at..at + end])
}

/// What the report must say, computed from the manifest alone.
fn expected_figures(manifest: &[Value]) -> Vec<(String, String)> {
    let mut status: BTreeMap<&str, u64> = BTreeMap::new();
    let mut failures: BTreeMap<String, u64> = BTreeMap::new();
    let (mut articles, mut bytes_in, mut bytes_out, mut cleaned_in) = (0u64, 0u64, 0u64, 0u64);
    let mut dropped: BTreeMap<String, u64> = BTreeMap::new();
    for e in manifest {
        let st = e["status"].as_str().unwrap();
        *status.entry(st).or_default() += 1;
        if st == "failed" {
            let reason = e["error"].as_str().unwrap().split(':').next().unwrap();
            *failures.entry(reason.to_string()).or_default() += 1;
        }
        articles += e["articles"].as_array().unwrap().len() as u64;
        bytes_in += e["bytes_in"].as_u64().unwrap();
        bytes_out += e["bytes_out"].as_u64().unwrap();
        if st == "cleaned" {
            cleaned_in += e["bytes_in"].as_u64().unwrap();
        }
        for (rule, n) in e["dropped"].as_object().unwrap() {
            *dropped.entry(rule.clone()).or_default() += n.as_u64().unwrap();
        }
    }
    let n = |s: &str| status.get(s).copied().unwrap_or(0);
    let skipped = n("skipped-binary") + n("skipped-empty") + n("skipped-too-large");
    let share = if cleaned_in == 0 {
        0.0
    } else {
        (1.0 - bytes_out as f64 / cleaned_in as f64).max(0.0)
    };
    let mut want: Vec<(String, String)> = [
        ("fig-seen", manifest.len() as u64),
        ("fig-cleaned", n("cleaned")),
        ("fig-skipped", skipped),
        ("fig-skipped-binary", n("skipped-binary")),
        ("fig-skipped-empty", n("skipped-empty")),
        ("fig-skipped-too-large", n("skipped-too-large")),
        ("fig-failed", n("failed")),
        ("fig-articles", articles),
        ("fig-bytes-in", bytes_in),
        ("fig-bytes-out", bytes_out),
        ("fig-bytes-cleaned-in", cleaned_in),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    want.push(("fig-mb-in".into(), format!("{:.2}", bytes_in as f64 / 1e6)));
    want.push((
        "fig-mb-out".into(),
        format!("{:.2}", bytes_out as f64 / 1e6),
    ));
    want.push(("fig-removed-share".into(), format!("{:.1}%", 100.0 * share)));
    for (reason, k) in failures {
        want.push((format!("fig-failed-{reason}"), k.to_string()));
    }
    for (rule, k) in dropped {
        want.push((format!("dropped-{rule}"), k.to_string()));
    }
    want
}

fn check_figures(html: &str, manifest: &[Value], what: &str) {
    for (id, value) in expected_figures(manifest) {
        assert_eq!(
            figure(html, &id),
            Some(value.as_str()),
            "{what}: figure {id} should be {value}"
        );
    }
}

#[test]
fn figures_match_the_manifest() {
    let f = fixture();
    let statuses: Vec<&str> = f
        .manifest
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    // The crawl exercises every kind of skip and some chrome.
    for st in [
        "cleaned",
        "skipped-binary",
        "skipped-empty",
        "skipped-too-large",
    ] {
        assert!(statuses.contains(&st), "no {st} input in {statuses:?}");
    }
    // The chrome makes several rules fire (which ones is up to the rule
    // pack; the report must show whatever the manifest says).
    let fired: Vec<String> = expected_figures(&f.manifest)
        .into_iter()
        .filter_map(|(id, _)| id.strip_prefix("dropped-").map(str::to_string))
        .collect();
    assert!(fired.contains(&"ads.label".to_string()), "{fired:?}");
    assert!(fired.len() >= 3, "too few rules fired: {fired:?}");
    // Each shows up as a badge on the lines it dropped in the page views.
    for rule in &fired {
        assert!(
            f.html.contains(&format!("<span class=\"b\">{rule}</span>"))
                || f.html
                    .contains(&format!("<span class=\"b\">new article: {rule}</span>")),
            "no line badge for {rule}"
        );
    }
    check_figures(&f.html, &f.manifest, "report");
    // A view for every cleaned page (a small crawl: no sampling, no note),
    // and the files table links to it.
    let cleaned = statuses.iter().filter(|s| **s == "cleaned").count();
    for n in 1..=cleaned {
        assert!(f.html.contains(&format!("id=\"view-{n}\"")), "view-{n}");
        assert!(
            f.html.contains(&format!("href=\"#view-{n}\"")),
            "link to view-{n}"
        );
    }
    assert!(!f.html.contains(&format!("id=\"view-{}\"", cleaned + 1)));
    assert!(!f.html.contains("id=\"views-note\""));
    // Every input is in the files table.
    for e in &f.manifest {
        let path = e["path"].as_str().unwrap();
        assert!(f.html.contains(&escape(path)), "{path} in the files table");
    }
    // Dropped lines are struck through and carry their rule.
    assert!(
        f.html
            .contains("<s class=\"t\">Advertisement</s><span class=\"b\">ads.label</span>")
    );
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn page_text_and_paths_are_escaped() {
    let html = &fixture().html;
    assert!(html.contains(&escape(NASTY)), "the nasty line, escaped");
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<img"));
    assert!(html.contains("quotes &amp; &lt;angles&gt; &quot;odd&quot;.txt"));
    assert!(!html.contains("<angles>"));
    // One script, ours.
    assert_eq!(html.matches("<script").count(), 1);
}

#[test]
fn report_is_self_contained() {
    let html = fixture().html.to_ascii_lowercase();
    for bad in [
        "src=\"http",
        "src='http",
        "src=http",
        "src=\"//",
        "href=\"http",
        "href='http",
        "href=http",
        "href=\"//",
        "<script src",
        "<link",
        "@import",
        "url(",
        "<iframe",
        "<object",
        "<embed",
    ] {
        assert!(!html.contains(bad), "the report holds {bad:?}");
    }
    // The only links are to places in the report itself.
    for (at, _) in html.match_indices("href=") {
        assert!(
            html[at..].starts_with("href=\"#"),
            "a link leaves the report: {}",
            &html[at..(at + 60).min(html.len())]
        );
    }
    assert!(!html.contains(" src=\""), "no element loads anything");
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.trim_end().ends_with("</html>"));
}

/// Headless Chromium, if installed.
fn chromium() -> Option<PathBuf> {
    let fixed = Path::new("/usr/bin/chromium");
    if fixed.is_file() {
        return Some(fixed.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// Runs Chromium headless on `url` with `args`, killing it after two
/// minutes; returns its stdout.
fn run_chromium(bin: &Path, args: &[&str], url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within two minutes: {args:?} {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "chromium failed ({status}): {args:?} {url}"
    );
    reader.join().unwrap()
}

fn file_url(path: &Path) -> String {
    let path = fs::canonicalize(path).unwrap();
    // Escape what a URL cannot hold as is; the paths here are plain.
    format!("file://{}", path.display()).replace(' ', "%20")
}

/// A PNG of `width`×`height` that is not a blank page.
fn check_png(path: &Path, width: u32, height: u32) {
    let png = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        &png[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is a PNG",
        path.display()
    );
    let dim = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!((dim(16), dim(20)), (width, height), "{}", path.display());
    // A blank page of this size compresses to about 11 kB; the report to
    // hundreds.
    assert!(
        png.len() > 40_000,
        "{} is only {} bytes: a blank page?",
        path.display(),
        png.len()
    );
}

#[test]
fn renders_in_headless_chromium() {
    let Some(bin) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "chromium is not installed: .ci/run must install it (apt-get install -y chromium)"
            );
        }
        eprintln!("note: chromium not found; skipping the browser check of the HTML report");
        return;
    };
    let f = fixture();
    let target = target_dir();
    fs::create_dir_all(&target).unwrap();
    let url = file_url(&f.report);

    // The whole report as a browser shows it.
    let shot = target.join("report-screenshot.png");
    let _ = fs::remove_file(&shot);
    run_chromium(
        &bin,
        &[
            "--window-size=1400,1800",
            &format!("--screenshot={}", shot.display()),
        ],
        &url,
    );
    check_png(&shot, 1400, 1800);

    // A page view, opened through its fragment. Headless screenshots of a
    // scrolled top-level page come out blank, so the report is framed.
    let frame = f.report.with_file_name("frame.html");
    write(
        &frame,
        "<!doctype html><style>html,body{margin:0;height:100%}\
         iframe{border:0;width:100%;height:100%;display:block}</style>\
         <iframe src=\"report.html#view-1\"></iframe>",
    );
    let view_shot = target.join("report-view-screenshot.png");
    let _ = fs::remove_file(&view_shot);
    run_chromium(
        &bin,
        &[
            "--window-size=1400,1800",
            &format!("--screenshot={}", view_shot.display()),
        ],
        &file_url(&frame),
    );
    check_png(&view_shot, 1400, 1800);

    // The DOM after the script ran still holds the figures.
    let dom = run_chromium(&bin, &["--dump-dom"], &url);
    assert!(dom.contains("data-js=\"ready\""), "the report's script ran");
    check_figures(&dom, &f.manifest, "rendered DOM");

    // A `#rule=ID` link filters to that rule and opens the pages it touched.
    let dom = run_chromium(&bin, &["--dump-dom"], &format!("{url}#rule=ads.label"));
    let style = figure(&dom, "filter-style").expect("the filter style element");
    assert!(
        style.contains(".view:not([data-rules~="),
        "filter applied: {style:?}"
    );
    let at = dom
        .find("news/council-budget.txt</span>")
        .expect("a page view ads.label touched");
    let open_tag = dom[..at].rfind("<details").unwrap();
    assert!(dom[open_tag..at].contains(" open="), "its view is opened");

    // Keep the report next to the screenshots for people to look at.
    fs::copy(&f.report, target.join("report-test.html")).unwrap();
}
