//! The learner's side of the checker on real crates: what a failing check
//! says for the classic mistakes (fixtures/exercises/05-read-to-end and
//! 06-with-capacity, wrong solutions of exercise 01), hints in any order,
//! reset and restore, and `start` without a terminal.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
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
    fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// Runs the checker in `dir` (stdin closed, so no terminal) with a bounded
/// wait; returns (exit code, stdout and stderr).
fn checker(dir: &Path, target: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .args(["--exercises", "exercises", "--solutions", "solutions"])
        .arg("--target-dir")
        .arg(target)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start exercise-check");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("exercise-check {args:?} did not finish within {LIMIT:?}");
        }
        thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn read_to_end_where_one_read_was_meant_is_named() {
    let target = scratch("wrong-read-to-end");
    let started = Instant::now();
    let (code, out) = checker(&fixtures(), &target, &["check", "05"], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("your code accepted the connection and sent nothing within 5s"),
        "{out}"
    );
    assert!(
        out.contains("answered only once the test stopped sending"),
        "{out}"
    );
    assert!(out.contains("read_to_end()"), "{out}");
    assert!(!out.contains("RUST_BACKTRACE"), "no backtrace hint: {out}");
    assert!(started.elapsed() < LIMIT);
}

#[test]
fn a_read_into_vec_with_capacity_is_named() {
    let target = scratch("wrong-with-capacity");
    let (code, out) = checker(&fixtures(), &target, &["check", "06"], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("closed the connection without sending anything"),
        "{out}"
    );
    assert!(out.contains("Vec::with_capacity(n)"), "{out}");
    assert!(out.contains("len() is 0"), "{out}");
}
