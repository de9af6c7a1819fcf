//! GPU textures for photographs, split into tiles no larger than the GPU allows, so a big scan
//! shows every pixel at 100 %.
//!
//! Textures are created once per image (on the worker thread that loaded it) and drawn with a
//! caller-supplied mapping from image coordinates to the screen, which lets the after image be
//! drawn through the alignment. Coordinates are *edge* coordinates: pixel `(x, y)` covers
//! `[x, x + 1) × [y, y + 1)`. This module converts pixels for display and does nothing else to
//! them.

use egui::{Color32, ColorImage, Mesh, Painter, Pos2, Rect, TextureHandle, TextureOptions, pos2};
use image::RgbImage;

/// Largest tile side used even when the GPU allows more (smaller uploads, better culling).
const PREFERRED_TILE: usize = 4096;

/// One tile of an image.
#[derive(Clone)]
struct Tile {
    /// Where the tile lies in image edge coordinates.
    px: Rect,
    texture: TextureHandle,
}

/// An image uploaded as one or more textures (a clone shares the textures).
#[derive(Clone)]
pub struct TiledImage {
    /// Width and height in pixels.
    pub size: [u32; 2],
    tiles: Vec<Tile>,
}

fn options() -> TextureOptions {
    TextureOptions {
        magnification: egui::TextureFilter::Nearest,
        minification: egui::TextureFilter::Linear,
        wrap_mode: egui::TextureWrapMode::ClampToEdge,
        mipmap_mode: Some(egui::TextureFilter::Linear),
    }
}

impl TiledImage {
    /// Uploads an RGB image in tiles of at most `max_side` pixels.
    #[must_use]
    pub fn from_rgb(ctx: &egui::Context, name: &str, img: &RgbImage, max_side: usize) -> Self {
        Self::from_rgb_as(ctx, name, img, max_side, 1, [img.width(), img.height()])
    }

    /// Uploads a copy of an image `size` pixels large, reduced by `k` (the copy's pixel
    /// `(x, y)` covering the image's pixels `[x·k, (x + 1)·k)`, the last ones cut short), to be
    /// drawn in the image's own coordinates: a quick first look while the image is decoded
    /// whole.
    #[must_use]
    pub fn from_rgb_as(
        ctx: &egui::Context,
        name: &str,
        img: &RgbImage,
        max_side: usize,
        k: u32,
        size: [u32; 2],
    ) -> Self {
        let tile = max_side.clamp(64, PREFERRED_TILE);
        let (w, h) = (img.width() as usize, img.height() as usize);
        let raw = img.as_raw();
        let k = k.max(1) as f32;
        let (fw, fh) = (size[0] as f32, size[1] as f32);
        let scale = |r: Rect| {
            Rect::from_min_max(
                pos2(r.min.x * k, r.min.y * k),
                pos2((r.max.x * k).min(fw), (r.max.y * k).min(fh)),
            )
        };
        let mut tiled = Self::build(
            ctx,
            name,
            [img.width(), img.height()],
            tile,
            |x0, y0, tw, th| {
                let mut bytes = Vec::with_capacity(tw * th * 3);
                for y in y0..y0 + th {
                    let start = (y * w + x0) * 3;
                    bytes.extend_from_slice(&raw[start..start + tw * 3]);
                }
                debug_assert!(x0 + tw <= w && y0 + th <= h);
                ColorImage::from_rgb([tw, th], &bytes)
            },
        );
        if size != tiled.size {
            for t in &mut tiled.tiles {
                t.px = scale(t.px);
            }
            tiled.size = size;
        }
        tiled
    }

    /// Uploads a mask as white where it is non-zero and transparent elsewhere, to be drawn
    /// with a tint colour.
    #[must_use]
    pub fn from_mask(
        ctx: &egui::Context,
        name: &str,
        mask: &image::GrayImage,
        max_side: usize,
    ) -> Self {
        let tile = max_side.clamp(64, PREFERRED_TILE);
        let w = mask.width() as usize;
        let raw = mask.as_raw();
        Self::build(
            ctx,
            name,
            [mask.width(), mask.height()],
            tile,
            |x0, y0, tw, th| {
                let mut pixels = Vec::with_capacity(tw * th);
                for y in y0..y0 + th {
                    for &v in &raw[y * w + x0..y * w + x0 + tw] {
                        pixels.push(if v > 0 {
                            Color32::WHITE
                        } else {
                            Color32::TRANSPARENT
                        });
                    }
                }
                ColorImage::new([tw, th], pixels)
            },
        )
    }

    fn build(
        ctx: &egui::Context,
        name: &str,
        size: [u32; 2],
        tile: usize,
        mut cut: impl FnMut(usize, usize, usize, usize) -> ColorImage,
    ) -> Self {
        let (w, h) = (size[0] as usize, size[1] as usize);
        let mut tiles = Vec::new();
        for y0 in (0..h).step_by(tile) {
            for x0 in (0..w).step_by(tile) {
                let (tw, th) = (tile.min(w - x0), tile.min(h - y0));
                let texture =
                    ctx.load_texture(format!("{name}-{x0}-{y0}"), cut(x0, y0, tw, th), options());
                tiles.push(Tile {
                    px: Rect::from_min_size(
                        pos2(x0 as f32, y0 as f32),
                        egui::vec2(tw as f32, th as f32),
                    ),
                    texture,
                });
            }
        }
        Self { size, tiles }
    }

    /// Number of textures.
    #[must_use]
    pub fn tile_count(&self) -> usize {
        self.tiles.len()
    }

    /// The whole image in edge coordinates.
    #[must_use]
    pub fn rect(&self) -> Rect {
        Rect::from_min_size(
            Pos2::ZERO,
            egui::vec2(self.size[0] as f32, self.size[1] as f32),
        )
    }

    /// Draws the image with `screen_from_image` mapping image edge coordinates to the screen.
    /// Each tile is cut into `subdivisions²` quads so a projective mapping bends correctly.
    /// Only the part inside `source` (image edge coordinates) is drawn.
    pub fn paint(
        &self,
        painter: &Painter,
        screen_from_image: &dyn Fn(Pos2) -> Pos2,
        source: Rect,
        subdivisions: u32,
        tint: Color32,
    ) {
        let clip = painter.clip_rect();
        let n = subdivisions.max(1);
        for tile in &self.tiles {
            let part = tile.px.intersect(source);
            if !part.is_positive() {
                continue;
            }
            let corners = [
                part.left_top(),
                part.right_top(),
                part.left_bottom(),
                part.right_bottom(),
            ];
            let bounds = Rect::from_points(&corners.map(screen_from_image));
            if !bounds.intersects(clip) {
                continue;
            }
            let mut mesh = Mesh::with_texture(tile.texture.id());
            let tsize = tile.px.size();
            for j in 0..=n {
                for i in 0..=n {
                    let (fx, fy) = (i as f32 / n as f32, j as f32 / n as f32);
                    let p = pos2(
                        part.min.x + fx * part.width(),
                        part.min.y + fy * part.height(),
                    );
                    let uv = pos2(
                        (p.x - tile.px.min.x) / tsize.x,
                        (p.y - tile.px.min.y) / tsize.y,
                    );
                    mesh.vertices.push(egui::epaint::Vertex {
                        pos: screen_from_image(p),
                        uv,
                        color: tint,
                    });
                }
            }
            let row = n + 1;
            for j in 0..n {
                for i in 0..n {
                    let a = j * row + i;
                    mesh.add_triangle(a, a + 1, a + row);
                    mesh.add_triangle(a + 1, a + row + 1, a + row);
                }
            }
            painter.add(egui::Shape::mesh(mesh));
        }
    }
}
