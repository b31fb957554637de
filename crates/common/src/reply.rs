//! How a server answers a message: typed by a person, fixed, or echoed.
//!
//! The tutorials' servers call `input()` for every answer. That is kept as
//! the default, and `--reply TEXT` / `--echo` let the same server run
//! unattended in demos, tests and benchmarks.

use std::io::{self, BufRead, Write};

use crate::args::ReplyArgs;
use crate::input::LineSource;

/// The answer policy a server was started with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Ask the person at the server's terminal (Python's `input()`).
    Typed,
    /// Always the same text (`--reply TEXT`).
    Fixed(String),
    /// The message itself (`--echo`).
    Echo,
}

impl From<&ReplyArgs> for Reply {
    fn from(args: &ReplyArgs) -> Self {
        match (&args.reply, args.echo) {
            (_, true) => Reply::Echo,
            (Some(text), false) => Reply::Fixed(text.clone()),
            (None, false) => Reply::Typed,
        }
    }
}

impl Reply {
    /// The answer to `message`. For [`Reply::Typed`] this shows `prompt` and
    /// reads a line from `typed`; `Ok(None)` means the person is done typing
    /// (end of stdin) and the server should wind down.
    pub fn answer<R: BufRead>(
        &self,
        message: &str,
        typed: &mut LineSource<R>,
        out: &mut impl Write,
        prompt: &str,
    ) -> io::Result<Option<String>> {
        match self {
            Reply::Typed => typed.prompt(out, prompt),
            Reply::Fixed(text) => Ok(Some(text.clone())),
            Reply::Echo => Ok(Some(message.to_string())),
        }
    }

    /// True when answers come from a person, so stdin must be read.
    pub fn is_typed(&self) -> bool {
        matches!(self, Reply::Typed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies() {
        let mut typed = LineSource::reader(&b"typed\n"[..], false);
        let mut out = Vec::new();
        let fixed = Reply::Fixed("ok".into());
        assert_eq!(
            fixed.answer("m", &mut typed, &mut out, "> ").unwrap(),
            Some("ok".into())
        );
        assert_eq!(
            Reply::Echo.answer("m", &mut typed, &mut out, "> ").unwrap(),
            Some("m".into())
        );
        assert!(out.is_empty(), "fixed and echo replies print no prompt");
        assert_eq!(
            Reply::Typed
                .answer("m", &mut typed, &mut out, "> ")
                .unwrap(),
            Some("typed".into())
        );
        assert_eq!(
            Reply::Typed
                .answer("m", &mut typed, &mut out, "> ")
                .unwrap(),
            None
        );
    }

    #[test]
    fn from_args() {
        let args = ReplyArgs {
            reply: Some("x".into()),
            echo: false,
        };
        assert_eq!(Reply::from(&args), Reply::Fixed("x".into()));
        assert_eq!(Reply::from(&ReplyArgs::default()), Reply::Typed);
    }
}
