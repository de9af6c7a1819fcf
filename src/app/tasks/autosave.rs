//! The autosave task: one named thread that writes and removes recovery files in the order
//! asked, so the UI never waits on the disk; only quitting waits for it ([`Autosaver::flush`]).

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, SystemTime};

use crate::project::{DataDir, Project};

/// Requests and outcomes the channels hold before a send waits.
const CAPACITY: usize = 16;

/// How long dropping the task waits for pending recovery writes.
const DROP_FLUSH: Duration = Duration::from_secs(5);

/// One thing for the autosave thread to do.
pub enum Request {
    /// Write the recovery file of `project` (belonging to the file `origin`, if saved).
    Write {
        /// The data folder.
        data: DataDir,
        /// The document.
        project: Box<Project>,
        /// Its project file, if saved.
        origin: Option<PathBuf>,
    },
    /// Remove the recovery file of the document belonging to `origin`.
    Clear {
        /// The data folder.
        data: DataDir,
        /// Its project file, if saved.
        origin: Option<PathBuf>,
    },
    /// Answer on the channel once every job before this one is done.
    Flush(SyncSender<()>),
}

/// The background thread that writes and removes recovery files, in the order asked.
#[derive(Default)]
pub struct Autosaver {
    tx: Option<SyncSender<Request>>,
    outcomes: Option<Receiver<Result<Option<SystemTime>, String>>>,
}

impl Autosaver {
    /// Queues `job`; waits while the queue is full.
    ///
    /// # Errors
    /// The thread could not be started or has stopped; the message is for the user.
    pub fn send(&mut self, job: Request) -> Result<(), String> {
        if self.tx.is_none() {
            let (tx, rx) = sync_channel::<Request>(CAPACITY);
            let (out_tx, out_rx) = sync_channel(CAPACITY);
            super::spawn::named("palimpsest-autosave", move || {
                for job in rx {
                    let outcome = match job {
                        Request::Write {
                            data,
                            project,
                            origin,
                        } => data
                            .write_recovery(&project, origin.as_deref())
                            .map(|_| Some(SystemTime::now()))
                            .map_err(|e| e.to_string()),
                        Request::Clear { data, origin } => data
                            .clear_recovery(origin.as_deref())
                            .map(|()| None)
                            .map_err(|e| e.to_string()),
                        Request::Flush(ack) => {
                            let _ = ack.send(());
                            continue;
                        }
                    };
                    if out_tx.send(outcome).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| format!("could not start the autosave thread: {e}"))?;
            self.tx = Some(tx);
            self.outcomes = Some(out_rx);
        }
        self.tx
            .as_ref()
            .and_then(|tx| tx.send(job).ok())
            .ok_or_else(|| "the autosave thread has stopped".to_owned())
    }

    /// Waits until every job sent so far is done (or `timeout` passes).
    pub fn flush(&mut self, timeout: Duration) {
        if self.tx.is_none() {
            return;
        }
        let (ack_tx, ack_rx) = sync_channel(1);
        if self.send(Request::Flush(ack_tx)).is_ok() {
            let _ = ack_rx.recv_timeout(timeout);
        }
    }

    /// What the jobs finished since the last call came to: the time a recovery file was
    /// written, `None` for a removal, or why a job failed.
    pub fn poll(&mut self) -> Vec<Result<Option<SystemTime>, String>> {
        self.outcomes
            .as_ref()
            .map(|rx| rx.try_iter().collect())
            .unwrap_or_default()
    }
}

impl Drop for Autosaver {
    fn drop(&mut self) {
        self.flush(DROP_FLUSH);
    }
}
