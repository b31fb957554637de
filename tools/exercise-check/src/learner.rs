//! The learner's commands: check, hint, reset, watch, solution.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};

use crate::check::{self, Crate, Limits, Report};
use crate::generate::{generate, read_crate, write_crate};
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

/// `just hint`: the next hint not seen yet, or all of them.
pub fn hint(layout: &Layout, exercise: &Exercise, all: bool) -> Result<()> {
    let hints = hints(exercise)?;
    if hints.is_empty() {
        bail!("{} has no hints", exercise.name);
    }
    let number = exercise.number();
    let show = |i: usize| {
        let (title, body) = &hints[i];
        say!("Hint {} of {}: {title}\n\n{body}\n", i + 1, hints.len());
    };
    if all {
        (0..hints.len()).for_each(show);
        return Ok(());
    }
    let mut state = State::load(&layout.state_dir());
    let seen = state.hints_seen(&exercise.name);
    let i = seen.min(hints.len() - 1);
    show(i);
    state.record_hints(&exercise.name, i + 1)?;
    if i + 1 < hints.len() {
        say!("(`just hint {number}` again shows the next one; `just hint {number} all` shows them all)");
    } else {
        say!(
            "That was the last hint. Still stuck? `just solution {number} --force` shows the solution."
        );
    }
    Ok(())
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
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let backup = layout
        .state_dir()
        .join("backups")
        .join(format!("{}-{seconds}", exercise.name));
    write_crate(&backup, &current)?;
    let changed = write_crate(&exercise.dir, &starter)?;
    for path in &changed {
        say!("  restored {}", exercise.dir.join(path).display());
    }
    let here = std::env::current_dir().unwrap_or_default();
    say!(
        "{} is the starter again. Your version is saved in {}",
        exercise.name,
        backup.strip_prefix(&here).unwrap_or(&backup).display()
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
/// changes. Polls the files' contents twice a second (no file-watching
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
                thread::sleep(Duration::from_millis(300));
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
        thread::sleep(Duration::from_millis(500));
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
