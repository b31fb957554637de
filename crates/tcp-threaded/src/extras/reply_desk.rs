//! The reply desk: the ONE thread that reads what the person at the server
//! types.
//!
//! In the Python every client's thread calls `input()`. With two clients
//! waiting, two threads print a prompt and both read stdin: whichever thread
//! wins the read gets the next line, and the person cannot tell which client
//! an answer will reach.
//!
//! Here a client thread that needs a typed answer queues at the desk
//! ([`ReplyDesk::ask`]): it sends its address and a private channel for the
//! answer. The desk thread serves one request at a time, in the order they
//! came: it prompts `reply to 127.0.0.1:40000> `, reads one line, and sends
//! that line back through that client's own channel. Only the desk reads
//! stdin, and a line can only go to the client named in its prompt.
//!
//! End of input is noticed at a prompt, as Python's `input()` notices it:
//! the desk thread then ends. Its queue closes with it, so the client being
//! asked, and every client that asks later, gets `None`: no more answers.

use std::io::{self, BufRead};
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread;

use common::LineSource;
use log::debug;

use server_extras::Output;

/// A client thread's handle on the desk (each thread has its own clone).
#[derive(Clone)]
pub struct ReplyDesk {
    /// The queue to the desk thread. When the desk thread ends (end of
    /// input), the receiving end is gone and every send fails: that is how
    /// a client thread learns there will be no more answers.
    requests: mpsc::Sender<Request>,
}

/// One client waiting for a typed answer.
struct Request {
    /// Whose message is being answered: named in the prompt.
    client: SocketAddr,
    /// That client's own channel: the typed line can only go there.
    answer: mpsc::Sender<String>,
}

impl ReplyDesk {
    /// Opens the desk on a thread of its own, reading lines from `typed`
    /// and printing prompts on `out`. `when_done` runs on that thread once
    /// the person is done typing (end of input), so the server can stop.
    pub fn open<R: BufRead + Send + 'static>(
        typed: LineSource<R>,
        out: Output,
        when_done: impl FnOnce() + Send + 'static,
    ) -> (ReplyDesk, thread::JoinHandle<()>) {
        let (requests, queue) = mpsc::channel();
        let desk_thread = thread::spawn(move || {
            serve_requests(typed, queue, &out);
            when_done();
        });
        (ReplyDesk { requests }, desk_thread)
    }

    // ANCHOR: ask
    /// Queues for an answer to `client`'s message and waits for it.
    /// `None`: the person at the server has stopped typing.
    pub fn ask(&self, client: SocketAddr) -> Option<String> {
        let (answer, answered) = mpsc::channel();
        self.requests.send(Request { client, answer }).ok()?;
        // The desk drops `answer` unanswered when input ends: recv fails.
        answered.recv().ok()
    }
    // ANCHOR_END: ask
}

/// The desk thread: one prompt and one typed line per request, in order.
fn serve_requests<R: BufRead>(
    mut typed: LineSource<R>,
    queue: mpsc::Receiver<Request>,
    out: &Output,
) {
    // Ends when every `ReplyDesk` is dropped (the server has finished).
    for request in queue {
        let prompt = format!("reply to {}> ", request.client);
        debug!("reply desk: asking for the answer to {}", request.client);
        let line = loop {
            let mut writer = out.prompt_writer();
            let line = typed.prompt(&mut writer, &prompt);
            writer.done();
            match line {
                // Bytes that are not UTF-8 were typed: say so, ask again.
                Err(e) if e.kind() == io::ErrorKind::InvalidData => out.line(e),
                other => break other,
            }
        };
        match line {
            // The client may have gone while the person typed; then its
            // channel is closed and the answer is dropped.
            Ok(Some(text)) => drop(request.answer.send(text)),
            Ok(None) => return, // end of input
            Err(e) => {
                out.line(format!("cannot read typed replies any more: {e}"));
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[test]
    fn each_answer_goes_to_the_client_it_was_typed_for() {
        let typed = LineSource::reader(&b"for A\nfor B\n"[..], true);
        let done = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&done);
        let (desk, thread) = ReplyDesk::open(typed, Output::new(io::sink()), move || {
            flag.store(true, Ordering::SeqCst)
        });
        let a: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let b: SocketAddr = "127.0.0.1:2".parse().unwrap();
        assert_eq!(desk.ask(a).as_deref(), Some("for A"));
        assert_eq!(desk.ask(b).as_deref(), Some("for B"));
        // Input has ended: no more answers, and the desk says it is done.
        assert_eq!(desk.ask(a), None);
        thread.join().unwrap();
        assert!(done.load(Ordering::SeqCst));
        assert_eq!(desk.ask(b), None, "a closed desk answers None at once");
    }
}
