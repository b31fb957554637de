// Sends the line to every member, the sender included.
//! Exercise 10: a chat room, shared safely between threads.
//!
//! Read first: book/src/lessons/tcp-threaded.md (one thread per client),
//! and do exercise 8 (lines) first. The task is in this exercise's
//! README.md; `just check 10` tells you what is left to do.
//!
//! Every member's thread reads that member's lines and must write them to
//! every other member. So all threads share one list of members: it lives in
//! an `Arc` (shared ownership across threads) and behind a `Mutex` (one
//! thread at a time). The compiler refuses to let threads share it any
//! other way.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;

/// Everyone in the room: each member's address, and a stream to write to it.
#[derive(Debug, Default)]
pub struct Room {
    members: Mutex<Vec<(SocketAddr, TcpStream)>>,
}

impl Room {
    /// An empty room.
    pub fn new() -> Room {
        Room::default()
    }

    /// The members, locked for this thread. A thread that panicked while
    /// holding the lock "poisons" it; the list itself is still fine, so
    /// carry on with it.
    fn members(&self) -> MutexGuard<'_, Vec<(SocketAddr, TcpStream)>> {
        self.members
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many members are in the room.
    pub fn len(&self) -> usize {
        self.members().len()
    }

    /// Whether the room is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds a member: writes `welcome <addr>, <n> here\n` to it (`n`
    /// counting the newcomer), then adds it to the room. Returns `n`.
    ///
    /// Hold the lock for both, so that no other member's line can reach the
    /// newcomer before its welcome.
    pub fn join(&self, addr: SocketAddr, mut stream: TcpStream) -> io::Result<usize> {
        // TODO-BEGIN: Under the lock: welcome the newcomer, add it, return the count.
        let mut members = self.members();
        let n = members.len() + 1;
        stream.write_all(format!("welcome {addr}, {n} here\n").as_bytes())?;
        members.push((addr, stream));
        Ok(n)
        // TODO-END
    }

    /// Removes the member at `addr` (nothing happens if it is not there).
    pub fn leave(&self, addr: SocketAddr) {
        // TODO-BEGIN: Remove the member at `addr`.
        self.members().retain(|(member, _)| *member != addr);
        // TODO-END
    }

    /// Sends `<from>: <text>\n` to every member except `from`, as ONE
    /// `write_all` per member. A member that cannot be written to (it left,
    /// or its connection broke) is removed from the room.
    pub fn broadcast(&self, from: SocketAddr, text: &str) {
        // TODO-BEGIN: Send the line to all but the sender; drop members that fail.
        // Format the line once, before the loop; write it whole with one
        // write_all(), so it can never be interleaved with another line.
        let line = format!("{from}: {text}\n");
        self.members()
            .retain_mut(|(_, stream)| stream.write_all(line.as_bytes()).is_ok());
        // TODO-END
    }
}

/// Serves one member until it leaves: joins the room, then broadcasts every
/// line it sends, then leaves. (Written for you.)
pub fn serve_client(room: &Room, conn: TcpStream, addr: SocketAddr) -> io::Result<()> {
    room.join(addr, conn.try_clone()?)?;
    let result = BufReader::new(conn)
        .lines()
        .try_for_each(|line| line.map(|text| room.broadcast(addr, &text)));
    room.leave(addr);
    result
}

/// Accepts `clients` clients and serves each on a thread of its own with
/// [`serve_client`], all sharing `room`. Returns once every one has left.
/// A client that fails (or whose thread panics) does not stop the others.
pub fn serve(listener: &TcpListener, room: Arc<Room>, clients: usize) -> io::Result<()> {
    // TODO-BEGIN: A thread per client, each with its own Arc of the room; join all.
    // Arc::clone(&room) makes another handle to the SAME room (a counter goes
    // up, nothing is copied); each thread needs its own handle.
    let mut threads = Vec::new();
    for _ in 0..clients {
        let (conn, addr) = listener.accept()?;
        let room = Arc::clone(&room);
        threads.push(thread::spawn(move || serve_client(&room, conn, addr)));
    }
    for thread in threads {
        match thread.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("a member failed: {e}"),
            Err(_) => eprintln!("a member's thread panicked"),
        }
    }
    Ok(())
    // TODO-END
}
