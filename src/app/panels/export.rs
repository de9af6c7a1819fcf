//! Exports from the File menu: the annotated image, the side-by-side composite, the slides, the
//! animated reveal (GIF or APNG), the PDF handout (A4 or Letter), the W3C Web Annotation and the
//! CSV of the regions.
//!
//! Each entry sends [`Command::ExportDialog`]; the command handler asks for a destination,
//! refuses one that is a source, and starts the export task ([`super::super::tasks::export`]).
//! This module draws the menu entries, the status-bar spinner while an export runs and the
//! "Saved to …" message.

use std::time::Duration;

use super::super::command::Command;
use super::super::runtime::Runtime;
use super::super::tasks::export::ExportKind;

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
            entry(ui, "Web Annotation…", ExportKind::WebAnnotation);
            entry(ui, "CSV…", ExportKind::Csv);
        });
    });
}

/// The export's part of the status bar: "Exporting …" and a spinner while one runs.
pub fn status(ui: &mut egui::Ui, runtime: &Runtime) {
    if let Some((kind, path, started)) = runtime.tasks.export.running() {
        ui.label(format!(
            "Exporting the {}… {:.0} s",
            kind.label(),
            started.elapsed().as_secs_f32()
        ))
        .on_hover_text(path.display().to_string());
        ui.spinner();
        ui.separator();
        ui.ctx().request_repaint_after(Duration::from_millis(500));
    }
}

/// The "Saved to …" message, at the bottom of the window until it expires.
pub fn message_ui(ctx: &egui::Context, runtime: &Runtime) {
    let Some((message, left)) = runtime.tasks.export.message_left() else {
        return;
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
                        ui.label(
                            egui::RichText::new("✔").color(egui::Color32::from_rgb(90, 180, 110)),
                        );
                        ui.add(egui::Label::new(message).wrap());
                    });
                });
        });
    ctx.request_repaint_after(left + Duration::from_millis(50));
}
