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
        // TODO: Send, wait for the matching ACK, retransmit on timeout; give up after max_tries.
        // Count every send in self.transmissions. Acknowledgements with
        // another number (late, or duplicated) are ignored; so are datagrams
        // that are not this protocol's. Each wait is for the time LEFT until
        // this transmission's deadline, not a fresh `timeout`.
        todo!("Send, wait for the matching ACK, retransmit on timeout; give up after max_tries.")
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
        // TODO: Acknowledge every message; return only the expected one, once.
        // A message numbered below `expected` is a repeat: acknowledge it
        // again (the sender is still waiting for that ACK) and keep waiting.
        // The whole call waits at most `wait`, however many repeats arrive.
        todo!("Acknowledge every message; return only the expected one, once.")
    }
}
