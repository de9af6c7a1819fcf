//! Slides: a title slide and one 1920×1080 slide per visible region, laid out like the
//! presentation mode so a teacher can project either.
//!
//! # The layout (also the presentation mode's)
//!
//! All measures are in units `u` = slide height / 1080, so the layout scales with any 16:9
//! window ([`SlideLayout::for_size`]).
//!
//! - **Surround**: the whole slide is a dark grey ([`SURROUND`]); the photograph sits in a
//!   near-black panel ([`PANEL`]).
//! - **Header** (top 24u): the project title on the left, "region / count" on the right, in
//!   [`MUTED`] at 30u.
//! - **Image panel** (x 48u, y 84u, 1160u × 940u): the photograph zoomed on the region
//!   ([`region_view`]: the region's box fills about half the panel, magnification at most 6×,
//!   never past the image edge unless the whole image is smaller than the panel); a spotlight
//!   ([`spotlight_rect`]) leaves a rounded box around the region at full brightness and dims the
//!   rest to 30 % with a soft edge 40u wide; the outline in the region's palette colour and its
//!   numbered badge.
//! - **Caption panel** (x 1256u, y 84u, 616u wide): the numbered badge (radius 36u) and the
//!   label in bold 54u; the tags in 33u; the note in 40u; then "From the essay" and the
//!   section name in bold 33u, and the linked passage in oblique 38u beside a bar in the
//!   region's colour.
//!   Note and passage shrink together to no less than 88 % (35u and 33u: every caption line
//!   stays above 3 % of the height), then are cut with an ellipsis.
//! - **Overview map** (bottom of the caption panel, at most 360u × 240u): the whole photograph,
//!   dimmed, with the zoomed view outlined in white and the region's box in its colour.
//! - **Footer** (y 1040u): the credits of both images in 22u.
//!
//! The title slide shows the title (bold 76u), the region count, and the two images side by
//! side, each headed by its name and followed by its credit.

use image::{Rgb, RgbImage};

use super::content::{self, RegionContent};
use super::draw::{self, Colour, Faces, Placement, View};
use super::{Base, ExportInput};
use crate::regions::BBox;

/// Width of an exported slide in pixels.
pub const SLIDE_WIDTH: u32 = 1920;
/// Height of an exported slide in pixels.
pub const SLIDE_HEIGHT: u32 = 1080;

/// The surround.
pub const SURROUND: Colour = [22, 24, 28];
/// Behind the photograph.
pub const PANEL: Colour = [8, 9, 11];
/// Main text.
pub const TEXT: Colour = [240, 240, 238];
/// Secondary text.
pub const MUTED: Colour = [165, 170, 178];
/// Quoted essay passages.
pub const PASSAGE: Colour = [232, 222, 196];
/// Brightness kept outside the spotlight.
pub const SPOTLIGHT_DIM: f32 = 0.3;

/// A rectangle in slide pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlideRect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

/// Positions and type sizes of a slide of a given size (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlideLayout {
    /// Slide width in pixels.
    pub width: f32,
    /// Slide height in pixels.
    pub height: f32,
    /// One layout unit: height / 1080.
    pub u: f32,
    /// Where the photograph goes.
    pub image_panel: SlideRect,
    /// Where the caption goes (the overview map sits at its bottom).
    pub caption_panel: SlideRect,
    /// Top of the header line.
    pub header_y: f32,
    /// Top of the footer line.
    pub footer_y: f32,
    /// Header and footer type size.
    pub meta_px: f32,
    /// Footer (credits) type size.
    pub credit_px: f32,
    /// Label type size.
    pub label_px: f32,
    /// Tags type size.
    pub tags_px: f32,
    /// Note type size (before any shrinking).
    pub note_px: f32,
    /// Essay passage type size (before any shrinking).
    pub passage_px: f32,
    /// Badge radius in the caption.
    pub badge_r: f32,
}

impl SlideLayout {
    /// The layout for a `width × height` slide or window. The design is for 16:9; on other
    /// shapes the panels keep their proportions to the height and the caption panel takes the
    /// rest of the width.
    #[must_use]
    pub fn for_size(width: f32, height: f32) -> Self {
        let u = height / 1080.0;
        let m = 48.0 * u;
        let caption_w = 616.0 * u;
        let gap = 48.0 * u;
        let image_w = (width - 2.0 * m - gap - caption_w).max(100.0 * u);
        Self {
            width,
            height,
            u,
            image_panel: SlideRect {
                x: m,
                y: 84.0 * u,
                w: image_w,
                h: 940.0 * u,
            },
            caption_panel: SlideRect {
                x: m + image_w + gap,
                y: 84.0 * u,
                w: caption_w,
                h: 940.0 * u,
            },
            header_y: 24.0 * u,
            footer_y: 1040.0 * u,
            meta_px: 30.0 * u,
            credit_px: 22.0 * u,
            label_px: 54.0 * u,
            tags_px: 33.0 * u,
            note_px: 40.0 * u,
            passage_px: 38.0 * u,
            badge_r: 36.0 * u,
        }
    }

    /// The overview map's box for an image of `w × h` pixels (bottom-right of the caption
    /// panel).
    #[must_use]
    pub fn overview(&self, w: u32, h: u32) -> SlideRect {
        let max_w = (360.0 * self.u).min(self.caption_panel.w);
        let max_h = 240.0 * self.u;
        let s = (max_w / w.max(1) as f32).min(max_h / h.max(1) as f32);
        let ow = (w as f32 * s).round();
        let oh = (h as f32 * s).round();
        SlideRect {
            x: self.caption_panel.x + self.caption_panel.w - ow,
            y: self.caption_panel.y + self.caption_panel.h - oh,
            w: ow,
            h: oh,
        }
    }
}

/// The window onto a `w × h` image that a slide (or the presentation mode) shows for a region
/// with box `bbox` in a `pw × ph` panel: the box fills about half of the panel, magnification
/// is at most 6×, and the window stays inside the image where it can.
#[must_use]
pub fn region_view(bbox: &BBox, w: u32, h: u32, pw: f32, ph: f32) -> View {
    let aspect = f64::from(pw / ph);
    let (iw, ih) = (f64::from(w.max(1)), f64::from(h.max(1)));
    let mut vw = (bbox.width.max(1.0) / 0.5).max(bbox.height.max(1.0) / 0.5 * aspect);
    vw = vw.max(f64::from(pw) / 6.0);
    // Never wider than needed to show the whole image.
    vw = vw.min(iw.max(ih * aspect));
    let vh = vw / aspect;
    let [cx, cy] = bbox.center();
    let place = |c: f64, v: f64, total: f64| {
        if v >= total {
            (total - v) / 2.0
        } else {
            (c - v / 2.0).clamp(0.0, total - v)
        }
    };
    View {
        x: place(cx, vw, iw),
        y: place(cy, vh, ih),
        w: vw,
        h: vh,
    }
}

/// The spotlight's lit box on the canvas for a region, given how the image is placed: the
/// region's box plus a margin of 8 % of its larger side (at least 16u).
#[must_use]
pub fn spotlight_rect(placement: &Placement, bbox: &BBox, u: f32) -> (f32, f32, f32, f32) {
    let (x, y, w, h) = placement.map_box(bbox);
    let pad = (w.max(h) * 0.08).max(16.0 * u);
    (x - pad, y - pad, w + 2.0 * pad, h + 2.0 * pad)
}

/// Every slide: the title slide, then one per visible region in number order, each
/// [`SLIDE_WIDTH`] × [`SLIDE_HEIGHT`], the regions drawn on `base`.
#[must_use]
pub fn slides(input: &ExportInput<'_>, base: Base) -> Vec<RgbImage> {
    let faces = Faces::bundled();
    let regions = content::regions_content(input.project, input.essay);
    let mut out = Vec::with_capacity(regions.len() + 1);
    out.push(title_slide(input, &faces, regions.len()));
    for (i, r) in regions.iter().enumerate() {
        out.push(region_slide(input, &faces, base, r, i + 1, regions.len()));
    }
    out
}

/// Slide `index` of [`slides`] alone (0 = the title slide), or `None` past the last; so a
/// long deck can be rendered and written one slide at a time.
#[must_use]
pub fn slide_at(input: &ExportInput<'_>, base: Base, index: usize) -> Option<RgbImage> {
    let regions = content::regions_content(input.project, input.essay);
    slide_of(input, base, &regions, index)
}

/// Slide `index` given the regions' content gathered once ([`content::regions_content`]).
#[must_use]
pub fn slide_of(
    input: &ExportInput<'_>,
    base: Base,
    regions: &[RegionContent<'_>],
    index: usize,
) -> Option<RgbImage> {
    let faces = Faces::bundled();
    if index == 0 {
        return Some(title_slide(input, &faces, regions.len()));
    }
    let r = regions.get(index - 1)?;
    Some(region_slide(input, &faces, base, r, index, regions.len()))
}

/// The title slide alone.
fn title_slide(input: &ExportInput<'_>, faces: &Faces, n: usize) -> RgbImage {
    let l = SlideLayout::for_size(SLIDE_WIDTH as f32, SLIDE_HEIGHT as f32);
    let u = l.u;
    let mut img = RgbImage::from_pixel(SLIDE_WIDTH, SLIDE_HEIGHT, Rgb(SURROUND));
    let cx = l.width / 2.0;
    let title_px = 76.0 * u;
    let mut y = 96.0 * u;
    for line in draw::wrap_limited(
        &faces.bold,
        title_px,
        &content::title(input.project),
        1760.0 * u,
        2,
    ) {
        draw::text_centred(&mut img, &faces.bold, title_px, cx, y, TEXT, &line);
        y += title_px * 1.2;
    }
    let sub = if n == 0 {
        "The original and the altered print: no changed regions are marked".to_string()
    } else {
        format!(
            "{} where the altered print differs from the original",
            content::count_regions(n)
        )
    };
    draw::text_centred(
        &mut img,
        &faces.regular,
        36.0 * u,
        cx,
        y + 8.0 * u,
        MUTED,
        &sub,
    );

    let p = input.project;
    let box_w = 840.0 * u;
    let head_y = y + 8.0 * u + 36.0 * u * 1.3 + 40.0 * u;
    let box_y = head_y + 38.0 * u * 1.3 + 12.0 * u;
    // Leave room for up to three lines of credit under the images.
    let box_h = (l.height - box_y - 150.0 * u).min(540.0 * u);
    for (x, src, head, meta) in [
        (
            80.0 * u,
            input.before,
            content::image_title("Original", &p.before.meta),
            &p.before.meta,
        ),
        (
            1000.0 * u,
            input.after_aligned,
            content::image_title("Altered print", &p.after.meta),
            &p.after.meta,
        ),
    ] {
        draw::text_centred(
            &mut img,
            &faces.bold,
            38.0 * u,
            x + box_w / 2.0,
            head_y,
            TEXT,
            &head,
        );
        let (view, (fx, fy, fw, fh)) =
            draw::fit(src.width(), src.height(), box_w as u32, box_h as u32);
        draw::draw_view(
            &mut img,
            src,
            view,
            x as u32 + fx,
            box_y as u32 + fy,
            fw,
            fh,
        );
        let credit = content::credit_line(meta);
        let credit = if credit.is_empty() {
            "No credit recorded".to_string()
        } else {
            credit
        };
        let mut cy = box_y + box_h + 22.0 * u;
        for line in draw::wrap_limited(&faces.regular, 26.0 * u, &credit, box_w, 3) {
            draw::text_centred(
                &mut img,
                &faces.regular,
                26.0 * u,
                x + box_w / 2.0,
                cy,
                MUTED,
                &line,
            );
            cy += 26.0 * u * 1.3;
        }
    }
    img
}

/// One region's slide.
fn region_slide(
    input: &ExportInput<'_>,
    faces: &Faces,
    base: Base,
    r: &RegionContent<'_>,
    index: usize,
    count: usize,
) -> RgbImage {
    let l = SlideLayout::for_size(SLIDE_WIDTH as f32, SLIDE_HEIGHT as f32);
    let u = l.u;
    let src = input.base_image(base);
    let mut img = RgbImage::from_pixel(SLIDE_WIDTH, SLIDE_HEIGHT, Rgb(SURROUND));

    // Header and footer.
    let counter = format!("{index} / {count}");
    let counter_w = draw::text_width(&faces.regular, l.meta_px, &counter);
    let title = draw::ellipsize(
        &faces.regular,
        l.meta_px,
        &content::title(input.project),
        l.width - 2.0 * 48.0 * u - counter_w - 40.0 * u,
    );
    draw::text(
        &mut img,
        &faces.regular,
        l.meta_px,
        48.0 * u,
        l.header_y,
        MUTED,
        &title,
    );
    draw::text(
        &mut img,
        &faces.regular,
        l.meta_px,
        l.width - 48.0 * u - counter_w,
        l.header_y,
        MUTED,
        &counter,
    );
    let credits = draw::ellipsize(
        &faces.regular,
        l.credit_px,
        &content::pair_credits_line(input.project),
        l.width - 96.0 * u,
    );
    draw::text(
        &mut img,
        &faces.regular,
        l.credit_px,
        48.0 * u,
        l.footer_y,
        MUTED,
        &credits,
    );

    // The zoomed photograph with the spotlight.
    let ip = l.image_panel;
    draw::fill_rect(&mut img, ip.x, ip.y, ip.w, ip.h, PANEL, 1.0);
    let view = region_view(&r.region.bbox, src.width(), src.height(), ip.w, ip.h);
    let mut panel = RgbImage::from_pixel(ip.w as u32, ip.h as u32, Rgb(PANEL));
    let local = draw::draw_view(&mut panel, src, view, 0, 0, ip.w as u32, ip.h as u32);
    draw::spotlight(
        &mut panel,
        spotlight_rect(&local, &r.region.bbox, u),
        18.0 * u,
        40.0 * u,
        SPOTLIGHT_DIM,
    );
    image::imageops::replace(
        &mut img,
        &panel,
        i64::from(ip.x as u32),
        i64::from(ip.y as u32),
    );
    let placement = Placement {
        px: ip.x.round(),
        py: ip.y.round(),
        ..local
    };
    let pts = placement.map_polygon(&r.region.polygon);
    draw::outline(&mut img, &pts, 5.0 * u, r.colour);
    let (cx, cy) =
        super::annotated::callout_position(r, &placement, (ip.x, ip.y, ip.w, ip.h), 26.0 * u);
    draw::badge(
        &mut img,
        &faces.bold,
        cx,
        cy,
        26.0 * u,
        r.colour,
        r.region.id,
    );

    // The overview map.
    let ov = l.overview(src.width(), src.height());
    let (oview, _) = draw::fit(src.width(), src.height(), ov.w as u32, ov.h as u32);
    let omap = draw::draw_view(
        &mut img,
        src,
        oview,
        ov.x as u32,
        ov.y as u32,
        ov.w as u32,
        ov.h as u32,
    );
    draw::fill_rect(&mut img, ov.x, ov.y, ov.w, ov.h, [0, 0, 0], 0.45);
    let (bx, by, bw, bh) = omap.map_box(&r.region.bbox);
    draw::fill_rect(&mut img, bx, by, bw.max(3.0), bh.max(3.0), r.colour, 0.55);
    let vx0 = omap.map(view.x.max(0.0), view.y.max(0.0));
    let vx1 = omap.map(
        (view.x + view.w).min(f64::from(src.width())),
        (view.y + view.h).min(f64::from(src.height())),
    );
    let frame = [
        (vx0.0, vx0.1),
        (vx1.0, vx0.1),
        (vx1.0, vx1.1),
        (vx0.0, vx1.1),
    ];
    draw::stroke_polygon(&mut img, &frame, 2.0 * u, [255, 255, 255], 0.95);
    let rect = [
        (ov.x, ov.y),
        (ov.x + ov.w, ov.y),
        (ov.x + ov.w, ov.y + ov.h),
        (ov.x, ov.y + ov.h),
    ];
    draw::stroke_polygon(&mut img, &rect, 1.5 * u, MUTED, 0.8);

    caption(&mut img, faces, &l, r, ov.y - 28.0 * u);
    img
}

/// Draws the caption panel's text above `bottom`.
fn caption(img: &mut RgbImage, faces: &Faces, l: &SlideLayout, r: &RegionContent<'_>, bottom: f32) {
    let u = l.u;
    let cp = l.caption_panel;
    draw::badge(
        img,
        &faces.bold,
        cp.x + l.badge_r + 4.0 * u,
        cp.y + l.badge_r + 4.0 * u,
        l.badge_r,
        r.colour,
        r.region.id,
    );
    let lx = cp.x + 2.0 * l.badge_r + 28.0 * u;
    let lw = cp.x + cp.w - lx;
    let label_lines = draw::wrap_limited(&faces.bold, l.label_px, &r.label, lw, 3);
    let mut y = cp.y + 4.0 * u + l.badge_r - l.label_px * 0.62;
    for line in &label_lines {
        draw::text(img, &faces.bold, l.label_px, lx, y, TEXT, line);
        y += l.label_px * 1.15;
    }
    y = y.max(cp.y + 2.0 * l.badge_r + 16.0 * u);
    if !r.tags.is_empty() {
        let tags = draw::ellipsize(&faces.regular, l.tags_px, &r.tags, cp.w);
        draw::text(
            img,
            &faces.regular,
            l.tags_px,
            cp.x,
            y + 4.0 * u,
            MUTED,
            &tags,
        );
        y += l.tags_px * 1.3 + 4.0 * u;
    }
    y += 20.0 * u;

    let passage = r.passages.first();
    let section_head = passage.map(|p| match (&p.section, p.found) {
        (Some(s), true) => format!("From the essay — {s}"),
        _ => format!("Essay passage not found: {}", p.anchor),
    });
    let passage_text = passage.map(|p| p.text.clone()).unwrap_or_default();
    let bar = 6.0 * u;
    let pass_x = cp.x + bar + 18.0 * u;
    let pass_w = cp.x + cp.w - pass_x;
    let avail = bottom - y;

    // Shrink note and passage together, then cut, until they fit above the overview map.
    let mut chosen = None;
    for step in 0..=4 {
        let s = 1.0 - 0.03 * step as f32;
        let note_px = l.note_px * s;
        let pass_px = l.passage_px * s;
        let head_px = 33.0 * u;
        let note_lines = draw::wrap(&faces.regular, note_px, &r.note, cp.w);
        let pass_lines = draw::wrap(&faces.oblique, pass_px, &passage_text, pass_w);
        let head_lines = section_head
            .as_ref()
            .map(|h| draw::wrap_limited(&faces.bold, head_px, h, cp.w, 2))
            .unwrap_or_default();
        let need = layout_height(
            &note_lines,
            note_px,
            &head_lines,
            head_px,
            &pass_lines,
            pass_px,
            u,
        );
        let fits = need <= avail;
        if fits || step == 4 {
            chosen = Some((
                note_px, pass_px, head_px, note_lines, head_lines, pass_lines, fits,
            ));
            break;
        }
    }
    let Some((note_px, pass_px, head_px, mut note_lines, head_lines, mut pass_lines, fits)) =
        chosen
    else {
        return;
    };
    if !fits {
        // Give the note what it needs but leave the passage at least three lines.
        let note_lh = note_px * 1.3;
        let pass_lh = pass_px * 1.3;
        let head_h = head_lines.len() as f32 * head_px * 1.3 + 10.0 * u;
        let passage_min = if pass_lines.is_empty() {
            0.0
        } else {
            head_h + 3.0 * pass_lh + 28.0 * u
        };
        let note_max = (((avail - passage_min) / note_lh).floor().max(2.0)) as usize;
        cut(&mut note_lines, note_max, &faces.regular, note_px, cp.w);
        let note_h = note_lines.len() as f32 * note_lh + 28.0 * u;
        let pass_max = (((avail - note_h - head_h) / pass_lh).floor().max(1.0)) as usize;
        cut(&mut pass_lines, pass_max, &faces.oblique, pass_px, pass_w);
    }
    for line in &note_lines {
        if y + note_px > bottom {
            break;
        }
        draw::text(img, &faces.regular, note_px, cp.x, y, TEXT, line);
        y += note_px * 1.3;
    }
    if !note_lines.is_empty() {
        y += 28.0 * u;
    }
    if section_head.is_some() {
        for line in &head_lines {
            if y + head_px > bottom {
                return;
            }
            draw::text(img, &faces.bold, head_px, cp.x, y, MUTED, line);
            y += head_px * 1.3;
        }
        y += 10.0 * u;
        let top = y;
        for line in &pass_lines {
            if y + pass_px > bottom {
                break;
            }
            draw::text(img, &faces.oblique, pass_px, pass_x, y, PASSAGE, line);
            y += pass_px * 1.3;
        }
        if y > top {
            draw::fill_rect(
                img,
                cp.x,
                top + 4.0 * u,
                bar,
                y - top - 0.3 * pass_px,
                r.colour,
                1.0,
            );
        }
    }
}

fn layout_height(
    note: &[String],
    note_px: f32,
    head: &[String],
    head_px: f32,
    pass: &[String],
    pass_px: f32,
    u: f32,
) -> f32 {
    let mut h = note.len() as f32 * note_px * 1.3;
    if !note.is_empty() {
        h += 28.0 * u;
    }
    if !head.is_empty() {
        h += head.len() as f32 * head_px * 1.3 + 10.0 * u + pass.len() as f32 * pass_px * 1.3;
    }
    h
}

fn cut(lines: &mut Vec<String>, max: usize, font: &ab_glyph::FontRef<'static>, px: f32, w: f32) {
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            *last = draw::ellipsize(font, px, &format!("{last}…"), w);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_view_centres_and_stays_inside() {
        let b = BBox {
            x: 900.0,
            y: 500.0,
            width: 60.0,
            height: 120.0,
        };
        let v = region_view(&b, 1000, 800, 1160.0, 940.0);
        assert!(v.x >= 0.0 && v.y >= 0.0);
        assert!(v.x + v.w <= 1000.0 + 1e-9 && v.y + v.h <= 800.0 + 1e-9);
        assert!(v.x <= b.x && v.x + v.w >= b.x + b.width);
        assert!(v.y <= b.y && v.y + v.h >= b.y + b.height);
        // The box fills about half the height.
        assert!((b.height / v.h - 0.5).abs() < 0.01, "{v:?}");
    }

    #[test]
    fn region_view_never_magnifies_past_six() {
        let b = BBox {
            x: 10.0,
            y: 10.0,
            width: 2.0,
            height: 2.0,
        };
        let v = region_view(&b, 4000, 3000, 1160.0, 940.0);
        assert!(1160.0 / v.w <= 6.0 + 1e-9);
    }
}
