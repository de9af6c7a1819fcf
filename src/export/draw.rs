//! Raster drawing primitives shared by the image exports: text measuring and wrapping (each
//! character the face lacks falls back to the bundled emoji font, on the same baseline, so an
//! emoji never shows as a box), anti-aliased outlines with a dark casing and a light rim (they
//! survive greyscale printing) and numbered badges, translucent fills, the spotlight, and
//! sampling a view of a photograph into a panel.
//!
//! Everything works on 8-bit RGB canvases in pixel coordinates (x right, y down). Nothing here
//! knows about projects or regions; the layouts in the sibling modules decide what goes where.

use ab_glyph::{Font, FontRef, ScaleFont as _};
use image::{Rgb, RgbImage};
use rayon::prelude::*;

/// An RGB colour.
pub type Colour = [u8; 3];

/// The faces used by the raster exports.
#[derive(Clone)]
pub struct Faces {
    /// Body text.
    pub regular: FontRef<'static>,
    /// Titles, labels and numbers.
    pub bold: FontRef<'static>,
    /// Quoted essay passages.
    pub oblique: FontRef<'static>,
}

impl Faces {
    /// The bundled faces.
    #[must_use]
    pub fn bundled() -> Self {
        Self {
            regular: crate::fonts::sans(),
            bold: crate::fonts::sans_bold(),
            oblique: crate::fonts::sans_oblique(),
        }
    }
}

/// The runs of `text` with the face that draws each, at the pixel size that gives it the same
/// em as `font` at `px` (the fallback's line height differs), and the distance from the line's
/// top to its own ascent line, so that every run shares `font`'s baseline.
fn runs<'f>(
    font: &'f FontRef<'static>,
    px: f32,
    text: &str,
) -> Vec<(&'f FontRef<'static>, f32, f32, String)> {
    let baseline = font.as_scaled(px).ascent();
    let em = px * font.units_per_em().unwrap_or(2048.0) / font.height_unscaled();
    crate::fonts::fallback_runs(font, text)
        .into_iter()
        .map(|(which, s)| match which {
            crate::fonts::Fallback::Primary => (font, px, 0.0, s),
            crate::fonts::Fallback::Emoji => {
                let emoji = crate::fonts::emoji();
                let epx = em * emoji.height_unscaled() / emoji.units_per_em().unwrap_or(2048.0);
                (emoji, epx, baseline - emoji.as_scaled(epx).ascent(), s)
            }
        })
        .collect()
}

/// The advance of `s` set in `font` at `px`, as imageproc lays it out.
fn advance(font: &FontRef<'static>, px: f32, s: &str) -> f32 {
    let scaled = font.as_scaled(px);
    let mut w = 0.0;
    let mut prev = None;
    for c in s.chars() {
        let g = scaled.glyph_id(c);
        w += scaled.h_advance(g);
        if let Some(p) = prev {
            w += scaled.kern(g, p);
        }
        prev = Some(g);
    }
    w
}

/// Width in pixels of `text` set in `font` at `px` (the line height imageproc uses). Characters
/// `font` lacks are measured in the emoji fallback ([`crate::fonts::fallback_runs`]).
#[must_use]
pub fn text_width(font: &FontRef<'static>, px: f32, text: &str) -> f32 {
    if text.is_empty() {
        return 0.0;
    }
    match runs(font, px, text).as_slice() {
        [] => 0.0,
        [(f, fpx, _, s)] if std::ptr::eq(*f, font) => {
            imageproc::drawing::text_size(*fpx, *f, s).0 as f32
        }
        many => {
            let w: f32 = many.iter().map(|(f, fpx, _, s)| advance(f, *fpx, s)).sum();
            w.ceil() + 1.0
        }
    }
}

/// Draws one line of text with its top edge at `y`; characters `font` lacks are drawn in the
/// emoji fallback on the same baseline.
pub fn text(
    img: &mut RgbImage,
    font: &FontRef<'static>,
    px: f32,
    x: f32,
    y: f32,
    c: Colour,
    s: &str,
) {
    let mut cx = x;
    for (f, fpx, dy, run) in runs(font, px, s) {
        imageproc::drawing::draw_text_mut(
            img,
            Rgb(c),
            cx.round() as i32,
            (y + dy).round() as i32,
            fpx,
            f,
            &run,
        );
        cx += advance(f, fpx, &run);
    }
}

/// Draws one line of text centred on `cx`.
pub fn text_centred(
    img: &mut RgbImage,
    font: &FontRef<'static>,
    px: f32,
    cx: f32,
    y: f32,
    c: Colour,
    s: &str,
) {
    let w = text_width(font, px, s);
    text(img, font, px, cx - w / 2.0, y, c, s);
}

/// Breaks `s` into lines no wider than `max_w`, at spaces; a word wider than a line is broken
/// between characters. Newlines in `s` start new lines; blank lines are kept as empty lines.
#[must_use]
pub fn wrap(font: &FontRef<'static>, px: f32, s: &str, max_w: f32) -> Vec<String> {
    wrap_with(|t| text_width(font, px, t), s, max_w)
}

/// [`wrap`] with any measure of a string's width.
pub fn wrap_with(width: impl Fn(&str) -> f32, s: &str, max_w: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in s.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate) <= max_w {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if width(word) <= max_w {
                line = word.to_string();
            } else {
                for ch in word.chars() {
                    let mut next = line.clone();
                    next.push(ch);
                    if !line.is_empty() && width(&next) > max_w {
                        lines.push(std::mem::take(&mut line));
                        line.push(ch);
                    } else {
                        line = next;
                    }
                }
            }
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Shortens `s` with an ellipsis until it fits in `max_w`.
#[must_use]
pub fn ellipsize(font: &FontRef<'static>, px: f32, s: &str, max_w: f32) -> String {
    if text_width(font, px, s) <= max_w {
        return s.to_string();
    }
    let mut chars: Vec<char> = s.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if text_width(font, px, &candidate) <= max_w {
            return candidate;
        }
    }
    "…".to_string()
}

/// Wraps `s` into at most `max_lines` lines, the last one ellipsized when text was cut.
#[must_use]
pub fn wrap_limited(
    font: &FontRef<'static>,
    px: f32,
    s: &str,
    max_w: f32,
    max_lines: usize,
) -> Vec<String> {
    let mut lines = wrap(font, px, s, max_w);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            *last = ellipsize(font, px, &format!("{last}…"), max_w);
        }
    }
    lines
}

fn mix(dst: u8, src: u8, a: f32) -> u8 {
    (f32::from(dst) + (f32::from(src) - f32::from(dst)) * a)
        .round()
        .clamp(0.0, 255.0) as u8
}

/// Blends colour `c` over the pixel at `(x, y)` with opacity `a` (ignored outside the canvas).
pub fn blend(img: &mut RgbImage, x: i64, y: i64, c: Colour, a: f32) {
    if a <= 0.0 || x < 0 || y < 0 || x >= i64::from(img.width()) || y >= i64::from(img.height()) {
        return;
    }
    let p = img.get_pixel_mut(x as u32, y as u32);
    for (v, &s) in p.0.iter_mut().zip(&c) {
        *v = mix(*v, s, a.min(1.0));
    }
}

/// Fills the rectangle `[x, x + w) × [y, y + h)` with `c` at opacity `a`.
pub fn fill_rect(img: &mut RgbImage, x: f32, y: f32, w: f32, h: f32, c: Colour, a: f32) {
    let x0 = x.round().max(0.0) as i64;
    let y0 = y.round().max(0.0) as i64;
    let x1 = ((x + w).round() as i64).min(i64::from(img.width()));
    let y1 = ((y + h).round() as i64).min(i64::from(img.height()));
    for yy in y0..y1 {
        for xx in x0..x1 {
            blend(img, xx, yy, c, a);
        }
    }
}

fn segment_distance(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

/// Strokes a closed polygon with an anti-aliased line `width` pixels wide, with round joins.
pub fn stroke_polygon(img: &mut RgbImage, pts: &[(f32, f32)], width: f32, c: Colour, a: f32) {
    if pts.is_empty() {
        return;
    }
    let half = width / 2.0;
    let pad = half + 1.0;
    let min_x = pts.iter().map(|p| p.0).fold(f32::INFINITY, f32::min) - pad;
    let min_y = pts.iter().map(|p| p.1).fold(f32::INFINITY, f32::min) - pad;
    let max_x = pts.iter().map(|p| p.0).fold(f32::NEG_INFINITY, f32::max) + pad;
    let max_y = pts.iter().map(|p| p.1).fold(f32::NEG_INFINITY, f32::max) + pad;
    let x0 = min_x.floor().max(0.0) as i64;
    let y0 = min_y.floor().max(0.0) as i64;
    let x1 = (max_x.ceil() as i64).min(i64::from(img.width()) - 1);
    let y1 = (max_y.ceil() as i64).min(i64::from(img.height()) - 1);
    if x1 < x0 || y1 < y0 {
        return;
    }
    let bw = (x1 - x0 + 1) as usize;
    let bh = (y1 - y0 + 1) as usize;
    let mut cover = vec![0.0_f32; bw * bh];
    let n = pts.len();
    for i in 0..n {
        let p = pts[i];
        let q = pts[(i + 1) % n];
        let sx0 = ((p.0.min(q.0) - pad).floor() as i64).max(x0);
        let sx1 = ((p.0.max(q.0) + pad).ceil() as i64).min(x1);
        let sy0 = ((p.1.min(q.1) - pad).floor() as i64).max(y0);
        let sy1 = ((p.1.max(q.1) + pad).ceil() as i64).min(y1);
        for yy in sy0..=sy1 {
            for xx in sx0..=sx1 {
                let d = segment_distance((xx as f32 + 0.5, yy as f32 + 0.5), p, q);
                let v = (half + 0.5 - d).clamp(0.0, 1.0);
                let k = (yy - y0) as usize * bw + (xx - x0) as usize;
                if v > cover[k] {
                    cover[k] = v;
                }
            }
        }
    }
    for yy in 0..bh {
        for xx in 0..bw {
            let v = cover[yy * bw + xx];
            if v > 0.0 {
                blend(img, x0 + xx as i64, y0 + yy as i64, c, v * a);
            }
        }
    }
}

/// Draws a region outline that survives greyscale and black-and-white printing: a near-black
/// casing, a light rim inside it and the coloured line on top, so the outline shows as a dark
/// edge on a light photograph and as a light line on a dark one whatever its colour's grey.
pub fn outline(img: &mut RgbImage, pts: &[(f32, f32)], width: f32, c: Colour) {
    let rim = (width * 0.3).max(1.5);
    let casing = (width * 0.45).max(1.0);
    stroke_polygon(img, pts, width + 2.0 * (rim + casing), CASING, 0.9);
    stroke_polygon(img, pts, width + 2.0 * rim, [255, 255, 255], 0.95);
    stroke_polygon(img, pts, width, c, 1.0);
}

/// The near-black casing under every outline.
const CASING: Colour = [14, 14, 18];

/// Fills an anti-aliased disc.
pub fn disc(img: &mut RgbImage, cx: f32, cy: f32, r: f32, c: Colour, a: f32) {
    let x0 = (cx - r - 1.0).floor() as i64;
    let x1 = (cx + r + 1.0).ceil() as i64;
    let y0 = (cy - r - 1.0).floor() as i64;
    let y1 = (cy + r + 1.0).ceil() as i64;
    for yy in y0..=y1 {
        for xx in x0..=x1 {
            let d = ((xx as f32 + 0.5 - cx).powi(2) + (yy as f32 + 0.5 - cy).powi(2)).sqrt();
            let v = (r + 0.5 - d).clamp(0.0, 1.0);
            if v > 0.0 {
                blend(img, xx, yy, c, v * a);
            }
        }
    }
}

/// Black or white, whichever reads better on `c`.
#[must_use]
pub fn ink_on(c: Colour) -> Colour {
    let lum = 0.2126 * f32::from(c[0]) + 0.7152 * f32::from(c[1]) + 0.0722 * f32::from(c[2]);
    if lum > 120.0 {
        [0, 0, 0]
    } else {
        [255, 255, 255]
    }
}

/// Draws a numbered callout: a disc of colour `c` with a dark rim and the number centred in it.
pub fn badge(
    img: &mut RgbImage,
    bold: &FontRef<'static>,
    cx: f32,
    cy: f32,
    r: f32,
    c: Colour,
    n: u32,
) {
    disc(img, cx, cy, r + (r * 0.12).max(1.0), [0, 0, 0], 0.75);
    disc(img, cx, cy, r, c, 1.0);
    let label = n.to_string();
    let mut px = r * 1.25;
    if label.len() > 1 {
        px = r * 1.05;
    }
    let w = text_width(bold, px, &label);
    // Digits sit between the baseline and the cap height (0.73 em in DejaVu): centre that band
    // rather than the whole line box.
    let scaled = bold.as_scaled(px);
    let em_px = px * bold.units_per_em().unwrap_or(2048.0) / bold.height_unscaled();
    let top = cy + 0.73 * em_px / 2.0 - ab_glyph::ScaleFont::ascent(&scaled);
    text(img, bold, px, cx - w / 2.0, top, ink_on(c), &label);
}

/// Multiplies every pixel outside a rounded rectangle by `dim` (0 = black, 1 = unchanged), with
/// a soft edge `feather` pixels wide: the spotlight that picks out one region.
pub fn spotlight(
    img: &mut RgbImage,
    rect: (f32, f32, f32, f32),
    radius: f32,
    feather: f32,
    dim: f32,
) {
    let (rx, ry, rw, rh) = rect;
    let (cx, cy) = (rx + rw / 2.0, ry + rh / 2.0);
    let (hx, hy) = (rw / 2.0 - radius, rh / 2.0 - radius);
    let width = img.width() as usize;
    img.par_chunks_mut(width * 3)
        .enumerate()
        .for_each(|(y, row)| {
            let py = y as f32 + 0.5;
            for x in 0..width {
                let px = x as f32 + 0.5;
                let qx = ((px - cx).abs() - hx).max(0.0);
                let qy = ((py - cy).abs() - hy).max(0.0);
                let d = (qx * qx + qy * qy).sqrt() - radius;
                let t = (d / feather.max(1.0)).clamp(0.0, 1.0);
                let t = t * t * (3.0 - 2.0 * t);
                let f = 1.0 - (1.0 - dim) * t;
                if f < 1.0 {
                    for k in 0..3 {
                        let v = &mut row[x * 3 + k];
                        *v = (f32::from(*v) * f).round() as u8;
                    }
                }
            }
        });
}

/// A window onto an image: the image-pixel rectangle `(x, y, w, h)` shown in a panel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// Left edge in image pixels.
    pub x: f64,
    /// Top edge in image pixels.
    pub y: f64,
    /// Width in image pixels.
    pub w: f64,
    /// Height in image pixels.
    pub h: f64,
}

/// Maps image pixels of a [`View`] to panel pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    /// The window onto the image.
    pub view: View,
    /// Left edge of the panel on the canvas.
    pub px: f32,
    /// Top edge of the panel on the canvas.
    pub py: f32,
    /// Panel pixels per image pixel.
    pub scale: f64,
}

impl Placement {
    /// Canvas position of image point `(x, y)`.
    #[must_use]
    pub fn map(&self, x: f64, y: f64) -> (f32, f32) {
        (
            self.px + ((x - self.view.x) * self.scale) as f32,
            self.py + ((y - self.view.y) * self.scale) as f32,
        )
    }

    /// Canvas positions of a polygon.
    #[must_use]
    pub fn map_polygon(&self, pts: &[[f64; 2]]) -> Vec<(f32, f32)> {
        pts.iter().map(|p| self.map(p[0], p[1])).collect()
    }

    /// Canvas rectangle `(x, y, w, h)` of an image-pixel box.
    #[must_use]
    pub fn map_box(&self, b: &crate::regions::BBox) -> (f32, f32, f32, f32) {
        let (x, y) = self.map(b.x, b.y);
        (
            x,
            y,
            (b.width * self.scale) as f32,
            (b.height * self.scale) as f32,
        )
    }
}

/// Samples `view` of `src` into a `pw × ph` panel at `(px, py)` of `canvas` (bilinear; an
/// area-averaging pre-shrink when the view is minified). Pixels of the panel outside the image
/// are left as they were.
pub fn draw_view(
    canvas: &mut RgbImage,
    src: &RgbImage,
    view: View,
    px: u32,
    py: u32,
    pw: u32,
    ph: u32,
) -> Placement {
    let scale = f64::from(pw) / view.w;
    let placement = Placement {
        view,
        px: px as f32,
        py: py as f32,
        scale,
    };
    if src.width() == 0 || src.height() == 0 || pw == 0 || ph == 0 {
        return placement;
    }
    // Shrink first when minifying, so that bilinear sampling does not alias.
    let (img, k) = if scale < 0.75 {
        let k = (scale * 1.5).min(1.0);
        let w = ((f64::from(src.width()) * k).round() as u32).max(1);
        let h = ((f64::from(src.height()) * k).round() as u32).max(1);
        let k = f64::from(w) / f64::from(src.width());
        (
            std::borrow::Cow::Owned(image::imageops::resize(
                src,
                w,
                h,
                image::imageops::FilterType::Triangle,
            )),
            k,
        )
    } else {
        (std::borrow::Cow::Borrowed(src), 1.0)
    };
    let (iw, ih) = (img.width() as usize, img.height() as usize);
    let raw = img.as_raw();
    let cw = canvas.width() as usize;
    let ch = canvas.height() as usize;
    let x_end = (px as usize + pw as usize).min(cw);
    let y_end = (py as usize + ph as usize).min(ch);
    let row_len = cw * 3;
    canvas
        .par_chunks_mut(row_len)
        .enumerate()
        .skip(py as usize)
        .take(y_end.saturating_sub(py as usize))
        .for_each(|(cy, row)| {
            let iy = ((cy as f64 + 0.5 - f64::from(py)) / scale + view.y) * k - 0.5;
            if iy < -0.5 || iy > ih as f64 - 0.5 {
                return;
            }
            let iy = iy.clamp(0.0, (ih - 1) as f64);
            let y0 = iy.floor() as usize;
            let y1 = (y0 + 1).min(ih - 1);
            let fy = (iy - y0 as f64) as f32;
            for cx in px as usize..x_end {
                let ix = ((cx as f64 + 0.5 - f64::from(px)) / scale + view.x) * k - 0.5;
                if ix < -0.5 || ix > iw as f64 - 0.5 {
                    continue;
                }
                let ix = ix.clamp(0.0, (iw - 1) as f64);
                let x0 = ix.floor() as usize;
                let x1 = (x0 + 1).min(iw - 1);
                let fx = (ix - x0 as f64) as f32;
                for c in 0..3 {
                    let p = |xx: usize, yy: usize| f32::from(raw[(yy * iw + xx) * 3 + c]);
                    let top = p(x0, y0) + (p(x1, y0) - p(x0, y0)) * fx;
                    let bot = p(x0, y1) + (p(x1, y1) - p(x0, y1)) * fx;
                    row[cx * 3 + c] = (top + (bot - top) * fy).round().clamp(0.0, 255.0) as u8;
                }
            }
        });
    placement
}

/// The whole of a `w × h` image fitted (centred, aspect kept) into a `pw × ph` panel; returns
/// the view and the fitted panel rectangle `(x, y, w, h)` relative to the panel.
#[must_use]
pub fn fit(w: u32, h: u32, pw: u32, ph: u32) -> (View, (u32, u32, u32, u32)) {
    let s = (f64::from(pw) / f64::from(w.max(1))).min(f64::from(ph) / f64::from(h.max(1)));
    let fw = ((f64::from(w) * s).round() as u32).clamp(1, pw.max(1));
    let fh = ((f64::from(h) * s).round() as u32).clamp(1, ph.max(1));
    (
        View {
            x: 0.0,
            y: 0.0,
            w: f64::from(w),
            h: f64::from(h),
        },
        ((pw - fw) / 2, (ph - fh) / 2, fw, fh),
    )
}

/// Linear blend of two equally sized images: `a` at `t = 0`, `b` at `t = 1`.
#[must_use]
pub fn cross_fade(a: &RgbImage, b: &RgbImage, t: f32) -> RgbImage {
    let mut out = a.clone();
    out.as_mut()
        .par_iter_mut()
        .zip(b.as_raw().par_iter())
        .for_each(|(x, &y)| *x = mix(*x, y, t));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_word_and_fits() {
        let f = Faces::bundled();
        let s = "Leon Trotsky stood on the steps of the podium beside Lenin; later prints show only wooden steps.";
        let lines = wrap(&f.regular, 20.0, s, 200.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(text_width(&f.regular, 20.0, l) <= 200.0, "{l}");
        }
        assert_eq!(lines.join(" "), s);
    }

    #[test]
    fn wrap_breaks_overlong_words() {
        let f = Faces::bundled();
        let lines = wrap(&f.regular, 20.0, &"x".repeat(200), 100.0);
        assert!(lines.len() > 3);
        assert_eq!(lines.concat(), "x".repeat(200));
    }

    #[test]
    fn ellipsize_fits() {
        let f = Faces::bundled();
        let s = ellipsize(&f.regular, 20.0, &"word ".repeat(50), 150.0);
        assert!(s.ends_with('…'));
        assert!(text_width(&f.regular, 20.0, &s) <= 150.0);
    }

    #[test]
    fn spotlight_dims_outside_only() {
        let mut img = RgbImage::from_pixel(100, 100, Rgb([200, 200, 200]));
        spotlight(&mut img, (40.0, 40.0, 20.0, 20.0), 4.0, 6.0, 0.25);
        assert_eq!(img.get_pixel(50, 50).0, [200, 200, 200]);
        assert_eq!(img.get_pixel(2, 2).0, [50, 50, 50]);
    }

    fn drawn(s: &str) -> RgbImage {
        let f = Faces::bundled();
        let mut img = RgbImage::from_pixel(120, 60, Rgb([255, 255, 255]));
        text(&mut img, &f.regular, 40.0, 10.0, 5.0, [0, 0, 0], s);
        img
    }

    fn ink(img: &RgbImage) -> usize {
        img.pixels().filter(|p| p.0[0] < 128).count()
    }

    #[test]
    fn an_emoji_dejavu_lacks_is_drawn_from_the_fallback_not_as_a_box() {
        let f = Faces::bundled();
        // U+1F642 is in neither font: the missing-glyph box, the picture of failure.
        let boxed = drawn("\u{1F642}");
        assert!(ink(&boxed) > 0);
        for emoji in ["📷", "🚩", "👍"] {
            let img = drawn(emoji);
            assert_ne!(img, boxed, "{emoji} drawn as the missing-glyph box");
            assert!(ink(&img) > 150, "{emoji}: {} pixels of ink", ink(&img));
            // The width is the emoji's, measured in the fallback.
            let w = text_width(&f.regular, 40.0, emoji);
            assert!(w > 25.0 && w < 60.0, "{emoji}: {w}");
        }
        // Mixed text keeps its words and measures wider than the words alone.
        let words = text_width(&f.regular, 20.0, "Camera  here");
        let mixed = text_width(&f.regular, 20.0, "Camera 📷 here");
        assert!(mixed > words + 10.0, "{mixed} vs {words}");
        // Text without fallback is drawn exactly as before (imageproc's own layout).
        let mut a = RgbImage::from_pixel(200, 40, Rgb([255, 255, 255]));
        let mut b = a.clone();
        text(&mut a, &f.bold, 20.0, 3.0, 4.0, [9, 9, 9], "Leon Trotsky");
        imageproc::drawing::draw_text_mut(
            &mut b,
            Rgb([9, 9, 9]),
            3,
            4,
            20.0,
            &f.bold,
            "Leon Trotsky",
        );
        assert_eq!(a, b);
        assert_eq!(
            text_width(&f.bold, 20.0, "Leon Trotsky"),
            imageproc::drawing::text_size(20.0, &f.bold, "Leon Trotsky").0 as f32
        );
    }

    #[test]
    fn an_emoji_sits_on_the_baseline_of_the_text() {
        // The camera's ink lies within the line box of the text around it.
        let img = drawn("x📷");
        let rows: Vec<u32> = (0..img.height())
            .filter(|&y| (45..img.width()).any(|x| img.get_pixel(x, y).0[0] < 128))
            .collect();
        let (top, bottom) = (rows[0], rows[rows.len() - 1]);
        let f = Faces::bundled();
        let baseline = 5.0 + f.regular.as_scaled(40.0).ascent();
        assert!(
            (bottom as f32 - baseline).abs() < 6.0,
            "{bottom} vs {baseline}"
        );
        assert!(top > 5, "{top}");
    }

    #[test]
    fn view_of_whole_image_reproduces_it() {
        let mut src = RgbImage::new(20, 10);
        for (x, y, p) in src.enumerate_pixels_mut() {
            *p = Rgb([(x * 10) as u8, (y * 20) as u8, 7]);
        }
        let mut canvas = RgbImage::new(20, 10);
        let (view, _) = fit(20, 10, 20, 10);
        draw_view(&mut canvas, &src, view, 0, 0, 20, 10);
        assert_eq!(canvas, src);
    }
}
