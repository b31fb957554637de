//! `includes`: every `{{#include path:anchor}}` in the book resolves.
//!
//! mdbook includes NOTHING, silently, when an anchor is missing or was
//! renamed, and the chapter then shows an empty listing. So each include is
//! resolved here the way mdbook does it, and must yield non-empty text:
//!
//! - the file exists (relative to the chapter);
//! - the anchor has an `ANCHOR: name` line and a later `ANCHOR_END: name`;
//! - the lines between them, minus other anchor markers, are not blank;
//! - excerpts use anchors, not line numbers (`file:10:20` drifts the moment
//!   someone adds a line above).

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::Verdict;

/// One `{{#include ...}}` found in a chapter.
#[derive(Debug, PartialEq, Eq)]
pub struct Include {
    /// 1-based line in the chapter.
    pub line: usize,
    /// The path as written, relative to the chapter's directory.
    pub path: String,
    /// What follows the path's `:`, if anything.
    pub selector: Option<String>,
}

/// Checks every include of every chapter under `book/src`.
pub fn check(book: &Path) -> anyhow::Result<Verdict> {
    let src = book.join("src");
    let chapters = crate::links::files_with_extension(&src, "md")?;
    let mut problems = Vec::new();
    let mut count = 0;
    let mut included = Vec::new();
    for chapter in &chapters {
        let text = std::fs::read_to_string(chapter)
            .with_context(|| format!("cannot read {}", chapter.display()))?;
        let dir = chapter.parent().unwrap_or(&src);
        for include in find_includes(&text) {
            count += 1;
            included.push(dir.join(&include.path));
            if let Err(problem) = resolve(dir, &include) {
                problems.push(format!(
                    "{}:{}: {{{{#include {}{}}}}}: {problem}",
                    chapter.display(),
                    include.line,
                    include.path,
                    include
                        .selector
                        .as_deref()
                        .map(|s| format!(":{s}"))
                        .unwrap_or_default(),
                ));
            }
        }
    }
    let exercises = uncovered_exercises(book, &included);
    problems.extend(exercises.missing);
    Ok(Verdict::from(
        problems,
        format!(
            "{count} includes in {} chapters, all non-empty; the solutions of all {} exercises shown",
            chapters.len(),
            exercises.count
        ),
    ))
}

/// How many exercises there are, and those whose solution no chapter includes.
struct Coverage {
    count: usize,
    missing: Vec<String>,
}

/// Every `solutions/NN-name/` must have its `src/lib.rs` included in the
/// book, so a new exercise cannot be left out of the Exercises chapter.
fn uncovered_exercises(book: &Path, included: &[PathBuf]) -> Coverage {
    let solutions = book.join("../solutions");
    let included: Vec<PathBuf> = included
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    let mut coverage = Coverage {
        count: 0,
        missing: Vec::new(),
    };
    let Ok(entries) = std::fs::read_dir(&solutions) else {
        return coverage; // no exercises (yet)
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    names.sort();
    for name in names {
        coverage.count += 1;
        let lib = solutions.join(&name).join("src/lib.rs");
        let shown = lib
            .canonicalize()
            .map(|lib| included.contains(&lib))
            .unwrap_or(false);
        if !shown {
            coverage.missing.push(format!(
                "exercise {name}: no chapter includes solutions/{name}/src/lib.rs; \
                 add it to exercises.md"
            ));
        }
    }
    coverage
}

/// Finds `{{#include ...}}` and `{{#rustdoc_include ...}}` directives;
/// an escaped `\{{#include ...}}` (shown literally by mdbook) is skipped.
pub fn find_includes(text: &str) -> Vec<Include> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut rest = line;
        let mut offset = 0;
        while let Some(at) = rest.find("{{#") {
            let start = offset + at;
            let after = &line[start + 3..];
            let Some(end) = after.find("}}") else { break };
            let body = after[..end].trim();
            let escaped = line[..start].ends_with('\\');
            let directive = body
                .strip_prefix("include")
                .or_else(|| body.strip_prefix("rustdoc_include"))
                .filter(|args| args.starts_with(char::is_whitespace));
            if let (Some(args), false) = (directive, escaped) {
                let args = args.trim();
                let (path, selector) = match args.split_once(':') {
                    Some((path, selector)) => (path, Some(selector.to_string())),
                    None => (args, None),
                };
                found.push(Include {
                    line: index + 1,
                    path: path.to_string(),
                    selector,
                });
            }
            offset = start + 3 + end + 2;
            rest = &line[offset..];
        }
    }
    found
}

/// The text an include yields, or why it yields none.
pub fn resolve(dir: &Path, include: &Include) -> Result<String, String> {
    // `book/src/lessons/../../../crates/x.rs` reads better as `crates/x.rs`.
    let joined = dir.join(&include.path);
    let file = crate::links::normalise(&joined).unwrap_or(joined);
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let excerpt = match include.selector.as_deref() {
        None | Some("") => text,
        Some(sel) if is_line_range(sel) => {
            return Err("line numbers drift when the file changes: put \
                        `ANCHOR: name` / `ANCHOR_END: name` comments in the file \
                        and include `file:name`"
                .into())
        }
        Some(anchor) => {
            anchored(&text, anchor).map_err(|e| format!("{e} in {}", file.display()))?
        }
    };
    if excerpt.trim().is_empty() {
        return Err(format!("the excerpt from {} is empty", file.display()));
    }
    Ok(excerpt)
}

/// `10`, `10:20`, `:20`, `10:`: mdbook's line-range forms.
fn is_line_range(selector: &str) -> bool {
    selector
        .split(':')
        .all(|part| part.chars().all(|c| c.is_ascii_digit()))
}

/// The anchor name on a marker line: `ANCHOR: name` / `ANCHOR_END: name`
/// anywhere in the line (after `//`, `#`, `<!--`...), as mdbook reads it.
fn marker<'a>(line: &'a str, keyword: &str) -> Option<&'a str> {
    let at = line.find(keyword)?;
    let rest = line[at + keyword.len()..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    Some(&rest[..end]).filter(|name| !name.is_empty())
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`, without any
/// marker lines (mdbook drops those too, so nested anchors work).
fn anchored(text: &str, name: &str) -> Result<String, String> {
    let mut lines = text.lines();
    if !lines.by_ref().any(|l| marker(l, "ANCHOR:") == Some(name)) {
        return Err(format!("no `ANCHOR: {name}`"));
    }
    let mut excerpt = String::new();
    for line in lines {
        if marker(line, "ANCHOR_END:") == Some(name) {
            return Ok(excerpt);
        }
        if marker(line, "ANCHOR:").is_none() && marker(line, "ANCHOR_END:").is_none() {
            excerpt.push_str(line);
            excerpt.push('\n');
        }
    }
    Err(format!("`ANCHOR: {name}` has no `ANCHOR_END: {name}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "\
fn main() {}
// ANCHOR: outer
let a = 1;
    // ANCHOR: inner
    let b = 2;
    // ANCHOR_END: inner
// ANCHOR_END: outer
# ANCHOR: empty
# ANCHOR_END: empty
# ANCHOR: open
x = 1
";

    #[test]
    fn finds_includes_and_skips_escaped_ones() {
        let text = "a\n```rust\n{{#include ../x.rs:bind}}\n```\n\\{{#include y.rs}}\n{{#rustdoc_include z.rs}} {{#title T}}\n";
        assert_eq!(
            find_includes(text),
            vec![
                Include {
                    line: 3,
                    path: "../x.rs".into(),
                    selector: Some("bind".into())
                },
                Include {
                    line: 6,
                    path: "z.rs".into(),
                    selector: None
                },
            ]
        );
    }

    #[test]
    fn anchors_resolve_without_marker_lines() {
        assert_eq!(anchored(CODE, "inner").unwrap(), "    let b = 2;\n");
        assert_eq!(
            anchored(CODE, "outer").unwrap(),
            "let a = 1;\n    let b = 2;\n"
        );
    }

    #[test]
    fn missing_unclosed_and_prefix_anchors_fail() {
        assert!(anchored(CODE, "nope")
            .unwrap_err()
            .contains("no `ANCHOR: nope`"));
        assert!(anchored(CODE, "open")
            .unwrap_err()
            .contains("no `ANCHOR_END"));
        // `inn` is a prefix of `inner`, not the same anchor.
        assert!(anchored(CODE, "inn").is_err());
    }

    #[test]
    fn empty_excerpts_and_line_ranges_fail() {
        let dir = std::env::temp_dir().join(format!("book-check-inc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("code.rs"), CODE).unwrap();
        let inc = |sel: &str| Include {
            line: 1,
            path: "code.rs".into(),
            selector: Some(sel.into()),
        };
        assert!(resolve(&dir, &inc("inner")).is_ok());
        assert!(resolve(&dir, &inc("empty")).unwrap_err().contains("empty"));
        assert!(resolve(&dir, &inc("2:4"))
            .unwrap_err()
            .contains("line numbers"));
        let missing = Include {
            line: 1,
            path: "nofile.rs".into(),
            selector: None,
        };
        assert!(resolve(&dir, &missing).unwrap_err().contains("cannot read"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
