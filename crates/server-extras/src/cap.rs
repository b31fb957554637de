//! The client cap: `--max-clients N`, at most N clients served at once.
//!
//! The Python servers take every client that comes. Each client costs the
//! server something (a thread and its stack in lesson 4, buffers in lesson
//! 7's event loop, a task in lesson 8), so the Rust servers can put a cap on
//! that: a client takes a place when it is accepted and gives it back when
//! its conversation ends. A client that finds no place free is sent
//! [`Full::refusal`] and closed.
//!
//! [`Cap`] only counts; it holds no sockets, so any server can use it:
//!
//! - a thread per client or a task per client: [`Cap::take`] gives a
//!   [`Place`] to move into the thread or task; the place is given back when
//!   it is dropped, so no way out (an error, a reset, a panic) leaks one;
//! - a single-threaded event loop: [`Cap::try_take`] when a client is
//!   accepted, [`Cap::give_back`] when its connection is closed.

use std::num::NonZeroUsize;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::lines::clients_text;
use crate::BUSY;

/// How many clients are connected, and how many may be.
#[derive(Debug)]
pub struct Cap {
    /// `--max-clients`: the most clients served at once (`None`: no cap).
    max: Option<NonZeroUsize>,
    /// How many places are taken now. A lock rather than an atomic so that
    /// "is there room?" and "take it" are one step, and so that
    /// [`Cap::wait_until_empty`] can sleep on `someone_left`.
    connected: Mutex<usize>,
    /// Notified each time a place is given back; [`Cap::wait_until_empty`]
    /// waits on it (with `connected` locked) until the count reaches 0.
    someone_left: Condvar,
}

/// No place free: this many clients are connected already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full(pub usize);

impl Full {
    /// What the client over the cap is sent before it is closed:
    /// `server busy: 2 clients already connected, try again later`.
    pub fn refusal(&self) -> String {
        format!(
            "{BUSY} {} already connected, try again later",
            clients_text(self.0)
        )
    }
}

impl Cap {
    /// No places taken; `max` is `--max-clients` (`None`: no cap).
    pub fn new(max: Option<NonZeroUsize>) -> Cap {
        Cap {
            max,
            connected: Mutex::new(0),
            someone_left: Condvar::new(),
        }
    }

    /// Takes a place, if one is free; returns how many are taken now,
    /// counting this one. Give it back with [`Cap::give_back`].
    pub fn try_take(&self) -> Result<usize, Full> {
        let mut connected = self.lock();
        if self.max.is_some_and(|max| *connected >= max.get()) {
            return Err(Full(*connected));
        }
        *connected += 1;
        Ok(*connected)
    }

    /// Gives a place back; returns how many are still taken.
    pub fn give_back(&self) -> usize {
        let mut connected = self.lock();
        *connected = connected.saturating_sub(1);
        self.someone_left.notify_all();
        *connected
    }

    /// Like [`Cap::try_take`], but the place is a [`Place`] that gives
    /// itself back when dropped (for a thread or a task per client).
    pub fn take(self: &Arc<Self>) -> Result<(Place, usize), Full> {
        let now = self.try_take()?;
        let place = Place {
            cap: Some(Arc::clone(self)),
        };
        Ok((place, now))
    }

    /// How many places are taken now.
    pub fn count(&self) -> usize {
        *self.lock()
    }

    /// Blocks the calling thread until every place has been given back
    /// (a threaded server's last step; an async server would not block).
    pub fn wait_until_empty(&self) {
        let mut connected = self.lock();
        while *connected > 0 {
            connected = self
                .someone_left
                .wait(connected)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        // A count cannot be left half-updated by a panicking thread, so a
        // poisoned lock is simply used again.
        self.connected.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One client's place under the cap; given back when dropped.
#[derive(Debug)]
pub struct Place {
    /// The cap this place belongs to; `None` once given back by
    /// [`Place::leave`], so `Drop` does not give it back twice.
    cap: Option<Arc<Cap>>,
}

impl Place {
    /// Gives the place back now; returns how many are still taken.
    pub fn leave(mut self) -> usize {
        match self.cap.take() {
            Some(cap) => cap.give_back(),
            None => 0,
        }
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Some(cap) = self.cap.take() {
            cap.give_back();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_refuses_and_a_dropped_place_frees_one() {
        let cap = Arc::new(Cap::new(NonZeroUsize::new(1)));
        let (place, now) = cap.take().unwrap();
        assert_eq!(now, 1);
        assert_eq!(cap.take().err(), Some(Full(1)));
        assert_eq!(place.leave(), 0);
        let (place, _) = cap.take().unwrap();
        drop(place);
        assert_eq!(cap.count(), 0);
        cap.wait_until_empty();
    }

    #[test]
    fn an_event_loop_takes_and_gives_back_by_hand() {
        let cap = Cap::new(NonZeroUsize::new(2));
        assert_eq!(cap.try_take(), Ok(1));
        assert_eq!(cap.try_take(), Ok(2));
        assert_eq!(cap.try_take(), Err(Full(2)));
        assert_eq!(cap.give_back(), 1);
        assert_eq!(cap.try_take(), Ok(2));
    }

    #[test]
    fn no_cap_without_max() {
        let cap = Arc::new(Cap::new(None));
        let places: Vec<_> = (0..5).map(|_| cap.take().unwrap().0).collect();
        assert_eq!(cap.count(), 5);
        drop(places);
        assert_eq!(cap.count(), 0);
    }

    #[test]
    fn the_refusal_names_the_count() {
        assert_eq!(
            Full(1).refusal(),
            "server busy: 1 client already connected, try again later"
        );
        assert_eq!(
            Full(3).refusal(),
            "server busy: 3 clients already connected, try again later"
        );
    }

    #[test]
    fn waiting_ends_when_the_last_place_is_given_back() {
        let cap = Arc::new(Cap::new(None));
        let (place, _) = cap.take().unwrap();
        let leaving = std::thread::spawn(move || drop(place));
        cap.wait_until_empty();
        leaving.join().unwrap();
        assert_eq!(cap.count(), 0);
    }
}
