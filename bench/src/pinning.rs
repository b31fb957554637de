//! Giving every server the same CPU budget: the load generator on one CPU,
//! each server under test on another.
//!
//! Why: a closed-loop load generator needs CPU in proportion to the speed of
//! the server it drives (about 12 µs per round trip here). If it shares the
//! cores with the server, the faster server is starved by its own load, and
//! a server that spreads over both cores (Python's, which spends most of its
//! time in the kernel, outside the GIL) takes CPU the load generator would
//! have used. The comparison then measures the harness. Pinned, each server
//! gets exactly one core, whatever its speed, and the load generator has its
//! own.
//!
//! How, without a new dependency: `taskset` (util-linux) sets this process's
//! affinity (`taskset -a -p -c CPU PID`, before it starts any thread; threads
//! inherit it), and each server is started as `taskset -c CPU server ...`,
//! which sets the affinity and then execs the server, so the child's pid is
//! the server's. Where `taskset` or a second CPU is missing, nothing is
//! pinned and the output says so.

use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

/// Where the load generator and the servers run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pinning {
    /// The CPU the load generator (this process) is pinned to; `None` when
    /// nothing is pinned.
    pub loadgen_cpu: Option<usize>,
    /// The CPU every server is pinned to.
    pub server_cpu: Option<usize>,
    /// Why nothing is pinned (`--no-pin`, no `taskset`, one CPU...); empty
    /// when pinned.
    pub unpinned_because: String,
}

impl Pinning {
    /// Nothing pinned, for `reason`.
    pub fn off(reason: &str) -> Pinning {
        Pinning {
            unpinned_because: reason.to_string(),
            ..Pinning::default()
        }
    }

    /// Pins this process to the first CPU it may use and chooses the second
    /// for the servers; falls back to [`Pinning::off`] with the reason when
    /// that cannot be done. Call it before starting any thread.
    pub fn set_up() -> Pinning {
        let Some(cpus) = allowed_cpus() else {
            return Pinning::off("cannot read the CPUs this process may use (no /proc?)");
        };
        let (loadgen, server) = match cpus[..] {
            [first, second, ..] => (first, second),
            _ => {
                return Pinning::off(&format!(
                    "this process may use only {} CPU, pinning needs two",
                    cpus.len()
                ))
            }
        };
        let pid = std::process::id().to_string();
        let pinned = Command::new("taskset")
            .args(["-a", "-p", "-c", &loadgen.to_string(), &pid])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output();
        match pinned {
            Err(_) => return Pinning::off("taskset (util-linux) not found"),
            Ok(out) if !out.status.success() => {
                let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
                return Pinning::off(&format!("taskset could not pin the load generator: {why}"));
            }
            Ok(_) => {}
        }
        // Trust what the kernel says, not taskset's exit code.
        if allowed_cpus().as_deref() != Some(&[loadgen]) {
            return Pinning::off("taskset ran, but the load generator is still not pinned");
        }
        Pinning {
            loadgen_cpu: Some(loadgen),
            server_cpu: Some(server),
            unpinned_because: String::new(),
        }
    }

    /// Whether the load generator and the servers run on CPUs of their own.
    pub fn is_pinned(&self) -> bool {
        self.loadgen_cpu.is_some() && self.server_cpu.is_some()
    }

    /// A command that runs `program` pinned to the servers' CPU (through
    /// `taskset -c CPU program`), or plainly when nothing is pinned. Add the
    /// program's arguments to it as usual.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        match self.server_cpu {
            Some(cpu) if self.is_pinned() => {
                let mut command = Command::new("taskset");
                command.arg("-c").arg(cpu.to_string()).arg(program);
                command
            }
            _ => Command::new(program),
        }
    }

    /// One line for the output and the book, e.g. "load generator pinned to
    /// CPU 0, each server to CPU 1 (taskset)".
    pub fn describe(&self) -> String {
        match (self.loadgen_cpu, self.server_cpu) {
            (Some(loadgen), Some(server)) => format!(
                "load generator pinned to CPU {loadgen}, each server to CPU {server} (taskset)"
            ),
            _ if self.unpinned_because.is_empty() => "not pinned".to_string(),
            _ => format!("not pinned ({})", self.unpinned_because),
        }
    }
}

/// The CPUs this process may run on (its affinity), from
/// `Cpus_allowed_list` in /proc/self/status.
pub fn allowed_cpus() -> Option<Vec<usize>> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let list = status
        .lines()
        .find_map(|line| line.strip_prefix("Cpus_allowed_list:"))?;
    parse_cpu_list(list)
}

/// Parses the kernel's CPU list format: `0-1`, `0,2-3`, `5`.
pub fn parse_cpu_list(list: &str) -> Option<Vec<usize>> {
    let mut cpus = vec![];
    for part in list.trim().split(',') {
        match part.split_once('-') {
            Some((from, to)) => {
                let (from, to): (usize, usize) = (from.parse().ok()?, to.parse().ok()?);
                if from > to {
                    return None;
                }
                cpus.extend(from..=to);
            }
            None => cpus.push(part.parse().ok()?),
        }
    }
    (!cpus.is_empty()).then_some(cpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cpu_lists() {
        assert_eq!(parse_cpu_list("0-1\n"), Some(vec![0, 1]));
        assert_eq!(parse_cpu_list("0,2-3,7"), Some(vec![0, 2, 3, 7]));
        assert_eq!(parse_cpu_list("5"), Some(vec![5]));
        for bad in ["", "a", "3-1", "1,,2"] {
            assert_eq!(parse_cpu_list(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn we_may_run_somewhere() {
        if let Some(cpus) = allowed_cpus() {
            assert!(!cpus.is_empty());
        }
    }

    #[test]
    fn unpinned_commands_run_the_program_itself() {
        let off = Pinning::off("--no-pin");
        assert!(!off.is_pinned());
        assert_eq!(off.command("python3").get_program(), "python3");
        assert_eq!(off.describe(), "not pinned (--no-pin)");
    }

    #[test]
    fn pinned_commands_go_through_taskset() {
        let pinned = Pinning {
            loadgen_cpu: Some(0),
            server_cpu: Some(1),
            unpinned_because: String::new(),
        };
        let mut command = pinned.command("python3");
        command.arg("-u");
        assert_eq!(command.get_program(), "taskset");
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, ["-c", "1", "python3", "-u"]);
        assert_eq!(
            pinned.describe(),
            "load generator pinned to CPU 0, each server to CPU 1 (taskset)"
        );
    }
}
