//! The connections open now, so that stopping can close them all.
//!
//! When the person at the server stops typing, the server stops: but its
//! client threads sit in a blocking `read`, and std cannot interrupt one.
//! Shutting a socket down (`shutdown(2)`) can: the `read` returns 0 bytes,
//! the thread sees the end of the conversation and finishes. So the server
//! keeps a handle on every open connection.
//!
//! The handle is a [`Weak`] reference to the `Arc<TcpStream>` the client's
//! thread owns (`&TcpStream` can read, write and shut down). Weak, so the
//! list never keeps a socket open: when the thread drops its stream (or the
//! thread could not be started, or it panicked), the connection closes.
//! Not a `try_clone`: that would cost a second file descriptor per client,
//! and a thousand clients must fit in the common limit of 1024 descriptors
//! per process. This list is lesson 4's own: an event loop or tokio tasks
//! stop their clients without it.

use std::collections::HashMap;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use log::debug;
use server_extras::Goodbye;

/// Every open connection, by the client's address.
#[derive(Default)]
pub struct Connections {
    /// Added by the accept loop once a client has a place, removed by the
    /// client's thread as it closes. An entry whose stream is gone already
    /// (a thread that could not start) is harmless: it cannot be upgraded.
    open: Mutex<HashMap<SocketAddr, Weak<TcpStream>>>,
    /// Set by [`Connections::close_all`] before it shuts anything down, so
    /// that a thread whose connection ends afterwards knows the server ended
    /// it ([`Connections::who_ended`]).
    closing: AtomicBool,
}

impl Connections {
    /// Lists the connection to the client at `addr`.
    pub fn add(&self, addr: SocketAddr, stream: &Arc<TcpStream>) {
        self.lock().insert(addr, Arc::downgrade(stream));
    }

    /// Takes the connection to the client at `addr` off the list.
    pub fn remove(&self, addr: SocketAddr) {
        self.lock().remove(&addr);
    }

    /// Shuts down every open connection: each client thread's `read`
    /// returns and the thread ends.
    pub fn close_all(&self) {
        self.closing.store(true, Ordering::SeqCst);
        for (addr, stream) in self.lock().iter() {
            if let Some(stream) = stream.upgrade() {
                // The client may be gone already; nothing left to shut then.
                let _ = stream.shutdown(Shutdown::Both);
                debug!("shutdown: {addr}");
            }
        }
    }

    /// How a conversation really ended: once [`Connections::close_all`] has
    /// been called, whatever the thread saw (0 bytes, a failed write) was
    /// the server's doing, unless the person had stopped typing.
    pub fn who_ended(&self, goodbye: Goodbye) -> Goodbye {
        if self.closing.load(Ordering::SeqCst) && !matches!(goodbye, Goodbye::NoReply) {
            Goodbye::ClosedByServer
        } else {
            goodbye
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<SocketAddr, Weak<TcpStream>>> {
        // Nothing is left half-updated if a thread panics while holding the
        // lock (an insert or a remove is all it does), so carry on.
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;

    #[test]
    fn close_all_wakes_a_blocked_read_and_the_list_keeps_nothing_open() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (stream, addr) = listener.accept().unwrap();
        let stream = Arc::new(stream);
        let connections = Connections::default();
        connections.add(addr, &stream);
        let reader = Arc::clone(&stream);
        let reading = std::thread::spawn(move || (&*reader).read(&mut [0u8; 8]).unwrap());
        connections.close_all();
        assert_eq!(reading.join().unwrap(), 0, "shut down: read returns 0");
        assert!(matches!(
            connections.who_ended(Goodbye::Closed),
            Goodbye::ClosedByServer
        ));
        drop(stream);
        assert!(connections.lock()[&addr].upgrade().is_none());
    }
}
