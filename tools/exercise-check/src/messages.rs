//! Test failures in a learner's terms. A test that calls `unwrap()` on an
//! error panics with Rust's own wording (`called `Result::unwrap()` on an
//! `Err` value: Os { code: 11, kind: WouldBlock, ... }`); the checker says
//! instead what did not happen, and what the error kind usually means on a
//! socket.

/// `message` (a panic's), with Rust's unwrap wording explained.
pub fn explain(message: &str) -> String {
    const UNWRAP_ERR: &str = "called `Result::unwrap()` on an `Err` value: ";
    const UNWRAP_ERR_ON_OK: &str = "called `Result::unwrap_err()` on an `Ok` value: ";
    const UNWRAP_NONE: &str = "called `Option::unwrap()` on a `None` value";
    let mut text = if let Some(error) = message.strip_prefix(UNWRAP_ERR) {
        format!("a step the test expects to succeed returned an error: {error}")
    } else if let Some(value) = message.strip_prefix(UNWRAP_ERR_ON_OK) {
        format!("the test expects an error here, but your code succeeded and returned {value}")
    } else if message.starts_with(UNWRAP_NONE) {
        "the test expects a value here, but there was none (None)".to_string()
    } else if let Some(task) = message.strip_prefix("not yet implemented: ") {
        format!("not yet implemented: {task}\n(a todo!() is still there: this is the next part to write)")
    } else {
        message.to_string()
    };
    if let Some(meaning) = error_kind(message) {
        text.push_str(&format!("\n({meaning})"));
    }
    text
}

/// `text` with lines longer than `width` broken at spaces, so a long
/// failure message reads in a terminal.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for line in text.lines() {
        let mut current = String::new();
        for word in line.split(' ') {
            if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut current));
            } else if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        lines.push(current);
    }
    lines
}

/// What an `io::ErrorKind` named in `message` usually means in these tests.
fn error_kind(message: &str) -> Option<&'static str> {
    let kinds: [(&str, &str); 6] = [
        (
            "WouldBlock",
            "WouldBlock here means a read timed out: nothing arrived within the \
             test's time limit (5 s). The other side is still waiting too: for a \
             message, an answer, or a close",
        ),
        (
            "TimedOut",
            "TimedOut: nothing arrived within the test's time limit (5 s)",
        ),
        (
            "ConnectionRefused",
            "ConnectionRefused: nobody listens on that address and port \
             (error 111 on Linux, 10061 on Windows)",
        ),
        (
            "ConnectionReset",
            "ConnectionReset: the other side closed with bytes it had not read, \
             or ended abruptly",
        ),
        (
            "BrokenPipe",
            "BrokenPipe: writing to a connection the other side has already closed",
        ),
        (
            "UnexpectedEof",
            "UnexpectedEof: the connection closed before all the expected bytes came",
        ),
    ];
    kinds
        .iter()
        .find(|(kind, _)| message.contains(&format!("kind: {kind}")))
        .map(|(_, meaning)| *meaning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unwrapped_timeout_says_nothing_arrived() {
        let text = explain(
            "called `Result::unwrap()` on an `Err` value: Os { code: 11, kind: WouldBlock, \
             message: \"Resource temporarily unavailable\" }",
        );
        assert!(
            text.starts_with("a step the test expects to succeed returned an error: Os"),
            "{text}"
        );
        assert!(text.contains("nothing arrived within"), "{text}");
        assert!(!text.contains("called `Result"), "{text}");
    }

    #[test]
    fn unwrap_err_on_ok_and_unwrap_on_none_are_explained() {
        let text = explain("called `Result::unwrap_err()` on an `Ok` value: 3");
        assert_eq!(
            text,
            "the test expects an error here, but your code succeeded and returned 3"
        );
        let text = explain("called `Option::unwrap()` on a `None` value");
        assert!(text.contains("there was none"), "{text}");
    }

    #[test]
    fn an_expect_message_keeps_its_words_and_gains_the_meaning() {
        let text = explain(
            "connect: Os { code: 111, kind: ConnectionRefused, message: \"Connection refused\" }",
        );
        assert!(text.starts_with("connect: Os"), "{text}");
        assert!(text.contains("nobody listens"), "{text}");
    }

    #[test]
    fn long_lines_are_wrapped_at_spaces() {
        assert_eq!(wrap("aa bb cc\ndd", 5), ["aa bb", "cc", "dd"]);
        assert_eq!(wrap("x", 5), ["x"]);
    }

    #[test]
    fn other_messages_are_left_alone() {
        assert_eq!(explain("expected 1, got 2"), "expected 1, got 2");
    }
}
