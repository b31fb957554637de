// The sender counts each message once, not each datagram it sends, so retransmissions are missing from the count.
//! Exercise 15: stop-and-wait, reliable delivery over UDP.
//!
//! Read first: book/src/lessons/udp-echo.md, "What UDP does not promise".
//! The task is in this exercise's README.md; `just check 15` tells you what
//! is left to do.
//!
//! The protocol, TFTP's way: the sender numbers each message, sends it, and
//! waits for an acknowledgement carrying the same number; if none comes in
//! time, it sends the same message again. Only then does the next message
//! go. The receiver acknowledges every message it gets, hands each number
//! to the application once, and acknowledges a repeated one again (its
//! first acknowledgement may have been lost).
//!
//! On the wire (these helpers are given):
//! - a message: `D`, the sequence number (4 bytes, big-endian), the payload;
//! - an acknowledgement: `A`, the sequence number it acknowledges.

use std::io::{self, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// The largest UDP payload over IPv4.
pub const MAX_DATAGRAM: usize = 65_507;

/// A datagram of this protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    /// Message number `seq`, carrying `payload`.
    Data { seq: u32, payload: Vec<u8> },
    /// "I have message number `seq`."
    Ack { seq: u32 },
}

impl Packet {
    /// The bytes to send.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Packet::Data { seq, payload } => {
                let mut bytes = vec![b'D'];
                bytes.extend_from_slice(&seq.to_be_bytes());
                bytes.extend_from_slice(payload);
                bytes
            }
            Packet::Ack { seq } => {
                let mut bytes = vec![b'A'];
                bytes.extend_from_slice(&seq.to_be_bytes());
                bytes
            }
        }
    }

    /// The packet in `bytes`, or `None` for anything else (which is ignored:
    /// anyone can send anything to a UDP port).
    pub fn decode(bytes: &[u8]) -> Option<Packet> {
        let (&kind, rest) = bytes.split_first()?;
        let seq = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?);
        match kind {
            b'D' => Some(Packet::Data {
                seq,
                payload: rest[4..].to_vec(),
            }),
            b'A' if rest.len() == 4 => Some(Packet::Ack { seq }),
            _ => None,
        }
    }
}

/// True for the errors a read timeout gives: `WouldBlock` on Unix,
/// `TimedOut` on Windows.
pub fn is_timeout(err: &io::Error) -> bool {
    matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// The sending side: one message at a time, each until it is acknowledged.
pub struct Sender {
    socket: UdpSocket,
    receiver: SocketAddr,
    /// How long to wait for an acknowledgement before sending again.
    timeout: Duration,
    /// How many times one message is sent before giving up.
    max_tries: u32,
    /// The number of the next message (the first is 0).
    next_seq: u32,
    /// Every data datagram sent so far, retransmissions included.
    transmissions: u64,
}

impl Sender {
    /// A sender on `socket` for the receiver at `receiver`.
    pub fn new(socket: UdpSocket, receiver: SocketAddr, timeout: Duration, max_tries: u32) -> Self {
        Sender {
            socket,
            receiver,
            timeout,
            max_tries,
            next_seq: 0,
            transmissions: 0,
        }
    }

    /// How many data datagrams were sent, retransmissions included.
    pub fn transmissions(&self) -> u64 {
        self.transmissions
    }

    /// Delivers `payload` as the next message: sends it, and sends it again
    /// each time `timeout` passes without its acknowledgement.
    ///
    /// Returns once the acknowledgement carrying this message's number has
    /// arrived. After `max_tries` transmissions without one, gives up with
    /// an error of kind `TimedOut` whose message says which message, how
    /// many times it was sent, and that the receiver may be gone.
    pub fn send(&mut self, payload: &[u8]) -> io::Result<()> {
        // Count every send in self.transmissions. Acknowledgements with
        // another number (late, or duplicated) are ignored; so are datagrams
        // that are not this protocol's. Each wait is for the time LEFT until
        // this transmission's deadline, not a fresh `timeout`.
        let seq = self.next_seq;
        let datagram = Packet::Data {
            seq,
            payload: payload.to_vec(),
        }
        .encode();
        let mut buf = vec![0u8; MAX_DATAGRAM];
        for _ in 0..self.max_tries {
            self.socket.send_to(&datagram, self.receiver)?;
            let deadline = Instant::now() + self.timeout;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break; // time is up: send it again
                }
                self.socket.set_read_timeout(Some(left))?;
                match self.socket.recv_from(&mut buf) {
                    Ok((n, _)) => {
                        if Packet::decode(&buf[..n]) == Some(Packet::Ack { seq }) {
                            self.next_seq = seq + 1;
                            self.transmissions += 1;
                            return Ok(());
                        }
                    }
                    Err(e) if is_timeout(&e) => break,
                    // Some systems report an unreachable receiver so; it is
                    // one more try without an answer.
                    Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
                    Err(e) => return Err(e),
                }
            }
        }
        Err(io::Error::new(
            ErrorKind::TimedOut,
            format!(
                "message {seq} was sent {} times, {:?} apart, and never acknowledged: \
                 is the receiver running?",
                self.max_tries, self.timeout
            ),
        ))
    }
}

/// The receiving side: each message once, in order.
pub struct Receiver {
    socket: UdpSocket,
    /// The number of the next message to hand over.
    expected: u32,
}

impl Receiver {
    /// A receiver on `socket` (bound; the sender sends to its address).
    pub fn new(socket: UdpSocket) -> Self {
        Receiver {
            socket,
            expected: 0,
        }
    }

    /// Waits at most `wait` for the next message in order and returns its
    /// payload, or `Ok(None)` when none came in time.
    ///
    /// Every data datagram is acknowledged to whoever sent it, with its own
    /// number: a repeated message (its acknowledgement was lost, or it was
    /// duplicated on the way) is acknowledged again but not returned again.
    pub fn recv(&mut self, wait: Duration) -> io::Result<Option<Vec<u8>>> {
        // A message numbered below `expected` is a repeat: acknowledge it
        // again (the sender is still waiting for that ACK) and keep waiting.
        // The whole call waits at most `wait`, however many repeats arrive.
        let deadline = Instant::now() + wait;
        let mut buf = vec![0u8; MAX_DATAGRAM];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            self.socket.set_read_timeout(Some(left))?;
            let (n, from) = match self.socket.recv_from(&mut buf) {
                Ok(got) => got,
                Err(e) if is_timeout(&e) => return Ok(None),
                Err(e) if e.kind() == ErrorKind::ConnectionReset => continue,
                Err(e) => return Err(e),
            };
            let Some(Packet::Data { seq, payload }) = Packet::decode(&buf[..n]) else {
                continue;
            };
            if seq > self.expected {
                continue; // cannot happen in stop-and-wait: not acknowledged
            }
            self.socket.send_to(&Packet::Ack { seq }.encode(), from)?;
            if seq == self.expected {
                self.expected += 1;
                return Ok(Some(payload));
            }
        }
    }
}
