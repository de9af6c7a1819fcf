//! The slim overlay of pictures-only mode (F11): the view mode and zoom, and a button that
//! brings the menus, toolbar and side panel back. Drawn over the top right of the images.

use egui::{Align2, Rect, vec2};

use super::super::command::Command;
use super::super::view::ViewState;

/// The accessible name of the overlay's button that brings the panels back.
pub const RESTORE_LABEL: &str = "Show the panels";

/// Shows the overlay at the top right of `ui`'s area.
pub fn overlay(ui: &mut egui::Ui, view: &ViewState, commands: &mut Vec<Command>) {
    let area = ui.max_rect();
    let zoom = view.camera.zoom * ui.ctx().pixels_per_point() * 100.0;
    let text = format!("{} · {zoom:.0} %", view.mode.label());
    let size = vec2(300.0_f32.min(area.width()), 26.0);
    // Top right: the panes' own captions (Before, After) are at their top left.
    let rect = Rect::from_min_size(
        Align2::RIGHT_TOP.align_size_within_rect(size, area).min + vec2(-8.0, 8.0),
        size,
    );
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
        egui::Frame::new()
            .fill(ui.visuals().panel_fill.gamma_multiply(0.85))
            .corner_radius(6.0)
            .inner_margin(vec2(8.0, 3.0))
            .show(ui, |ui| {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .small_button("Panels (F11)")
                        .on_hover_text("Bring back the menus, toolbar and side panel (F11)")
                        .accessible_name(RESTORE_LABEL)
                        .clicked()
                    {
                        commands.push(Command::TogglePicturesOnly);
                    }
                    ui.separator();
                    ui.label(text);
                });
            });
    });
}
