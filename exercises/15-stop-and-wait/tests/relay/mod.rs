//! A lossy network for the tests: a UDP relay between the sender and the
//! receiver that loses, duplicates and delays datagrams, both ways, with
//! chances drawn from a fixed seed so that every run is the same.

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// What the relay does to each datagram, each way.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    /// Chance that a datagram is lost.
    pub loss: f64,
    /// Chance that a datagram is delivered twice.
    pub dup: f64,
    /// Chance that a copy is held back for `hold` (later ones overtake it).
    pub delay: f64,
    /// How long a delayed copy is held.
    pub hold: Duration,
    /// The seed of the draws.
    pub seed: u64,
}

/// A running relay; dropping it stops it.
pub struct Relay {
    /// Where the sender sends (instead of to the receiver).
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// SplitMix64: a tiny seeded generator.
struct Rng(u64);

impl Rng {
    fn chance(&mut self, p: f64) -> bool {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// Starts a relay in front of `receiver`: datagrams from anyone else go to
/// the receiver, and the receiver's go back to the last one who wrote.
pub fn start(receiver: SocketAddr, faults: Faults) -> Relay {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind the relay");
    let addr = socket.local_addr().expect("the relay's address");
    socket
        .set_read_timeout(Some(Duration::from_millis(50)))
        .expect("a read timeout");
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = Arc::clone(&stop);
    thread::spawn(move || {
        let mut rng = Rng(faults.seed);
        let mut sender: Option<SocketAddr> = None;
        let mut buf = vec![0u8; 65_507];
        while !stopped.load(Ordering::Relaxed) {
            let Ok((n, from)) = socket.recv_from(&mut buf) else {
                continue; // timeout: check the stop flag
            };
            let to = if from == receiver {
                match sender {
                    Some(s) => s,
                    None => continue,
                }
            } else {
                sender = Some(from);
                receiver
            };
            if rng.chance(faults.loss) {
                continue;
            }
            let copies = if rng.chance(faults.dup) { 2 } else { 1 };
            for _ in 0..copies {
                let datagram = buf[..n].to_vec();
                if rng.chance(faults.delay) {
                    let Ok(late) = socket.try_clone() else {
                        continue;
                    };
                    thread::spawn(move || {
                        thread::sleep(faults.hold);
                        let _ = late.send_to(&datagram, to);
                    });
                } else {
                    let _ = socket.send_to(&datagram, to);
                }
            }
        }
    });
    Relay { addr, stop }
}
