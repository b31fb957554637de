//! Latency histogram: fixed memory however long the run, percentiles within
//! about 1.6 %.
//!
//! A run at 100,000 round trips per second for a minute is six million
//! samples; keeping them all to sort would cost memory that grows with the
//! run. Instead each latency (in nanoseconds) lands in a bucket: values below
//! 128 ns exactly, larger ones in 64 buckets per power of two, so a bucket is
//! never wider than 1/64 of its value. Merging two histograms (one per load
//! generator thread) is adding their counts.

use std::time::Duration;

/// Values below this are counted exactly (one bucket each).
const EXACT: u64 = 128;
/// Sub-buckets per power of two above `EXACT` (relative width 1/64).
const SUB_BITS: u32 = 6;
const SUB: u64 = 1 << SUB_BITS;
/// log2(EXACT): the first power of two that is split into sub-buckets.
const FIRST_EXP: u32 = 7;
/// Enough buckets for every u64 (the top power of two is 2^63).
const BUCKETS: usize = EXACT as usize + (64 - FIRST_EXP as usize) * SUB as usize;

/// Counts of latencies, bucketed; see the module docs.
#[derive(Clone, Debug)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    sum_ns: u128,
    min_ns: u64,
    max_ns: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; BUCKETS],
            total: 0,
            sum_ns: 0,
            min_ns: u64::MAX,
            max_ns: 0,
        }
    }
}

/// The bucket a value in nanoseconds falls into.
fn bucket_of(ns: u64) -> usize {
    if ns < EXACT {
        return ns as usize;
    }
    let exp = 63 - ns.leading_zeros(); // floor(log2(ns)), >= FIRST_EXP
    let sub = (ns >> (exp - SUB_BITS)) & (SUB - 1);
    EXACT as usize + ((exp - FIRST_EXP) as usize) * SUB as usize + sub as usize
}

/// The smallest value in a bucket (what a percentile reports).
fn lower_bound(bucket: usize) -> u64 {
    if bucket < EXACT as usize {
        return bucket as u64;
    }
    let above = bucket - EXACT as usize;
    let exp = FIRST_EXP + (above / SUB as usize) as u32;
    let sub = (above % SUB as usize) as u64;
    (1u64 << exp) + (sub << (exp - SUB_BITS))
}

impl Histogram {
    /// Counts one latency.
    pub fn record(&mut self, latency: Duration) {
        let ns = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX);
        self.counts[bucket_of(ns)] += 1;
        self.total += 1;
        self.sum_ns += u128::from(ns);
        self.min_ns = self.min_ns.min(ns);
        self.max_ns = self.max_ns.max(ns);
    }

    /// Adds another histogram's counts to this one.
    pub fn merge(&mut self, other: &Histogram) {
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
        self.sum_ns += other.sum_ns;
        self.min_ns = self.min_ns.min(other.min_ns);
        self.max_ns = self.max_ns.max(other.max_ns);
    }

    /// How many latencies were recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The `p`-th percentile (0 < p <= 100) by nearest rank: the smallest
    /// recorded value such that at least p % of all values are <= it, rounded
    /// down to its bucket's lower bound (at most 1/64 below the true value).
    /// `None` when nothing was recorded.
    pub fn percentile(&self, p: f64) -> Option<Duration> {
        if self.total == 0 {
            return None;
        }
        let rank = ((p / 100.0) * self.total as f64).ceil().max(1.0) as u64;
        let rank = rank.min(self.total);
        let mut seen = 0;
        for (bucket, &count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                // The exact minimum and maximum are known; never report a
                // value outside them because of bucket rounding.
                let value = lower_bound(bucket).clamp(self.min_ns, self.max_ns);
                return Some(Duration::from_nanos(value));
            }
        }
        Some(Duration::from_nanos(self.max_ns))
    }

    /// The mean latency, `None` when nothing was recorded.
    pub fn mean(&self) -> Option<Duration> {
        let mean = self.sum_ns.checked_div(u128::from(self.total))?;
        Some(Duration::from_nanos(
            u64::try_from(mean).unwrap_or(u64::MAX),
        ))
    }

    /// The largest latency recorded, `None` when nothing was recorded.
    pub fn max(&self) -> Option<Duration> {
        (self.total > 0).then(|| Duration::from_nanos(self.max_ns))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_micros(values: impl IntoIterator<Item = u64>) -> Histogram {
        let mut h = Histogram::default();
        for v in values {
            h.record(Duration::from_micros(v));
        }
        h
    }

    fn micros(d: Option<Duration>) -> f64 {
        d.expect("recorded something").as_nanos() as f64 / 1000.0
    }

    #[test]
    fn empty_histogram_has_no_percentiles() {
        let h = Histogram::default();
        assert_eq!(h.percentile(50.0), None);
        assert_eq!(h.mean(), None);
        assert_eq!(h.max(), None);
    }

    #[test]
    fn buckets_are_contiguous_and_narrow() {
        // Every value maps to a bucket whose lower bound is <= it and within
        // 1/64 of it; bucket indices never go backwards.
        let mut last = 0;
        for ns in (0..200_000u64).chain([u64::MAX / 3, u64::MAX]) {
            let b = bucket_of(ns);
            assert!(b < BUCKETS);
            assert!(b >= last || ns > 200_000);
            last = b;
            let low = lower_bound(b);
            assert!(low <= ns, "{ns} in bucket {b} starting at {low}");
            assert!(
                (ns - low) as f64 <= ns as f64 / 64.0,
                "{ns}: bucket too wide"
            );
        }
    }

    #[test]
    fn percentiles_of_one_to_a_thousand() {
        let h = from_micros(1..=1000);
        assert_eq!(h.count(), 1000);
        for (p, want) in [(50.0, 500.0), (90.0, 900.0), (99.0, 990.0), (100.0, 1000.0)] {
            assert_close(micros(h.percentile(p)), want);
        }
        assert!((micros(h.mean()) - 500.5).abs() < 0.01);
        assert_eq!(micros(h.max()), 1000.0);
    }

    /// Bucket rounding reports at most 1/64 below the true value, never above.
    fn assert_close(got: f64, want: f64) {
        assert!(
            got <= want && got >= want * (1.0 - 1.0 / 64.0),
            "got {got}, want about {want}"
        );
    }

    #[test]
    fn nearest_rank_on_a_few_values() {
        // Ten samples: p50 is the 5th smallest, p90 the 9th, p99 the 10th.
        let h = from_micros([7, 1, 9, 3, 5, 2, 8, 4, 6, 100]);
        assert_close(micros(h.percentile(50.0)), 5.0);
        assert_close(micros(h.percentile(90.0)), 9.0);
        assert_close(micros(h.percentile(99.0)), 100.0);
        assert_close(micros(h.percentile(1.0)), 1.0);
    }

    #[test]
    fn a_slow_tail_shows_in_p99_not_p50() {
        // 98 fast round trips and 2 stuck behind another client: the shape
        // of head-of-line blocking.
        let h = from_micros((0..98).map(|_| 20).chain([50_000, 60_000]));
        assert_close(micros(h.percentile(50.0)), 20.0);
        assert_close(micros(h.percentile(99.0)), 50_000.0);
    }

    #[test]
    fn merging_adds_counts() {
        let mut a = from_micros(1..=500);
        let b = from_micros(501..=1000);
        a.merge(&b);
        assert_eq!(a.count(), 1000);
        let both = from_micros(1..=1000);
        for p in [50.0, 90.0, 99.0] {
            assert_eq!(a.percentile(p), both.percentile(p));
        }
        assert_eq!(a.max(), both.max());
    }

    #[test]
    fn one_value_is_every_percentile() {
        let h = from_micros([42]);
        for p in [1.0, 50.0, 99.0, 100.0] {
            // The minimum and maximum are exact, so one value is exact too.
            assert_eq!(micros(h.percentile(p)), 42.0);
        }
    }
}
