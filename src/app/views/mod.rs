//! The image views: six modes sharing one linked camera, the pane interaction (zoom toward the
//! cursor, pan, select, draw, edit, paint ignore areas, click alignment points) and the vector
//! overlays (outlines, numbers, sketches, crosshair). One file per mode.
//!
//! Everything is drawn in the before image's frame: the after image is drawn through the
//! alignment, so the same point lies under the cursor in every pane. Views change only view
//! state directly; document edits leave as [`Command`]s.

pub mod blink;
pub mod heatmap;
pub mod mask_overlay;
pub mod onion_skin;
pub mod scene;
pub mod side_by_side;
pub mod swipe;

pub use scene::{PaneKind, Scene, chip};

use egui::{
    Align2, Color32, FontId, Painter, Pos2, Rect, Response, Sense, Shape, Stroke, Vec2, pos2, vec2,
};

use super::command::Command;
use super::command::Side;
use super::palette::region_colour;
use super::runtime::Runtime;
use super::view::{Tool, ViewMode, ViewState};
use crate::geometry::point_in_polygon;
use crate::project::shapes;
use crate::project::{Edit, Project};

/// Key of the pane drop targets in egui's temporary data.
pub const DROP_TARGETS_ID: &str = "palimpsest-drop-targets";

/// Screen areas where a dropped single file replaces one image of the pair.
#[derive(Clone, Debug, Default)]
pub struct PaneDropTargets(pub Vec<(Rect, Side)>);

impl PaneDropTargets {
    /// The side whose pane contains `pos`.
    #[must_use]
    pub fn side_at(&self, pos: Pos2) -> Option<Side> {
        self.0
            .iter()
            .find(|(r, _)| r.contains(pos))
            .map(|(_, s)| *s)
    }
}

/// Drag in progress of the vertex editor.
#[derive(Clone, Debug)]
struct EditDrag {
    id: u32,
    /// The vertex dragged, or `None` when the whole region moves.
    vertex: Option<usize>,
    /// The outline when the drag started.
    original: Vec<[f64; 2]>,
    /// The image point where the drag started.
    start: Pos2,
}

/// The per-mode views and the interaction state they share.
#[derive(Default)]
pub struct Views {
    side_by_side: side_by_side::SideBySideView,
    swipe: swipe::SwipeView,
    onion_skin: onion_skin::OnionSkinView,
    blink: blink::BlinkView,
    heatmap: heatmap::HeatmapView,
    mask_overlay: mask_overlay::MaskOverlayView,
    edit: Option<EditDrag>,
}

/// Shows the view settings that belong to the current mode.
pub fn settings_ui(ui: &mut egui::Ui, view: &mut ViewState) {
    match view.mode {
        ViewMode::SideBySide => {
            ui.label("Before on the left, after on the right, linked.");
        }
        ViewMode::Swipe => {
            ui.add(egui::Slider::new(&mut view.swipe.position, 0.0..=1.0).text("Divider"));
            ui.checkbox(&mut view.swipe.horizontal, "Horizontal divider");
        }
        ViewMode::OnionSkin => {
            ui.add(egui::Slider::new(&mut view.onion_opacity, 0.0..=1.0).text("After opacity"));
        }
        ViewMode::Blink => {
            ui.add(
                egui::Slider::new(&mut view.blink.interval_secs, 0.1..=3.0)
                    .suffix(" s")
                    .text("Interval"),
            );
            ui.checkbox(&mut view.blink.running, "Alternate automatically");
            ui.small("Hold Space to see the after image.");
        }
        ViewMode::Heatmap => {
            ui.label("Change strength, relative to the detection threshold.");
        }
        ViewMode::MaskOverlay => {
            ui.horizontal(|ui| {
                ui.label("Tint over");
                ui.radio_value(&mut view.overlay_on_after, false, "before");
                ui.radio_value(&mut view.overlay_on_after, true, "after");
            });
        }
    }
    ui.checkbox(&mut view.show_outlines, "Region outlines");
    ui.checkbox(&mut view.loupe, "Loupe");
}

impl Views {
    /// Shows the current mode in the central area.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        view: &mut ViewState,
        runtime: &Runtime,
        commands: &mut Vec<Command>,
    ) {
        let area = ui.available_rect_before_wrap();
        view.hover = None;
        let Some(pair) = &runtime.pair else {
            let (rect, _) = ui.allocate_exact_size(area.size(), Sense::hover());
            let text = if runtime.busy() {
                "Opening…"
            } else {
                "Drop two images here, or use File > Open pair…"
            };
            ui.painter().text(
                rect.center(),
                Align2::CENTER_CENTER,
                text,
                FontId::proportional(20.0),
                ui.visuals().weak_text_color(),
            );
            if runtime.busy() {
                egui::Spinner::new().size(32.0).paint_at(
                    ui,
                    Rect::from_center_size(rect.center() + vec2(0.0, 40.0), Vec2::splat(32.0)),
                );
            }
            return;
        };
        let t = runtime.before_from_after(project, view.manual.preview.as_ref());
        let m = t.matrix;
        let scene = Scene {
            pair,
            overlays: runtime.overlays.as_ref(),
            project,
            before_from_after: t,
            projective: m[(2, 0)].abs() > 1e-12 || m[(2, 1)].abs() > 1e-12,
        };
        let panes = layout(view.mode, area);
        // Camera requests need the pane size; apply them to the first pane.
        let first = panes[0].0;
        let resized = view.last_pane.is_some_and(|p| p.size() != first.size());
        if let Some(req) = view.camera_request.take() {
            view.camera.apply(
                req,
                first,
                pair.before_tex.rect(),
                ui.ctx().pixels_per_point(),
            );
        } else if resized && view.camera.fitted {
            // Keep showing the whole image when the mode, the window or a panel changes size.
            view.camera.apply(
                super::view::CameraRequest::Fit,
                first,
                pair.before_tex.rect(),
                ui.ctx().pixels_per_point(),
            );
        }
        view.last_pane = Some(first);
        view.last_panes = panes.iter().map(|(r, _)| *r).collect();

        let drop_targets = PaneDropTargets(
            panes
                .iter()
                .filter_map(|(r, k)| match k {
                    PaneKind::Before => Some((*r, Side::Before)),
                    PaneKind::After => Some((*r, Side::After)),
                    PaneKind::Both => None,
                })
                .collect(),
        );
        ui.ctx()
            .data_mut(|d| d.insert_temp(egui::Id::unique(DROP_TARGETS_ID), drop_targets));

        for (i, &(pane, kind)) in panes.iter().enumerate() {
            let response = self.interact(ui, i, pane, kind, &scene, view, commands);
            let painter = ui.painter_at(pane);
            match view.mode {
                ViewMode::SideBySide => self.side_by_side.paint(&painter, pane, kind, &scene, view),
                ViewMode::Swipe => self.swipe.ui(ui, &painter, pane, &scene, view),
                ViewMode::OnionSkin => self.onion_skin.paint(&painter, pane, &scene, view),
                ViewMode::Blink => self.blink.paint(ui, &painter, pane, &scene, view),
                ViewMode::Heatmap => self.heatmap.paint(ui, &painter, pane, &scene, view),
                ViewMode::MaskOverlay => self.mask_overlay.paint(&painter, pane, &scene, view),
            }
            paint_overlays(&painter, pane, kind, &scene, view);
            if response.hovered() {
                ui.ctx().set_cursor_icon(match view.tool {
                    Tool::Pan if response.dragged() => egui::CursorIcon::Grabbing,
                    Tool::Pan => egui::CursorIcon::Grab,
                    _ => egui::CursorIcon::Crosshair,
                });
            }
        }
        if panes.len() == 2 {
            let x = panes[0].0.right() + 0.5;
            ui.painter().line_segment(
                [pos2(x, area.top()), pos2(x, area.bottom())],
                Stroke::new(2.0, ui.visuals().window_stroke.color),
            );
        }
        if view.loupe {
            super::loupe::ui(ui, &scene, view, &panes);
        }
    }

    #[expect(clippy::too_many_arguments, reason = "the pane's whole context")]
    fn interact(
        &mut self,
        ui: &mut egui::Ui,
        index: usize,
        pane: Rect,
        kind: PaneKind,
        scene: &Scene<'_>,
        view: &mut ViewState,
        commands: &mut Vec<Command>,
    ) -> Response {
        let label = match kind {
            PaneKind::Before => "Before image",
            PaneKind::After => "After image",
            PaneKind::Both => "Comparison view",
        };
        let response = ui.interact(
            pane,
            ui.scope_id().with(("pane", index)),
            Sense::click_and_drag(),
        );
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, label));
        let cam = view.camera;
        let to_image = |s: Pos2| cam.image_from_screen(pane, s);
        let centre = |p: Pos2| [f64::from(p.x) - 0.5, f64::from(p.y) - 0.5];

        if let Some(pos) = response.hover_pos() {
            view.hover = Some(to_image(pos));
            let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
            let factor = zoom * (scroll.y / 240.0).exp();
            if (factor - 1.0).abs() > 1e-4 {
                view.camera.zoom_about(pane, pos, factor);
            }
        }
        let middle = ui.input(|i| i.pointer.middle_down());
        if response.dragged() && (middle || view.tool == Tool::Pan) && self.edit.is_none() {
            view.camera.pan(response.drag_delta());
            return response;
        }
        let pointer = response.interact_pointer_pos();
        match view.tool {
            Tool::Pan => {
                if response.clicked()
                    && let Some(pos) = pointer
                {
                    let p = centre(to_image(pos));
                    let extend = ui.input(|i| i.modifiers.command || i.modifiers.shift);
                    let hit = scene.project.regions.iter().rev().find(|r| {
                        !r.hidden
                            && view.shows_step(r.step)
                            && point_in_polygon(&r.polygon, p[0], p[1])
                    });
                    commands.push(match hit {
                        Some(r) => Command::Select { id: r.id, extend },
                        None => Command::ClearSelection,
                    });
                }
            }
            Tool::DrawRect | Tool::IgnoreBox => {
                if let Some((a, b)) = two_point_drag(ui, &response, &mut view.sketch, to_image) {
                    let poly = shapes::rectangle(centre(a), centre(b));
                    commands.push(if view.tool == Tool::DrawRect {
                        Command::Edit(Edit::AddRegion(poly))
                    } else {
                        Command::AddIgnoreArea(poly)
                    });
                }
            }
            Tool::DrawPolygon => {
                let close =
                    response.double_clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter));
                if response.clicked()
                    && !response.double_clicked()
                    && let Some(pos) = pointer
                {
                    view.sketch.points.push(to_image(pos));
                }
                if close && view.sketch.points.len() >= 3 {
                    let mut pts: Vec<Pos2> = std::mem::take(&mut view.sketch.points);
                    // A double-click adds its first click twice.
                    pts.dedup_by(|a, b| a.distance(*b) * cam.zoom < 3.0);
                    commands.push(Command::Edit(Edit::AddRegion(
                        pts.into_iter().map(centre).collect(),
                    )));
                }
            }
            Tool::EditVertices => self.edit_vertices(&response, pane, scene, view, commands),
            Tool::Cut => {
                if let Some((a, b)) = two_point_drag(ui, &response, &mut view.sketch, to_image) {
                    let (from, to) = (centre(a), centre(b));
                    match view.selection.iter().next() {
                        Some(&id) if view.selection.len() == 1 => {
                            commands.push(Command::SplitAlong { id, from, to });
                        }
                        _ => commands.push(Command::ShowError(
                            "Select one region, then drag a line across it to cut it.".to_owned(),
                        )),
                    }
                }
            }
            Tool::IgnorePaint => {
                if response.dragged()
                    && let Some(pos) = pointer
                {
                    let p = to_image(pos);
                    let spacing = view.brush_radius / cam.zoom * 0.6;
                    if view
                        .sketch
                        .points
                        .last()
                        .is_none_or(|q| q.distance(p) >= spacing)
                    {
                        view.sketch.points.push(p);
                    }
                }
                if response.drag_stopped() && !view.sketch.points.is_empty() {
                    let r = f64::from(view.brush_radius / cam.zoom);
                    let dabs = view
                        .sketch
                        .points
                        .drain(..)
                        .map(|p| shapes::dab(centre(p), r))
                        .collect();
                    commands.push(Command::AddIgnoreAreas(dabs));
                }
            }
            Tool::AlignPoints => {
                if response.clicked()
                    && let Some(pos) = pointer
                {
                    let p = to_image(pos);
                    match kind {
                        PaneKind::Before => {
                            commands.push(Command::AlignPoint(Side::Before, centre(p)))
                        }
                        PaneKind::After => {
                            if let Some(a) = scene.after_from_before(p) {
                                commands.push(Command::AlignPoint(Side::After, a));
                            }
                        }
                        PaneKind::Both => {}
                    }
                }
            }
        }
        response
    }

    fn edit_vertices(
        &mut self,
        response: &Response,
        pane: Rect,
        scene: &Scene<'_>,
        view: &ViewState,
        commands: &mut Vec<Command>,
    ) {
        let cam = view.camera;
        let Some(pos) = response.interact_pointer_pos() else {
            if response.drag_stopped() {
                self.edit = None;
            }
            return;
        };
        let img = cam.image_from_screen(pane, pos);
        if response.drag_started() {
            self.edit = None;
            let pos = response
                .ctx
                .input(|i| i.pointer.press_origin())
                .unwrap_or(pos);
            let img = cam.image_from_screen(pane, pos);
            for r in scene
                .project
                .regions
                .iter()
                .filter(|r| view.selection.contains(&r.id))
            {
                let near = r.polygon.iter().enumerate().map(|(i, p)| {
                    let s = cam.screen_from_image(pane, pos2(p[0] as f32 + 0.5, p[1] as f32 + 0.5));
                    (i, s.distance(pos))
                });
                let best = near.min_by(|a, b| a.1.total_cmp(&b.1));
                let inside =
                    point_in_polygon(&r.polygon, f64::from(img.x) - 0.5, f64::from(img.y) - 0.5);
                let vertex = match best {
                    Some((i, d)) if d <= 10.0 => Some(i),
                    _ if inside => None,
                    _ => continue,
                };
                self.edit = Some(EditDrag {
                    id: r.id,
                    vertex,
                    original: r.polygon.clone(),
                    start: img,
                });
                break;
            }
        }
        if response.dragged()
            && let Some(drag) = &self.edit
        {
            let d = img - drag.start;
            let (dx, dy) = (f64::from(d.x), f64::from(d.y));
            let mut polygon = drag.original.clone();
            match drag.vertex {
                Some(i) => {
                    polygon[i][0] += dx;
                    polygon[i][1] += dy;
                }
                None => {
                    for p in &mut polygon {
                        p[0] += dx;
                        p[1] += dy;
                    }
                }
            }
            commands.push(Command::Edit(Edit::SetPolygon {
                id: drag.id,
                polygon,
            }));
        }
        if response.drag_stopped() {
            self.edit = None;
        }
    }
}

/// Splits the central area into panes for a mode.
fn layout(mode: ViewMode, area: Rect) -> Vec<(Rect, PaneKind)> {
    if mode == ViewMode::SideBySide {
        let mid = area.center().x.round();
        vec![
            (
                Rect::from_min_max(area.min, pos2(mid - 1.0, area.max.y)),
                PaneKind::Before,
            ),
            (
                Rect::from_min_max(pos2(mid + 1.0, area.min.y), area.max),
                PaneKind::After,
            ),
        ]
    } else {
        vec![(area, PaneKind::Both)]
    }
}

/// Draws outlines and numbers, ignore areas, sketches, alignment points and the linked cursor.
fn paint_overlays(
    painter: &Painter,
    pane: Rect,
    kind: PaneKind,
    scene: &Scene<'_>,
    view: &ViewState,
) {
    let cam = view.camera;
    let to_screen =
        |p: [f64; 2]| cam.screen_from_image(pane, pos2(p[0] as f32 + 0.5, p[1] as f32 + 0.5));
    let ignore_fill = Color32::from_rgba_unmultiplied(120, 120, 120, 110);
    for poly in &scene.project.ignore_areas {
        let pts: Vec<Pos2> = poly.iter().map(|p| to_screen(*p)).collect();
        painter.add(Shape::convex_polygon(pts, ignore_fill, Stroke::NONE));
    }
    if view.show_outlines || view.mode == ViewMode::MaskOverlay {
        for r in scene
            .project
            .regions
            .iter()
            .filter(|r| !r.hidden && view.shows_step(r.step))
        {
            let selected = view.selection.contains(&r.id);
            let colour = region_colour(r.id);
            let pts: Vec<Pos2> = r.polygon.iter().map(|p| to_screen(*p)).collect();
            if selected {
                painter.add(Shape::closed_line(
                    pts.clone(),
                    Stroke::new(6.0, Color32::from_black_alpha(150)),
                ));
                painter.add(Shape::closed_line(pts.clone(), Stroke::new(3.5, colour)));
            } else {
                painter.add(Shape::closed_line(
                    pts.clone(),
                    Stroke::new(3.0, Color32::from_black_alpha(110)),
                ));
                painter.add(Shape::closed_line(pts.clone(), Stroke::new(1.5, colour)));
            }
            let tl = to_screen([r.bbox.x, r.bbox.y]);
            let n = r.id.to_string();
            let galley = painter.layout_no_wrap(
                n,
                FontId::proportional(if selected { 16.0 } else { 13.0 }),
                Color32::BLACK,
            );
            let badge = Rect::from_min_size(
                tl - vec2(0.0, galley.size().y + 6.0),
                galley.size() + vec2(10.0, 6.0),
            );
            painter.rect_filled(badge, 4.0, colour);
            painter.galley(badge.min + vec2(5.0, 3.0), galley, Color32::BLACK);
            if selected && view.tool == Tool::EditVertices {
                for p in &pts {
                    painter.circle(*p, 4.5, Color32::WHITE, Stroke::new(1.5, Color32::BLACK));
                }
            }
        }
    }
    // A shape being drawn.
    let sketch: Vec<Pos2> = view
        .sketch
        .points
        .iter()
        .map(|p| cam.screen_from_image(pane, *p))
        .collect();
    let ink = Stroke::new(2.0, Color32::from_rgb(240, 228, 66));
    match view.tool {
        Tool::DrawRect | Tool::IgnoreBox if sketch.len() == 2 => {
            painter.rect_stroke(
                Rect::from_two_pos(sketch[0], sketch[1]),
                0.0,
                ink,
                egui::StrokeKind::Middle,
            );
        }
        Tool::Cut if sketch.len() == 2 => {
            painter.add(Shape::dashed_line(&sketch, ink, 8.0, 5.0));
        }
        Tool::DrawPolygon if !sketch.is_empty() => {
            let mut line = sketch.clone();
            if let Some(h) = view.hover {
                line.push(cam.screen_from_image(pane, h));
            }
            painter.add(Shape::line(line, ink));
            for p in &sketch {
                painter.circle_filled(*p, 3.5, ink.color);
            }
        }
        Tool::IgnorePaint => {
            for p in &sketch {
                painter.circle_filled(*p, view.brush_radius, ignore_fill);
            }
        }
        _ => {}
    }
    // Manual alignment points.
    if view.tool == Tool::AlignPoints {
        let m = &view.manual;
        let mark = |p: Pos2, n: usize, pending: bool| {
            let c = if pending {
                Color32::from_rgb(240, 228, 66)
            } else {
                Color32::from_rgb(86, 180, 233)
            };
            painter.circle_stroke(p, 7.0, Stroke::new(2.5, Color32::BLACK));
            painter.circle_stroke(p, 7.0, Stroke::new(1.5, c));
            painter.text(
                p + vec2(9.0, -9.0),
                Align2::LEFT_BOTTOM,
                n.to_string(),
                FontId::proportional(14.0),
                c,
            );
        };
        let t = scene.before_from_after;
        for (i, (b, a)) in m.pairs.iter().enumerate() {
            match kind {
                PaneKind::Before => mark(to_screen(*b), i + 1, false),
                PaneKind::After => {
                    let (x, y) = t.apply_lossy(a[0], a[1]);
                    mark(to_screen([x, y]), i + 1, false);
                }
                PaneKind::Both => {}
            }
        }
        if let (Some(b), PaneKind::Before) = (m.pending_before, kind) {
            mark(to_screen(b), m.pairs.len() + 1, true);
        }
    }
    // The linked cursor.
    if let Some(h) = view.hover {
        let s = cam.screen_from_image(pane, h);
        if pane.contains(s) {
            let c = Stroke::new(1.0, Color32::from_white_alpha(200));
            let o = Stroke::new(3.0, Color32::from_black_alpha(120));
            for stroke in [o, c] {
                painter.line_segment([s - vec2(12.0, 0.0), s - vec2(4.0, 0.0)], stroke);
                painter.line_segment([s + vec2(4.0, 0.0), s + vec2(12.0, 0.0)], stroke);
                painter.line_segment([s - vec2(0.0, 12.0), s - vec2(0.0, 4.0)], stroke);
                painter.line_segment([s + vec2(0.0, 4.0), s + vec2(0.0, 12.0)], stroke);
            }
        }
    }
}

/// Follows a two-point drag (a rectangle's corners, a cut line) in `sketch`, in image
/// coordinates; returns the two points when the drag ends.
fn two_point_drag(
    ui: &egui::Ui,
    response: &Response,
    sketch: &mut super::view::Sketch,
    to_image: impl Fn(Pos2) -> Pos2,
) -> Option<(Pos2, Pos2)> {
    let pointer = response.interact_pointer_pos();
    if response.drag_started()
        && let Some(pos) = ui.input(|i| i.pointer.press_origin()).or(pointer)
    {
        sketch.points = vec![to_image(pos)];
    }
    if response.dragged()
        && let Some(pos) = pointer
    {
        sketch.points.truncate(1);
        sketch.points.push(to_image(pos));
    }
    if response.drag_stopped() && sketch.points.len() == 2 {
        let ends = (sketch.points[0], sketch.points[1]);
        sketch.points.clear();
        return Some(ends);
    }
    None
}
