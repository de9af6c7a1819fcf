//! Exports from the File menu: the annotated image, the side-by-side composite, the slides, the
//! animated reveal (GIF or APNG), the PDF handout (A4 or Letter), the PDF worksheet (A4), the W3C
//! Web Annotation, the CSV of the regions, and the offline lesson and quiz pages (HTML).
//!
//! Each entry sends [`Command::ExportDialog`]; the command handler asks for a destination,
//! refuses one that is a source, and starts the export task ([`super::super::tasks::export`]).
//! This module draws the menu entries, the export's part of the status bar while one runs (what
//! it makes, how many of its slides, pages or frames are done, and a Cancel button) and the
//! "Saved to …" or "Export cancelled" message.

use std::time::Duration;

use super::super::command::Command;
use super::super::runtime::Runtime;
use super::super::tasks::export::{ExportKind, Notice};

/// The menu entries, inside the File menu.
pub fn menu(ui: &mut egui::Ui, enabled: bool, commands: &mut Vec<Command>) {
    ui.add_enabled_ui(enabled, |ui| {
        ui.menu_button("Export", |ui| {
            let mut entry = |ui: &mut egui::Ui, label: &str, kind: ExportKind| {
                if ui.button(label).clicked() {
                    commands.push(Command::ExportDialog(kind));
                    ui.close();
                }
            };
            entry(ui, "Annotated image…", ExportKind::AnnotatedImage);
            entry(ui, "Side-by-side…", ExportKind::SideBySide);
            entry(ui, "Slides…", ExportKind::Slides);
            ui.menu_button("Reveal animation", |ui| {
                entry(ui, "GIF…", ExportKind::RevealGif);
                entry(ui, "APNG…", ExportKind::RevealApng);
            });
            ui.menu_button("PDF handout", |ui| {
                entry(ui, "A4…", ExportKind::PdfA4);
                entry(ui, "Letter…", ExportKind::PdfLetter);
            });
            entry(ui, "Worksheet (PDF)…", ExportKind::Worksheet);
            entry(ui, "Web Annotation…", ExportKind::WebAnnotation);
            entry(ui, "CSV…", ExportKind::Csv);
            ui.separator();
            entry(ui, "Lesson page…", ExportKind::LessonPage);
            entry(ui, "Quiz page…", ExportKind::QuizPage);
        });
    });
}

/// The export's part of the status bar while one runs: "Exporting the slides: 3 of 9 slides",
/// a progress bar once the export has counted anything, and a Cancel button (a spinner and
/// "Cancelling…" once pressed). Drawn into a right-to-left layout, so right to left.
pub fn status(ui: &mut egui::Ui, runtime: &Runtime, commands: &mut Vec<Command>) {
    let export = &runtime.tasks.export;
    let Some((kind, path, started)) = export.running() else {
        return;
    };
    let secs = started.elapsed().as_secs_f32();
    ui.separator();
    if export.cancelling() {
        ui.label(format!("Cancelling the export of the {}…", kind.label()));
        ui.spinner();
    } else {
        if ui
            .button("Cancel")
            .on_hover_text("Stop the export; nothing of it is written")
            .clicked()
        {
            commands.push(Command::CancelExport);
        }
        match export.progress().filter(|c| c.total > 0) {
            Some(count) => {
                ui.add(
                    egui::ProgressBar::new(count.done as f32 / count.total as f32)
                        .desired_width(120.0),
                );
                ui.label(format!(
                    "Exporting the {}: {} of {} {}",
                    kind.label(),
                    count.done,
                    count.total,
                    count.unit
                ))
            }
            None => {
                ui.spinner();
                ui.label(format!("Exporting the {}… {secs:.0} s", kind.label()))
            }
        }
        .on_hover_text(format!("{} · {secs:.0} s", path.display()));
    }
    ui.ctx().request_repaint_after(Duration::from_millis(250));
}

/// The "Saved to …" message, at the bottom of the window until it expires.
pub fn message_ui(ctx: &egui::Context, runtime: &Runtime) {
    let Some((message, notice, left)) = runtime.tasks.export.message_left() else {
        return;
    };
    let (mark, colour) = match notice {
        Notice::Saved => ("✔", egui::Color32::from_rgb(90, 180, 110)),
        Notice::Cancelled => ("⏹", egui::Color32::from_rgb(170, 170, 170)),
    };
    egui::Area::new(egui::Id::unique("export-message"))
        .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -40.0])
        .order(egui::Order::Foreground)
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style())
                .inner_margin(10.0)
                .show(ui, |ui| {
                    ui.set_max_width(720.0);
                    ui.horizontal(|ui| {
                        ui.label(egui::RichText::new(mark).color(colour));
                        ui.add(egui::Label::new(message).wrap());
                    });
                });
        });
    ctx.request_repaint_after(left + Duration::from_millis(50));
}
