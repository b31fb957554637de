//! `nodelay`: Nagle's algorithm meets delayed ACK. A client writes a 4-byte
//! length prefix, then the body in a second write, then waits for the reply
//! (write-write-read). Nagle holds the body back until the prefix is
//! acknowledged; the server delays that ACK (Linux: at least 40 ms) hoping
//! to send it with data, and has no data to send until the body arrives.
//! Each exchange stalls. Fixes: one write (prefix and body together), or
//! TCP_NODELAY (std: `set_nodelay`), which turns Nagle off.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use crate::Lab;

const ROUNDS: usize = 5;
/// Loopback answers in well under a millisecond; a delayed ACK takes 40 ms
/// or more. 30 ms separates the two even on a busy machine.
const STALL: Duration = Duration::from_millis(30);

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    let cases = [
        ("prefix and body in two writes", true, false),
        ("prefix and body in ONE write", false, false),
        ("two writes, TCP_NODELAY on", true, true),
    ];
    for (what, split, nodelay) in cases {
        let times = exchanges(split, nodelay)?;
        lab.step(format!("{what}: {ROUNDS} request/reply rounds"));
        let labels: Vec<&str> = times
            .iter()
            .map(|t| if *t >= STALL { "stalled" } else { "fast" })
            .collect();
        lab.say(format!("rounds: {}", labels.join(", ")));
        if !lab.is_transcript() {
            let ms: Vec<String> = times
                .iter()
                .map(|t| format!("{:.1}", t.as_secs_f64() * 1e3))
                .collect();
            lab.say(format!("milliseconds: {}", ms.join(", ")));
        }
        if split && !nodelay && times[0] < STALL {
            lab.say("round 1 is fast: a new connection ACKs at once at first (quick-ack mode)");
        }
    }
    lab.say(
        "stalled = 30 ms or more (a delayed ACK, ~40 ms); fast = under 30 ms (loopback: < 1 ms)",
    );
    lab.elsewhere("Windows and macOS use Nagle and delayed ACKs too (Windows' delayed-ACK timer defaults to 200 ms), so write-write-read stalls there as well, often longer; one write or TCP_NODELAY fixes it the same way");
    Ok(())
}

// ANCHOR: client
/// Connects to a server that answers each length-prefixed request with
/// b"ok", and times `ROUNDS` exchanges.
fn exchanges(split: bool, nodelay: bool) -> anyhow::Result<Vec<Duration>> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let mut client = TcpStream::connect(listener.local_addr()?)?;
    let (conn, _) = listener.accept()?;
    let server = thread::spawn(move || serve(conn));
    client.set_nodelay(nodelay)?;
    client.set_read_timeout(Some(Duration::from_secs(1)))?;
    let body = [b'x'; 100];
    let prefix = (body.len() as u32).to_be_bytes();
    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        if split {
            client.write_all(&prefix)?; // sent at once: nothing is in flight
            client.write_all(&body)?; // Nagle: waits for the prefix's ACK
        } else {
            client.write_all(&[&prefix[..], &body[..]].concat())?;
        }
        client.read_exact(&mut [0; 2])?;
        times.push(started.elapsed());
    }
    drop(client);
    server
        .join()
        .map_err(|_| anyhow::anyhow!("server thread panicked"))??;
    Ok(times)
}
// ANCHOR_END: client

/// Reads a 4-byte big-endian length, then that many bytes, answers b"ok";
/// until the client closes.
fn serve(mut conn: TcpStream) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(1)))?;
    let mut prefix = [0u8; 4];
    while conn.read_exact(&mut prefix).is_ok() {
        let mut body = vec![0u8; u32::from_be_bytes(prefix) as usize];
        conn.read_exact(&mut body)?;
        conn.write_all(b"ok")?;
    }
    Ok(())
}
