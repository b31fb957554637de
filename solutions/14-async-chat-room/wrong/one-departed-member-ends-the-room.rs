// Passes each member's result up with `??`: the first member whose connection resets ends serve, the runtime, and every other member.
//! Exercise 14: exercise 10's chat room, with tokio: one task per member.
//!
//! Read first: book/src/lessons/tcp-async.md (tokio, one task per client),
//! and do exercise 10 first. The task is in this exercise's README.md;
//! `just check 14` tells you what is left to do.
//!
//! A task is like a thread, but cheap, and it gives the thread back at
//! every `.await` that has to wait: the runtime then runs another task.
//! Here the runtime has ONE thread (`run`), so a task that blocks that
//! thread (a std `read()`, `thread::sleep`) stops every member, and a
//! member that stops reading stalls only its own task. Members do not
//! share a list of streams, as in exercise 10: each line goes into a
//! broadcast channel, and every member's task takes it from there and
//! writes it to its own member.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::task::JoinSet;

/// How many lines a member's task may fall behind before it misses some.
pub const BACKLOG: usize = 256;

/// A line said in the room: who said it, and what (without its `\n`).
pub type Line = (SocketAddr, String);

/// What every member's task shares: the channel, and how many are here.
#[derive(Debug, Clone)]
pub struct Room {
    lines: broadcast::Sender<Line>,
    present: Arc<AtomicUsize>,
}

impl Room {
    /// An empty room.
    pub fn new() -> Room {
        Room {
            lines: broadcast::channel(BACKLOG).0,
            present: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Counts a newcomer in and gives it its inbox: every line said from
    /// now on. Returns how many are here, the newcomer included.
    fn enter(&self) -> (usize, broadcast::Receiver<Line>) {
        let inbox = self.lines.subscribe();
        (self.present.fetch_add(1, Ordering::SeqCst) + 1, inbox)
    }

    /// Counts a member out.
    fn leave(&self) {
        self.present.fetch_sub(1, Ordering::SeqCst);
    }

    /// Says `text` in the room, as `from`.
    fn say(&self, from: SocketAddr, text: String) {
        // An error only means nobody listens; the sender itself always does.
        let _ = self.lines.send((from, text));
    }
}

impl Default for Room {
    fn default() -> Room {
        Room::new()
    }
}

/// One member, from arrival to departure (written for you): enters the
/// room, chats, and is counted out however the chat ends.
pub async fn member(room: Room, conn: TcpStream, addr: SocketAddr) -> io::Result<()> {
    let (n, inbox) = room.enter();
    let result = chat(&room, conn, addr, n, inbox).await;
    room.leave();
    result
}

/// Welcomes the member with `welcome <addr>, <n> here\n`, then until it
/// leaves: says each line it sends in the room, and writes it every line
/// from `inbox` said by someone else, as `<from>: <text>\n`.
async fn chat(
    room: &Room,
    mut conn: TcpStream,
    addr: SocketAddr,
    n: usize,
    mut inbox: broadcast::Receiver<Line>,
) -> io::Result<()> {
    // TODO-BEGIN: Welcome, then relay both ways with tokio::select! until EOF.
    // `conn.split()` gives a reader and a writer; wrap the reader in a
    // BufReader and call `.lines()`: `next_line().await` is `Ok(None)` at
    // the end. `select!` waits for whichever comes first: a line from the
    // member, or one from the inbox. Both are "cancel safe": the branch
    // that loses the race loses nothing.
    let (reader, mut writer) = conn.split();
    writer
        .write_all(format!("welcome {addr}, {n} here\n").as_bytes())
        .await?;
    let mut lines = BufReader::new(reader).lines();
    loop {
        tokio::select! {
            said = lines.next_line() => match said? {
                Some(text) => room.say(addr, text),
                None => return Ok(()),
            },
            heard = inbox.recv() => match heard {
                Ok((from, text)) if from != addr => {
                    writer.write_all(format!("{from}: {text}\n").as_bytes()).await?;
                }
                Ok(_) => {} // its own line
                Err(RecvError::Lagged(missed)) => {
                    writer.write_all(format!("({missed} lines missed)\n").as_bytes()).await?;
                }
                Err(RecvError::Closed) => return Ok(()),
            },
        }
    }
    // TODO-END
}

/// Accepts `clients` members and runs each as a task of its own (with
/// [`member`]), all in one `Room`. Returns once every one has left. A
/// member that fails (its connection reset, say) does not end the others.
pub async fn serve(listener: TcpListener, clients: usize) -> io::Result<()> {
    // TODO-BEGIN: A task per member (JoinSet::spawn); then await them all.
    // `room.clone()` is another handle to the same room. Await every task
    // (`join_next`): returning early would end the runtime, and with it
    // every member still talking. A member's error is reported, not passed
    // up with `?`.
    let room = Room::new();
    let mut members = JoinSet::new();
    for _ in 0..clients {
        let (conn, addr) = listener.accept().await?;
        members.spawn(member(room.clone(), conn, addr));
    }
    while let Some(done) = members.join_next().await {
        done.map_err(io::Error::other)??;
    }
    Ok(())
    // TODO-END
}

/// Runs [`serve`] on a tokio runtime with one thread, from ordinary code
/// such as the tests (written for you).
pub fn run(listener: std::net::TcpListener, clients: usize) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        // Tokio's listener needs a non-blocking socket.
        listener.set_nonblocking(true)?;
        serve(TcpListener::from_std(listener)?, clients).await
    })
}
