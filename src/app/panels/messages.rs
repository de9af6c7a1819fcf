//! The error message banner: a readable sentence at the top of the view, dismissable. The open
//! pair stays as it was when a load fails.

use super::super::command::Command;
use super::super::runtime::Runtime;

/// Shows the current error, if any.
pub fn ui(ctx: &egui::Context, runtime: &Runtime, commands: &mut Vec<Command>) {
    let Some(message) = &runtime.error else {
        return;
    };
    egui::Area::new(egui::Id::unique("error-banner"))
        .anchor(egui::Align2::CENTER_TOP, [0.0, 96.0])
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style())
                .fill(ui.visuals().error_fg_color.gamma_multiply(0.15).to_opaque())
                .stroke(egui::Stroke::new(1.5, ui.visuals().error_fg_color))
                .inner_margin(12.0)
                .show(ui, |ui| {
                    ui.set_max_width(640.0);
                    ui.horizontal(|ui| {
                        ui.label(
                            egui::RichText::new("⚠")
                                .size(20.0)
                                .color(ui.visuals().error_fg_color),
                        );
                        ui.add(egui::Label::new(message.as_str()).wrap());
                        if ui.button("Dismiss").clicked() {
                            commands.push(Command::DismissError);
                        }
                    });
                });
        });
}
