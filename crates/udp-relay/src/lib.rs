//! A faulty network on loopback: a UDP relay that loses, duplicates, delays
//! and reorders datagrams on purpose.
//!
//! On 127.0.0.1 UDP never loses or reorders anything, so the lessons' clients
//! never meet what UDP does not promise. Put this relay between a client and
//! a server (the client sends to the relay, the relay forwards to the
//! server, and the answers come back the same way) and each datagram gets a
//! fate:
//!
//! - `ok`: forwarded;
//! - `drop`: lost;
//! - `dup`: forwarded twice;
//! - `late`: held back for `--hold` seconds, so later datagrams overtake it;
//! - `swap`: held until the next datagram in the same direction has passed
//!   (two datagrams exchange places), or for `--hold` at the latest.
//!
//! Fates come from a fixed `--plan` (one per datagram, in order; `ok` once
//! the plan is used up) or are drawn with the given probabilities from a
//! seeded generator, so a run can be repeated exactly. `--faults` chooses
//! the direction they apply to: the server's answers (the default), the
//! clients' requests, or both; the other direction passes untouched.
//!
//! [`fate`] decides (no sockets); [`relay`] moves the datagrams.

pub mod fate;
pub mod relay;

/// The largest payload of one IPv4 UDP datagram.
pub const MAX_DATAGRAM: usize = 65_507;
