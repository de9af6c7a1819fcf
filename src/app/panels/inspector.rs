//! The right-hand panel: the annotation of the selected region, then the alignment, detection
//! and view sections.

use super::super::view::ViewState;
use super::super::{Command, Runtime};
use crate::project::Project;

/// Shows the inspector panel.
pub fn ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &mut ViewState,
    runtime: &Runtime,
    commands: &mut Vec<Command>,
) {
    egui::Panel::right("inspector")
        .resizable(true)
        .default_size(290.0)
        .size_range(240.0..=480.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                egui::CollapsingHeader::new(egui::RichText::new("Annotation").strong())
                    .default_open(true)
                    .show(ui, |ui| {
                        super::annotation::ui(ui, project, view, runtime, commands);
                    });
                egui::CollapsingHeader::new(egui::RichText::new("Alignment").strong())
                    .default_open(true)
                    .show(ui, |ui| {
                        super::alignment::ui(ui, project, view, runtime, commands)
                    });
                egui::CollapsingHeader::new(egui::RichText::new("Detection").strong())
                    .default_open(true)
                    .show(ui, |ui| {
                        super::detection::ui(ui, project, view, runtime, commands)
                    });
                egui::CollapsingHeader::new(egui::RichText::new("View").strong())
                    .default_open(true)
                    .show(ui, |ui| super::super::views::settings_ui(ui, view));
            });
        });
}
