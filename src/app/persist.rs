//! Keeping the document safe: the project file it belongs to, whether it has unsaved changes,
//! Save and Save As, opening a project file through [`Project::load`] (with its image checks),
//! the autosave to a recovery file, the offer to restore that file after a crash, and the
//! question asked before unsaved changes would be thrown away.
//!
//! "Unsaved" means the document differs from a snapshot taken when it was last saved or opened
//! (so undoing back to that state makes it clean again). While a newly opened pair is still
//! being analysed the snapshot follows the document, since the analysis fills it in.
//!
//! Recovery files are written on a background thread, in order, so the UI never waits on the
//! disk; only quitting waits for them. File formats, atomic writes and the data folder belong to
//! [`crate::project`]; the windows that show the questions are in
//! [`super::panels::project_dialogs`]. This module draws nothing itself.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::time::{Duration, Instant, SystemTime};

use super::command::FileAction;
use super::{Command, PalimpsestApp, Start};
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
    Opened { fixed: bool },
    /// A restored autosave: unsaved, compared with (and undoable back to) the file on disk.
    Restored { disk: Option<Box<Project>> },
}

#[derive(Debug)]
pub struct Pending {
    /// The project file the document belongs to, if any.
    pub origin: Option<PathBuf>,
    /// How it should count once it arrives.
    pub arrival: Arrival,
}

enum Job {
    Write {
        data: DataDir,
        project: Box<Project>,
        origin: Option<PathBuf>,
    },
    Clear {
        data: DataDir,
        origin: Option<PathBuf>,
    },
    Flush(SyncSender<()>),
}

/// The background thread that writes and removes recovery files, in the order asked.
#[derive(Default)]
struct Autosaver {
    tx: Option<Sender<Job>>,
    outcomes: Option<Receiver<Result<Option<SystemTime>, String>>>,
}

impl Autosaver {
    fn send(&mut self, job: Job) -> Result<(), String> {
        if self.tx.is_none() {
            let (tx, rx) = channel::<Job>();
            let (out_tx, out_rx) = channel();
            std::thread::Builder::new()
                .name("palimpsest-autosave".to_owned())
                .spawn(move || {
                    for job in rx {
                        let outcome = match job {
                            Job::Write {
                                data,
                                project,
                                origin,
                            } => data
                                .write_recovery(&project, origin.as_deref())
                                .map(|_| Some(SystemTime::now()))
                                .map_err(|e| e.to_string()),
                            Job::Clear { data, origin } => data
                                .clear_recovery(origin.as_deref())
                                .map(|()| None)
                                .map_err(|e| e.to_string()),
                            Job::Flush(ack) => {
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
    fn flush(&mut self, timeout: Duration) {
        if self.tx.is_none() {
            return;
        }
        let (ack_tx, ack_rx) = sync_channel(1);
        if self.send(Job::Flush(ack_tx)).is_ok() {
            let _ = ack_rx.recv_timeout(timeout);
        }
    }

    fn poll(&mut self) -> Vec<Result<Option<SystemTime>, String>> {
        self.outcomes
            .as_ref()
            .map(|rx| rx.try_iter().collect())
            .unwrap_or_default()
    }
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
    autosaver: Autosaver,
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
            self.autosaver.flush(FLUSH_TIMEOUT);
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
            autosaver: Autosaver::default(),
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

    fn send(&mut self, job: Job) {
        if let Err(e) = self.autosaver.send(job) {
            self.last_error = Some(e);
        }
    }

    pub(super) fn clear_recovery(&mut self, origin: Option<PathBuf>) {
        let data = self.data.clone();
        self.send(Job::Clear { data, origin });
    }
}

impl PalimpsestApp {
    /// True when the document has changes that are not in its project file.
    #[must_use]
    pub fn is_dirty(&self) -> bool {
        let p = &self.runtime.persist;
        self.runtime.pair.is_some()
            && p.settling.is_none()
            && p.baseline.as_ref() != Some(&self.project)
    }

    /// The project file of the open document, if it has one.
    #[must_use]
    pub fn project_path(&self) -> Option<&Path> {
        self.runtime.persist.path()
    }

    /// The data folder holding the recovery file and the recent-projects list.
    #[must_use]
    pub fn data_dir(&self) -> &DataDir {
        self.runtime.persist.data_dir()
    }

    /// When the recovery file was last written in this session.
    #[must_use]
    pub fn autosaved_at(&self) -> Option<SystemTime> {
        self.runtime.persist.autosaved_at()
    }

    /// True once the user agreed to close the window (nothing unsaved, or answered).
    #[must_use]
    pub fn closing(&self) -> bool {
        self.runtime.persist.closing()
    }

    /// The window title: the document's name, with a bullet while it has unsaved changes.
    #[must_use]
    pub fn window_title(&self) -> String {
        if self.runtime.pair.is_none() && self.runtime.persist.path.is_none() {
            return "Palimpsest".to_owned();
        }
        let name = self.runtime.persist.display_name(&self.project);
        if self.is_dirty() {
            format!("• {name} — Palimpsest")
        } else {
            format!("{name} — Palimpsest")
        }
    }
}

/// Once per frame, after the worker's events: notices a newly opened document, autosaves,
/// handles a request to close the window, and keeps the window title current. Returns the
/// save command of a Save key pressed while typing, to be carried out at once.
pub fn frame(app: &mut PalimpsestApp, ctx: &egui::Context) -> Option<Command> {
    observe_pair(app);
    if let Some(fixed) = app.runtime.persist.settling
        && !app.runtime.busy()
    {
        let p = &mut app.runtime.persist;
        p.baseline = (!fixed).then(|| app.project.clone());
        p.settling = None;
    }
    for outcome in app.runtime.persist.autosaver.poll() {
        match outcome {
            Ok(Some(at)) => app.runtime.persist.autosaved_at = Some(at),
            Ok(None) => {}
            Err(e) => app.runtime.persist.last_error = Some(e),
        }
    }
    if let Some(e) = app.runtime.persist.last_error.take() {
        app.runtime.error = Some(format!("Autosave failed: {e}"));
    }
    autosave_tick(app, ctx);

    if ctx.input(|i| i.viewport().close_requested()) && !app.runtime.persist.allow_close {
        if app.is_dirty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            write_recovery_now(app);
            app.runtime.persist.dialog = Some(Dialog::Unsaved { then: Then::Quit });
        } else {
            app.runtime.persist.allow_close = true;
        }
    }
    let mut save_key = None;
    // Save keys work while typing in a note, when the ordinary shortcuts are off.
    if ctx.text_edit_focused() {
        let save_as = egui::KeyboardShortcut::new(
            egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
            egui::Key::S,
        );
        let save = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::S);
        if ctx.input_mut(|i| i.consume_shortcut(&save_as)) {
            save_key = Some(Command::Persist(FileAction::SaveAs));
        } else if ctx.input_mut(|i| i.consume_shortcut(&save)) {
            save_key = Some(Command::Persist(FileAction::Save));
        }
    }

    let title = app.window_title();
    if title != app.runtime.persist.title {
        ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
        app.runtime.persist.title = title;
    }
    save_key
}

/// When a new pair has arrived from the worker: take over what the opening said about it.
fn observe_pair(app: &mut PalimpsestApp) {
    let id = app
        .runtime
        .pair
        .as_ref()
        .map(|p| Arc::as_ptr(&p.before).addr());
    if id == app.runtime.persist.seen_pair {
        return;
    }
    app.runtime.persist.seen_pair = id;
    if id.is_none() {
        return;
    }
    let p = &mut app.runtime.persist;
    let pending = p.pending.take().unwrap_or(Pending {
        origin: None,
        arrival: Arrival::Opened { fixed: false },
    });
    p.path = pending.origin;
    p.due = None;
    p.written = None;
    match pending.arrival {
        Arrival::Opened { fixed } => {
            p.baseline = None;
            p.settling = Some(fixed);
        }
        Arrival::Restored { disk } => {
            p.settling = None;
            if let Some(d) = disk.as_deref()
                && d.before.path == app.project.before.path
                && d.after.path == app.project.after.path
                && *d != app.project
            {
                app.history.push(d.clone(), None);
            }
            p.baseline = disk.map(|d| *d);
        }
    }
    if let Some(path) = p.path.clone() {
        match p.data.add_recent_project(&path) {
            Ok(list) => p.recent = list,
            Err(e) => crate::job::trace_line(&format!("recent projects not updated: {e}")),
        }
    }
}

/// Writes the recovery file when the document has had unsaved changes for an interval, and
/// removes it when the document is clean again.
fn autosave_tick(app: &mut PalimpsestApp, ctx: &egui::Context) {
    let dirty = app.is_dirty();
    let p = &mut app.runtime.persist;
    if p.allow_close {
        return;
    }
    if !dirty {
        p.due = None;
        if let Some((_, origin)) = p.written.take() {
            p.clear_recovery(origin);
        }
        return;
    }
    let up_to_date = p
        .written
        .as_ref()
        .is_some_and(|(doc, origin)| *doc == app.project && *origin == p.path);
    if up_to_date {
        p.due = None;
        return;
    }
    let now = Instant::now();
    let due = *p.due.get_or_insert(now + p.interval);
    if now >= due {
        p.due = None;
        queue_recovery_write(app);
    } else {
        ctx.request_repaint_after(due - now);
    }
}

fn queue_recovery_write(app: &mut PalimpsestApp) {
    let p = &mut app.runtime.persist;
    let origin = p.path.clone();
    // A document that moved to another file leaves no stale autosave behind.
    if let Some((_, old)) = &p.written
        && *old != origin
    {
        let old = old.clone();
        p.clear_recovery(old);
    }
    let job = Job::Write {
        data: p.data.clone(),
        project: Box::new(app.project.clone()),
        origin: origin.clone(),
    };
    p.send(job);
    p.written = Some((app.project.clone(), origin));
}

/// Writes the recovery file now and waits for it (closing, or about to ask).
fn write_recovery_now(app: &mut PalimpsestApp) {
    if !app.is_dirty() {
        return;
    }
    queue_recovery_write(app);
    app.runtime.persist.autosaver.flush(FLUSH_TIMEOUT);
}

/// When the window closes: unsaved changes the user did not explicitly discard go to the
/// recovery file, and pending writes are waited for.
pub fn on_exit(app: &mut PalimpsestApp) {
    if !app.runtime.persist.allow_close {
        write_recovery_now(app);
    }
    app.runtime.persist.autosaver.flush(FLUSH_TIMEOUT);
}

/// On the first frame: when an autosave newer than its project file exists, asks whether to
/// restore it and holds `start` back until answered (returns `None`); otherwise returns
/// `start` to be opened.
pub fn offer_recovery(app: &mut PalimpsestApp, start: Start) -> Option<Start> {
    let p = &mut app.runtime.persist;
    let found = p.data.find_recoveries().into_iter().find(|r| {
        !p.offered.contains(&r.path) && !r.project.before.is_unset() && newer_than_origin(r)
    });
    let Some(recovery) = found else {
        return Some(start);
    };
    p.offered.insert(recovery.path.clone());
    p.dialog = Some(Dialog::Restore {
        recovery: Box::new(recovery),
        start: Some(start),
    });
    None
}

/// True when the autosave is worth offering: its project file is gone, was never saved, or is
/// older than the autosave.
fn newer_than_origin(r: &Recovery) -> bool {
    let Some(origin) = &r.origin else {
        return true;
    };
    match std::fs::metadata(origin).and_then(|m| m.modified()) {
        Ok(modified) => modified < r.saved_at,
        Err(_) => true,
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
