//! The tests `just check 09` runs: real loopback sockets, and in-memory
//! streams that split the bytes exactly where a test wants.

use exercise_support as support;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;

use length_prefix::{read_frame, write_frame, MAX_FRAME};
use support::{accept, connect, listener, spawn, Pieces};

/// A connected pair of sockets: (the side that writes, the side that reads).
fn pair() -> (TcpStream, TcpStream) {
    let (listener, addr) = listener();
    let writer = connect(addr);
    let (reader, _) = accept(&listener);
    (writer, reader)
}

fn all_frames(r: &mut impl Read) -> Vec<Vec<u8>> {
    let mut frames = Vec::new();
    while let Some(frame) =
        read_frame(r).expect("read_frame failed (the end between two frames is Ok(None))")
    {
        frames.push(frame);
    }
    frames
}

#[test]
fn a_frame_is_a_big_endian_length_then_the_payload() {
    let mut sent = Vec::new();
    write_frame(&mut sent, b"hi").unwrap();
    write_frame(&mut sent, "你".as_bytes()).unwrap();
    assert_eq!(
        sent,
        [0, 0, 0, 2, b'h', b'i', 0, 0, 0, 3, 0xe4, 0xbd, 0xa0],
        "the length comes first, 4 bytes, big-endian (to_be_bytes): network byte order"
    );
}

/// Records every `write` call, so a test can see how a frame was handed to
/// the socket.
#[derive(Default)]
struct Writes(Vec<Vec<u8>>);

impl Write for Writes {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.push(buf.to_vec());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_frame_goes_out_in_one_write() {
    // Two writes (header, then payload) stall for ~40 ms on a real
    // connection: Nagle's algorithm meets the peer's delayed ACK.
    let mut writes = Writes::default();
    write_frame(&mut writes, b"hello").unwrap();
    assert_eq!(
        writes.0,
        [vec![0, 0, 0, 5, b'h', b'e', b'l', b'l', b'o']],
        "write the header and the payload with ONE write call (see the README: Nagle and delayed ACK)"
    );
}

#[test]
fn write_frame_refuses_an_oversized_payload() {
    let mut sent = Vec::new();
    let err = write_frame(&mut sent, &vec![0u8; MAX_FRAME + 1])
        .expect_err("a payload over MAX_FRAME must be refused");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(sent.is_empty(), "nothing is sent");
}

#[test]
fn frames_glued_in_one_packet_come_apart() {
    let mut glued = Vec::new();
    for payload in [&b"one"[..], b"two\nlines", "三".as_bytes()] {
        write_frame(&mut glued, payload).unwrap();
    }
    let (mut writer, mut reader) = pair();
    writer.write_all(&glued).unwrap(); // one write: 粘包
    drop(writer);
    let frames = all_frames(&mut reader);
    assert_eq!(frames, [&b"one"[..], b"two\nlines", "三".as_bytes()]);
}

#[test]
fn a_frame_split_byte_by_byte_is_whole() {
    let mut sent = Vec::new();
    write_frame(&mut sent, "你好, world".as_bytes()).unwrap();
    write_frame(&mut sent, b"second").unwrap();
    let mut stream = Pieces::bytewise(&sent);
    let partly = "one read() may return part of a frame: read until all of it is there \
                  (read_exact)";
    for expected in ["你好, world".as_bytes(), b"second"] {
        let frame = read_frame(&mut stream).unwrap_or_else(|e| panic!("{partly}: {e}"));
        assert_eq!(frame.as_deref(), Some(expected), "{partly}");
    }
    assert_eq!(read_frame(&mut stream).unwrap(), None, "then the clean end");
}

#[test]
fn an_empty_frame_is_a_message_not_the_end() {
    let mut sent = Vec::new();
    write_frame(&mut sent, b"").unwrap();
    write_frame(&mut sent, b"after").unwrap();
    let mut stream = Pieces::new(&[&sent]);
    assert_eq!(
        read_frame(&mut stream).expect("read_frame failed"),
        Some(vec![]),
        "a frame of length 0 is an empty message, not the end of the stream"
    );
    assert_eq!(read_frame(&mut stream).unwrap(), Some(b"after".to_vec()));
    assert_eq!(read_frame(&mut stream).unwrap(), None, "then the clean end");
}

#[test]
fn the_end_inside_a_frame_is_an_error() {
    // Half a header.
    let err = read_frame(&mut Pieces::new(&[&[0, 0]]))
        .expect_err("the stream ended inside a header: that is an error, not a clean end");
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof, "{err}");
    // A header claiming 10 bytes, and only 3.
    let err = read_frame(&mut Pieces::new(&[&[0, 0, 0, 10], b"abc"]))
        .expect_err("the stream ended inside a payload: that is an error, not a shorter frame");
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof, "{err}");
}

#[test]
fn a_huge_claimed_length_is_refused() {
    // 0xffffffff: 4 GiB claimed, none sent.
    let err = read_frame(&mut Pieces::new(&[&[0xff, 0xff, 0xff, 0xff]]))
        .expect_err("a header claiming more than MAX_FRAME must be refused");
    assert_eq!(
        err.kind(),
        ErrorKind::InvalidData,
        "a header claiming more than MAX_FRAME is InvalidData, refused before reading \
         (or allocating) anything ({err})"
    );
}

#[test]
fn a_200_kb_frame_crosses_loopback_whole() {
    let payload: Vec<u8> = (0..200 * 1024).map(|i| (i % 251) as u8).collect();
    let (writer, mut reader) = pair();
    let to_send = payload.clone();
    let sending = spawn("the writer", move || {
        let mut writer = writer;
        write_frame(&mut writer, &to_send).unwrap();
        write_frame(&mut writer, b"end").unwrap();
    });
    let first = read_frame(&mut reader).expect("read_frame failed");
    assert_eq!(first.as_deref().map(<[u8]>::len), Some(payload.len()));
    assert!(
        first.as_deref() == Some(&payload[..]),
        "the payload changed"
    );
    assert_eq!(read_frame(&mut reader).unwrap(), Some(b"end".to_vec()));
    sending.join();
}
