//! The learner's commands: check, hint, reset, watch, solution.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};

use crate::check::{self, Crate, Limits, Report};
use crate::generate::{generate, read_crate, write_crate, Files};
use crate::layout::{Exercise, Layout};
use crate::libtest::Verdict;
use crate::list;
use crate::state::{fingerprint, LastCheck, State};

/// The crate `check` works on for an exercise.
pub fn exercise_crate(layout: &Layout, exercise: &Exercise) -> Result<Crate> {
    Ok(Crate {
        workspace: layout.exercises.clone(),
        dir_name: exercise.name.clone(),
        package: exercise.package()?,
        target_dir: layout.exercises_target.clone(),
    })
}

/// `just check`: build and test, print a verdict, remember the result.
/// Returns whether the exercise is done.
pub fn check(layout: &Layout, exercise: &Exercise, limits: Limits) -> Result<bool> {
    let hash = fingerprint(&read_crate(&exercise.dir)?);
    let krate = exercise_crate(layout, exercise)?;
    say!(
        "Checking {} (tests: {}/tests/) …",
        exercise.name,
        exercise.dir.display()
    );
    let report = check::check(&krate, limits)?;
    check::print_details(&krate, &report);
    let passed = report.passed();
    let mut state = State::load(&layout.state_dir());
    let result = if passed {
        LastCheck::Passed
    } else {
        LastCheck::Failed
    };
    state.record_check(&exercise.name, hash, result)?;

    let number = exercise.number();
    say!();
    if passed {
        let n = match &report {
            Report::Tested(t) => t.run.with(Verdict::Ok).len(),
            _ => 0,
        };
        say!("✓ {} is done: all {n} tests pass.", exercise.name);
        say!("  Compare yours with the solution: just solution {number}");
        let statuses = list::statuses(layout, &state)?;
        match list::next(&statuses) {
            Some(next) => say!("  Next: {} (`just exercises` lists them all)", next.name),
            None => say!("  That was the last one: every exercise is done!"),
        }
    } else {
        let what = match &report {
            Report::BuildTimedOut(_) => "the build was stopped".to_string(),
            Report::DoesNotCompile(_) => "it does not compile; fix the first error above".into(),
            Report::Tested(t) if t.timed_out.is_some() => "the tests were stopped".into(),
            Report::Tested(t) => {
                let failed = t.run.with(Verdict::Failed).len();
                let total = failed + t.run.with(Verdict::Ok).len();
                format!("{failed} of {total} tests fail; fix the first failure above")
            }
        };
        say!("✗ {} is not done yet: {what}.", exercise.name);
        say!("  Then `just check {number}` again. Stuck? `just hint {number}`");
    }
    Ok(passed)
}

/// The hints of an exercise: each `## ` section of its HINTS.md.
pub fn hints(exercise: &Exercise) -> Result<Vec<(String, String)>> {
    let path = exercise.dir.join("HINTS.md");
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(parse_hints(&text))
}

fn parse_hints(text: &str) -> Vec<(String, String)> {
    let mut hints: Vec<(String, Vec<&str>)> = Vec::new();
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            hints.push((title.trim().to_string(), Vec::new()));
        } else if let Some((_, body)) = hints.last_mut() {
            body.push(line);
        }
    }
    hints
        .into_iter()
        .map(|(title, body)| (title, body.join("\n").trim().to_string()))
        .collect()
}

/// Which hints `just hint` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The first one not seen yet.
    Next,
    /// Every hint.
    All,
    /// Hint number K (1-based), at any time, in any order.
    Number(usize),
}

impl Which {
    /// `next` (or nothing), `all`, or a hint's number.
    pub fn parse(text: Option<&str>) -> Result<Which> {
        match text.map(str::trim) {
            None | Some("" | "next") => Ok(Which::Next),
            Some("all") => Ok(Which::All),
            Some(other) => match other.parse::<usize>() {
                Ok(k) if k >= 1 => Ok(Which::Number(k)),
                _ => bail!(
                    "`{other}`? say a hint's number (1, 2, ...), `all` for every hint, \
                     or nothing for the next one"
                ),
            },
        }
    }
}

/// `just hint`: the next hint not seen yet, a hint by its number, or all.
pub fn hint(layout: &Layout, exercise: &Exercise, which: Which) -> Result<()> {
    let hints = hints(exercise)?;
    if hints.is_empty() {
        bail!("{} has no hints", exercise.name);
    }
    let number = exercise.number();
    let show = |i: usize| {
        let (title, body) = &hints[i];
        say!("Hint {} of {}: {title}\n\n{body}\n", i + 1, hints.len());
    };
    let mut state = State::load(&layout.state_dir());
    let seen = state.hints_seen(&exercise.name);
    let i = match which {
        Which::All => {
            (0..hints.len()).for_each(show);
            return Ok(());
        }
        Which::Number(k) if k > hints.len() => bail!(
            "{} has {} hints: `just hint {number} 1` to `just hint {number} {}`",
            exercise.name,
            hints.len(),
            hints.len()
        ),
        Which::Number(k) => k - 1,
        Which::Next => seen.min(hints.len() - 1),
    };
    show(i);
    // Remember the furthest hint seen: `next` goes on from there.
    state.record_hints(&exercise.name, seen.max(i + 1))?;
    if i + 1 < hints.len() {
        say!(
            "(`just hint {number}` shows the next one, `just hint {number} K` hint K, \
             `just hint {number} all` them all)"
        );
    } else {
        say!(
            "That was the last hint. Still stuck? `just solution {number} --force` shows the solution."
        );
    }
    Ok(())
}

/// Where the backups of `exercise` live, newest last.
fn backups(layout: &Layout, exercise: &Exercise) -> Vec<PathBuf> {
    let dir = layout.state_dir().join("backups");
    let prefix = format!("{}-", exercise.name);
    let mut found: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_prefix(&prefix)
                        .is_some_and(|stamp| stamp.chars().all(|c| c.is_ascii_digit()))
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    // Milliseconds since 1970, all the same width: the name sorts by time.
    found.sort();
    found
}

/// Saves `files` as a new backup of `exercise`; returns where.
fn save_backup(layout: &Layout, exercise: &Exercise, files: &Files) -> Result<PathBuf> {
    let mut millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let dir = layout.state_dir().join("backups");
    // Two backups in the same millisecond must not overwrite each other.
    let backup = loop {
        let candidate = dir.join(format!("{}-{millis:013}", exercise.name));
        if !candidate.exists() {
            break candidate;
        }
        millis += 1;
    };
    write_crate(&backup, files)?;
    Ok(backup)
}

/// A path as the learner would type it: relative to where they are.
fn shown(path: &Path) -> String {
    let here = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&here)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `just reset`: the starter back, the learner's version saved aside.
pub fn reset(layout: &Layout, exercise: &Exercise) -> Result<()> {
    let (starter, _) = generate(&exercise.solution_dir)?;
    let current = read_crate(&exercise.dir)?;
    if current == starter {
        say!(
            "{} is already the starter; nothing to reset.",
            exercise.name
        );
        return Ok(());
    }
    let backup = save_backup(layout, exercise, &current)?;
    let changed = write_crate(&exercise.dir, &starter)?;
    for path in &changed {
        say!("  restored {}", exercise.dir.join(path).display());
    }
    say!(
        "{} is the starter again. Your version is saved in {}\n\
         `just restore {}` brings it back.",
        exercise.name,
        shown(&backup),
        exercise.number()
    );
    Ok(())
}

/// `just restore`: the newest backup `reset` made comes back. What was
/// there is saved as a backup in turn (unless it is the starter), so a
/// restore can be undone by another.
pub fn restore(layout: &Layout, exercise: &Exercise) -> Result<()> {
    let Some(newest) = backups(layout, exercise).pop() else {
        bail!(
            "{} has no backup to restore: `just reset {}` makes one before it restores the starter",
            exercise.name,
            exercise.number()
        );
    };
    let saved = read_crate(&newest)?;
    let current = read_crate(&exercise.dir)?;
    if saved == current {
        say!(
            "{} is already the version saved in {}.",
            exercise.name,
            shown(&newest)
        );
        return Ok(());
    }
    let (starter, _) = generate(&exercise.solution_dir)?;
    if current != starter {
        let aside = save_backup(layout, exercise, &current)?;
        say!("  your current version is saved in {}", shown(&aside));
    }
    // Files added since the backup go; its files come back.
    for path in write_crate(&exercise.dir, &saved)? {
        say!("  restored {}", exercise.dir.join(path).display());
    }
    fs::remove_dir_all(&newest)
        .with_context(|| format!("cannot remove the used backup {}", newest.display()))?;
    say!(
        "{} is your version from {} again.",
        exercise.name,
        shown(&newest)
    );
    Ok(())
}

/// `just solution`: the learner's code next to the solution, once it passes.
pub fn solution(layout: &Layout, exercise: &Exercise, force: bool) -> Result<()> {
    let number = exercise.number();
    if !force {
        let state = State::load(&layout.state_dir());
        let hash = fingerprint(&read_crate(&exercise.dir)?);
        if state.last_check(&exercise.name, hash) != Some(LastCheck::Passed) {
            bail!(
                "solve it first: the solution is shown once `just check {number}` passes \
                 (or peek anyway with `just solution {number} --force`)"
            );
        }
    }
    let yours = exercise.dir.join("src");
    let theirs = exercise.solution_dir.join("src");
    say!(
        "Your code ({}) against the solution ({}):\nlines with - are yours, lines with + the solution's; \
         TODO-BEGIN/TODO-END mark what the exercise left to you.\n",
        yours.display(),
        theirs.display()
    );
    show_diff(&yours, &theirs)
}

fn show_diff(yours: &Path, theirs: &Path) -> Result<()> {
    let git = Command::new("git")
        .args(["diff", "--no-index", "--color=auto", "--"])
        .arg(yours)
        .arg(theirs)
        .status();
    match git {
        // 0: no difference, 1: differences shown.
        Ok(status) if matches!(status.code(), Some(0 | 1)) => {
            if status.code() == Some(0) {
                say!("Identical to the solution.");
            }
            Ok(())
        }
        _ => {
            let status = Command::new("diff")
                .arg("-ru")
                .arg(yours)
                .arg(theirs)
                .status()
                .context("neither `git diff` nor `diff` could run")?;
            if status.code() == Some(0) {
                say!("Identical to the solution.");
            }
            Ok(())
        }
    }
}

/// `just watch`: check now, then again whenever a file of the exercise
/// changes. Polls the files' contents four times a second (no file-watching
/// service needed); stops on Ctrl-C, or after `runs` checks when given.
pub fn watch(
    layout: &Layout,
    exercise: &Exercise,
    limits: Limits,
    runs: Option<usize>,
) -> Result<()> {
    say!(
        "Watching {}: every save checks it again. Ctrl-C stops.",
        exercise.dir.display()
    );
    let mut done = 0;
    let mut last = None;
    loop {
        let now = fingerprint(&read_crate(&exercise.dir)?);
        if last != Some(now) {
            if last.is_some() {
                // An editor may write in several steps: wait until it settles.
                thread::sleep(Duration::from_millis(150));
                if fingerprint(&read_crate(&exercise.dir)?) != now {
                    continue;
                }
                say!("\n──── changed, checking again ────\n");
            }
            last = Some(now);
            check(layout, exercise, limits)?;
            done += 1;
            if runs.is_some_and(|runs| done >= runs) {
                return Ok(());
            }
            say!("\nWatching for changes… (Ctrl-C stops)");
        }
        thread::sleep(Duration::from_millis(250));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_are_the_level_two_sections() {
        let text =
            "# Hints\n\nintro\n\n## Where to start\n\nRead it.\n\n## The loop\n\nLoop.\nMore.\n";
        assert_eq!(
            parse_hints(text),
            vec![
                ("Where to start".to_string(), "Read it.".to_string()),
                ("The loop".to_string(), "Loop.\nMore.".to_string()),
            ]
        );
    }
}
