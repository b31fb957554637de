//! The socket lab: every call seed 003 lists, made to happen on loopback.
//!
//! The book's socket API page maps each Python call to Rust in a table; this
//! crate makes each row runnable. `socket-lab` lists the topics,
//! `socket-lab <topic>` runs one: a short program that makes real socket
//! calls on 127.0.0.1 / ::1 and prints, step by step, what each returned.
//! Every topic has a Python counterpart (`python/<name>.py`, standard library
//! only) that prints the same numbered steps.
//!
//! # Adding a topic
//!
//! 1. `src/topics/<name>.rs` (`-` in the name becomes `_`) with
//!    `pub fn run(lab: &mut Lab) -> anyhow::Result<()>`. The socket calls
//!    live in that file, top to bottom, one [`Lab::step`] per numbered step,
//!    `// ANCHOR: <part>` / `// ANCHOR_END: <part>` around what the book
//!    shows. Where std has no call, use `socket2` and say so in a step line:
//!    that is part of the lesson.
//! 2. One line in [`topics::TOPICS`] (name, one-line summary, run fn), and
//!    `pub mod <name>;` in `src/topics/mod.rs`.
//! 3. Print through the [`Lab`], never `println!`:
//!    - [`Lab::step`] numbers a step (`3. connect to ...`);
//!      [`Lab::say`] adds an indented result line under it;
//!    - [`Lab::elsewhere`] is the line every topic prints at least once:
//!      what differs on Windows and macOS (`elsewhere: ...`);
//!    - [`Lab::not_here`] is the ONE line a topic prints when this machine
//!      lacks a privilege or an interface it needs; the topic then returns
//!      `Ok(())` (exit 0);
//!    - [`Lab::machine`] states a fact about this machine that decides
//!      the branch a topic takes (`this machine: raw sockets allowed`);
//!      book-check compares a stored transcript only on a machine that
//!      prints the same `this machine:` lines;
//!    - [`Lab::addr`], [`Lab::port`], [`Lab::waited`], [`Lab::took`] and
//!      [`Lab::path`] format what varies from run to run. With
//!      `--transcript` they print placeholders (`<port1>`, `at once`,
//!      `after the 0.3 s timeout`, `<tmp>`), so the transcripts stored in
//!      `book/src/transcripts/lab-<name>.txt` stay the same on every run.
//! 4. A topic finishes in well under 2 s, offline, without root, and
//!    never waits without a bound (set read timeouts; bound every loop).
//! 5. `python/<name>.py`: standard library only, the same numbered steps;
//!    it prints real values (no transcript mode).
//! 6. Tests in `tests/`: run the topic (`socket-lab <name>`) and its Python,
//!    and assert on the facts each prints (errno, byte counts, address
//!    forms), not just on "it ran". Where the machine decides the branch
//!    (privilege, interfaces), assert the branch taken matches the machine.
//!    `tests/support` has the helpers: `lab`, `lab_transcript` and `python`
//!    run a topic (exit 0, nothing on stderr, bounded in time), `line`,
//!    `assert_in_order` and `assert_elsewhere` check what it printed.
//! 7. The book page `book/src/lab/<name>.md`, linked from the lab index, and
//!    its transcript (`just transcripts` writes it; book-check compares).
//! 8. Code that cannot build on every system (Unix sockets, Linux-only
//!    options) sits behind `#[cfg]` inside the topic, and the other
//!    systems get a `run` that prints one `not here:` line: the table in
//!    `topics/mod.rs` stays the same everywhere.

pub mod lab;
pub mod topics;

pub use lab::Lab;
