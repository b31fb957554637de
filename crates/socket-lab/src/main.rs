//! `socket-lab`: list the topics, or run one: `socket-lab <topic> [--transcript]`.

use std::io::{self, Write};
use std::process::ExitCode;

use socket_lab::topics::{self, TOPICS};
use socket_lab::Lab;

const USAGE: &str = "usage: socket-lab [TOPIC] [--transcript]";

fn main() -> ExitCode {
    let mut topic = None;
    let mut transcript = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--transcript" => transcript = true,
            "-h" | "--help" => {
                println!("{USAGE}\nRuns one topic of the socket lab on loopback; with no TOPIC, lists them.\n--transcript: placeholders for ports, paths and timings (the book's form).\n");
                list();
                return ExitCode::SUCCESS;
            }
            _ if topic.is_none() && !arg.starts_with('-') => topic = Some(arg),
            _ => {
                eprintln!("socket-lab: unexpected argument `{arg}`; {USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(name) = topic else {
        list();
        return ExitCode::SUCCESS;
    };
    let Some(found) = topics::find(&name) else {
        eprintln!("socket-lab: no topic named `{name}`; run one of these (e.g. `just lab inet`):");
        list_to(&mut io::stderr());
        return ExitCode::from(2);
    };
    let mut lab = Lab::stdout(transcript);
    match (found.run)(&mut lab) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("socket-lab {name}: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn list() {
    list_to(&mut io::stdout());
}

/// One line per topic: `NAME  summary`, names padded to one column.
fn list_to(out: &mut impl Write) {
    let width = TOPICS.iter().map(|t| t.name.len()).max().unwrap_or(0);
    for topic in TOPICS {
        let _ = writeln!(out, "{:width$}  {}", topic.name, topic.summary);
    }
}
