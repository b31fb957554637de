//! Building and testing one crate under time limits, and saying what
//! happened in a few readable lines.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use crate::libtest::{self, Panic, TestRun, Verdict};
use crate::messages;
use crate::run::{run_limited, Finished};

/// One crate of a workspace to check.
#[derive(Debug, Clone)]
pub struct Crate {
    /// The workspace directory (where cargo runs).
    pub workspace: PathBuf,
    /// The crate's directory name inside the workspace (`01-tcp-echo-server`).
    pub dir_name: String,
    /// Its package name.
    pub package: String,
    /// Cargo's target directory.
    pub target_dir: PathBuf,
}

impl Crate {
    pub(crate) fn cargo(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("cargo");
        cmd.args(args)
            .current_dir(&self.workspace)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            // Panics without backtraces: the message is what a learner needs.
            .env("RUST_BACKTRACE", "0");
        cmd
    }

    /// How a path cargo prints (relative to the workspace) reads from where
    /// the learner is (the repository root).
    fn shown(&self, text: &str) -> String {
        let prefix = self.workspace.display().to_string();
        let prefix = prefix.trim_start_matches("./");
        let from = format!("{}/", self.dir_name);
        if prefix.is_empty() || prefix == "." {
            return text.to_string();
        }
        text.replace(&format!("--> {from}"), &format!("--> {prefix}/{from}"))
            .replace(&format!("at {from}"), &format!("at {prefix}/{from}"))
    }

    fn shown_location(&self, location: &str) -> String {
        let prefix = self.workspace.display().to_string();
        if location.starts_with(&format!("{}/", self.dir_name)) {
            format!("{}/{location}", prefix.trim_end_matches('/'))
        } else {
            location.to_string()
        }
    }
}

/// The time limits of a check.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// For compiling (the first build of a workspace takes longest).
    pub build: Duration,
    /// For running every test of the crate.
    pub tests: Duration,
}

/// What checking a crate found.
#[derive(Debug)]
pub enum Report {
    /// The build did not finish within its limit.
    BuildTimedOut(Duration),
    /// The crate or its tests do not compile: the compiler's errors.
    DoesNotCompile(Vec<String>),
    /// The tests ran (maybe cut short by the limit).
    Tested(Tested),
}

/// The tests of a crate, run.
#[derive(Debug)]
pub struct Tested {
    /// What libtest printed, parsed.
    pub run: TestRun,
    /// Every test of the crate, in the order of the test files.
    pub order: Vec<String>,
    /// `Some(limit)` when the time limit stopped the tests.
    pub timed_out: Option<Duration>,
    /// cargo failed although no test did (a crash, an abort): its last lines.
    pub crashed: Option<String>,
    /// How long the tests ran.
    pub elapsed: Duration,
}

impl Report {
    /// Every test passed (and there was at least one).
    pub fn passed(&self) -> bool {
        match self {
            Report::Tested(t) => {
                t.timed_out.is_none()
                    && t.crashed.is_none()
                    && t.run.with(Verdict::Failed).is_empty()
                    && !t.run.with(Verdict::Ok).is_empty()
            }
            _ => false,
        }
    }

    /// A one-line summary, for lists of many crates.
    pub fn summary(&self) -> String {
        match self {
            Report::BuildTimedOut(limit) => format!("build did not finish within {limit:?}"),
            Report::DoesNotCompile(errors) => format!(
                "does not compile ({} error{})",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            ),
            Report::Tested(t) => {
                let ok = t.run.with(Verdict::Ok).len();
                let failed = t.run.with(Verdict::Failed).len();
                let mut text = format!(
                    "{ok} passed, {failed} failed ({:.1} s)",
                    t.elapsed.as_secs_f64()
                );
                if let Some(limit) = t.timed_out {
                    text.push_str(&format!(", stopped after {limit:?}"));
                }
                if t.crashed.is_some() {
                    text.push_str(", the test run crashed");
                }
                text
            }
        }
    }
}

/// Builds the crate's tests, then runs them, each step under its limit.
pub fn check(krate: &Crate, limits: Limits) -> Result<Report> {
    let build = run_limited(
        &mut krate.cargo(&["test", "-p", &krate.package, "--no-run", "--color", "never"]),
        limits.build,
    )?;
    if build.timed_out() {
        return Ok(Report::BuildTimedOut(limits.build));
    }
    if !build.success() {
        let mut errors: Vec<String> = libtest::build_errors(&build.stderr)
            .iter()
            .map(|e| krate.shown(e))
            .collect();
        if errors.is_empty() {
            errors.push(last_lines(&build.stderr, 15));
        }
        return Ok(Report::DoesNotCompile(errors));
    }
    let tests = run_limited(
        &mut krate.cargo(&[
            "test",
            "-p",
            &krate.package,
            "--no-fail-fast",
            "--color",
            "never",
            "--",
            "--color",
            "never",
        ]),
        limits.tests,
    )?;
    let mut tested = tested(krate, &tests, limits.tests);
    if tested.timed_out.is_some() {
        recover_first_failure(krate, &mut tested, limits.tests)?;
    }
    Ok(Report::Tested(tested))
}

/// libtest prints failures' messages only at the end of a run, so a run the
/// time limit stopped has none: run the first failed test again, alone, to
/// get its message.
fn recover_first_failure(krate: &Crate, tested: &mut Tested, limit: Duration) -> Result<()> {
    let failed = tested.run.with(Verdict::Failed);
    let Some(first) = tested
        .order
        .iter()
        .find(|name| failed.contains(&name.as_str()))
        .cloned()
    else {
        return Ok(());
    };
    if tested.run.panics.contains_key(&first) {
        return Ok(());
    }
    let again = run_limited(
        &mut krate.cargo(&[
            "test",
            "-p",
            &krate.package,
            "--no-fail-fast",
            "--color",
            "never",
            "--",
            "--color",
            "never",
            "--exact",
            &first,
        ]),
        limit,
    )?;
    if let Some(panics) = libtest::parse_tests(&again.stdout).panics.remove(&first) {
        tested.run.panics.insert(first, panics);
    }
    Ok(())
}

fn tested(krate: &Crate, tests: &Finished, limit: Duration) -> Tested {
    let run = libtest::parse_tests(&tests.stdout);
    let crashed = (!tests.timed_out() && !tests.success() && run.with(Verdict::Failed).is_empty())
        .then(|| last_lines(&tests.stderr, 15));
    Tested {
        order: test_order(&krate.workspace.join(&krate.dir_name).join("tests")),
        timed_out: tests.timed_out().then_some(limit),
        crashed,
        elapsed: tests.elapsed,
        run,
    }
}

/// Test names in the order the test files define them (files by name):
/// the order a learner reads them in, and the order of the tasks.
pub fn test_order(tests_dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = fs::read_dir(tests_dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut names = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).unwrap_or_default();
        let mut after_test_attribute = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[test]") {
                after_test_attribute = true;
            } else if after_test_attribute {
                if let Some(name) = fn_name(line) {
                    names.push(name.to_string());
                    after_test_attribute = false;
                }
            }
        }
    }
    names
}

fn fn_name(line: &str) -> Option<&str> {
    let rest = &line[line.find("fn ")? + 3..];
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&rest[..end])
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Prints what a learner needs from a report: each test's result, the first
/// failure in full, and nothing of cargo's own chatter.
pub fn print_details(krate: &Crate, report: &Report) {
    match report {
        Report::BuildTimedOut(limit) => {
            say!("The build did not finish within {limit:?} and was stopped.");
            say!(
                "Try again; if it keeps happening, run `cargo build` in {} to see why.",
                krate.workspace.display()
            );
        }
        Report::DoesNotCompile(errors) => {
            say!("It does not compile yet. The compiler says:\n");
            for error in errors.iter().take(2) {
                say!("{error}\n");
            }
            if errors.len() > 2 {
                say!(
                    "({} more; `cargo build` in {} shows them all)",
                    errors.len() - 2,
                    krate.workspace.display()
                );
            }
        }
        Report::Tested(t) => print_tested(krate, t),
    }
}

fn print_tested(krate: &Crate, t: &Tested) {
    let verdict_of = |name: &str| {
        t.run
            .results
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
    };
    // Source order first, then anything the scan of the files missed.
    let mut names: Vec<String> = t.order.clone();
    for (name, _) in &t.run.results {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    let mut first_failure = None;
    let mut unfinished = Vec::new();
    for name in &names {
        let mark = match verdict_of(name) {
            Some(Verdict::Ok) => "✓",
            Some(Verdict::Failed) => {
                first_failure.get_or_insert(name.clone());
                "✗"
            }
            Some(Verdict::Ignored) => "-",
            None => {
                unfinished.push(name.clone());
                "…"
            }
        };
        say!("  {mark} {name}");
    }
    if let Some(name) = &first_failure {
        say!("\nFirst failure: {name}");
        let panics = t.run.panics.get(name).cloned().unwrap_or_default();
        if panics.is_empty() {
            say!("  (no message: it failed without panicking, or the run was cut short)");
        }
        for Panic { location, message } in panics.iter().take(3) {
            say!("  at {}", krate.shown_location(location));
            for line in messages::wrap(&messages::explain(message), 88)
                .iter()
                .take(16)
            {
                say!("    {line}");
            }
        }
    }
    if let Some(limit) = t.timed_out {
        say!(
            "\nThe tests did not finish within {limit:?} and were stopped{}.",
            if unfinished.is_empty() {
                String::new()
            } else {
                format!(" (… = never finished: {})", unfinished.join(", "))
            }
        );
        say!(
            "A server that never returns is usually stuck in accept() (waiting for a client\n\
             that never comes) or in read() (waiting for bytes, or a close, that never come:\n\
             read_to_end() and read_to_string() wait until the peer closes the connection)."
        );
    }
    if let Some(crash) = &t.crashed {
        say!("\nThe test run crashed without a failing test. Its last words:\n{crash}");
    }
}
