//! Turning results into text: one run's summary, numbers people can read.

use crate::loadgen::{Protocol, Report};

/// A multi-line summary of one load-generator run.
pub fn summary(r: &Report) -> String {
    let mut text = format!(
        "target      {} ({}, {} clients, {}-byte messages)\n",
        r.addr,
        match r.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        },
        r.clients,
        r.message_bytes
    );
    if r.connect_s > 0.0 {
        text += &format!(
            "connected   {} at once (connect phase {:.2} s)\n",
            r.peak_connections, r.connect_s
        );
    }
    text += &format!(
        "{:<11} {} in {:.2} s = {}/s\n",
        if r.protocol == Protocol::Tcp {
            "round trips"
        } else {
            "echoed"
        },
        thousands(r.round_trips as f64),
        r.elapsed_s,
        thousands(r.round_trips_per_s),
    );
    let l = &r.latency_us;
    text += &format!(
        "latency     p50 {}  p90 {}  p99 {}  mean {}  max {}\n",
        duration_us(l.p50),
        duration_us(l.p90),
        duration_us(l.p99),
        duration_us(l.mean),
        duration_us(l.max)
    );
    if let Some(f) = &r.first_reply_us {
        text += &format!(
            "first reply p50 {}  p90 {}  p99 {}  mean {}  max {}  (from connect to first echo)\n",
            duration_us(f.p50),
            duration_us(f.p90),
            duration_us(f.p99),
            duration_us(f.mean),
            duration_us(f.max)
        );
    }
    text += &format!("errors      {}\n", r.errors);
    for (kind, n) in &r.error_kinds {
        text += &format!("            {n} x {kind}\n");
    }
    text
}

/// A whole number with thousands separators: 1234567.8 -> "1,234,568".
pub fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A latency given in microseconds, in the unit that reads best:
/// "38 µs", "1.25 ms", "3.10 s".
pub fn duration_us(us: f64) -> String {
    if us < 1_000.0 {
        format!("{us:.0} µs")
    } else if us < 1_000_000.0 {
        format!("{:.2} ms", us / 1_000.0)
    } else {
        format!("{:.2} s", us / 1_000_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(1234567.8), "1,234,568");
        assert_eq!(thousands(-5.0), "0");
    }

    #[test]
    fn durations_pick_a_unit() {
        assert_eq!(duration_us(38.2), "38 µs");
        assert_eq!(duration_us(1250.0), "1.25 ms");
        assert_eq!(duration_us(3_100_000.0), "3.10 s");
    }
}
