//! Where the exercises, their solutions and the checker's own state live,
//! and how a name a learner types (`01`, `tcp-echo-server`,
//! `01-tcp-echo-server`, `exercises/01-tcp-echo-server/`) finds an exercise.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The directories the checker works on.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The learners' workspace: one crate per exercise, `NN-name/`.
    pub exercises: PathBuf,
    /// The maintainers' workspace: the same crates, solved, with TODO markers.
    pub solutions: PathBuf,
    /// Cargo's target directory for the exercises (also holds the checker's state).
    pub exercises_target: PathBuf,
    /// Cargo's target directory for the solutions.
    pub solutions_target: PathBuf,
}

impl Layout {
    /// Uses `target_dir` for both workspaces' builds when given; otherwise
    /// each workspace builds into its own `target/` (gitignored). Any
    /// `CARGO_TARGET_DIR` in the environment is ignored on purpose: the
    /// exercises and the solutions have the same package names and must not
    /// share a target directory.
    pub fn new(exercises: PathBuf, solutions: PathBuf, target_dir: Option<PathBuf>) -> Layout {
        // Absolute: cargo runs inside each workspace, where a relative
        // target directory would mean something else.
        let absolute = |p: PathBuf| std::path::absolute(&p).unwrap_or(p);
        let (exercises_target, solutions_target) = match target_dir.map(absolute) {
            Some(dir) => (dir.join("exercises"), dir.join("solutions")),
            None => (
                absolute(exercises.join("target")),
                absolute(solutions.join("target")),
            ),
        };
        Layout {
            exercises,
            solutions,
            exercises_target,
            solutions_target,
        }
    }

    /// Where the checker keeps what it remembers (progress, hints, backups).
    pub fn state_dir(&self) -> PathBuf {
        self.exercises_target.join("exercise-check")
    }

    /// Every exercise, in order.
    pub fn exercises(&self) -> Result<Vec<Exercise>> {
        Ok(exercise_names(&self.exercises)?
            .into_iter()
            .map(|name| self.exercise(&name))
            .collect())
    }

    /// The exercise called `name` (a full `NN-name`), whether or not it exists yet.
    pub fn exercise(&self, name: &str) -> Exercise {
        Exercise {
            name: name.to_string(),
            dir: self.exercises.join(name),
            solution_dir: self.solutions.join(name),
        }
    }

    /// Finds the exercise a learner means by `wanted`.
    pub fn resolve(&self, wanted: &str) -> Result<Exercise> {
        let all = self.exercises()?;
        let wanted = wanted.trim().trim_end_matches('/');
        // A path such as `exercises/01-tcp-echo-server` or `./01-tcp-echo-server/src`.
        let candidates: Vec<&str> = Path::new(wanted)
            .components()
            .filter_map(|c| c.as_os_str().to_str())
            .collect();
        for exercise in &all {
            let by_number = !wanted.is_empty()
                && wanted.chars().all(|c| c.is_ascii_digit())
                && wanted.parse::<u32>().ok() == exercise.number().parse::<u32>().ok();
            if by_number
                || wanted == exercise.short()
                || candidates.iter().any(|c| *c == exercise.name)
            {
                return Ok(exercise.clone());
            }
        }
        let names: Vec<&str> = all.iter().map(|e| e.name.as_str()).collect();
        bail!(
            "no exercise called {wanted:?}; the exercises are: {}",
            names.join(", ")
        )
    }

    /// The exercise whose directory contains `dir`, if any (so `just check`
    /// run inside `exercises/03-.../src` checks exercise 03).
    pub fn containing(&self, dir: &Path) -> Option<Exercise> {
        let root = fs::canonicalize(&self.exercises).ok()?;
        let dir = fs::canonicalize(dir).ok()?;
        let rest = dir.strip_prefix(&root).ok()?;
        let first = rest.components().next()?.as_os_str().to_str()?;
        is_exercise_name(first).then(|| self.exercise(first))
    }
}

/// One exercise: its directory and its solution's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    /// `NN-name`, the directory name.
    pub name: String,
    /// `exercises/NN-name`.
    pub dir: PathBuf,
    /// `solutions/NN-name`.
    pub solution_dir: PathBuf,
}

impl Exercise {
    /// The two-digit number, e.g. `01`.
    pub fn number(&self) -> &str {
        &self.name[..2]
    }

    /// The name without its number, e.g. `tcp-echo-server`.
    pub fn short(&self) -> &str {
        &self.name[3..]
    }

    /// The package name its `Cargo.toml` declares (what `cargo -p` wants).
    pub fn package(&self) -> Result<String> {
        package_in(&self.dir)
    }

    /// The book chapter its README names (`book/src/....md`), if any.
    pub fn chapter(&self) -> Option<String> {
        let readme = fs::read_to_string(self.dir.join("README.md")).ok()?;
        chapter_in(&readme)
    }
}

/// The built book's page for a chapter `book/src/X.md`, as `just book`
/// serves it: the source shows `{{#include}}` lines, the page the code.
pub fn chapter_page(chapter: &str) -> String {
    let page = chapter
        .trim_start_matches("book/src/")
        .trim_end_matches(".md");
    format!("http://localhost:3000/{page}.html")
}

/// `NN-something`: two digits, a dash, a name.
pub fn is_exercise_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() > 3 && bytes[0].is_ascii_digit() && bytes[1].is_ascii_digit() && bytes[2] == b'-'
}

/// The `NN-name` directories in `dir`, sorted.
pub fn exercise_names(dir: &Path) -> Result<Vec<String>> {
    let entries = fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_dir() && is_exercise_name(&name) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// The package name of the crate in `dir`.
pub fn package_in(dir: &Path) -> Result<String> {
    let manifest = dir.join("Cargo.toml");
    let text = fs::read_to_string(&manifest)
        .with_context(|| format!("cannot read {}", manifest.display()))?;
    package_name(&text).with_context(|| format!("no package name in {}", manifest.display()))
}

/// The `name = "..."` of a manifest's `[package]` table.
fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("name") {
                let value = value.trim_start().strip_prefix('=')?.trim();
                return Some(value.trim_matches('"').to_string());
            }
        }
    }
    None
}

/// The first `book/src/...md` path mentioned in a README.
fn chapter_in(readme: &str) -> Option<String> {
    let start = readme.find("book/src/")?;
    let rest = &readme[start..];
    let end = rest.find(".md")? + ".md".len();
    Some(rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exercise_names_need_two_digits_and_a_dash() {
        assert!(is_exercise_name("01-tcp-echo-server"));
        assert!(!is_exercise_name("1-tcp"));
        assert!(!is_exercise_name("01-"));
        assert!(!is_exercise_name("target"));
    }

    #[test]
    fn package_name_is_read_from_the_package_table() {
        let manifest = "[workspace]\nname = \"no\"\n[package]\nname = \"tcp-echo-server\"\n";
        assert_eq!(package_name(manifest).as_deref(), Some("tcp-echo-server"));
    }

    #[test]
    fn a_chapter_is_read_on_its_built_page() {
        assert_eq!(
            chapter_page("book/src/lessons/tcp-echo.md"),
            "http://localhost:3000/lessons/tcp-echo.html"
        );
    }

    #[test]
    fn chapter_is_the_first_book_path() {
        let readme = "Read [the lesson](../../book/src/lessons/tcp-echo.md) first.";
        assert_eq!(
            chapter_in(readme).as_deref(),
            Some("book/src/lessons/tcp-echo.md")
        );
    }
}
