//! Running a topic and its Python counterpart, for the topics' tests.
//!
//! Each test file starts with `mod support;` and asserts on the facts the
//! topic prints (errno values, byte counts, address forms).

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use testkit::{Finished, Proc};

/// What one run printed; fails the test unless it exited 0 with nothing on
/// stderr, within the lab's promise of 2 s (with slack for a busy machine).
pub fn lab(topic: &str) -> String {
    run_lab(&[topic])
}

/// The `--transcript` form.
pub fn lab_transcript(topic: &str) -> String {
    run_lab(&[topic, "--transcript"])
}

fn run_lab(args: &[&str]) -> String {
    let started = Instant::now();
    let done = testkit::run(env!("CARGO_BIN_EXE_socket-lab"), args, "").assert_success();
    assert!(done.stderr.is_empty(), "stderr: {done:#?}");
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{args:?} took {:?}",
        started.elapsed()
    );
    done.stdout
}

/// The Python counterpart's output (`python/<name>.py`), or `None` when
/// python3 is missing and that is allowed (see `testkit::python3`).
pub fn python(topic: &str) -> Option<String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(format!("{}.py", topic.replace('-', "_")));
    let done: Finished = Proc::python(&script, &[] as &[&str])?.finish();
    assert!(done.status.success(), "{script:?}: {done:#?}");
    Some(done.stdout)
}

/// The first line containing `needle`; fails the test
/// with the whole output when there is none.
pub fn line<'a>(output: &'a str, needle: &str) -> &'a str {
    output
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line contains {needle:?} in:\n{output}"))
}

/// Asserts every needle occurs in the output, in this order.
pub fn assert_in_order(output: &str, needles: &[&str]) {
    let mut rest = output;
    for needle in needles {
        match rest.find(needle) {
            Some(at) => rest = &rest[at + needle.len()..],
            None => panic!("{needle:?} missing (or out of order) in:\n{output}"),
        }
    }
}

/// Every topic prints what differs on Windows and macOS.
pub fn assert_elsewhere(output: &str) {
    assert!(
        output.lines().any(|l| l.starts_with("elsewhere: ")),
        "no `elsewhere:` line in:\n{output}"
    );
}
