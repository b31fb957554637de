//! `half-close`: `shutdown(Write)` (Python: `shutdown(SHUT_WR)`) sends FIN
//! and nothing else: the peer reads EOF, and the half-closed side can still
//! read the peer's answer. `close` (Rust: drop) ends both directions: an
//! answer sent afterwards is refused with a reset, and is lost.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use crate::lab::errno;
use crate::Lab;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let pair = || -> anyhow::Result<(TcpStream, TcpStream)> {
        let client = TcpStream::connect(listener.local_addr()?)?;
        let (server, _) = listener.accept()?;
        for s in [&client, &server] {
            s.set_read_timeout(Some(Duration::from_secs(1)))?;
        }
        Ok((client, server))
    };

    // ANCHOR: shutdown
    // 1. The client sends its question, then shuts down its sending side.
    let (mut client, mut server) = pair()?;
    client.write_all(b"question")?;
    client.shutdown(Shutdown::Write)?;
    // 2. The server reads the question, then EOF; it answers and closes.
    let question = read_text(&mut server)?;
    let eof = read_text(&mut server)?;
    server.write_all(b"answer")?;
    drop(server);
    // 3. The half-closed client still reads the answer, then EOF.
    let answer = read_text(&mut client)?;
    let end = read_text(&mut client)?;
    // ANCHOR_END: shutdown
    lab.step("client: write b\"question\", shutdown(Write)");
    lab.step(format!(
        "server: read -> {question}, read again -> {eof} (EOF)"
    ));
    lab.say("the server writes b\"answer\" and closes");
    lab.step(format!(
        "client: read -> {answer}, then {end}: it can still read"
    ));

    // ANCHOR: close
    // 4. The same with close: the client drops its stream after writing.
    let (mut client, mut server) = pair()?;
    client.write_all(b"question")?;
    drop(client);
    let question = read_text(&mut server)?;
    let eof = read_text(&mut server)?;
    // 5. The server's answer reaches a closed socket: its kernel resets.
    let first = server.write(b"answer");
    thread::sleep(Duration::from_millis(20));
    let after = read_text(&mut server)?;
    let second = server.write(b"answer");
    // ANCHOR_END: close
    lab.step("client: write b\"question\", close (drop)");
    lab.step(format!(
        "server: read -> {question}, read again -> {eof} (EOF: the same as before)"
    ));
    lab.step("server: write b\"answer\", read, write again");
    lab.say(format!(
        "write -> {}: accepted by the server's kernel",
        shown(&first)
    ));
    lab.say(format!("read -> {after}; write -> {}", shown(&second)));
    lab.say("the client's kernel answered the data with RST: the answer was lost");
    lab.say("a reader cannot tell shutdown from close by the EOF; only a later write shows it");
    lab.elsewhere("Windows reports the reset as WSAECONNRESET (10054; Python ConnectionResetError) or WSAECONNABORTED (10053) where Linux says EPIPE; macOS may say EPIPE or ECONNRESET. shutdown(SHUT_WR) is SD_SEND on Windows, the same effect");
    Ok(())
}

/// One read of up to 64 bytes: `"question"`, or `0 bytes` at EOF.
fn read_text(conn: &mut TcpStream) -> std::io::Result<String> {
    let mut buf = [0u8; 64];
    let n = conn.read(&mut buf)?;
    Ok(match n {
        0 => "0 bytes".into(),
        _ => format!("{:?}", String::from_utf8_lossy(&buf[..n])),
    })
}

fn shown(result: &std::io::Result<usize>) -> String {
    match result {
        Ok(n) => format!("Ok({n})"),
        Err(e) => format!("Err({})", errno(e)),
    }
}
