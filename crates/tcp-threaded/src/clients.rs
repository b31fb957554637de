//! Who is connected: the roll the accept loop and the client threads share.
//!
//! Python's `ThreadingTCPServer` starts a thread for every client that comes,
//! without limit. `--max-clients N` puts a cap on that: a client takes a
//! [`Seat`] when it is accepted, and gives it back when its thread ends. The
//! seat is an RAII guard: it is returned in `Drop`, so no way out of a client
//! thread (an error, a reset, even a panic) can leak a place.
//!
//! The roll also keeps a handle on each client's socket, so that when the
//! person at the server stops typing, every connection can be shut down and
//! every thread wakes from its blocking `read`. The handle is an
//! `Arc<TcpStream>` shared with the client's thread (`&TcpStream` can read,
//! write and shut down), not a `try_clone`: a clone would cost a second file
//! descriptor per client, and a thousand clients must fit in the common
//! limit of 1024 descriptors per process.

use std::collections::HashMap;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use log::debug;

/// The clients connected now, and how many may be.
pub struct Clients {
    max: Option<NonZeroUsize>,
    connected: Mutex<HashMap<SocketAddr, Arc<TcpStream>>>,
    someone_left: Condvar,
    closing: AtomicBool,
}

/// The roll is full: this many clients are connected already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full(pub usize);

impl Clients {
    /// An empty roll; `max` is `--max-clients` (`None`: no cap).
    pub fn new(max: Option<NonZeroUsize>) -> Arc<Clients> {
        Arc::new(Clients {
            max,
            connected: Mutex::new(HashMap::new()),
            someone_left: Condvar::new(),
            closing: AtomicBool::new(false),
        })
    }

    /// Takes a seat for the client at `addr`, or says the roll is full.
    /// The seat comes with the number of clients connected now.
    pub fn take_seat(
        self: &Arc<Self>,
        addr: SocketAddr,
        stream: &Arc<TcpStream>,
    ) -> Result<(Seat, usize), Full> {
        let mut connected = self.lock();
        if self.max.is_some_and(|max| connected.len() >= max.get()) {
            return Err(Full(connected.len()));
        }
        connected.insert(addr, Arc::clone(stream));
        let now = connected.len();
        let seat = Seat {
            clients: Arc::clone(self),
            addr,
        };
        Ok((seat, now))
    }

    /// How many clients are connected now.
    pub fn count(&self) -> usize {
        self.lock().len()
    }

    /// Shuts down every connection: each client thread's `read` returns and
    /// the thread ends. From now on [`Clients::closing`] is true.
    pub fn close_all(&self) {
        self.closing.store(true, Ordering::SeqCst);
        for (addr, stream) in self.lock().iter() {
            // The client may be gone already; nothing left to shut then.
            let _ = stream.shutdown(Shutdown::Both);
            debug!("shutdown: {addr}");
        }
    }

    /// True once [`Clients::close_all`] has been called: a connection that
    /// ends now was ended by the server, not by the client.
    pub fn closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }

    /// Blocks until every seat has been given back.
    pub fn wait_until_empty(&self) {
        let mut connected = self.lock();
        while !connected.is_empty() {
            connected = self
                .someone_left
                .wait(connected)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<SocketAddr, Arc<TcpStream>>> {
        // Nothing is left half-updated if a thread panics while holding the
        // lock (an insert or a remove is all it does), so carry on.
        self.connected.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One client's place on the roll; given back when dropped.
pub struct Seat {
    clients: Arc<Clients>,
    addr: SocketAddr,
}

impl Seat {
    /// Gives the seat back now; returns how many clients are left.
    pub fn leave(self) -> usize {
        let clients = Arc::clone(&self.clients);
        drop(self);
        clients.count()
    }

    /// The roll this seat belongs to.
    pub fn clients(&self) -> &Clients {
        &self.clients
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        self.clients.lock().remove(&self.addr);
        self.clients.someone_left.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn a_stream() -> (Arc<TcpStream>, SocketAddr) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let addr = client.local_addr().unwrap();
        (Arc::new(client), addr)
    }

    #[test]
    fn the_cap_refuses_and_a_dropped_seat_frees_a_place() {
        let clients = Clients::new(NonZeroUsize::new(1));
        let (a, a_addr) = a_stream();
        let (b, b_addr) = a_stream();
        let (seat, now) = clients.take_seat(a_addr, &a).unwrap();
        assert_eq!(now, 1);
        assert_eq!(clients.take_seat(b_addr, &b).err(), Some(Full(1)));
        assert_eq!(seat.leave(), 0);
        let (seat, _) = clients.take_seat(b_addr, &b).unwrap();
        drop(seat);
        assert_eq!(clients.count(), 0);
        clients.wait_until_empty();
    }

    #[test]
    fn no_cap_without_max() {
        let clients = Clients::new(None);
        let mut seats = Vec::new();
        for _ in 0..5 {
            let (s, addr) = a_stream();
            seats.push(clients.take_seat(addr, &s).unwrap().0);
        }
        assert_eq!(clients.count(), 5);
    }
}
