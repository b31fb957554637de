//! The Simplified Chinese book: its catalogue is complete and in step with
//! the English, and every page exists in both languages.
//!
//! The translation is a gettext catalogue, `book/po/zh-CN.po`, made from
//! the English book by `mdbook-xgettext` (mdbook-i18n-helpers) and applied
//! by its `mdbook-gettext` preprocessor. An English edit changes or adds a
//! message; until the catalogue has its translation, the Chinese book would
//! quietly show that paragraph in English. So the check extracts the
//! messages afresh and fails, listing each one, when:
//!
//! - a message of the English book is not in the catalogue (new or edited
//!   English: translate it);
//! - a message is in the catalogue but untranslated, or marked fuzzy
//!   (msgmerge's guess, which mdbook-gettext ignores until a person has
//!   checked it);
//! - the catalogue or `po/messages.pot` holds messages the book no longer
//!   has (run `just book-translate`, which refreshes both);
//! - a Rust or Python listing lacks `<!-- i18n:skip -->`: programs are shown
//!   as they are, their comments included, in both books, so a code edit
//!   never needs a translation (`just book-translate` adds the marker).
//!
//! The pages `just bench` writes ([`GENERATED`]) are numbers of one run:
//! they stay in English in both books and out of the catalogue.
//!
//! `translate` is that refresh: markers, `po/messages.pot`, then `msgmerge`
//! into `po/zh-CN.po`, then what is left to translate.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context};

use crate::{build, in_ci, links, po, process, Verdict};

/// The translation's language: book.language, the catalogue's name and the
/// directory of its book (`book/book/zh-CN/`).
pub const LANG: &str = "zh-CN";

/// The Chinese book's title (book.title; `just book-build` sets the same).
pub const TITLE: &str = "套接字编程：Rust 与 Python 教程对照";

/// Listings in these languages are programs, shown as they are.
const CODE_LANGS: &[&str] = &["rust", "python", "py", "rs"];

/// The marker mdbook-i18n-helpers reads: the next block is not a message.
pub const SKIP: &str = "<!-- i18n:skip -->";

/// Pages the benchmark writes (`just bench`): numbers of one run on one
/// machine, shown in English in both books. Their messages are left out of
/// the catalogue, so a new run never needs a translation.
pub const GENERATED: &[&str] = &[
    "benchmark/machine.md",
    "benchmark/table.md",
    "benchmark/scale.md",
    "benchmark/targets.md",
];

/// How many messages a failure lists before "... and N more".
const LIST: usize = 40;

fn po_dir(book: &Path) -> PathBuf {
    book.join("po")
}

fn catalogue(book: &Path) -> PathBuf {
    po_dir(book).join(format!("{LANG}.po"))
}

/// Extracts the English book's messages into `dir/messages.pot`.
pub fn extract(book: &Path, dir: &Path) -> anyhow::Result<PathBuf> {
    let mdbook = process::which("mdbook").context(
        "mdbook is not installed; install the pinned version with: just setup \
         (or scripts/install-tools.sh book)",
    )?;
    process::which("mdbook-xgettext").context(
        "mdbook-xgettext (mdbook-i18n-helpers) is not installed; install it with: \
         scripts/install-tools.sh book",
    )?;
    let mut cmd = Command::new(mdbook);
    cmd.arg("build").arg(book).arg("--dest-dir").arg(dir);
    // Only the xgettext renderer, for this build. Granularity 0: no line
    // numbers in the sources, so moving a paragraph is not a change.
    cmd.env(
        "MDBOOK_OUTPUT",
        r#"{"xgettext": {"pot-file": "messages.pot", "granularity": 0}}"#,
    )
    .env("NO_COLOR", "1");
    let run = process::run(cmd, "mdbook-xgettext", Duration::from_secs(300))?;
    if !run.success {
        bail!(
            "extracting the messages failed ({}): {}",
            run.status,
            run.stderr.trim()
        );
    }
    let pot = dir.join("messages.pot");
    anyhow::ensure!(pot.is_file(), "mdbook-xgettext wrote no {}", pot.display());
    Ok(pot)
}

/// The messages of the generated pages ([`GENERATED`]): extracted from a
/// scratch book that includes just them.
fn generated_msgids(book: &Path, scratch: &Path) -> anyhow::Result<BTreeSet<String>> {
    let src = book
        .join("src")
        .canonicalize()
        .with_context(|| format!("cannot find {}/src", book.display()))?;
    let pages: Vec<PathBuf> = GENERATED
        .iter()
        .map(|page| src.join(page))
        .filter(|page| page.is_file())
        .collect();
    if pages.is_empty() {
        return Ok(BTreeSet::new());
    }
    let gen_book = scratch.join("generated-book");
    std::fs::create_dir_all(gen_book.join("src"))?;
    std::fs::write(
        gen_book.join("book.toml"),
        "[book]\ntitle = \"generated\"\n[build]\ncreate-missing = false\n",
    )?;
    std::fs::write(
        gen_book.join("src/SUMMARY.md"),
        "[generated](generated.md)\n",
    )?;
    let includes: String = pages
        .iter()
        .map(|page| format!("{{{{#include {}}}}}\n\n", page.display()))
        .collect();
    std::fs::write(gen_book.join("src/generated.md"), includes)?;
    let pot = extract(&gen_book, &scratch.join("generated-pot"))?;
    let mut ids = msgids(&active(&pot)?);
    ids.remove("generated");
    Ok(ids)
}

/// The English book's messages today, without the generated pages'.
fn fresh_messages(book: &Path) -> anyhow::Result<(BTreeSet<String>, PathBuf, build::OutDir)> {
    let tmp = build::OutDir::new(book)?;
    let pot = extract(book, tmp.path())?;
    let generated = generated_msgids(book, tmp.path())?;
    let fresh = msgids(&active(&pot)?)
        .into_iter()
        .filter(|id| !generated.contains(id))
        .collect();
    let kept = tmp.path().join("kept.pot");
    std::fs::write(&kept, without(&std::fs::read_to_string(&pot)?, &generated)?)?;
    Ok((fresh, kept, tmp))
}

/// PO text without the entries whose msgid is in `drop`.
fn without(text: &str, drop: &BTreeSet<String>) -> anyhow::Result<String> {
    let mut out = String::with_capacity(text.len());
    for block in text.split("\n\n") {
        let entries = po::parse(block)?;
        let dropped = entries
            .first()
            .is_some_and(|e| !e.msgid.is_empty() && drop.contains(&e.msgid));
        if !dropped && !block.trim().is_empty() {
            out.push_str(block.trim_end_matches('\n'));
            out.push_str("\n\n");
        }
    }
    Ok(out)
}

/// The messages of a PO/POT file that are in use (no header, no obsolete).
fn active(path: &Path) -> anyhow::Result<Vec<po::Entry>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(po::parse(&text)
        .with_context(|| format!("cannot read {}", path.display()))?
        .into_iter()
        .filter(|e| !e.obsolete && !e.msgid.is_empty())
        .collect())
}

fn msgids(entries: &[po::Entry]) -> BTreeSet<String> {
    entries.iter().map(|e| e.msgid.clone()).collect()
}

/// One line for a message: its start, on one line.
fn short(msgid: &str) -> String {
    let flat: String = msgid.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut cut: String = flat.chars().take(90).collect();
    if cut.len() < flat.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

/// Appends `what: message` lines for at most [`LIST`] messages.
fn list<'a>(problems: &mut Vec<String>, what: &str, messages: impl Iterator<Item = &'a String>) {
    let all: Vec<&String> = messages.collect();
    for msgid in all.iter().take(LIST) {
        problems.push(format!("{what}: {}", short(msgid)));
    }
    if all.len() > LIST {
        problems.push(format!("{what}: ... and {} more", all.len() - LIST));
    }
}

/// Rust and Python listings without the skip marker above them, as
/// `(file, line)`.
pub fn unmarked_listings(book: &Path) -> anyhow::Result<Vec<(PathBuf, usize)>> {
    let mut found = Vec::new();
    for file in links::files_with_extension(&book.join("src"), "md")? {
        let text = std::fs::read_to_string(&file)?;
        for line in listings_without_marker(&text) {
            found.push((file.clone(), line));
        }
    }
    Ok(found)
}

/// 1-based lines of code fences in `text` that open a Rust or Python
/// listing with no skip marker on the closest non-blank line above.
pub fn listings_without_marker(text: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut in_fence: Option<&str> = None;
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let fence = if trimmed.starts_with("````") {
            "````"
        } else if trimmed.starts_with("```") {
            "```"
        } else {
            continue;
        };
        match in_fence {
            Some(open) if trimmed.trim_end() == open => in_fence = None,
            Some(_) => {}
            None => {
                in_fence = Some(fence);
                let info = trimmed[fence.len()..].trim();
                let lang = info
                    .split([',', ' ', '{'])
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                if !CODE_LANGS.contains(&lang.as_str()) {
                    continue;
                }
                let above = lines[..i].iter().rev().find(|l| !l.trim().is_empty());
                if above.map(|l| l.trim()) != Some(SKIP) {
                    found.push(i + 1);
                }
            }
        }
    }
    found
}

/// Puts the skip marker above every unmarked Rust and Python listing;
/// returns how many it added.
pub fn mark_listings(book: &Path) -> anyhow::Result<usize> {
    let mut added = 0;
    for file in links::files_with_extension(&book.join("src"), "md")? {
        let text = std::fs::read_to_string(&file)?;
        let lines = listings_without_marker(&text);
        if lines.is_empty() {
            continue;
        }
        let mut out = String::with_capacity(text.len() + lines.len() * 24);
        for (i, line) in text.split_inclusive('\n').enumerate() {
            if lines.contains(&(i + 1)) {
                let indent: String = line.chars().take_while(|c| *c == ' ').collect();
                out.push_str(&format!("{indent}{SKIP}\n\n"));
                added += 1;
            }
            out.push_str(line);
        }
        std::fs::write(&file, out).with_context(|| format!("cannot write {}", file.display()))?;
    }
    Ok(added)
}

/// The catalogue check (see the module docs).
pub fn check(book: &Path) -> anyhow::Result<Verdict> {
    let mut problems = Vec::new();
    for (file, line) in unmarked_listings(book)? {
        problems.push(format!(
            "{}:{line}: a Rust or Python listing without `{SKIP}` above it \
             (listings are shown as the programs have them, never translated): \
             run `just book-translate`",
            file.strip_prefix(book).unwrap_or(&file).display()
        ));
    }

    let po_path = catalogue(book);
    if !po_path.is_file() {
        problems.push(format!(
            "{} is missing: run `just book-translate`",
            po_path.display()
        ));
        return Ok(Verdict::Fail(problems));
    }
    let (fresh, _, _tmp) = fresh_messages(book)?;
    let entries = active(&po_path)?;
    let have = msgids(&entries);
    list(
        &mut problems,
        "English without a translation (new or edited: translate it in book/po/zh-CN.po)",
        fresh.difference(&have),
    );
    list(
        &mut problems,
        "untranslated in book/po/zh-CN.po",
        entries
            .iter()
            .filter(|e| e.msgstr.is_empty() && fresh.contains(&e.msgid))
            .map(|e| &e.msgid),
    );
    list(
        &mut problems,
        "fuzzy in book/po/zh-CN.po (check the translation, then remove `#, fuzzy`)",
        entries.iter().filter(|e| e.fuzzy).map(|e| &e.msgid),
    );
    let stale: Vec<&String> = have.difference(&fresh).collect();
    if !stale.is_empty() {
        problems.push(format!(
            "book/po/zh-CN.po has {} messages the English book no longer has: \
             run `just book-translate` (it marks them obsolete)",
            stale.len()
        ));
    }
    let pot = po_dir(book).join("messages.pot");
    match active(&pot) {
        Ok(committed) if msgids(&committed) == fresh => {}
        Ok(_) => problems.push(
            "book/po/messages.pot is not what the English book gives today: \
             run `just book-translate`"
                .into(),
        ),
        Err(e) => problems.push(format!("{e:#}: run `just book-translate`")),
    }
    problems.extend(msgfmt_check(&po_path)?);

    let translated = entries
        .iter()
        .filter(|e| !e.msgstr.is_empty() && !e.fuzzy)
        .count();
    Ok(Verdict::from(
        problems,
        format!(
            "{translated} of {} messages translated, none fuzzy, in step with the English",
            fresh.len()
        ),
    ))
}

/// `msgfmt --check`: the catalogue is well-formed (placeholders, headers).
fn msgfmt_check(po_path: &Path) -> anyhow::Result<Vec<String>> {
    let Some(msgfmt) = process::which("msgfmt") else {
        if in_ci() {
            bail!("msgfmt (GNU gettext) is not installed; CI=true requires it");
        }
        println!("book-check i18n: note: msgfmt (gettext) not found, catalogue syntax not checked");
        return Ok(Vec::new());
    };
    let mut cmd = Command::new(msgfmt);
    cmd.arg("--check")
        .arg("--output-file=/dev/null")
        .arg(po_path);
    let run = process::run(cmd, "msgfmt", Duration::from_secs(60))?;
    Ok(if run.success {
        Vec::new()
    } else {
        run.stderr
            .lines()
            .map(|l| format!("msgfmt: {}", l.trim()))
            .collect()
    })
}

/// `just book-translate`: markers, a fresh `po/messages.pot`, the catalogue
/// merged with it, and what is left to translate.
pub fn translate(book: &Path) -> anyhow::Result<bool> {
    let marked = mark_listings(book)?;
    if marked > 0 {
        println!("added `{SKIP}` above {marked} Rust/Python listings");
    }
    let (_, pot, _tmp) = fresh_messages(book)?;
    std::fs::create_dir_all(po_dir(book))?;
    let committed_pot = po_dir(book).join("messages.pot");
    std::fs::copy(&pot, &committed_pot)
        .with_context(|| format!("cannot write {}", committed_pot.display()))?;
    println!("wrote {}", committed_pot.display());

    let po_path = catalogue(book);
    if po_path.is_file() {
        let msgmerge = process::which("msgmerge")
            .context("msgmerge (GNU gettext) is not installed: sudo apt-get install gettext")?;
        let mut cmd = Command::new(msgmerge);
        cmd.args(["--update", "--backup=none", "--quiet"])
            .arg(&po_path)
            .arg(&committed_pot);
        let run = process::run(cmd, "msgmerge", Duration::from_secs(120))?;
        if !run.success {
            bail!("msgmerge failed: {}", run.stderr.trim());
        }
        println!("merged into {}", po_path.display());
    } else {
        let text = std::fs::read_to_string(&committed_pot)?.replacen(
            "\"Language: \\n\"",
            &format!("\"Language: {}\\n\"", LANG.replace('-', "_")),
            1,
        );
        std::fs::write(&po_path, text)?;
        println!("created {}", po_path.display());
    }

    let entries = active(&po_path)?;
    let todo: Vec<&po::Entry> = entries
        .iter()
        .filter(|e| e.msgstr.is_empty() || e.fuzzy)
        .collect();
    println!(
        "{} messages: {} translated, {} fuzzy, {} untranslated",
        entries.len(),
        entries.len() - todo.len(),
        entries.iter().filter(|e| e.fuzzy).count(),
        entries.iter().filter(|e| e.msgstr.is_empty()).count()
    );
    for entry in todo.iter().take(LIST) {
        let mark = if entry.fuzzy { "fuzzy" } else { "new" };
        println!("  {mark}: {}", short(&entry.msgid));
    }
    if todo.len() > LIST {
        println!("  ... and {} more", todo.len() - LIST);
    }
    Ok(todo.is_empty())
}

/// Every page of each book has its counterpart in the other: the target of
/// the language picker, which maps a page to the same path in the other
/// book's root.
pub fn pages(out: &Path) -> anyhow::Result<Verdict> {
    let translated = out.join(LANG);
    let rel = |root: &Path, files: Vec<PathBuf>| -> BTreeSet<PathBuf> {
        files
            .into_iter()
            .filter_map(|f| f.strip_prefix(root).ok().map(Path::to_path_buf))
            .filter(|f| !f.starts_with(LANG))
            .collect()
    };
    let english = rel(out, links::html_files(out)?);
    let chinese = rel(&translated, links::html_files(&translated)?);
    let mut problems = Vec::new();
    for page in english.difference(&chinese) {
        problems.push(format!(
            "{}: no {LANG} page: its language picker leads nowhere",
            page.display()
        ));
    }
    for page in chinese.difference(&english) {
        problems.push(format!(
            "{LANG}/{}: no English page: its language picker leads nowhere",
            page.display()
        ));
    }
    // A translation that appends ` {#id}` keeps a heading's id; where the
    // same message is also a table cell or a sidebar title, the marker
    // shows as text.
    for page in &chinese {
        let html = std::fs::read_to_string(translated.join(page))?;
        if let Some(marker) = literal_id_marker(&html) {
            problems.push(format!(
                "{LANG}/{}: shows `{marker}` as text: remove it from that message's \
                 translation and give the English heading its id instead \
                 (`## Title {marker}`)",
                page.display()
            ));
        }
    }
    Ok(Verdict::from(
        problems,
        format!(
            "{} pages in each language, each with its counterpart",
            english.len()
        ),
    ))
}

/// The first `{#some-id}` in `html`, if any.
fn literal_id_marker(html: &str) -> Option<&str> {
    let mut rest = html;
    while let Some(at) = rest.find("{#") {
        let tail = &rest[at + 2..];
        let len = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(tail.len());
        if len > 0 && tail[len..].starts_with('}') {
            return Some(&rest[at..at + 2 + len + 1]);
        }
        rest = tail;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmarked_listings_are_found() {
        let text = "a\n\n```rust\nfn x() {}\n```\n\n<!-- i18n:skip -->\n\n```python\nx = 1\n```\n\n```text\nout\n```\n\n```sh\nls\n```\n";
        assert_eq!(listings_without_marker(text), [3]);
    }

    #[test]
    fn fences_inside_fences_are_not_listings() {
        let text = "````markdown\n```rust\nx\n```\n````\n";
        assert!(listings_without_marker(text).is_empty());
    }

    #[test]
    fn info_strings_with_options_count() {
        let text = "```rust,noplayground\nx\n```\n  ```python\ny\n  ```\n";
        assert_eq!(listings_without_marker(text), [1, 4]);
    }

    #[test]
    fn id_markers_shown_as_text_are_found() {
        assert_eq!(
            literal_id_marker("<th>讲授内容 {#what-it-teaches}</th>"),
            Some("{#what-it-teaches}")
        );
        assert_eq!(literal_id_marker("println!(\"{:#?}\", x); {# not}"), None);
    }

    #[test]
    fn generated_messages_are_dropped() {
        let text = "msgid \"\"\nmsgstr \"\"\n\n#: a\nmsgid \"keep\"\nmsgstr \"\"\n\n#: b\nmsgid \"\"\n\"drop\"\nmsgstr \"\"\n";
        let drop = BTreeSet::from(["drop".to_string()]);
        let kept = without(text, &drop).unwrap();
        assert!(kept.contains("keep") && !kept.contains("drop"), "{kept}");
        assert!(kept.starts_with("msgid \"\""), "{kept}");
    }

    #[test]
    fn short_cuts_and_flattens() {
        assert_eq!(short("a\n  b"), "\"a b\"");
        assert!(short(&"x".repeat(200)).ends_with("…\""));
    }
}
