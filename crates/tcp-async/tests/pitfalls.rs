//! The book's pitfall, proven: one blocking call inside a task stalls
//! every other task on a `current_thread` runtime.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use testkit::{connect, read_exact_text};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

// ANCHOR: blocking
/// An echo server whose answer to `slow` comes a second late. With
/// `blocking`, the task waits with `std::thread::sleep`: the THREAD sleeps,
/// and on a current_thread runtime that is every task's thread.
/// Without, it waits with `tokio::time::sleep(..).await`: only the task
/// sleeps, and the runtime goes on running the others.
async fn slow_echo(listener: TcpListener, blocking: bool) {
    while let Ok((mut stream, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut buf = [0u8; 1024];
            while let Ok(n @ 1..) = stream.read(&mut buf).await {
                if &buf[..n] == b"slow" {
                    if blocking {
                        std::thread::sleep(Duration::from_secs(1)); // wrong
                    } else {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
                if stream.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        });
    }
}
// ANCHOR_END: blocking

/// Starts `slow_echo` on a current_thread runtime of its own.
fn start(blocking: bool) -> SocketAddr {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let runtime = tcp_async::runtime().unwrap();
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            slow_echo(listener, blocking).await;
        });
    });
    rx.recv_timeout(testkit::TIMEOUT).unwrap()
}

/// How long a quick message waits while another client's `slow` is served.
fn quick_answer_while_another_is_slow(addr: SocketAddr) -> Duration {
    let mut slow = connect(addr);
    let mut quick = connect(addr);
    // Both connected and answered once, so both tasks are running.
    quick.write_all(b"warm").unwrap();
    assert_eq!(read_exact_text(&mut quick, 4), "warm");
    slow.write_all(b"slow").unwrap();
    thread::sleep(Duration::from_millis(100)); // the slow task is sleeping now
    let started = Instant::now();
    quick.write_all(b"quick").unwrap();
    assert_eq!(read_exact_text(&mut quick, 5), "quick");
    let took = started.elapsed();
    assert_eq!(read_exact_text(&mut slow, 4), "slow");
    took
}

#[test]
fn a_blocking_sleep_in_one_task_stalls_every_client() {
    let took = quick_answer_while_another_is_slow(start(true));
    assert!(took > Duration::from_millis(500), "answered after {took:?}");
}

#[test]
fn an_awaited_sleep_stalls_nobody() {
    let took = quick_answer_while_another_is_slow(start(false));
    assert!(took < Duration::from_millis(500), "answered after {took:?}");
}
