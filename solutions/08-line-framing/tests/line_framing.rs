//! The tests `just check 08` runs: real loopback sockets, and in-memory
//! streams that split the bytes exactly where a test wants.

use exercise_support as support;

use std::io::{self, ErrorKind, Write};
use std::net::TcpStream;

use line_framing::{write_message, MessageReader, MAX_MESSAGE};
use support::{accept, connect, listener, spawn, Pieces};

/// A connected pair of sockets: (the side that writes, the side that reads).
fn pair() -> (TcpStream, TcpStream) {
    let (listener, addr) = listener();
    let writer = connect(addr);
    let (reader, _) = accept(&listener);
    (writer, reader)
}

fn all_messages<R: io::Read>(reader: &mut MessageReader<R>) -> Vec<String> {
    let mut messages = Vec::new();
    while let Some(message) = reader.read_message().expect("read_message failed") {
        messages.push(message);
    }
    messages
}

#[test]
fn write_message_sends_the_text_and_a_newline() {
    let mut sent = Vec::new();
    write_message(&mut sent, "你好").unwrap();
    write_message(&mut sent, "").unwrap();
    assert_eq!(
        String::from_utf8_lossy(&sent),
        "你好\n\n",
        "each message is its text, then a '\\n' that ends it"
    );
}

/// A writer that takes at most 3 bytes per `write()`, as a socket whose
/// send buffer is nearly full may: `write()` says how much it took.
struct Trickle(Vec<u8>);

impl Write for Trickle {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len().min(3);
        self.0.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn write_message_sends_every_byte_even_when_a_write_takes_only_some() {
    let mut sent = Trickle(Vec::new());
    write_message(&mut sent, "你好 world").expect("write_message failed");
    assert_eq!(
        String::from_utf8_lossy(&sent.0),
        "你好 world\n",
        "write() may take only part of the bytes (it returns how many): write_all() \
         loops until all are sent"
    );
}

#[test]
fn write_message_refuses_a_newline_inside() {
    let mut sent = Vec::new();
    let err = write_message(&mut sent, "two\nmessages").expect_err(
        "a message with a newline inside must be refused: it would arrive as two messages",
    );
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(
        sent.is_empty(),
        "nothing is sent for a refused message (check before writing), got {:?}",
        String::from_utf8_lossy(&sent)
    );
}

#[test]
fn messages_glued_in_one_packet_come_apart() {
    // 粘包: three messages in one write, so (almost always) in one read.
    let (mut writer, reader) = pair();
    writer.write_all("hello\nworld\n你好\n".as_bytes()).unwrap();
    drop(writer);
    let mut reader = MessageReader::new(reader);
    assert_eq!(
        all_messages(&mut reader),
        ["hello", "world", "你好"],
        "one read can hold several messages: keep what follows a '\\n' for the next call"
    );
}

#[test]
fn a_message_split_byte_by_byte_is_whole() {
    let mut reader = MessageReader::new(Pieces::bytewise("你好, world\n再见\n".as_bytes()));
    assert_eq!(
        all_messages(&mut reader),
        ["你好, world", "再见"],
        "one byte per read: collect the bytes up to the '\\n', then decode them"
    );
}

#[test]
fn a_character_split_between_two_reads_is_not_garbled() {
    // "你" is e4 bd a0: the first read ends after two of its three bytes.
    let mut reader = MessageReader::new(Pieces::new(&[b"ni \xe4\xbd", b"\xa0 hao\n"]));
    assert_eq!(
        reader.read_message().unwrap().as_deref(),
        Some("ni 你 hao"),
        "decode a message once it is whole, not each read on its own"
    );
}

#[test]
fn the_end_between_messages_is_none_and_inside_one_an_error() {
    let mut clean = MessageReader::new(Pieces::new(&[b"done\n"]));
    assert_eq!(clean.read_message().unwrap().as_deref(), Some("done"));
    assert_eq!(clean.read_message().unwrap(), None);

    let mut cut = MessageReader::new(Pieces::new(&[b"whole\nhal"]));
    assert_eq!(cut.read_message().unwrap().as_deref(), Some("whole"));
    let err = cut
        .read_message()
        .expect_err("the stream ended in the middle of a message: that is an error");
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
}

#[test]
fn crlf_endings_and_empty_messages() {
    let mut reader = MessageReader::new(Pieces::new(&[b"dos\r\n\nunix\n"]));
    assert_eq!(
        all_messages(&mut reader),
        ["dos", "", "unix"],
        "the \\r of a \\r\\n goes too; an empty line is an empty message"
    );
}

#[test]
fn invalid_utf8_is_shown_lossily() {
    let mut reader = MessageReader::new(Pieces::new(&[b"ok \xff end\n"]));
    assert_eq!(
        reader
            .read_message()
            .expect("invalid UTF-8 is shown as U+FFFD, not an error")
            .as_deref(),
        Some("ok \u{FFFD} end")
    );
}

#[test]
fn a_message_without_end_is_refused_once_too_long() {
    // 1 MiB of 'x' and no newline: a reader that buffers "until the
    // newline" takes it all, and would take gigabytes if they came.
    let endless = io::Read::take(io::repeat(b'x'), 16 * MAX_MESSAGE as u64);
    let mut reader = MessageReader::new(endless);
    let running = spawn("read_message", move || reader.read_message().map(|_| ()));
    let err = running
        .join()
        .expect_err("more than MAX_MESSAGE bytes without a newline must be refused");
    assert_eq!(
        err.kind(),
        ErrorKind::InvalidData,
        "more than MAX_MESSAGE bytes without a newline is InvalidData, whatever comes next ({err})"
    );
    // Just at the limit is fine.
    let mut exact = vec![b'y'; MAX_MESSAGE];
    exact.push(b'\n');
    let mut reader = MessageReader::new(Pieces::new(&[&exact]));
    assert_eq!(
        reader.read_message().unwrap().map(|m| m.len()),
        Some(MAX_MESSAGE)
    );
}

#[test]
fn a_thousand_messages_cross_loopback_intact() {
    let (writer, reader) = pair();
    let expected: Vec<String> = (0..1000)
        .map(|i| format!("message {i}: 你好 {}", "x".repeat(i % 50)))
        .collect();
    let to_send = expected.clone();
    let sending = spawn("the writer", move || {
        let mut writer = writer;
        for message in &to_send {
            write_message(&mut writer, message).unwrap();
        }
    });
    let mut reader = MessageReader::new(reader);
    let received = spawn("the reader", move || all_messages(&mut reader));
    sending.join();
    assert_eq!(received.join(), expected);
}
