//! The sockets: one socket the clients send to, and one socket per client
//! towards the server, so the server sees each client as its own address
//! and every answer finds its way back to the client it belongs to.
//!
//! Requests are read on the main thread; each client's answers on a thread
//! of their own. A held datagram (`late`) is sent by a short-lived thread
//! once its time is up; a `swap` waits in a slot until the next datagram of
//! its direction has been forwarded.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::{advice, Encoding};
use log::debug;

use crate::fate::{Fate, Fates, Faults};
use crate::MAX_DATAGRAM;

/// Where the relay's report goes, shared by its threads.
pub type Log = Arc<Mutex<Box<dyn Write + Send>>>;

/// A bound relay, ready to run.
pub struct Relay {
    socket: Arc<UdpSocket>,
    server: SocketAddr,
    faults: Faults,
    quiet: bool,
}

impl Relay {
    /// Binds the socket the clients send to. `quiet`: no line per datagram.
    pub fn bind(
        listen: SocketAddr,
        server: SocketAddr,
        faults: Faults,
        quiet: bool,
    ) -> anyhow::Result<Relay> {
        let socket = UdpSocket::bind(listen).map_err(|e| advice::bind(e, listen))?;
        debug!("socket, bind: {}", socket.local_addr()?);
        Ok(Relay {
            socket: Arc::new(socket),
            server,
            faults,
            quiet,
        })
    }

    /// The address the clients send to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// Forwards datagrams forever, printing each one's fate to `log`.
    pub fn run(self, log: impl Write + Send + 'static) -> anyhow::Result<()> {
        let log: Log = Arc::new(Mutex::new(Box::new(log)));
        let requests = Arc::new(Lane::new("request", self.faults.fates(false), &self, &log));
        let answers = Arc::new(Lane::new("answer", self.faults.fates(true), &self, &log));
        let mut upstream: HashMap<SocketAddr, Arc<UdpSocket>> = HashMap::new();
        let mut buf = vec![0u8; MAX_DATAGRAM];
        loop {
            let (n, client) = match self.socket.recv_from(&mut buf) {
                Ok(got) => got,
                // Windows: an answer bounced off a client that has gone.
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => continue,
                Err(e) => anyhow::bail!("receiving failed: {}", advice::explain(&e)),
            };
            let towards_server = match upstream.get(&client) {
                Some(socket) => Arc::clone(socket),
                None => {
                    let socket = Arc::new(self.open_upstream(client, &answers, &log)?);
                    upstream.insert(client, Arc::clone(&socket));
                    socket
                }
            };
            let server = self.server;
            requests.pass(&buf[..n], client, server, move |d| {
                towards_server.send_to(d, server)
            });
        }
    }

    /// A new socket towards the server for `client`, and the thread that
    /// carries the server's answers back to it.
    fn open_upstream(
        &self,
        client: SocketAddr,
        answers: &Arc<Lane>,
        log: &Log,
    ) -> anyhow::Result<UdpSocket> {
        // A server on loopback is reached from loopback; any other from
        // whichever address the system chooses.
        let any: SocketAddr = match self.server {
            server if server.ip().is_loopback() => (server.ip(), 0).into(),
            SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
            SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
        };
        let socket = UdpSocket::bind(any).map_err(|e| advice::bind(e, any))?;
        let reader = socket.try_clone()?;
        let back = Arc::clone(&self.socket);
        let answers = Arc::clone(answers);
        let (server, log) = (self.server, Arc::clone(log));
        say(
            &log,
            self.quiet,
            format!("new client {client}: relayed from {}", socket.local_addr()?),
        );
        thread::spawn(move || {
            let mut buf = vec![0u8; MAX_DATAGRAM];
            loop {
                match reader.recv_from(&mut buf) {
                    // Only the server's datagrams are relayed back.
                    Ok((n, from)) if from == server => {
                        let back = Arc::clone(&back);
                        answers.pass(&buf[..n], from, client, move |d| back.send_to(d, client));
                    }
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {}
                    Err(e) => {
                        say(&log, false, format!("answers for {client} stop: {e}"));
                        return;
                    }
                }
            }
        });
        Ok(socket)
    }
}

/// A sending action: the socket and the destination, captured.
type Sender = Arc<dyn Fn(&[u8]) -> io::Result<usize> + Sync + Send>;

/// One direction of traffic: its fates, its count, its held `swap`.
struct Lane {
    name: &'static str,
    fates: Mutex<(Fates, u64)>,
    swapped: Arc<Mutex<Option<Held>>>,
    hold: Duration,
    quiet: bool,
    log: Log,
}

/// A datagram waiting for the next one to overtake it.
struct Held {
    number: u64,
    datagram: Vec<u8>,
    send: Sender,
    what: String,
}

impl Lane {
    fn new(name: &'static str, fates: Fates, relay: &Relay, log: &Log) -> Lane {
        Lane {
            name,
            fates: Mutex::new((fates, 0)),
            swapped: Arc::new(Mutex::new(None)),
            hold: relay.faults.hold,
            quiet: relay.quiet,
            log: Arc::clone(log),
        }
    }

    /// Gives one datagram its fate, says so, and carries it out.
    fn pass(
        &self,
        datagram: &[u8],
        from: SocketAddr,
        to: SocketAddr,
        send: impl Fn(&[u8]) -> io::Result<usize> + Sync + Send + 'static,
    ) {
        let send: Sender = Arc::new(send);
        let (fate, number) = {
            let mut guard = self.fates.lock().unwrap_or_else(|e| e.into_inner());
            guard.1 += 1;
            (guard.0.decide(), guard.1)
        };
        let text = Encoding::Utf8.decode_all(&datagram[..datagram.len().min(40)]);
        let what = format!("{} #{number} {text:?} {from} -> {to}", self.name);
        let held = match fate {
            Fate::Late => format!(", held {:?}", self.hold),
            _ => String::new(),
        };
        say(&self.log, self.quiet, format!("{what}: {fate}{held}"));
        match fate {
            Fate::Ok => self.send(&send, datagram, &what),
            Fate::Drop => {}
            Fate::Dup => {
                self.send(&send, datagram, &what);
                self.send(&send, datagram, &what);
            }
            Fate::Late => {
                let (datagram, hold, log, quiet) = (
                    datagram.to_vec(),
                    self.hold,
                    Arc::clone(&self.log),
                    self.quiet,
                );
                thread::spawn(move || {
                    thread::sleep(hold);
                    say(&log, quiet, format!("{what}: released after {hold:?}"));
                    if let Err(e) = send(&datagram) {
                        say(&log, false, format!("{what}: not sent: {e}"));
                    }
                });
                return; // a late datagram releases no swapped one
            }
            Fate::Swap => {
                let earlier = self
                    .swapped
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .replace(Held {
                        number,
                        datagram: datagram.to_vec(),
                        send,
                        what,
                    });
                // Two swaps in a row: the first one goes now, after all.
                if let Some(held) = earlier {
                    self.release(held);
                }
                self.release_later(number);
                return;
            }
        }
        // Something passed: the swapped datagram, if any, follows it.
        let held = self
            .swapped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(held) = held {
            self.release(held);
        }
    }

    fn send(&self, send: &Sender, datagram: &[u8], what: &str) {
        if let Err(e) = send(datagram) {
            say(&self.log, false, format!("{what}: not sent: {e}"));
        }
    }

    fn release(&self, held: Held) {
        say(&self.log, self.quiet, format!("{}: released", held.what));
        self.send(&held.send, &held.datagram, &held.what);
    }

    /// A swapped datagram waits for the next one at most `hold`.
    fn release_later(&self, number: u64) {
        let (slot, hold, log, quiet) = (
            Arc::clone(&self.swapped),
            self.hold,
            Arc::clone(&self.log),
            self.quiet,
        );
        thread::spawn(move || {
            thread::sleep(hold);
            let mut guard = slot.lock().unwrap_or_else(|e| e.into_inner());
            if guard.as_ref().is_some_and(|h| h.number == number) {
                if let Some(held) = guard.take() {
                    drop(guard);
                    say(
                        &log,
                        quiet,
                        format!(
                            "{}: released after {hold:?}, nothing overtook it",
                            held.what
                        ),
                    );
                    if let Err(e) = (held.send)(&held.datagram) {
                        say(&log, false, format!("{}: not sent: {e}", held.what));
                    }
                }
            }
        });
    }
}

/// One line of the report (unless `quiet`).
fn say(log: &Log, quiet: bool, line: String) {
    if quiet {
        return;
    }
    let mut out = log.lock().unwrap_or_else(|e| e.into_inner());
    // The report is for people; a closed stdout must not stop the relay.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}
