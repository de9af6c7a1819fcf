//! Progress reporting and cancellation for long-running core work.
//!
//! The core knows nothing of threads or of the UI: it takes a [`Job`] and calls it between steps.
//! The app passes a callback that forwards to its channel and a flag that a newer request (or a
//! Cancel button) sets. The analysis reports by [`Stage`] and fraction; work made of countable
//! outputs (an export's slides, pages or frames) reports a [`Count`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// A stage of the analysis, for progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Decoding the input files.
    Loading,
    /// Estimating the transform between the images.
    Aligning,
    /// Warping and tone normalisation.
    Normalising,
    /// Computing the change map.
    Diffing,
    /// Thresholding, cleanup and region extraction.
    Regions,
}

impl Stage {
    /// A short human label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Stage::Loading => "Loading",
            Stage::Aligning => "Aligning",
            Stage::Normalising => "Normalising tone",
            Stage::Diffing => "Finding changes",
            Stage::Regions => "Outlining regions",
        }
    }
}

/// The work was cancelled by the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

/// Progress counted in whole outputs: `done` of `total` slides, pages or frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    /// What is counted, in the plural ("slides", "pages", "frames").
    pub unit: &'static str,
    /// How many are finished.
    pub done: usize,
    /// How many there are in all.
    pub total: usize,
}

/// Progress callbacks and cancel flag for one piece of work. All optional.
#[derive(Clone, Copy, Default)]
pub struct Job<'a> {
    progress: Option<&'a (dyn Fn(Stage, f32) + Sync)>,
    count: Option<&'a (dyn Fn(Count) + Sync)>,
    cancel: Option<&'a AtomicBool>,
}

impl<'a> Job<'a> {
    /// A job nobody watches and nobody can cancel.
    #[must_use]
    pub fn none() -> Self {
        Self::default()
    }

    /// A job with a progress callback (`stage`, fraction of that stage in `0..=1`) and a cancel
    /// flag.
    #[must_use]
    pub fn new(
        progress: Option<&'a (dyn Fn(Stage, f32) + Sync)>,
        cancel: Option<&'a AtomicBool>,
    ) -> Self {
        Self {
            progress,
            count: None,
            cancel,
        }
    }

    /// The same job, also told of progress counted in whole outputs ([`Job::count`]); for
    /// work such as an export, which has no analysis stages (builder style).
    #[must_use]
    pub fn with_count(mut self, count: &'a (dyn Fn(Count) + Sync)) -> Self {
        self.count = Some(count);
        self
    }

    /// Reports progress.
    pub fn report(&self, stage: Stage, fraction: f32) {
        if let Some(p) = self.progress {
            p(stage, fraction.clamp(0.0, 1.0));
        }
    }

    /// Reports that `done` of `total` `unit` (plural: "slides") are finished.
    pub fn count(&self, unit: &'static str, done: usize, total: usize) {
        if let Some(c) = self.count {
            c(Count {
                unit,
                done: done.min(total),
                total,
            });
        }
    }

    /// Returns `Err(Cancelled)` once the cancel flag is set.
    ///
    /// # Errors
    /// [`Cancelled`] when the caller asked to stop.
    pub fn check(&self) -> Result<(), Cancelled> {
        match self.cancel {
            Some(flag) if flag.load(Ordering::Relaxed) => Err(Cancelled),
            _ => Ok(()),
        }
    }
}

/// Whether `error` (or an error it was made from) is [`Cancelled`]: the work stopped because
/// the caller asked, which is no failure to report.
#[must_use]
pub fn is_cancelled(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(error);
    while let Some(e) = cur {
        if e.is::<Cancelled>() {
            return true;
        }
        cur = e.source();
    }
    false
}

/// Whether `PALIMPSEST_TRACE` (set and not empty) asks for timing lines on standard error.
#[must_use]
pub fn tracing() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("PALIMPSEST_TRACE").is_some_and(|v| !v.is_empty()))
}

/// Writes `palimpsest: LINE` to standard error when [`tracing`] is on.
pub fn trace_line(line: &str) {
    if tracing() {
        eprintln!("palimpsest: {line}");
    }
}

/// Reports the time since `since` under `label` when [`tracing`] is on, and returns a fresh
/// start for the next sub-stage.
pub fn trace(label: &str, since: Instant) -> Instant {
    if tracing() {
        trace_line(&format!(
            "{label:<28} {:7.3} s",
            since.elapsed().as_secs_f64()
        ));
    }
    Instant::now()
}
