//! The dock's Analysis tab: the alignment, detection and view sections. (The selected region's
//! annotation is under the regions list, in the Regions tab.)

use super::super::command::Command;
use super::super::runtime::Runtime;
use super::super::view::ViewState;
use crate::project::Project;

/// Shows the Analysis tab.
pub fn ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &mut ViewState,
    runtime: &Runtime,
    commands: &mut Vec<Command>,
) {
    egui::ScrollArea::vertical()
        .id_salt("analysis-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::CollapsingHeader::new(egui::RichText::new("Alignment").strong())
                .default_open(true)
                .show(ui, |ui| {
                    super::alignment::ui(ui, project, view, runtime, commands);
                });
            egui::CollapsingHeader::new(egui::RichText::new("Detection").strong())
                .default_open(true)
                .show(ui, |ui| {
                    super::detection::ui(ui, project, view, runtime, commands);
                });
            egui::CollapsingHeader::new(egui::RichText::new("View").strong())
                .default_open(true)
                .show(ui, |ui| super::super::views::settings_ui(ui, view));
        });
}
