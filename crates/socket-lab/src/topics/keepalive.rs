//! `keepalive`: SO_KEEPALIVE makes the kernel probe an idle connection and
//! fail it when the peer stops answering. std has no call for it; socket2
//! has `set_keepalive` and `TcpKeepalive` (idle time, interval, retries).
//!
//! A dead peer is noticed only after time + interval x retries of silence,
//! two hours and more with the defaults. Loopback cannot make a peer vanish
//! (its kernel answers every probe) without root, so this topic shows the
//! settings, not a detection.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use socket2::{SockRef, TcpKeepalive};

use crate::Lab;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let mut client = TcpStream::connect(listener.local_addr()?)?;
    let (_server, _) = listener.accept()?;

    // 1. Off by default; the system's defaults apply once it is on.
    let on = SockRef::from(&client).keepalive()?;
    lab.step(format!("a new connection: SO_KEEPALIVE = {on}"));
    let defaults = ["time", "intvl", "probes"].map(|n| sysctl(&format!("tcp_keepalive_{n}")));
    if let [Some(time), Some(intvl), Some(probes)] = defaults {
        let total = time + intvl * probes;
        lab.machine(format!(
            "Linux defaults tcp_keepalive_time {time} s, _intvl {intvl} s, _probes {probes}"
        ));
        lab.say(format!(
            "a dead peer would be noticed after {time} + {intvl} x {probes} = {total} s"
        ));
    }

    // ANCHOR: set
    // 2. On, with our own timing (socket2: std has no keepalive call).
    let keepalive = TcpKeepalive::new()
        .with_time(Duration::from_secs(60))
        .with_interval(Duration::from_secs(10));
    #[cfg(any(target_os = "linux", target_os = "macos", windows))]
    let keepalive = keepalive.with_retries(5);
    let socket = SockRef::from(&client);
    socket.set_tcp_keepalive(&keepalive)?;
    // ANCHOR_END: set
    lab.step("socket2 set_tcp_keepalive(time 60 s, interval 10 s, retries 5), read back:");
    #[cfg(any(target_os = "linux", target_os = "macos"))]
    {
        let time = socket.tcp_keepalive_time()?.as_secs();
        let interval = socket.tcp_keepalive_interval()?.as_secs();
        let retries = socket.tcp_keepalive_retries()?;
        let on = socket.keepalive()?;
        lab.say(format!(
            "SO_KEEPALIVE {on}, time {time} s, interval {interval} s, retries {retries}"
        ));
        lab.say(format!(
            "a vanished peer is noticed after {time} + {interval} x {retries} = {} s",
            time + interval * u64::from(retries)
        ));
    }
    // Windows can set these three but has no call to read them back.
    #[cfg(not(any(target_os = "linux", target_os = "macos")))]
    lab.say(format!(
        "SO_KEEPALIVE {} (Windows cannot read the timings back)",
        socket.keepalive()?
    ));
    lab.step("not shown: the detection itself");
    lab.say("on loopback the peer's kernel answers every probe; making a host vanish needs root");
    lab.say("(a firewall rule) and would take the 110 s above: the lab stops at the settings");

    // ANCHOR: timeout
    // 3. What most protocols do instead: a read timeout (and a heartbeat
    //    message the peer must answer within it).
    client.set_read_timeout(Some(Duration::from_millis(300)))?;
    let started = Instant::now();
    let result = client.read(&mut [0; 16]);
    // ANCHOR_END: timeout
    let waited = lab.waited(started.elapsed(), Duration::from_millis(300));
    lab.step("the alternative: a read timeout of 0.3 s on a silent connection");
    lab.say(match result {
        Ok(n) => format!("read -> Ok({n})"),
        Err(e) => format!(
            "read -> Err({:?}) {waited}: the program decides what silence means",
            e.kind()
        ),
    });
    lab.say("with a heartbeat (send a ping every N s, expect an answer) the timeout catches a dead peer too");
    lab.elsewhere("macOS sets the idle time with TCP_KEEPALIVE (Linux: TCP_KEEPIDLE); socket2 hides the difference. Windows before 10 version 1709 sets only time and interval (SIO_KEEPALIVE_VALS), with the probe count fixed at 10; Windows' read timeout error is TimedOut where Linux's is WouldBlock");
    Ok(())
}

fn sysctl(name: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/sys/net/ipv4/{name}"))
        .ok()?
        .trim()
        .parse()
        .ok()
}
