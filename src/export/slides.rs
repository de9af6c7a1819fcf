//! Slides: a title slide and one 1920×1080 slide per visible region (more when its caption
//! continues), laid out like the presentation mode so a teacher can project either.
//!
//! # The layout (also the presentation mode's)
//!
//! All measures are in units `u` = slide height / 1080, so the layout scales with any 16:9
//! window ([`SlideLayout::for_size`]). Type sizes are the faces' pixel heights; an em is
//! [`caption::EM_PER_PX`] of that.
//!
//! - **Surround**: the whole slide is a dark grey ([`SURROUND`]); the photograph sits in a
//!   near-black panel ([`PANEL`]).
//! - **Header** (top 24u): the project title on the left, "region / count" on the right
//!   ("2 (cont.) / 5" on a continuation), in [`MUTED`] at 30u.
//! - **Image panel** (x 48u, y 84u, 984u × 900u): the photograph zoomed on the region
//!   ([`region_view`]: the region's box fills about half the panel, magnification at most 6×,
//!   never past the image edge unless the whole image is smaller than the panel); a spotlight
//!   ([`spotlight_rect`]) leaves a rounded box around the region at full brightness and dims the
//!   rest to 30 % with a soft edge 40u wide; the outline in the region's palette colour and its
//!   numbered badge.
//! - **Caption panel** (x 1072u, y 84u, 800u wide): the caption of [`caption`], set for the
//!   back row (note and passages at an em of 48u, 24 pt on a 7.5 in slide; the label larger),
//!   in a column 692u tall; what does not fit continues on the next slide.
//! - **Overview map** (bottom of the caption panel, at most 300u × 180u): the whole photograph,
//!   dimmed, with the zoomed view outlined in white and the region's box in its colour.
//! - **Footer** (y 996u): the credits of both images, whole, on up to two lines at 24u (up to
//!   four at 16u when they need it; see [`credit_lines`]).
//!
//! The title slide shows the title (bold 76u), the region count, and the two images side by
//! side, each headed by its name and followed by its whole credit.

use image::{Rgb, RgbImage};

use super::caption;
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
}

impl SlideLayout {
    /// The layout for a `width × height` slide or window. The design is for 16:9; on other
    /// shapes the panels keep their proportions to the height and the caption panel takes the
    /// rest of the width.
    #[must_use]
    pub fn for_size(width: f32, height: f32) -> Self {
        let u = height / 1080.0;
        let m = 48.0 * u;
        let caption_w = caption::WIDTH * u;
        let gap = 40.0 * u;
        let image_w = (width - 2.0 * m - gap - caption_w).max(100.0 * u);
        Self {
            width,
            height,
            u,
            image_panel: SlideRect {
                x: m,
                y: 84.0 * u,
                w: image_w,
                h: 900.0 * u,
            },
            caption_panel: SlideRect {
                x: m + image_w + gap,
                y: 84.0 * u,
                w: caption_w,
                h: 900.0 * u,
            },
            header_y: 24.0 * u,
            footer_y: 996.0 * u,
            meta_px: 30.0 * u,
            credit_px: 24.0 * u,
        }
    }

    /// The overview map's box for an image of `w × h` pixels (bottom-right of the caption
    /// panel, below the caption's column).
    #[must_use]
    pub fn overview(&self, w: u32, h: u32) -> SlideRect {
        let max_w = (300.0 * self.u).min(self.caption_panel.w);
        let max_h = (self.caption_panel.h - caption::HEIGHT * self.u - 28.0 * self.u).max(1.0);
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

/// The footer's credit line set to fit the slide's width: the type size (the layout's
/// `credit_px`, shrunk to no less than two thirds of it when the credits are long) and the
/// lines, two at full size and at most four at the smallest, 1.15 × the size apart. Only a
/// credit longer than four lines at the smallest size is cut.
#[must_use]
pub fn credit_lines(
    l: &SlideLayout,
    font: &ab_glyph::FontRef<'static>,
    credits: &str,
) -> (f32, Vec<String>) {
    let w = l.width - 96.0 * l.u;
    let steps = [(1.0, 2), (0.875, 3), (0.75, 3), (2.0 / 3.0, 4)];
    for (scale, lines) in steps {
        let px = l.credit_px * scale;
        let wrapped = draw::wrap(font, px, credits, w);
        if wrapped.len() <= lines {
            return (px, wrapped);
        }
    }
    let px = l.credit_px * 2.0 / 3.0;
    (px, draw::wrap_limited(font, px, credits, w, 4))
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

/// What one slide of a deck shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slide {
    /// The title slide.
    Title,
    /// A region's slide: `region` indexes [`Deck::regions`], `page` its caption's pages
    /// (0 the first, more for continuations).
    Region {
        /// Which region, in [`Deck::regions`].
        region: usize,
        /// Which page of its caption.
        page: usize,
    },
}

/// A deck laid out from the text alone: the regions' content, each caption broken into
/// pages ([`caption::pages`]), and the slides in order (the title, then every page of every
/// visible region in number order). The slides, their file names and the presentation's
/// steps all come from here, so they agree.
#[derive(Clone, Debug)]
pub struct Deck<'a> {
    /// The visible regions' content, in number order.
    pub regions: Vec<RegionContent<'a>>,
    /// Each region's caption pages.
    pub captions: Vec<Vec<caption::Page>>,
    /// The slides in order.
    pub slides: Vec<Slide>,
}

impl<'a> Deck<'a> {
    /// The deck of `project`'s visible regions, their links looked up in `essay`.
    #[must_use]
    pub fn new(project: &'a crate::project::Project, essay: &crate::essay::Essay) -> Self {
        Self::of(content::regions_content(project, essay))
    }

    /// The deck of regions already gathered.
    #[must_use]
    pub fn of(regions: Vec<RegionContent<'a>>) -> Self {
        let faces = Faces::bundled();
        let captions = regions.iter().map(|r| caption::pages(r, &faces)).collect();
        Self::with_captions(regions, captions)
    }

    /// The deck of regions whose captions are already broken into pages (one list per
    /// region, as [`caption::pages`] gives them).
    #[must_use]
    pub fn with_captions(
        regions: Vec<RegionContent<'a>>,
        captions: Vec<Vec<caption::Page>>,
    ) -> Self {
        let mut slides = vec![Slide::Title];
        for (region, pages) in captions.iter().enumerate() {
            slides.extend((0..pages.len()).map(|page| Slide::Region { region, page }));
        }
        Self {
            regions,
            captions,
            slides,
        }
    }

    /// Number of slides, the title slide included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.slides.len()
    }

    /// Whether the deck has no slide (never: the title slide is always there).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.slides.is_empty()
    }

    /// The slide at `index` with its region's content and caption page, `None` for the title
    /// slide or past the end.
    #[must_use]
    pub fn region_page(&self, index: usize) -> Option<(&RegionContent<'a>, &caption::Page, usize)> {
        match self.slides.get(index)? {
            Slide::Title => None,
            Slide::Region { region, page } => Some((
                self.regions.get(*region)?,
                self.captions.get(*region)?.get(*page)?,
                *region,
            )),
        }
    }

    /// The header's counter on slide `index`: "2 / 5", or "2 (cont.) / 5" on a continuation.
    #[must_use]
    pub fn counter(&self, index: usize) -> String {
        match self.slides.get(index) {
            Some(Slide::Region { region, page }) => {
                let cont = if *page > 0 { " (cont.)" } else { "" };
                format!("{}{cont} / {}", region + 1, self.regions.len())
            }
            _ => String::new(),
        }
    }
}

/// Every slide: the title slide, then each visible region's (its caption's continuations
/// after it) in number order, each [`SLIDE_WIDTH`] × [`SLIDE_HEIGHT`], the regions drawn on
/// `base`.
#[must_use]
pub fn slides(input: &ExportInput<'_>, base: Base) -> Vec<RgbImage> {
    let deck = Deck::new(input.project, input.essay);
    (0..deck.len())
        .filter_map(|i| slide_of(input, base, &deck, i))
        .collect()
}

/// Slide `index` of [`slides`] alone (0 = the title slide), or `None` past the last; so a
/// long deck can be rendered and written one slide at a time.
#[must_use]
pub fn slide_at(input: &ExportInput<'_>, base: Base, index: usize) -> Option<RgbImage> {
    slide_of(input, base, &Deck::new(input.project, input.essay), index)
}

/// Slide `index` of a deck laid out once ([`Deck::new`]).
#[must_use]
pub fn slide_of(
    input: &ExportInput<'_>,
    base: Base,
    deck: &Deck<'_>,
    index: usize,
) -> Option<RgbImage> {
    let faces = Faces::bundled();
    match deck.slides.get(index)? {
        Slide::Title => Some(title_slide(input, &faces, deck.regions.len())),
        Slide::Region { .. } => {
            let (r, page, _) = deck.region_page(index)?;
            Some(region_slide(
                input,
                &faces,
                base,
                r,
                page,
                &deck.counter(index),
            ))
        }
    }
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
        // The whole credit: three lines, or four a little smaller; only a longer one is cut.
        let (px, lines) = {
            let full = draw::wrap(&faces.regular, 26.0 * u, &credit, box_w);
            if full.len() <= 3 {
                (26.0 * u, full)
            } else {
                let px = 22.0 * u;
                (
                    px,
                    draw::wrap_limited(&faces.regular, px, &credit, box_w, 4),
                )
            }
        };
        for line in lines {
            draw::text_centred(
                &mut img,
                &faces.regular,
                px,
                x + box_w / 2.0,
                cy,
                MUTED,
                &line,
            );
            cy += px * 1.3;
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
    page: &caption::Page,
    counter: &str,
) -> RgbImage {
    let l = SlideLayout::for_size(SLIDE_WIDTH as f32, SLIDE_HEIGHT as f32);
    let u = l.u;
    let src = input.base_image(base);
    let mut img = RgbImage::from_pixel(SLIDE_WIDTH, SLIDE_HEIGHT, Rgb(SURROUND));

    // Header and footer.
    let counter_w = draw::text_width(&faces.regular, l.meta_px, counter);
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
        counter,
    );
    let (credit_px, credits) = credit_lines(
        &l,
        &faces.regular,
        &content::pair_credits_line(input.project),
    );
    for (i, line) in credits.iter().enumerate() {
        draw::text(
            &mut img,
            &faces.regular,
            credit_px,
            48.0 * u,
            l.footer_y + i as f32 * credit_px * 1.15,
            MUTED,
            line,
        );
    }

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

    draw_caption(&mut img, faces, &l, page);
    img
}

/// Draws a caption page in the caption panel.
fn draw_caption(img: &mut RgbImage, faces: &Faces, l: &SlideLayout, page: &caption::Page) {
    let (u, ox, oy) = (l.u, l.caption_panel.x, l.caption_panel.y);
    for mark in &page.marks {
        match mark {
            caption::Mark::Text {
                face,
                px,
                x,
                y,
                colour,
                text,
            } => {
                let font = caption::font(faces, *face);
                draw::text(img, font, px * u, ox + x * u, oy + y * u, *colour, text);
            }
            caption::Mark::Bar { x, y, w, h, colour } => {
                draw::fill_rect(img, ox + x * u, oy + y * u, w * u, h * u, *colour, 1.0);
            }
            caption::Mark::Badge {
                cx,
                cy,
                r,
                colour,
                number,
            } => draw::badge(
                img,
                &faces.bold,
                ox + cx * u,
                oy + cy * u,
                r * u,
                *colour,
                *number,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_credits_are_shown_whole_inside_the_slide() {
        let l = SlideLayout::for_size(1920.0, 1080.0);
        let font = crate::fonts::sans();
        let credit = "Original: Photograph by G. P. Goldshtein, 5 May 1920, Sverdlov Square, \
                      Moscow; print from the collection of an archive, London, Public domain \
                      (Russia, photographer died before 1943) · Altered print: the official \
                      print as published in a history of the party, 1938 edition, Moscow, \
                      retouched; scanned from the copy in a library's reading room, CC BY 4.0, \
                      with thanks to the library's staff for their help with the scans";
        for text in [credit.to_string(), credit.repeat(2)] {
            let (px, lines) = credit_lines(&l, &font, &text);
            assert_eq!(lines.join(" "), text, "nothing cut");
            assert!(
                l.footer_y + lines.len() as f32 * px * 1.15 <= l.height,
                "{} lines at {px}",
                lines.len()
            );
            assert!(px >= l.credit_px * 2.0 / 3.0 - 1e-3);
        }
    }

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
