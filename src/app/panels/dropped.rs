//! Files dropped on the window. Drops over one pane of the side-by-side view are handled by
//! that pane; anything else dropped anywhere opens as a pair (or replaces the before image).

use std::path::PathBuf;

use super::super::command::Command;

/// Turns files dropped on the window this frame into a command, unless a pane claimed them.
pub fn collect(ctx: &egui::Context, commands: &mut Vec<Command>) {
    let files: Vec<PathBuf> = ctx.input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_path_buf())
            .collect()
    });
    if files.is_empty() {
        return;
    }
    let side = ctx.input(|i| i.pointer.latest_pos()).and_then(|pos| {
        ctx.data(|d| {
            d.get_temp::<super::super::views::PaneDropTargets>(egui::Id::unique(
                super::super::views::DROP_TARGETS_ID,
            ))
        })
        .and_then(|t| t.side_at(pos))
    });
    commands.push(Command::Dropped(files, side));
}
