//! `just exercises`: every exercise with where the learner stands, and
//! what to do next. Instant: it reads files and the remembered results of
//! earlier checks, it never builds.

use anyhow::Result;

use crate::generate::{self, read_crate};
use crate::layout::{self, Exercise, Layout};
use crate::state::{fingerprint, LastCheck, State};

/// Where a learner stands on one exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Its last check passed and it has not changed since.
    Done,
    /// Its last check failed and it has not changed since.
    Failing,
    /// Changed since the last check (or never checked) and not the starter.
    Edited,
    /// Still the starter, as generated.
    NotStarted,
}

impl Status {
    /// How the list shows it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::Failing => "failing",
            Status::Edited => "edited, not checked",
            Status::NotStarted => "not started",
        }
    }
}

/// Each exercise with its status, in order.
pub fn statuses(layout: &Layout, state: &State) -> Result<Vec<(Exercise, Status)>> {
    let mut all = Vec::new();
    for exercise in layout.exercises()? {
        let files = read_crate(&exercise.dir)?;
        let hash = fingerprint(&files);
        let status = match state.last_check(&exercise.name, hash) {
            Some(LastCheck::Passed) => Status::Done,
            Some(LastCheck::Failed) => Status::Failing,
            None => {
                let starter = generate::generate(&exercise.solution_dir).ok();
                if starter.is_some_and(|(starter, _)| starter == files) {
                    Status::NotStarted
                } else {
                    Status::Edited
                }
            }
        };
        all.push((exercise, status));
    }
    Ok(all)
}

/// The first exercise not done, if any.
pub fn next(statuses: &[(Exercise, Status)]) -> Option<&Exercise> {
    statuses
        .iter()
        .find(|(_, s)| *s != Status::Done)
        .map(|(e, _)| e)
}

/// Prints the list and the next step.
pub fn print(layout: &Layout) -> Result<()> {
    let state = State::load(&layout.state_dir());
    let all = statuses(layout, &state)?;
    let next = next(&all).cloned();
    let width = all.iter().map(|(e, _)| e.name.len()).max().unwrap_or(0);
    say!("Exercises (`just check <name>` tests one; `just check 03` is short for the third)\n");
    for (exercise, status) in &all {
        let mark = match status {
            _ if Some(exercise) == next.as_ref() => "▶",
            Status::Done => "✓",
            Status::Failing => "✗",
            Status::Edited => "~",
            Status::NotStarted => "·",
        };
        let chapter = exercise.chapter().unwrap_or_default();
        say!(
            "  {mark} {:<width$}  {:<20} {chapter}",
            exercise.name,
            status.label()
        );
    }
    let done = all.iter().filter(|(_, s)| *s == Status::Done).count();
    say!("\n{done} of {} done.", all.len());
    match next {
        Some(exercise) => {
            say!("Next: {}", exercise.name);
            show_files(&exercise);
            say!(
                "  check  just check {0}   (or `just watch {0}` to check on every save)",
                exercise.number()
            );
            say!("  stuck? just hint {}", exercise.number());
        }
        None if !all.is_empty() => {
            say!("All done! Compare yours with the solutions: `just solution <name>`.");
        }
        None => say!("No exercises found in {}.", layout.exercises.display()),
    }
    Ok(())
}

/// Where an exercise's chapter, task and code are, as paths a terminal can
/// open (`just exercises` and `just start` both show them).
pub fn show_files(exercise: &Exercise) {
    let dir = exercise.dir.display();
    if let Some(chapter) = exercise.chapter() {
        say!(
            "  read   {}  (`just book` serves it)",
            layout::chapter_page(&chapter)
        );
    }
    say!("  task   {dir}/README.md");
    say!("  edit   {dir}/src/lib.rs");
}
