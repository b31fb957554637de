//! Printing from many threads (or tasks) at once, one whole line at a time.
//!
//! Every client thread prints (`from 127.0.0.1:40000: 老王:hi`), and a reply
//! desk prints prompts. [`Output`] is a cloneable handle to one shared sink:
//! each line is formatted first and written under a lock, so two threads
//! never mix their words inside a line.
//!
//! A prompt (`reply to 127.0.0.1:40000> `) stays open while the person types.
//! A line printed meanwhile would be glued after it, so [`Output::line`]
//! starts a fresh line and then shows the open prompt again.
//!
//! The lock is a `std::sync::Mutex` held for one write and never across a
//! network call, so a `mio` loop calls [`Output::line`] from its one thread
//! and `tokio` tasks call it directly, as threads do.
//!
//! Write errors are ignored on purpose: a server whose stdout was closed
//! (say, piped into `head`) should keep serving its clients.

use std::fmt::Display;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

/// A cloneable handle for printing whole lines from any thread.
#[derive(Clone)]
pub struct Output {
    shared: Arc<Mutex<Shared>>,
}

struct Shared {
    sink: Box<dyn Write + Send>,
    /// The prompt shown and not yet answered, if any.
    open_prompt: Option<Vec<u8>>,
}

impl Output {
    /// Lines go to the process's stdout.
    pub fn stdout() -> Output {
        Output::new(io::stdout())
    }

    /// Lines go to `sink` (tests pass a buffer or a channel).
    pub fn new(sink: impl Write + Send + 'static) -> Output {
        Output {
            shared: Arc::new(Mutex::new(Shared {
                sink: Box::new(sink),
                open_prompt: None,
            })),
        }
    }

    /// Prints `text` and a newline, as one write.
    pub fn line(&self, text: impl Display) {
        let line = format!("{text}\n");
        let mut shared = self.lock();
        let Shared { sink, open_prompt } = &mut *shared;
        if let Some(prompt) = open_prompt {
            // Move off the prompt's line, print, then show the prompt again.
            let _ = sink.write_all(b"\n");
            let _ = sink.write_all(line.as_bytes());
            let _ = sink.write_all(prompt);
        } else {
            let _ = sink.write_all(line.as_bytes());
        }
        let _ = sink.flush();
    }

    /// A writer for [`common::LineSource::prompt`]: what it writes without a
    /// newline is remembered as the open prompt until [`PromptWriter::done`].
    pub fn prompt_writer(&self) -> PromptWriter {
        PromptWriter {
            out: self.clone(),
            pending: Vec::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        // A thread that panicked while printing leaves nothing half-done
        // that matters here, so a poisoned lock is simply used again.
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Collects a prompt (and the echoed answer) and writes them as whole pieces.
pub struct PromptWriter {
    out: Output,
    pending: Vec<u8>,
}

impl PromptWriter {
    /// The person has answered (or stopped): the prompt is no longer open.
    pub fn done(mut self) {
        let _ = self.flush();
        self.out.lock().open_prompt = None;
    }
}

impl Write for PromptWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        if bytes.contains(&b'\n') {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut shared = self.out.lock();
        let _ = shared.sink.write_all(&self.pending);
        let _ = shared.sink.flush();
        // Whatever follows the last newline is a prompt still waiting.
        let after_newline = match self.pending.iter().rposition(|&b| b == b'\n') {
            Some(at) => self.pending.split_off(at + 1),
            None => std::mem::take(&mut self.pending),
        };
        shared.open_prompt = (!after_newline.is_empty()).then_some(after_newline);
        self.pending.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink tests can read back.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Buffer {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn a_line_printed_during_a_prompt_does_not_glue_onto_it() {
        let buffer = Buffer::default();
        let out = Output::new(buffer.clone());
        let mut prompt = out.prompt_writer();
        write!(prompt, "reply to A> ").unwrap();
        prompt.flush().unwrap();
        out.line("from B: hi");
        writeln!(prompt, "answer").unwrap();
        prompt.done();
        out.line("after");
        assert_eq!(
            buffer.text(),
            "reply to A> \nfrom B: hi\nreply to A> answer\nafter\n"
        );
    }
}
