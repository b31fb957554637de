//! Which message a received datagram answers, without sequence numbers.
//!
//! UDP may lose, duplicate, delay and reorder datagrams, and the lessons'
//! wire format carries nothing but the text: no number ties an answer to its
//! question. A client that takes "the next datagram" as "the answer to the
//! last message" is wrong as soon as one answer comes late or twice: every
//! later answer is shown against the wrong message. This ledger remembers
//! what was sent to whom and judges each datagram that arrives:
//!
//! - **by content** when the answer repeats a message (an echo server): it
//!   answers the message with the same text. If that message was already
//!   answered, it is a duplicate; if it was sent before the current one, it
//!   is late.
//! - **by timing** when it does not (a fixed or typed reply): only what
//!   arrives while the client waits for an unanswered message can be taken
//!   as its answer, and even that may be the late answer to an earlier
//!   message. Anything else is "late or duplicate", to which message cannot
//!   be told.
//! - **by address**: a datagram from an address nothing was sent to is no
//!   answer at all; it never ends the wait.
//!
//! No socket call lives here: the lesson crates receive the datagrams and
//! ask the ledger what each one is.

use std::net::SocketAddr;

/// One message sent, and whether it has had an answer yet.
#[derive(Debug, Clone)]
struct Sent {
    to: SocketAddr,
    text: String,
    answered: bool,
}

/// What a received datagram is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The answer to the message being waited for.
    Answer {
        /// `Some(text)` when the answer is paired by timing only and an
        /// earlier message to the same address (`text`) is still unanswered:
        /// this may well be that message's late answer.
        maybe_late_to: Option<String>,
    },
    /// The first answer to an earlier message (it repeats that message).
    Late { to: String },
    /// A second (or later) answer to a message already answered.
    Duplicate { of: String },
    /// From an address that was sent to, but not an echo of any message and
    /// not awaited: a late or duplicate answer to an unknown message.
    Unplaced,
    /// From an address nothing was sent to: not an answer at all.
    Stranger,
}

impl Verdict {
    /// True when this datagram ends the wait for the current message.
    pub fn is_answer(&self) -> bool {
        matches!(self, Verdict::Answer { .. })
    }

    /// What to print before " from WHO: TEXT", or `None` for the plain
    /// answer (each lesson prints that in its own words).
    pub fn label(&self) -> Option<String> {
        match self {
            Verdict::Answer {
                maybe_late_to: None,
            } => None,
            Verdict::Answer {
                maybe_late_to: Some(earlier),
            } => Some(format!(
                "reply (paired by timing: it does not repeat the message, and it may be \
                 the late answer to {earlier:?})"
            )),
            Verdict::Late { to } => Some(format!("late reply to {to:?}")),
            Verdict::Duplicate { of } => Some(format!("duplicate reply to {of:?}")),
            Verdict::Unplaced => Some(
                "late or duplicate reply (it does not repeat a message, so which one it \
                 answers cannot be told)"
                    .to_string(),
            ),
            Verdict::Stranger => Some("not a reply (nothing was sent to that address)".into()),
        }
    }
}

/// Everything sent so far, oldest first; the last entry is the current
/// message.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    sent: Vec<Sent>,
}

impl Ledger {
    /// An empty ledger: nothing sent yet.
    pub fn new() -> Self {
        Ledger::default()
    }

    /// Records that `text` was sent to `to`; it becomes the current message.
    pub fn sent(&mut self, to: SocketAddr, text: &str) {
        self.sent.push(Sent {
            to,
            text: text.to_string(),
            answered: false,
        });
    }

    /// True while the current message has had no answer.
    pub fn awaiting(&self) -> bool {
        self.sent.last().is_some_and(|s| !s.answered)
    }

    /// How many messages have had no answer (yet).
    pub fn unanswered(&self) -> usize {
        self.sent.iter().filter(|s| !s.answered).count()
    }

    // ANCHOR: judge
    /// Judges a datagram `text` from `from`. `waiting` says whether the
    /// client is waiting for the current message's answer right now: a
    /// datagram read at any other time (queued before a send, or arriving
    /// after the wait gave up) is never taken as the current answer unless
    /// its content says so.
    pub fn judge(&mut self, from: SocketAddr, text: &str, waiting: bool) -> Verdict {
        if !self.sent.iter().any(|s| s.to == from) {
            return Verdict::Stranger;
        }
        let last = self.sent.len() - 1;
        let current_awaited = waiting && self.sent[last].to == from && !self.sent[last].answered;

        // By content: the current message first, then the oldest unanswered
        // message with this text, then any answered one (a duplicate).
        if current_awaited && self.sent[last].text == text {
            self.sent[last].answered = true;
            return Verdict::Answer {
                maybe_late_to: None,
            };
        }
        let same = |s: &Sent| s.to == from && s.text == text;
        if let Some(s) = self.sent.iter_mut().find(|s| same(s) && !s.answered) {
            s.answered = true;
            return Verdict::Late { to: s.text.clone() };
        }
        if let Some(s) = self.sent.iter().rev().find(|s| same(s)) {
            return Verdict::Duplicate { of: s.text.clone() };
        }

        // By timing: not an echo of anything sent there.
        if current_awaited {
            self.sent[last].answered = true;
            let earlier = self.sent[..last]
                .iter()
                .rev()
                .find(|s| s.to == from && !s.answered)
                .map(|s| s.text.clone());
            return Verdict::Answer {
                maybe_late_to: earlier,
            };
        }
        Verdict::Unplaced
    }
    // ANCHOR_END: judge
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        ([127, 0, 0, 1], port).into()
    }

    #[test]
    fn echoes_are_paired_by_content() {
        let server = addr(9000);
        let mut ledger = Ledger::new();
        ledger.sent(server, "m1");
        assert!(ledger.judge(server, "m1", true).is_answer());
        ledger.sent(server, "m2"); // its answer is lost
        ledger.sent(server, "m3");
        assert_eq!(
            ledger.judge(server, "m2", true),
            Verdict::Late { to: "m2".into() }
        );
        assert!(ledger.awaiting(), "a late answer does not end the wait");
        assert!(ledger.judge(server, "m3", true).is_answer());
        assert_eq!(
            ledger.judge(server, "m3", false),
            Verdict::Duplicate { of: "m3".into() }
        );
        assert_eq!(
            ledger.judge(server, "m1", true),
            Verdict::Duplicate { of: "m1".into() }
        );
        assert_eq!(ledger.unanswered(), 0);
    }

    #[test]
    fn an_answer_after_the_wait_is_late_even_for_the_current_message() {
        let server = addr(9000);
        let mut ledger = Ledger::new();
        ledger.sent(server, "m1");
        assert_eq!(
            ledger.judge(server, "m1", false),
            Verdict::Late { to: "m1".into() }
        );
    }

    #[test]
    fn strangers_never_answer() {
        let mut ledger = Ledger::new();
        ledger.sent(addr(8081), "hi");
        assert_eq!(ledger.judge(addr(5555), "hi", true), Verdict::Stranger);
        assert!(ledger.awaiting());
        // Another contact's echo is placed against what was sent to them.
        ledger.sent(addr(8082), "yo");
        assert_eq!(
            ledger.judge(addr(8081), "hi", true),
            Verdict::Late { to: "hi".into() }
        );
        assert!(ledger.awaiting());
    }

    #[test]
    fn typed_replies_are_paired_by_timing_and_say_so() {
        let contact = addr(8081);
        let mut ledger = Ledger::new();
        ledger.sent(contact, "c1");
        assert_eq!(
            ledger.judge(contact, "ok", true),
            Verdict::Answer {
                maybe_late_to: None
            }
        );
        // Read while not waiting: cannot be placed.
        assert_eq!(ledger.judge(contact, "ok", false), Verdict::Unplaced);
        ledger.sent(contact, "c2"); // times out
        ledger.sent(contact, "c3");
        assert_eq!(
            ledger.judge(contact, "sure", true),
            Verdict::Answer {
                maybe_late_to: Some("c2".into())
            }
        );
        // Once answered, the next one is not an answer.
        assert_eq!(ledger.judge(contact, "sure", true), Verdict::Unplaced);
    }

    #[test]
    fn labels_name_the_message() {
        assert_eq!(
            Verdict::Late { to: "m3".into() }.label().unwrap(),
            "late reply to \"m3\""
        );
        assert!(Verdict::Answer {
            maybe_late_to: None
        }
        .label()
        .is_none());
        assert!(Verdict::Stranger
            .label()
            .unwrap()
            .starts_with("not a reply"));
    }
}
