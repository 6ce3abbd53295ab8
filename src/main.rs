//! The `husk` command: parses arguments and hands the work to the library.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use husk::batch::{self, Format, Options, Progress, Status, Summary, WalkOptions};
use husk::check;
use husk::clean::{clean, clean_at};
use husk::decode::{DecodeError, decode, encoding_for_label};
use husk::explain;
use husk::output::write_atomic;
use husk::output::{STDOUT_SEPARATOR, join_articles};
use husk::report::{self, Collector};
use husk::rules::{LoadError, RuleSet, selftest};

/// mimalloc: pages are cleaned in many short-lived buffers and vectors on
/// several threads, where it spends a fraction of glibc's time and returns
/// fewer pages to the kernel only to fault them back in.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Strip page chrome from scraped news text: one clean article per file.
#[derive(Parser)]
#[command(name = "husk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Clean pages (files or folders) into article files, or stdin to stdout.
    Clean(CleanArgs),
    /// Show every line of a page with its verdict and the rule that decided it.
    Explain(ExplainArgs),
    /// Regression-test rules against a samples folder (raw pages + expected articles).
    Check(CheckArgs),
    /// Find each site's recurring chrome in a crawl and write it as scoped rules.
    Learn(LearnArgs),
    /// Clean JSON lines from stdin to stdout, one output line per input line.
    Stream(StreamArgs),
    /// Work with rule files.
    #[command(subcommand)]
    Rules(RulesCommand),
}

#[derive(Args)]
struct StreamArgs {
    /// The input field holding the record's id (copied to the output).
    #[arg(long, value_name = "FIELD", default_value = "id")]
    id_field: String,
    /// The input field holding the page text.
    #[arg(long, value_name = "FIELD", default_value = "text")]
    text_field: String,
    /// Lines read and cleaned together (memory is bounded by this batch).
    #[arg(long, value_name = "N", default_value_t = 4096)]
    batch: usize,
    /// Worker threads (default: all cores).
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Args)]
struct LearnArgs {
    /// The crawl: a folder whose first folder levels name the sites.
    dir: PathBuf,
    /// Where to write the learned rules (`-` for stdout).
    #[arg(short, long, value_name = "FILE.toml")]
    out: PathBuf,
    /// How many folder levels under DIR name a site.
    #[arg(long, value_name = "N", default_value_t = 1)]
    site_depth: usize,
    /// A line must recur on at least this many of a site's pages.
    #[arg(long, value_name = "N", default_value_t = 5)]
    min_pages: usize,
    /// …and on at least this share of them (0 to 1).
    #[arg(long, value_name = "SHARE", default_value_t = 0.5)]
    min_share: f64,
    /// A line that reads like prose must recur on at least this share.
    #[arg(long, value_name = "SHARE", default_value_t = 0.9)]
    prose_share: f64,
    /// Rules whose drops are not proposed again (the default pack unless
    /// --no-default-rules, plus these files).
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Args)]
struct ExplainArgs {
    /// The page to explain (`-` for stdin).
    file: PathBuf,
    #[command(flatten)]
    rules: RuleArgs,
    /// Decode with this encoding (a WHATWG label) unless the page has a BOM.
    #[arg(long, value_name = "LABEL")]
    encoding: Option<String>,
    /// Print JSON for tools instead of text.
    #[arg(long)]
    json: bool,
    /// Show only the lines this rule decided or rewrote.
    #[arg(long, value_name = "ID")]
    rule: Option<String>,
    /// Colour the text view: auto (on a terminal), always or never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
struct CheckArgs {
    /// The samples folder: `raw/NAME.txt` pages and `expected/NAME.N.txt` articles.
    #[arg(default_value = "samples")]
    dir: PathBuf,
    #[command(flatten)]
    rules: RuleArgs,
    /// Rewrite the expected articles from the current output.
    #[arg(long)]
    bless: bool,
}

#[derive(Args)]
struct RuleArgs {
    /// A rule file to load after the default pack (repeatable); its rules
    /// override default rules with the same id.
    #[arg(long = "rules", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Leave out the embedded default rules.
    #[arg(long)]
    no_default_rules: bool,
}

#[derive(Args)]
struct CleanArgs {
    /// Files or folders to clean (folders are walked in sorted order); `-`
    /// reads one page from stdin and writes its articles to stdout.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output folder: page `a/b.txt` becomes `OUT/a/b.1.txt`, `OUT/a/b.2.txt`, …
    #[arg(short, long, value_name = "OUT")]
    out: Option<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// Decode every input with this encoding (a WHATWG label such as
    /// `windows-1252` or `shift_jis`) unless it has a byte-order mark.
    #[arg(long, value_name = "LABEL")]
    encoding: Option<String>,
    /// Also write `OUT/…/PAGE.diff`, a unified diff from the page to its articles.
    #[arg(long)]
    diff: bool,
    /// How to write articles: one file each, or JSON lines in shards.
    #[arg(long, value_enum, default_value_t = FormatArg::Files)]
    format: FormatArg,
    /// The size bound of a JSONL shard, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 256 << 20)]
    shard_bytes: u64,
    /// In folders, clean only files whose relative path matches this glob (repeatable).
    #[arg(long = "glob", value_name = "GLOB")]
    globs: Vec<String>,
    /// In folders, skip files and folders whose relative path matches this glob (repeatable).
    #[arg(long = "exclude", value_name = "GLOB")]
    excludes: Vec<String>,
    /// Include hidden files and folders.
    #[arg(long)]
    hidden: bool,
    /// Include version-control folders (.git, .hg, .svn, …).
    #[arg(long)]
    include_vcs: bool,
    /// Follow symbolic links (loops are detected and reported).
    #[arg(long)]
    follow: bool,
    /// Skip inputs larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    max_bytes: u64,
    /// Finish an earlier run into OUT: inputs its manifest records as done,
    /// with unchanged size and modification time, are not cleaned again.
    #[arg(long, conflicts_with = "force")]
    resume: bool,
    /// Write into a non-empty OUT, replacing files of the same names.
    #[arg(long)]
    force: bool,
    /// The line written between articles on stdout (default: a form feed).
    #[arg(long, value_name = "TEXT", default_value = STDOUT_SEPARATOR, hide_default_value = true)]
    separator: String,
    /// Also write a self-contained HTML report of the run to this file.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    /// Worker threads (default: all cores); outputs are the same for any number.
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// No summary, no progress bar; errors only.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FormatArg {
    Files,
    Jsonl,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Run every example of every rule; fails naming each rule that misses.
    Test {
        /// Rule files to test (default: the embedded pack).
        files: Vec<PathBuf>,
    },
    /// List the loaded rules: id, kind, zone, where defined, description.
    List(RuleArgs),
    /// Check rule files for mistakes: repeated ids, patterns matching
    /// everything, shadowed rules, missing examples, slow patterns.
    #[command(long_about = husk::rules::lint::LONG_HELP)]
    Lint {
        /// Rule files to lint, loaded after the default pack (default: lint
        /// the embedded pack).
        files: Vec<PathBuf>,
        /// Load FILEs without the default pack before them.
        #[arg(long)]
        no_default_rules: bool,
        /// Also clean the pages under DIR and report what each rule decided.
        #[arg(long, value_name = "DIR")]
        corpus: Option<PathBuf>,
        /// Print JSON for tools instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Clean(args) => cmd_clean(args),
        Command::Explain(args) => cmd_explain(&args),
        Command::Check(args) => cmd_check(&args),
        Command::Learn(args) => cmd_learn(&args),
        Command::Stream(args) => cmd_stream(&args),
        Command::Rules(RulesCommand::Test { files }) => cmd_rules_test(&files),
        Command::Rules(RulesCommand::List(args)) => cmd_rules_list(&args),
        Command::Rules(RulesCommand::Lint {
            files,
            no_default_rules,
            corpus,
            json,
        }) => cmd_rules_lint(files, no_default_rules, corpus, json),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if e.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("husk: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Loads rules, printing every diagnostic; `Err` means exit 2.
fn load_rules(args: &RuleArgs) -> Result<RuleSet> {
    RuleSet::from_files(&args.rules, args.no_default_rules).map_err(|e| match e {
        LoadError::Invalid(d) => anyhow!("{d}"),
        io => anyhow!(io),
    })
}

fn cmd_clean(args: CleanArgs) -> Result<ExitCode> {
    let rules = load_rules(&args.rules)?;
    let forced = match &args.encoding {
        Some(label) => Some(
            encoding_for_label(label).ok_or_else(|| anyhow!("unknown encoding label `{label}`"))?,
        ),
        None => None,
    };
    let stdin = args.inputs.iter().any(|p| p.as_os_str() == "-");
    if stdin && args.inputs.len() > 1 {
        return Err(anyhow!("`-` (stdin) cannot be combined with other inputs"));
    }
    if stdin && args.out.is_none() {
        return clean_stdin(&rules, forced, &args.separator);
    }
    let out = args
        .out
        .clone()
        .context("an output folder is needed: -o OUT")?;
    if args.resume && args.format == FormatArg::Jsonl {
        return Err(anyhow!("--resume works with --format files only"));
    }
    let walk = WalkOptions {
        globs: args.globs.clone(),
        excludes: args.excludes.clone(),
        hidden: args.hidden,
        vcs: args.include_vcs,
        follow: args.follow,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()?;
    // Folders are walked twice: first to count and check the inputs before
    // anything is written (on as many threads as will clean), then lazily
    // as they are cleaned.
    let walker = if stdin {
        None
    } else {
        Some(batch::Walk::new(&args.inputs, Some(&out), &walk)?)
    };
    let (total, inputs): (usize, Box<dyn Iterator<Item = batch::Input> + Send>) = match &walker {
        Some(w) => (
            w.count_checked(pool.current_num_threads())?,
            Box::new(w.inputs()),
        ),
        // Read by the batch itself when it comes to it; named `stdin.N.txt`.
        None => (
            1,
            Box::new(std::iter::once(batch::Input {
                path: PathBuf::from("-"),
                stem: PathBuf::from("stdin"),
                error: None,
            })),
        ),
    };
    let non_empty = std::fs::read_dir(&out).is_ok_and(|mut d| d.next().is_some());
    if non_empty && !args.resume && !args.force {
        return Err(anyhow!(
            "{} is not empty: use --resume to finish an earlier run there, or --force to write over it",
            out.display()
        ));
    }
    let opts = Options {
        out,
        encoding: forced,
        diff: args.diff,
        format: match args.format {
            FormatArg::Files => Format::Files,
            FormatArg::Jsonl => Format::Jsonl,
        },
        max_bytes: args.max_bytes,
        shard_bytes: args.shard_bytes,
        resume: args.resume,
        views: args.report.is_some(),
    };
    if let Some(dir) = args
        .report
        .as_ref()
        .and_then(|p| p.parent())
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the report's folder {}", dir.display()))?;
    }
    let mut collector = args.report.as_ref().map(|_| Collector::new(500, 50));
    let bar = progress_bar(total as u64, args.quiet);
    let started = Instant::now();
    let mut on_done = |progress: Progress<'_>| {
        let entry = progress.entry;
        let note = match (entry.status, &entry.error, &entry.warning) {
            (Status::Failed, Some(e), _) => Some(format!("husk: error: {}: {e}", entry.path)),
            (_, Some(e), _) => Some(format!("husk: skipped: {}: {e}", entry.path)),
            (_, None, Some(w)) => Some(format!("husk: warning: {}: {w}", entry.path)),
            _ => None,
        };
        if let Some(note) = note {
            bar.suspend(|| eprintln!("{note}"));
        }
        bar.inc(1);
        if let Some(c) = collector.as_mut() {
            c.add(entry, progress.view);
        }
    };
    let summary = batch::run(&pool, inputs, &rules, &opts, &mut on_done)?;
    bar.finish_and_clear();
    let wall = started.elapsed();
    if let (Some(path), Some(c)) = (&args.report, collector) {
        let data = c.finish(summary.clone(), wall.as_secs_f64(), &rules);
        write_atomic(path, report::render(&data).as_bytes())
            .with_context(|| format!("cannot write the report {}", path.display()))?;
    }
    if !args.quiet {
        eprint!("{}", render_summary(&summary, &opts.out, wall));
    }
    Ok(if summary.count(Status::Failed) > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A progress bar on a terminal; a hidden one otherwise.
fn progress_bar(len: u64, quiet: bool) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files  {per_sec}  ETA {eta}")
            .expect("valid template"),
    );
    bar
}

/// The end-of-run report on stderr.
fn render_summary(s: &Summary, out: &std::path::Path, wall: Duration) -> String {
    let mb = |b: u64| b as f64 / 1e6;
    let skipped = s.count(Status::SkippedBinary)
        + s.count(Status::SkippedEmpty)
        + s.count(Status::SkippedTooLarge);
    let failed = s.count(Status::Failed);
    let mut text = format!(
        "husk: {} files: {} cleaned, {skipped} skipped ({} binary, {} empty, {} too large), {failed} failed",
        s.seen,
        s.count(Status::Cleaned),
        s.count(Status::SkippedBinary),
        s.count(Status::SkippedEmpty),
        s.count(Status::SkippedTooLarge),
    );
    if failed > 0 {
        let reasons: Vec<String> = s.failures.iter().map(|(r, n)| format!("{n} {r}")).collect();
        text.push_str(&format!(" ({})", reasons.join(", ")));
    }
    text.push('\n');
    if s.resumed > 0 {
        text.push_str(&format!(
            "husk: {} files taken over from the earlier run\n",
            s.resumed
        ));
    }
    if s.warnings > 0 {
        text.push_str(&format!(
            "husk: {} files cleaned with a warning (invalid bytes replaced, or the over-removal guard); see the manifest\n",
            s.warnings
        ));
    }
    let secs = wall.as_secs_f64().max(1e-9);
    text.push_str(&format!(
        "husk: {} articles written to {}; {:.2} MB in, {:.2} MB out, {:.1}% of cleaned text removed; {:.2} s, {:.1} MB/s\n",
        s.articles,
        out.display(),
        mb(s.bytes_in),
        mb(s.bytes_out),
        100.0 * s.removed_share(),
        secs,
        mb(s.bytes_in) / secs,
    ));
    let top: Vec<String> = s
        .top_rules(10)
        .iter()
        .map(|(id, n)| format!("{id} {n}"))
        .collect();
    if !top.is_empty() {
        text.push_str(&format!(
            "husk: lines dropped by rule: {}\n",
            top.join(", ")
        ));
    }
    text
}

fn clean_stdin(
    rules: &RuleSet,
    forced: Option<&'static encoding_rs::Encoding>,
    separator: &str,
) -> Result<ExitCode> {
    let mut bytes = Vec::new();
    io::stdin()
        .read_to_end(&mut bytes)
        .context("cannot read stdin")?;
    let decoded = match decode(&bytes, forced) {
        Ok(d) => d,
        Err(e @ DecodeError::Binary { .. }) => {
            eprintln!("husk: skipped: <stdin>: {e}");
            return Ok(ExitCode::SUCCESS);
        }
    };
    let cleaned = clean(&decoded.text, rules);
    let mut stdout = io::stdout().lock();
    stdout.write_all(join_articles(&cleaned.articles, separator).as_bytes())?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn read_input(path: &std::path::Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read stdin")?;
        Ok(bytes)
    } else {
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
    }
}

fn cmd_explain(args: &ExplainArgs) -> Result<ExitCode> {
    let rules = load_rules(&args.rules)?;
    if let Some(id) = &args.rule
        && rules.position(id).is_none()
    {
        return Err(anyhow!("no rule `{id}` is loaded (see `husk rules list`)"));
    }
    let forced = match &args.encoding {
        Some(label) => Some(
            encoding_for_label(label).ok_or_else(|| anyhow!("unknown encoding label `{label}`"))?,
        ),
        None => None,
    };
    let bytes = read_input(&args.file)?;
    let decoded = decode(&bytes, forced).map_err(|e| anyhow!("{}: {e}", args.file.display()))?;
    let path = (args.file.as_os_str() != "-").then_some(args.file.as_path());
    let cleaned = clean_at(&decoded.text, &rules, path);
    let mut stdout = io::stdout().lock();
    if args.json {
        let v = explain::json(
            &args.file.display().to_string(),
            decoded.encoding.name(),
            &decoded.text,
            &cleaned,
            &rules,
            args.rule.as_deref(),
        );
        serde_json::to_writer_pretty(&mut stdout, &v)?;
        writeln!(stdout)?;
    } else {
        let color = match args.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => io::stdout().is_terminal(),
        };
        let opts = explain::Options {
            color,
            rule: args.rule.as_deref(),
        };
        stdout.write_all(explain::plain(&decoded.text, &cleaned, &rules, opts).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_check(args: &CheckArgs) -> Result<ExitCode> {
    let rules = load_rules(&args.rules)?;
    let mut stdout = io::stdout().lock();
    if args.bless {
        let changed = check::bless(&args.dir, &rules)
            .with_context(|| format!("cannot bless {}", args.dir.display()))?;
        for name in &changed {
            writeln!(stdout, "blessed {name}")?;
        }
        writeln!(stdout, "check: {} cases rewritten", changed.len())?;
        return Ok(ExitCode::SUCCESS);
    }
    let results = check::run(&args.dir, &rules)
        .with_context(|| format!("cannot read the samples in {}", args.dir.display()))?;
    let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
    for r in &failed {
        writeln!(stdout, "FAIL {}", r.name)?;
        if let Some(e) = &r.error {
            writeln!(stdout, "  {e}")?;
        }
        for d in &r.diffs {
            stdout.write_all(d.as_bytes())?;
        }
    }
    writeln!(
        stdout,
        "check: {} passed, {} failed",
        results.len() - failed.len(),
        failed.len()
    )?;
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn cmd_stream(args: &StreamArgs) -> Result<ExitCode> {
    let rules = load_rules(&args.rules)?;
    let opts = husk::stream::Options {
        id_field: args.id_field.clone(),
        text_field: args.text_field.clone(),
        batch: args.batch.max(1),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()?;
    // Compressed input (gzip, zstd) is recognised by its first bytes.
    let mut stdin = io::BufReader::with_capacity(1 << 16, io::stdin());
    let input: Box<dyn BufRead + Send> = match husk::compress::Compression::sniff(stdin.fill_buf()?)
    {
        Some(format) => Box::new(io::BufReader::with_capacity(1 << 16, format.reader(stdin)?)),
        None => Box::new(stdin),
    };
    let stdout = io::BufWriter::with_capacity(1 << 16, io::stdout());
    pool.install(|| husk::stream::run(input, stdout, &rules, &opts))?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_learn(args: &LearnArgs) -> Result<ExitCode> {
    let rules = load_rules(&args.rules)?;
    for share in [args.min_share, args.prose_share] {
        if !(0.0..=1.0).contains(&share) {
            return Err(anyhow!("shares are between 0 and 1, not {share}"));
        }
    }
    let opts = husk::learn::Options {
        site_depth: args.site_depth.max(1),
        min_pages: args.min_pages.max(1),
        min_share: args.min_share,
        prose_share: args.prose_share,
    };
    let sites = husk::learn::learn(&args.dir, &rules, &opts)
        .with_context(|| format!("cannot read the crawl {}", args.dir.display()))?;
    let text = husk::learn::to_toml(&sites, &args.dir.display().to_string());
    if args.out.as_os_str() == "-" {
        io::stdout().lock().write_all(text.as_bytes())?;
    } else {
        write_atomic(&args.out, text.as_bytes())
            .with_context(|| format!("cannot write {}", args.out.display()))?;
        let rules: usize = sites.iter().map(|s| s.proposals.len()).sum();
        eprintln!(
            "husk: learned {rules} rules for {} sites from {}; review {} before using it",
            sites.len(),
            args.dir.display(),
            args.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_rules_test(files: &[PathBuf]) -> Result<ExitCode> {
    let set = load_rules(&RuleArgs {
        rules: files.to_vec(),
        no_default_rules: !files.is_empty(),
    })?;
    let report = selftest::run(&set);
    let mut stdout = io::stdout().lock();
    for f in &report.failures {
        write!(stdout, "{f}")?;
    }
    let verdict = if report.failures.is_empty() {
        "ok"
    } else {
        "FAILED"
    };
    writeln!(
        stdout,
        "rules test {verdict}: {} rules, {} examples, {} failed",
        report.rules,
        report.examples,
        report.failures.len()
    )?;
    Ok(if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `husk rules lint`: exit 1 on error findings, 2 when nothing could be linted.
fn cmd_rules_lint(
    files: Vec<PathBuf>,
    no_default_rules: bool,
    corpus: Option<PathBuf>,
    json: bool,
) -> Result<ExitCode> {
    use husk::rules::lint;
    let report = lint::run(&lint::Options {
        files,
        no_default_rules,
        corpus,
    })
    .map_err(|e| anyhow!("{e}"))?;
    let mut stdout = io::stdout().lock();
    if json {
        writeln!(stdout, "{}", report.to_json())?;
    } else {
        write!(stdout, "{}", report.render())?;
    }
    stdout.flush()?;
    Ok(if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn cmd_rules_list(args: &RuleArgs) -> Result<ExitCode> {
    let set = load_rules(args)?;
    let mut stdout = io::stdout().lock();
    let tty = io::stdout().is_terminal();
    for r in set.rules() {
        let desc = if tty {
            r.description.lines().next().unwrap_or("")
        } else {
            &r.description
        };
        writeln!(
            stdout,
            "{}\t{}\t{}\t{}:{}\t{}",
            r.id,
            r.kind.name(),
            r.zone.as_str(),
            r.origin.file,
            r.origin.line,
            desc
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
