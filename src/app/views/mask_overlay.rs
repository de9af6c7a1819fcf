//! Mask overlay: the changed pixels tinted over either image, with every region's outline and
//! number (drawn by the shared overlay pass).

use egui::{Align2, Color32, Painter, Rect, vec2};

use super::scene::{Scene, chip};
use crate::app::view::ViewState;

/// Tint of changed pixels (vermillion of the Okabe–Ito palette).
const TINT: Color32 = Color32::from_rgb(213, 94, 0);

/// The mask-overlay mode.
#[derive(Default)]
pub struct MaskOverlayView;

impl MaskOverlayView {
    /// Draws the pane.
    pub fn paint(&mut self, painter: &Painter, pane: Rect, scene: &Scene<'_>, view: &ViewState) {
        if view.overlay_on_after {
            scene.paint_after(painter, &view.camera, pane, Color32::WHITE);
        } else {
            scene.paint_before(painter, &view.camera, pane, Color32::WHITE);
        }
        if let Some(o) = scene.overlays {
            scene.paint_overlay(
                painter,
                &view.camera,
                pane,
                &o.mask,
                TINT.gamma_multiply(0.5),
            );
        }
        let base = if view.overlay_on_after {
            "Changes over the after image"
        } else {
            "Changes over the before image"
        };
        chip(
            painter,
            pane.left_top() + vec2(8.0, 8.0),
            Align2::LEFT_TOP,
            base,
            &painter.ctx().global_style().visuals,
        );
    }
}
