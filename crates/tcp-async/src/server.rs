//! The server: steps 1, 2 and 4 of the Python: `start_server(...)`,
//! serving until a signal, and the graceful stop. Step 3, each client's
//! task, is in [`crate::handler`].
//!
//! The accept loop waits for two things at once with `select!`: the next
//! client, or Ctrl-C / SIGTERM. A client gets a task of its own
//! (`JoinSet::spawn`) and the loop goes straight back to waiting. On a
//! signal the server closes its listening socket (no new clients), tells
//! every task to stop through a `watch` channel, and waits for them: each
//! finishes the message it is answering, closes, and ends.

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use common::{advice, args::host_port};
use log::{debug, warn};
use server_extras::{clients_text, lines, Cap, Full, Output};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::handler::{Answer, Handler};

/// How the server answers, how many clients it takes, how long it waits.
#[derive(Debug, Clone)]
pub struct Options {
    pub answer: Answer,
    /// `--max-clients N`: at most N at once (`None`: no cap).
    pub max_clients: Option<NonZeroUsize>,
    /// `--quiet`: no line per message, nor per client coming and going.
    pub quiet: bool,
    /// How long a stopping server waits for clients to finish a message.
    pub grace: Duration,
}

// ANCHOR: create
/// Step 1: create a TCP socket, bind it to `host:port`, listen.
pub async fn bind(host: &str, port: u16, backlog: u32) -> anyhow::Result<TcpListener> {
    let wanted = host_port(host, port);
    // A socket binds to an address, not a name: resolve it first
    // (lookup_host runs getaddrinfo on a blocking thread, not on ours).
    let addr = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| advice::bind(e, &wanted))?
        .next()
        .ok_or_else(|| anyhow::anyhow!("cannot listen on {wanted}: the name has no address"))?;
    // 1. start_server() does it in one call; written out: socket(),
    //    SO_REUSEADDR (as asyncio and std do on Unix), bind(),
    //    listen(backlog).
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr).map_err(|e| advice::bind(e, &wanted))?;
    let listener = socket
        .listen(backlog)
        .map_err(|e| advice::bind(e, &wanted))?;
    debug!(
        "socket, bind, listen({backlog}): {}",
        listener.local_addr()?
    );
    Ok(listener)
}
// ANCHOR_END: create

/// Steps 2 and 4: serve until `stop` resolves (the binary passes Ctrl-C
/// or SIGTERM; it resolves to the signal's name), then stop gracefully.
/// Everything the server prints goes to `out`.
pub async fn serve(
    listener: TcpListener,
    options: Options,
    stop: impl Future<Output = String>,
    out: Output,
) -> anyhow::Result<()> {
    let handler = Arc::new(Handler::new(options.answer, options.quiet, out.clone()));
    let cap = Arc::new(Cap::new(options.max_clients));
    let (stopping, stop_rx) = watch::channel(false);
    let mut tasks = JoinSet::new();
    let mut served = 0;
    tokio::pin!(stop);

    // ANCHOR: serve
    // 2. Accept until Ctrl-C or SIGTERM; every client gets a task.
    let why = loop {
        tokio::select! {
            why = &mut stop => break why,
            accepted = listener.accept() => {
                let (stream, addr) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // E.g. out of file descriptors: say so, pause, go on.
                        warn!("accept failed: {}", advice::explain(&e));
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                debug!("accept: {addr}");
                // ANCHOR: refuse
                let (place, now) = match cap.take() {
                    Ok(taken) => taken,
                    Err(full) => {
                        tasks.spawn(refuse(stream, addr, full, out.clone()));
                        continue;
                    }
                };
                // ANCHOR_END: refuse
                served += 1;
                if !options.quiet {
                    out.line(lines::connected(addr, now));
                }
                let handler = Arc::clone(&handler);
                tasks.spawn(handler.handle(stream, addr, place, stop_rx.clone()));
            }
            // A finished task's result waits in the set until collected.
            Some(ended) = tasks.join_next() => {
                if let Err(e) = ended {
                    warn!("a client's task failed: {e}");
                }
            }
        }
    };
    // ANCHOR_END: serve

    // ANCHOR: shutdown
    // 4. Stop: close the listening socket (no new clients), tell every
    //    task, and wait until each has answered its current message and
    //    closed (at most `grace`).
    drop(listener);
    out.line(format!(
        "{why}: no new clients; {} finishing",
        clients_text(cap.count())
    ));
    stopping.send_replace(true);
    let all_ended = async { while tasks.join_next().await.is_some() {} };
    if tokio::time::timeout(options.grace, all_ended)
        .await
        .is_err()
    {
        let late = clients_text(cap.count());
        tasks.shutdown().await;
        out.line(format!(
            "{late} still busy after {:?}: closed",
            options.grace
        ));
    }
    let answered = match handler.answered() {
        1 => "1 message".to_string(),
        n => format!("{n} messages"),
    };
    out.line(format!(
        "stopped: {} served, {answered} answered",
        clients_text(served)
    ));
    // ANCHOR_END: shutdown
    Ok(())
}

/// Tells a client over the cap why it is turned away, then closes.
async fn refuse(mut stream: TcpStream, addr: SocketAddr, full: Full, out: Output) {
    let why = full.refusal();
    // A client that is already gone cannot be told; nothing else to do.
    let _ = stream.write_all(why.as_bytes()).await;
    debug!("refuse: {addr}: write {} bytes, close", why.len());
    out.line(lines::refused(addr, &why));
}
