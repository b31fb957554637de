//! What a client's connections send: the `--message`s, or typed lines,
//! read without blocking the runtime.
//!
//! Reading stdin is a blocking call: `read_line` does not return until the
//! person presses Enter. Inside a task on a `current_thread` runtime that
//! would stop EVERY task until then (the book shows it). So the blocking
//! read runs on tokio's pool of blocking threads (`spawn_blocking`), and
//! the task only `.await`s its result; Python's `run_in_executor` does the
//! same.

use std::io;
use std::sync::Arc;

use common::AnyLines;

/// The lines a person types (or pipes in), read one at a time off the runtime.
pub struct TypedLines {
    /// `None` only while a read is under way on the blocking pool.
    source: Option<AnyLines>,
}

impl TypedLines {
    /// Lines from `source`, e.g. `common::input::from_args_or_stdin(&[])`.
    pub fn new(source: AnyLines) -> TypedLines {
        TypedLines {
            source: Some(source),
        }
    }

    // ANCHOR: typed
    /// Prompts `message> ` and waits for the next line; `None` at `exit`
    /// or the end of input.
    pub async fn next(&mut self) -> anyhow::Result<Option<String>> {
        let Some(mut source) = self.source.take() else {
            return Ok(None);
        };
        // The LineSource moves to a blocking thread and comes back with
        // the line.
        let (line, source) = tokio::task::spawn_blocking(move || {
            let line = source.prompt(&mut io::stdout(), "message> ");
            (line, source)
        })
        .await?;
        self.source = Some(source);
        Ok(line?.filter(|line| line != "exit"))
    }
    // ANCHOR_END: typed
}

/// Where one connection's messages come from.
pub enum Messages {
    /// The same list for every connection (`--message`).
    Scripted(Arc<[String]>),
    /// Typed one at a time (one connection only).
    Typed(TypedLines),
}

impl Messages {
    /// The message after the `sent` ones, or `None`: no more.
    pub async fn next(&mut self, sent: usize) -> anyhow::Result<Option<String>> {
        match self {
            Messages::Scripted(all) => Ok(all.get(sent).cloned()),
            Messages::Typed(lines) => lines.next().await,
        }
    }
}
