//! Ctrl-C and SIGTERM, as something the accept loop can `.await`.
//!
//! A signal arrives at any moment, on no particular thread. tokio turns it
//! into an event of its runtime: the handler the OS calls only writes a
//! byte to a pipe the reactor watches, and the task waiting on the signal
//! is woken like any task waiting on a socket. So the accept loop can wait
//! for "a client, or a stop" with one `select!`, and nothing is interrupted
//! halfway.
//!
//! Where platforms differ: Ctrl-C is SIGINT on Unix, and `kill PID` (or a
//! service manager stopping the program) sends SIGTERM. Windows has no
//! SIGTERM; `tokio::signal::ctrl_c` there listens for the console's Ctrl-C
//! event, and that is all this module waits for on Windows.
//!
//! The handlers are installed when a [`Signals`] is made: before the server
//! prints its listening line, so a stop sent the moment it is listening is
//! never lost (and never kills the process the default way).

/// Ctrl-C and (on Unix) SIGTERM, listened for since [`Signals::install`].
pub struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    /// Starts listening for the stop signals. Must run inside the runtime.
    pub fn install() -> anyhow::Result<Signals> {
        #[cfg(unix)]
        {
            use anyhow::Context;
            use tokio::signal::unix::{signal, SignalKind};
            let interrupt =
                signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C (SIGINT)")?;
            let terminate = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
            Ok(Signals {
                interrupt,
                terminate,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Waits for the first stop signal; returns its name, for the log.
    pub async fn received(self) -> String {
        #[cfg(unix)]
        {
            let Signals {
                mut interrupt,
                mut terminate,
            } = self;
            tokio::select! {
                _ = interrupt.recv() => "Ctrl-C (SIGINT)".to_string(),
                _ = terminate.recv() => "SIGTERM".to_string(),
            }
        }
        #[cfg(not(unix))]
        {
            // An error here means no Ctrl-C can ever arrive: wait for ever,
            // as a server that cannot be stopped with Ctrl-C would.
            match tokio::signal::ctrl_c().await {
                Ok(()) => "Ctrl-C".to_string(),
                Err(_) => std::future::pending().await,
            }
        }
    }
}
