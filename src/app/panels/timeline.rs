//! The timeline of a version chain, under the toolbar: a strip of the versions with their
//! dates, the two being compared highlighted, buttons (and the `[` `]` keys) that step through
//! the chain, and two lists to compare any two versions. Shown only for a chain of more than
//! two versions.

use super::super::command::Command;
use super::super::view::ViewState;
use crate::project::Project;

/// The accessible name of the previous-step button.
pub const PREVIOUS_STEP_LABEL: &str = "Previous step";

/// The accessible name of the next-step button.
pub const NEXT_STEP_LABEL: &str = "Next step";

/// Shows the timeline when `project` is a chain.
pub fn ui(ui: &mut egui::Ui, project: &Project, view: &ViewState, commands: &mut Vec<Command>) {
    if !project.is_chain() {
        return;
    }
    let (from, to) = view.compare;
    let last = project.version_count() - 1;
    egui::Panel::top("timeline").show(ui, |ui| {
        ui.add_space(2.0);
        ui.horizontal_wrapped(|ui| {
            ui.strong("Versions");
            let back = ui
                .add_enabled(to > 1, egui::Button::new("◀"))
                .on_hover_text("Previous step ([)");
            back.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Button, to > 1, PREVIOUS_STEP_LABEL)
            });
            if back.clicked() {
                commands.push(Command::PreviousStep);
            }
            for index in 0..=last {
                if index > 0 {
                    let gone = project.regions_of_step(index as u32 - 1).count();
                    ui.weak(format!("– {gone} gone –"));
                }
                let shown = index == from || index == to;
                let name = project.version_name(index);
                let button = ui
                    .add(egui::Button::selectable(
                        shown,
                        format!("{}. {name}", index + 1),
                    ))
                    .on_hover_text(if index == 0 {
                        "The original: compare it with the next version".to_owned()
                    } else {
                        format!("Show what changed {}", project.step_name(index as u32 - 1))
                    });
                if button.clicked() {
                    let to = index.max(1);
                    commands.push(Command::CompareVersions(to - 1, to));
                }
            }
            let forward = ui
                .add_enabled(to < last, egui::Button::new("▶"))
                .on_hover_text("Next step (])");
            forward.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Button, to < last, NEXT_STEP_LABEL)
            });
            if forward.clicked() {
                commands.push(Command::NextStep);
            }
            ui.separator();
            ui.label("Compare");
            let mut chosen = (from, to);
            version_list(ui, project, "compare-from", &mut chosen.0);
            ui.label("with");
            version_list(ui, project, "compare-to", &mut chosen.1);
            if chosen != (from, to) && chosen.0 != chosen.1 {
                commands.push(Command::CompareVersions(chosen.0, chosen.1));
            }
        });
        ui.add_space(2.0);
    });
}

fn version_list(ui: &mut egui::Ui, project: &Project, id: &str, value: &mut usize) {
    egui::ComboBox::from_id_salt(id)
        .selected_text(project.version_name(*value))
        .show_ui(ui, |ui| {
            for index in 0..project.version_count() {
                ui.selectable_value(value, index, project.version_name(index));
            }
        });
}
