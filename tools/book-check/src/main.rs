//! `book-check`: everything `just test-book` checks about the book.
//!
//! The book must never drift from the code, so each rule is a check that
//! fails loudly:
//!
//! - `build`: mdbook builds it, in English and in Simplified Chinese
//!   (`zh-CN/`), with zero warnings or errors;
//! - `includes`: every `{{#include file:anchor}}` names a file and an anchor
//!   that exist and yield non-empty text (mdbook silently includes nothing
//!   for a missing anchor);
//! - `links`: every link between chapters, `#fragment` included, resolves
//!   in the built HTML;
//! - `transcripts`: the program runs shown in the book are what the programs
//!   print today (`--write` regenerates them: `just transcripts`);
//! - `layout`: headless Chromium shows Python and Rust side by side at
//!   desktop width, stacked at phone width, the diagrams render and the
//!   language picker leads to the same page in the other language;
//! - `i18n`: the Chinese catalogue (`book/po/zh-CN.po`) translates every
//!   message of today's English book, none fuzzy, and every page exists
//!   in both books (`translate` refreshes the catalogue: `just
//!   book-translate`).
//!
//! `all` runs them all on one build and reports every failure, not just the
//! first.

mod build;
mod i18n;
mod includes;
mod layout;
mod links;
mod po;
mod process;
mod scenarios;
mod transcripts;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

/// Check the book: build, includes, links, transcripts, layout.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// The book's directory (the one holding book.toml).
    #[arg(long, default_value = "book", global = true)]
    book: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Every check below, on one build.
    All {
        #[command(flatten)]
        bins: BinDir,
    },
    /// mdbook builds the book, English and zh-CN, with zero warnings and errors.
    Build,
    /// Every {{#include}} resolves to a file and anchor with non-empty text.
    Includes,
    /// Every link between chapters resolves, #fragments included.
    Links,
    /// The transcripts in the book match what the programs print now.
    Transcripts {
        /// Regenerate the transcripts instead of comparing them.
        #[arg(long)]
        write: bool,
        #[command(flatten)]
        bins: BinDir,
    },
    /// Headless Chromium: columns side by side on desktop, stacked on a phone.
    Layout,
    /// The zh-CN catalogue is complete, none fuzzy, in step with the English.
    I18n,
    /// Refresh po/messages.pot and merge it into po/zh-CN.po; list what is left to translate.
    Translate,
}

/// Where the lesson binaries and `demo` are.
#[derive(clap::Args)]
struct BinDir {
    /// Directory holding the built lesson binaries and `demo` (default: the
    /// directory of this program, as `cargo build --bins` leaves them).
    #[arg(long)]
    bin_dir: Option<PathBuf>,
}

impl BinDir {
    fn resolve(&self) -> anyhow::Result<PathBuf> {
        match &self.bin_dir {
            Some(dir) => Ok(dir.clone()),
            None => {
                let exe = std::env::current_exe().context("cannot find book-check's own path")?;
                Ok(exe
                    .parent()
                    .context("book-check has no directory")?
                    .to_path_buf())
            }
        }
    }
}

/// What one check found.
pub enum Verdict {
    /// Nothing wrong; what was checked, e.g. "41 includes".
    Pass(String),
    /// The check could not run here, and why (never under `CI=true`).
    Skip(String),
    /// The problems, one line each.
    Fail(Vec<String>),
}

impl Verdict {
    /// `Pass(what)` when `problems` is empty, otherwise `Fail(problems)`.
    pub fn from(problems: Vec<String>, what: String) -> Verdict {
        if problems.is_empty() {
            Verdict::Pass(what)
        } else {
            Verdict::Fail(problems)
        }
    }
}

/// True when running in CI, where a check may not skip for want of a tool.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("book-check: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the chosen checks; `Ok(false)` when any found a problem.
fn run(cli: &Cli) -> anyhow::Result<bool> {
    let book = cli.book.as_path();
    anyhow::ensure!(
        book.join("book.toml").is_file(),
        "{} holds no book.toml; run from the workspace root or pass --book",
        book.display()
    );
    let mut ok = true;
    match &cli.command {
        Command::Build => {
            let out = build::OutDir::new(book)?;
            ok &= report("build", build::check_both(book, out.path()));
        }
        Command::Includes => ok &= report("includes", includes::check(book)),
        Command::Links => {
            let out = built(book)?;
            ok &= report("links", links::check(out.path()));
        }
        Command::Transcripts { write, bins } => {
            let bin_dir = bins.resolve()?;
            ok &= report("transcripts", transcripts::check(book, &bin_dir, *write));
        }
        Command::Layout => {
            let out = built(book)?;
            ok &= report("layout", layout::check(out.path()));
        }
        Command::I18n => {
            ok &= report("i18n", i18n::check(book));
            let out = built(book)?;
            ok &= report("i18n pages", i18n::pages(out.path()));
        }
        Command::Translate => ok &= i18n::translate(book)?,
        Command::All { bins } => {
            let out = build::OutDir::new(book)?;
            let built_ok = report("build", build::check_both(book, out.path()));
            ok &= built_ok;
            ok &= report("includes", includes::check(book));
            ok &= report("i18n", i18n::check(book));
            if built_ok {
                ok &= report("links", links::check(out.path()));
                ok &= report("i18n pages", i18n::pages(out.path()));
                ok &= report("layout", layout::check(out.path()));
            } else {
                println!("book-check links, i18n pages, layout: not run (the build failed)");
            }
            let bin_dir = bins.resolve()?;
            ok &= report("transcripts", transcripts::check(book, &bin_dir, false));
        }
    }
    Ok(ok)
}

/// Builds the book for a check that reads the HTML; a failed build is an error.
fn built(book: &Path) -> anyhow::Result<build::OutDir> {
    let out = build::OutDir::new(book)?;
    if let Verdict::Fail(problems) = build::check_both(book, out.path())? {
        anyhow::bail!(
            "the book does not build cleanly:\n  {}",
            problems.join("\n  ")
        );
    }
    Ok(out)
}

/// Prints one check's verdict; true when it passed (or was skipped).
fn report(name: &str, result: anyhow::Result<Verdict>) -> bool {
    match result {
        Ok(Verdict::Pass(what)) => {
            println!("book-check {name}: ok ({what})");
            true
        }
        Ok(Verdict::Skip(why)) => {
            println!("book-check {name}: SKIPPED: {why}");
            true
        }
        Ok(Verdict::Fail(problems)) => {
            println!("book-check {name}: FAILED ({} problems)", problems.len());
            for problem in problems {
                println!("  - {problem}");
            }
            false
        }
        Err(err) => {
            println!("book-check {name}: FAILED: {err:#}");
            false
        }
    }
}
