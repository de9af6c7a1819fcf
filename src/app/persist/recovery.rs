//! The autosave and the restore offer: after an interval with unsaved changes the document goes
//! to a recovery file (written by the autosave task, [`crate::app::tasks::autosave`]); the file
//! is removed when the document is clean again; a recovery file newer than its project is
//! offered on the next start.

use std::sync::Arc;
use std::time::Instant;

use super::{Arrival, Dialog, FLUSH_TIMEOUT, Pending, Then};
use crate::app::PalimpsestApp;
use crate::app::command::{Command, FileAction, Start};
use crate::app::tasks::autosave::Request;
use crate::project::Recovery;

impl PalimpsestApp {
    /// Once per frame, after the worker's events (see [`frame`]). Returns the save command of a
    /// Save key pressed while typing, to be carried out at once.
    pub(crate) fn persist_frame(&mut self, ctx: &egui::Context) -> Option<Command> {
        frame(self, ctx)
    }

    /// When the window closes (see [`on_exit`]).
    pub(crate) fn persist_on_exit(&mut self) {
        on_exit(self);
    }

    /// On the first frame (see [`offer_recovery`]).
    pub(crate) fn offer_recovery(&mut self, start: Start) -> Option<Start> {
        offer_recovery(self, start)
    }
}

/// Once per frame, after the worker's events: notices a newly opened document, autosaves,
/// handles a request to close the window, and keeps the window title current. Returns the
/// save command of a Save key pressed while typing, to be carried out at once.
fn frame(app: &mut PalimpsestApp, ctx: &egui::Context) -> Option<Command> {
    observe_pair(app);
    if let Some(fixed) = app.runtime.persist.settling
        && !app.runtime.busy()
    {
        let p = &mut app.runtime.persist;
        p.baseline = (!fixed).then(|| app.project.clone());
        p.settling = None;
    }
    for outcome in app.runtime.tasks.autosave.poll() {
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
            p.clear_recovery(&mut app.runtime.tasks.autosave, origin);
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
        p.clear_recovery(&mut app.runtime.tasks.autosave, old);
    }
    let job = Request::Write {
        data: p.data.clone(),
        project: Box::new(app.project.clone()),
        origin: origin.clone(),
    };
    p.send(&mut app.runtime.tasks.autosave, job);
    p.written = Some((app.project.clone(), origin));
}

/// Writes the recovery file now and waits for it (closing, or about to ask).
fn write_recovery_now(app: &mut PalimpsestApp) {
    if !app.is_dirty() {
        return;
    }
    queue_recovery_write(app);
    app.runtime.tasks.autosave.flush(FLUSH_TIMEOUT);
}

/// When the window closes: unsaved changes the user did not explicitly discard go to the
/// recovery file, and pending writes are waited for.
fn on_exit(app: &mut PalimpsestApp) {
    if !app.runtime.persist.allow_close {
        write_recovery_now(app);
    }
    app.runtime.tasks.autosave.flush(FLUSH_TIMEOUT);
}

/// On the first frame: when an autosave newer than its project file exists, asks whether to
/// restore it and holds `start` back until answered (returns `None`); otherwise returns
/// `start` to be opened.
fn offer_recovery(app: &mut PalimpsestApp, start: Start) -> Option<Start> {
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
