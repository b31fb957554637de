//! The server: steps 2 and 3 of the Python, `ThreadingTCPServer(...)` and
//! `serve_forever()`. Step 1, each client's conversation, is in
//! [`crate::handler`].
//!
//! The accept loop hands each client to a new thread and goes straight back
//! to `accept`, so one slow client (or one slow typist) never keeps the next
//! client waiting. Threads are cheap but not free: each gets a small stack
//! ([`STACK_SIZE`]), `--max-clients` caps how many run at once, and a thread
//! that cannot be started costs that one client its connection, not the
//! server its life.
//!
//! With typed replies the server stops when the person at it stops typing
//! (end of input at a prompt): it accepts no one new, shuts down every
//! connection, waits for every client thread to end, and returns `Ok`.
//! With `--reply`/`--echo` it serves until it is killed, like the Python.

use std::io::{BufRead, ErrorKind, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::{advice, args::host_port, LineSource, Reply};
use log::{debug, warn};

use crate::clients::{Clients, Full};
use crate::handler::Handler;
use crate::output::Output;
use crate::reply_desk::Desk;
use crate::stop::Stop;
use crate::{clients_text, BUSY};

/// Stack for each client thread. `thread::spawn` would reserve 2 MiB of
/// address space per client. Measured on Linux (a 1 MiB stack, then the
/// pages each client thread had touched): 8 KiB in a release build, 64 KiB
/// in a debug build, where encoding_rs's decoder, unoptimised, alone needs
/// about 56 KiB. 128 KiB leaves room in both; only touched pages cost
/// memory, so 1,000 clients on a release build peaked at about 13 MB.
pub const STACK_SIZE: usize = 128 * 1024;

/// How the server answers and how many clients it takes.
#[derive(Debug, Clone)]
pub struct Options {
    /// Typed at stdin, `--reply TEXT` or `--echo`.
    pub reply: Reply,
    /// `--max-clients N`: at most N clients at once (`None`: no cap).
    pub max_clients: Option<NonZeroUsize>,
    /// `--quiet`: no line per message, nor per client coming and going.
    pub quiet: bool,
    /// Stack size of each client thread; the binary uses [`STACK_SIZE`].
    pub stack_size: usize,
}

// ANCHOR: create
/// Step 2: create a TCP socket, bind it to `host:port`, listen.
pub fn bind(host: &str, port: u16) -> anyhow::Result<TcpListener> {
    // 2. ThreadingTCPServer((host, port), Handler) makes a socket, binds and
    //    listens; so does std's bind(). Its listen backlog is 128 pending
    //    connections (socketserver asks for 5). When more clients than that
    //    connect in the same instant, Linux drops the handshakes it has no
    //    room for and the clients retry a second later: 1,000 connects fired
    //    at once all got in, but most waited about a second. std offers no
    //    way to choose the backlog; that would take a crate such as socket2.
    let listener =
        TcpListener::bind((host, port)).map_err(|e| advice::bind(e, host_port(host, port)))?;
    debug!("socket, bind, listen: {}", listener.local_addr()?);
    Ok(listener)
}
// ANCHOR_END: create

/// Step 3: accept clients until the person stops typing (forever with
/// `--reply`/`--echo`), each on a thread of its own. Typed replies come from
/// `typed`; everything the server prints goes to `out`.
pub fn serve<R: BufRead + Send + 'static>(
    listener: &TcpListener,
    options: Options,
    typed: LineSource<R>,
    out: Output,
) -> anyhow::Result<()> {
    let clients = Clients::new(options.max_clients);
    let stop = Arc::new(Stop::new(listener.local_addr()?));
    let (desk, desk_thread) = match options.reply {
        Reply::Typed => {
            let stop = Arc::clone(&stop);
            let (desk, thread) = Desk::open(typed, out.clone(), move || stop.request());
            (Some(desk), Some(thread))
        }
        Reply::Fixed(_) | Reply::Echo => (None, None),
    };
    let handler = Arc::new(Handler {
        reply: options.reply,
        desk,
        quiet: options.quiet,
        out: out.clone(),
    });

    // ANCHOR: serve
    // 3. serve_forever(): accept a client, start a thread for it, repeat.
    loop {
        let (stream, addr) = match listener.accept() {
            Ok(pair) => pair,
            // A client that gave up before we accepted it: nothing to serve.
            Err(e) if e.kind() == ErrorKind::ConnectionAborted => continue,
            Err(e) => {
                // E.g. out of file descriptors: say so, pause, go on. The
                // pause keeps a persistent error from spinning the CPU.
                warn!("accept failed: {}", advice::explain(&e));
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        if stop.requested() {
            break;
        }
        debug!("accept: {addr}");
        let stream = Arc::new(stream);

        // ANCHOR: refuse
        // Added to the tutorial: --max-clients. One client too many is told
        // why, then closed (dropping the stream closes it).
        let (seat, now) = match clients.take_seat(addr, &stream) {
            Ok(seated) => seated,
            Err(Full(now)) => {
                refuse(&stream, addr, now, &out);
                continue;
            }
        };
        // ANCHOR_END: refuse
        if !options.quiet {
            out.line(format!("{addr} connected ({} now)", clients_text(now)));
        }

        // One thread per client, as ThreadingTCPServer does. thread::spawn
        // would give it a 2 MiB stack; the Builder asks for a small one and,
        // unlike thread::spawn, returns an error instead of panicking when
        // the system cannot start another thread.
        let handler = Arc::clone(&handler);
        let started = thread::Builder::new()
            .stack_size(options.stack_size)
            .spawn(move || handler.serve_client(stream, addr, seat));
        if let Err(e) = started {
            // The closure, with the stream and the seat, was dropped: the
            // connection is closed and its seat is free again.
            // (Shown as the OS words it: advice::explain would read the
            // EAGAIN of a failed thread start as "timed out".)
            out.line(format!(
                "cannot start a thread for {addr}: {e}; its connection was closed"
            ));
        }
    }
    // ANCHOR_END: serve

    // ANCHOR: shutdown
    // Added to the tutorial: the person has stopped typing. Shut every
    // connection down; each thread's read returns, and it closes and ends.
    out.line(format!(
        "no more typed replies: closing {}",
        clients_text(clients.count())
    ));
    clients.close_all();
    clients.wait_until_empty();
    if let Some(thread) = desk_thread {
        // The desk thread has finished (it asked for the stop); a panic
        // there has already been printed, so its result adds nothing.
        let _ = thread.join();
    }
    debug!("close: listener");
    // ANCHOR_END: shutdown
    Ok(())
}

/// Tells a client over the cap why it is turned away; dropping `stream`
/// afterwards closes the connection.
fn refuse(stream: &TcpStream, addr: SocketAddr, now: usize, out: &Output) {
    let why = format!(
        "{BUSY} {} already connected, try again later",
        clients_text(now)
    );
    // A client that is already gone cannot be told; nothing else to do.
    let mut conn = stream;
    let _ = conn.write_all(why.as_bytes());
    debug!("refuse: {addr}: write {} bytes, close", why.len());
    out.line(format!("refused {addr}: {why}"));
}
