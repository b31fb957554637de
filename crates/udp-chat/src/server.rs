//! The server: bind, then loop: receive a message, print who sent it,
//! answer that sender.

use std::io::{self, BufRead, Write};
use std::net::UdpSocket;

use common::{advice, args::host_port, Encoding, LineSource, Reply};
use log::debug;

use crate::MAX_DATAGRAM;

// ANCHOR: bind
/// Steps 1-2: create a UDP socket and bind it to `host:port`.
pub fn bind(host: &str, port: u16) -> anyhow::Result<UdpSocket> {
    // 1-2. socket(AF_INET, SOCK_DGRAM) + bind(). One server per contact:
    //      start the next one with --port 8082, and so on.
    let socket =
        UdpSocket::bind((host, port)).map_err(|e| advice::bind(e, host_port(host, port)))?;
    debug!("socket, bind: {}", socket.local_addr()?);
    Ok(socket)
}
// ANCHOR_END: bind

// ANCHOR: loop
/// Serves messages until the person answering them is done typing (end of
/// stdin). With `--reply` or `--echo` nobody types, so it serves forever.
pub fn serve<R: BufRead>(
    socket: &UdpSocket,
    reply: &Reply,
    typed: &mut LineSource<R>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    while serve_one(socket, reply, typed, out)? {}
    writeln!(out, "no reply typed; the server stops")?;
    Ok(())
}
// ANCHOR_END: loop

/// Steps 3-4: receive one message, print it, answer its sender. Returns
/// `false` when the answer was to be typed and the input has ended.
pub fn serve_one<R: BufRead>(
    socket: &UdpSocket,
    reply: &Reply,
    typed: &mut LineSource<R>,
    out: &mut impl Write,
) -> anyhow::Result<bool> {
    // ANCHOR: recv
    // 3. recvfrom(): one message and who sent it. Any client can write to
    //    this one socket; the address tells them apart.
    let mut buf = [0u8; MAX_DATAGRAM];
    let (n, peer) = match socket.recv_from(&mut buf) {
        Ok(got) => got,
        // Windows (not Linux) reports here that an earlier answer bounced
        // off a client that had gone: that client only, so carry on.
        Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {
            writeln!(
                out,
                "an earlier answer was not delivered: {}",
                advice::explain(&e)
            )?;
            return Ok(true);
        }
        Err(e) => anyhow::bail!("receiving failed: {}", advice::explain(&e)),
    };
    debug!("recv_from: {n} bytes from {peer}");
    let text = Encoding::Utf8.decode_all(&buf[..n]);
    writeln!(out, "from [{peer}]: {text}")?;
    // ANCHOR_END: recv

    // ANCHOR: send
    // 4. The answer (typed, like the tutorial's input(), or --reply/--echo),
    //    sent to the address recvfrom() returned.
    let prompt = format!("reply to {peer}> ");
    let Some(answer) = reply.answer(&text, typed, out, &prompt)? else {
        return Ok(false);
    };
    match socket.send_to(answer.as_bytes(), peer) {
        Ok(sent) => debug!("send_to: {sent} bytes to {peer}"),
        Err(e) => writeln!(out, "could not answer {peer}: {}", advice::explain(&e))?,
    }
    // ANCHOR_END: send
    Ok(true)
}
