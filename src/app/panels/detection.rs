//! Detection section: sensitivity, noise suppression, minimum region size and ignore areas.
//! Each change sends new parameters; detection re-runs in the background.

use super::super::command::Command;
use super::super::runtime::Runtime;
use super::super::view::{Tool, ViewState};
use crate::project::Project;

/// Shows the detection section.
pub fn ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &mut ViewState,
    runtime: &Runtime,
    commands: &mut Vec<Command>,
) {
    let mut params = project.params.clone();
    let mut changed = false;
    ui.label("Sensitivity");
    changed |= ui
        .add(egui::Slider::new(&mut params.sensitivity, 0.0..=1.0).fixed_decimals(2))
        .on_hover_text("Higher finds fainter changes")
        .changed();
    ui.label("Noise suppression");
    changed |= ui
        .add(egui::Slider::new(&mut params.noise_suppression, 0.0..=1.0).fixed_decimals(2))
        .on_hover_text("Higher smooths away grain and halftone before comparing")
        .changed();
    ui.label("Minimum region size");
    let mut percent = params.min_area_fraction * 100.0;
    if ui
        .add(
            egui::Slider::new(&mut percent, 0.0..=5.0)
                .logarithmic(true)
                .suffix(" % of image")
                .fixed_decimals(2),
        )
        .on_hover_text("Smaller changed areas are not reported")
        .changed()
    {
        params.min_area_fraction = percent / 100.0;
        changed = true;
    }
    if changed {
        commands.push(Command::SetParams(params));
    }
    if let Some(a) = &runtime.analysis {
        ui.small(format!(
            "Threshold {:.2} (automatic {:.2})",
            a.detection.threshold, a.change.auto_threshold
        ));
    }
    ui.add_space(6.0);
    ui.label(format!("Ignore areas: {}", project.ignore_areas.len()));
    ui.horizontal(|ui| {
        for tool in [Tool::IgnoreBox, Tool::IgnorePaint] {
            if ui
                .add_enabled(
                    runtime.pair.is_some(),
                    egui::Button::selectable(view.tool == tool, tool.label()),
                )
                .clicked()
            {
                commands.push(Command::SetTool(if view.tool == tool {
                    Tool::Pan
                } else {
                    tool
                }));
            }
        }
    });
    if view.tool == Tool::IgnorePaint {
        ui.add(egui::Slider::new(&mut view.brush_radius, 3.0..=60.0).text("Brush"));
    }
    if ui
        .add_enabled(
            !project.ignore_areas.is_empty(),
            egui::Button::new("Clear ignore areas"),
        )
        .clicked()
    {
        commands.push(Command::ClearIgnoreAreas);
    }
}
