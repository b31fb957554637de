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
    /// The lesson: tcp-echo, tcp-loop, tcp-serial, tcp-threaded, udp-echo, udp-chat,
    /// or udp-faults (udp-echo through the faulty udp-relay).
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
            eprintln!("error: {}", format!("{err:#}").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let scenario = scenarios::lesson(&cli.lesson).with_context(|| {
        format!(
            "unknown lesson {:?}; choose one of: {}",
            cli.lesson,
            scenarios::LESSONS.join(", ")
        )
    })?;
    // The lesson binaries are built next to this one (target/debug).
    let exe = std::env::current_exe().context("cannot find the demo's own path")?;
    let bin_dir = exe
        .parent()
        .context("the demo binary has no directory")?
        .to_path_buf();

    let mut runner = runner::Runner::new(bin_dir, !cli.transcript);
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
