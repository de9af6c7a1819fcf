//! Alignment section: the fitted model, its confidence and residual, a warning when it is not
//! to be trusted, and manual alignment by clicked point pairs with a live preview.

use super::super::command::Command;
use super::super::runtime::Runtime;
use super::super::view::{Tool, ViewState};
use crate::align::AlignMethod;
use crate::geometry::Model;
use crate::project::Project;

/// Below this confidence the alignment is flagged.
pub const LOW_CONFIDENCE: f64 = 0.5;

/// Shows the alignment section.
pub fn ui(
    ui: &mut egui::Ui,
    project: &Project,
    view: &ViewState,
    runtime: &Runtime,
    commands: &mut Vec<Command>,
) {
    match &project.alignment {
        Some(a) => {
            egui::Grid::new("alignment-grid")
                .num_columns(2)
                .show(ui, |ui| {
                    ui.label("Model");
                    ui.label(a.model.name());
                    ui.end_row();
                    ui.label("Method");
                    ui.label(match a.method {
                        AlignMethod::Features => "keypoints + refinement",
                        AlignMethod::PhaseCorrelation => "phase correlation",
                        AlignMethod::Manual => "manual points",
                        AlignMethod::Identity => "none (already aligned)",
                    });
                    ui.end_row();
                    ui.label("Confidence");
                    ui.add(
                        egui::ProgressBar::new(a.confidence as f32)
                            .text(format!("{:.0} %", a.confidence * 100.0))
                            .desired_width(120.0),
                    );
                    ui.end_row();
                    ui.label("Expected error");
                    ui.label(format!("{:.2} px", a.expected_error_px))
                        .on_hover_text(
                            "Predicted error of the fit at the corners of the after image",
                        );
                    ui.end_row();
                    ui.label("Residual");
                    ui.label(format!("{:.2} px", a.residual_px));
                    ui.end_row();
                    ui.label("Inliers");
                    ui.label(a.inliers.to_string());
                    ui.end_row();
                });
            if let Some(warning) = &a.warning {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "⚠ {warning}. Compare with the swipe or blink view; if they disagree, \
                         use Align by points… below."
                    ),
                );
            } else if a.confidence < LOW_CONFIDENCE {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "⚠ Low confidence: the images may be misaligned, and differences may be \
                     artefacts. Check with the swipe or blink view, or align by points.",
                );
            }
        }
        None if runtime.busy() => {
            ui.label("Aligning…");
        }
        None => {
            ui.label("Not aligned yet.");
        }
    }
    ui.add_space(4.0);
    let aligning = view.tool == Tool::AlignPoints;
    if !aligning {
        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    runtime.pair.is_some(),
                    egui::Button::new("Align by points…"),
                )
                .clicked()
            {
                commands.push(Command::SetTool(Tool::AlignPoints));
            }
            if project
                .alignment
                .as_ref()
                .is_some_and(|a| a.method == AlignMethod::Manual)
                && ui
                    .button("Automatic")
                    .on_hover_text("Go back to automatic alignment")
                    .clicked()
            {
                commands.push(Command::UseAutomaticAlignment);
            }
        });
        return;
    }
    let m = &view.manual;
    ui.label(if m.pending_before.is_some() {
        "Now click the same point in the AFTER image (right)."
    } else {
        "Click a point in the BEFORE image (left), then the same point in the AFTER image. Three pairs or more."
    });
    ui.label(format!("{} pair(s)", m.pairs.len()));
    egui::ComboBox::from_label("Model")
        .selected_text(m.model.map_or("automatic", Model::name))
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(m.model.is_none(), "automatic")
                .clicked()
            {
                commands.push(Command::SetManualModel(None));
            }
            for model in Model::ALL {
                if ui
                    .selectable_label(m.model == Some(model), model.name())
                    .clicked()
                {
                    commands.push(Command::SetManualModel(Some(model)));
                }
            }
        });
    if let Some(t) = &m.preview {
        ui.label(format!(
            "Preview residual {:.2} px",
            crate::project::shapes::mean_residual(t, &m.pairs)
        ));
    } else if m.pairs.len() >= 3 {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "These points do not fit the model.",
        );
    }
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                m.pending_before.is_some() || !m.pairs.is_empty(),
                egui::Button::new("Undo point"),
            )
            .clicked()
        {
            commands.push(Command::UndoAlignPoint);
        }
        if ui
            .add_enabled(!m.pairs.is_empty(), egui::Button::new("Clear"))
            .clicked()
        {
            commands.push(Command::ClearAlignPoints);
        }
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(m.preview.is_some(), egui::Button::new("Apply alignment"))
            .clicked()
        {
            commands.push(Command::ApplyManualAlignment);
        }
        if ui.button("Cancel").clicked() {
            commands.push(Command::ClearAlignPoints);
            commands.push(Command::SetTool(Tool::Pan));
        }
    });
}
