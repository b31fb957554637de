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

/// A solution with three hints, generated into a scratch repository.
fn make_exercise(root: &Path, target: &Path) {
    let krate = root.join("solutions/01-demo");
    fs::create_dir_all(krate.join("src")).expect("mkdir");
    fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("write");
    fs::write(
        krate.join("src/lib.rs"),
        "pub fn answer() -> u32 {\n    // TODO-BEGIN: Return 42.\n    42\n    // TODO-END\n}\n",
    )
    .expect("write");
    fs::write(krate.join("README.md"), "Read book/src/lessons/demo.md\n").expect("write");
    fs::write(
        krate.join("HINTS.md"),
        "# Hints\n\n## First\n\nOne.\n\n## Second\n\nTwo.\n\n## Third\n\nThree.\n",
    )
    .expect("write");
    let (code, out) = checker(root, target, &["sync"], &[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn any_hint_shows_at_any_time_also_after_a_reset() {
    let root = scratch("hint-any");
    let target = root.join("target");
    make_exercise(&root, &target);
    let (code, out) = checker(&root, &target, &["hint", "01", "3"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Hint 3 of 3: Third") && out.contains("Three."),
        "{out}"
    );
    let (code, out) = checker(&root, &target, &["hint", "01", "1"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Hint 1 of 3: First"), "{out}");
    // A reset changes nothing about hints.
    let lib = root.join("exercises/01-demo/src/lib.rs");
    fs::write(&lib, "pub fn answer() -> u32 { 1 }\n").expect("edit");
    let (code, out) = checker(&root, &target, &["reset", "01"], &[]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = checker(&root, &target, &["hint", "01", "2"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Hint 2 of 3: Second"), "{out}");
    let (code, out) = checker(&root, &target, &["hint", "01", "4"], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("01-demo has 3 hints"), "{out}");
    let (code, out) = checker(&root, &target, &["hint", "01", "two"], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("say a hint's number"), "{out}");
}

#[test]
fn restore_brings_back_what_reset_saved_and_can_be_undone() {
    let root = scratch("restore");
    let target = root.join("target");
    make_exercise(&root, &target);
    let (code, out) = checker(&root, &target, &["restore", "01"], &[]);
    assert_eq!(code, 2, "nothing to restore yet: {out}");
    assert!(out.contains("no backup to restore"), "{out}");

    let dir = root.join("exercises/01-demo");
    let starter = fs::read_to_string(dir.join("src/lib.rs")).expect("read");
    let mine = "pub fn answer() -> u32 { 41 }\n";
    fs::write(dir.join("src/lib.rs"), mine).expect("edit");
    fs::write(dir.join("src/extra.rs"), "// mine\n").expect("add");
    let (code, out) = checker(&root, &target, &["reset", "01"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("`just restore 01` brings it back"), "{out}");
    assert_eq!(
        fs::read_to_string(dir.join("src/lib.rs")).expect("read"),
        starter
    );
    assert!(!dir.join("src/extra.rs").exists());

    // The starter, edited a little, then restore: the work comes back and
    // the edit is kept aside.
    let edited = starter.replace("Return 42.", "Return 42!");
    fs::write(dir.join("src/lib.rs"), &edited).expect("edit");
    let (code, out) = checker(&root, &target, &["restore", "01"], &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        fs::read_to_string(dir.join("src/lib.rs")).expect("read"),
        mine
    );
    assert_eq!(
        fs::read_to_string(dir.join("src/extra.rs")).expect("read"),
        "// mine\n"
    );
    assert!(out.contains("your current version is saved in"), "{out}");
    // Restoring again undoes the restore.
    let (code, out) = checker(&root, &target, &["restore", "01"], &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        fs::read_to_string(dir.join("src/lib.rs")).expect("read"),
        edited
    );
    assert!(!dir.join("src/extra.rs").exists());
}

#[test]
fn start_without_a_terminal_prints_the_progress_once_and_exits_0() {
    let root = scratch("start-no-terminal");
    let target = root.join("target");
    make_exercise(&root, &target);
    for env in [&[][..], &[("CI", "true")][..]] {
        let started = Instant::now();
        let (code, out) = checker(&root, &target, &["start"], env);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("0/1 done"), "{out}");
        assert!(out.contains("▶ 01-demo (not started)"), "{out}");
        assert!(out.contains("edit   exercises/01-demo/src/lib.rs"), "{out}");
        assert!(out.contains("No terminal to watch from"), "{out}");
        assert!(!out.contains("Checking"), "nothing built: {out}");
        assert!(started.elapsed() < Duration::from_secs(30), "at once");
    }
}

/// The repository's own exercise pages: they send learners to the built
/// book, never to a chapter's raw `.md` (which shows `{{#include}}` lines).
#[test]
fn exercise_pages_link_the_built_book_not_its_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut pages = vec![root.join("exercises/README.md")];
    for workspace in ["solutions", "exercises"] {
        let dir = root.join(workspace);
        let entries = fs::read_dir(&dir).expect("read the workspace");
        for entry in entries.flatten() {
            let readme = entry.path().join("README.md");
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(char::is_numeric)
                && readme.is_file()
            {
                pages.push(readme);
            }
        }
    }
    assert!(pages.len() > 10, "{pages:?}");
    for page in pages {
        let text = fs::read_to_string(&page).expect("read the page");
        assert!(
            !text.contains("](../book/src/") && !text.contains("](../../book/src/"),
            "{} links a raw chapter",
            page.display()
        );
        assert!(
            text.contains("http://localhost:3000/") && text.contains("just book"),
            "{} does not say how to open the book",
            page.display()
        );
    }
    let readme = fs::read_to_string(root.join("README.md")).expect("README.md");
    assert!(
        readme.contains("`crates/<lesson>/python/`"),
        "the Python's path"
    );
    assert!(
        readme.contains("just start"),
        "the route through the exercises"
    );
}
