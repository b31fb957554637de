//! `bench-matrix`: the standard benchmark (`just bench`), or a smoke run of
//! it (`just test-bench`).
//!
//! Pins itself (the load generator) to one CPU and every server to another
//! where it can (see `bench::pinning`), starts every server on port 0, runs
//! every load against it, prints the tables, the ratios and the targets, and
//! writes the results JSON, the book's markdown tables and its SVG chart.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use bench::machine::{self, Machine};
use bench::matrix::{self, Options};
use bench::pinning::Pinning;
use bench::report::thousands;
use bench::results::{self, Results, Settings};
use bench::scale;
use clap::Parser;

/// Run the benchmark matrix: serial vs threaded, Rust beside Python.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Seconds per run.
    #[arg(long, default_value_t = 2.0)]
    seconds: f64,
    /// Runs per cell (round-robin); each cell reports its median run.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// A tiny run (few clients, one second, whichever servers are built)
    /// that checks the tool works; writes nothing unless --json is given.
    #[arg(long)]
    smoke: bool,
    /// The workspace root (default: where this crate was built from).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Where the server binaries are (default: next to this program).
    #[arg(long)]
    bin_dir: Option<PathBuf>,
    /// Results JSON (default: ROOT/bench/results/latest.json).
    #[arg(long)]
    json: Option<PathBuf>,
    /// Where the book's table.md, machine.md, targets.md, chart.svg,
    /// scale.md and scale.svg go
    /// (default: ROOT/book/src/benchmark).
    #[arg(long)]
    book_dir: Option<PathBuf>,
    /// Do not pin: let the load generator and the servers share every CPU
    /// (by default the load generator runs on one CPU and each server on
    /// another, through taskset, when there are two).
    #[arg(long)]
    no_pin: bool,
    /// Connections at once in the scale scenarios (the servers and this
    /// program each need that many open files, and some more).
    #[arg(long, default_value_t = scale::CONNECTIONS)]
    connections: usize,
    /// Skip the scale scenarios (10,000 connections, the backlog storm, the
    /// client that never reads).
    #[arg(long)]
    no_scale: bool,
    /// Skip the matrix, run only the scale scenarios (with --json and
    /// --book-dir elsewhere, so the book's tables are not replaced by a
    /// partial run).
    #[arg(long, conflicts_with = "no_scale")]
    no_matrix: bool,
    /// Measure nothing: redraw the book's tables and chart from a results
    /// JSON written earlier (e.g. bench/results/latest.json).
    #[arg(long, value_name = "JSON", conflicts_with = "smoke")]
    redraw: Option<PathBuf>,
}

/// Open files the full matrix needs: 1,000 client sockets in this process,
/// and as many in the server.
const NEEDED_OPEN_FILES: u64 = 2048;
/// Open files beyond the scale scenario's connections: the listening
/// socket, pipes, epoll, Python's own files.
const SPARE_OPEN_FILES: u64 = 200;
/// Connections per storm in the smoke run.
const SMOKE_CONNECTIONS: usize = 200;

fn main() -> ExitCode {
    let cli = Cli::parse();
    common::exit(run(cli))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let root = cli.root.clone().unwrap_or_else(matrix::default_root);
    let bin_dir = match &cli.bin_dir {
        Some(dir) => dir.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("cannot tell where this program is")?
            .to_path_buf(),
    };
    let book_dir = cli
        .book_dir
        .clone()
        .unwrap_or_else(|| root.join("book/src/benchmark"));
    if let Some(path) = &cli.redraw {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let results: Results = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a results file", path.display()))?;
        write_book(&results, &book_dir)?;
        println!(
            "redrew table.md, machine.md, targets.md, chart.svg, scale.md, scale.svg in {}",
            book_dir.display()
        );
        return Ok(());
    }
    // The smoke run's storms are small (SMOKE_CONNECTIONS).
    let connections = if cli.smoke {
        cli.connections.min(SMOKE_CONNECTIONS)
    } else {
        cli.connections.max(1)
    };
    let (at_once, needed) = match (cli.smoke, cli.no_scale) {
        (true, _) => (connections, 0),
        (false, true) => (1000, NEEDED_OPEN_FILES),
        (false, false) => (
            connections.max(1000),
            NEEDED_OPEN_FILES.max(connections as u64 + SPARE_OPEN_FILES),
        ),
    };
    if let Some(limit) = machine::open_files_limit().filter(|&l| l < needed) {
        bail!(
            "the open-files limit is {limit}; {} connections at once need about {needed} open \
             files in this program and as many in each server: raise the limit with \
             `ulimit -n {needed}` (just bench raises it as far as the hard limit, `ulimit -Hn`, \
             allows; root can raise the hard limit, e.g. with a `nofile` line in \
             /etc/security/limits.conf), or measure fewer: `just bench --connections {}`",
            thousands(at_once as f64),
            limit.saturating_sub(SPARE_OPEN_FILES).max(100)
        );
    }

    // The machine first: once pinned, this process sees only one CPU.
    let machine = Machine::describe();
    // Before any thread starts, so that every thread of the load generator
    // inherits the pinning.
    let pinning = if cli.no_pin {
        Pinning::off("--no-pin")
    } else {
        Pinning::set_up()
    };
    let note = note(&pinning, machine.cores);
    println!(
        "machine: {} ({} cores), {}",
        machine.cpu, machine.cores, machine.os
    );
    println!("CPUs: {}", pinning.describe());
    println!("{}; {}", machine.rustc, machine.python);
    println!("load average before the run: {:.2}", machine.load_before);
    if machine.load_before > 1.0 {
        println!(
            "warning: other programs are using the CPU (load {:.2}); the numbers will be noisy",
            machine.load_before
        );
    }
    println!("{note}\n");

    let options = Options {
        root: root.clone(),
        bin_dir,
        seconds: if cli.smoke { 1.0 } else { cli.seconds },
        repeat: if cli.smoke { 1 } else { cli.repeat.max(1) },
        smoke: cli.smoke,
        pinning: pinning.clone(),
    };

    let mut plan = matrix::plan(cli.smoke);
    if cli.smoke {
        // The smoke run uses whatever is built; the baseline always is.
        plan.retain(|p| {
            let built = matrix::is_available(&options, p.server);
            if !built {
                println!("skipped: {} is not built", p.server);
            }
            built
        });
    }
    if cli.no_matrix {
        plan.clear();
    }
    let cells = matrix::run(&options, &plan);
    let scale = if cli.no_scale {
        None
    } else {
        println!();
        let servers: Vec<&str> = scale::SCALE_SERVERS
            .into_iter()
            .filter(|&s| {
                let ok = matrix::is_available(&options, s);
                if !ok && cli.smoke {
                    println!("skipped in the scale run: {s} is not built");
                }
                ok || !cli.smoke
            })
            .collect();
        Some(scale::run(&options, &servers, connections))
    };
    let message_bytes = 64;
    let mut results = Results {
        note,
        machine,
        pinning,
        load_after: machine::load_average(),
        settings: Settings {
            seconds_per_run: options.seconds,
            repeat: options.repeat,
            message_bytes,
            loadgen_threads: 1,
            // Both UDP servers run with --quiet.
            udp_servers_print: false,
        },
        cells,
        ratios: vec![],
        targets: vec![],
        scale,
    };
    results.judge();

    let failed: Vec<String> = results
        .cells
        .iter()
        .filter_map(|c| {
            let why = c.error.as_ref()?;
            Some(format!("{} ({} clients): {why}", c.server, c.clients))
        })
        .collect();

    if cli.smoke {
        if let Some(path) = &cli.json {
            write(path, &serde_json::to_string_pretty(&results)?)?;
        }
        let broken: Vec<String> = results
            .cells
            .iter()
            .filter(|c| {
                !c.report
                    .as_ref()
                    .is_some_and(|r| r.round_trips > 0 && r.errors == 0)
            })
            .map(|c| format!("{} ({} clients)", c.server, c.clients))
            .chain(results.scale.iter().flat_map(smoke_failures))
            .collect();
        if !failed.is_empty() || !broken.is_empty() {
            bail!(
                "smoke run failed: {}",
                failed
                    .into_iter()
                    .chain(broken)
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
        println!("\nsmoke run OK: every server echoed, no errors");
        return Ok(());
    }

    let tables = results::markdown_tables(&results);
    let summary = format!(
        "{}\n{}",
        results::markdown_machine(&results),
        results::markdown_targets(&results)
    );
    println!("\n{tables}\n{summary}");

    let json_path = cli
        .json
        .clone()
        .unwrap_or_else(|| root.join("bench/results/latest.json"));
    write(&json_path, &serde_json::to_string_pretty(&results)?)?;
    write_book(&results, &book_dir)?;
    println!(
        "wrote {}, and table.md, machine.md, targets.md, chart.svg, scale.md, scale.svg in {}",
        json_path.display(),
        book_dir.display()
    );

    if !failed.is_empty() {
        bail!(
            "{} cell(s) could not be measured: {}",
            failed.len(),
            failed.join("; ")
        );
    }
    Ok(())
}

/// What went wrong in a smoke run's scale scenarios: a storm that was not
/// answered in full, a client that never reads that broke the test.
fn smoke_failures(scale: &scale::Scale) -> Vec<String> {
    // A small backlog is meant to lose handshakes (the storm then waits for
    // SYN retries past its deadline): only a backlog storm that could not
    // run at all is a failure.
    let backlog = scale.backlog.iter().filter(|c| c.error.is_some());
    let mut failed: Vec<String> = scale
        .storms
        .iter()
        .filter(|c| !c.all_answered())
        .chain(backlog)
        .map(|c| {
            let backlog = c
                .backlog
                .map_or(String::new(), |b| format!(" --backlog {b}"));
            let why = c
                .error
                .clone()
                .unwrap_or_else(|| format!("{} errors", c.errors()));
            format!("{}{backlog} ({} at once): {why}", c.server, c.connections)
        })
        .collect();
    for hog in &scale.hogs {
        if hog.error.is_some() || hog.errors > 0 || hog.rounds == 0 {
            failed.push(format!(
                "{} with a client that never reads: {}",
                hog.server,
                hog.error
                    .clone()
                    .unwrap_or_else(|| format!("{} errors", hog.errors))
            ));
        }
    }
    failed
}

/// Writes the book's files: the tables, the summary, the chart.
fn write_book(results: &Results, book_dir: &Path) -> anyhow::Result<()> {
    write(
        &book_dir.join("table.md"),
        &results::markdown_tables(results),
    )?;
    write(
        &book_dir.join("machine.md"),
        &results::markdown_machine(results),
    )?;
    write(
        &book_dir.join("targets.md"),
        &results::markdown_targets(results),
    )?;
    write(&book_dir.join("chart.svg"), &bench::chart::svg(results)?)?;
    write(
        &book_dir.join("scale.md"),
        &scale::markdown(results.scale.as_ref()),
    )?;
    write(
        &book_dir.join("scale.svg"),
        &bench::chart::scale_svg(results)?,
    )
}

/// What the CPU set-up means for the numbers, for the output and the book.
fn note(pinning: &Pinning, cores: usize) -> String {
    if pinning.is_pinned() {
        "The load generator (one thread, an epoll event loop) has a CPU of its own, and \
         every server, Rust or Python, runs on one other CPU: each server gets exactly one \
         core, whatever its speed, so the ratios compare servers with the same CPU budget, \
         on this machine, in this run."
            .to_string()
    } else {
        format!(
            "The load generator (one thread, an epoll event loop) and the servers share this \
             machine's {cores} cores: every number includes the load generator's own CPU use, \
             which grows with the speed of the server it drives, so a faster server is slowed \
             by its own load. Compare servers with each other, on this machine, in this run."
        )
    }
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let text = if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    };
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
