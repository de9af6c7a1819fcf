//! Onion skin: the after image laid over the before image with adjustable opacity.

use egui::{Align2, Color32, Painter, Rect, vec2};

use super::scene::{Scene, chip};
use crate::app::view::ViewState;

/// The onion-skin mode.
#[derive(Default)]
pub struct OnionSkinView;

impl OnionSkinView {
    /// Draws the pane.
    pub fn paint(&mut self, painter: &Painter, pane: Rect, scene: &Scene<'_>, view: &ViewState) {
        scene.paint_before(painter, &view.camera, pane, Color32::WHITE);
        scene.paint_after(
            painter,
            &view.camera,
            pane,
            Color32::WHITE.gamma_multiply(view.onion_opacity.clamp(0.0, 1.0)),
        );
        let text = format!("After at {:.0} % over before", view.onion_opacity * 100.0);
        chip(
            painter,
            pane.left_top() + vec2(8.0, 8.0),
            Align2::LEFT_TOP,
            &text,
            &painter.ctx().global_style().visuals,
        );
    }
}
