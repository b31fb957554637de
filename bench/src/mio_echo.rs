//! The minimal event-loop echo server (mio): lesson 7's yardstick.
//!
//! One thread, one `epoll` instance, non-blocking sockets, and only what
//! correctness needs: a partial write keeps the rest and stops reading from
//! that client until it is sent (so a client that never reads costs at most
//! one read's worth of memory). No printing, no client cap, no text
//! decoding, the listen backlog of std's `TcpListener::bind`, 128.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::time::Duration;

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

/// Bytes per read: the tutorials' `recv(1024)`, as the lesson servers use.
pub const BUF_SIZE: usize = 1024;

const LISTENER: Token = Token(0);

/// One client: its socket and the echo bytes the kernel has not taken yet.
struct Client {
    stream: TcpStream,
    unsent: Vec<u8>,
}

// ANCHOR: serve
/// Accepts and echoes forever on this thread.
pub fn serve(mut listener: TcpListener) -> io::Result<()> {
    let mut poll = Poll::new()?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut clients: HashMap<Token, Client> = HashMap::new();
    let mut next = 1;
    let mut events = Events::with_capacity(1024);
    loop {
        if let Err(e) = poll.poll(&mut events, None) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        for event in &events {
            if event.token() == LISTENER {
                // Edge-triggered: take every waiting connection.
                loop {
                    match listener.accept() {
                        Ok((mut stream, _)) => {
                            let token = Token(next);
                            next += 1;
                            let interest = Interest::READABLE | Interest::WRITABLE;
                            if poll
                                .registry()
                                .register(&mut stream, token, interest)
                                .is_ok()
                            {
                                let unsent = Vec::new();
                                clients.insert(token, Client { stream, unsent });
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        // Out of file descriptors, say: try again later
                        // rather than spin on the error.
                        Err(_) => {
                            std::thread::sleep(Duration::from_millis(10));
                            break;
                        }
                    }
                }
            } else if let Some(client) = clients.get_mut(&event.token()) {
                if !echo(client) {
                    clients.remove(&event.token());
                }
            }
        }
    }
}
// ANCHOR_END: serve

// ANCHOR: echo
/// Sends what is unsent, then reads and echoes until the kernel would
/// block. `false` when the client is gone.
fn echo(client: &mut Client) -> bool {
    let mut buf = [0u8; BUF_SIZE];
    loop {
        while !client.unsent.is_empty() {
            match client.stream.write(&client.unsent) {
                Ok(0) => return false,
                Ok(n) => drop(client.unsent.drain(..n)),
                // The client is not reading: keep the rest, read no more
                // from it until a writable event says there is room.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
        match client.stream.read(&mut buf) {
            Ok(0) => return false,
            Ok(n) => client.unsent.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}
// ANCHOR_END: echo
