//! `recv-bufsize`: `recv(1024)` returns UP TO 1024 bytes of whatever has
//! arrived. TCP keeps no message boundaries: two sends can come out of one
//! recv (粘包, "sticky packets"), and one send can take several recvs.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::Lab;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let mut client = TcpStream::connect(listener.local_addr()?)?;
    let (mut server, _) = listener.accept()?;
    server.set_read_timeout(Some(Duration::from_secs(1)))?;
    let mut buf = [0u8; 1024];

    // ANCHOR: glued
    // 1. Two sends, then one recv(1024) once both have arrived.
    client.write_all(b"hello")?;
    client.write_all(b"world")?;
    wait_for(&server, 10)?;
    let n = server.read(&mut buf)?;
    // ANCHOR_END: glued
    lab.step("send(b\"hello\"), send(b\"world\"), then one recv(1024)");
    let text = String::from_utf8_lossy(&buf[..n]);
    lab.say(format!(
        "recv -> {n} bytes {text:?}: two messages in one recv (粘包)"
    ));

    // ANCHOR: pieces
    // 2. One send of 3000 bytes, read with recv(1024): three pieces.
    client.write_all(&[b'a'; 3000])?;
    wait_for(&server, 3000)?;
    let mut sizes = Vec::new();
    while sizes.iter().sum::<usize>() < 3000 {
        sizes.push(server.read(&mut buf)?);
    }
    // ANCHOR_END: pieces
    lab.step("send(3000 bytes) once, then recv(1024) until all arrived");
    lab.say(format!(
        "recv sizes {sizes:?}: one message, {} recvs",
        sizes.len()
    ));

    // 3. The sender writes one message in two parts (as a slow network or a
    //    full buffer would split it): the reader gets what is there so far.
    lab.step("the sender writes b\"hel\", and b\"lo\" only after the first recv");
    let (first_done, go_on) = mpsc::channel::<()>();
    let writer = thread::spawn(move || -> std::io::Result<TcpStream> {
        client.write_all(b"hel")?;
        let _ = go_on.recv_timeout(Duration::from_secs(1));
        client.write_all(b"lo")?;
        Ok(client)
    });
    let n = server.read(&mut buf)?;
    lab.say(format!(
        "first recv -> {:?}",
        String::from_utf8_lossy(&buf[..n])
    ));
    let _ = first_done.send(());
    let n = server.read(&mut buf)?;
    lab.say(format!(
        "second recv -> {:?}",
        String::from_utf8_lossy(&buf[..n])
    ));
    let mut client = writer
        .join()
        .map_err(|_| anyhow::anyhow!("writer panicked"))??;

    // ANCHOR: framing
    // 4. The cure is framing: the reader knows how long a message is (a
    //    length prefix, a delimiter, or a fixed size) and reads exactly that.
    client.write_all(b"helloworld")?;
    let mut word = [0u8; 5];
    server.read_exact(&mut word)?;
    let first = String::from_utf8_lossy(&word).into_owned();
    server.read_exact(&mut word)?;
    let second = String::from_utf8_lossy(&word);
    // ANCHOR_END: framing
    lab.step("framing: read_exact(5) twice on b\"helloworld\"");
    lab.say(format!(
        "{first:?} then {second:?}: each message whole, however it arrived"
    ));
    lab.elsewhere("the same byte-stream rules on Windows and macOS: how the bytes are split differs, that they may be split does not");
    Ok(())
}

/// Waits (peek, 1 s at most) until `want` bytes have arrived, so what one
/// recv returns does not depend on timing.
fn wait_for(conn: &TcpStream, want: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut buf = vec![0u8; want];
    while conn.peek(&mut buf)? < want {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(1),
            "only part of {want} bytes arrived within 1 s"
        );
        thread::sleep(Duration::from_millis(5));
    }
    Ok(())
}
