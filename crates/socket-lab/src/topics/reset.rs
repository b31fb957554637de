//! `reset`: what makes a connection end in a reset (RST), and what does not.
//! A process that dies, even by SIGKILL, has its sockets closed by the
//! system: a normal FIN, read as EOF. A reset comes from closing with
//! unread data, from SO_LINGER 0, or from data sent to a closed socket.
//! A host that vanishes sends nothing at all.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use socket2::SockRef;

use crate::lab::errno;
use crate::Lab;

/// Set in the child: connect to this address, then wait to be killed.
const CHILD: &str = "SOCKET_LAB_RESET_CHILD";

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    if let Ok(addr) = std::env::var(CHILD) {
        let _conn = TcpStream::connect(addr)?;
        thread::sleep(Duration::from_secs(5));
        return Ok(());
    }
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;

    // ANCHOR: killed
    // 1. A child process (this program again) connects; we kill it (SIGKILL
    //    on Unix). The system closes its socket for it, normally.
    let mut child = Command::new(std::env::current_exe()?)
        .arg("reset")
        .env(CHILD, addr.to_string())
        .stdout(Stdio::null())
        .spawn()?;
    let conn = accept_within(&listener, Duration::from_secs(2));
    child.kill()?;
    child.wait()?;
    let mut conn = conn?;
    let after_kill = read_once(&mut conn);
    // ANCHOR_END: killed
    lab.step("a child process connects and is killed (SIGKILL)");
    let what = if after_kill.starts_with("Ok(0)") {
        "a FIN, not a reset"
    } else {
        "NOT a plain EOF"
    };
    lab.say(format!("our read -> {after_kill}: {what}"));

    // ANCHOR: unread
    // 2. Closing with unread data in the receive buffer sends RST.
    let mut client = TcpStream::connect(addr)?;
    let (server, _) = listener.accept()?;
    client.write_all(b"never read")?;
    thread::sleep(Duration::from_millis(20)); // let it arrive
    drop(server);
    let unread = read_once(&mut client);
    // ANCHOR_END: unread
    lab.step("the peer closes with our b\"never read\" still unread");
    lab.say(format!("our read -> {unread}"));

    // ANCHOR: linger
    // 3. SO_LINGER with a zero timeout (socket2: std's set_linger is
    //    unstable), then close: an abortive close, RST instead of FIN.
    let mut client = TcpStream::connect(addr)?;
    let (server, _) = listener.accept()?;
    SockRef::from(&server).set_linger(Some(Duration::ZERO))?;
    drop(server);
    let lingered = read_once(&mut client);
    // ANCHOR_END: linger
    lab.step("the peer sets SO_LINGER 0 (socket2) and closes");
    lab.say(format!("our read -> {lingered}"));

    lab.step("not shown: a host that drops off the network");
    lab.say(
        "it sends nothing: an idle read waits for ever (unless a timeout or keepalive ends it),",
    );
    lab.say("and unacknowledged writes end in ETIMEDOUT after tcp_retries2 retransmissions");
    lab.say("(15 by default: about 15 minutes); loopback cannot lose a host without root");
    lab.elsewhere("Windows reports a reset as WSAECONNRESET (10054), macOS as ECONNRESET (54); SO_LINGER 0 resets the same way. Every system closes a dead process's sockets; that Linux sends FIN then is worth knowing, but a peer should handle EOF and reset alike");
    Ok(())
}

/// `accept` with a deadline: std has none, so poll a non-blocking listener.
fn accept_within(listener: &TcpListener, limit: Duration) -> anyhow::Result<TcpStream> {
    listener.set_nonblocking(true)?;
    let started = Instant::now();
    let result = loop {
        match listener.accept() {
            Ok((conn, _)) => break Ok(conn),
            Err(e) if e.kind() == ErrorKind::WouldBlock && started.elapsed() < limit => {
                thread::sleep(Duration::from_millis(10));
            }
            Err(e) => {
                break Err(anyhow::anyhow!(
                    "the child did not connect within {limit:?}: {e}"
                ))
            }
        }
    };
    listener.set_nonblocking(false)?;
    let conn = result?;
    conn.set_nonblocking(false)?;
    Ok(conn)
}

/// One read with a 1 s timeout: `Ok(0) (EOF)` or `Err(errno 104 (ECONNRESET))`.
fn read_once(conn: &mut TcpStream) -> String {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(1)));
    match conn.read(&mut [0; 64]) {
        Ok(0) => "Ok(0) (EOF)".into(),
        Ok(n) => format!("Ok({n})"),
        Err(e) => format!("Err({})", errno(&e)),
    }
}
