//! The checker on real crates (`fixtures/exercises/`): one that passes, one
//! that fails, one that hangs in `accept()`, one that does not compile; and
//! the generator on a solution made up on the spot.
//!
//! Each test builds into its own target directory, so the tests do not wait
//! on each other's cargo locks (which would eat into a time limit).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_exercise-check");

/// Generous: a fixture build on a busy two-core CI machine.
const LIMIT: Duration = Duration::from_secs(240);

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the checker in `dir` with a bounded wait; returns (exit code, stdout).
fn checker(dir: &Path, target: &Path, args: &[&str], env: &[(&str, &Path)]) -> (i32, String) {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .args(["--exercises", "exercises", "--solutions", "solutions"])
        .arg("--target-dir")
        .arg(target)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        cmd.env(key, value);
    }
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > LIMIT {
            child.kill().unwrap();
            panic!("exercise-check {args:?} did not finish within {LIMIT:?}");
        }
        thread::sleep(Duration::from_millis(50));
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    let stderr = String::from_utf8_lossy(&stderr);
    (status.code().unwrap_or(-1), format!("{stdout}{stderr}"))
}

#[test]
fn a_passing_exercise_is_done_and_listed_as_done() {
    let target = scratch("fixture-passing");
    let (code, out) = checker(&fixtures(), &target, &["check", "01"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("✓ echoes_one_message"), "{out}");
    assert!(
        out.contains("✓ 01-passing is done: all 2 tests pass"),
        "{out}"
    );

    let (code, out) = checker(&fixtures(), &target, &["list"], &[]);
    assert_eq!(code, 0, "{out}");
    let line = |name: &str| {
        out.lines()
            .find(|l| l.contains(name))
            .unwrap_or("")
            .to_string()
    };
    assert!(line("01-passing").contains("done"), "{out}");
    assert!(line("02-failing").contains('▶'), "the next one: {out}");
    assert!(out.contains("Next: 02-failing"), "{out}");
}

#[test]
fn a_failing_exercise_shows_the_first_failure_in_file_order() {
    let target = scratch("fixture-failing");
    let (code, out) = checker(&fixtures(), &target, &["check", "failing"], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("✓ z_right_is_right"), "{out}");
    assert!(out.contains("✗ x_answer_is_42"), "{out}");
    // y_ comes before x_ in the file, so it is the first failure.
    assert!(
        out.contains("First failure: y_later_runs_in_a_thread"),
        "{out}"
    );
    assert!(out.contains("not yet implemented: write `later`"), "{out}");
    assert!(
        out.contains("at exercises/02-failing/src/lib.rs:"),
        "paths readable from the root: {out}"
    );
    assert!(out.contains("2 of 3 tests fail"), "{out}");
    assert!(!out.contains("Compiling"), "no cargo chatter: {out}");

    let (_, out) = checker(&fixtures(), &target, &["list"], &[]);
    let line = out.lines().find(|l| l.contains("02-failing")).unwrap();
    assert!(line.contains("failing"), "{out}");
}

#[test]
fn a_hanging_exercise_is_stopped_and_its_processes_killed() {
    let target = scratch("fixture-hanging");
    let pids = scratch("fixture-hanging-pids");
    let started = Instant::now();
    let (code, out) = checker(
        &fixtures(),
        &target,
        &["check", "03-hanging", "--timeout", "3"],
        &[("FIXTURE_PID_DIR", &pids)],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("✓ finishes"), "{out}");
    assert!(out.contains("did not finish within 3s"), "{out}");
    assert!(
        out.contains("never finished: waits_forever_in_accept"),
        "{out}"
    );
    assert!(out.contains("stuck in accept()"), "{out}");
    // The failure's message, although the stopped run never printed it.
    assert!(
        out.contains("First failure: fails_before_the_hang"),
        "{out}"
    );
    assert!(out.contains("a quick failure"), "{out}");
    assert!(started.elapsed() < LIMIT, "bounded");
    // The test binary and the process it started are gone.
    let written = fs::read_to_string(pids.join("pids")).expect("the hanging test ran");
    for pid in written.split_whitespace() {
        assert!(!alive(pid), "process {pid} survived the time limit");
    }
}

/// Whether a process runs (a zombie waiting to be reaped does not).
fn alive(pid: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // The state follows the command name in parentheses.
        let state = stat.rsplit_once(") ").map(|(_, rest)| rest.chars().next());
        let running = matches!(state, Some(Some(s)) if s != 'Z' && s != 'X');
        if !running || Instant::now() > deadline {
            return running;
        }
        thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_exercise_that_does_not_compile_shows_the_compiler_error() {
    let target = scratch("fixture-broken");
    let (code, out) = checker(&fixtures(), &target, &["check", "04"], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("does not compile"), "{out}");
    assert!(out.contains("error[E0308]: mismatched types"), "{out}");
    assert!(
        out.contains("--> exercises/04-broken/src/lib.rs:5:5"),
        "{out}"
    );
}

#[test]
fn an_unknown_name_lists_the_exercises() {
    let target = scratch("fixture-unknown");
    let (code, out) = checker(&fixtures(), &target, &["check", "nope"], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no exercise called \"nope\""), "{out}");
    assert!(out.contains("01-passing, 02-failing"), "{out}");
}

/// A solution with a TODO region, in a scratch repository layout.
fn make_solution(root: &Path) {
    let krate = root.join("solutions/01-demo");
    fs::create_dir_all(krate.join("src")).unwrap();
    fs::create_dir_all(krate.join("tests")).unwrap();
    fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    fs::write(
        krate.join("src/lib.rs"),
        "pub fn answer() -> u32 {\n    // TODO-BEGIN: Return 42.\n    42\n    // TODO-END\n}\n",
    )
    .unwrap();
    fs::write(
        krate.join("tests/t.rs"),
        "#[test]\nfn answer() {\n    assert_eq!(demo::answer(), 42);\n}\n",
    )
    .unwrap();
    fs::write(krate.join("README.md"), "Read book/src/lessons/demo.md\n").unwrap();
    fs::write(
        krate.join("HINTS.md"),
        "# Hints\n\n## First\n\nOne.\n\n## Second\n\nTwo.\n",
    )
    .unwrap();
}

#[test]
fn sync_generates_exercises_and_the_check_catches_drift() {
    let root = scratch("sync");
    let target = root.join("target");
    make_solution(&root);
    let (code, out) = checker(&root, &target, &["sync", "--check"], &[]);
    assert_eq!(code, 1, "nothing generated yet: {out}");

    let (code, out) = checker(&root, &target, &["sync"], &[]);
    assert_eq!(code, 0, "{out}");
    let lib = fs::read_to_string(root.join("exercises/01-demo/src/lib.rs")).unwrap();
    assert_eq!(
        lib,
        "pub fn answer() -> u32 {\n    // TODO: Return 42.\n    todo!(\"Return 42.\")\n}\n"
    );
    let (code, out) = checker(&root, &target, &["sync", "--check"], &[]);
    assert_eq!(code, 0, "{out}");

    // A test edited in the exercise only: drift.
    fs::write(root.join("exercises/01-demo/tests/t.rs"), "// changed\n").unwrap();
    let (code, out) = checker(&root, &target, &["sync", "--check"], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("tests/t.rs differs from line 1"), "{out}");
}

#[test]
fn reset_restores_the_starter_and_keeps_a_backup() {
    let root = scratch("reset");
    let target = root.join("target");
    make_solution(&root);
    checker(&root, &target, &["sync"], &[]);
    let lib = root.join("exercises/01-demo/src/lib.rs");
    let starter = fs::read_to_string(&lib).unwrap();
    fs::write(&lib, "pub fn answer() -> u32 { 41 }\n").unwrap();
    fs::write(root.join("exercises/01-demo/src/extra.rs"), "// mine\n").unwrap();

    let (code, out) = checker(&root, &target, &["reset", "demo"], &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(fs::read_to_string(&lib).unwrap(), starter);
    assert!(!root.join("exercises/01-demo/src/extra.rs").exists());
    let backups = target.join("exercises/exercise-check/backups");
    let backup = fs::read_dir(&backups)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        fs::read_to_string(backup.join("src/lib.rs")).unwrap(),
        "pub fn answer() -> u32 { 41 }\n"
    );
    assert!(out.contains("is the starter again"), "{out}");
}

#[test]
fn hints_come_one_at_a_time_then_all() {
    let root = scratch("hints");
    let target = root.join("target");
    make_solution(&root);
    checker(&root, &target, &["sync"], &[]);
    let (_, first) = checker(&root, &target, &["hint", "01"], &[]);
    assert!(
        first.contains("Hint 1 of 2: First") && first.contains("One."),
        "{first}"
    );
    assert!(!first.contains("Two."), "{first}");
    let (_, second) = checker(&root, &target, &["hint", "01"], &[]);
    assert!(second.contains("Hint 2 of 2: Second"), "{second}");
    assert!(second.contains("That was the last hint"), "{second}");
    let (_, all) = checker(&root, &target, &["hint", "01", "all"], &[]);
    assert!(all.contains("One.") && all.contains("Two."), "{all}");
}

#[test]
fn the_solution_is_shown_only_once_the_exercise_passes() {
    let root = scratch("solution");
    let target = root.join("target");
    make_solution(&root);
    checker(&root, &target, &["sync"], &[]);
    let (code, out) = checker(&root, &target, &["solution", "01"], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("solve it first"), "{out}");
    let (code, out) = checker(&root, &target, &["solution", "01", "--force"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("+    42"), "the solution's line: {out}");
}
