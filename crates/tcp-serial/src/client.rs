//! The client: connect, then loop: read a line, send it in the chosen
//! encoding, print the answer; `quit` (or the end of input) closes.
//!
//! Lesson 2's client plus `--encoding`. Seed 004's own client asks for the
//! server's ip and port and sends one message without reading the answer;
//! here `--host`/`--port` say where, and every answer is printed.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;

use common::{advice, args::host_port, Encoding, LineSource};
use log::debug;

use crate::{BUF_SIZE, QUIT, START_SERVER};

// ANCHOR: connect
/// Steps 1-2: create a TCP socket and connect it to `host:port`.
pub fn connect(host: &str, port: u16) -> anyhow::Result<TcpStream> {
    // 1-2. socket() + connect(). The seed passes the port as a string,
    //      which Python rejects; clap has already parsed it as a number.
    //      connect() returns once the kernel queued us, even when the server
    //      is busy with another client.
    let stream = TcpStream::connect((host, port))
        .map_err(|e| advice::connect(e, host_port(host, port), START_SERVER))?;
    debug!(
        "socket, connect: {} -> {}",
        stream.local_addr()?,
        stream.peer_addr()?
    );
    Ok(stream)
}
// ANCHOR_END: connect

/// Steps 3-6: send each typed line encoded with `encoding`, print each
/// answer, then close.
///
/// An error means the server went away mid-conversation (it closed, as a
/// `--once` server does after one answer, or it reset the connection).
pub fn talk<R: BufRead>(
    mut stream: TcpStream,
    encoding: Encoding,
    typed: &mut LineSource<R>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let server = stream.peer_addr()?;
    writeln!(out, "connected to {server}")?;
    let mut decoder = encoding.decoder();
    let mut buf = [0u8; BUF_SIZE];
    // `loop` rather than `while let`: it reads like the Python's `while True:`,
    // with each way out of the conversation written where it happens.
    #[allow(clippy::while_let_loop)]
    loop {
        // ANCHOR: input
        // 3. Read a line. An empty one is skipped (it would send nothing and
        //    recv would wait for ever); `quit` or the end of input ends.
        let Some(line) = typed.prompt(out, "message> ")? else {
            break;
        };
        let message = line.trim();
        if message.is_empty() {
            continue;
        }
        if message == QUIT {
            break;
        }
        // ANCHOR_END: input

        // ANCHOR: send
        // 4. send() the line in the chosen encoding (the seed: .encode("gbk")).
        let bytes = encoding.encode(message);
        stream
            .write_all(&bytes)
            .map_err(|e| advice::conversation(e, "sending to", server))?;
        debug!("write {} bytes to {server}", bytes.len());
        // ANCHOR_END: send

        // ANCHOR: recv
        // 5. recv(1024) and print the answer. While the server serves another
        //    client, this read simply waits. Zero bytes: the server hung up.
        let reply = loop {
            let n = stream
                .read(&mut buf)
                .map_err(|e| advice::conversation(e, "reading from", server))?;
            debug!("read {n} bytes from {server}");
            if n == 0 {
                anyhow::bail!("the server at {server} closed the connection before replying");
            }
            let text = decoder.decode(&buf[..n]);
            // Empty: only the first bytes of a character so far; read on.
            if !text.is_empty() {
                break text;
            }
        };
        writeln!(out, "reply: {reply}")?;
        // ANCHOR_END: recv
    }

    // ANCHOR: close
    // 6. close(): the server's recv returns zero bytes, it is done with us
    //    and accepts the next client.
    drop(stream);
    debug!("close");
    // ANCHOR_END: close
    Ok(())
}
