//! `eof-spin`: the tutorials' server loop, `data = recv(1024); print(data);
//! reply = input(); send(reply)`, after its client has left. Every recv
//! returns zero bytes at once. With a person typing each reply it is not a
//! fast spin: the first reply to the departed client draws a reset, and the
//! next send fails (Linux: EPIPE, Python BrokenPipeError). The loop only
//! runs for ever when the replies are empty or the client merely half-closed.
//! Replies here are scripted, and every loop is bounded to a few turns.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use crate::lab::errno;
use crate::Lab;

const TURNS: usize = 4;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;

    lab.step("a client sends b\"hi\", reads one reply and closes; the server loops on");
    let mut client = TcpStream::connect(addr)?;
    client.set_read_timeout(Some(Duration::from_secs(1)))?;
    client.write_all(b"hi")?;
    let (mut conn, _) = listener.accept()?;
    let replies = ["reply 1", "reply 2", "reply 3", "reply 4"];
    let mut client = Some(client);
    serve(lab, &mut conn, &replies, || {
        // After turn 1 the client reads its reply and closes (drops).
        if let Some(mut client) = client.take() {
            let _ = client.read(&mut [0; 64]);
        }
    })?;

    lab.step("the same loop, but every reply is empty (the person just presses Enter)");
    let client = TcpStream::connect(addr)?;
    let (mut conn, _) = listener.accept()?;
    drop(client);
    serve(lab, &mut conn, &[""; TURNS], || ())?;
    lab.say(format!(
        "no error ever: without the bound of {TURNS} turns this spins for ever"
    ));

    lab.step("a client that half-closes (shutdown(Write)) and stays connected");
    let client = TcpStream::connect(addr)?;
    let (mut conn, _) = listener.accept()?;
    client.shutdown(Shutdown::Write)?;
    serve(lab, &mut conn, &replies, || ())?;
    lab.say("every write is accepted (the client could still read them): endless too");
    lab.say(
        "the fix is the line the tutorial lacks: if n == 0 { break } (Python: if not data: break)",
    );
    lab.elsewhere("Windows: the send after the reset fails with WSAECONNRESET (10054; Python ConnectionResetError) or WSAECONNABORTED (10053) instead of EPIPE; macOS with EPIPE or ECONNRESET. The zero-byte reads are the same everywhere");
    drop(client);
    Ok(())
}

// ANCHOR: loop
/// The tutorial's loop: read, show it, send the next reply. A failed send
/// ends it, as Python's exception would; `after_first` runs after turn 1.
fn serve(
    lab: &mut Lab,
    conn: &mut TcpStream,
    replies: &[&str],
    mut after_first: impl FnMut(),
) -> anyhow::Result<()> {
    let limit = Duration::from_secs(1);
    conn.set_read_timeout(Some(limit))?;
    let mut buf = [0u8; 1024];
    for (turn, reply) in replies.iter().enumerate() {
        let started = Instant::now();
        let n = conn.read(&mut buf)?; // no `if n == 0 { break }`
        let took = lab.waited(started.elapsed(), limit); // "at once": no waiting
        let sent = conn.write(reply.as_bytes());
        let data = String::from_utf8_lossy(&buf[..n]);
        let sent_text = match &sent {
            Ok(k) => format!("Ok({k})"),
            Err(e) => format!("Err({})", errno(e)),
        };
        lab.say(format!(
            "turn {}: read -> {n} bytes {data:?} {took}; write({reply:?}) -> {sent_text}",
            turn + 1
        ));
        if sent.is_err() {
            lab.say("the send failed: that ends the loop (in Python, the exception)");
            return Ok(());
        }
        if turn == 0 {
            after_first();
        }
        thread::sleep(Duration::from_millis(20)); // the person typing the next reply
    }
    Ok(())
}
// ANCHOR_END: loop
