//! The loupe: a magnifier beside the cursor showing both images at the same point, in every
//! mode.

use egui::{Align2, Color32, FontId, Rect, Stroke, pos2, vec2};

use super::view::ViewState;
use super::views::scene::{PaneKind, Scene};

/// Side of each loupe square, in points.
const SIDE: f32 = 150.0;

/// Magnification relative to the current view.
const MAGNIFY: f32 = 4.0;

/// Draws the loupe near the cursor when it is over a pane.
pub fn ui(ui: &egui::Ui, scene: &Scene<'_>, view: &ViewState, panes: &[(Rect, PaneKind)]) {
    let Some(h) = view.hover else {
        return;
    };
    let Some(pointer) = ui.input(|i| i.pointer.hover_pos()) else {
        return;
    };
    let Some(&(pane, _)) = panes.iter().find(|(r, _)| r.contains(pointer)) else {
        return;
    };
    let zoom = (view.camera.zoom * MAGNIFY).max(2.0);
    let total = vec2(SIDE * 2.0 + 6.0, SIDE);
    let mut origin = pointer + vec2(24.0, 24.0);
    if origin.x + total.x > pane.right() {
        origin.x = pointer.x - 24.0 - total.x;
    }
    if origin.y + total.y > pane.bottom() {
        origin.y = pointer.y - 24.0 - total.y;
    }
    // In a window too small for either side, keep the squares on screen, over the cursor if
    // need be.
    let screen = ui.ctx().content_rect();
    origin.x = origin.x.min(screen.right() - total.x).max(screen.left());
    origin.y = origin.y.min(screen.bottom() - total.y).max(screen.top());
    let painter = ui.ctx().layer_painter(egui::LayerId::new(
        egui::Order::Tooltip,
        egui::Id::unique("loupe"),
    ));
    for (i, label) in ["Before", "After"].iter().enumerate() {
        let rect = Rect::from_min_size(
            origin + vec2(i as f32 * (SIDE + 6.0), 0.0),
            vec2(SIDE, SIDE),
        );
        let p = painter.with_clip_rect(rect);
        p.rect_filled(rect, 0.0, Color32::from_gray(20));
        let cam = super::view::Camera {
            zoom,
            center: h,
            fitted: false,
        };
        if i == 0 {
            scene.paint_before(&p, &cam, rect, Color32::WHITE);
        } else {
            scene.paint_after(&p, &cam, rect, Color32::WHITE);
        }
        let c = rect.center();
        p.line_segment(
            [pos2(c.x - 8.0, c.y), pos2(c.x + 8.0, c.y)],
            Stroke::new(1.0, Color32::from_rgb(240, 228, 66)),
        );
        p.line_segment(
            [pos2(c.x, c.y - 8.0), pos2(c.x, c.y + 8.0)],
            Stroke::new(1.0, Color32::from_rgb(240, 228, 66)),
        );
        painter.rect_stroke(
            rect,
            0.0,
            Stroke::new(2.0, Color32::WHITE),
            egui::StrokeKind::Outside,
        );
        p.text(
            rect.left_top() + vec2(4.0, 2.0),
            Align2::LEFT_TOP,
            *label,
            FontId::proportional(12.0),
            Color32::WHITE,
        );
    }
}
