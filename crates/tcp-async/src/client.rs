//! The client: `--clients N` connections, one task each, on one thread.
//!
//! Each connection sends every message and reads one answer (at most 1024
//! bytes) for each, printing it labelled with the connection's number:
//! `[2] reply: hi`. With one connection and no `--message`, the messages
//! are the lines you type. Every wait on the network is bounded by
//! `--timeout`, so the client never hangs on a silent server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{advice, args::host_port, Encoding};
use log::debug;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::timeout;

use crate::clients::{clients_text, BUSY};
use crate::typed::TypedLines;
use crate::{BUF_SIZE, START_SERVER};

/// What each connection sends: the `--message`s, or typed lines.
pub enum Messages {
    Given { all: Arc<[String]>, next: usize },
    Typed(TypedLines),
}

impl Messages {
    async fn next(&mut self) -> anyhow::Result<Option<String>> {
        match self {
            Messages::Given { all, next } => {
                *next += 1;
                Ok(all.get(*next - 1).cloned())
            }
            Messages::Typed(lines) => lines.next().await,
        }
    }
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
    mut messages: Messages,
    limit: Duration,
) -> anyhow::Result<usize> {
    let server = stream.peer_addr()?;
    println!("[{n}] connected to {server}");
    let mut decoder = Encoding::Utf8.decoder();
    let mut buf = [0u8; BUF_SIZE];
    let mut replies = 0;
    // ANCHOR: send
    // 3. sendall() = write_all(..).await, for every message.
    while let Some(message) = messages.next().await? {
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
            .map_err(|_| anyhow::anyhow!("no reply from {server} within {limit:?}"))?
            .map_err(|e| advice::conversation(e, "reading from", server))?;
        debug!("[{n}] read {got} bytes from {server}");
        if got == 0 {
            anyhow::bail!("the server at {server} closed the connection");
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

/// What to run: how many connections, what they send, how long to wait.
pub struct Options {
    pub clients: usize,
    /// `--message`s; typed lines when empty (then `clients` must be 1).
    pub messages: Vec<String>,
    pub timeout: Duration,
}

// ANCHOR: run
/// Every connection as a task of its own; then the summary line.
pub async fn run(
    host: &str,
    port: u16,
    options: Options,
    typed: Option<TypedLines>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let given: Arc<[String]> = options.messages.into();
    let mut typed = typed;
    let mut tasks = JoinSet::new();
    for n in 1..=options.clients {
        let messages = match typed.take() {
            Some(lines) => Messages::Typed(lines),
            None => Messages::Given {
                all: Arc::clone(&given),
                next: 0,
            },
        };
        let (host, limit) = (host.to_string(), options.timeout);
        tasks.spawn(async move {
            let result = match connect(&host, port, limit).await {
                Ok(stream) => talk(n, stream, messages, limit).await,
                Err(e) => Err(e),
            };
            (n, result)
        });
    }
    // Collect every task's result, in whatever order they end.
    let (mut replies, mut failures) = (0, Vec::new());
    while let Some(ended) = tasks.join_next().await {
        match ended? {
            (_, Ok(got)) => replies += got,
            (n, Err(e)) => failures.push((n, e)),
        }
    }
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    let clients = clients_text(options.clients);
    let replies = match replies {
        1 => "1 reply".to_string(),
        n => format!("{n} replies"),
    };
    println!("done: {clients}, {replies}, {elapsed:.1} ms");
    failures.sort_by_key(|(n, _)| *n);
    let failed = failures.len();
    match failures.into_iter().next() {
        None => Ok(()),
        Some((_, e)) if options.clients == 1 => Err(e),
        Some((n, e)) => Err(e.context(format!(
            "{failed} of {} connections failed; the first, [{n}]",
            options.clients
        ))),
    }
}
// ANCHOR_END: run
