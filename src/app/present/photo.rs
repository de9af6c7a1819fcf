//! The photograph in presentation mode: which part of it is shown (a [`Shot`], eased from one
//! region to the next), the cross-fade from the doctored print to the original, the spotlight
//! that dims everything but the region, the outline and number, and the overview map.
//!
//! The framing comes from the slide layout ([`slides::region_view`] and
//! [`slides::spotlight_rect`]), so the screen and the exported slides show the same window onto
//! the photograph. Only drawing happens here: the textures are the ones the app uploaded when
//! the pair was opened, and no pixel is computed on the CPU.

use egui::epaint::{Mesh, PathShape, PathStroke, Vertex};
use egui::{Color32, Painter, Pos2, Rect, Shape, Stroke, Vec2, pos2, vec2};

use crate::app::runtime::{LoadedPair, Runtime};
use crate::app::textures::TiledImage;
use crate::export::draw::{Placement, View};
use crate::export::slides;
use crate::geometry::Transform;
use crate::project::Project;
use crate::regions::BBox;

/// What the photograph panel shows: a window onto the before frame, the spotlit box and how
/// strongly the rest is dimmed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shot {
    /// The part of the before image shown, in edge coordinates, with the panel's aspect.
    pub view: Rect,
    /// The region's box in before-image pixels (the spotlight is drawn around it).
    pub spot: Rect,
    /// How much of the spotlight's dimming applies (0 = none, 1 = full).
    pub dim: f32,
}

/// Smooth start and stop (cubic ease in and out) of `t` in `[0, 1]`.
#[must_use]
pub fn ease(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    if t < 0.5 {
        4.0 * t * t * t
    } else {
        1.0 - (-2.0 * t + 2.0).powi(3) / 2.0
    }
}

/// The whole image of `size` pixels framed with the aspect of `panel`, centred.
#[must_use]
pub fn whole_view(size: Vec2, panel: Rect) -> Rect {
    let aspect = panel.width() / panel.height().max(1.0);
    let w = size.x.max(size.y * aspect).max(1.0);
    let h = w / aspect;
    Rect::from_center_size(pos2(size.x / 2.0, size.y / 2.0), vec2(w, h))
}

/// The shot of a region: the window the slides use for it, spotlit at full strength.
#[must_use]
pub fn region_shot(bbox: &BBox, size: [u32; 2], panel: Rect) -> Shot {
    let v = slides::region_view(bbox, size[0], size[1], panel.width(), panel.height());
    Shot {
        view: Rect::from_min_size(pos2(v.x as f32, v.y as f32), vec2(v.w as f32, v.h as f32)),
        spot: bbox_rect(bbox),
        dim: 1.0,
    }
}

/// A box as a rectangle in before-image pixels.
#[must_use]
pub fn bbox_rect(b: &BBox) -> Rect {
    Rect::from_min_size(
        pos2(b.x as f32, b.y as f32),
        vec2(b.width as f32, b.height as f32),
    )
}

/// Between two shots at `t` in `[0, 1]`: the zoom changes geometrically (a steady feel of
/// moving in or out), the centre and the spotlight linearly.
#[must_use]
pub fn lerp_shot(a: &Shot, b: &Shot, t: f32) -> Shot {
    let t = t.clamp(0.0, 1.0);
    let wa = a.view.width().max(1e-3);
    let wb = b.view.width().max(1e-3);
    let w = wa * (wb / wa).powf(t);
    let aspect = b.view.width() / b.view.height().max(1e-3);
    let c = a.view.center().lerp(b.view.center(), t);
    let lerp_rect =
        |p: Rect, q: Rect| Rect::from_min_max(p.min.lerp(q.min, t), p.max.lerp(q.max, t));
    Shot {
        view: Rect::from_center_size(c, vec2(w, w / aspect)),
        spot: lerp_rect(a.spot, b.spot),
        dim: a.dim + (b.dim - a.dim) * t,
    }
}

/// Maps before-image points to the screen for a view shown in a panel.
#[derive(Clone, Copy, Debug)]
pub struct Framing {
    /// The panel on screen.
    pub panel: Rect,
    /// The window onto the before image.
    pub view: Rect,
}

impl Framing {
    /// Screen points per before-image pixel.
    #[must_use]
    pub fn scale(&self) -> f32 {
        self.panel.width() / self.view.width().max(1e-3)
    }

    /// The screen position of a before-image point (edge coordinates).
    #[must_use]
    pub fn screen(&self, p: Pos2) -> Pos2 {
        self.panel.min + (p - self.view.min) * self.scale()
    }

    /// The screen position of a pixel centre given as `[x, y]`.
    #[must_use]
    pub fn screen_px(&self, p: [f64; 2]) -> Pos2 {
        self.screen(pos2(p[0] as f32 + 0.5, p[1] as f32 + 0.5))
    }

    /// The same framing in the export module's terms, for the slide layout functions.
    #[must_use]
    pub fn placement(&self) -> Placement {
        Placement {
            view: View {
                x: f64::from(self.view.min.x),
                y: f64::from(self.view.min.y),
                w: f64::from(self.view.width()),
                h: f64::from(self.view.height()),
            },
            px: self.panel.min.x,
            py: self.panel.min.y,
            scale: f64::from(self.scale()),
        }
    }
}

/// The pair's textures and the alignment that puts the doctored print in the original's frame.
pub struct Photo<'a> {
    /// The textures.
    pub pair: &'a LoadedPair,
    /// The alignment, after → before.
    pub before_from_after: Transform,
}

impl<'a> Photo<'a> {
    /// The open pair's photograph with the project's alignment, once a pair is loaded.
    #[must_use]
    pub fn of(runtime: &'a Runtime, project: &Project) -> Option<Self> {
        runtime.pair.as_ref().map(|pair| Photo {
            pair,
            before_from_after: runtime.before_from_after(project, None),
        })
    }

    /// The before image's size in pixels.
    #[must_use]
    pub fn size(&self) -> [u32; 2] {
        self.pair.before_tex.size
    }

    fn projective(&self) -> bool {
        let m = self.before_from_after.matrix;
        m[(2, 0)].abs() > 1e-12 || m[(2, 1)].abs() > 1e-12
    }

    /// Draws the doctored print (in the original's frame) cross-fading into the original:
    /// `reveal` 0 shows the print, 1 the original.
    pub fn paint(&self, painter: &Painter, framing: Framing, reveal: f32) {
        let reveal = reveal.clamp(0.0, 1.0);
        let t = self.before_from_after;
        let map_after = |q: Pos2| {
            let (x, y) = t.apply_lossy(f64::from(q.x) - 0.5, f64::from(q.y) - 0.5);
            framing.screen(pos2(x as f32 + 0.5, y as f32 + 0.5))
        };
        if reveal < 1.0 {
            let tex = &self.pair.after_tex;
            let n = if self.projective() { 12 } else { 1 };
            tex.paint(painter, &map_after, tex.rect(), n, Color32::WHITE);
        }
        if reveal > 0.0 {
            let tex = &self.pair.before_tex;
            tex.paint(
                painter,
                &|p| framing.screen(p),
                tex.rect(),
                1,
                Color32::WHITE.gamma_multiply(reveal),
            );
        }
    }
}

/// Draws `tex` whole, fitted and centred in `area`; returns where it went.
pub fn paint_fitted(painter: &Painter, tex: &TiledImage, area: Rect, tint: Color32) -> Rect {
    let size = tex.rect().size();
    let s = (area.width() / size.x.max(1.0)).min(area.height() / size.y.max(1.0));
    let placed = Rect::from_center_size(area.center(), size * s);
    tex.paint(
        painter,
        &|p| placed.min + p.to_vec2() * s,
        tex.rect(),
        1,
        tint,
    );
    placed
}

/// Points of a rounded rectangle's outline pushed out by `offset`, always the same number and
/// order for the same `segments`, so rings of different offsets can be stitched together.
fn ring(rect: Rect, radius: f32, offset: f32, segments: usize) -> Vec<Pos2> {
    let r = radius
        .min(rect.width() / 2.0)
        .min(rect.height() / 2.0)
        .max(0.0);
    let inner = rect.shrink(r);
    let corners = [
        (inner.right_bottom(), 0.0_f32),
        (inner.left_bottom(), 0.5),
        (inner.left_top(), 1.0),
        (inner.right_top(), 1.5),
    ];
    let mut pts = Vec::with_capacity(4 * (segments + 1));
    for (c, start) in corners {
        for i in 0..=segments {
            let a = (start + 0.5 * i as f32 / segments as f32) * std::f32::consts::PI;
            pts.push(c + vec2(a.cos(), a.sin()) * (r + offset));
        }
    }
    pts
}

/// Dims everything in the painter's clip area except a rounded box around `lit` (screen
/// coordinates), with a soft edge `feather` wide: `dim` is the brightness kept outside (the
/// slides use [`slides::SPOTLIGHT_DIM`]), `strength` fades the whole effect in.
pub fn spotlight(painter: &Painter, lit: Rect, radius: f32, feather: f32, dim: f32, strength: f32) {
    let alpha = ((1.0 - dim) * strength.clamp(0.0, 1.0)).clamp(0.0, 1.0);
    if alpha <= 0.0 || !lit.is_finite() {
        return;
    }
    let far = painter.clip_rect().union(lit).size().length() * 2.0 + feather;
    // Rings from the lit edge outwards; the alphas follow a smoothstep like the slides' edge.
    let steps: Vec<(f32, f32)> = (0..=6)
        .map(|i| {
            let f = i as f32 / 6.0;
            (feather * f, f * f * (3.0 - 2.0 * f))
        })
        .chain(std::iter::once((far, 1.0)))
        .collect();
    let segments = 10;
    let rings: Vec<Vec<Pos2>> = steps
        .iter()
        .map(|(o, _)| ring(lit, radius, *o, segments))
        .collect();
    let n = rings[0].len();
    let mut mesh = Mesh::default();
    for (pts, (_, a)) in rings.iter().zip(&steps) {
        let colour = Color32::BLACK.gamma_multiply(alpha * a);
        for p in pts {
            mesh.vertices.push(Vertex {
                pos: *p,
                uv: egui::epaint::WHITE_UV,
                color: colour,
            });
        }
    }
    for k in 0..rings.len() - 1 {
        let (a0, b0) = ((k * n) as u32, ((k + 1) * n) as u32);
        for i in 0..n as u32 {
            let j = (i + 1) % n as u32;
            mesh.add_triangle(a0 + i, a0 + j, b0 + i);
            mesh.add_triangle(a0 + j, b0 + j, b0 + i);
        }
    }
    painter.add(Shape::mesh(mesh));
}

/// A region's outline: a dark casing under a line in its colour, so it reads on light and dark
/// parts of the photograph alike.
pub fn outline(painter: &Painter, points: Vec<Pos2>, width: f32, colour: Color32) {
    if points.len() < 2 {
        return;
    }
    painter.add(PathShape::closed_line(
        points.clone(),
        PathStroke::new(width * 1.8, Color32::BLACK.gamma_multiply(0.55)),
    ));
    painter.add(PathShape::closed_line(
        points,
        PathStroke::new(width, colour),
    ));
}

/// Black or white, whichever reads better on `c` (as the exports choose).
#[must_use]
pub fn ink_on(c: Color32) -> Color32 {
    let luma = 0.299 * f32::from(c.r()) + 0.587 * f32::from(c.g()) + 0.114 * f32::from(c.b());
    if luma > 150.0 {
        Color32::from_rgb(12, 12, 12)
    } else {
        Color32::WHITE
    }
}

/// A numbered disc in a region's colour with a dark rim.
pub fn badge(
    painter: &Painter,
    centre: Pos2,
    radius: f32,
    colour: Color32,
    number: u32,
    font: egui::FontFamily,
) {
    painter.circle_filled(
        centre,
        radius + (radius * 0.12).max(1.0),
        Color32::BLACK.gamma_multiply(0.75),
    );
    painter.circle_filled(centre, radius, colour);
    let label = number.to_string();
    let px = if label.len() > 1 {
        radius * 1.05
    } else {
        radius * 1.25
    };
    painter.text(
        centre,
        egui::Align2::CENTER_CENTER,
        label,
        egui::FontId::new(px, font),
        ink_on(colour),
    );
}

/// The overview map in `area`: the whole photograph dimmed, the region's box in its colour and
/// the part shown in the main panel framed in white.
#[expect(
    clippy::too_many_arguments,
    reason = "one drawing with its whole context"
)]
pub fn overview(
    painter: &Painter,
    photo: &Photo<'_>,
    area: Rect,
    reveal: f32,
    view: Rect,
    spot: Rect,
    colour: Color32,
    u: f32,
) {
    let size = photo.size();
    let size = vec2(size[0] as f32, size[1] as f32);
    let s = (area.width() / size.x.max(1.0)).min(area.height() / size.y.max(1.0));
    let placed = Rect::from_min_size(area.max - size * s, size * s);
    let framing = Framing {
        panel: placed,
        view: Rect::from_min_size(Pos2::ZERO, size),
    };
    let painter = painter.with_clip_rect(placed);
    painter.rect_filled(placed, 0.0, Color32::from_rgb(8, 9, 11));
    photo.paint(&painter, framing, reveal);
    painter.rect_filled(placed, 0.0, Color32::BLACK.gamma_multiply(0.45));
    let b = Rect::from_min_max(framing.screen(spot.min), framing.screen(spot.max));
    let b = Rect::from_center_size(b.center(), b.size().max(Vec2::splat(3.0)));
    painter.rect_filled(b, 0.0, colour.gamma_multiply(0.6));
    let shown = view.intersect(framing.view);
    if shown.is_positive() {
        let v = Rect::from_min_max(framing.screen(shown.min), framing.screen(shown.max));
        painter.rect_stroke(
            v.shrink(u),
            0.0,
            Stroke::new(2.0 * u, Color32::from_white_alpha(240)),
            egui::StrokeKind::Middle,
        );
    }
    painter.rect_stroke(
        placed,
        0.0,
        Stroke::new(
            1.5 * u,
            Color32::from_rgb(165, 170, 178).gamma_multiply(0.8),
        ),
        egui::StrokeKind::Inside,
    );
}

/// The spotlit box on screen for a region box `spot` (before-image pixels) under `framing`,
/// as the slides compute it.
#[must_use]
pub fn spot_on_screen(framing: Framing, spot: Rect, u: f32) -> Rect {
    let b = BBox {
        x: f64::from(spot.min.x),
        y: f64::from(spot.min.y),
        width: f64::from(spot.width()),
        height: f64::from(spot.height()),
    };
    let (x, y, w, h) = slides::spotlight_rect(&framing.placement(), &b, u);
    Rect::from_min_size(pos2(x, y), vec2(w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ease_runs_from_zero_to_one_steadily() {
        assert!(ease(0.0).abs() < 1e-6 && (ease(1.0) - 1.0).abs() < 1e-6);
        assert!((ease(0.5) - 0.5).abs() < 1e-6);
        let mut prev = 0.0;
        for i in 1..=20 {
            let v = ease(i as f32 / 20.0);
            assert!(v >= prev, "ease must not go back");
            prev = v;
        }
    }

    #[test]
    fn whole_view_contains_the_image_with_the_panel_aspect() {
        let panel = Rect::from_min_size(Pos2::ZERO, vec2(1600.0, 900.0));
        let v = whole_view(vec2(1000.0, 800.0), panel);
        assert!(v.contains_rect(Rect::from_min_size(Pos2::ZERO, vec2(1000.0, 800.0))));
        assert!((v.width() / v.height() - 16.0 / 9.0).abs() < 1e-3);
    }

    #[test]
    fn lerp_shot_ends_where_asked() {
        let a = Shot {
            view: Rect::from_min_size(Pos2::ZERO, vec2(1600.0, 900.0)),
            spot: Rect::from_min_size(pos2(10.0, 10.0), vec2(5.0, 5.0)),
            dim: 0.0,
        };
        let b = Shot {
            view: Rect::from_min_size(pos2(300.0, 200.0), vec2(160.0, 90.0)),
            spot: Rect::from_min_size(pos2(320.0, 220.0), vec2(40.0, 40.0)),
            dim: 1.0,
        };
        let end = lerp_shot(&a, &b, 1.0);
        assert!((end.view.min - b.view.min).length() < 1e-2, "{end:?}");
        assert!((end.view.size() - b.view.size()).length() < 1e-2);
        let start = lerp_shot(&a, &b, 0.0);
        assert!((start.view.min - a.view.min).length() < 1e-2, "{start:?}");
        let mid = lerp_shot(&a, &b, 0.5);
        // Geometric zoom: half-way in time is the geometric mean of the widths.
        assert!((mid.view.width() - (1600.0_f32 * 160.0).sqrt()).abs() < 0.5);
    }

    #[test]
    fn rings_of_any_offset_have_the_same_points() {
        let r = Rect::from_min_size(pos2(10.0, 10.0), vec2(100.0, 40.0));
        assert_eq!(ring(r, 12.0, 0.0, 8).len(), ring(r, 12.0, 500.0, 8).len());
        // The first ring lies on the rectangle.
        for p in ring(r, 12.0, 0.0, 8) {
            assert!(r.expand(0.01).contains(p), "{p:?}");
        }
    }
}
