//! What the panes draw from: the pair, its overlays and the camera, and which image a pane
//! shows. Shared by the view modes and the loupe.

use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, pos2, vec2};

use crate::app::view::Camera;
use crate::app::worker::{LoadedPair, Overlays};
use crate::geometry::Transform;
use crate::project::Project;

/// What one pane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaneKind {
    /// Only the before image (left of side by side).
    Before,
    /// Only the after image (right of side by side).
    After,
    /// A combination of both.
    Both,
}

/// Everything a mode needs to draw.
pub struct Scene<'a> {
    /// The images.
    pub pair: &'a LoadedPair,
    /// Heat-map and mask textures, once analysed.
    pub overlays: Option<&'a Overlays>,
    /// The document.
    pub project: &'a Project,
    /// How the after image is drawn in the before frame.
    pub before_from_after: Transform,
    /// Whether that transform is projective (needs a finer mesh).
    pub projective: bool,
}

impl Scene<'_> {
    /// Draws the before image.
    pub fn paint_before(&self, painter: &Painter, cam: &Camera, pane: Rect, tint: Color32) {
        let cam = *cam;
        let tex = &self.pair.before_tex;
        tex.paint(
            painter,
            &|p| cam.screen_from_image(pane, p),
            tex.rect(),
            1,
            tint,
        );
    }

    /// Draws the after image through the alignment.
    pub fn paint_after(&self, painter: &Painter, cam: &Camera, pane: Rect, tint: Color32) {
        let cam = *cam;
        let t = self.before_from_after;
        let map = |q: Pos2| {
            let (x, y) = t.apply_lossy(f64::from(q.x) - 0.5, f64::from(q.y) - 0.5);
            cam.screen_from_image(pane, pos2(x as f32 + 0.5, y as f32 + 0.5))
        };
        let tex = &self.pair.after_tex;
        tex.paint(
            painter,
            &map,
            tex.rect(),
            if self.projective { 12 } else { 1 },
            tint,
        );
    }

    /// Draws a working-resolution overlay (heat-map or mask) stretched over the before frame.
    pub fn paint_overlay(
        &self,
        painter: &Painter,
        cam: &Camera,
        pane: Rect,
        tex: &crate::app::textures::TiledImage,
        tint: Color32,
    ) {
        let cam = *cam;
        let (bw, bh) = (
            self.pair.before_tex.size[0] as f32,
            self.pair.before_tex.size[1] as f32,
        );
        let (sx, sy) = (bw / tex.size[0] as f32, bh / tex.size[1] as f32);
        let map = |p: Pos2| cam.screen_from_image(pane, pos2(p.x * sx, p.y * sy));
        tex.paint(painter, &map, tex.rect(), 1, tint);
    }

    /// Maps a before-frame point to the after image's pixel centres.
    #[must_use]
    pub fn after_from_before(&self, p: Pos2) -> Option<[f64; 2]> {
        let inv = self.before_from_after.inverse()?;
        inv.apply(f64::from(p.x) - 0.5, f64::from(p.y) - 0.5)
            .map(|(x, y)| [x, y])
    }
}

/// A small caption chip in a pane's corner.
pub fn chip(painter: &Painter, pos: Pos2, align: Align2, text: &str, visuals: &egui::Visuals) {
    let galley = painter.layout_no_wrap(
        text.to_owned(),
        FontId::proportional(13.0),
        visuals.strong_text_color(),
    );
    let rect = align.anchor_size(pos, galley.size() + vec2(12.0, 6.0));
    painter.rect_filled(rect, 4.0, visuals.panel_fill.gamma_multiply(0.9));
    painter.galley(rect.min + vec2(6.0, 3.0), galley, Color32::WHITE);
}
