//! What happens to each datagram: a fixed plan, or chance from a seed.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// What the relay does with one datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Forward it.
    Ok,
    /// Lose it.
    Drop,
    /// Forward it twice.
    Dup,
    /// Hold it back, then forward it.
    Late,
    /// Hold it until the next datagram in the same direction has passed.
    Swap,
}

impl FromStr for Fate {
    type Err = String;

    fn from_str(word: &str) -> Result<Fate, String> {
        match word.trim() {
            "ok" => Ok(Fate::Ok),
            "drop" => Ok(Fate::Drop),
            "dup" => Ok(Fate::Dup),
            "late" => Ok(Fate::Late),
            "swap" => Ok(Fate::Swap),
            other => Err(format!(
                "{other:?} is not a fate; expected ok, drop, dup, late or swap"
            )),
        }
    }
}

impl fmt::Display for Fate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fate::Ok => "ok",
            Fate::Drop => "dropped",
            Fate::Dup => "duplicated",
            Fate::Late => "late",
            Fate::Swap => "swapped with the next",
        })
    }
}

/// A fixed fate for each datagram, in order (`ok` once it is used up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan(pub Vec<Fate>);

/// `ok,drop,late`: one fate per datagram, in order.
pub fn parse_plan(text: &str) -> Result<Plan, String> {
    let plan: Vec<Fate> = text
        .split(',')
        .filter(|w| !w.trim().is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    if plan.is_empty() {
        return Err("the plan is empty; expected e.g. ok,drop,late,ok,dup".into());
    }
    Ok(Plan(plan))
}

/// A probability, 0 to 1.
pub fn parse_probability(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "{text:?} is not a probability; expected a number from 0 to 1, e.g. 0.2"
        )),
    }
}

/// Which direction the faults apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Direction {
    /// The server's answers (the requests all pass).
    Answers,
    /// The clients' requests (the answers all pass).
    Requests,
    /// Both, each direction with its own plan or its own draws.
    Both,
}

/// How datagrams are treated: everything needed to repeat a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// A fixed fate per datagram; when given, the probabilities are unused.
    pub plan: Option<Plan>,
    /// Chance that a datagram is lost.
    pub drop: f64,
    /// Chance that a datagram is duplicated.
    pub dup: f64,
    /// Chance that a datagram is held back for `hold`.
    pub delay: f64,
    /// Chance that a datagram swaps places with the next one.
    pub reorder: f64,
    /// How long a late datagram is held back.
    pub hold: Duration,
    /// The generator's seed: the same seed, the same fates.
    pub seed: u64,
    /// Where the faults apply.
    pub direction: Direction,
}

impl Default for Faults {
    /// No faults at all: a plain forwarder.
    fn default() -> Self {
        Faults {
            plan: None,
            drop: 0.0,
            dup: 0.0,
            delay: 0.0,
            reorder: 0.0,
            hold: Duration::from_millis(800),
            seed: 1,
            direction: Direction::Answers,
        }
    }
}

impl Faults {
    /// Checks that the probabilities add up to at most 1.
    pub fn check(&self) -> Result<(), String> {
        let total = self.drop + self.dup + self.delay + self.reorder;
        if total > 1.0 + 1e-9 {
            return Err(format!(
                "--drop, --dup, --delay and --reorder add up to {total}, more than 1; \
                 each datagram has one fate"
            ));
        }
        Ok(())
    }

    /// The fates of one direction (`answers`: the server's answers).
    pub fn fates(&self, answers: bool) -> Fates {
        let faulty = match self.direction {
            Direction::Answers => answers,
            Direction::Requests => !answers,
            Direction::Both => true,
        };
        // Each direction draws from its own generator, so the fates of the
        // answers do not depend on how requests and answers interleave.
        let stream = if answers { 0xA5A5_A5A5 } else { 0x5A5A_5A5A };
        Fates {
            faults: self.clone(),
            faulty,
            next: 0,
            rng: SplitMix64(self.seed ^ stream),
        }
    }
}

/// The sequence of fates for one direction.
#[derive(Debug, Clone)]
pub struct Fates {
    faults: Faults,
    faulty: bool,
    next: usize,
    rng: SplitMix64,
}

impl Fates {
    /// The fate of the next datagram.
    pub fn decide(&mut self) -> Fate {
        if !self.faulty {
            return Fate::Ok;
        }
        let index = self.next;
        self.next += 1;
        if let Some(plan) = &self.faults.plan {
            return plan.0.get(index).copied().unwrap_or(Fate::Ok);
        }
        let f = &self.faults;
        let r = self.rng.next_f64();
        let mut edge = f.drop;
        for (chance, fate) in [
            (0.0, Fate::Drop),
            (f.dup, Fate::Dup),
            (f.delay, Fate::Late),
            (f.reorder, Fate::Swap),
        ] {
            edge += chance;
            if r < edge {
                return fate;
            }
        }
        Fate::Ok
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, well-mixed generator,
/// plenty for choosing fates; not for anything secret.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_followed_then_everything_passes() {
        let faults = Faults {
            plan: Some(parse_plan("ok,drop,late,dup,swap").unwrap()),
            ..Faults::default()
        };
        let mut answers = faults.fates(true);
        let got: Vec<Fate> = (0..7).map(|_| answers.decide()).collect();
        use Fate::*;
        assert_eq!(got, [Ok, Drop, Late, Dup, Swap, Ok, Ok]);
        // The requests are not faulty by default.
        let mut requests = faults.fates(false);
        assert!((0..5).all(|_| requests.decide() == Ok));
    }

    #[test]
    fn bad_plans_and_probabilities_say_what_is_expected() {
        assert!(parse_plan("ok,lost")
            .unwrap_err()
            .contains("expected ok, drop"));
        assert!(parse_plan(",").unwrap_err().contains("empty"));
        assert!(parse_probability("1.5")
            .unwrap_err()
            .contains("from 0 to 1"));
        assert!(parse_probability("x").is_err());
        let too_much = Faults {
            drop: 0.6,
            dup: 0.6,
            ..Faults::default()
        };
        assert!(too_much.check().unwrap_err().contains("more than 1"));
    }

    #[test]
    fn the_same_seed_gives_the_same_fates_at_the_asked_rates() {
        let faults = Faults {
            drop: 0.2,
            dup: 0.1,
            delay: 0.1,
            seed: 42,
            ..Faults::default()
        };
        let run = |faults: &Faults| -> Vec<Fate> {
            let mut f = faults.fates(true);
            (0..10_000).map(|_| f.decide()).collect()
        };
        let first = run(&faults);
        assert_eq!(first, run(&faults));
        let share = |fate| first.iter().filter(|&&f| f == fate).count() as f64 / 1e4;
        assert!(
            (share(Fate::Drop) - 0.2).abs() < 0.02,
            "{}",
            share(Fate::Drop)
        );
        assert!((share(Fate::Dup) - 0.1).abs() < 0.02);
        assert!((share(Fate::Late) - 0.1).abs() < 0.02);
        assert_eq!(share(Fate::Swap), 0.0);
        let other = Faults { seed: 43, ..faults };
        assert_ne!(first, run(&other));
    }
}
