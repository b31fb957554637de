//! `links`: every relative link in the built book resolves.
//!
//! Checked on the HTML mdbook wrote, not on the Markdown: that is what a
//! reader clicks, mdbook has already turned `chapter.md#part` into
//! `chapter.html#part`, and the heading ids are mdbook's own (no guessing
//! how it turns `## 粘包: glued messages` into an id).
//!
//! A link fails when its file is not in the book (a typo, a chapter missing
//! from SUMMARY.md, a path leading out of the book into the repository), or
//! when its `#fragment` names no `id` in the target page.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use anyhow::Context;

use crate::Verdict;

/// Checks the links of every page in the built book at `out`.
pub fn check(out: &Path) -> anyhow::Result<Verdict> {
    let pages = html_files(out)?;
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut problems = Vec::new();
    let mut count = 0;
    for page in &pages {
        if page.ends_with("404.html") {
            // mdbook's own page, linking to the site root wherever it is served.
            continue;
        }
        let html = std::fs::read_to_string(page)
            .with_context(|| format!("cannot read {}", page.display()))?;
        let name = page.strip_prefix(out).unwrap_or(page);
        for href in attribute_values(&html, "href") {
            let Some((path, fragment)) = relative_target(&href) else {
                continue;
            };
            count += 1;
            if path.starts_with('/') {
                problems.push(format!(
                    "{}: link `{href}` is absolute: it breaks wherever the book is not \
                     served at the root; use a relative link",
                    name.display()
                ));
                continue;
            }
            let dir = page.parent().unwrap_or(out);
            let target = if path.is_empty() {
                Some(page.clone())
            } else {
                normalise(&dir.join(&path)).filter(|t| t.starts_with(out))
            };
            let Some(target) = target else {
                problems.push(format!(
                    "{}: link `{href}` leads out of the book",
                    name.display()
                ));
                continue;
            };
            let target = if target.is_dir() {
                target.join("index.html")
            } else {
                target
            };
            if !target.is_file() {
                problems.push(format!(
                    "{}: link `{href}`: no page {} in the book",
                    name.display(),
                    target.strip_prefix(out).unwrap_or(&target).display()
                ));
                continue;
            }
            let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
                continue;
            };
            if target.extension().map_or(true, |e| e != "html") {
                continue;
            }
            if !ids.contains_key(&target) {
                let text = std::fs::read_to_string(&target).unwrap_or_default();
                ids.insert(
                    target.clone(),
                    attribute_values(&text, "id").into_iter().collect(),
                );
            }
            if !ids[&target].contains(&fragment) {
                // In the translated book a heading's id comes from its
                // translated text, unless the English heading names its id.
                let translated = name.starts_with(crate::i18n::LANG);
                problems.push(format!(
                    "{}: link `{href}`: no heading or element with id `{fragment}` in {}{}",
                    name.display(),
                    target.strip_prefix(out).unwrap_or(&target).display(),
                    if translated {
                        format!(
                            " (give the English heading its id, `## Title {{#{fragment}}}`, \
                             so both languages keep it)"
                        )
                    } else {
                        String::new()
                    }
                ));
            }
        }
    }
    Ok(Verdict::from(
        problems,
        format!("{count} relative links in {} pages", pages.len()),
    ))
}

/// Every `.html` file under `dir`.
pub fn html_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    files_with_extension(dir, "html")
}

/// Every file under `dir` whose name ends in `.ext`, sorted.
pub fn files_with_extension(dir: &Path, ext: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The values of `name="..."` attributes, entities and percent-escapes decoded.
pub fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, matched)| {
            let rest = &html[at + matched.len()..];
            rest.find('"').map(|end| decode_entities(&rest[..end]))
        })
        .collect()
}

/// Splits a relative link into (path, fragment); `None` for links that
/// leave the site (`https:`, `mailto:`, `//host`) or are JavaScript.
fn relative_target(href: &str) -> Option<(String, Option<String>)> {
    let scheme = href
        .find(':')
        .filter(|&at| {
            href[..at]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
                && at > 0
        })
        .is_some();
    if scheme || href.starts_with("//") {
        return None;
    }
    let (path, fragment) = match href.split_once('#') {
        Some((path, fragment)) => (path, Some(percent_decode(fragment))),
        None => (href, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    Some((percent_decode(path), fragment))
}

/// Resolves `.` and `..` without touching the file system; `None` when
/// `..` climbs above the root.
pub fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

fn decode_entities(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `%E7%B2%98` → the UTF-8 bytes it spells; anything malformed stays as is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_targets() {
        assert_eq!(
            relative_target("../pitfalls.html#sticky"),
            Some(("../pitfalls.html".into(), Some("sticky".into())))
        );
        assert_eq!(
            relative_target("#top"),
            Some(("".into(), Some("top".into())))
        );
        assert_eq!(relative_target("https://example.com/x"), None);
        assert_eq!(relative_target("mailto:a@b"), None);
        assert_eq!(relative_target("//cdn.example/x.js"), None);
    }

    #[test]
    fn percent_and_entities_decode() {
        assert_eq!(percent_decode("%E7%B2%98%E5%8C%85"), "粘包");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(decode_entities("a&amp;b"), "a&b");
    }

    #[test]
    fn attributes_are_found() {
        let html = r#"<h2 id="why-3"><a href="a.html#x">A</a> <a class="y" href="b.html">"#;
        assert_eq!(attribute_values(html, "href"), ["a.html#x", "b.html"]);
        assert_eq!(attribute_values(html, "id"), ["why-3"]);
    }

    #[test]
    fn broken_links_and_fragments_fail() {
        let out = std::env::temp_dir().join(format!("book-check-links-{}", std::process::id()));
        std::fs::create_dir_all(out.join("lessons")).unwrap();
        std::fs::write(out.join("index.html"), r#"<h1 id="intro">x</h1>"#).unwrap();
        std::fs::write(
            out.join("lessons/one.html"),
            r#"<a href="../index.html#intro">ok</a> <a href="../index.html#gone">frag</a>
               <a href="two.html">missing</a> <a href="../../crates/x.rs">out</a>"#,
        )
        .unwrap();
        let Verdict::Fail(problems) = check(&out).unwrap() else {
            panic!("broken links passed")
        };
        std::fs::remove_dir_all(&out).unwrap();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].contains("id `gone`"));
        assert!(problems[1].contains("no page lessons/two.html"));
        assert!(problems[2].contains("out of the book"));
    }
}
