//! What every lesson needs that is not the lesson itself.
//!
//! Argument parsing, logging set-up, reading what a person types, decoding
//! text that arrives in pieces, telling which message a datagram answers
//! ([`answers`]), and turning an `io::Error` into one line of advice. No
//! socket call lives here: a learner reading a lesson crate sees
//! every `bind`, `accept`, `read` and `write` without opening this one.

pub mod advice;
pub mod answers;
pub mod args;
pub mod input;
pub mod logging;
pub mod reply;
pub mod text;

pub use advice::exit;
pub use answers::{Ledger, Verdict};
pub use args::{Endpoint, MessageArgs, ReplyArgs};
pub use input::{AnyLines, LineSource};
pub use reply::Reply;
pub use text::{Encoding, TextDecoder};
