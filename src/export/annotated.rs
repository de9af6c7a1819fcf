//! The annotated image and the side-by-side composite: a photograph (or both) with the region
//! outlines and numbered callouts, under a header with the title and a caption, above a legend
//! (each region's number, label, tags, note and essay section) and the credits of both images.
//!
//! Both are laid out on light "paper" for print and hand-outs; sizes scale with the output
//! width, so a 400-pixel scan and a 6000-pixel one give the same proportions. The output is at
//! least 1000 pixels wide (small scans are enlarged so the text stays readable) and at most
//! 3200 (the photograph is reduced beyond that).

use ab_glyph::FontRef;
use image::{Rgb, RgbImage};

use super::content::{self, RegionContent};
use super::draw::{self, Colour, Faces, Placement};
use super::{Base, ExportInput};

/// Paper background.
pub const PAPER: Colour = [250, 249, 246];
/// Body text on paper.
pub const INK: Colour = [28, 28, 32];
/// Secondary text on paper.
pub const GREY: Colour = [92, 92, 100];

/// Which face a laid-out line uses.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Face {
    Regular,
    Bold,
    Oblique,
}

/// One drawing step of a layout, recorded first so the canvas height is known before drawing.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    Text {
        face: Face,
        px: f32,
        x: f32,
        y: f32,
        colour: Colour,
        text: String,
    },
    Badge {
        cx: f32,
        cy: f32,
        r: f32,
        colour: Colour,
        n: u32,
    },
    Rule {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
}

/// A list of drawing steps and the faces to draw them with.
pub(crate) struct Ops<'f> {
    pub faces: &'f Faces,
    pub ops: Vec<Op>,
}

impl<'f> Ops<'f> {
    pub fn new(faces: &'f Faces) -> Self {
        Self {
            faces,
            ops: Vec::new(),
        }
    }

    pub fn font(&self, face: Face) -> &FontRef<'static> {
        match face {
            Face::Regular => &self.faces.regular,
            Face::Bold => &self.faces.bold,
            Face::Oblique => &self.faces.oblique,
        }
    }

    /// Wraps `text` into `max_w` at `(x, y)`; returns the y below it.
    #[expect(
        clippy::too_many_arguments,
        reason = "a text block has this many attributes"
    )]
    pub fn paragraph(
        &mut self,
        face: Face,
        px: f32,
        x: f32,
        y: f32,
        max_w: f32,
        colour: Colour,
        text: &str,
    ) -> f32 {
        let line_h = (px * 1.28).round();
        let mut y = y;
        for line in draw::wrap(self.font(face), px, text, max_w) {
            if !line.is_empty() {
                self.ops.push(Op::Text {
                    face,
                    px,
                    x,
                    y,
                    colour,
                    text: line,
                });
            }
            y += line_h;
        }
        y
    }

    pub fn draw(&self, img: &mut RgbImage) {
        for op in &self.ops {
            match op {
                Op::Text {
                    face,
                    px,
                    x,
                    y,
                    colour,
                    text,
                } => draw::text(img, self.font(*face), *px, *x, *y, *colour, text),
                Op::Badge {
                    cx,
                    cy,
                    r,
                    colour,
                    n,
                } => {
                    draw::badge(img, &self.faces.bold, *cx, *cy, *r, *colour, *n);
                }
                Op::Rule { x, y, w, h, colour } => {
                    draw::fill_rect(img, *x, *y, *w, *h, *colour, 1.0)
                }
            }
        }
    }
}

/// Draws every region's outline and numbered callout onto a placed image.
pub(crate) fn draw_regions(
    img: &mut RgbImage,
    faces: &Faces,
    regions: &[RegionContent<'_>],
    placement: &Placement,
    clip: (f32, f32, f32, f32),
    line_w: f32,
    badge_r: f32,
) {
    for r in regions {
        let pts = placement.map_polygon(&r.region.polygon);
        draw::outline(img, &pts, line_w, r.colour);
    }
    for r in regions {
        let (cx, cy) = callout_position(r, placement, clip, badge_r);
        draw::badge(img, &faces.bold, cx, cy, badge_r, r.colour, r.region.id);
    }
}

/// Where a region's number goes: just outside the top-left corner of its box when there is
/// room, kept inside `clip` (the placed image) otherwise.
pub(crate) fn callout_position(
    r: &RegionContent<'_>,
    placement: &Placement,
    clip: (f32, f32, f32, f32),
    badge_r: f32,
) -> (f32, f32) {
    let (bx, by, _, _) = placement.map_box(&r.region.bbox);
    let m = badge_r + 2.0;
    let cx = (bx - badge_r * 0.3).clamp(clip.0 + m, (clip.0 + clip.2 - m).max(clip.0 + m));
    let cy = (by - badge_r * 0.3).clamp(clip.1 + m, (clip.1 + clip.3 - m).max(clip.1 + m));
    (cx, cy)
}

/// Most regions listed in an image's legend; the rest are named in one closing line.
pub const LEGEND_MAX_REGIONS: usize = 40;

/// Longest note shown in an image's legend, in characters; a longer one ends with a pointer
/// to the handout, which prints it whole.
pub const LEGEND_NOTE_CHARS: usize = 600;

/// Lays out the legend (one entry per region, at most [`LEGEND_MAX_REGIONS`], notes cut at
/// [`LEGEND_NOTE_CHARS`]) at `y`; returns the y below it, so the image's height is bounded
/// whatever the project holds.
pub(crate) fn legend(
    ops: &mut Ops<'_>,
    regions: &[RegionContent<'_>],
    x: f32,
    y: f32,
    w: f32,
    u: f32,
) -> f32 {
    let mut y = y;
    if regions.is_empty() {
        return ops.paragraph(
            Face::Regular,
            17.0 * u,
            x,
            y,
            w,
            GREY,
            "No changed regions are marked.",
        );
    }
    let r = 13.0 * u;
    let text_x = x + 2.0 * r + 14.0 * u;
    let text_w = w - (text_x - x);
    for (i, c) in regions.iter().enumerate() {
        if i == LEGEND_MAX_REGIONS {
            let rest = regions.len() - i;
            return ops.paragraph(
                Face::Oblique,
                16.5 * u,
                x,
                y + 12.0 * u,
                w,
                GREY,
                &format!("… and {rest} more: see the PDF handout."),
            );
        }
        if i > 0 {
            y += 12.0 * u;
        }
        ops.ops.push(Op::Badge {
            cx: x + r + 2.0 * u,
            cy: y + r,
            r,
            colour: c.colour,
            n: c.region.id,
        });
        // Centre the label's first line on the badge.
        let label_px = 19.0 * u;
        let label_y = y + r - label_px * 0.6;
        y = ops.paragraph(Face::Bold, label_px, text_x, label_y, text_w, INK, &c.label);
        if !c.tags.is_empty() {
            y = ops.paragraph(Face::Regular, 14.5 * u, text_x, y, text_w, GREY, &c.tags);
        }
        if !c.note.is_empty() {
            let note =
                content::shorten(&c.note, LEGEND_NOTE_CHARS, " … (continued in the handout)");
            y = ops.paragraph(
                Face::Regular,
                16.5 * u,
                text_x,
                y + 2.0 * u,
                text_w,
                INK,
                &note,
            );
        }
        let sections: Vec<String> = c
            .passages
            .iter()
            .map(|p| match (&p.section, p.found) {
                (Some(s), true) => s.clone(),
                _ => format!("{} (not in this essay)", p.anchor),
            })
            .collect();
        if !sections.is_empty() {
            let mut unique = sections;
            unique.dedup();
            y = ops.paragraph(
                Face::Oblique,
                14.5 * u,
                text_x,
                y + 2.0 * u,
                text_w,
                GREY,
                &format!("Essay: {}", unique.join("; ")),
            );
        }
        y = y.max(label_y + 2.0 * r);
    }
    y
}

/// Lays out the credit lines of both images at `y`; returns the y below it.
pub(crate) fn credits(
    ops: &mut Ops<'_>,
    input: &ExportInput<'_>,
    x: f32,
    y: f32,
    w: f32,
    u: f32,
) -> f32 {
    let mut y = y;
    for (kind, entry) in [
        ("Original", &input.project.before),
        ("Altered print", &input.project.after),
    ] {
        let line = content::credit_line(&entry.meta);
        let line = if line.is_empty() {
            format!("{kind}: no credit recorded")
        } else {
            format!("{kind}: {line}")
        };
        y = ops.paragraph(Face::Regular, 14.0 * u, x, y, w, GREY, &line);
    }
    y
}

/// The caption under the title.
fn caption(input: &ExportInput<'_>, base: Base, n: usize) -> String {
    let p = input.project;
    let shown = match base {
        Base::Before => content::image_title("The original", &p.before.meta),
        Base::After => {
            content::image_title("The altered print", &p.after.meta) + ", aligned to the original,"
        }
    };
    if n == 0 {
        format!("{shown} shown; no changed regions are marked.")
    } else {
        format!(
            "{shown} with the {} where the altered print differs from the original outlined and numbered.",
            content::count_regions(n)
        )
    }
}

/// Output width for a photograph `w` pixels wide (plus margins): at least 1000, at most 3200.
fn canvas_width(w: u32, margin_share: f32) -> u32 {
    ((w as f32) * (1.0 + margin_share))
        .round()
        .clamp(1000.0, 3200.0) as u32
}

/// The annotated image: `base` with every visible region outlined and numbered, under the title
/// and a caption, above a legend and the credits of both images.
#[must_use]
pub fn annotated_image(input: &ExportInput<'_>, base: Base) -> RgbImage {
    let faces = Faces::bundled();
    let src = input.base_image(base);
    let regions = content::regions_content(input.project, input.essay);
    let c = canvas_width(src.width(), 0.064);
    let u = c as f32 / 1000.0;
    let m = (32.0 * u).round();
    let inner = c as f32 - 2.0 * m;
    let mut ops = Ops::new(&faces);
    let mut y = m;
    y = ops.paragraph(
        Face::Bold,
        32.0 * u,
        m,
        y,
        inner,
        INK,
        &content::title(input.project),
    );
    y = ops.paragraph(
        Face::Regular,
        18.0 * u,
        m,
        y + 4.0 * u,
        inner,
        GREY,
        &caption(input, base, regions.len()),
    );
    let img_y = (y + 14.0 * u).round();
    let iw = inner.round() as u32;
    let ih = ((f64::from(src.height()) * f64::from(iw) / f64::from(src.width().max(1))).round()
        as u32)
        .max(1);
    let mut y = img_y + ih as f32 + 22.0 * u;
    y = legend(&mut ops, &regions, m, y, inner, u);
    y += 14.0 * u;
    ops.ops.push(Op::Rule {
        x: m,
        y,
        w: inner,
        h: (1.0 * u).max(1.0),
        colour: [200, 198, 192],
    });
    y = credits(&mut ops, input, m, y + 10.0 * u, inner, u);
    let height = (y + m - 8.0 * u).round() as u32;

    let mut img = RgbImage::from_pixel(c, height, Rgb(PAPER));
    let (view, _) = draw::fit(src.width(), src.height(), iw, ih);
    let placement = draw::draw_view(&mut img, src, view, m as u32, img_y as u32, iw, ih);
    draw_regions(
        &mut img,
        &faces,
        &regions,
        &placement,
        (m, img_y, iw as f32, ih as f32),
        (3.0 * u).max(2.0),
        13.0 * u,
    );
    ops.draw(&mut img);
    img
}

/// The side-by-side composite: the original and the altered print (aligned to it) next to
/// each other with the same outlines and numbers, each headed by its name and followed by its
/// credit, above a legend.
#[must_use]
pub fn side_by_side(input: &ExportInput<'_>) -> RgbImage {
    let faces = Faces::bundled();
    let regions = content::regions_content(input.project, input.essay);
    let (w, h) = input.before.dimensions();
    let c = ((2.0 * w as f32) * 1.08).round().clamp(1400.0, 4000.0) as u32;
    let u = c as f32 / 1400.0;
    let m = (32.0 * u).round();
    let gutter = (24.0 * u).round();
    let inner = c as f32 - 2.0 * m;
    let pw = ((inner - gutter) / 2.0).floor() as u32;
    let ph = ((f64::from(h) * f64::from(pw) / f64::from(w.max(1))).round() as u32).max(1);
    let mut ops = Ops::new(&faces);
    let mut y = m;
    y = ops.paragraph(
        Face::Bold,
        32.0 * u,
        m,
        y,
        inner,
        INK,
        &content::title(input.project),
    );
    let lead = if regions.is_empty() {
        "The original and the altered print, aligned; no changed regions are marked.".to_string()
    } else {
        format!(
            "The original and the altered print, aligned, with the same {} outlined on both.",
            content::count_regions(regions.len())
        )
    };
    y = ops.paragraph(Face::Regular, 18.0 * u, m, y + 4.0 * u, inner, GREY, &lead);
    y += 14.0 * u;
    let p = input.project;
    let xs = [m, m + pw as f32 + gutter];
    let heads = [
        content::image_title("Original", &p.before.meta),
        content::image_title("Altered print", &p.after.meta),
    ];
    let mut below = y;
    for (x, head) in xs.iter().zip(&heads) {
        below = below.max(ops.paragraph(Face::Bold, 21.0 * u, *x, y, pw as f32, INK, head));
    }
    let img_y = (below + 6.0 * u).round();
    let mut y = img_y + ph as f32 + 10.0 * u;
    let mut after_credits = y;
    for (x, entry) in xs.iter().zip([&p.before, &p.after]) {
        let line = content::credit_line(&entry.meta);
        let line = if line.is_empty() {
            "No credit recorded".to_string()
        } else {
            line
        };
        after_credits = after_credits.max(ops.paragraph(
            Face::Regular,
            14.0 * u,
            *x,
            y,
            pw as f32,
            GREY,
            &line,
        ));
    }
    y = after_credits + 18.0 * u;
    y = legend(&mut ops, &regions, m, y, inner, u);
    let height = (y + m - 8.0 * u).round() as u32;

    let mut img = RgbImage::from_pixel(c, height, Rgb(PAPER));
    for (x, src) in xs.iter().zip([input.before, input.after_aligned]) {
        let (view, _) = draw::fit(src.width(), src.height(), pw, ph);
        let placement = draw::draw_view(&mut img, src, view, *x as u32, img_y as u32, pw, ph);
        draw_regions(
            &mut img,
            &faces,
            &regions,
            &placement,
            (*x, img_y, pw as f32, ph as f32),
            (3.0 * u).max(2.0),
            13.0 * u,
        );
    }
    ops.draw(&mut img);
    img
}
