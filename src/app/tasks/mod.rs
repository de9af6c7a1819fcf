//! The registry of background tasks: every thread the app runs is one of these, started through
//! [`spawn::named`], talking to the UI over bounded channels and waking it with a repaint.
//!
//! - **analysis** ([`super::worker::Worker`]): decoding a pair, aligning and analysing it,
//!   detecting again when a control moves. One job at a time; each gets a generation number,
//!   a newer request sets the older one's cancel flag, and events of older generations are
//!   dropped, so only the newest result is shown. Reports progress by stage.
//! - **autosave** ([`autosave::Autosaver`]): one long-lived thread writing and removing
//!   recovery files in the order asked; quitting waits for it.
//! - **export** ([`export::Exports`]): one export at a time on its own thread; a second is
//!   refused while one runs. Counts its slides, pages or frames for the status bar, and stops
//!   at the next of them when cancelled, writing nothing.
//!
//! Results come back as values the app turns into commands (`Command::Worker`) or messages;
//! no task touches the document.

pub mod autosave;
pub mod export;
pub mod spawn;

use super::worker::Worker;

/// The background tasks of one app.
#[derive(Default)]
pub struct Tasks {
    /// Decoding, analysis and detection.
    pub analysis: Worker,
    /// Recovery-file writes.
    pub autosave: autosave::Autosaver,
    /// The export running, if any, and the latest result.
    pub export: export::Exports,
}

impl Tasks {
    /// Cancels the running analysis and export (the window is closing).
    pub fn cancel(&mut self) {
        self.analysis.cancel();
        self.export.cancel();
    }
}
