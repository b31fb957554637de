//! The benchmark: a closed-loop load generator, a minimal echo server to
//! measure against, and the matrix `just bench` runs (serial vs threaded,
//! Rust beside Python, TCP and UDP).
//!
//! Binaries: `loadgen` (load against any HOST:PORT), `bench-baseline-server`
//! (the yardstick), `bench-matrix` (starts every server, runs every load,
//! writes the results, the book's tables and chart).

pub mod baseline;
pub mod chart;
pub mod crowd;
pub mod histogram;
pub mod listening;
pub mod loadgen;
pub mod machine;
pub mod matrix;
pub mod mio_echo;
pub mod pinning;
pub mod report;
pub mod results;
pub mod scale;
pub mod server;
pub mod tokio_echo;
