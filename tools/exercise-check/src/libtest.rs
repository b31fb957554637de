//! Reading what `cargo test` and rustc print, so a learner sees a verdict
//! and the first thing to fix instead of a wall of output.

use std::collections::BTreeMap;

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It passed.
    Ok,
    /// It failed.
    Failed,
    /// It was `#[ignore]`d.
    Ignored,
}

/// A panic printed while a test ran (the test's own, or a thread's it started).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panic {
    /// `file:line:col` where it panicked.
    pub location: String,
    /// Its message.
    pub message: String,
}

/// What a (possibly cut short) `cargo test` run printed on stdout.
#[derive(Debug, Default)]
pub struct TestRun {
    /// Each test that finished, in the order it finished.
    pub results: Vec<(String, Verdict)>,
    /// The panics printed for each failed test.
    pub panics: BTreeMap<String, Vec<Panic>>,
}

impl TestRun {
    /// Names of the tests with this verdict.
    pub fn with(&self, verdict: Verdict) -> Vec<&str> {
        self.results
            .iter()
            .filter(|(_, v)| *v == verdict)
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

/// Parses libtest's default ("pretty") output.
pub fn parse_tests(stdout: &str) -> TestRun {
    let mut run = TestRun::default();
    let mut section: Option<(String, Vec<&str>)> = None;
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("test ") {
            if let Some((name, verdict)) = result_line(rest) {
                run.results.push((name.to_string(), verdict));
                continue;
            }
        }
        let header = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"));
        if header.is_some() || line == "failures:" || line.starts_with("test result:") {
            if let Some((name, lines)) = section.take() {
                run.panics.insert(name, panics_in(&lines));
            }
        }
        if let Some(name) = header {
            section = Some((name.to_string(), Vec::new()));
        } else if let Some((_, lines)) = section.as_mut() {
            lines.push(line);
        }
    }
    if let Some((name, lines)) = section.take() {
        run.panics.insert(name, panics_in(&lines));
    }
    run
}

/// `NAME ... ok` (after `test `), as printed when a test finishes.
fn result_line(rest: &str) -> Option<(&str, Verdict)> {
    let (name, outcome) = rest.split_once(" ... ")?;
    let verdict = match outcome.trim() {
        "ok" => Verdict::Ok,
        "FAILED" => Verdict::Failed,
        o if o.starts_with("ignored") => Verdict::Ignored,
        _ => return None,
    };
    Some((name, verdict))
}

/// The panics in one failed test's captured output.
fn panics_in(lines: &[&str]) -> Vec<Panic> {
    let mut panics = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        let Some(at) = line
            .starts_with("thread '")
            .then(|| line.find(" panicked at "))
            .flatten()
        else {
            continue;
        };
        let location = line[at + " panicked at ".len()..]
            .trim_end_matches(':')
            .to_string();
        let mut message = Vec::new();
        while i < lines.len() {
            let next = lines[i];
            if next.starts_with("note: ")
                || next.starts_with("stack backtrace:")
                || next.starts_with("thread '")
            {
                break;
            }
            message.push(next);
            i += 1;
        }
        while message.last().is_some_and(|l| l.trim().is_empty()) {
            message.pop();
        }
        panics.push(Panic {
            location,
            message: message.join("\n"),
        });
    }
    panics
}

/// The compiler's error messages (rustc's human format: each error is a
/// block up to the next blank line), without cargo's summary lines.
pub fn build_errors(stderr: &str) -> Vec<String> {
    let mut errors = Vec::new();
    let mut block: Option<Vec<&str>> = None;
    for line in stderr.lines() {
        if line.trim().is_empty() {
            if let Some(lines) = block.take() {
                errors.push(lines.join("\n"));
            }
            continue;
        }
        if let Some(lines) = block.as_mut() {
            lines.push(line);
        } else if line.starts_with("error") && !is_summary(line) {
            block = Some(vec![line]);
        }
    }
    if let Some(lines) = block {
        errors.push(lines.join("\n"));
    }
    errors
}

/// Cargo's and rustc's closing lines, which repeat what the errors said.
fn is_summary(line: &str) -> bool {
    line.starts_with("error: could not compile")
        || line.starts_with("error: aborting due to")
        || line.starts_with("error: test failed")
        || line.contains("target failed")
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "
running 3 tests
test b_passes ... ok
test a_fails ... FAILED
test c_skipped ... ignored, slow

failures:

---- a_fails stdout ----
a line the test printed

thread '<unnamed>' (23075) panicked at 01-x/src/lib.rs:3:44:
not yet implemented: accept one client

thread 'a_fails' (23073) panicked at 01-x/tests/t.rs:5:14:
assertion `left == right` failed: the reply
  left: \"a\"
 right: \"b\"
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    a_fails

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.16s
";

    #[test]
    fn results_and_panics_are_parsed() {
        let run = parse_tests(OUTPUT);
        assert_eq!(
            run.results,
            vec![
                ("b_passes".to_string(), Verdict::Ok),
                ("a_fails".to_string(), Verdict::Failed),
                ("c_skipped".to_string(), Verdict::Ignored),
            ]
        );
        let panics = &run.panics["a_fails"];
        assert_eq!(panics.len(), 2);
        assert_eq!(panics[0].location, "01-x/src/lib.rs:3:44");
        assert_eq!(panics[0].message, "not yet implemented: accept one client");
        assert_eq!(panics[1].location, "01-x/tests/t.rs:5:14");
        assert!(panics[1].message.ends_with(" right: \"b\""), "{panics:?}");
    }

    #[test]
    fn a_run_cut_short_keeps_what_finished() {
        let run = parse_tests("running 2 tests\ntest one ... ok\n");
        assert_eq!(run.with(Verdict::Ok), vec!["one"]);
        assert!(run.panics.is_empty());
    }

    #[test]
    fn compiler_errors_are_blocks_without_the_summary() {
        let stderr = "   Compiling x v0.1.0
error[E0425]: cannot find value `y` in this scope
 --> src/lib.rs:2:5
  |
2 |     y
  |     ^ not found in this scope

warning: unused variable: `x`
 --> src/lib.rs:1:5

error: aborting due to 1 previous error

error: could not compile `x` (lib) due to 1 previous error
";
        let errors = build_errors(stderr);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("error[E0425]"));
        assert!(errors[0].ends_with("not found in this scope"));
    }
}
