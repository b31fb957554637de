//! `unix`: AF_UNIX sockets, named by a path in the file system.
//!
//! Stream and datagram, between two sockets of one machine, no network
//! involved. The socket file outlives the socket: closing a listener does
//! not remove it, and a file left behind blocks the next `bind` and
//! refuses connections. Everything happens in a temporary directory.

use crate::Lab;

#[cfg(not(unix))]
pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    lab.not_here("std has AF_UNIX sockets only on Unix (Windows 10 has AF_UNIX stream sockets, but std has no type for them)");
    Ok(())
}

#[cfg(unix)]
pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    use std::os::unix::fs::FileTypeExt;
    use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};

    use crate::lab::errno;

    let dir = std::env::temp_dir().join(format!("socket-lab-unix-{}", std::process::id()));
    // A directory left by an earlier, interrupted run with this process id: start clean.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    lab.tmp_dir(&dir);
    let path = dir.join("stream.sock");

    // ANCHOR: stream
    // 1. A stream listener named by a path: bind creates the file.
    let listener = UnixListener::bind(&path)?;
    let is_socket = std::fs::metadata(&path)?.file_type().is_socket();
    // 2. Connect by the same path, send, receive: like TCP, minus the network.
    let mut client = UnixStream::connect(&path)?;
    let (mut conn, peer) = listener.accept()?;
    client.write_all(b"hello")?;
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf)?;
    // ANCHOR_END: stream
    lab.step(format!(
        "bind {} and listen: the file exists, is a socket: {is_socket}",
        lab.path(&path)
    ));
    lab.step(format!(
        "connect, send 5 bytes: the server read {n} bytes {:?}",
        String::from_utf8_lossy(&buf[..n])
    ));
    lab.say(format!(
        "the listener's address: {:?}; the client's, as accept() sees it: {:?} (it never bound)",
        listener.local_addr()?.as_pathname().map(|p| lab.path(p)),
        peer.as_pathname()
    ));
    drop((client, conn));

    // ANCHOR: leftover
    // 3. Close the listener: the file stays behind.
    drop(listener);
    let still_there = path.exists();
    // 4. Binding the same path again fails; connecting to the stale file is refused.
    let rebind = UnixListener::bind(&path).err();
    let reconnect = UnixStream::connect(&path).err();
    // ANCHOR_END: leftover
    lab.step(format!(
        "close the listener: the file is still there: {still_there}"
    ));
    lab.step("bind the same path again, and connect to it");
    if let Some(err) = &rebind {
        lab.say(format!("bind: {:?}, {}", err.kind(), errno(err)));
    }
    if let Some(err) = &reconnect {
        lab.say(format!(
            "connect: {:?}, {}: a file, but nobody listening",
            err.kind(),
            errno(err)
        ));
    }

    // ANCHOR: remove
    // 5. The cure: remove the file before binding (and when done).
    std::fs::remove_file(&path)?;
    let listener = UnixListener::bind(&path)?;
    drop(listener);
    std::fs::remove_file(&path)?;
    // ANCHOR_END: remove
    lab.step("remove the file, bind again: works; remove it again when done");

    // ANCHOR: dgram
    // 6. Datagrams: each socket binds its own path, and recv_from names the sender.
    let (a_path, b_path) = (dir.join("a.sock"), dir.join("b.sock"));
    let a = UnixDatagram::bind(&a_path)?;
    let b = UnixDatagram::bind(&b_path)?;
    b.set_read_timeout(Some(std::time::Duration::from_secs(1)))?;
    a.send_to(b"one", &b_path)?;
    a.send_to(b"two", &b_path)?;
    let (n1, from) = b.recv_from(&mut buf)?;
    let (n2, _) = b.recv_from(&mut buf)?;
    // ANCHOR_END: dgram
    lab.step(format!(
        "datagrams: a.sock sends \"one\" and \"two\" to b.sock: two recv_from of {n1} and {n2} bytes, from {:?}",
        from.as_pathname().map(|p| lab.path(p))
    ));
    drop((a, b));

    std::fs::remove_dir_all(&dir)?;
    lab.step("remove the temporary directory");
    lab.elsewhere("macOS: the same (paths up to 104 bytes; Linux 108). Linux also has an abstract namespace (a name starting with a NUL byte, no file to clean up). Windows 10+ has AF_UNIX stream sockets only, no datagrams; std has no type for them there, and Python's socket module does not offer AF_UNIX on Windows.");
    Ok(())
}
