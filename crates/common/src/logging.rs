//! Logging set-up: `RUST_LOG=debug` traces every socket step on stderr.
//!
//! Lessons log each step with `log::debug!` ("bind 127.0.0.1:9999",
//! "read 5 bytes from ..."), matching the numbered comments of the Python.
//! Without `RUST_LOG` only warnings show, so normal output stays what the
//! tutorial prints.

use std::io::Write;

/// Starts env_logger for a binary. Call once, first thing in `main`.
pub fn init() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn"))
        .format(|buf, record| {
            // One short line per step: level, where, what. No timestamps: the
            // order of the steps is the lesson, not the wall clock.
            writeln!(
                buf,
                "[{} {}] {}",
                record.level(),
                record.target(),
                record.args()
            )
        })
        .init();
}
