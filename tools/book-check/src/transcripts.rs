//! `transcripts`: the program runs shown in the book are real, and current.
//!
//! Each file in `book/src/transcripts/` is the output of one run:
//! `<lesson>.txt` of `demo <lesson> --transcript` (the lesson's server and
//! client on scripted input, ports normalised), `pitfall-*.txt` of a run in
//! [`crate::scenarios`], `lab-<topic>.txt` of `socket-lab <topic>
//! --transcript` (one for every such file; `--write` also adds one for
//! every topic `socket-lab` lists). The check runs them all again and compares; with
//! `--write` (`just transcripts`) it rewrites the files instead, after
//! running each twice to make sure the run is deterministic.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context};

use crate::scenarios::{self, Env};
use crate::{in_ci, process, Verdict};

/// The lessons `demo` knows, in the book's order.
pub const LESSONS: &[&str] = &[
    "tcp-echo",
    "tcp-loop",
    "tcp-serial",
    "tcp-threaded",
    "tcp-select",
    "tcp-async",
    "udp-echo",
    "udp-chat",
    "udp-faults",
];

/// How one transcript is made.
enum Source {
    /// `demo <lesson> --transcript`.
    Demo(&'static str),
    /// A run in `scenarios`; these need python3.
    Scenario(fn(&Env) -> anyhow::Result<String>),
    /// `socket-lab <topic> --transcript`.
    Lab(String),
}

fn sources() -> Vec<(String, Source)> {
    let mut all: Vec<(String, Source)> = LESSONS
        .iter()
        .map(|&lesson| (lesson.to_string(), Source::Demo(lesson)))
        .collect();
    all.push(("pitfall-sticky".into(), Source::Scenario(scenarios::sticky)));
    all.push((
        "pitfall-utf8-split".into(),
        Source::Scenario(scenarios::utf8_split),
    ));
    all.push((
        "pitfall-time-wait".into(),
        Source::Scenario(scenarios::time_wait),
    ));
    all.push(("errors".into(), Source::Scenario(scenarios::errors)));
    all
}

/// Compares (or, with `write`, regenerates) every transcript of `book`.
pub fn check(book: &Path, bin_dir: &Path, write: bool) -> anyhow::Result<Verdict> {
    let dir = book.join("src/transcripts");
    let root = book
        .canonicalize()
        .with_context(|| format!("cannot find {}", book.display()))?
        .parent()
        .context("the book has no parent directory")?
        .to_path_buf();
    let demo = bin_dir.join("demo");
    anyhow::ensure!(
        demo.is_file(),
        "{} not found: build the workspace's programs first (cargo build --bins)",
        demo.display()
    );
    let python = process::which("python3");
    if python.is_none() && in_ci() {
        bail!("python3 is not installed, and CI=true: the pitfall runs need it");
    }
    let env = python.map(|python| Env {
        bin_dir: bin_dir.to_path_buf(),
        root,
        python,
    });

    let socket_lab = bin_dir.join("socket-lab");
    let mut all = sources();
    all.extend(lab_sources(&dir, &socket_lab, write)?);

    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    let mut other_machine = Vec::new();
    let mut names = Vec::new();
    for (name, source) in all {
        let file = dir.join(format!("{name}.txt"));
        names.push(file.clone());
        let make = || match &source {
            Source::Demo(lesson) => demo_transcript(&demo, lesson),
            Source::Lab(topic) => lab_transcript(&socket_lab, topic),
            Source::Scenario(run) => match &env {
                Some(env) => run(env),
                None => bail!("python3 is not installed"),
            },
        };
        if matches!(source, Source::Scenario(_)) && env.is_none() {
            skipped.push(name);
            continue;
        }
        let fresh = match make() {
            Ok(text) => text,
            Err(err) => {
                problems.push(format!("{name}: the run failed: {err:#}"));
                continue;
            }
        };
        if write {
            match make() {
                Ok(again) if again == fresh => {}
                Ok(again) => {
                    problems.push(format!(
                        "{name}: two runs differ, so the transcript would not stay \
                         true: {}",
                        first_difference(&fresh, &again)
                    ));
                    continue;
                }
                Err(err) => {
                    problems.push(format!("{name}: the second run failed: {err:#}"));
                    continue;
                }
            }
            std::fs::create_dir_all(&dir)?;
            std::fs::write(&file, &fresh)
                .with_context(|| format!("cannot write {}", file.display()))?;
            println!("wrote {}", file.display());
            continue;
        }
        match std::fs::read_to_string(&file) {
            Ok(saved) if saved == fresh => {}
            // A lab topic whose branch depends on the machine (privileges,
            // sysctls) prints the facts that decided it; a transcript made
            // where they differ cannot be compared here.
            Ok(saved) if machine_facts(&saved) != machine_facts(&fresh) => {
                other_machine.push(format!(
                    "{name} (stored where {:?}, here {:?})",
                    machine_facts(&saved),
                    machine_facts(&fresh)
                ));
            }
            Ok(saved) => problems.push(format!(
                "{} no longer matches what the programs print ({}); \
                 run `just transcripts`, then reread the text around it",
                file.display(),
                first_difference(&saved, &fresh)
            )),
            Err(_) => problems.push(format!(
                "{} is missing; run `just transcripts`",
                file.display()
            )),
        }
    }
    problems.extend(stale_files(&dir, &names));

    if !skipped.is_empty() && problems.is_empty() {
        return Ok(Verdict::Skip(format!(
            "python3 is not installed, so {} could not be run; the rest match",
            skipped.join(", ")
        )));
    }
    let mut what = format!(
        "{} transcripts {}",
        names.len(),
        if write {
            "written"
        } else {
            "match the programs"
        }
    );
    if !other_machine.is_empty() {
        what.push_str(&format!(
            "; not compared, made on a machine that takes another branch: {}",
            other_machine.join("; ")
        ));
    }
    Ok(Verdict::from(problems, what))
}

/// The lab's transcripts: one for every `lab-<topic>.txt` in `dir`; when
/// writing, also one for every topic `socket-lab` lists.
fn lab_sources(
    dir: &Path,
    socket_lab: &Path,
    write: bool,
) -> anyhow::Result<Vec<(String, Source)>> {
    let mut topics: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    Some(name.strip_prefix("lab-")?.strip_suffix(".txt")?.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    if !topics.is_empty() || write {
        anyhow::ensure!(
            socket_lab.is_file(),
            "{} not found: build the workspace's programs first (cargo build --bins)",
            socket_lab.display()
        );
    }
    if write {
        let run = process::run(
            Command::new(socket_lab),
            "socket-lab",
            Duration::from_secs(30),
        )?;
        for line in run.stdout.lines() {
            if let Some(topic) = line.split_whitespace().next() {
                topics.push(topic.to_string());
            }
        }
    }
    topics.sort();
    topics.dedup();
    Ok(topics
        .into_iter()
        .map(|topic| (format!("lab-{topic}"), Source::Lab(topic)))
        .collect())
}

fn lab_transcript(socket_lab: &Path, topic: &str) -> anyhow::Result<String> {
    let mut cmd = Command::new(socket_lab);
    cmd.arg(topic).arg("--transcript");
    let run = process::run(cmd, &format!("socket-lab {topic}"), Duration::from_secs(30))?;
    if !run.success {
        bail!(
            "socket-lab {topic} --transcript failed ({}): {}",
            run.status,
            run.stderr.trim()
        );
    }
    Ok(run.stdout)
}

/// The `this machine: ...` lines of a lab transcript.
fn machine_facts(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.starts_with("this machine: "))
        .collect()
}

/// Transcript files no run produces: left over from a renamed run.
fn stale_files(dir: &Path, known: &[PathBuf]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !known.contains(p))
        .map(|p| {
            format!(
                "{} is produced by no run; delete it or add its run",
                p.display()
            )
        })
        .collect()
}

fn demo_transcript(demo: &Path, lesson: &str) -> anyhow::Result<String> {
    let mut cmd = Command::new(demo);
    cmd.arg(lesson).arg("--transcript").env_remove("RUST_LOG");
    let run = process::run(cmd, &format!("demo {lesson}"), Duration::from_secs(90))?;
    if !run.success {
        bail!(
            "demo {lesson} --transcript failed ({}): {}",
            run.status,
            run.stderr.trim()
        );
    }
    Ok(run.stdout)
}

/// Where two texts part, as `line N: "old" vs "new"`.
pub fn first_difference(old: &str, new: &str) -> String {
    let mut old_lines = old.lines();
    let mut new_lines = new.lines();
    for n in 1.. {
        match (old_lines.next(), new_lines.next()) {
            (Some(a), Some(b)) if a == b => continue,
            (None, None) => return "they differ only in line endings".into(),
            (a, b) => {
                return format!(
                    "first difference at line {n}: book has {:?}, the run printed {:?}",
                    a.unwrap_or("<end>"),
                    b.unwrap_or("<end>")
                )
            }
        }
    }
    unreachable!()
}

#[cfg(test)]
mod tests {
    use super::first_difference;

    #[test]
    fn differences_name_the_line() {
        assert_eq!(
            first_difference("a\nb\n", "a\nc\n"),
            "first difference at line 2: book has \"b\", the run printed \"c\""
        );
        assert!(first_difference("a\n", "a\nb\n").contains("book has \"<end>\""));
    }
}
