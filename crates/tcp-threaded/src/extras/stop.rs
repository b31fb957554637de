//! Stopping a loop that is blocked in `accept()`, from another thread.
//!
//! Added to the tutorial so that the server can stop when typed input
//! ends. The reply desk notices the end of typed input on its own thread, while
//! the main thread sits in `accept()`. std cannot interrupt a blocked
//! `accept()`, and polling it with a timeout would add a delay to every stop
//! and wake the CPU for nothing. So the stop is a flag plus a wake-up call:
//! a connection to our own listener makes `accept()` return, and the loop
//! then sees the flag.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::advice;
use log::{debug, warn};

/// A request to stop the accept loop: a flag, and where to connect to wake it.
pub struct Stop {
    /// Set (from the reply desk's thread) before the wake-up call, read by
    /// the accept loop after each accept: true means the connection just
    /// accepted is the wake-up call, and the loop ends.
    requested: AtomicBool,
    /// Where the wake-up call connects: the listener's own address (its
    /// loopback twin when it listens on every address).
    wake_addr: SocketAddr,
}

impl Stop {
    /// A stop for the loop accepting on `listening`.
    pub fn new(mut listening: SocketAddr) -> Stop {
        // Listening on 0.0.0.0 or [::] means "every address"; connect to
        // the loopback address of the same family.
        if listening.ip().is_unspecified() {
            listening.set_ip(match listening {
                SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
            });
        }
        Stop {
            requested: AtomicBool::new(false),
            wake_addr: listening,
        }
    }

    /// Asks the loop to stop and wakes it (from any thread).
    pub fn request(&self) {
        self.requested.store(true, Ordering::SeqCst);
        debug!("stop: connect to {} to wake accept()", self.wake_addr);
        if let Err(e) = TcpStream::connect_timeout(&self.wake_addr, Duration::from_secs(5)) {
            warn!("cannot wake the accept loop: {}", advice::explain(&e));
        }
    }

    /// True once a stop was requested; the loop checks after each accept.
    pub fn requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread;

    #[test]
    fn a_request_wakes_a_blocked_accept() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let stop = Stop::new(listener.local_addr().unwrap());
        let waiting = thread::spawn(move || {
            let _woken_by = listener.accept().unwrap();
        });
        assert!(!stop.requested());
        stop.request();
        assert!(stop.requested());
        waiting.join().unwrap();
    }

    #[test]
    fn an_unspecified_address_is_woken_on_loopback() {
        let stop = Stop::new("0.0.0.0:9998".parse().unwrap());
        assert_eq!(stop.wake_addr, "127.0.0.1:9998".parse().unwrap());
        let stop = Stop::new("[::]:9998".parse().unwrap());
        assert_eq!(stop.wake_addr, "[::1]:9998".parse().unwrap());
    }
}
