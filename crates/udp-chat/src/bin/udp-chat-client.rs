//! `udp-chat-client`: choose a contact, chat, choose another.

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use udp_chat::contacts::{ContactArg, ContactBook};
use udp_chat::{client, DEFAULT_TIMEOUT};

/// Lesson 6 client: the UDP "QQ" chat (seed 002's "udp聊天器").
///
/// Type a contact's name, then messages to them; each answer is printed with
/// who sent it. `quit` goes back to choosing a contact; `quit` there (or the
/// end of input) exits. A contact that does not answer within --timeout is
/// reported and the chat goes on. Only the contact's answer ends the wait: a
/// late or duplicated answer, or a stranger's datagram, is shown labelled. The default book: 张三 127.0.0.1:8081,
/// 李四 :8082, 王五 :8083, 赵六 :8084.
///
/// Scripted: `--to 张三 -m hello -m bye` chooses 张三, sends the messages and
/// exits; longer scripts can be piped: `printf '张三\nhi\nquit\n李四\nhi\n' | ...`.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// A contact and their server's address; repeat it to build the whole
    /// book (it replaces the default one).
    #[arg(long = "contact", value_name = "NAME=HOST:PORT")]
    contacts: Vec<ContactArg>,
    /// How long to wait for each answer, in seconds (e.g. 2 or 0.3).
    #[arg(long, value_name = "SECS", default_value = DEFAULT_TIMEOUT, value_parser = common::args::parse_seconds)]
    timeout: Duration,
    /// Talk to NAME without asking (use with --message).
    #[arg(long, value_name = "NAME", requires = "messages")]
    to: Option<String>,
    /// Send TEXT to the --to contact instead of reading stdin (repeatable).
    #[arg(long = "message", short = 'm', value_name = "TEXT", requires = "to")]
    messages: Vec<String>,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(&cli))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let book = if cli.contacts.is_empty() {
        ContactBook::tutorial()
    } else {
        ContactBook::from_args(&cli.contacts)?
    };
    // --to NAME -m TEXT... is the same conversation as typing NAME, then
    // each TEXT; the end of the script ends the chat.
    let script: Vec<String> = match &cli.to {
        Some(name) if book.find(name).is_none() => {
            anyhow::bail!("unknown contact {name:?}; known contacts: {}", book.names())
        }
        Some(name) => std::iter::once(name.clone())
            .chain(cli.messages.iter().cloned())
            .collect(),
        None => Vec::new(),
    };
    let mut typed = common::input::from_args_or_stdin(&script);
    let socket = client::open(&book)?;
    client::chat(
        socket,
        &book,
        cli.timeout,
        &mut typed,
        &mut io::stdout(),
        &mut io::stderr(),
    )
}
