//! `seqpacket`: SOCK_SEQPACKET over AF_UNIX: a connection, like a stream,
//! that keeps message boundaries, like datagrams.
//!
//! std has no SEQPACKET type at all; socket2 creates one, and its `Socket`
//! reads and writes like any other (`Read`/`Write`).

use crate::Lab;

#[cfg(not(unix))]
pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    lab.not_here(
        "SOCK_SEQPACKET over AF_UNIX needs a Unix system (Windows has no SEQPACKET sockets)",
    );
    Ok(())
}

#[cfg(unix)]
pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    use std::time::Duration;

    use socket2::{Domain, SockAddr, Socket, Type};

    use crate::lab::errno;

    // ANCHOR: create
    // 1. socket(AF_UNIX, SOCK_SEQPACKET): not in std; socket2 makes it.
    let listener = match Socket::new(Domain::UNIX, Type::SEQPACKET, None) {
        Ok(socket) => socket,
        Err(err) => {
            lab.not_here(format!(
                "this system has no SOCK_SEQPACKET for AF_UNIX (socket() failed: {}, {})",
                err,
                errno(&err)
            ));
            return Ok(());
        }
    };
    // ANCHOR_END: create
    let dir = std::env::temp_dir().join(format!("socket-lab-seqpacket-{}", std::process::id()));
    // A directory left by an earlier, interrupted run with this process id: start clean.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    lab.tmp_dir(&dir);
    let path = dir.join("seq.sock");

    // ANCHOR: connect
    // 2. bind, listen, connect, accept: a connection, as with SOCK_STREAM.
    let addr = SockAddr::unix(&path)?;
    listener.bind(&addr)?;
    listener.listen(8)?;
    let mut client = Socket::new(Domain::UNIX, Type::SEQPACKET, None)?;
    client.connect(&addr)?;
    let (mut conn, _) = listener.accept()?;
    conn.set_read_timeout(Some(Duration::from_secs(1)))?;
    // ANCHOR_END: connect
    lab.step(format!(
        "socket(AF_UNIX, SOCK_SEQPACKET) with socket2; bind {}, listen, connect, accept",
        lab.path(&path)
    ));

    // ANCHOR: messages
    // 3. Three sends; each read returns exactly one of them, even with room for all.
    for message in ["one", "two", "three"] {
        client.write_all(message.as_bytes())?;
    }
    let mut buf = [0u8; 1024];
    let mut reads = Vec::new();
    for _ in 0..3 {
        let n = conn.read(&mut buf)?;
        reads.push(format!(
            "{:?} ({n} bytes)",
            String::from_utf8_lossy(&buf[..n])
        ));
    }
    // 4. The client closes: the next read returns 0, end of file, as on a stream.
    drop(client);
    let at_close = conn.read(&mut buf)?;
    // ANCHOR_END: messages
    lab.step("send \"one\", \"two\", \"three\"");
    lab.step(format!(
        "three reads of up to 1024 bytes: {}",
        reads.join(", ")
    ));
    lab.say("the boundaries are kept (SOCK_STREAM would have given one read of 11 bytes)");
    lab.step(format!(
        "the client closes: the next read returns {at_close} bytes (end of file)"
    ));
    lab.say("the connection is kept too: a datagram socket has no end of file to report");

    drop((conn, listener));
    std::fs::remove_dir_all(&dir)?;
    lab.elsewhere("macOS has no SOCK_SEQPACKET for AF_UNIX (socket() fails there, and this topic says so); FreeBSD and Linux have it. Windows has none. Python: socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET), where the system has it.");
    Ok(())
}
