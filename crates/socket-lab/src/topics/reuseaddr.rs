//! `reuseaddr`: SO_REUSEADDR and TIME_WAIT. The side that closes a TCP
//! connection first keeps it in TIME_WAIT for a minute (Linux: 60 s), still
//! holding the port. Can a restarted server bind that port at once?
//!
//! On Linux, only if BOTH the new socket and the TIME_WAIT one had
//! SO_REUSEADDR (the TIME_WAIT connection inherits it from its listener).
//! std's `TcpListener::bind` sets it on Unix, so std servers restart fine;
//! socket2 lets us choose, as Python's `setsockopt` does.

use std::io::{self, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use socket2::{Domain, SockAddr, SockRef, Socket, Type};

use crate::lab::errno;
use crate::Lab;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    let free: SockAddr = SocketAddr::from(([127, 0, 0, 1], 0)).into();
    for (old, new) in [(false, false), (true, true), (false, true)] {
        // ANCHOR: case
        // 1-3. The old server: socket, SO_REUSEADDR or not, bind, listen; one
        //      connection it closes first; then the new server binds again.
        let first = listener(old)?;
        first.bind(&free)?;
        first.listen(8)?;
        let addr = time_wait_port(first.into())?;
        let result = listener(new).and_then(|second| second.bind(&addr.into()));
        // ANCHOR_END: case
        let shown = lab.addr(addr);
        let (old, new) = (with(old), with(new));
        lab.step(format!(
            "old server {old}, new server {new}: bind {shown} again"
        ));
        lab.say(match result {
            Ok(()) => "Ok: bound while the old connection is in TIME_WAIT".to_string(),
            Err(e) => format!(
                "Err({}): the TIME_WAIT connection holds the port",
                errno(&e)
            ),
        });
    }
    lab.say("socket2 made these sockets (Python: setsockopt): std's bind gives no choice");

    // ANCHOR: std
    // 4. std's TcpListener::bind sets SO_REUSEADDR itself on Unix.
    let first = TcpListener::bind("127.0.0.1:0")?;
    let set = SockRef::from(&first).reuse_address()?;
    let addr = time_wait_port(first)?;
    let again = TcpListener::bind(addr);
    // ANCHOR_END: std
    lab.step(format!(
        "std TcpListener::bind: SO_REUSEADDR read back = {set}"
    ));
    lab.say(match again {
        Ok(_) => "a second TcpListener::bind of the same port right after: Ok".to_string(),
        Err(e) => format!("a second TcpListener::bind: Err({})", errno(&e)),
    });
    lab.say("SO_REUSEADDR never lets two LISTENING sockets share a port (that is SO_REUSEPORT)");
    lab.elsewhere("Windows: SO_REUSEADDR lets a socket bind a port ANOTHER socket is using (stealing it); servers use SO_EXCLUSIVEADDRUSE instead, and std sets neither there. FreeBSD and macOS (BSD): the NEW socket's SO_REUSEADDR alone is enough (man 7 socket names the difference)");
    Ok(())
}

// ANCHOR: listener
/// socket() + setsockopt(SO_REUSEADDR, reuse) with socket2: std has no
/// way to choose, its bind sets the option itself.
fn listener(reuse: bool) -> io::Result<Socket> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.set_reuse_address(reuse)?;
    Ok(socket)
}
// ANCHOR_END: listener

// ANCHOR: time_wait
/// Takes one connection and closes it from the server's side first, so the
/// server's end goes to TIME_WAIT; then closes the listener too. Returns
/// the address, now held only by the TIME_WAIT connection.
fn time_wait_port(listener: TcpListener) -> io::Result<SocketAddr> {
    let addr = listener.local_addr()?;
    let mut client = TcpStream::connect(addr)?;
    let (conn, _) = listener.accept()?;
    drop(conn); // the server closes first
    client.set_read_timeout(Some(Duration::from_secs(1)))?;
    // The client sees EOF, and closes too.
    if client.read(&mut [0; 1])? != 0 {
        return Err(io::Error::other("expected EOF from the server"));
    }
    drop(client);
    thread::sleep(Duration::from_millis(20)); // lets the last ACK land
    Ok(addr)
}
// ANCHOR_END: time_wait

fn with(reuse: bool) -> &'static str {
    if reuse {
        "with SO_REUSEADDR"
    } else {
        "without"
    }
}
