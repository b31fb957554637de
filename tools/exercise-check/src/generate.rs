//! The exercises are generated from the solutions, so they cannot drift.
//!
//! A solution's `src/*.rs` marks the code a learner writes:
//!
//! ```text
//!     // TODO-BEGIN: Accept one client and echo one message.
//!     // (comment lines right after the BEGIN line stay in the exercise:
//!     //  they are the detailed instructions)
//!     let (mut conn, _) = listener.accept()?;
//!     ...
//!     // TODO-END
//! ```
//!
//! In the exercise the region becomes `// TODO: <task>`, the instruction
//! comments, and `todo!("<task>")` (`// TODO-END: <code>` puts `<code>`
//! there instead, e.g. a default value). Every other file (tests, README,
//! HINTS, Cargo.toml) is copied byte for byte, so the tests are identical.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// Starts a region the learner writes; the rest of the line is the task.
pub const BEGIN: &str = "// TODO-BEGIN:";
/// Ends it; `// TODO-END: <code>` gives the starter code to put there.
pub const END: &str = "// TODO-END";

/// rustfmt's line width: a generated `todo!()` line must fit in it.
const MAX_WIDTH: usize = 100;

/// A crate's files: path relative to the crate → contents.
pub type Files = BTreeMap<PathBuf, Vec<u8>>;

/// Turns one solution source file into the exercise's starter.
/// Returns the starter and the number of TODO regions.
pub fn starter_source(solution: &str) -> Result<(String, usize)> {
    let lines: Vec<&str> = solution.split_inclusive('\n').collect();
    let mut out = String::with_capacity(solution.len());
    let mut regions = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if !is_marker(trimmed) {
            out.push_str(line);
            i += 1;
            continue;
        }
        let begin_line = i + 1;
        let Some(task) = trimmed.strip_prefix(BEGIN).map(str::trim) else {
            if trimmed.starts_with(END) {
                bail!("line {begin_line}: {END} without a {BEGIN} before it");
            }
            bail!("line {begin_line}: write the marker as `{BEGIN} <what to do>`");
        };
        if task.is_empty() {
            bail!("line {begin_line}: {BEGIN} needs a task after the colon");
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        out.push_str(&format!("{indent}// TODO: {task}\n"));
        i += 1;
        // The comment lines right after BEGIN are instructions: keep them.
        while i < lines.len() && lines[i].trim_start().starts_with("//") && !is_marker(lines[i]) {
            out.push_str(lines[i]);
            i += 1;
        }
        // Skip the solution's code up to END.
        let end = loop {
            let Some(line) = lines.get(i) else {
                bail!("line {begin_line}: {BEGIN} is never closed by {END}");
            };
            let trimmed = line.trim();
            if trimmed.starts_with(BEGIN) {
                bail!(
                    "line {}: {BEGIN} inside the region opened on line {begin_line}",
                    i + 1
                );
            }
            if trimmed.starts_with(END) {
                break trimmed;
            }
            i += 1;
        };
        i += 1;
        let replacement = match end.strip_prefix(END) {
            Some("") => {
                let call = todo_call(task, next_closes_block(&lines[i..]));
                // rustfmt would break a longer line, and the exercise would
                // fail `cargo fmt --check`: details belong in the comments.
                if indent.len() + call.len() > MAX_WIDTH {
                    bail!(
                        "line {begin_line}: the task makes `{call}` longer than {MAX_WIDTH} \
                         columns; shorten it and put the details in comment lines after it"
                    );
                }
                call
            }
            Some(rest) => match rest.strip_prefix(':') {
                Some(code) => code.trim().to_string(),
                None => bail!("line {i}: write `{END}` or `{END}: <starter code>`"),
            },
            None => unreachable!("the loop above breaks on END only"),
        };
        if !replacement.is_empty() {
            out.push_str(&format!("{indent}{replacement}\n"));
        }
        regions += 1;
    }
    Ok((out, regions))
}

fn is_marker(trimmed: &str) -> bool {
    let trimmed = trimmed.trim_start();
    trimmed.starts_with("// TODO-BEGIN") || trimmed.starts_with(END)
}

/// Whether the first non-blank line left closes a block: then `todo!()` is
/// the block's value and needs no semicolon.
fn next_closes_block(rest: &[&str]) -> bool {
    rest.iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.starts_with('}'))
}

/// `todo!("task")`, escaped for a Rust string that is also a format string.
fn todo_call(task: &str, is_value: bool) -> String {
    let quoted = format!("{task:?}").replace('{', "{{").replace('}', "}}");
    let semicolon = if is_value { "" } else { ";" };
    format!("todo!({quoted}){semicolon}")
}

/// Generates the exercise from a solution crate: its files, and the number
/// of TODO regions in them.
pub fn generate(solution_dir: &Path) -> Result<(Files, usize)> {
    let mut files = Files::new();
    let mut regions = 0;
    for (path, bytes) in read_crate(solution_dir)? {
        if path.starts_with(crate::wrong::DIR) {
            continue; // the wrong solutions are the checker's, not the learner's
        }
        let in_src = path.starts_with("src") && path.extension().is_some_and(|e| e == "rs");
        let text = String::from_utf8_lossy(&bytes);
        if in_src {
            let (starter, n) = starter_source(&text)
                .with_context(|| format!("{}", solution_dir.join(&path).display()))?;
            regions += n;
            files.insert(path, starter.into_bytes());
        } else {
            if text.lines().any(|l| is_marker(l.trim())) {
                bail!(
                    "{}: TODO markers belong in src/*.rs only (tests and docs are copied as they are)",
                    solution_dir.join(&path).display()
                );
            }
            files.insert(path, bytes);
        }
    }
    Ok((files, regions))
}

/// Every file of a crate except its build output.
pub fn read_crate(dir: &Path) -> Result<Files> {
    let mut files = Files::new();
    collect(dir, Path::new(""), &mut files)?;
    Ok(files)
}

fn collect(root: &Path, rel: &Path, files: &mut Files) -> Result<()> {
    let dir = root.join(rel);
    let entries = fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        if text == "target" || text == "Cargo.lock" {
            continue; // build output; the workspace's lock file sits one level up
        }
        if text.starts_with('.') || text.ends_with('~') {
            continue; // editors' swap and backup files are not part of a crate
        }
        let rel = rel.join(&name);
        if entry.file_type()?.is_dir() {
            collect(root, &rel, files)?;
        } else {
            let bytes = fs::read(entry.path())
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            files.insert(rel, bytes);
        }
    }
    Ok(())
}

/// How a crate on disk differs from what it should be.
#[derive(Debug, PartialEq, Eq)]
pub enum Drift {
    /// A file that should exist does not.
    Missing(PathBuf),
    /// A file that should not exist does.
    Extra(PathBuf),
    /// A file differs, first on this line (1-based).
    Differs(PathBuf, usize),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Missing(p) => write!(f, "{} is missing", p.display()),
            Drift::Extra(p) => write!(f, "{} should not be there", p.display()),
            Drift::Differs(p, line) => write!(f, "{} differs from line {line}", p.display()),
        }
    }
}

/// Compares what should be (`expected`) with what is (`actual`).
pub fn compare(expected: &Files, actual: &Files) -> Vec<Drift> {
    let mut drift = Vec::new();
    for (path, want) in expected {
        match actual.get(path) {
            None => drift.push(Drift::Missing(path.clone())),
            Some(have) if have != want => {
                let line = first_different_line(want, have);
                drift.push(Drift::Differs(path.clone(), line));
            }
            Some(_) => {}
        }
    }
    for path in actual.keys() {
        if !expected.contains_key(path) {
            drift.push(Drift::Extra(path.clone()));
        }
    }
    drift
}

fn first_different_line(a: &[u8], b: &[u8]) -> usize {
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    a[..same].iter().filter(|&&c| c == b'\n').count() + 1
}

/// Writes `files` into `dir`, removing any other file there (except build
/// output). Returns the paths it changed.
pub fn write_crate(dir: &Path, files: &Files) -> Result<Vec<PathBuf>> {
    let current = if dir.exists() {
        read_crate(dir)?
    } else {
        Files::new()
    };
    let mut changed = Vec::new();
    for (path, bytes) in files {
        if current.get(path) != Some(bytes) {
            let full = dir.join(path);
            if let Some(parent) = full.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&full, bytes).with_context(|| format!("cannot write {}", full.display()))?;
            changed.push(path.clone());
        }
    }
    for path in current.keys() {
        if !files.contains_key(path) {
            let full = dir.join(path);
            fs::remove_file(&full).with_context(|| format!("cannot remove {}", full.display()))?;
            changed.push(path.clone());
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOLUTION: &str = "\
pub fn answer() -> u32 {
    // TODO-BEGIN: Return the answer, {not} \"7\".
    // It is 42.
    let x = 40;
    x + 2
    // TODO-END
}

pub fn setup() {
    // TODO-BEGIN: Nothing to set up.
    let _ = 1;
    // TODO-END
    done();
}

pub fn default() -> Vec<u8> {
    // TODO-BEGIN: Make a vector.
    vec![1]
    // TODO-END: Vec::new()
}
";

    #[test]
    fn regions_become_todos_and_keep_their_instructions() {
        let (starter, regions) = starter_source(SOLUTION).unwrap();
        assert_eq!(regions, 3);
        let expected = "\
pub fn answer() -> u32 {
    // TODO: Return the answer, {not} \"7\".
    // It is 42.
    todo!(\"Return the answer, {{not}} \\\"7\\\".\")
}

pub fn setup() {
    // TODO: Nothing to set up.
    todo!(\"Nothing to set up.\");
    done();
}

pub fn default() -> Vec<u8> {
    // TODO: Make a vector.
    Vec::new()
}
";
        assert_eq!(starter, expected);
    }

    #[test]
    fn a_file_without_markers_is_unchanged() {
        let text = "fn main() {}\n// TODO: a plain comment stays\n";
        assert_eq!(starter_source(text).unwrap(), (text.to_string(), 0));
    }

    #[test]
    fn broken_markers_are_errors_with_a_line_number() {
        let unclosed = "fn f() {\n    // TODO-BEGIN: x\n    1\n}\n";
        let err = starter_source(unclosed).unwrap_err().to_string();
        assert!(
            err.contains("line 2") && err.contains("never closed"),
            "{err}"
        );

        let stray_end = "fn f() {}\n// TODO-END\n";
        let err = starter_source(stray_end).unwrap_err().to_string();
        assert!(err.contains("line 2") && err.contains("without"), "{err}");

        let nested = "// TODO-BEGIN: a\n// TODO-BEGIN: b\n// TODO-END\n";
        let err = starter_source(nested).unwrap_err().to_string();
        assert!(err.contains("inside the region"), "{err}");

        let no_task = "// TODO-BEGIN:\n// TODO-END\n";
        assert!(starter_source(no_task).is_err());
        let no_colon = "// TODO-BEGIN x\n// TODO-END\n";
        assert!(starter_source(no_colon).is_err());

        let long = format!(
            "    // TODO-BEGIN: {}\n    1\n    // TODO-END\n",
            "x".repeat(90)
        );
        let err = starter_source(&long).unwrap_err().to_string();
        assert!(err.contains("shorten it"), "{err}");
    }

    #[test]
    fn compare_names_missing_extra_and_changed_files() {
        let mut want = Files::new();
        want.insert("a".into(), b"same\n".to_vec());
        want.insert("b".into(), b"1\n2\n3\n".to_vec());
        want.insert("c".into(), b"gone".to_vec());
        let mut have = Files::new();
        have.insert("a".into(), b"same\n".to_vec());
        have.insert("b".into(), b"1\n2\nthree\n".to_vec());
        have.insert("d".into(), b"new".to_vec());
        assert_eq!(
            compare(&want, &have),
            vec![
                Drift::Differs("b".into(), 3),
                Drift::Missing("c".into()),
                Drift::Extra("d".into()),
            ]
        );
    }
}
