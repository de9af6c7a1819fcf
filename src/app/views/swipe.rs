//! Swipe: the before image on one side of a draggable divider and the after image on the
//! other; the divider runs vertically or horizontally.

use egui::{Align2, Color32, Painter, Pos2, Rect, Sense, Stroke, pos2, vec2};

use super::scene::{Scene, chip};
use crate::app::view::ViewState;

/// The swipe mode.
#[derive(Default)]
pub struct SwipeView;

impl SwipeView {
    /// Draws the pane and handles the divider.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        painter: &Painter,
        pane: Rect,
        scene: &Scene<'_>,
        view: &mut ViewState,
    ) {
        let horizontal = view.swipe.horizontal;
        let at = |f: f32| {
            if horizontal {
                pane.top() + f * pane.height()
            } else {
                pane.left() + f * pane.width()
            }
        };
        let split = at(view.swipe.position.clamp(0.0, 1.0));
        let (first, second) = if horizontal {
            (
                Rect::from_min_max(pane.min, pos2(pane.right(), split)),
                Rect::from_min_max(pos2(pane.left(), split), pane.max),
            )
        } else {
            (
                Rect::from_min_max(pane.min, pos2(split, pane.bottom())),
                Rect::from_min_max(pos2(split, pane.top()), pane.max),
            )
        };
        scene.paint_before(
            &painter.with_clip_rect(first),
            &view.camera,
            pane,
            Color32::WHITE,
        );
        scene.paint_after(
            &painter.with_clip_rect(second),
            &view.camera,
            pane,
            Color32::WHITE,
        );

        // The divider handle, wider than it looks so it is easy to grab.
        let handle = if horizontal {
            Rect::from_center_size(pos2(pane.center().x, split), vec2(pane.width(), 12.0))
        } else {
            Rect::from_center_size(pos2(split, pane.center().y), vec2(12.0, pane.height()))
        };
        let r = ui.interact(handle, ui.scope_id().with("swipe-divider"), Sense::drag());
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Slider, true, "Swipe divider"));
        if r.dragged()
            && let Some(p) = r.interact_pointer_pos()
        {
            view.swipe.position = if horizontal {
                (p.y - pane.top()) / pane.height()
            } else {
                (p.x - pane.left()) / pane.width()
            }
            .clamp(0.0, 1.0);
        }
        if r.hovered() || r.dragged() {
            ui.ctx().set_cursor_icon(if horizontal {
                egui::CursorIcon::ResizeVertical
            } else {
                egui::CursorIcon::ResizeHorizontal
            });
        }
        let (a, b): (Pos2, Pos2) = if horizontal {
            (pos2(pane.left(), split), pos2(pane.right(), split))
        } else {
            (pos2(split, pane.top()), pos2(split, pane.bottom()))
        };
        painter.line_segment([a, b], Stroke::new(4.0, Color32::from_black_alpha(140)));
        painter.line_segment([a, b], Stroke::new(2.0, Color32::WHITE));
        let knob = a + (b - a) * 0.5;
        painter.circle(
            knob,
            10.0,
            Color32::WHITE,
            Stroke::new(1.5, Color32::from_black_alpha(160)),
        );
        painter.text(
            knob,
            Align2::CENTER_CENTER,
            if horizontal { "↕" } else { "↔" },
            egui::FontId::proportional(13.0),
            Color32::BLACK,
        );
        let vis = ui.visuals().clone();
        chip(
            painter,
            first.left_top() + vec2(8.0, 8.0),
            Align2::LEFT_TOP,
            "Before",
            &vis,
        );
        chip(
            painter,
            second.right_top() + vec2(-8.0, 8.0),
            Align2::RIGHT_TOP,
            "After",
            &vis,
        );
    }
}
