//! Keeping the document safe: the state of the project file the document belongs to, whether
//! it has unsaved changes, the autosave, and the questions asked before unsaved changes would be
//! thrown away or when a project's images need attention ([`Dialog`]).
//!
//! "Unsaved" means the document differs from a snapshot taken when it was last saved or opened
//! (so undoing back to that state makes it clean again). While a newly opened pair is still
//! being analysed the snapshot follows the document, since the analysis fills it in.
//!
//! `saving` answers whether the document is saved (and the window title); `recovery` runs the
//! autosave and the restore offer once per frame. Save, Save As, opening a project and the
//! answers to the questions are [`super::command::FileAction`]s carried out by the command
//! handler; recovery files are written by the autosave task ([`super::tasks::autosave`]). File
//! formats, atomic writes and the data folder belong to [`crate::project`]; the windows that show
//! the questions are in [`super::panels::project_dialogs`]. This module draws nothing itself.

mod recovery;
mod saving;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::command::{Command, Start};
use super::tasks::autosave::{Autosaver, Request};
use crate::project::{DataDir, ImageProblem, ImageProblemKind, Project, Recovery, Which};

/// Default time between autosaves of a document with unsaved changes.
pub const DEFAULT_AUTOSAVE: Duration = Duration::from_secs(30);

/// Environment variable that sets the autosave interval, in seconds.
pub const AUTOSAVE_ENV: &str = "PALIMPSEST_AUTOSAVE_SECS";

/// How long quitting waits for pending recovery writes.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// What happens once the unsaved-changes prompt is answered with Save or Don't save.
#[derive(Debug)]
pub enum Then {
    /// Close the window.
    Quit,
    /// Carry out a command that replaces the document.
    Command(Box<Command>),
}

/// A project being opened whose images need the user's attention first.
#[derive(Debug)]
pub struct PendingOpen {
    /// The document as it will be opened (relocations applied).
    pub project: Project,
    /// The project file it belongs to, if any.
    pub origin: Option<PathBuf>,
    /// What is still wrong with its images.
    pub problems: Vec<ImageProblem>,
    /// Things the user should know about the choices made so far.
    pub notes: Vec<String>,
    /// The document was changed on the way in (an image relocated or its fingerprint renewed),
    /// so it differs from the file.
    pub(super) fixed: bool,
    /// For a restored autosave: the project file as it is on disk, if it could be read.
    pub(super) restored: Option<Option<Project>>,
    /// What to open instead if this is cancelled (the start that a restore offer held back).
    pub(super) start: Option<Start>,
}

impl PendingOpen {
    /// True while an image is missing or unreadable, so opening cannot go on yet.
    #[must_use]
    pub fn blocked(&self) -> bool {
        self.problems
            .iter()
            .any(|p| !matches!(p.kind, ImageProblemKind::HashMismatch { .. }))
    }

    /// True when an image is not the file the project was saved with.
    #[must_use]
    pub fn has_changed_image(&self) -> bool {
        self.problems
            .iter()
            .any(|p| matches!(p.kind, ImageProblemKind::HashMismatch { .. }))
    }
}

/// The question being asked, if any.
#[derive(Debug)]
pub enum Dialog {
    /// An autosaved document was found at start.
    Restore {
        /// The autosave.
        recovery: Box<Recovery>,
        /// What the app was asked to open, held back until the question is answered.
        start: Option<Start>,
    },
    /// The document has unsaved changes and something would throw them away.
    Unsaved {
        /// What to do after Save or Don't save.
        then: Then,
    },
    /// A project's images are missing or changed.
    Problems(Box<PendingOpen>),
}

/// How a document that is being opened should count once it arrives.
#[derive(Debug)]
pub enum Arrival {
    /// Clean once its analysis settles; `fixed` documents differ from their file and stay
    /// unsaved until saved.
    Opened {
        /// Changed on the way in (an image relocated or its fingerprint renewed).
        fixed: bool,
    },
    /// A restored autosave: unsaved, compared with (and undoable back to) the file on disk.
    Restored {
        /// The project file as it is on disk, if it could be read.
        disk: Option<Box<Project>>,
    },
}

/// A document on its way in: what the opening said about it, taken over when its pair arrives.
#[derive(Debug)]
pub struct Pending {
    /// The project file the document belongs to, if any.
    pub origin: Option<PathBuf>,
    /// How it should count once it arrives.
    pub arrival: Arrival,
}

/// File and safety state of the open document. Lives in the [`super::Runtime`]; never saved.
pub struct Persist {
    pub(super) data: DataDir,
    /// Remove `data.root` when dropped (a private folder made for a test).
    pub(super) owns_data: bool,
    pub(super) path: Option<PathBuf>,
    /// The document as last saved or opened; `None` when it has never been saved as it is.
    pub(super) baseline: Option<Project>,
    /// While a new document is still being analysed: whether it was changed on the way in.
    pub(super) settling: Option<bool>,
    pub(super) pending: Option<Pending>,
    pub(super) seen_pair: Option<usize>,
    pub(super) dialog: Option<Dialog>,
    /// The next document-replacing command was already agreed to by the user.
    pub(super) bypass: bool,
    /// The user agreed to close the window.
    pub(super) allow_close: bool,
    pub(super) interval: Duration,
    pub(super) due: Option<Instant>,
    /// The document last sent to the recovery file, and the file it belonged to.
    pub(super) written: Option<(Project, Option<PathBuf>)>,
    pub(super) autosaved_at: Option<SystemTime>,
    pub(super) last_error: Option<String>,
    pub(super) recent: Vec<PathBuf>,
    pub(super) title: String,
    pub(super) offered: HashSet<PathBuf>,
}

impl Default for Persist {
    fn default() -> Self {
        Self::new(DataDir::from_env())
    }
}

impl Drop for Persist {
    fn drop(&mut self) {
        if self.owns_data {
            // The autosave task, dropped before this state, has finished its writes.
            let _ = std::fs::remove_dir_all(&self.data.root);
        }
    }
}

impl Persist {
    /// State for a new session using the data folder `data`, with the autosave interval from
    /// [`AUTOSAVE_ENV`] (default [`DEFAULT_AUTOSAVE`]).
    #[must_use]
    pub fn new(data: DataDir) -> Self {
        let interval = std::env::var(AUTOSAVE_ENV)
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map_or(DEFAULT_AUTOSAVE, Duration::from_secs_f64);
        let recent = data.recent_projects();
        Self {
            data,
            owns_data: false,
            path: None,
            baseline: None,
            settling: None,
            pending: None,
            seen_pair: None,
            dialog: None,
            bypass: false,
            allow_close: false,
            interval,
            due: None,
            written: None,
            autosaved_at: None,
            last_error: None,
            recent,
            title: String::new(),
            offered: HashSet::new(),
        }
    }

    /// State for a test: the folder named by `PALIMPSEST_DATA_DIR` when set, else a private
    /// folder in the temporary directory, removed when the state is dropped.
    #[must_use]
    pub fn for_test() -> Self {
        if std::env::var_os("PALIMPSEST_DATA_DIR").is_some_and(|v| !v.is_empty()) {
            return Self::new(DataDir::from_env());
        }
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let root =
            std::env::temp_dir().join(format!("palimpsest-test-data-{}-{n}", std::process::id()));
        let mut p = Self::new(DataDir::at(root));
        p.owns_data = true;
        p
    }

    /// The data folder (recovery file, recent projects).
    #[must_use]
    pub fn data_dir(&self) -> &DataDir {
        &self.data
    }

    /// Uses another data folder.
    pub fn set_data_dir(&mut self, data: DataDir) {
        self.recent = data.recent_projects();
        self.data = data;
        self.owns_data = false;
    }

    /// Sets the time between autosaves.
    pub fn set_autosave_interval(&mut self, interval: Duration) {
        self.interval = interval;
    }

    /// The project file of the open document, if it has one.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Recently opened or saved project files, most recent first.
    #[must_use]
    pub fn recent(&self) -> &[PathBuf] {
        &self.recent
    }

    /// The question being asked, if any.
    #[must_use]
    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialog.as_ref()
    }

    /// The window title last set.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// When the recovery file was last written in this session.
    #[must_use]
    pub fn autosaved_at(&self) -> Option<SystemTime> {
        self.autosaved_at
    }

    /// True once the user agreed to close the window.
    #[must_use]
    pub fn closing(&self) -> bool {
        self.allow_close
    }

    /// A short name for the open document: the project file's name, else its title.
    #[must_use]
    pub fn display_name(&self, project: &Project) -> String {
        if let Some(name) = self.path.as_deref().and_then(Path::file_name) {
            let name = name.to_string_lossy();
            return name
                .strip_suffix(crate::project::PROJECT_EXTENSION)
                .unwrap_or(&name)
                .to_owned();
        }
        if project.title.trim().is_empty() {
            "Untitled".to_owned()
        } else {
            project.title.trim().to_owned()
        }
    }

    /// Queues an autosave job; a failure is reported on the next frame.
    pub(super) fn send(&mut self, autosave: &mut Autosaver, job: Request) {
        if let Err(e) = autosave.send(job) {
            self.last_error = Some(e);
        }
    }

    /// Removes the recovery file of the document belonging to `origin` (in the background).
    pub(crate) fn clear_recovery(&mut self, autosave: &mut Autosaver, origin: Option<PathBuf>) {
        let data = self.data.clone();
        self.send(autosave, Request::Clear { data, origin });
    }
}

/// "Before" or "After".
#[must_use]
pub fn which_label(which: Which) -> &'static str {
    match which {
        Which::Before => "Before",
        Which::After => "After",
    }
}
