//! Time enters the core through a [`Clock`], so tests decide what "now" is.

use chrono::{DateTime, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    fn today(&self) -> chrono::NaiveDate {
        self.now().date_naive()
    }
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that says what it was told; each call can advance it by a fixed step.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<DateTime<Utc>>,
    step: chrono::Duration,
}

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self { now: Mutex::new(at), step: chrono::Duration::zero() }
    }
    /// Each reading advances the clock by `step` (distinct, ordered timestamps in tests).
    pub fn ticking(at: DateTime<Utc>, step: chrono::Duration) -> Self {
        Self { now: Mutex::new(at), step }
    }
    pub fn set(&self, at: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        let t = *now;
        *now = t + self.step;
        t
    }
}
