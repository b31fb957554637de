//! `build`: mdbook builds the book with zero warnings and zero errors.
//!
//! mdbook reports many problems (an unreadable include, a bad preprocessor)
//! as a log line and still exits 0, so the exit status is not enough: any
//! line on its output that says `warn` or `error` (any case, so that a
//! preprocessor's own `Warning:` counts too) fails the check.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::Context;

use crate::process;
use crate::Verdict;

/// A fresh directory for one build, removed when dropped.
pub struct OutDir(PathBuf);

impl OutDir {
    /// Creates an empty directory under the workspace's `target/book-check/`
    /// (next to the book, git-ignored). Not the system's /tmp: a browser
    /// installed as a snap cannot read /tmp, and the layout check opens
    /// these pages in one.
    pub fn new(book: &Path) -> anyhow::Result<OutDir> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let root = book
            .canonicalize()
            .with_context(|| format!("cannot find {}", book.display()))?;
        let dir = root
            .parent()
            .unwrap_or(&root)
            .join("target/book-check")
            .join(format!("{}-{stamp}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(OutDir(dir))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Builds the English book into `out` and the translation into
/// `out/zh-CN/`, as `just book-build` does; one verdict for both.
pub fn check_both(book: &Path, out: &Path) -> anyhow::Result<Verdict> {
    let english = check_lang(book, out, None)?;
    let chinese = check_lang(book, &out.join(crate::i18n::LANG), Some(crate::i18n::LANG))?;
    Ok(match (english, chinese) {
        (Verdict::Pass(en), Verdict::Pass(zh)) => {
            Verdict::Pass(format!("English: {en}; {}: {zh}", crate::i18n::LANG))
        }
        (en, zh) => {
            let mut problems = Vec::new();
            for (name, verdict) in [("English", en), (crate::i18n::LANG, zh)] {
                match verdict {
                    Verdict::Fail(found) => {
                        problems.extend(found.into_iter().map(|p| format!("{name}: {p}")))
                    }
                    Verdict::Skip(why) => problems.push(format!("{name}: not built: {why}")),
                    Verdict::Pass(_) => {}
                }
            }
            Verdict::Fail(problems)
        }
    })
}

/// Builds `book` into `out` in `language` (`None`: the book's own,
/// English); every warning or error line is a problem.
pub fn check_lang(book: &Path, out: &Path, language: Option<&str>) -> anyhow::Result<Verdict> {
    let mdbook = process::which("mdbook").context(
        "mdbook is not installed; install the pinned version with: just setup \
         (or scripts/install-tools.sh book)",
    )?;
    let mut cmd = Command::new(mdbook);
    cmd.arg("build").arg(book).arg("--dest-dir").arg(out);
    // No colours: the log levels must be plain text to be found.
    cmd.env("NO_COLOR", "1").env("CLICOLOR", "0");
    if let Some(language) = language {
        // mdbook's config from the environment: book.language.
        cmd.env("MDBOOK_BOOK__LANGUAGE", language);
        if language == crate::i18n::LANG {
            cmd.env("MDBOOK_BOOK__TITLE", crate::i18n::TITLE);
        }
    }
    let run = process::run(cmd, "mdbook build", Duration::from_secs(300))?;

    let mut problems: Vec<String> = run
        .stderr
        .lines()
        .chain(run.stdout.lines())
        .map(strip_ansi)
        .filter(|line| {
            // mdbook logs ` WARN ` / `ERROR`; preprocessors print their own
            // `Warning: ...` lines, which mdbook passes through.
            let line = line.to_lowercase();
            line.contains("warn") || line.contains("error")
        })
        .map(|line| format!("mdbook: {}", line.trim()))
        .collect();
    if !run.success {
        problems.push(format!("mdbook build failed ({})", run.status));
        // The lines around the error that do not say "error" themselves.
        for line in run.stderr.lines().map(strip_ansi) {
            let line = format!("mdbook: {}", line.trim());
            if !problems.contains(&line) && !line.contains(" INFO ") {
                problems.push(line);
            }
        }
    }
    let pages = count_pages(out);
    if run.success && pages == 0 {
        problems.push("mdbook wrote no HTML pages".into());
    }
    Ok(Verdict::from(
        problems,
        format!("{pages} HTML pages, no warnings"),
    ))
}

fn count_pages(dir: &Path) -> usize {
    crate::links::html_files(dir).map_or(0, |files| files.len())
}

/// Removes terminal colour codes (`ESC [ ... m`), should mdbook emit them.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::strip_ansi;

    #[test]
    fn colour_codes_are_removed() {
        assert_eq!(strip_ansi("\u{1b}[33m WARN\u{1b}[0m x"), " WARN x");
    }
}
