//! The questions about the document's safety, each a modal window: restore an autosave found
//! at start (Restore / Discard), save unsaved changes before they would be lost (Save / Don't
//! save / Cancel), and what to do about a project's missing or changed images (Relocate…,
//! continue with the new file, or cancel).
//!
//! Only draws and returns [`Command`]s; what the answers do is in [`super::super::persist`].

use std::time::SystemTime;

use super::super::command::Command;
use super::super::command::FileAction as Action;
use super::super::persist::{Dialog, PendingOpen, Then, which_label};
use super::super::runtime::Runtime;
use crate::project::{ImageProblemKind, Project};

/// Width of the question windows, in points.
const WIDTH: f32 = 520.0;

/// Shows the open question, if any.
pub fn ui(ctx: &egui::Context, project: &Project, runtime: &Runtime, commands: &mut Vec<Command>) {
    let persist = &runtime.persist;
    match persist.dialog() {
        None => {}
        Some(Dialog::Restore { recovery, .. }) => {
            let name = recovery
                .origin
                .as_deref()
                .and_then(|p| p.file_name())
                .map_or_else(
                    || persist.display_name(&recovery.project),
                    |n| {
                        let n = n.to_string_lossy();
                        n.strip_suffix(crate::project::PROJECT_EXTENSION)
                            .unwrap_or(&n)
                            .to_owned()
                    },
                );
            let annotated = recovery
                .project
                .regions
                .iter()
                .filter(|r| !r.label.is_empty() || !r.note.is_empty() || !r.links.is_empty())
                .count();
            modal(ctx, "restore-offer", |ui| {
                ui.heading("Recover unsaved work?");
                ui.add_space(6.0);
                ui.add(
                    egui::Label::new(format!(
                        "Palimpsest closed before the last changes to “{name}” were saved. \
                         A copy was kept automatically {}.",
                        ago(recovery.saved_at)
                    ))
                    .wrap(),
                );
                ui.add_space(4.0);
                ui.label(
                    egui::RichText::new({
                        let n = recovery.project.regions.len();
                        let s = if n == 1 { "" } else { "s" };
                        format!("{n} region{s}, {annotated} with notes")
                    })
                    .weak(),
                );
                if let Some(origin) = &recovery.origin {
                    ui.label(egui::RichText::new(origin.display().to_string()).weak())
                        .on_hover_text("The project file this copy belongs to; it is unchanged.");
                }
                ui.add_space(10.0);
                buttons(
                    ui,
                    commands,
                    &[
                        ("Restore", Action::Restore, true),
                        ("Discard", Action::DiscardRecovery, true),
                    ],
                );
            });
        }
        Some(Dialog::Unsaved { then }) => {
            let name = persist.display_name(project);
            let (heading, what) = match then {
                Then::Quit => (format!("Save changes to “{name}” before closing?"), ""),
                Then::Command(_) => (
                    format!("Save changes to “{name}” first?"),
                    " Opening another pair or project replaces it.",
                ),
            };
            let closed = modal(ctx, "unsaved-prompt", |ui| {
                ui.heading(heading);
                ui.add_space(6.0);
                ui.add(
                    egui::Label::new(format!(
                        "The document has changes that are not in a project file.{what} \
                         Changes you don't save are lost."
                    ))
                    .wrap(),
                );
                ui.add_space(10.0);
                buttons(
                    ui,
                    commands,
                    &[
                        ("Save", Action::SaveThenContinue, true),
                        ("Don't save", Action::DiscardThenContinue, true),
                        ("Cancel", Action::CancelPrompt, true),
                    ],
                );
            });
            if closed {
                commands.push(Command::Persist(Action::CancelPrompt));
            }
        }
        Some(Dialog::Problems(pending)) => {
            let closed = modal(ctx, "image-problems", |ui| problems(ui, pending, commands));
            if closed {
                commands.push(Command::Persist(Action::CancelOpen));
            }
        }
    }
}

/// The images of a project being opened that need attention.
fn problems(ui: &mut egui::Ui, pending: &PendingOpen, commands: &mut Vec<Command>) {
    let name = pending
        .origin
        .as_deref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "the project".to_owned());
    ui.heading(format!("Images of {name}"));
    ui.add_space(6.0);
    let warn = ui.visuals().warn_fg_color;
    for problem in &pending.problems {
        let which = which_label(problem.which);
        let (headline, detail) = match &problem.kind {
            ImageProblemKind::Missing => (
                format!("{which} image is missing"),
                "No file is there any more. Find it where it was moved.".to_owned(),
            ),
            ImageProblemKind::Unreadable { reason } => (
                format!("{which} image cannot be read"),
                format!("{reason}. Find a readable copy."),
            ),
            ImageProblemKind::HashMismatch { .. } => (
                format!("{which} image was replaced or edited"),
                "The file is not the one this project was saved with, so its regions and \
                 notes may not fit it. Continue with the new file, or find the original."
                    .to_owned(),
            ),
        };
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(WIDTH - 24.0);
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new("⚠").color(warn).size(18.0));
                ui.label(egui::RichText::new(headline).strong());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .button("Relocate…")
                        .on_hover_text(format!("Choose the {} image", problem.which.name()))
                        .clicked()
                    {
                        commands.push(Command::Persist(Action::Relocate(problem.which)));
                    }
                });
            });
            ui.add(egui::Label::new(detail).wrap());
            ui.label(egui::RichText::new(problem.path.display().to_string()).weak());
        });
        ui.add_space(4.0);
    }
    for note in &pending.notes {
        ui.add(egui::Label::new(egui::RichText::new(note).italics()).wrap());
    }
    ui.add_space(10.0);
    let go = if pending.has_changed_image() {
        "Continue with the new file"
    } else {
        "Open project"
    };
    buttons(
        ui,
        commands,
        &[
            (go, Action::ContinueOpen, !pending.blocked()),
            ("Cancel", Action::CancelOpen, true),
        ],
    );
}

/// A modal window of the usual width; returns `true` when the user dismissed it (Escape or a
/// click outside).
fn modal(ctx: &egui::Context, id: &str, content: impl FnOnce(&mut egui::Ui)) -> bool {
    egui::Modal::new(egui::Id::unique(id))
        .show(ctx, |ui| {
            ui.set_width(WIDTH);
            content(ui);
        })
        .should_close()
}

/// A row of buttons, first one first.
fn buttons(ui: &mut egui::Ui, commands: &mut Vec<Command>, row: &[(&str, Action, bool)]) {
    ui.horizontal(|ui| {
        for (label, action, enabled) in row {
            if ui
                .add_enabled(
                    *enabled,
                    egui::Button::new(*label).min_size([96.0, 0.0].into()),
                )
                .clicked()
            {
                commands.push(Command::Persist(action.clone()));
            }
        }
    });
}

/// "3 minutes ago" and the like.
fn ago(at: SystemTime) -> String {
    let secs = SystemTime::now()
        .duration_since(at)
        .map_or(0, |d| d.as_secs());
    match secs {
        0..60 => "less than a minute ago".to_owned(),
        60..120 => "a minute ago".to_owned(),
        120..3600 => format!("{} minutes ago", secs / 60),
        3600..7200 => "an hour ago".to_owned(),
        7200..86_400 => format!("{} hours ago", secs / 3600),
        86_400..172_800 => "yesterday".to_owned(),
        _ => format!("{} days ago", secs / 86_400),
    }
}
