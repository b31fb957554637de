//! Who is connected (placeholder until the shared bookkeeping is in).

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub const BUSY: &str = "server busy:";

pub fn clients_text(n: usize) -> String {
    if n == 1 {
        "1 client".to_string()
    } else {
        format!("{n} clients")
    }
}

pub struct Clients {
    max: Option<NonZeroUsize>,
    now: AtomicUsize,
}

pub struct Seat(Arc<Clients>);

impl Clients {
    pub fn new(max: Option<NonZeroUsize>) -> Arc<Clients> {
        Arc::new(Clients {
            max,
            now: AtomicUsize::new(0),
        })
    }
    pub fn take_seat(self: &Arc<Self>) -> Result<(Seat, usize), usize> {
        let now = self.now.load(Ordering::SeqCst);
        if self.max.is_some_and(|m| now >= m.get()) {
            return Err(now);
        }
        self.now.fetch_add(1, Ordering::SeqCst);
        Ok((Seat(Arc::clone(self)), now + 1))
    }
    pub fn count(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }
}

impl Seat {
    pub fn leave(self) -> usize {
        let c = Arc::clone(&self.0);
        drop(self);
        c.count()
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

pub fn refusal(now: usize) -> String {
    format!(
        "{BUSY} {} already connected, try again later",
        clients_text(now)
    )
}
