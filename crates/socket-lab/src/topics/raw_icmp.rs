//! `raw-icmp`: an ICMP echo ("ping") to 127.0.0.1, built by hand.
//!
//! SOCK_RAW hands the program whole IP packets, so it needs root or
//! CAP_NET_RAW; without, `socket()` itself fails with EPERM. Linux also has
//! an unprivileged ICMP socket, SOCK_DGRAM + IPPROTO_ICMP ("ping socket"),
//! allowed for the groups in net.ipv4.ping_group_range. Neither is in std:
//! socket2 creates both, and std's `UdpSocket` reads them once created.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, Socket, Type};

use crate::lab::errno;
use crate::Lab;

const ID: u16 = 0x1ab;
const TIMEOUT: Duration = Duration::from_millis(500);

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    let request = echo_request(ID, 1, b"socket-lab");
    lab.step(format!(
        "build an ICMP echo request: type 8, code 0, id {ID:#x}, seq 1, {} bytes, checksum {:#06x}",
        request.len(),
        u16::from_be_bytes([request[2], request[3]])
    ));

    // ANCHOR: raw
    // 2. socket(AF_INET, SOCK_RAW, IPPROTO_ICMP): root or CAP_NET_RAW only.
    let raw = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4));
    // ANCHOR_END: raw
    match raw {
        Ok(socket) => {
            lab.machine("raw sockets allowed (root or CAP_NET_RAW)");
            lab.step("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) with socket2: allowed");
            let socket: UdpSocket = socket.into();
            let (reply, took) = ping(&socket, &request, ID)?;
            let header = usize::from(reply[0] & 0x0f) * 4;
            let icmp = &reply[header..];
            lab.step(format!(
                "sendto 127.0.0.1, recvfrom: {} bytes = a {header}-byte IP header + ICMP type {} (echo reply), id {:#x}, seq {}, {}",
                reply.len(),
                icmp[0],
                u16::from_be_bytes([icmp[4], icmp[5]]),
                u16::from_be_bytes([icmp[6], icmp[7]]),
                lab.took(took)
            ));
            lab.say("a raw socket receives whole IP packets, header included (it also sees our own request: skipped)");
        }
        Err(err) => {
            lab.machine(format!("raw sockets not allowed: {}", errno(&err)));
            lab.step(format!(
                "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP): {:?}, {}",
                err.kind(),
                errno(&err)
            ));
            lab.say("raw sockets need root or CAP_NET_RAW: they can forge any packet (the `ping` program gets it from a file capability or setuid root, or uses the socket below)");
        }
    }

    // ANCHOR: dgram
    // 3. socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): no privilege, if the group is allowed.
    let dgram = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::ICMPV4));
    // ANCHOR_END: dgram
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range")
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into());
    match dgram {
        Ok(socket) => {
            lab.machine("ICMP datagram sockets allowed for this group");
            lab.step("socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): allowed");
            lab.say(format!(
                "net.ipv4.ping_group_range = {range} includes this group"
            ));
            let socket: UdpSocket = socket.into();
            // The kernel replaces the id with the socket's own "port" and
            // fills in the checksum; replies come without the IP header.
            let (reply, took) = ping(&socket, &request, 0)?;
            lab.say(format!(
                "sendto 127.0.0.1, recvfrom: {} bytes = ICMP type {} (echo reply) without an IP header, seq {}, {}",
                reply.len(),
                reply[0],
                u16::from_be_bytes([reply[6], reply[7]]),
                lab.took(took)
            ));
        }
        Err(err) => {
            lab.machine(format!(
                "ICMP datagram sockets not allowed: {}",
                errno(&err)
            ));
            lab.step(format!(
                "socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): {:?}, {}",
                err.kind(),
                errno(&err)
            ));
            lab.say(format!("net.ipv4.ping_group_range = {range}: allowed only for groups in that range; `1 0` (empty) allows nobody, not even root"));
        }
    }
    lab.elsewhere("macOS allows SOCK_DGRAM + IPPROTO_ICMP for everyone (replies include the IP header there); raw sockets need root. Windows: raw sockets need Administrator, and ping uses the IcmpSendEcho API instead. Python: socket.socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) raises PermissionError the same way.");
    Ok(())
}

// ANCHOR: build
/// An ICMP echo request: type 8, code 0, checksum, identifier, sequence, payload.
fn echo_request(id: u16, seq: u16, payload: &[u8]) -> Vec<u8> {
    let mut packet = vec![8, 0, 0, 0];
    packet.extend_from_slice(&id.to_be_bytes());
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.extend_from_slice(payload);
    let sum = checksum(&packet);
    packet[2..4].copy_from_slice(&sum.to_be_bytes());
    packet
}

/// The Internet checksum (RFC 1071): the ones' complement of the ones'
/// complement sum of the 16-bit words.
fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for pair in data.chunks(2) {
        let word = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
        sum += u32::from(word);
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}
// ANCHOR_END: build

/// Sends `request` to 127.0.0.1 and waits (at most 0.5 s) for an echo reply
/// (type 0). A raw socket also sees the request itself and other ICMP
/// traffic: skip it. `want_id` 0 means any id (the kernel chose it).
fn ping(socket: &UdpSocket, request: &[u8], want_id: u16) -> io::Result<(Vec<u8>, Duration)> {
    let start = Instant::now();
    socket.set_read_timeout(Some(TIMEOUT))?;
    socket.send_to(request, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
    let mut buf = [0u8; 1500];
    while start.elapsed() < TIMEOUT {
        let (n, _from) = socket.recv_from(&mut buf)?;
        let packet = &buf[..n];
        // Raw sockets start with the IP header; ICMP datagram sockets do not.
        let icmp = if n > 0 && packet[0] >> 4 == 4 {
            &packet[usize::from(packet[0] & 0x0f) * 4..]
        } else {
            packet
        };
        let is_reply = icmp.len() >= 8 && icmp[0] == 0;
        let id = icmp.get(4..6).map(|b| u16::from_be_bytes([b[0], b[1]]));
        if is_reply && (want_id == 0 || id == Some(want_id)) {
            return Ok((packet.to_vec(), start.elapsed()));
        }
    }
    Err(io::Error::new(
        io::ErrorKind::TimedOut,
        "no echo reply within 0.5 s",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_of_a_packet_with_its_checksum_is_zero() {
        let packet = echo_request(0x1234, 7, b"odd");
        assert_eq!(checksum(&packet), 0);
        // RFC 1071's example words.
        assert_eq!(
            checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]),
            !0xddf2
        );
    }
}
