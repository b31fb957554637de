//! The server: steps 1 and 2 of `python/server.py`, creating a
//! `ThreadingTCPServer` and calling `serve_forever()`. Step 3, what each
//! client's thread does (Python's `handle()`), is in [`crate::handler`].
//!
//! [`serve`] is the Python's `serve_forever()` written out: accept a client,
//! take a place for it or refuse it, start a thread for it, repeat. What it
//! needs besides the listener is set up by [`Server::start`], and taken
//! down again by [`Server::shutdown`]; both are extras (see
//! [`crate::extras`]). The smallest version without them is exercise 05's
//! solution, `solutions/05-tcp-threaded-server/src/lib.rs`.

use std::io::{BufRead, ErrorKind, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use common::{advice, args::host_port, LineSource, Reply};
use log::{debug, warn};
use server_extras::{clients_text, lines, Cap, Output, Place};

use crate::extras::connections::Connections;
use crate::extras::reply_desk::ReplyDesk;
use crate::extras::stop::Stop;
use crate::handler::Handler;

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
/// Step 1: create a TCP socket, bind it to `host:port`, listen.
pub fn bind(host: &str, port: u16) -> anyhow::Result<TcpListener> {
    // 1. ThreadingTCPServer((host, port), Handler) makes a socket, binds and
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

/// Step 2: accept clients until the person stops typing (forever with
/// `--reply`/`--echo`), each on a thread of its own. Typed replies come from
/// `typed`; everything the server prints goes to `out`.
pub fn serve<R: BufRead + Send + 'static>(
    listener: &TcpListener,
    options: Options,
    typed: LineSource<R>,
    out: Output,
) -> anyhow::Result<()> {
    let server = Server::start(listener, options, typed, out)?;
    // ANCHOR: serve
    // 2. serve_forever(): accept a client, start a thread running its
    //    handler, go straight back to accept.
    while let Some((stream, addr)) = server.accept(listener) {
        // Added to the tutorial: --max-clients refuses one client too many.
        let Some(place) = server.take_place_or_refuse(&stream, addr) else {
            continue;
        };
        // One thread per client, as ThreadingTCPServer does. The Builder
        // asks for a small stack and, unlike thread::spawn, returns an
        // error instead of panicking when no thread can be started.
        let handler = Arc::clone(&server.handler);
        let started = thread::Builder::new()
            .stack_size(server.stack_size)
            .spawn(move || handler.handle(stream, addr, place));
        if let Err(e) = started {
            // The closure, with the stream and the place, was dropped: the
            // connection is closed and its place is free again.
            server.cannot_start(addr, &e);
        }
    }
    // ANCHOR_END: serve
    server.shutdown();
    Ok(())
}

/// What [`serve`] sets up before its first accept: the extras around the
/// Python's loop, each a field, and how they work together.
pub struct Server {
    /// Shared by every client thread: how to answer, where to print. It
    /// holds the reply desk and the same `connections` as below.
    handler: Arc<Handler>,
    /// The client cap (`--max-clients`): each client takes a place before
    /// its thread starts and gives it back when the thread ends; with no
    /// place free it is refused. [`Server::shutdown`] waits until every
    /// place is back, that is until every client thread has finished.
    cap: Arc<Cap>,
    /// The connections open now, so that [`Server::shutdown`] can shut them
    /// all down: each client thread's blocked `read` then returns.
    connections: Arc<Connections>,
    /// Set when the person stops typing: the reply desk requests it and
    /// wakes [`Server::accept`], which then returns `None` and ends the loop.
    stop: Arc<Stop>,
    /// The reply desk's thread (typed replies only), joined at shutdown.
    desk_thread: Option<JoinHandle<()>>,
    /// `--quiet`: no line per client coming and going.
    quiet: bool,
    /// Stack size of each client thread.
    stack_size: usize,
    /// Where every line is printed (the desk and the threads share it).
    out: Output,
}

impl Server {
    /// Sets up the cap, the list of connections, the stop and, for typed
    /// replies, the reply desk, whose end of input requests the stop.
    pub fn start<R: BufRead + Send + 'static>(
        listener: &TcpListener,
        options: Options,
        typed: LineSource<R>,
        out: Output,
    ) -> anyhow::Result<Server> {
        let stop = Arc::new(Stop::new(listener.local_addr()?));
        let (desk, desk_thread) = match options.reply {
            Reply::Typed => {
                let stop = Arc::clone(&stop);
                let (desk, thread) = ReplyDesk::open(typed, out.clone(), move || stop.request());
                (Some(desk), Some(thread))
            }
            Reply::Fixed(_) | Reply::Echo => (None, None),
        };
        let connections = Arc::new(Connections::default());
        let handler = Arc::new(Handler {
            reply: options.reply,
            desk,
            quiet: options.quiet,
            out: out.clone(),
            connections: Arc::clone(&connections),
        });
        Ok(Server {
            handler,
            cap: Arc::new(Cap::new(options.max_clients)),
            connections,
            stop,
            desk_thread,
            quiet: options.quiet,
            stack_size: options.stack_size,
            out,
        })
    }

    // ANCHOR: accept
    /// Accepts the next client; `None` once a stop was requested.
    ///
    /// The retry policy: `serve_forever()` never gives up on `accept`, and
    /// neither does this. A client that gave up before it was accepted
    /// (`ConnectionAborted`) is skipped at once: nothing to serve. Any other
    /// error (say, out of file descriptors) is printed, then accept is tried
    /// again after 100 ms, so an error that persists cannot spin the CPU.
    pub fn accept(&self, listener: &TcpListener) -> Option<(Arc<TcpStream>, SocketAddr)> {
        loop {
            match listener.accept() {
                // The stop's wake-up call (or a client just too late): it is
                // dropped, and so closed, unserved.
                Ok(_) if self.stop.requested() => return None,
                Ok((stream, addr)) => {
                    debug!("accept: {addr}");
                    // Shared with the list of connections (see Connections).
                    return Some((Arc::new(stream), addr));
                }
                Err(e) if e.kind() == ErrorKind::ConnectionAborted => continue,
                Err(e) => {
                    warn!("accept failed: {}", advice::explain(&e));
                    thread::sleep(Duration::from_millis(100));
                }
            }
        }
    }
    // ANCHOR_END: accept

    // ANCHOR: refuse
    /// Takes a place under the cap for the client at `addr` and lists its
    /// connection; with no place free, tells the client why and returns
    /// `None` (dropping `stream` then closes the connection).
    pub fn take_place_or_refuse(&self, stream: &Arc<TcpStream>, addr: SocketAddr) -> Option<Place> {
        match self.cap.take() {
            Ok((place, now)) => {
                self.connections.add(addr, stream);
                if !self.quiet {
                    self.out.line(lines::connected(addr, now));
                }
                Some(place)
            }
            Err(full) => {
                let why = full.refusal();
                // A client that is already gone cannot be told; nothing else
                // to do.
                let _ = (&**stream).write_all(why.as_bytes());
                debug!("refuse: {addr}: write {} bytes, close", why.len());
                self.out.line(lines::refused(addr, &why));
                None
            }
        }
    }
    // ANCHOR_END: refuse

    /// No thread could be started for `addr` (its connection is closed).
    fn cannot_start(&self, addr: SocketAddr, e: &std::io::Error) {
        // Shown as the OS words it: advice::explain would read the EAGAIN
        // of a failed thread start as "timed out".
        self.out.line(format!(
            "cannot start a thread for {addr}: {e}; its connection was closed"
        ));
    }

    // ANCHOR: shutdown
    /// Added to the tutorial: the person has stopped typing. Shut every
    /// connection down; each thread's read returns, and it closes and ends.
    pub fn shutdown(self) {
        self.out.line(format!(
            "no more typed replies: closing {}",
            clients_text(self.cap.count())
        ));
        self.connections.close_all();
        self.cap.wait_until_empty();
        if let Some(thread) = self.desk_thread {
            // The desk thread has finished (it requested the stop); a panic
            // there has already been printed, so its result adds nothing.
            let _ = thread.join();
        }
        debug!("close: listener");
    }
    // ANCHOR_END: shutdown
}
