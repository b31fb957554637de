//! The UDP clients of one event-loop thread.
//!
//! Each client has its own socket, `connect`ed to the server (so the kernel
//! drops datagrams from anyone else, and reports "port unreachable" as an
//! error). It sends one datagram and waits for the echo; if none comes
//! within the timeout the datagram is lost, counted as an error, and the
//! next one goes out. The first 8 bytes carry a sequence number (as hex
//! digits: the datagram stays plain text), so a late echo of a datagram
//! already given up on is recognised and ignored.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Barrier;
use std::time::Instant;

use mio::net::UdpSocket;
use mio::{Events, Interest, Poll, Token};

use super::tcp::describe;
use super::{pattern, Config, Outcome, Shared, Stop, PATTERN_SHIFTS, TICK};

/// Bytes at the start of each datagram holding its sequence number.
pub(super) const SEQ_BYTES: usize = 8;
/// The largest UDP payload over IPv4.
pub(super) const MAX_DATAGRAM: usize = 65_507;

struct Peer {
    socket: UdpSocket,
    /// Sequence number of the datagram in flight (or next to send).
    seq: u64,
    /// Waiting for an echo (false: must (re)send, or finished).
    waiting: bool,
    finished: bool,
    sent_at: Instant,
    deadline: Instant,
    /// Datagrams answered or lost so far.
    attempts: u64,
}

/// Runs `count` UDP clients on this thread.
pub(super) fn run(
    config: &Config,
    count: usize,
    shared: &Shared,
    barrier: &Barrier,
) -> anyhow::Result<Outcome> {
    let setup = setup(config, count);
    // Reach the barrier whatever happened, so other threads do not wait forever.
    barrier.wait();
    let (poll, peers) = setup?;
    let mut worker = Worker {
        config,
        shared,
        poll,
        peers,
        pattern: pattern(config.size),
        datagram: vec![0; config.size],
        scratch: vec![0; MAX_DATAGRAM],
        out: Outcome::default(),
        active: count,
        end: None,
    };
    worker.measure()?;
    Ok(worker.out)
}

fn setup(config: &Config, count: usize) -> anyhow::Result<(Poll, Vec<Peer>)> {
    let poll = Poll::new()?;
    let local: SocketAddr = if config.addr.is_ipv4() {
        "0.0.0.0:0".parse()?
    } else {
        "[::]:0".parse()?
    };
    let now = Instant::now();
    let mut peers = Vec::with_capacity(count);
    for i in 0..count {
        let mut socket = UdpSocket::bind(local)?;
        socket.connect(config.addr)?;
        poll.registry()
            .register(&mut socket, Token(i), Interest::READABLE)?;
        peers.push(Peer {
            socket,
            seq: 0,
            waiting: false,
            finished: false,
            sent_at: now,
            deadline: now,
            attempts: 0,
        });
    }
    Ok((poll, peers))
}

struct Worker<'a> {
    config: &'a Config,
    shared: &'a Shared,
    poll: Poll,
    peers: Vec<Peer>,
    pattern: Vec<u8>,
    /// The datagram being sent, rebuilt for each sequence number.
    datagram: Vec<u8>,
    /// Where echoes are received (big enough for any datagram).
    scratch: Vec<u8>,
    out: Outcome,
    active: usize,
    end: Option<Instant>,
}

impl Worker<'_> {
    fn measure(&mut self) -> anyhow::Result<()> {
        let start = Instant::now();
        self.out.started = Some(start);
        self.end = match self.config.stop {
            Stop::After(duration) => Some(start + duration),
            Stop::RoundTrips(_) => None,
        };
        for i in 0..self.peers.len() {
            self.send(i, start);
        }
        let mut events = Events::with_capacity(1024);
        let mut next_scan = start + TICK;
        while self.active > 0 {
            match self.poll.poll(&mut events, Some(TICK)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
            let now = Instant::now();
            for event in events.iter() {
                self.receive(event.token().0, now);
            }
            if now >= next_scan {
                self.expire(now);
                next_scan = now + TICK;
            }
        }
        self.out.ended = Some(Instant::now());
        Ok(())
    }

    /// Sends peer `i`'s next datagram.
    fn send(&mut self, i: usize, now: Instant) {
        let size = self.config.size;
        let p = &mut self.peers[i];
        let offset = (p.seq as usize) % PATTERN_SHIFTS;
        self.datagram
            .copy_from_slice(&self.pattern[offset..offset + size]);
        self.datagram[..SEQ_BYTES].copy_from_slice(&seq_text(p.seq));
        p.sent_at = now;
        p.deadline = now + self.config.timeout;
        p.waiting = true;
        match p.socket.send(&self.datagram) {
            Ok(n) if n == size => {}
            Ok(_) => self.give_up(i, "send: datagram truncated".into()),
            // A full socket buffer drops the datagram as the network might:
            // it will time out and count as lost.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => self.give_up(i, format!("send: {}", describe(&e))),
        }
    }

    /// Reads every datagram waiting for peer `i`.
    fn receive(&mut self, i: usize, now: Instant) {
        loop {
            let p = &mut self.peers[i];
            if p.finished {
                return;
            }
            match p.socket.recv(&mut self.scratch) {
                Ok(n) => {
                    let echo = &self.scratch[..n];
                    let seq_ok = n >= SEQ_BYTES && echo[..SEQ_BYTES] == seq_text(p.seq);
                    if !p.waiting || !seq_ok {
                        // A late echo of a datagram already counted as lost.
                        continue;
                    }
                    let offset = (p.seq as usize) % PATTERN_SHIFTS;
                    let body_ok = n == self.config.size
                        && echo[SEQ_BYTES..] == self.pattern[offset + SEQ_BYTES..offset + n];
                    if !body_ok {
                        self.out
                            .error(self.shared, "echo differs from the datagram sent");
                        self.next(i, now);
                        continue;
                    }
                    let p = &mut self.peers[i];
                    self.out
                        .latencies
                        .record(now.saturating_duration_since(p.sent_at));
                    self.out.round_trips += 1;
                    self.shared.round_trips.fetch_add(1, Ordering::Relaxed);
                    self.next(i, now);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // On a connected UDP socket, ICMP "port unreachable" comes
                // back as ConnectionRefused: nobody is listening.
                Err(e) => return self.give_up(i, format!("receive: {}", describe(&e))),
            }
        }
    }

    /// Peer `i` is done with its datagram (answered or lost): stop, or send
    /// the next one.
    fn next(&mut self, i: usize, now: Instant) {
        let p = &mut self.peers[i];
        p.waiting = false;
        p.attempts += 1;
        p.seq += 1;
        let stop = match (self.config.stop, self.end) {
            (Stop::RoundTrips(k), _) => p.attempts >= k,
            (Stop::After(_), Some(end)) => now >= end,
            (Stop::After(_), None) => false,
        };
        if stop {
            self.finish(i);
        } else {
            self.send(i, now);
        }
    }

    /// Counts every datagram whose echo is overdue as lost.
    fn expire(&mut self, now: Instant) {
        for i in 0..self.peers.len() {
            let p = &self.peers[i];
            if p.waiting && !p.finished && now >= p.deadline {
                let why = format!("lost: no echo within {:?}", self.config.timeout);
                self.out.error(self.shared, why);
                self.next(i, now);
            }
        }
    }

    /// A hard error (no server, say): count it; peer `i` stops.
    fn give_up(&mut self, i: usize, why: String) {
        self.out.error(self.shared, why);
        self.finish(i);
    }

    fn finish(&mut self, i: usize) {
        let p = &mut self.peers[i];
        if !p.finished {
            p.finished = true;
            p.waiting = false;
            let _ = self.poll.registry().deregister(&mut p.socket);
            self.active -= 1;
        }
    }
}

/// A sequence number as the 8 hex digits that start a datagram (it wraps
/// after 4 billion datagrams, long after any earlier echo is gone).
fn seq_text(seq: u64) -> [u8; SEQ_BYTES] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = [0u8; SEQ_BYTES];
    for (i, digit) in text.iter_mut().enumerate() {
        *digit = HEX[((seq >> (4 * (SEQ_BYTES - 1 - i))) & 0xf) as usize];
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_are_hex_text() {
        assert_eq!(&seq_text(0), b"00000000");
        assert_eq!(&seq_text(0xbeef), b"0000beef");
        assert_eq!(&seq_text(0x1_2345_6789), b"23456789");
    }
}
