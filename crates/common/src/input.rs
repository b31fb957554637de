//! Lines a person types: the Rust side of Python's `input(prompt)`.
//!
//! A [`LineSource`] prints a prompt and reads one line, from a terminal, a
//! pipe, or a list of scripted lines (`--message`). `None` means the person is
//! done (end of stdin, or no scripted lines left); every lesson treats that as
//! "close cleanly and exit 0".
//!
//! When the lines do not come from a terminal, the line is echoed after the
//! prompt, so a transcript of a piped run reads like one typed by hand:
//! `> hello` instead of a prompt glued to the next output.

use std::collections::VecDeque;
use std::io::{self, BufRead, IsTerminal, Write};

/// Where typed lines come from.
pub struct LineSource<R> {
    kind: Kind<R>,
}

enum Kind<R> {
    Reader { reader: R, echo: bool },
    Scripted(VecDeque<String>),
}

impl<R: BufRead> LineSource<R> {
    /// Lines read from `reader`. `echo` writes each line after its prompt,
    /// for input that does not come from a terminal (which echoes itself).
    pub fn reader(reader: R, echo: bool) -> Self {
        LineSource {
            kind: Kind::Reader { reader, echo },
        }
    }

    /// Shows `prompt` on `out`, then reads one line without its line ending.
    /// Returns `Ok(None)` when there is nothing more to read.
    pub fn prompt(&mut self, out: &mut impl Write, prompt: &str) -> io::Result<Option<String>> {
        write!(out, "{prompt}")?;
        out.flush()?;
        let line = match &mut self.kind {
            Kind::Reader { reader, .. } => read_line(reader)?,
            Kind::Scripted(lines) => lines.pop_front(),
        };
        let echo = match &self.kind {
            Kind::Reader { echo, .. } => *echo,
            Kind::Scripted(_) => true,
        };
        match &line {
            Some(text) if echo => writeln!(out, "{text}")?,
            // End of input: finish the prompt's line so the next output
            // starts on a fresh one.
            None => writeln!(out)?,
            Some(_) => {}
        }
        Ok(line)
    }
}

impl LineSource<io::Empty> {
    /// The lines given with `--message`, as if they had been typed.
    pub fn scripted(lines: impl IntoIterator<Item = String>) -> Self {
        LineSource {
            kind: Kind::Scripted(lines.into_iter().collect()),
        }
    }
}

/// Boxed so one type covers "stdin" and "scripted", whichever the flags chose.
pub type AnyLines = LineSource<Box<dyn BufRead + Send>>;

/// Typed lines for a binary: the scripted `messages` if any were given,
/// otherwise stdin (echoed when stdin is not a terminal).
pub fn from_args_or_stdin(messages: &[String]) -> AnyLines {
    if messages.is_empty() {
        let stdin = io::stdin();
        let echo = !stdin.is_terminal();
        // `Stdin` (not its lock) is `Send`, so a server may read it on a thread.
        LineSource::reader(Box::new(io::BufReader::new(stdin)), echo)
    } else {
        LineSource {
            kind: Kind::Scripted(messages.iter().cloned().collect()),
        }
    }
}

/// Reads one line, without `\n` or `\r\n`. `Ok(None)` at end of input.
///
/// Bytes that are not UTF-8 are an `InvalidData` error naming the problem,
/// rather than a panic or silently changed text.
pub fn read_line(reader: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut bytes = Vec::new();
    if reader.read_until(b'\n', &mut bytes)? == 0 {
        return Ok(None);
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    String::from_utf8(bytes).map(Some).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "typed input is not valid UTF-8 (check the terminal's or file's encoding)",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lines_then_none() {
        let mut src = LineSource::reader(&b"hi\r\nthere\nlast"[..], false);
        let mut out = Vec::new();
        assert_eq!(src.prompt(&mut out, "> ").unwrap().as_deref(), Some("hi"));
        assert_eq!(
            src.prompt(&mut out, "> ").unwrap().as_deref(),
            Some("there")
        );
        assert_eq!(src.prompt(&mut out, "> ").unwrap().as_deref(), Some("last"));
        assert_eq!(src.prompt(&mut out, "> ").unwrap(), None);
        assert_eq!(String::from_utf8(out).unwrap(), "> > > > \n");
    }

    #[test]
    fn echo_writes_the_line_after_the_prompt() {
        let mut src = LineSource::reader(&b"hi\n"[..], true);
        let mut out = Vec::new();
        src.prompt(&mut out, "> ").unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "> hi\n");
    }

    #[test]
    fn scripted_lines_are_echoed() {
        let mut src = LineSource::scripted(["a".to_string(), "b".to_string()]);
        let mut out = Vec::new();
        assert_eq!(src.prompt(&mut out, "> ").unwrap().as_deref(), Some("a"));
        assert_eq!(src.prompt(&mut out, "> ").unwrap().as_deref(), Some("b"));
        assert_eq!(src.prompt(&mut out, "> ").unwrap(), None);
        assert_eq!(String::from_utf8(out).unwrap(), "> a\n> b\n> \n");
    }

    #[test]
    fn invalid_utf8_is_an_error_not_a_panic() {
        let err = read_line(&mut &b"\xff\xfe\n"[..]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("UTF-8"));
    }
}
