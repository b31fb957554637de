//! The topics, one module each, and the table `socket-lab` lists and runs.
//!
//! To add a topic: `pub mod <name>;` below and one [`Topic`] line in
//! [`TOPICS`], in the order the lab lists them (seed 003's order: families,
//! types, then the calls).

use crate::Lab;

pub mod inet;

/// One runnable topic.
pub struct Topic {
    /// What to type: `socket-lab inet`.
    pub name: &'static str,
    /// One line, shown in the list.
    pub summary: &'static str,
    /// Makes the calls and prints each step.
    pub run: fn(&mut Lab) -> anyhow::Result<()>,
}

/// Every topic, in the order `socket-lab` lists them.
pub const TOPICS: &[Topic] = &[Topic {
    name: "inet",
    summary: "AF_INET: bind 127.0.0.1:0, connect, getsockname/getpeername show IPv4",
    run: inet::run,
}];

/// The topic called `name`, if there is one.
pub fn find(name: &str) -> Option<&'static Topic> {
    TOPICS.iter().find(|t| t.name == name)
}
