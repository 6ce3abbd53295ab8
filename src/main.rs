//! The `husk` command: parses arguments and hands the work to the library.

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::{Args, Parser, Subcommand};

use husk::batch::{self, Options, Status};
use husk::clean::clean;
use husk::decode::{DecodeError, decode, encoding_for_label};
use husk::output::{STDOUT_SEPARATOR, join_articles};
use husk::rules::{LoadError, RuleSet, selftest};

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
    /// Work with rule files.
    #[command(subcommand)]
    Rules(RulesCommand),
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
    /// The line written between articles on stdout (default: a form feed).
    #[arg(long, value_name = "TEXT", default_value = STDOUT_SEPARATOR, hide_default_value = true)]
    separator: String,
    /// Worker threads (default: all cores).
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Clean(args) => cmd_clean(args),
        Command::Rules(RulesCommand::Test { files }) => cmd_rules_test(&files),
        Command::Rules(RulesCommand::List(args)) => cmd_rules_list(&args),
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
    if args.inputs.iter().any(|p| p.as_os_str() == "-") {
        if args.inputs.len() > 1 {
            return Err(anyhow!("`-` (stdin) cannot be combined with other inputs"));
        }
        if args.out.is_none() {
            return clean_stdin(&rules, forced, &args.separator);
        }
    }
    let out = args
        .out
        .clone()
        .context("an output folder is needed: -o OUT")?;
    if let Some(n) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()?;
    }
    let inputs = if args.inputs.iter().any(|p| p.as_os_str() == "-") {
        let tmp = read_stdin_to_temp()?;
        vec![batch::Input {
            path: tmp,
            stem: PathBuf::from("stdin"),
        }]
    } else {
        batch::gather(&args.inputs)?
    };
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let opts = Options {
        out,
        encoding: forced,
        diff: args.diff,
    };
    let results = batch::run(&inputs, &rules, &opts);
    let mut failed = 0;
    let (mut cleaned, mut skipped, mut articles) = (0, 0, 0);
    for r in &results {
        match r.status {
            Status::Cleaned => cleaned += 1,
            Status::SkippedBinary | Status::SkippedEmpty => skipped += 1,
            Status::Failed => failed += 1,
        }
        articles += r.articles.len();
        if let Some(msg) = &r.message {
            let what = if r.status == Status::Failed {
                "error"
            } else {
                "skipped"
            };
            eprintln!("husk: {what}: {}: {msg}", r.input.display());
        }
    }
    if !args.quiet {
        eprintln!(
            "husk: {} files: {cleaned} cleaned, {skipped} skipped, {failed} failed; {articles} articles written to {}",
            results.len(),
            opts.out.display()
        );
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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

/// Stdin with `-o`: saved to a temporary file so it goes through the batch path.
fn read_stdin_to_temp() -> Result<PathBuf> {
    let mut bytes = Vec::new();
    io::stdin()
        .read_to_end(&mut bytes)
        .context("cannot read stdin")?;
    let path = std::env::temp_dir().join(format!("husk-stdin-{}.txt", std::process::id()));
    std::fs::write(&path, bytes)?;
    Ok(path)
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
