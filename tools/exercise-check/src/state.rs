//! What the checker remembers between runs, in the exercises' (gitignored)
//! target directory: the result of the last check of each exercise, keyed
//! by a fingerprint of its files, and how many hints a learner has seen.
//!
//! `just exercises` must be instant, so it never builds anything: an
//! exercise is "done" when its last `just check` passed and its files have
//! not changed since.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::generate::Files;

/// A fingerprint of a crate's files (FNV-1a over paths and contents): it
/// changes whenever a learner edits, adds or removes a file.
pub fn fingerprint(files: &Files) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(PRIME);
        }
        // A separator, so that moving bytes between fields changes the hash.
        hash ^= 0xff;
        hash = hash.wrapping_mul(PRIME);
    };
    for (path, bytes) in files {
        feed(path.to_string_lossy().as_bytes());
        feed(bytes);
    }
    hash
}

/// The result of the last check of an exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastCheck {
    /// Every test passed.
    Passed,
    /// It did not compile, a test failed, or the time limit stopped it.
    Failed,
}

/// The checker's memory, loaded from and saved to the state directory.
#[derive(Debug)]
pub struct State {
    dir: PathBuf,
    checks: BTreeMap<String, (u64, LastCheck)>,
    hints: BTreeMap<String, usize>,
}

impl State {
    /// Loads the state (empty if there is none yet).
    pub fn load(dir: &Path) -> State {
        let read = |name: &str| fs::read_to_string(dir.join(name)).unwrap_or_default();
        let mut checks = BTreeMap::new();
        for line in read("checks").lines() {
            let mut fields = line.split_whitespace();
            if let (Some(name), Some(hash), Some(result)) =
                (fields.next(), fields.next(), fields.next())
            {
                if let Ok(hash) = u64::from_str_radix(hash, 16) {
                    let result = if result == "passed" {
                        LastCheck::Passed
                    } else {
                        LastCheck::Failed
                    };
                    checks.insert(name.to_string(), (hash, result));
                }
            }
        }
        let mut hints = BTreeMap::new();
        for line in read("hints").lines() {
            if let Some((name, seen)) = line.split_once(' ') {
                if let Ok(seen) = seen.trim().parse() {
                    hints.insert(name.to_string(), seen);
                }
            }
        }
        State {
            dir: dir.to_path_buf(),
            checks,
            hints,
        }
    }

    /// The last check of `exercise`, if its files are still the ones checked.
    pub fn last_check(&self, exercise: &str, fingerprint: u64) -> Option<LastCheck> {
        match self.checks.get(exercise) {
            Some(&(hash, result)) if hash == fingerprint => Some(result),
            _ => None,
        }
    }

    /// Remembers a check's result and saves the state.
    pub fn record_check(
        &mut self,
        exercise: &str,
        fingerprint: u64,
        result: LastCheck,
    ) -> Result<()> {
        self.checks
            .insert(exercise.to_string(), (fingerprint, result));
        self.save()
    }

    /// How many hints of `exercise` have been shown.
    pub fn hints_seen(&self, exercise: &str) -> usize {
        self.hints.get(exercise).copied().unwrap_or(0)
    }

    /// Remembers how many hints have been shown and saves the state.
    pub fn record_hints(&mut self, exercise: &str, seen: usize) -> Result<()> {
        self.hints.insert(exercise.to_string(), seen);
        self.save()
    }

    fn save(&self) -> Result<()> {
        fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        let checks: String = self
            .checks
            .iter()
            .map(|(name, (hash, result))| {
                let result = match result {
                    LastCheck::Passed => "passed",
                    LastCheck::Failed => "failed",
                };
                format!("{name} {hash:016x} {result}\n")
            })
            .collect();
        let hints: String = self
            .hints
            .iter()
            .map(|(name, seen)| format!("{name} {seen}\n"))
            .collect();
        write_atomically(&self.dir.join("checks"), &checks)?;
        write_atomically(&self.dir.join("hints"), &hints)
    }
}

/// Writes through a temporary file, so two checkers at once (`just watch`
/// and `just check`) never leave a half-written file.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_changes_with_any_edit() {
        let mut files = Files::new();
        files.insert("src/lib.rs".into(), b"fn a() {}".to_vec());
        let before = fingerprint(&files);
        assert_eq!(before, fingerprint(&files.clone()));
        files.insert("src/lib.rs".into(), b"fn b() {}".to_vec());
        assert_ne!(before, fingerprint(&files));
        let mut moved = Files::new();
        moved.insert("src/lib.rs".into(), b"fn b()".to_vec());
        moved.insert("src/x".into(), b" {}".to_vec());
        assert_ne!(fingerprint(&files), fingerprint(&moved));
    }

    #[test]
    fn state_survives_a_reload() {
        let dir = std::env::temp_dir().join(format!("exercise-check-state-{}", std::process::id()));
        let mut state = State::load(&dir);
        state.record_check("01-a", 42, LastCheck::Passed).unwrap();
        state.record_hints("01-a", 2).unwrap();
        let state = State::load(&dir);
        assert_eq!(state.last_check("01-a", 42), Some(LastCheck::Passed));
        assert_eq!(state.last_check("01-a", 43), None, "the files changed");
        assert_eq!(state.hints_seen("01-a"), 2);
        assert_eq!(state.hints_seen("02-b"), 0);
        fs::remove_dir_all(dir).unwrap();
    }
}
