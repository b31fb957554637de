//! `layout`: a real browser shows Python and Rust side by side on a
//! desktop, stacked on a phone, and draws the diagrams.
//!
//! For each built page with side-by-side listings, a copy with a small probe
//! script is written next to it; headless Chromium shows it in a 1280px and
//! in a 390px wide frame and prints the DOM (`--dump-dom`), in which the
//! probe has written where each column ended up (`getBoundingClientRect`). Pages with
//! mermaid diagrams are opened too, and every diagram must have become an
//! SVG (offline: the book ships mermaid.min.js).
//!
//! Every probed page, and both books' first pages, must also show the
//! language picker, leading to the same page in the other book. The
//! Chinese pages need a CJK font on the machine, or Chromium draws boxes:
//! `fc-list :lang=zh` must find one (`just setup` installs one).
//!
//! The book itself carries no test code: the probe exists only in the
//! temporary copy. Without Chromium the check is skipped, saying why, except
//! under `CI=true`, where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context};

use crate::{in_ci, links, process, Verdict};

/// The desktop and phone viewports: (name, width, height, side by side?).
const VIEWPORTS: &[(&str, u32, u32, bool)] =
    &[("desktop", 1280, 900, true), ("phone", 390, 844, false)];

/// Written into the page copy just before `</body>`. Runs a moment after
/// load (mermaid renders asynchronously) and writes one line per fact into
/// `<pre id="layout-probe">`.
const PROBE: &str = r#"<script>
window.addEventListener("load", () => setTimeout(() => {
  const lines = [`viewport ${window.innerWidth} ${window.innerHeight}`];
  document.querySelectorAll(".side-by-side").forEach((block, i) => {
    for (const lang of ["python", "rust"]) {
      const col = block.querySelector(":scope > ." + lang);
      if (!col) { lines.push(`column ${i} ${lang} missing`); continue; }
      const r = col.getBoundingClientRect();
      const s = getComputedStyle(col);
      const code = col.querySelector("pre code");
      const chars = code ? code.textContent.trim().length : 0;
      const shown = s.display !== "none" && s.visibility === "visible" && Number(s.opacity) > 0;
      lines.push(`column ${i} ${lang} ${r.left} ${r.top} ${r.right} ${r.bottom} ${shown} ${chars}`);
    }
  });
  const picker = document.getElementById("language-picker");
  lines.push(picker ? `picker ${picker.href}` : "picker missing");
  document.querySelectorAll("pre.mermaid").forEach((d, i) => {
    lines.push(`diagram ${i} ${d.querySelector("svg") ? "svg" : "none"}`);
  });
  parent.postMessage("\n" + lines.join("\n") + "\n", "*");
}, 500));
</script>
"#;

/// The page Chromium opens: the probed copy in one iframe per viewport,
/// each of exactly that size, side by side, and each probe's report
/// appended to `<pre>` (headless Chromium will not make a window narrower
/// than 500px; an iframe gives the page a true 390px viewport, media
/// queries included, and one browser start serves every width. The report
/// goes through `postMessage` because file:// pages cannot read each
/// other's DOM).
const FRAME: &str = r#"<!DOCTYPE html>
<html><body style="margin:0;display:flex;align-items:flex-start;gap:8px">
FRAMES
<pre id="layout-probe"></pre>
<script>
window.addEventListener("message", (e) => {
  document.getElementById("layout-probe").textContent += e.data + "\n=====\n";
});
</script>
</body></html>
"#;

/// One iframe of [`FRAME`].
const IFRAME: &str = r#"<iframe src="PAGE" style="border:0;display:block;flex:none;width:WIDTHpx;height:HEIGHTpx"></iframe>"#;

/// Runs the browser checks on the built book at `out`.
pub fn check(out: &Path) -> anyhow::Result<Verdict> {
    let Some(browser) = find_browser() else {
        let why = "Chromium is not installed (Debian/Ubuntu: sudo apt-get install chromium; \
                   or run scripts/install-tools.sh as root)";
        if in_ci() {
            bail!("{why}; CI=true requires this check");
        }
        return Ok(Verdict::Skip(format!("{why}; the layout was not checked")));
    };
    let mut columns = Vec::new();
    let mut diagrams = Vec::new();
    let mut problems = Vec::new();
    let translated = out.join(crate::i18n::LANG);
    if translated.is_dir() {
        match cjk_fonts() {
            Some(0) => {
                let why = "no CJK font is installed (fc-list :lang=zh finds none): the Chinese \
                           book would show boxes; install one with: just setup \
                           (Debian: apt-get install fonts-wqy-microhei)";
                if in_ci() {
                    problems.push(why.to_string());
                } else {
                    println!("book-check layout: note: {why}");
                }
            }
            Some(_) => {}
            None => println!("book-check layout: note: fc-list not found; CJK fonts not checked"),
        }
    }
    let mut pickers = vec![out.join("index.html"), translated.join("index.html")];
    for page in links::html_files(out)? {
        let html = std::fs::read_to_string(&page)?;
        if page.ends_with("print.html") {
            continue; // every chapter again, on one page
        }
        if html.contains("class=\"side-by-side\"") {
            columns.push(page.clone());
        }
        if html.contains("class=\"mermaid\"") {
            diagrams.push(page);
        }
    }
    if columns.is_empty() {
        bail!("no page has side-by-side listings (class=\"side-by-side\") to check");
    }

    let mut blocks = 0;
    let mut picked = 0;
    let sizes: Vec<(u32, u32)> = VIEWPORTS.iter().map(|v| (v.1, v.2)).collect();
    for page in &columns {
        let name = page.strip_prefix(out).unwrap_or(page).display().to_string();
        let seen = probe(&browser, page, &sizes).with_context(|| name.clone())?;
        for (&(viewport, width, _, side_by_side), facts) in VIEWPORTS.iter().zip(&seen) {
            if side_by_side {
                problems.extend(check_picker(out, page, facts));
                picked += 1;
            }
            let found = check_columns(facts, width, side_by_side);
            if side_by_side {
                blocks += facts.columns.len() / 2;
            }
            problems.extend(
                found
                    .into_iter()
                    .map(|p| format!("{name}, {viewport} ({width}px): {p}")),
            );
        }
    }
    let mut drawn = 0;
    pickers.retain(|p| p.is_file() && !columns.contains(p) && !diagrams.contains(p));
    for page in &pickers {
        let name = page.strip_prefix(out).unwrap_or(page).display().to_string();
        let facts = probe(&browser, page, &[(1280, 900)]).with_context(|| name.clone())?;
        problems.extend(check_picker(out, page, &facts[0]));
        picked += 1;
    }
    for page in &diagrams {
        let name = page.strip_prefix(out).unwrap_or(page).display().to_string();
        let facts = probe(&browser, page, &[(1280, 900)]).with_context(|| name.clone())?;
        let facts = &facts[0];
        problems.extend(check_picker(out, page, facts));
        picked += 1;
        for (i, svg) in facts.diagrams.iter().enumerate() {
            if *svg {
                drawn += 1;
            } else {
                problems.push(format!("{name}: diagram {i} was not drawn (no SVG)"));
            }
        }
    }
    Ok(Verdict::from(
        problems,
        format!(
            "{} pages, {blocks} column pairs side by side at 1280px and stacked at 390px; \
             {drawn} diagrams drawn; the language picker right on {picked} pages",
            columns.len()
        ),
    ))
}

/// How many fonts `fc-list` finds for Chinese; `None` without fontconfig.
fn cjk_fonts() -> Option<usize> {
    let fc_list = process::which("fc-list")?;
    let mut cmd = Command::new(fc_list);
    cmd.args([":lang=zh", "family"]);
    let run = process::run(cmd, "fc-list", Duration::from_secs(30)).ok()?;
    Some(run.stdout.lines().filter(|l| !l.trim().is_empty()).count())
}

/// The picker on `page` (as the probe saw it) must lead to the same page
/// in the other book: `zh-CN/x.html` for `x.html` and back.
pub fn check_picker(out: &Path, page: &Path, facts: &Facts) -> Vec<String> {
    let name = page.strip_prefix(out).unwrap_or(page);
    let Some(href) = &facts.picker else {
        return vec![format!("{}: no language picker", name.display())];
    };
    let lang = crate::i18n::LANG;
    let expected = match name.strip_prefix(lang) {
        Ok(english) => out.join(english),
        Err(_) => out.join(lang).join(name),
    };
    // The probe ran on a copy, `x.probe.html`, so the picker named that.
    let target = href
        .strip_prefix("file://")
        .map(|p| {
            p.split('#')
                .next()
                .unwrap_or(p)
                .replace(".probe.html", ".html")
        })
        .map(PathBuf::from);
    match target {
        Some(target) if target == expected && target.is_file() => Vec::new(),
        _ => vec![format!(
            "{}: the language picker leads to {href}, not to {}",
            name.display(),
            expected.strip_prefix(out).unwrap_or(&expected).display()
        )],
    }
}

fn find_browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("BOOK_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .find_map(|name| process::which(name))
}

/// One column as the probe measured it.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Index of its side-by-side block on the page.
    pub block: usize,
    /// `python` or `rust`.
    pub lang: String,
    /// Edges in CSS pixels: left, top, right, bottom.
    pub rect: [f64; 4],
    /// Displayed, visible and not transparent.
    pub shown: bool,
    /// Characters of code inside.
    pub chars: usize,
}

/// What the probe reported for one page at one size.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    /// The viewport the page really had: (width, height).
    pub viewport: (u32, u32),
    /// Every column, in page order.
    pub columns: Vec<Column>,
    /// Missing columns, as `block lang`.
    pub missing: Vec<String>,
    /// For each diagram: was it drawn as an SVG?
    pub diagrams: Vec<bool>,
    /// Where the language picker leads (an absolute URL), if there is one.
    pub picker: Option<String>,
}

/// Opens `page` once, in one frame per `(width, height)`, and returns what
/// the probe saw in each, in the same order.
fn probe(browser: &Path, page: &Path, sizes: &[(u32, u32)]) -> anyhow::Result<Vec<Facts>> {
    let html = std::fs::read_to_string(page)?;
    let at = html.rfind("</body>").context("the page has no </body>")?;
    let copy = page.with_extension("probe.html");
    std::fs::write(&copy, format!("{}{PROBE}{}", &html[..at], &html[at..]))?;
    let frame = page.with_extension("frame.html");
    let copy_name = copy
        .file_name()
        .context("the page has no file name")?
        .to_string_lossy();
    let frames: Vec<String> = sizes
        .iter()
        .map(|(width, height)| {
            IFRAME
                .replace("PAGE", &copy_name)
                .replace("WIDTH", &width.to_string())
                .replace("HEIGHT", &height.to_string())
        })
        .collect();
    std::fs::write(&frame, FRAME.replace("FRAMES", &frames.join("\n")))?;
    // The window holds every frame, side by side, with a margin.
    let window_width: u32 = sizes.iter().map(|(w, _)| w + 8).sum::<u32>() + 40;
    let window_height = sizes.iter().map(|(_, h)| *h).max().unwrap_or(900) + 40;

    let profile = page.with_extension("profile");
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--virtual-time-budget=10000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--window-size={window_width},{window_height}"))
    .arg("--dump-dom")
    .arg(format!("file://{}", frame.display()));
    let run = process::run(cmd, "chromium", Duration::from_secs(120));
    let _ = std::fs::remove_dir_all(&profile);
    let _ = std::fs::remove_file(&copy);
    let _ = std::fs::remove_file(&frame);
    let run = run?;
    let Some(report) = probe_report(&run.stdout) else {
        bail!(
            "chromium printed no probe report ({}); its stderr ends: {}",
            run.status,
            tail(&run.stderr, 5)
        );
    };
    let all: Vec<Facts> = report
        .split("=====")
        .filter(|r| !r.trim().is_empty())
        .map(parse_facts)
        .collect::<anyhow::Result<_>>()?;
    // Each report names its viewport; put them in the order asked for.
    sizes
        .iter()
        .map(|(width, _)| {
            all.iter()
                .find(|f| f.viewport.0 == *width)
                .cloned()
                .with_context(|| {
                    format!(
                        "no probe report from the {width}px frame (got {:?}); stderr ends: {}",
                        all.iter().map(|f| f.viewport).collect::<Vec<_>>(),
                        tail(&run.stderr, 5)
                    )
                })
        })
        .collect()
}

/// The text of `<pre id="layout-probe">` in the dumped DOM.
fn probe_report(dom: &str) -> Option<&str> {
    let start = dom.find("<pre id=\"layout-probe\">")? + "<pre id=\"layout-probe\">".len();
    let end = dom[start..].find("</pre>")? + start;
    Some(&dom[start..end])
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join(" | ")
}

/// Parses the probe's lines.
pub fn parse_facts(report: &str) -> anyhow::Result<Facts> {
    let mut facts = Facts::default();
    for line in report.lines().filter(|l| !l.trim().is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let bad = || anyhow::anyhow!("unreadable probe line {line:?}");
        match words.as_slice() {
            ["viewport", w, h] => facts.viewport = (w.parse()?, h.parse()?),
            ["column", block, lang, "missing"] => facts.missing.push(format!("{block} {lang}")),
            ["column", block, lang, l, t, r, b, shown, chars] => facts.columns.push(Column {
                block: block.parse()?,
                lang: lang.to_string(),
                rect: [l.parse()?, t.parse()?, r.parse()?, b.parse()?],
                shown: *shown == "true",
                chars: chars.parse()?,
            }),
            ["diagram", _, drawn] => facts.diagrams.push(*drawn == "svg"),
            ["picker", "missing"] => facts.picker = None,
            ["picker", href] => facts.picker = Some(href.to_string()),
            _ => return Err(bad()),
        }
    }
    Ok(facts)
}

/// Problems with the columns at a viewport `width` wide: both must be
/// shown, hold code and fit on screen; then side by side (Python left, Rust
/// right, same top) or stacked (Python above Rust, same left edge).
pub fn check_columns(facts: &Facts, width: u32, side_by_side: bool) -> Vec<String> {
    const SLACK: f64 = 1.0;
    let mut problems = Vec::new();
    if facts.viewport.0 != width {
        problems.push(format!(
            "the browser's viewport was {}px wide, not {width}px: the result would mean nothing",
            facts.viewport.0
        ));
        return problems;
    }
    for missing in &facts.missing {
        problems.push(format!("block {missing} column is missing"));
    }
    if facts.columns.is_empty() && facts.missing.is_empty() {
        problems.push("no side-by-side block found".into());
    }
    let width = f64::from(width);
    for col in &facts.columns {
        let [left, top, right, bottom] = col.rect;
        let what = format!("block {} {}", col.block, col.lang);
        if !col.shown || right - left < 100.0 || bottom - top < 10.0 {
            problems.push(format!(
                "{what} is not visible (shown={}, {:.0}x{:.0}px)",
                col.shown,
                right - left,
                bottom - top
            ));
        }
        if left < -SLACK || right > width + SLACK {
            problems.push(format!(
                "{what} spills out of the {width}px viewport ({left:.0}..{right:.0}px)"
            ));
        }
        if col.chars == 0 {
            problems.push(format!("{what} holds no code"));
        }
    }
    let blocks = facts
        .columns
        .iter()
        .map(|c| c.block)
        .max()
        .map_or(0, |m| m + 1);
    for block in 0..blocks {
        let find = |lang: &str| {
            facts
                .columns
                .iter()
                .find(|c| c.block == block && c.lang == lang)
        };
        let (Some(py), Some(rs)) = (find("python"), find("rust")) else {
            continue;
        };
        let [pl, pt, pr, pb] = py.rect;
        let [rl, rt, _, _] = rs.rect;
        if side_by_side {
            if !(pr <= rl + SLACK && (pt - rt).abs() <= SLACK) {
                problems.push(format!(
                    "block {block}: not side by side (Python {pl:.0},{pt:.0}..{pr:.0}; \
                     Rust starts at {rl:.0},{rt:.0})"
                ));
            }
        } else if !(pb <= rt + SLACK && (pl - rl).abs() <= SLACK) {
            problems.push(format!(
                "block {block}: not stacked (Python {pl:.0},{pt:.0}..{pr:.0},{pb:.0}; \
                 Rust starts at {rl:.0},{rt:.0})"
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(report: &str) -> Facts {
        parse_facts(report).unwrap()
    }

    const WIDE: &str = "viewport 1280 900
column 0 python 320 100 780 400 true 200
column 0 rust 800 100 1260 400 true 250
diagram 0 svg";

    const NARROW: &str = "viewport 390 844
column 0 python 15 100 375 400 true 200
column 0 rust 15 420 375 800 true 250";

    #[test]
    fn good_layouts_pass() {
        assert!(check_columns(&facts(WIDE), 1280, true).is_empty());
        assert!(check_columns(&facts(NARROW), 390, false).is_empty());
        assert_eq!(facts(WIDE).diagrams, [true]);
    }

    #[test]
    fn wrong_layouts_fail() {
        // Stacked where side by side was wanted, and the other way round.
        assert!(
            check_columns(&facts(NARROW.replace("390", "1280").as_str()), 1280, true)[0]
                .contains("not side by side")
        );
        let wide_on_phone = WIDE.replace("1280 900", "390 844");
        let problems = check_columns(&facts(&wide_on_phone), 390, false);
        assert!(
            problems.iter().any(|p| p.contains("spills out")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("not stacked")),
            "{problems:?}"
        );
    }

    #[test]
    fn hidden_empty_and_missing_columns_fail() {
        let hidden = WIDE.replace("800 100 1260 400 true 250", "800 100 1260 400 false 250");
        assert!(check_columns(&facts(&hidden), 1280, true)[0].contains("not visible"));
        let empty = WIDE.replace("true 250", "true 0");
        assert!(check_columns(&facts(&empty), 1280, true)[0].contains("no code"));
        let missing = "viewport 1280 900\ncolumn 0 python missing";
        assert!(check_columns(&facts(missing), 1280, true)[0].contains("missing"));
        assert!(check_columns(&facts(WIDE), 390, false)[0].contains("viewport"));
    }
}
