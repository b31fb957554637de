//! The maintainers' checks (`just test-exercises`): nothing ships that a
//! learner could not finish, or would finish without writing anything.
//!
//! 1. exercises/ is exactly what solutions/ generate (no drift; the tests
//!    are copies), every exercise has TODOs, a chapter and hints;
//! 2. rustfmt is happy with both workspaces;
//! 3. clippy `-D warnings` is happy with the solutions;
//! 4. every solution passes all its tests;
//! 5. every untouched exercise compiles, and fails its tests quickly;
//! 6. every wrong solution compiles, and fails its tests (see [`crate::wrong`]).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use crate::check::{self, Crate, Limits, Report};
use crate::generate::{self, read_crate, Drift};
use crate::layout::{exercise_names, package_in, Layout};
use crate::run::run_limited;

/// Runs every check, printing each; returns whether all passed.
pub fn verify(layout: &Layout, limits: Limits) -> Result<bool> {
    let mut ok = true;
    ok &= step("exercises/ is generated from solutions/", || drift(layout));
    ok &= step("rustfmt", || rustfmt(layout, limits.build));
    ok &= step("clippy -D warnings on the solutions", || {
        clippy(layout, limits.build)
    });
    ok &= step("every solution passes its tests", || {
        crates(layout, false, limits)
    });
    ok &= step(
        "every untouched exercise compiles and fails its tests",
        || crates(layout, true, limits),
    );
    ok &= step("every wrong solution fails its tests", || {
        crate::wrong::check(layout, limits)
    });
    say!(
        "\n{}",
        if ok {
            "All exercise checks pass."
        } else {
            "Some exercise checks FAILED (see above)."
        }
    );
    Ok(ok)
}

/// Runs one check: its problems (empty = passed) are printed under its title.
fn step(title: &str, check: impl FnOnce() -> Result<Vec<String>>) -> bool {
    say!("── {title}");
    let problems = match check() {
        Ok(problems) => problems,
        Err(e) => vec![format!("{e:#}")],
    };
    for problem in &problems {
        for (i, line) in problem.lines().enumerate() {
            say!("{}{line}", if i == 0 { "  ✗ " } else { "    " });
        }
    }
    if problems.is_empty() {
        say!("  ✓ ok");
    }
    problems.is_empty()
}

fn drift(layout: &Layout) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let solutions = exercise_names(&layout.solutions)?;
    for name in exercise_names(&layout.exercises)? {
        if !solutions.contains(&name) {
            problems.push(format!(
                "exercises/{name} has no solution in solutions/{name}"
            ));
        }
    }
    for name in &solutions {
        let exercise = layout.exercise(name);
        let (expected, regions) = match generate::generate(&exercise.solution_dir) {
            Ok(generated) => generated,
            Err(e) => {
                problems.push(format!("{name}: {e:#}"));
                continue;
            }
        };
        if regions == 0 {
            problems.push(format!(
                "{name}: the solution has no `// TODO-BEGIN:` region, so there is nothing to do"
            ));
        }
        let actual = if exercise.dir.exists() {
            read_crate(&exercise.dir)?
        } else {
            Default::default()
        };
        for d in generate::compare(&expected, &actual) {
            let tests = match &d {
                Drift::Missing(p) | Drift::Extra(p) | Drift::Differs(p, _) => {
                    p.starts_with("tests")
                }
            };
            let why = if tests {
                " (the tests must be identical to the solution's)"
            } else {
                ""
            };
            problems.push(format!(
                "{}/{d}{why}: run `just exercises-sync` after editing solutions/",
                exercise.dir.display()
            ));
        }
        let text = |file: &str| {
            String::from_utf8_lossy(
                expected
                    .get(Path::new(file))
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
            )
            .into_owned()
        };
        if !text("README.md").contains("book/src/") {
            problems.push(format!(
                "{name}: README.md names no book chapter (book/src/...)"
            ));
        }
        if !text("HINTS.md").lines().any(|l| l.starts_with("## ")) {
            problems.push(format!("{name}: HINTS.md has no `## ` hint"));
        }
    }
    Ok(problems)
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target);
    cmd
}

fn rustfmt(layout: &Layout, limit: Duration) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (dir, target) in [
        (&layout.solutions, &layout.solutions_target),
        (&layout.exercises, &layout.exercises_target),
    ] {
        let done = run_limited(
            &mut cargo(
                dir,
                target,
                &["fmt", "--all", "--check", "--", "--color", "never"],
            ),
            limit,
        )?;
        if !done.success() {
            problems.push(format!(
                "{} is not formatted (`cargo fmt --all` there):\n{}",
                dir.display(),
                first_lines(&done.stdout, &done.stderr, 20)
            ));
        }
    }
    Ok(problems)
}

fn clippy(layout: &Layout, limit: Duration) -> Result<Vec<String>> {
    let done = run_limited(
        &mut cargo(
            &layout.solutions,
            &layout.solutions_target,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--color",
                "never",
                "--",
                "-D",
                "warnings",
            ],
        ),
        limit,
    )?;
    if done.success() {
        return Ok(Vec::new());
    }
    let errors = crate::libtest::build_errors(&done.stderr);
    let shown = if errors.is_empty() {
        first_lines("", &done.stderr, 20)
    } else {
        errors
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    Ok(vec![format!(
        "clippy found problems in {} ({} in all):\n{shown}",
        layout.solutions.display(),
        errors.len()
    )])
}

/// Builds a whole workspace once, then checks each crate: solutions must
/// pass, untouched exercises must fail (and not by hanging).
fn crates(layout: &Layout, exercises: bool, limits: Limits) -> Result<Vec<String>> {
    let (dir, target) = if exercises {
        (&layout.exercises, &layout.exercises_target)
    } else {
        (&layout.solutions, &layout.solutions_target)
    };
    let mut problems = Vec::new();
    // One build for all, so the crates' tests start at once. If it fails,
    // each crate's own check below says which one and why.
    run_limited(
        &mut cargo(
            dir,
            target,
            &["test", "--workspace", "--no-run", "--color", "never"],
        ),
        limits.build,
    )?;
    for name in exercise_names(dir)? {
        let exercise = layout.exercise(&name);
        let krate = Crate {
            workspace: dir.clone(),
            dir_name: name.clone(),
            package: if exercises {
                exercise.package()?
            } else {
                package_in(&exercise.solution_dir)?
            },
            target_dir: target.clone(),
        };
        let report = check::check(&krate, limits)?;
        let line = format!("{}/{name}: {}", dir.display(), report.summary());
        let bad = if exercises {
            match &report {
                Report::Tested(t) if t.timed_out.is_some() => {
                    Some("an untouched exercise must fail fast, not hang")
                }
                Report::Tested(_) if report.passed() => {
                    Some("the untouched exercise PASSES: there is nothing left to do")
                }
                Report::Tested(_) => None,
                _ => Some("the untouched exercise must compile"),
            }
        } else {
            (!report.passed()).then_some("the solution must pass every test")
        };
        match bad {
            None => say!("    {line}"),
            Some(why) => {
                problems.push(format!("{line}: {why}"));
                check::print_details(&krate, &report);
            }
        }
    }
    Ok(problems)
}

fn first_lines(stdout: &str, stderr: &str, n: usize) -> String {
    stdout
        .lines()
        .chain(stderr.lines())
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .collect::<Vec<_>>()
        .join("\n")
}
