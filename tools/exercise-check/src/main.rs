//! `exercise-check`: the command behind the exercise recipes of the justfile.
//!
//! Learners: `just exercises`, `just check`, `just hint`, `just reset`,
//! `just watch`, `just solution`. Maintainers: `just exercises-sync` after
//! editing a solution, `just test-exercises` (part of `just test`).
//!
//! The exercises are generated from the solutions (see [`generate`]), every
//! check runs under a time limit that kills the whole process tree (see
//! [`run`]), and results are remembered so that listing them is instant
//! (see [`state`]).

/// `println!` that ignores a closed stdout (`just exercises | head`): a
/// report nobody reads any more is no reason to panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod check;
mod generate;
mod layout;
mod learner;
mod libtest;
mod list;
mod messages;
mod run;
mod start;
mod state;
mod verify;
mod wrong;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};

use check::Limits;
use layout::{Exercise, Layout};

/// Exercises: list, check, hint, reset, watch, compare; and the maintainers' checks.
#[derive(Parser)]
#[command(name = "exercise-check")]
struct Cli {
    /// The exercises' workspace.
    #[arg(long, global = true, default_value = "exercises")]
    exercises: PathBuf,
    /// The solutions' workspace.
    #[arg(long, global = true, default_value = "solutions")]
    solutions: PathBuf,
    /// Cargo target directory for both (default: each workspace's own target/).
    #[arg(long, global = true)]
    target_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// List the exercises, which are done, and what to do next.
    List,
    /// The guided way: resume, show progress, check the current exercise on
    /// every save, offer the next (without a terminal: the progress, once).
    Start {
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Build and test one exercise under a time limit and say what to fix.
    Check {
        /// `01`, `tcp-echo-server` or `01-tcp-echo-server` (default: the
        /// exercise you are in, or the next one not done).
        name: Option<String>,
        #[command(flatten)]
        limits: LimitArgs,
        /// Where the command was typed (picks the exercise when NAME is not given).
        #[arg(long, hide = true)]
        from: Option<PathBuf>,
    },
    /// Show a hint of an exercise: the next one, hint K, or `all`.
    Hint {
        /// The exercise.
        name: String,
        /// A hint's number (1, 2, ...), `all`, or nothing for the next one.
        which: Option<String>,
    },
    /// Restore an exercise's starter code (your version is saved aside).
    Reset {
        /// The exercise.
        name: String,
    },
    /// Bring back the version of an exercise the last reset saved.
    Restore {
        /// The exercise.
        name: String,
    },
    /// Check an exercise now and again on every save (Ctrl-C stops).
    Watch {
        /// The exercise (default: as for `check`).
        name: Option<String>,
        #[command(flatten)]
        limits: LimitArgs,
        /// Where the command was typed.
        #[arg(long, hide = true)]
        from: Option<PathBuf>,
        /// Stop after this many checks (for tests).
        #[arg(long, hide = true)]
        runs: Option<usize>,
    },
    /// Show your code against the solution (once it passes, or with --force).
    Solution {
        /// The exercise.
        name: String,
        /// Show it even though the exercise does not pass yet.
        #[arg(long)]
        force: bool,
    },
    /// Regenerate exercises/ from solutions/ (`--check`: only say whether it is up to date).
    Sync {
        /// Change nothing; fail if exercises/ is not what solutions/ generate.
        #[arg(long)]
        check: bool,
    },
    /// The maintainers' checks: no drift, rustfmt, clippy, solutions pass, exercises fail.
    Verify {
        #[command(flatten)]
        limits: LimitArgs,
    },
}

#[derive(clap::Args)]
struct LimitArgs {
    /// Seconds the tests may run before they are stopped.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Seconds the build may take.
    #[arg(long, default_value_t = 600)]
    build_timeout: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            build: Duration::from_secs(self.build_timeout),
            tests: Duration::from_secs(self.timeout),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let layout = Layout::new(cli.exercises, cli.solutions, cli.target_dir);
    match run(&layout, cli.command) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs a command; `Ok(false)` means it ran and the answer is "no".
fn run(layout: &Layout, command: Cmd) -> Result<bool> {
    match command {
        Cmd::List => list::print(layout).map(|()| true),
        Cmd::Start { limits } => start::start(layout, limits.limits()).map(|()| true),
        Cmd::Check { name, limits, from } => {
            let exercise = pick(layout, name, from)?;
            learner::check(layout, &exercise, limits.limits())
        }
        Cmd::Hint { name, which } => {
            let which = learner::Which::parse(which.as_deref())?;
            learner::hint(layout, &layout.resolve(&name)?, which).map(|()| true)
        }
        Cmd::Reset { name } => learner::reset(layout, &layout.resolve(&name)?).map(|()| true),
        Cmd::Restore { name } => learner::restore(layout, &layout.resolve(&name)?).map(|()| true),
        Cmd::Watch {
            name,
            limits,
            from,
            runs,
        } => {
            let exercise = pick(layout, name, from)?;
            learner::watch(layout, &exercise, limits.limits(), runs).map(|()| true)
        }
        Cmd::Solution { name, force } => {
            learner::solution(layout, &layout.resolve(&name)?, force).map(|()| true)
        }
        Cmd::Sync { check } => sync(layout, check),
        Cmd::Verify { limits } => verify::verify(layout, limits.limits()),
    }
}

/// The exercise named, else the one `from` is in, else the next not done.
fn pick(layout: &Layout, name: Option<String>, from: Option<PathBuf>) -> Result<Exercise> {
    if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
        return layout.resolve(&name);
    }
    if let Some(exercise) = from.and_then(|dir| layout.containing(&dir)) {
        return Ok(exercise);
    }
    let state = state::State::load(&layout.state_dir());
    let statuses = list::statuses(layout, &state)?;
    match list::next(&statuses) {
        Some(next) => {
            say!("(no exercise named: checking the next one not done)");
            Ok(next.clone())
        }
        None => anyhow::bail!("every exercise is done; name one to check it again"),
    }
}

/// `sync`: writes (or with `check`, compares) every exercise generated from its solution.
fn sync(layout: &Layout, check: bool) -> Result<bool> {
    let mut clean = true;
    for name in layout::exercise_names(&layout.solutions)? {
        let exercise = layout.exercise(&name);
        let (files, _) = generate::generate(&exercise.solution_dir)?;
        if check {
            let actual = if exercise.dir.exists() {
                generate::read_crate(&exercise.dir)?
            } else {
                Default::default()
            };
            for drift in generate::compare(&files, &actual) {
                say!("{}/{drift}", exercise.dir.display());
                clean = false;
            }
        } else {
            for path in generate::write_crate(&exercise.dir, &files)? {
                say!("wrote {}", exercise.dir.join(path).display());
            }
        }
    }
    if check {
        say!(
            "{}",
            if clean {
                "exercises/ is up to date with solutions/"
            } else {
                "exercises/ differs from what solutions/ generate: run `just exercises-sync`"
            }
        );
    }
    Ok(clean)
}
