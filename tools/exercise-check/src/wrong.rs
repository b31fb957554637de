//! Wrong solutions: proof that an exercise's tests reject the classic
//! mistakes, not only the untouched starter.
//!
//! Beside its solution, each exercise keeps `wrong/<mistake-name>.rs`: a
//! complete `src/lib.rs` that makes ONE realistic mistake, named after it,
//! whose first line is a `//` comment saying the mistake in a sentence.
//! `verify` builds every one of them in a scratch workspace (under the
//! solutions' target directory) and runs the exercise's tests against it:
//! each must compile, and must fail. One that passes means the tests no
//! longer catch that mistake, and verify says which.
//!
//! The `wrong/` directory is not copied into the exercises (see
//! [`crate::generate::generate`]): a learner never sees it.
//!
//! Adding an exercise needs nothing here: put at least [`MIN_PER_EXERCISE`]
//! files in its `wrong/`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::check::{self, Crate, Limits, Report};
use crate::generate::{read_crate, write_crate, Files};
use crate::layout::{exercise_names, package_in, Layout};
use crate::libtest::{self, Verdict};
use crate::run::run_limited;

/// The directory of a solution crate that holds its wrong solutions.
pub const DIR: &str = "wrong";

/// Every exercise proves it rejects at least this many mistakes.
pub const MIN_PER_EXERCISE: usize = 4;

/// The longest the tests of one wrong solution may run. The tests' own
/// waits end after 5 s, so a mistake that hangs is caught well before.
const TEST_LIMIT: Duration = Duration::from_secs(30);

/// One wrong solution.
#[derive(Debug, Clone)]
pub struct Wrong {
    /// The exercise, `NN-name`.
    pub exercise: String,
    /// The mistake's name: the file name without `.rs`.
    pub mistake: String,
    /// The mistake in a sentence: the file's first line, without `//`.
    pub what: String,
    /// The complete `lib.rs`.
    pub source: String,
}

impl Wrong {
    /// `01-tcp-echo-server/wrong/read-to-end-instead-of-read.rs`.
    fn file(&self) -> String {
        format!("{}/{DIR}/{}.rs", self.exercise, self.mistake)
    }

    /// Its crate's directory in the scratch workspace.
    fn dir_name(&self) -> String {
        format!("{}--{}", self.exercise, self.mistake)
    }
}

/// The wrong solutions of every exercise in `solutions`, and what is wrong
/// with the set itself (too few, a file without its one-line comment).
pub fn collect(solutions: &Path) -> Result<(Vec<Wrong>, Vec<String>)> {
    let mut all = Vec::new();
    let mut problems = Vec::new();
    for exercise in exercise_names(solutions)? {
        let dir = solutions.join(&exercise).join(DIR);
        let mut files: Vec<PathBuf> = match fs::read_dir(&dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    !p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        files.sort();
        let mut count = 0;
        for path in files {
            let shown = format!("{exercise}/{DIR}/{}", file_name(&path));
            let Some(mistake) = mistake_name(&path) else {
                problems.push(format!(
                    "{shown}: name a wrong solution after its mistake, in lowercase words \
                     joined by dashes, ending in .rs (e.g. fixed-two-second-wait.rs)"
                ));
                continue;
            };
            let source = fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let Some(what) = mistake_line(&source) else {
                problems.push(format!(
                    "{shown}: its first line must be a `// ` comment saying the mistake"
                ));
                continue;
            };
            count += 1;
            all.push(Wrong {
                exercise: exercise.clone(),
                mistake,
                what,
                source,
            });
        }
        if count < MIN_PER_EXERCISE {
            problems.push(format!(
                "{exercise}: {count} wrong solution{} in solutions/{exercise}/{DIR}/; every \
                 exercise needs at least {MIN_PER_EXERCISE}, one per rule its README states \
                 (see solutions/README.md)",
                if count == 1 { "" } else { "s" }
            ));
        }
    }
    Ok((all, problems))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `fixed-two-second-wait.rs` → `fixed-two-second-wait`.
fn mistake_name(path: &Path) -> Option<String> {
    let name = file_name(path);
    let stem = name.strip_suffix(".rs")?;
    let valid = !stem.is_empty()
        && !stem.starts_with('-')
        && !stem.ends_with('-')
        && !stem.contains("--")
        && stem
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    valid.then(|| stem.to_string())
}

/// The first line, `// <the mistake>`, without its slashes.
fn mistake_line(source: &str) -> Option<String> {
    let first = source.lines().next()?;
    let text = first.strip_prefix("// ")?.trim();
    (!text.is_empty() && !first.starts_with("///")).then(|| text.to_string())
}

/// `verify`'s step: every wrong solution compiles and fails its tests.
/// Returns the problems (empty: all rejected), printing one line per
/// wrong solution and the time it all took.
pub fn check(layout: &Layout, limits: Limits) -> Result<Vec<String>> {
    let started = Instant::now();
    let (wrongs, mut problems) = collect(&layout.solutions)?;
    if wrongs.is_empty() {
        return Ok(problems);
    }
    let scratch = layout.solutions_target.join("exercise-check-wrong");
    let target = scratch.join("target");
    let packages = write_workspace(layout, &scratch, &wrongs)?;
    // As cargo will name it in its messages (no symbolic links).
    let scratch =
        fs::canonicalize(&scratch).with_context(|| format!("cannot find {}", scratch.display()))?;

    // One build of every wrong solution: the shared test helpers compile
    // once, and cargo keeps both cores busy. `--test '*'`: the exercise's
    // tests are its tests/ files (the library's own test harness would only
    // cost time); no debug info, which nobody reads here. `--keep-going`:
    // one that does not compile must not hide the others. The JSON messages
    // say where each test executable is, so the tests run without cargo in
    // between.
    let build = run_limited(
        Command::new("cargo")
            .args([
                "build",
                "--workspace",
                "--test",
                "*",
                "--keep-going",
                "--message-format=json",
                "--color",
                "never",
            ])
            .current_dir(&scratch)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_PROFILE_DEV_DEBUG", "0"),
        limits.build,
    )?;
    let built_in = build.elapsed;
    let executables = test_executables(&build.stdout);

    // Most of a wrong solution's time is spent waiting (for a time limit in
    // the tests, mostly), not computing: a few at once.
    let tests_started = Instant::now();
    let limit = limits.tests.min(TEST_LIMIT);
    let next = AtomicUsize::new(0);
    let verdicts: Mutex<Vec<Option<Result<String, String>>>> = Mutex::new(vec![None; wrongs.len()]);
    let failing: Mutex<Vec<Vec<String>>> = Mutex::new(vec![Vec::new(); wrongs.len()]);
    thread::scope(|scope| {
        for _ in 0..AT_ONCE {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(wrong) = wrongs.get(i) else { break };
                let dir = scratch.join(wrong.dir_name());
                let verdict = match executables.get(&dir.join("Cargo.toml")) {
                    Some(exes) => {
                        let mut failed = Vec::new();
                        let verdict = run_tests(&dir, exes, limit, &mut failed);
                        failing.lock().unwrap_or_else(|e| e.into_inner())[i] = failed;
                        verdict
                    }
                    // Not built (the compiler's errors say why), or not found.
                    None => through_cargo(
                        &Crate {
                            workspace: scratch.clone(),
                            dir_name: wrong.dir_name(),
                            package: packages[i].clone(),
                            target_dir: target.clone(),
                        },
                        limits,
                    ),
                };
                verdicts.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(verdict);
            });
        }
    });
    let verdicts = verdicts.into_inner().unwrap_or_else(|e| e.into_inner());
    let failing = failing.into_inner().unwrap_or_else(|e| e.into_inner());
    for (wrong, verdict) in wrongs.iter().zip(verdicts) {
        match verdict.unwrap_or_else(|| Err("was never run".to_string())) {
            Ok(caught_by) => say!("    {}: rejected by {caught_by}", wrong.file()),
            Err(problem) => problems.push(format!(
                "{}: {problem}\nthe mistake: {}",
                wrong.file(),
                wrong.what
            )),
        }
    }
    // Which tests earn their keep: a test no wrong solution fails guards a
    // rule no wrong solution breaks (said, not an error: some rules have
    // no realistic mistake, and the README says so).
    let mut exercises: Vec<&str> = wrongs.iter().map(|w| w.exercise.as_str()).collect();
    exercises.dedup();
    for exercise in exercises {
        let tests = check::test_order(&layout.solutions.join(exercise).join("tests"));
        let unused: Vec<&str> = tests
            .iter()
            .filter(|test| {
                !wrongs
                    .iter()
                    .zip(&failing)
                    .any(|(w, failed)| w.exercise == exercise && failed.contains(test))
            })
            .map(String::as_str)
            .collect();
        if !unused.is_empty() {
            say!(
                "    {exercise}: no wrong solution fails {}",
                unused.join(", ")
            );
        }
    }
    say!(
        "    {} wrong solutions in {:.0} s (build {:.0} s, tests {:.0} s, {AT_ONCE} at a time)",
        wrongs.len(),
        started.elapsed().as_secs_f64(),
        built_in.as_secs_f64(),
        tests_started.elapsed().as_secs_f64()
    );
    Ok(problems)
}

/// How many wrong solutions' tests run at the same time.
const AT_ONCE: usize = 4;

/// The test executables cargo built, by the manifest of their package
/// (from `--message-format=json`: one JSON object per line).
fn test_executables(json: &str) -> BTreeMap<PathBuf, Vec<PathBuf>> {
    let mut found: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for line in json.lines() {
        if !line.contains("\"reason\":\"compiler-artifact\"") {
            continue;
        }
        let (Some(exe), Some(manifest)) = (
            json_string(line, "executable"),
            json_string(line, "manifest_path"),
        ) else {
            continue;
        };
        found
            .entry(PathBuf::from(manifest))
            .or_default()
            .push(PathBuf::from(exe));
    }
    found
}

/// The string value of `"key":"..."` in one line of JSON (cargo's paths:
/// only `\\` and `\"` escapes to undo).
fn json_string(line: &str, key: &str) -> Option<String> {
    let start = line.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let mut value = String::new();
    let mut chars = line[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => value.push(chars.next()?),
            c => value.push(c),
        }
    }
    None
}

/// Runs a built wrong solution's test executables: `Ok(what caught it)`,
/// or `Err(why that proves nothing)`.
/// Every test that failed goes into `failed`.
fn run_tests(
    dir: &Path,
    executables: &[PathBuf],
    limit: Duration,
    failed: &mut Vec<String>,
) -> Result<String, String> {
    let order = check::test_order(&dir.join("tests"));
    let mut first_message = None;
    let mut passed = 0;
    let mut stopped = false;
    let mut crashed = false;
    for exe in executables {
        let done = run_limited(
            Command::new(exe)
                .args(["--color", "never"])
                .current_dir(dir)
                .env("RUST_BACKTRACE", "0"),
            limit,
        )
        .map_err(|e| format!("cannot run its tests: {e:#}"))?;
        let run = libtest::parse_tests(&done.stdout);
        passed += run.with(Verdict::Ok).len();
        let mut here: Vec<&str> = run.with(Verdict::Failed);
        // In the order a learner reads them.
        here.sort_by_key(|name| order.iter().position(|o| o == name).unwrap_or(usize::MAX));
        if first_message.is_none() {
            first_message = here.first().and_then(|name| {
                let message = run.panics.get(*name)?.first()?.message.lines().next()?;
                Some(shorten(message, 200))
            });
        }
        stopped |= done.timed_out();
        crashed |= !done.timed_out() && !done.success() && here.is_empty();
        failed.extend(here.into_iter().map(str::to_string));
    }
    if let Some(first) = failed.first() {
        let more = match failed.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        let message = first_message.map(|m| format!(": {m}")).unwrap_or_default();
        Ok(format!("{first}{more}{message}"))
    } else if stopped {
        Ok(format!("the time limit ({limit:?}): its tests hang"))
    } else if crashed {
        Ok("a crash of its test run".to_string())
    } else if passed > 0 {
        Err(format!(
            "PASSES every test ({passed} passed): the tests no longer catch this mistake"
        ))
    } else {
        Err("no test ran, so it proves nothing".to_string())
    }
}

/// A wrong solution whose tests the common build did not produce: built
/// and tested on its own, the way `just check` does, to say why.
fn through_cargo(krate: &Crate, limits: Limits) -> Result<String, String> {
    let report = check::check(krate, limits).map_err(|e| format!("{e:#}"))?;
    match report {
        Report::DoesNotCompile(errors) => Err(format!(
            "does not compile, so it proves nothing; a wrong solution must build and fail \
             its tests:\n{}",
            errors.first().map(String::as_str).unwrap_or_default()
        )),
        Report::BuildTimedOut(limit) => Err(format!("its build did not finish within {limit:?}")),
        Report::Tested(_) if report.passed() => Err(format!(
            "PASSES every test ({}): the tests no longer catch this mistake",
            report.summary()
        )),
        Report::Tested(ref t) => match t
            .order
            .iter()
            .find(|n| t.run.with(Verdict::Failed).contains(&n.as_str()))
        {
            Some(first) => Ok(first.clone()),
            None if t.timed_out.is_some() || t.crashed.is_some() => Ok(report.summary()),
            None => Err("no test ran, so it proves nothing".to_string()),
        },
    }
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Writes the scratch workspace: one crate per wrong solution, a copy of
/// its exercise's solution with `src/lib.rs` replaced. Files are written
/// only when they change, so a second run builds nothing. Returns each
/// crate's package name, in the order of `wrongs`.
fn write_workspace(layout: &Layout, scratch: &Path, wrongs: &[Wrong]) -> Result<Vec<String>> {
    fs::create_dir_all(scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
    let mut packages = Vec::new();
    let mut members = Vec::new();
    for wrong in wrongs {
        let solution = layout.solutions.join(&wrong.exercise);
        let solution = fs::canonicalize(&solution)
            .with_context(|| format!("cannot find {}", solution.display()))?;
        let package = package_in(&solution)?;
        let wrong_package = format!("{package}--{}", wrong.mistake);
        let mut files = Files::new();
        for (path, bytes) in read_crate(&solution)? {
            if path.starts_with(DIR) {
                continue;
            }
            let bytes = if path == Path::new("Cargo.toml") {
                let text = String::from_utf8_lossy(&bytes);
                manifest(&text, &solution, &package, &wrong_package).into_bytes()
            } else if path == Path::new("src/lib.rs") {
                wrong.source.clone().into_bytes()
            } else {
                bytes
            };
            files.insert(path, bytes);
        }
        write_crate(&scratch.join(wrong.dir_name()), &files)?;
        members.push(wrong.dir_name());
        packages.push(wrong_package);
    }
    // Crates of wrong solutions since removed.
    for entry in fs::read_dir(scratch)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_dir() && name != "target" && !members.contains(&name) {
            fs::remove_dir_all(entry.path())?;
        }
    }
    // The solutions' workspace settings (edition, lints), these members.
    let workspace = fs::read_to_string(layout.solutions.join("Cargo.toml"))
        .context("cannot read the solutions' Cargo.toml")?;
    let list = members
        .iter()
        .map(|m| format!("{m:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = String::new();
    for line in workspace.lines() {
        if line.trim_start().starts_with("members") {
            text.push_str(&format!("members = [{list}]\n"));
        } else {
            text.push_str(line);
            text.push('\n');
        }
    }
    write_if_changed(&scratch.join("Cargo.toml"), &text)?;
    if let Ok(lock) = fs::read_to_string(layout.solutions.join("Cargo.lock")) {
        if !scratch.join("Cargo.lock").exists() {
            write_if_changed(&scratch.join("Cargo.lock"), &lock)?;
        }
    }
    Ok(packages)
}

fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if fs::read_to_string(path).ok().as_deref() != Some(text) {
        fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// The solution's manifest for a wrong solution's crate: its own package
/// name (a workspace needs distinct ones), the solution's library name (so
/// the tests' `use` lines still work), and relative paths made absolute.
fn manifest(text: &str, solution: &Path, package: &str, wrong_package: &str) -> String {
    let lib_name = package.replace('-', "_");
    let mut out = String::new();
    let mut section = String::new();
    let mut lib_named = false;
    let mut lib_seen = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            if section == "[lib]" && !lib_named {
                out.push_str(&format!("name = {lib_name:?}\n"));
                lib_named = true;
            }
            section = trimmed.to_string();
            lib_seen |= section == "[lib]";
        }
        let key = trimmed.split('=').next().unwrap_or("").trim();
        if section == "[package]" && key == "name" {
            out.push_str(&format!("name = {wrong_package:?}\n"));
            continue;
        }
        if section == "[lib]" && key == "name" {
            lib_named = true;
        }
        out.push_str(&absolute_paths(line, solution));
        out.push('\n');
    }
    if section == "[lib]" && !lib_named {
        out.push_str(&format!("name = {lib_name:?}\n"));
    } else if !lib_seen {
        out.push_str(&format!("\n[lib]\nname = {lib_name:?}\n"));
    }
    out
}

/// `path = "../x"` → `path = "/abs/solution/../x"`, for dependencies.
fn absolute_paths(line: &str, solution: &Path) -> String {
    let Some(at) = line.find("path = \"") else {
        return line.to_string();
    };
    let start = at + "path = \"".len();
    let Some(len) = line[start..].find('"') else {
        return line.to_string();
    };
    let relative = &line[start..start + len];
    if Path::new(relative).is_absolute() {
        return line.to_string();
    }
    let full = solution.join(relative);
    let full = fs::canonicalize(&full).unwrap_or(full);
    format!(
        "{}{}{}",
        &line[..start],
        full.display().to_string().replace('\\', "/"),
        &line[start + len..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistake_is_named_in_lowercase_words_with_dashes() {
        let name = |n: &str| mistake_name(Path::new(n));
        assert_eq!(
            name("fixed-two-second-wait.rs").as_deref(),
            Some("fixed-two-second-wait")
        );
        assert_eq!(
            name("buffer-of-1024-bytes.rs").as_deref(),
            Some("buffer-of-1024-bytes")
        );
        assert_eq!(name("Fixed.rs"), None);
        assert_eq!(name("fixed_wait.rs"), None);
        assert_eq!(name("a--b.rs"), None, "`--` separates exercise and mistake");
        assert_eq!(name("notes.md"), None);
    }

    #[test]
    fn the_first_line_says_the_mistake() {
        assert_eq!(
            mistake_line("// Waits 2 s whatever `wait` says.\nuse std::io;\n").as_deref(),
            Some("Waits 2 s whatever `wait` says.")
        );
        assert_eq!(mistake_line("//! Exercise 1.\n"), None);
        assert_eq!(mistake_line("/// Docs.\n"), None);
        assert_eq!(mistake_line("use std::io;\n"), None);
        assert_eq!(mistake_line("// \n"), None);
    }

    #[test]
    fn the_manifest_gets_its_own_package_and_the_solutions_library_name() {
        let text = "[package]\nname = \"tcp-echo-server\"\nversion = \"0.1.0\"\n\n\
                    [dev-dependencies]\nexercise-support = { path = \"/abs/support\" }\n\n\
                    [lib]\ndoctest = false\n\n[lints]\nworkspace = true\n";
        let out = manifest(
            text,
            Path::new("/x"),
            "tcp-echo-server",
            "tcp-echo-server--m",
        );
        assert!(
            out.contains("[package]\nname = \"tcp-echo-server--m\"\n"),
            "{out}"
        );
        assert!(
            out.contains("[lib]\ndoctest = false\n\nname = \"tcp_echo_server\"\n[lints]"),
            "{out}"
        );
        assert!(out.contains("path = \"/abs/support\""), "{out}");

        let bare = "[package]\nname = \"demo\"\n";
        let out = manifest(bare, Path::new("/x"), "demo", "demo--m");
        assert!(out.ends_with("[lib]\nname = \"demo\"\n"), "{out}");
    }

    #[test]
    fn test_executables_come_from_cargos_json() {
        let json = "{\"reason\":\"compiler-artifact\",\"manifest_path\":\"/w/a/Cargo.toml\",\
                    \"executable\":\"/t/deps/a-1\"}\n\
                    {\"reason\":\"compiler-artifact\",\"manifest_path\":\"/w/a/Cargo.toml\",\
                    \"executable\":null}\n\
                    {\"reason\":\"build-finished\",\"success\":false}\n";
        let found = test_executables(json);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[Path::new("/w/a/Cargo.toml")],
            [PathBuf::from("/t/deps/a-1")]
        );
        assert_eq!(
            json_string(r#"{"k":"C:\\x\"y"}"#, "k").as_deref(),
            Some("C:\\x\"y")
        );
    }

    #[test]
    fn relative_dependency_paths_become_absolute() {
        let line = "support = { path = \"../support\" }";
        let out = absolute_paths(line, Path::new("/nowhere/solutions/01-x"));
        assert_eq!(
            out,
            "support = { path = \"/nowhere/solutions/01-x/../support\" }"
        );
    }
}
