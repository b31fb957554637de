//! `just start`: the guided way through the exercises.
//!
//! It resumes at the first exercise not done, shows the progress, and
//! watches that exercise: every save runs the check and then clippy on the
//! learner's code; once the check passes it offers the next exercise. Keys
//! (a letter, then Enter where the terminal needs it): `n` next, `h` hint,
//! `r` reset, `l` list, `q` quit.
//!
//! Without a terminal (stdin not a terminal, or `CI` set) it prints the
//! progress and where to start once, and exits 0: nothing to watch, nobody
//! to press keys.

use std::io::{IsTerminal, Read};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::check::Limits;
use crate::generate::read_crate;
use crate::layout::{Exercise, Layout};
use crate::learner::{self, Which};
use crate::list::{self, Status};
use crate::run::run_limited;
use crate::state::{fingerprint, State};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Go on to the next exercise not done.
    Next,
    /// Show the next hint of this exercise.
    Hint,
    /// Put the starter back (the learner's version is saved).
    Reset,
    /// List every exercise and where the learner stands.
    List,
    /// Stop.
    Quit,
    /// Anything else: show the keys.
    Help,
}

impl Key {
    /// The key a typed character means; `None` for whitespace (the Enter
    /// after a letter, in a terminal that waits for whole lines).
    pub fn from_char(c: char) -> Option<Key> {
        Some(match c.to_ascii_lowercase() {
            c if c.is_whitespace() => return None,
            'n' => Key::Next,
            'h' => Key::Hint,
            'r' => Key::Reset,
            'l' => Key::List,
            'q' => Key::Quit,
            _ => Key::Help,
        })
    }
}

/// The keys, as the runner shows them.
pub const KEYS: &str = "keys: [n]ext  [h]int  [r]eset  [l]ist  [q]uit";

/// Whether there is someone at a terminal to watch for: stdin is a
/// terminal and `CI` is not set (CI=false and CI=0 count as not set).
pub fn interactive(stdin_is_terminal: bool, ci: Option<&str>) -> bool {
    let in_ci = ci.is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
    stdin_is_terminal && !in_ci
}

/// `done/total` as a bar of `width` cells.
pub fn progress_bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!(
        "[{}{}] {done}/{total} done",
        "█".repeat(filled),
        "░".repeat(width - filled.min(width))
    )
}

/// The exercise after `current` that is not done, going round to the
/// start; `None` when every other exercise is done.
pub fn next_after(statuses: &[(Exercise, Status)], current: &Exercise) -> Option<Exercise> {
    let at = statuses.iter().position(|(e, _)| e == current).unwrap_or(0);
    (1..statuses.len())
        .map(|step| &statuses[(at + step) % statuses.len()])
        .find(|(_, status)| *status != Status::Done)
        .map(|(e, _)| e.clone())
}

/// `just start`.
pub fn start(layout: &Layout, limits: Limits) -> Result<()> {
    let state = State::load(&layout.state_dir());
    let statuses = list::statuses(layout, &state)?;
    if statuses.is_empty() {
        anyhow::bail!("no exercises found in {}", layout.exercises.display());
    }
    let done = statuses.iter().filter(|(_, s)| *s == Status::Done).count();
    say!(
        "Exercises {}",
        progress_bar(done, statuses.len(), statuses.len() * 2)
    );
    let Some(current) = list::next(&statuses).cloned() else {
        say!("Every exercise is done! `just solution NN` compares yours with a solution.");
        return Ok(());
    };
    let status = statuses
        .iter()
        .find(|(e, _)| *e == current)
        .map_or(Status::NotStarted, |(_, s)| *s);
    show_exercise(&current, status);
    let ci = std::env::var("CI").ok();
    if !interactive(std::io::stdin().is_terminal(), ci.as_deref()) {
        say!(
            "\n(No terminal to watch from{}: this is where you stand. In a terminal, \
             `just start` watches the exercise and checks it on every save.)",
            if ci.is_some() { ", CI is set" } else { "" }
        );
        return Ok(());
    }
    let _keys_mode = terminal::SingleKeys::enable();
    watch(layout, current, limits)
}

/// The exercise's files, as paths a terminal can open.
fn show_exercise(exercise: &Exercise, status: Status) {
    say!("\n▶ {} ({})", exercise.name, status.label());
    crate::list::show_files(exercise);
    say!("  tests  {}/tests/", exercise.dir.display());
}

/// Keys typed, one at a time, from a thread of its own.
fn keys() -> Receiver<Key> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut byte = [0u8; 1];
        while let Ok(1) = stdin.read(&mut byte) {
            if let Some(key) = Key::from_char(char::from(byte[0])) {
                if tx.send(key).is_err() {
                    return;
                }
            }
        }
        // End of input (Ctrl-D): as good as quit.
        let _ = tx.send(Key::Quit);
    });
    rx
}

/// Checks `current` now and on every save; handles keys until quit.
fn watch(layout: &Layout, mut current: Exercise, limits: Limits) -> Result<()> {
    let keys = keys();
    let mut last = None;
    loop {
        let now = fingerprint(&read_crate(&current.dir)?);
        if last != Some(now) {
            if last.is_some() {
                // An editor may write in several steps: let it settle.
                thread::sleep(Duration::from_millis(150));
                if fingerprint(&read_crate(&current.dir)?) != now {
                    continue;
                }
                say!("\n──── {} changed ────", current.name);
            }
            last = Some(now);
            let started = Instant::now();
            let passed = learner::check(layout, &current, limits)?;
            say!("  (verdict in {:.1} s)", started.elapsed().as_secs_f64());
            clippy(layout, &current, limits)?;
            if passed {
                say!("\nPress n for the next exercise, or keep improving this one.");
            }
            say!("\nWatching {} for saves… {KEYS}", current.dir.display());
        }
        match keys.recv_timeout(Duration::from_millis(250)) {
            Ok(Key::Quit) | Err(RecvTimeoutError::Disconnected) => {
                say!("Bye. `just start` picks up where you are.");
                return Ok(());
            }
            Ok(Key::Next) => {
                let state = State::load(&layout.state_dir());
                let statuses = list::statuses(layout, &state)?;
                let done = statuses.iter().filter(|(_, s)| *s == Status::Done).count();
                match next_after(&statuses, &current) {
                    Some(next) => {
                        say!(
                            "\nExercises {}",
                            progress_bar(done, statuses.len(), statuses.len() * 2)
                        );
                        let status = statuses
                            .iter()
                            .find(|(e, _)| *e == next)
                            .map_or(Status::NotStarted, |(_, s)| *s);
                        show_exercise(&next, status);
                        current = next;
                        last = None;
                    }
                    None => say!("\nEvery other exercise is done: this is the last one left."),
                }
            }
            Ok(Key::Hint) => {
                say!();
                learner::hint(layout, &current, Which::Next)?;
                say!("{KEYS}");
            }
            Ok(Key::Reset) => {
                say!();
                learner::reset(layout, &current)?;
                // The files changed: the next turn of the loop checks them.
            }
            Ok(Key::List) => {
                say!();
                list::print(layout)?;
                say!("\n{KEYS}");
            }
            Ok(Key::Help) => say!("{KEYS}"),
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

/// clippy on the learner's crate, after the verdict: its first warnings,
/// one line each, as advice (they do not decide whether it is done).
fn clippy(layout: &Layout, exercise: &Exercise, limits: Limits) -> Result<()> {
    let krate = learner::exercise_crate(layout, exercise)?;
    let run = run_limited(
        &mut krate.cargo(&[
            "clippy",
            "-p",
            &krate.package,
            "--all-targets",
            "--color",
            "never",
            "--message-format",
            "short",
        ]),
        limits.build,
    )?;
    if run.timed_out() {
        say!("clippy: stopped after {:?}", limits.build);
        return Ok(());
    }
    let warnings = clippy_warnings(&run.stderr, &exercise.name, &layout.exercises);
    if warnings.is_empty() {
        if run.success() {
            say!("clippy: no warnings");
        }
        return Ok(());
    }
    say!(
        "clippy says ({} warning(s); advice, not part of the check):",
        warnings.len()
    );
    for line in warnings.iter().take(3) {
        say!("  {line}");
    }
    Ok(())
}

/// clippy's short-format warnings about the exercise's own files, with
/// paths that open from the repository root (cargo prints them relative
/// to the exercises' workspace).
fn clippy_warnings(stderr: &str, name: &str, workspace: &std::path::Path) -> Vec<String> {
    let prefix = format!("{name}/");
    stderr
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with(&prefix) && l.contains(": warning: "))
        .map(|l| workspace.join(l).display().to_string())
        .collect()
}

/// Single keys without Enter, where the terminal allows it (`stty`).
mod terminal {
    use std::process::{Command, Stdio};

    /// While alive, the terminal hands over each key at once, without
    /// echoing it; dropping it
    /// puts the terminal back as it was.
    pub struct SingleKeys {
        saved: Option<String>,
    }

    impl SingleKeys {
        pub fn enable() -> SingleKeys {
            let saved = stty(&["-g"])
                .filter(|_| stty(&["-icanon", "-echo", "min", "1", "time", "0"]).is_some());
            SingleKeys { saved }
        }
    }

    impl Drop for SingleKeys {
        fn drop(&mut self) {
            if let Some(saved) = &self.saved {
                let _ = stty(&[saved.trim()]);
            }
        }
    }

    /// Runs `stty ARGS` on our terminal; its output when it worked. On
    /// Windows there is no stty: keys then need an Enter.
    fn stty(args: &[&str]) -> Option<String> {
        let out = Command::new("stty")
            .args(args)
            .stdin(Stdio::inherit())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn letters_are_keys_and_enter_is_ignored() {
        assert_eq!(Key::from_char('n'), Some(Key::Next));
        assert_eq!(Key::from_char('H'), Some(Key::Hint));
        assert_eq!(Key::from_char('r'), Some(Key::Reset));
        assert_eq!(Key::from_char('l'), Some(Key::List));
        assert_eq!(Key::from_char('q'), Some(Key::Quit));
        assert_eq!(Key::from_char('x'), Some(Key::Help));
        assert_eq!(Key::from_char('\n'), None);
        assert_eq!(Key::from_char(' '), None);
    }

    #[test]
    fn clippy_warnings_name_the_learners_files_from_the_root() {
        let stderr = "    Checking demo v0.1.0\n\
            01-demo/src/lib.rs:38:5: warning: length comparison to zero\n\
            warning: `demo` (lib) generated 1 warning\n\
            support/src/lib.rs:1:1: warning: not the learner's\n";
        assert_eq!(
            clippy_warnings(stderr, "01-demo", std::path::Path::new("exercises")),
            ["exercises/01-demo/src/lib.rs:38:5: warning: length comparison to zero"]
        );
    }

    #[test]
    fn only_a_terminal_outside_ci_is_interactive() {
        assert!(interactive(true, None));
        assert!(interactive(true, Some("false")));
        assert!(!interactive(true, Some("true")));
        assert!(!interactive(false, None));
    }

    #[test]
    fn the_bar_fills_with_the_exercises_done() {
        assert_eq!(progress_bar(0, 4, 4), "[░░░░] 0/4 done");
        assert_eq!(progress_bar(1, 4, 8), "[██░░░░░░] 1/4 done");
        assert_eq!(progress_bar(4, 4, 4), "[████] 4/4 done");
        assert_eq!(progress_bar(0, 0, 4), "[░░░░] 0/0 done");
    }

    fn exercise(name: &str) -> Exercise {
        Exercise {
            name: name.into(),
            dir: PathBuf::from(name),
            solution_dir: PathBuf::from(name),
        }
    }

    #[test]
    fn next_skips_done_exercises_and_goes_round() {
        let all = vec![
            (exercise("01-a"), Status::Failing),
            (exercise("02-b"), Status::Done),
            (exercise("03-c"), Status::NotStarted),
            (exercise("04-d"), Status::Done),
        ];
        assert_eq!(next_after(&all, &exercise("01-a")), Some(exercise("03-c")));
        assert_eq!(next_after(&all, &exercise("03-c")), Some(exercise("01-a")));
        let finished = vec![
            (exercise("01-a"), Status::Failing),
            (exercise("02-b"), Status::Done),
        ];
        assert_eq!(next_after(&finished, &exercise("01-a")), None);
    }
}
