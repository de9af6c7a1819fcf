//! Blink: the two images alternate at a chosen interval, or the after image shows while Space is
//! held. The eye catches what jumps.

use egui::{Align2, Color32, Painter, Rect, vec2};

use super::scene::{Scene, chip};
use crate::app::view::ViewState;

/// The blink mode.
#[derive(Default)]
pub struct BlinkView;

impl BlinkView {
    /// Draws the pane and schedules the next switch.
    pub fn paint(
        &mut self,
        ui: &egui::Ui,
        painter: &Painter,
        pane: Rect,
        scene: &Scene<'_>,
        view: &ViewState,
    ) {
        let (time, space) = ui.input(|i| (i.time, i.key_down(egui::Key::Space)));
        let interval = f64::from(view.blink.interval_secs.max(0.05));
        let show_after = if space {
            true
        } else if view.blink.running {
            let phase = (time / interval).floor() as i64;
            let remaining = interval - time.rem_euclid(interval);
            ui.ctx().request_repaint_after_secs(remaining as f32);
            phase % 2 == 1
        } else {
            false
        };
        if show_after {
            scene.paint_after(painter, &view.camera, pane, Color32::WHITE);
        } else {
            scene.paint_before(painter, &view.camera, pane, Color32::WHITE);
        }
        chip(
            painter,
            pane.left_top() + vec2(8.0, 8.0),
            Align2::LEFT_TOP,
            if show_after { "After" } else { "Before" },
            ui.visuals(),
        );
    }
}
