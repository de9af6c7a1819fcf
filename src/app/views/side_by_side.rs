//! Side by side: the before image on the left, the after image on the right, both in the before
//! frame with one camera, so panning or zooming one moves the other and the cursor is mirrored.

use egui::{Align2, Color32, Painter, Rect, vec2};

use super::scene::{PaneKind, Scene, chip};
use crate::app::view::ViewState;

/// The side-by-side mode.
#[derive(Default)]
pub struct SideBySideView;

impl SideBySideView {
    /// Draws one of the two panes.
    pub fn paint(
        &mut self,
        painter: &Painter,
        pane: Rect,
        kind: PaneKind,
        scene: &Scene<'_>,
        view: &ViewState,
    ) {
        match kind {
            PaneKind::After => {
                scene.paint_after(painter, &view.camera, pane, Color32::WHITE);
                chip(
                    painter,
                    pane.left_top() + vec2(8.0, 8.0),
                    Align2::LEFT_TOP,
                    "After",
                    &painter.ctx().global_style().visuals,
                );
            }
            PaneKind::Before | PaneKind::Both => {
                scene.paint_before(painter, &view.camera, pane, Color32::WHITE);
                chip(
                    painter,
                    pane.left_top() + vec2(8.0, 8.0),
                    Align2::LEFT_TOP,
                    "Before",
                    &painter.ctx().global_style().visuals,
                );
            }
        }
    }
}
