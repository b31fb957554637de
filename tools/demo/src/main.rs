//! `just demo <lesson>`: runs a lesson's server and client(s) together on
//! scripted input and shows what every side prints, in one terminal.
//!
//! With `--transcript` it prints, once everything is done, each program's
//! output in a deterministic form (ports normalised): the book's transcripts
//! are made this way, and a test checks they still match the programs.

mod runner;
mod scenarios;

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

/// Run a lesson's programs together on scripted input and show both sides.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// The lesson: tcp-echo, tcp-loop, tcp-serial, tcp-threaded, tcp-select,
    /// tcp-async, udp-echo, udp-chat (nothing: the list).
    #[arg(default_value = "")]
    lesson: String,

    /// Print a deterministic transcript at the end instead of live output.
    #[arg(long)]
    transcript: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line per cause; an unknown lesson's list is its own line.
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// One line that says what is wrong with `name`, then the lessons there are.
fn unknown_lesson(name: &str, lessons: &[&str]) -> String {
    let first = if name.trim().is_empty() {
        "name the lesson to play, e.g. `just demo tcp-echo`".to_string()
    } else {
        // A typo usually keeps the start: `tcp-ech`, `udp-cha`.
        let close = lessons
            .iter()
            .find(|l| l.starts_with(name) || name.starts_with(*l));
        match close {
            Some(close) => format!("there is no lesson called {name:?} (did you mean {close}?)"),
            None => format!("there is no lesson called {name:?}"),
        }
    };
    format!("{first}\nthe lessons are: {}", lessons.join(", "))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let scenario = scenarios::lesson(&cli.lesson)
        .with_context(|| unknown_lesson(&cli.lesson, scenarios::LESSONS))?;
    // The lesson binaries are built next to this one (target/debug).
    let exe = std::env::current_exe().context("cannot find the demo's own path")?;
    let bin_dir = exe
        .parent()
        .context("the demo binary has no directory")?
        .to_path_buf();

    let mut runner = runner::Runner::new(bin_dir, !cli.transcript, &scenario.steps);
    runner.run(&scenario.steps)?;
    if cli.transcript {
        let defaults: HashMap<String, u16> = scenario
            .ports
            .into_iter()
            .map(|(who, port)| (who.to_string(), port))
            .collect();
        print!("{}", runner.transcript(&defaults));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_lesson_gets_one_line_and_the_list() {
        let lessons = ["tcp-echo", "tcp-loop"];
        assert_eq!(
            unknown_lesson("tcp-ech", &lessons),
            "there is no lesson called \"tcp-ech\" (did you mean tcp-echo?)\n\
             the lessons are: tcp-echo, tcp-loop"
        );
        assert_eq!(
            unknown_lesson("", &lessons),
            "name the lesson to play, e.g. `just demo tcp-echo`\n\
             the lessons are: tcp-echo, tcp-loop"
        );
        assert!(unknown_lesson("zzz", &lessons).starts_with("there is no lesson called \"zzz\"\n"));
    }
}
