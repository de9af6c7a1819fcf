//! The help overlay (F1 or ?): every shortcut and what the mouse does.

use super::super::command::Command;
use super::super::command::SHORTCUTS;
use super::super::view::ViewMode;

/// Shows the help window.
pub fn ui(ctx: &egui::Context, commands: &mut Vec<Command>) {
    let modal = egui::Modal::new(egui::Id::unique("help")).show(ctx, |ui| {
        ui.set_width(560.0);
        ui.heading("Palimpsest — keys and mouse");
        ui.add_space(6.0);
        egui::ScrollArea::vertical().max_height(560.0).show(ui, |ui| {
            egui::Grid::new("help-grid").num_columns(2).striped(true).show(ui, |ui| {
                for mode in ViewMode::ALL {
                    ui.monospace(format!("{:?}", mode.key()).trim_start_matches("Num").to_owned());
                    ui.label(format!("{} view", mode.label()));
                    ui.end_row();
                }
                let mut seen = std::collections::HashSet::new();
                for s in SHORTCUTS {
                    if seen.insert(s.help) {
                        ui.monospace(ctx.format_shortcut(&s.keys));
                        ui.label(s.help);
                        ui.end_row();
                    }
                }
                for (keys, what) in [
                    ("Ctrl + / Ctrl −", "Larger / smaller interface"),
                    ("Ctrl 0", "Interface at normal size"),
                    ("Wheel", "Zoom toward the cursor"),
                    ("Drag", "Pan (with the pan tool), or draw with a drawing tool"),
                    ("Middle drag", "Pan with any tool"),
                    ("Click", "Select the region under the cursor; Ctrl-click adds to the selection"),
                    ("Space (held)", "Blink view: show the after image"),
                    ("Double-click / Enter", "Close a polygon being drawn"),
                    ("Presenting: → Space Enter PgDn", "Next region (or click the right half)"),
                    ("Presenting: ← Backspace PgUp", "Previous region (or click the left half)"),
                    ("Presenting: Home / End", "Title view / last region"),
                    ("Presenting: R", "Cross-fade to the original and back"),
                    ("Presenting: B", "Blank the screen; any key brings it back"),
                    ("Presenting: Esc", "Leave presentation mode"),
                ] {
                    ui.monospace(keys);
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
        ui.add_space(8.0);
        if ui.button("Close").clicked() {
            commands.push(Command::CloseHelp);
        }
    });
    if modal.should_close() {
        commands.push(Command::CloseHelp);
    }
}
