//! What the numbers were measured on: CPU, cores, OS, compilers, load.
//!
//! Benchmarks are only comparable on the same machine, so every result file
//! says which machine it came from.

use std::process::Command;

use serde::{Deserialize, Serialize};

/// A description of this machine, read from /proc and the tools' `--version`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// e.g. "AMD EPYC 7B13".
    pub cpu: String,
    /// CPUs this process may use.
    pub cores: usize,
    /// e.g. "Debian GNU/Linux 12 (bookworm), Linux 6.1.0".
    pub os: String,
    /// Total memory, MiB.
    pub memory_mib: u64,
    /// `rustc --version`.
    pub rustc: String,
    /// `python3 --version`.
    pub python: String,
    /// The 1-minute load average when the run started: anything well above
    /// zero means something else was using the CPU.
    pub load_before: f64,
}

impl Machine {
    /// Reads everything it can; what cannot be read says "unknown".
    pub fn describe() -> Machine {
        let cpuinfo = read("/proc/cpuinfo");
        let cpu = cpuinfo
            .lines()
            .find_map(|line| {
                let (key, value) = line.split_once(':')?;
                (key.trim() == "model name").then(|| value.trim().to_string())
            })
            .unwrap_or_else(|| std::env::consts::ARCH.to_string());
        let os_release = read("/etc/os-release");
        let distro = os_release
            .lines()
            .find_map(|line| line.strip_prefix("PRETTY_NAME="))
            .map(|name| name.trim_matches('"').to_string())
            .unwrap_or_else(|| std::env::consts::OS.to_string());
        let kernel = read("/proc/sys/kernel/osrelease").trim().to_string();
        let memory_kib: u64 = read("/proc/meminfo")
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .unwrap_or(0);
        Machine {
            cpu,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            os: if kernel.is_empty() {
                distro
            } else {
                format!("{distro}, Linux {kernel}")
            },
            memory_mib: memory_kib / 1024,
            rustc: version("rustc"),
            python: version("python3"),
            load_before: load_average(),
        }
    }
}

/// The 1-minute load average (0 where there is no /proc/loadavg).
pub fn load_average() -> f64 {
    read("/proc/loadavg")
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The first line `program --version` prints (Python 2 printed to stderr).
fn version(program: &str) -> String {
    match Command::new(program).arg("--version").output() {
        Ok(out) => {
            let text = if out.stdout.is_empty() {
                out.stderr
            } else {
                out.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("unknown")
                .trim()
                .to_string()
        }
        Err(_) => format!("{program}: not found"),
    }
}

/// The soft limit on open files (`ulimit -n`), from /proc/self/limits.
pub fn open_files_limit() -> Option<u64> {
    read("/proc/self/limits")
        .lines()
        .find_map(|line| line.strip_prefix("Max open files"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_this_machine() {
        let m = Machine::describe();
        assert!(m.cores >= 1);
        assert!(!m.cpu.is_empty() && !m.os.is_empty());
        // The test itself is compiled by rustc, so it is on this machine.
        assert!(m.rustc.starts_with("rustc ") || m.rustc.contains("not found"));
    }
}
