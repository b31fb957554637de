//! `verify` on wrong solutions: a solution made up on the spot, with wrong
//! solutions that its tests catch, one they do not catch, and one that does
//! not compile. Verify must fail, naming the two that prove nothing, and
//! the learner's exercise must not get the `wrong/` files.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_exercise-check");

/// Generous: several tiny crates built on a busy two-core CI machine.
const LIMIT: Duration = Duration::from_secs(400);

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const WORKSPACE: &str = "[workspace]\nresolver = \"2\"\nmembers = [\"[0-9][0-9]-*\"]\n";

const SOLUTION: &str = "\
pub fn answer() -> u32 {
    // TODO-BEGIN: Return 42.
    42
    // TODO-END
}
";

/// A solution workspace with one exercise and its wrong solutions.
fn make(root: &Path) {
    write(&root.join("solutions/Cargo.toml"), WORKSPACE);
    write(&root.join("exercises/Cargo.toml"), WORKSPACE);
    let crate_dir = root.join("solutions/01-demo");
    write(
        &crate_dir.join("Cargo.toml"),
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [lib]\ndoctest = false\n",
    );
    write(&crate_dir.join("src/lib.rs"), SOLUTION);
    write(
        &crate_dir.join("tests/answer.rs"),
        "#[test]\nfn answer_is_42() {\n    assert_eq!(demo::answer(), 42, \"the answer is 42\");\n}\n",
    );
    write(
        &crate_dir.join("README.md"),
        "Read book/src/demo.md first.\n",
    );
    write(
        &crate_dir.join("HINTS.md"),
        "## Think\n\nSix times seven.\n",
    );
    let wrong = crate_dir.join("wrong");
    write(
        &wrong.join("off-by-one.rs"),
        "// Returns one less than the answer.\npub fn answer() -> u32 {\n    41\n}\n",
    );
    write(
        &wrong.join("returns-zero.rs"),
        "// Returns nothing useful.\npub fn answer() -> u32 {\n    0\n}\n",
    );
    write(
        &wrong.join("six-times-seven.rs"),
        "// Computes the answer another way: the tests cannot tell.\n\
         pub fn answer() -> u32 {\n    6 * 7\n}\n",
    );
    write(
        &wrong.join("does-not-build.rs"),
        "// Returns text where a number is wanted.\npub fn answer() -> u32 {\n    \"42\"\n}\n",
    );
}

/// Runs the checker in `dir` with a bounded wait; returns (exit code, output).
fn checker(dir: &Path, target: &Path, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(BIN)
        .current_dir(dir)
        .args(["--exercises", "exercises", "--solutions", "solutions"])
        .arg("--target-dir")
        .arg(target)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > LIMIT {
            child.kill().unwrap();
            panic!("exercise-check {args:?} did not finish within {LIMIT:?}");
        }
        thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn verify_fails_naming_a_wrong_solution_the_tests_do_not_catch() {
    let root = scratch("wrong-solutions");
    let target = root.join("target");
    make(&root);
    let (code, out) = checker(&root, &target, &["sync"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        !root.join("exercises/01-demo/wrong").exists(),
        "the wrong solutions are not copied into the exercise"
    );

    let (code, out) = checker(&root, &target, &["verify"]);
    assert_eq!(code, 1, "{out}");
    let line = |needle: &str| {
        out.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line about {needle}:\n{out}"))
            .to_string()
    };
    // Caught, and by what.
    assert!(
        line("wrong/off-by-one.rs").contains("rejected by answer_is_42"),
        "{out}"
    );
    assert!(
        line("wrong/off-by-one.rs").contains("the answer is 42"),
        "{out}"
    );
    assert!(line("wrong/returns-zero.rs").contains("rejected"), "{out}");
    // Not caught: named, with the mistake in words.
    let survivor = line("wrong/six-times-seven.rs");
    assert!(
        survivor.contains('✗') && survivor.contains("PASSES"),
        "{out}"
    );
    assert!(
        out.contains("the mistake: Computes the answer another way"),
        "{out}"
    );
    // Not built: proves nothing either.
    let broken = line("wrong/does-not-build.rs");
    assert!(broken.contains("does not compile"), "{out}");
    assert!(out.contains("4 wrong solutions in"), "{out}");
    assert!(out.contains("Some exercise checks FAILED"), "{out}");
}

#[test]
fn verify_wants_enough_wrong_solutions_with_their_mistake_said() {
    let root = scratch("wrong-solutions-few");
    let target = root.join("target");
    make(&root);
    let wrong = root.join("solutions/01-demo/wrong");
    fs::remove_file(wrong.join("six-times-seven.rs")).unwrap();
    fs::remove_file(wrong.join("does-not-build.rs")).unwrap();
    write(
        &wrong.join("no-comment.rs"),
        "pub fn answer() -> u32 {\n    7\n}\n",
    );
    let (code, out) = checker(&root, &target, &["sync"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = checker(&root, &target, &["verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("01-demo/wrong/no-comment.rs: its first line must be a `// ` comment"),
        "{out}"
    );
    assert!(
        out.contains("01-demo: 2 wrong solutions") && out.contains("at least 4"),
        "{out}"
    );
    assert!(out.contains("wrong/off-by-one.rs: rejected"), "{out}");
}
