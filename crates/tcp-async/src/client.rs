//! The client: `--clients N` connections, one task each, on one thread.
//!
//! Each connection sends every message as `NAME:text` (lesson 4's wire
//! format: the UTF-8 bytes, no newline) and reads one answer (at most 1024
//! bytes) for each, printing it labelled with the connection's number:
//! `[2] reply: 老王:hi`. With one connection and no `--message`, the
//! messages are the lines you type. Every wait on the network is bounded
//! by `--timeout`, so the client never hangs on a silent server.

use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{advice, args::host_port, Encoding};
use log::debug;
use server_extras::{clients_text, BUSY};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::timeout;

use crate::messages::Messages;
use crate::{BUF_SIZE, START_SERVER};

/// How many connections, what they send, how long they wait.
pub struct Options {
    /// Put in front of every message, as in `老王:你好`.
    pub name: String,
    /// `--clients N`: connections at once, a task each.
    pub clients: NonZeroUsize,
    /// The longest any connection waits for the server.
    pub timeout: Duration,
}

// ANCHOR: connect
/// Steps 1-2: create a TCP socket and connect it, within `limit`.
pub async fn connect(host: &str, port: u16, limit: Duration) -> anyhow::Result<TcpStream> {
    let server = host_port(host, port);
    // 1-2. socket() + connect(), given up after `limit`.
    let stream = match timeout(limit, TcpStream::connect((host, port))).await {
        Ok(connected) => connected.map_err(|e| advice::connect(e, &server, START_SERVER))?,
        Err(_) => anyhow::bail!(
            "cannot connect to {server}: no answer within {limit:?}; \
             is the host reachable and the port right?"
        ),
    };
    debug!("socket, connect: {} -> {server}", stream.local_addr()?);
    Ok(stream)
}
// ANCHOR_END: connect

/// Steps 3-5 for connection number `n`: send each message, print each
/// reply, close. Returns how many replies came.
pub async fn talk(
    n: usize,
    mut stream: TcpStream,
    name: &str,
    mut messages: Messages,
    limit: Duration,
) -> anyhow::Result<usize> {
    let server = stream.peer_addr()?;
    println!("[{n}] connected to {server}");
    let mut decoder = Encoding::Utf8.decoder();
    let mut buf = [0u8; BUF_SIZE];
    let mut replies = 0;
    // ANCHOR: send
    // 3. sendall() = write_all(..).await, for every message, NAME first.
    while let Some(text) = messages.next(replies).await? {
        let message = format!("{name}:{text}");
        stream
            .write_all(message.as_bytes())
            .await
            .map_err(|e| advice::conversation(e, "sending to", server))?;
        debug!("[{n}] write {} bytes to {server}", message.len());
        // ANCHOR_END: send

        // ANCHOR: recv
        // 4. recv(1024): one read, waited for at most `limit`. Zero bytes
        //    means the server closed the connection.
        let got = timeout(limit, stream.read(&mut buf))
            .await
            .map_err(|_| {
                anyhow::anyhow!(
                    "no answer from {server} within {limit:?}; is the server running but stuck?"
                )
            })?
            .map_err(|e| advice::conversation(e, "reading from", server))?;
        debug!("[{n}] read {got} bytes from {server}");
        if got == 0 {
            anyhow::bail!("the server at {server} closed the connection before replying");
        }
        let reply = decoder.decode(&buf[..got]);
        if reply.starts_with(BUSY) {
            anyhow::bail!("the server at {server} turned this client away: {reply}");
        }
        println!("[{n}] reply: {reply}");
        replies += 1;
        // ANCHOR_END: recv
    }
    // ANCHOR: close
    // 5. close(): dropping the stream closes the connection.
    drop(stream);
    debug!("[{n}] close");
    // ANCHOR_END: close
    Ok(replies)
}

// ANCHOR: run
/// Every connection as a task of its own; then the summary line.
pub async fn run(
    host: &str,
    port: u16,
    options: Options,
    messages: Messages,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let clients = options.clients.get();
    // Typed lines go to the first (and only) connection.
    let mut messages = Some(messages);
    let mut tasks = JoinSet::new();
    for n in 1..=clients {
        let mine = match messages.take() {
            Some(Messages::Scripted(all)) => {
                messages = Some(Messages::Scripted(Arc::clone(&all)));
                Messages::Scripted(all)
            }
            Some(typed) => typed,
            None => Messages::Scripted(Arc::from([])),
        };
        let (host, name, limit) = (host.to_string(), options.name.clone(), options.timeout);
        tasks.spawn(async move {
            let stream = connect(&host, port, limit).await;
            let result = match stream {
                Ok(stream) => talk(n, stream, &name, mine, limit).await,
                Err(e) => Err(e),
            };
            (n, result)
        });
    }
    // Every task's result, in whatever order they end.
    let (mut replies, mut failures) = (0, Vec::new());
    while let Some(ended) = tasks.join_next().await {
        match ended? {
            (_, Ok(got)) => replies += got,
            (n, Err(e)) => {
                if clients > 1 {
                    println!("[{n}] failed: {e:#}");
                }
                failures.push((n, e));
            }
        }
    }
    // The summary, unless no connection got anywhere (then the error says
    // all there is to say), as lesson 7's client does.
    let failed = failures.len();
    if failed < clients {
        summary(clients, replies, started.elapsed());
    }
    failures.sort_by_key(|(n, _)| *n);
    match failures.into_iter().next() {
        None => Ok(()),
        Some((_, e)) if failed == 1 => Err(e),
        Some((_, e)) => Err(e.context(format!(
            "{failed} of {clients} connections failed; the first"
        ))),
    }
}
// ANCHOR_END: run

/// `done: 3 clients, 6 replies in 1.2 ms`
fn summary(clients: usize, replies: usize, elapsed: Duration) {
    let replies = match replies {
        1 => "1 reply".to_string(),
        n => format!("{n} replies"),
    };
    let ms = elapsed.as_secs_f64() * 1000.0;
    println!("done: {}, {replies} in {ms:.1} ms", clients_text(clients));
}
