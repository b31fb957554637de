//! The justfile's `run` and `demo` recipes with no name or a misspelled
//! one: one clear line, the list of valid names, and no extra "recipe
//! failed" line from just.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `just ARGS` at the repository root with a bounded wait; `None`
/// when just is not installed (a failure under CI=true).
fn just(args: &[&str]) -> Option<(i32, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spawned = Command::new("just")
        .args(args)
        .current_dir(&root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            assert!(
                std::env::var("CI").is_err(),
                "just is needed under CI=true: {e}"
            );
            eprintln!("skipped: just not found ({e})");
            return None;
        }
    };
    let deadline = Instant::now() + Duration::from_secs(300);
    while child.try_wait().expect("wait for just").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("just {args:?} did not finish within 300 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("just's output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some((out.status.code().unwrap_or(-1), text))
}

fn assert_one_line_and_the_list(out: &str, first: &str, list: &str) {
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with(first), "{out}");
    assert!(lines[1].starts_with(list), "{out}");
    assert!(!out.contains("Recipe"), "no line from just itself: {out}");
}

#[test]
fn run_without_a_name_or_with_a_wrong_one_lists_the_programs() {
    let Some((code, out)) = just(&["run"]) else {
        return;
    };
    assert_eq!(code, 2, "{out}");
    assert_one_line_and_the_list(&out, "error: name the program to run", "the programs are: ");
    assert!(out.contains("tcp-echo-server, "), "{out}");

    let Some((code, out)) = just(&["run", "tcp-ech-server"]) else {
        return;
    };
    assert_eq!(code, 2, "{out}");
    assert_one_line_and_the_list(
        &out,
        "error: there is no program called \"tcp-ech-server\"",
        "the programs are: ",
    );
}

#[test]
fn demo_with_a_wrong_name_lists_the_lessons() {
    let Some((code, out)) = just(&["demo", "tcp-ech"]) else {
        return;
    };
    assert_eq!(code, 1, "{out}");
    assert_one_line_and_the_list(
        &out,
        "error: there is no lesson called \"tcp-ech\" (did you mean tcp-echo?)",
        "the lessons are: tcp-echo, ",
    );
}
