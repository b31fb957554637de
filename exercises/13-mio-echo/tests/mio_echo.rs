//! The tests `just check 13` runs: clients are real loopback connections,
//! some of which send a lot and read late, or never.

use exercise_support as support;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use mio_echo::serve;
use support::{connect, listener, read_to_close, spawn, LIMIT};

/// `n` bytes that are not all alike, so a byte lost, doubled or out of
/// place shows.
fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

/// Sends `data` from a thread of its own, in pieces of many sizes; the
/// thread returns once all is sent.
fn send_in_background(stream: &TcpStream, data: Vec<u8>) -> thread::JoinHandle<()> {
    let mut writer = stream.try_clone().unwrap();
    thread::spawn(move || {
        let sizes = [1, 7, 1000, 4096, 65536, 100_000];
        let mut at = 0;
        for size in sizes.iter().cycle() {
            if at == data.len() {
                break;
            }
            let end = (at + size).min(data.len());
            if writer.write_all(&data[at..end]).is_err() {
                return; // the server closed: the reading side says why
            }
            at = end;
        }
    })
}

/// Reads the echo of `sent` and fails, saying what went wrong, unless it
/// all comes back, unchanged, within the read timeout ([`LIMIT`]).
#[track_caller]
fn expect_echo(stream: &mut TcpStream, sent: &[u8]) {
    let mut got = vec![0u8; sent.len()];
    let mut n = 0;
    while n < sent.len() {
        match stream.read(&mut got[n..]) {
            Ok(0) => panic!(
                "the server closed the connection after echoing {n} of {} bytes: \
                 pending output must be kept, and sent when the socket is WRITABLE \
                 again (ask for WRITABLE while some is pending)",
                sent.len()
            ),
            Ok(k) => n += k,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => panic!(
                "only {n} of {} bytes came back within {LIMIT:?}: output left pending when \
                 the socket was full must be sent once it is WRITABLE again (and must not \
                 be dropped)",
                sent.len()
            ),
            Err(e) => panic!("the echo broke off after {n} bytes: {e}"),
        }
    }
    if let Some(at) = got.iter().zip(sent).position(|(a, b)| a != b) {
        panic!(
            "the echo differs from what was sent from byte {at} on: bytes were lost or \
             sent twice. A write may take only part of the buffer: remove exactly what it \
             took from the pending output, no more, no less"
        );
    }
}

#[test]
fn everything_echoed_arrives_intact_and_in_order() {
    let (listener, addr) = listener();
    let server = spawn("serve", move || serve(listener, 1, 64 * 1024));
    let mut client = connect(addr);
    let sent = pattern(1 << 20);
    let sender = send_in_background(&client, sent.clone());
    expect_echo(&mut client, &sent);
    sender.join().unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    assert!(
        read_to_close(&mut client).is_empty(),
        "nothing more than the echo"
    );
    server.join().expect("serve failed");
}

#[test]
fn the_last_echo_arrives_when_the_client_reads_late() {
    let (listener, addr) = listener();
    let server = spawn("serve", move || serve(listener, 1, 64 * 1024));
    let mut client = connect(addr);
    // More than the socket buffers hold (about 9 MB here): reading late
    // fills them, so the server's writes are cut short or return
    // WouldBlock, and its pending output reaches the cap.
    let sent = pattern(16 << 20);
    let sender = send_in_background(&client, sent.clone());
    thread::sleep(Duration::from_millis(300));
    expect_echo(&mut client, &sent);
    sender.join().unwrap();
    drop(client);
    server.join().expect("serve failed");
}

/// Sends as much as it can without ever reading, and returns how much that
/// was once a write has made no progress for `stall`.
fn send_until_stalled(mut stream: TcpStream, limit: usize, stall: Duration) -> usize {
    stream.set_write_timeout(Some(stall)).unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let mut sent = 0;
    while sent < limit {
        match stream.write(&chunk) {
            Ok(n) => sent += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break, // the timeout: the server stopped reading
        }
    }
    sent
}

#[test]
fn a_client_that_never_reads_does_not_stall_another() {
    // Far more than the socket buffers hold (about 9 MB here, with a cap
    // of 64 KB): a server that never stops reading takes it all.
    const LIMIT_SENT: usize = 128 << 20;
    let (listener, addr) = listener();
    let server = spawn("serve", move || serve(listener, 2, 64 * 1024));
    let hog = connect(addr);
    let hog_side = hog.try_clone().unwrap();
    let hog_sender =
        thread::spawn(move || send_until_stalled(hog_side, LIMIT_SENT, Duration::from_millis(500)));
    thread::sleep(Duration::from_millis(100));
    let mut other = connect(addr);
    other
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    for i in 0..20 {
        let line = format!("ping {i}\n");
        let asked = Instant::now();
        other.write_all(line.as_bytes()).unwrap();
        let mut got = vec![0u8; line.len()];
        if let Err(e) = other.read_exact(&mut got) {
            panic!(
                "no echo of {line:?} within 1 s ({e}) while another client sends without \
                 reading: does the loop wait for that client (retrying its write on \
                 WouldBlock, say) instead of leaving its output pending?"
            );
        }
        assert_eq!(got, line.as_bytes());
        assert!(
            asked.elapsed() < Duration::from_secs(1),
            "an echo took {:?}: a client that does not read must not hold up the others",
            asked.elapsed()
        );
    }
    let hog_sent = hog_sender.join().unwrap();
    assert!(
        hog_sent < LIMIT_SENT / 2,
        "the server took {} MB from a client that never reads its echo: stop reading a \
         client whose pending output is over the cap, until it has taken some",
        hog_sent >> 20
    );
    drop(hog);
    drop(other);
    server.join().expect("serve failed");
}
