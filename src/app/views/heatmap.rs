//! Difference heat-map: the change strength in colour, with a legend relating colours to the
//! detection threshold.

use egui::{Align2, Color32, FontId, Painter, Rect, Stroke, pos2, vec2};

use super::scene::{Scene, chip};
use crate::app::view::ViewState;
use crate::imgops::heat_colour;

/// The heat-map mode.
#[derive(Default)]
pub struct HeatmapView;

impl HeatmapView {
    /// Draws the pane and its legend.
    pub fn paint(
        &mut self,
        ui: &egui::Ui,
        painter: &Painter,
        pane: Rect,
        scene: &Scene<'_>,
        view: &ViewState,
    ) {
        let Some(o) = scene.overlays else {
            scene.paint_before(
                painter,
                &view.camera,
                pane,
                Color32::WHITE.gamma_multiply(0.35),
            );
            chip(
                painter,
                pane.center(),
                Align2::CENTER_CENTER,
                "The heat-map appears when the analysis finishes",
                ui.visuals(),
            );
            return;
        };
        scene.paint_overlay(painter, &view.camera, pane, &o.heat, Color32::WHITE);
        legend(painter, pane, ui.visuals());
    }
}

/// A horizontal colour bar with its scale, in the pane's bottom-right corner.
fn legend(painter: &Painter, pane: Rect, visuals: &egui::Visuals) {
    let size = vec2(260.0, 62.0);
    let frame = Rect::from_min_size(pane.right_bottom() - size - vec2(12.0, 12.0), size);
    painter.rect_filled(frame, 6.0, visuals.panel_fill.gamma_multiply(0.92));
    let bar = Rect::from_min_size(frame.min + vec2(12.0, 24.0), vec2(size.x - 24.0, 12.0));
    let steps = 64;
    for i in 0..steps {
        let t = i as f32 / steps as f32;
        let c = heat_colour(t * 3.0);
        let x0 = bar.left() + t * bar.width();
        let r = Rect::from_min_max(
            pos2(x0, bar.top()),
            pos2(x0 + bar.width() / steps as f32 + 0.5, bar.bottom()),
        );
        painter.rect_filled(r, 0.0, Color32::from_rgb(c[0], c[1], c[2]));
    }
    painter.rect_stroke(
        bar,
        0.0,
        Stroke::new(1.0, visuals.text_color()),
        egui::StrokeKind::Outside,
    );
    let text = visuals.text_color();
    painter.text(
        frame.min + vec2(12.0, 6.0),
        Align2::LEFT_TOP,
        "Change strength",
        FontId::proportional(12.0),
        text,
    );
    let thr_x = bar.left() + bar.width() / 3.0;
    painter.line_segment(
        [
            pos2(thr_x, bar.top() - 3.0),
            pos2(thr_x, bar.bottom() + 3.0),
        ],
        Stroke::new(2.0, text),
    );
    let y = bar.bottom() + 3.0;
    painter.text(
        pos2(bar.left(), y),
        Align2::LEFT_TOP,
        "none",
        FontId::proportional(11.0),
        text,
    );
    painter.text(
        pos2(thr_x, y),
        Align2::CENTER_TOP,
        "threshold",
        FontId::proportional(11.0),
        text,
    );
    painter.text(
        pos2(bar.right(), y),
        Align2::RIGHT_TOP,
        "3× or more",
        FontId::proportional(11.0),
        text,
    );
    let nodata = Rect::from_min_size(
        pos2(frame.right() - 80.0, frame.top() + 6.0),
        vec2(10.0, 10.0),
    );
    painter.rect_filled(nodata, 0.0, Color32::from_gray(48));
    painter.text(
        nodata.right_center() + vec2(4.0, 0.0),
        Align2::LEFT_CENTER,
        "no data",
        FontId::proportional(11.0),
        text,
    );
}
