//! The PDF handout: the title, both images with their full provenance, the photograph with
//! every region outlined, then one section per region with crops of both images, the label,
//! tags, note and the essay passage it links to.
//!
//! Text is real, selectable PDF text in the bundled DejaVu Sans faces, embedded as subsets by
//! `krilla`; photographs are embedded as JPEG. Pages are A4 or Letter. The layout is computed
//! first as a list of drawing steps per page (so a block that does not fit moves to the next
//! page), then written page by page, each photograph encoded when its page is written; the
//! pages written are counted and the cancel flag checked between pages ([`crate::job::Job`]).

use anyhow::{Context, Result};
use image::RgbImage;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};

use super::content::{self, RegionContent};
use super::draw::{self, Colour, Faces, View};
use super::{Base, ExportInput, PageSize};
use crate::job::Job;

const MARGIN: f32 = 50.0;
const INK: Colour = [25, 25, 28];
const GREY: Colour = [95, 95, 102];
const RULE: Colour = [205, 203, 198];
/// Ascent of DejaVu Sans in em (1901 / 2048), to place a line's baseline from its top.
const ASCENT: f32 = 0.928;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
    Oblique,
}

#[derive(Clone, Debug)]
enum Op {
    Text {
        face: Face,
        size: f32,
        x: f32,
        top: f32,
        colour: Colour,
        text: String,
    },
    Image {
        index: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
    Disc {
        cx: f32,
        cy: f32,
        r: f32,
        colour: Colour,
    },
}

/// Text measuring with the same faces the PDF embeds.
struct Measure {
    faces: Faces,
}

impl Measure {
    fn font(&self, face: Face) -> &ab_glyph::FontRef<'static> {
        match face {
            Face::Regular => &self.faces.regular,
            Face::Bold => &self.faces.bold,
            Face::Oblique => &self.faces.oblique,
        }
    }

    /// Width in points of `s` at `size` points (em-based, like PDF text).
    fn width(&self, face: Face, size: f32, s: &str) -> f32 {
        use ab_glyph::Font as _;
        let f = self.font(face);
        let upem = f.units_per_em().unwrap_or(2048.0);
        let mut w = 0.0;
        let mut prev = None;
        for c in s.chars() {
            let g = f.glyph_id(c);
            if let Some(p) = prev {
                w += f.kern_unscaled(p, g);
            }
            w += f.h_advance_unscaled(g);
            prev = Some(g);
        }
        w / upem * size
    }

    fn wrap(&self, face: Face, size: f32, s: &str, max_w: f32) -> Vec<String> {
        draw::wrap_with(|t| self.width(face, size, t), s, max_w)
    }
}

/// The pages being laid out.
struct Flow {
    page_w: f32,
    page_h: f32,
    pages: Vec<Vec<Op>>,
    y: f32,
    measure: Measure,
}

impl Flow {
    fn content_w(&self) -> f32 {
        self.page_w - 2.0 * MARGIN
    }

    fn bottom(&self) -> f32 {
        self.page_h - MARGIN - 14.0
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom() && self.y > MARGIN + 1.0 {
            self.new_page();
        }
    }

    fn push(&mut self, op: Op) {
        if let Some(p) = self.pages.last_mut() {
            p.push(op);
        }
    }

    /// A wrapped paragraph at `x` (relative to the margin) `w` wide; lines flow onto new
    /// pages when needed.
    #[expect(
        clippy::too_many_arguments,
        reason = "a text block has this many attributes"
    )]
    fn paragraph(
        &mut self,
        face: Face,
        size: f32,
        x: f32,
        w: f32,
        colour: Colour,
        text: &str,
        keep_with: f32,
    ) {
        let lh = size * 1.32;
        let lines = self.measure.wrap(face, size, text, w);
        for (i, line) in lines.into_iter().enumerate() {
            self.ensure(lh + if i == 0 { keep_with } else { 0.0 });
            if !line.is_empty() {
                self.push(Op::Text {
                    face,
                    size,
                    x: MARGIN + x,
                    top: self.y,
                    colour,
                    text: line,
                });
            }
            self.y += lh;
        }
    }

    fn lines_height(&self, face: Face, size: f32, w: f32, text: &str) -> f32 {
        self.measure.wrap(face, size, text, w).len() as f32 * size * 1.32
    }
}

fn jpeg(img: &RgbImage) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88)
        .encode_image(img)
        .context("cannot encode an image for the PDF")?;
    Ok(out)
}

/// Scales so that the longer side is at most `max_side` pixels.
fn shrink(img: &RgbImage, max_side: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    let long = w.max(h);
    if long <= max_side {
        return img.clone();
    }
    let s = max_side as f32 / long as f32;
    image::imageops::resize(
        img,
        ((w as f32 * s).round() as u32).max(1),
        ((h as f32 * s).round() as u32).max(1),
        image::imageops::FilterType::Triangle,
    )
}

/// The photograph with every region outlined and numbered, nothing else (at most `max_side`
/// pixels on its longer side).
#[must_use]
pub fn outlined_image(input: &ExportInput<'_>, base: Base, max_side: u32) -> RgbImage {
    let src = input.base_image(base);
    let faces = Faces::bundled();
    let regions = content::regions_content(input.project, input.essay);
    let (sw, sh) = src.dimensions();
    let s = (max_side as f32 / sw.max(sh).max(1) as f32).min(2.0);
    let w = ((sw as f32 * s).round() as u32).max(1);
    let h = ((sh as f32 * s).round() as u32).max(1);
    let mut img = RgbImage::new(w, h);
    let (view, _) = draw::fit(sw, sh, w, h);
    let placement = draw::draw_view(&mut img, src, view, 0, 0, w, h);
    let side = w.max(h) as f32;
    super::annotated::draw_regions(
        &mut img,
        &faces,
        &regions,
        &placement,
        (0.0, 0.0, w as f32, h as f32),
        (side / 350.0).max(2.0),
        (side / 60.0).max(9.0),
    );
    img
}

/// A crop around a region (its box plus a margin), outlined, at most `max_side` pixels.
fn region_crop(src: &RgbImage, r: &RegionContent<'_>, max_side: u32) -> RgbImage {
    let b = r.region.bbox;
    let pad = (b.width.max(b.height) * 0.25).max(16.0);
    let (iw, ih) = (f64::from(src.width()), f64::from(src.height()));
    let x0 = (b.x - pad).max(0.0);
    let y0 = (b.y - pad).max(0.0);
    let x1 = (b.x + b.width + pad).min(iw);
    let y1 = (b.y + b.height + pad).min(ih);
    let view = View {
        x: x0,
        y: y0,
        w: (x1 - x0).max(1.0),
        h: (y1 - y0).max(1.0),
    };
    let s = (f64::from(max_side) / view.w.max(view.h)).min(4.0);
    let w = ((view.w * s).round() as u32).max(1);
    let h = ((view.h * s).round() as u32).max(1);
    let mut img = RgbImage::new(w, h);
    let placement = draw::draw_view(&mut img, src, view, 0, 0, w, h);
    let pts = placement.map_polygon(&r.region.polygon);
    draw::outline(&mut img, &pts, (w.max(h) as f32 / 160.0).max(2.0), r.colour);
    img
}

fn fit_box(w: u32, h: u32, max_w: f32, max_h: f32) -> (f32, f32) {
    let s = (max_w / w.max(1) as f32).min(max_h / h.max(1) as f32);
    (w as f32 * s, h as f32 * s)
}

/// Provenance lines of one image.
fn provenance(meta: &crate::project::ImageMeta) -> Vec<String> {
    let mut v = Vec::new();
    for (k, val) in [
        ("Credit", &meta.credit),
        ("Source", &meta.source),
        ("Date", &meta.date),
        ("Archive", &meta.archive),
        ("Licence", &meta.licence),
        ("Note", &meta.note),
    ] {
        let t = val.trim();
        if !t.is_empty() {
            v.push(format!("{k}: {t}"));
        }
    }
    if v.is_empty() {
        v.push("No provenance recorded".to_string());
    }
    v
}

/// Characters of notes the handout prints in full (about 60 pages); past them, each further
/// note is cut to [`SHORT_NOTE_CHARS`], so the handout's size is bounded whatever the project
/// holds.
pub const NOTE_BUDGET_CHARS: usize = 200_000;

/// What is left of a note once [`NOTE_BUDGET_CHARS`] is spent.
pub const SHORT_NOTE_CHARS: usize = 600;

fn budget_notes(regions: &mut [content::RegionContent<'_>]) {
    let mut left = NOTE_BUDGET_CHARS;
    for r in regions {
        let n = r.note.chars().count();
        if n <= left {
            left -= n;
        } else {
            r.note = content::shorten(
                &r.note,
                left.max(SHORT_NOTE_CHARS),
                " … (shortened in this handout; the whole note is in the project file)",
            );
            left = 0;
        }
    }
}

/// The PDF handout of the project on `page` paper, the overview drawn on `base`. `job`'s cancel
/// flag is checked between regions while laying out and between pages while writing, and the
/// pages written are counted ("pages").
///
/// # Errors
/// An image that cannot be encoded, a PDF that cannot be written, or
/// [`crate::job::Cancelled`] once the job is cancelled.
pub fn pdf_handout(
    input: &ExportInput<'_>,
    base: Base,
    page: PageSize,
    job: Job<'_>,
) -> Result<Vec<u8>> {
    let (page_w, page_h) = page.points();
    let mut flow = Flow {
        page_w,
        page_h,
        pages: Vec::new(),
        y: MARGIN,
        measure: Measure {
            faces: Faces::bundled(),
        },
    };
    flow.new_page();
    let mut images: Vec<RgbImage> = Vec::new();
    let cw = flow.content_w();
    let p = input.project;
    let mut regions = content::regions_content(p, input.essay);
    budget_notes(&mut regions);
    let title = content::title(p);

    // Title and lead.
    flow.paragraph(Face::Bold, 22.0, 0.0, cw, INK, &title, 0.0);
    flow.y += 4.0;
    let lead = if regions.is_empty() {
        "An original photograph and an altered print of it. No changed regions are marked."
            .to_string()
    } else {
        format!(
            "An original photograph and an altered print of it. {} {}; {} outlined, numbered and described below.",
            content::count_regions(regions.len()),
            if regions.len() == 1 {
                "differs"
            } else {
                "differ"
            },
            if regions.len() == 1 {
                "it is"
            } else {
                "each is"
            }
        )
    };
    flow.paragraph(Face::Regular, 10.5, 0.0, cw, GREY, &lead, 0.0);
    flow.y += 14.0;

    // Both images with their provenance.
    let gutter = 18.0;
    let half = (cw - gutter) / 2.0;
    let pair_top = flow.y;
    let mut pair_bottom = pair_top;
    for (i, (kind, src, meta)) in [
        ("Original", input.before, &p.before.meta),
        ("Altered print", input.after_aligned, &p.after.meta),
    ]
    .into_iter()
    .enumerate()
    {
        let x = i as f32 * (half + gutter);
        flow.y = pair_top;
        flow.paragraph(
            Face::Bold,
            11.5,
            x,
            half,
            INK,
            &content::image_title(kind, meta),
            0.0,
        );
        flow.y += 3.0;
        let small = shrink(src, 1400);
        let (w, h) = fit_box(small.width(), small.height(), half, 260.0);
        images.push(small);
        flow.push(Op::Image {
            index: images.len() - 1,
            x: MARGIN + x,
            y: flow.y,
            w,
            h,
        });
        flow.y += h + 6.0;
        for line in provenance(meta) {
            flow.paragraph(Face::Regular, 8.5, x, half, GREY, &line, 0.0);
        }
        pair_bottom = pair_bottom.max(flow.y);
    }
    flow.y = pair_bottom + 18.0;

    // The outlined overview.
    let overview = outlined_image(input, base, 1800);
    // On this page when it can be shown at least 240 pt tall (or whole), otherwise on the next.
    let full_page_h = (flow.bottom() - MARGIN) * 0.8;
    let (_, natural_h) = fit_box(overview.width(), overview.height(), cw, full_page_h);
    let room = flow.bottom() - flow.y - 24.0;
    let max_h = if room >= natural_h.min(240.0) {
        room.min(full_page_h)
    } else {
        full_page_h
    };
    let (ow, oh) = fit_box(overview.width(), overview.height(), cw, max_h);
    flow.ensure(oh + 24.0);
    let shown = match base {
        Base::Before => "The original",
        Base::After => "The altered print (aligned to the original)",
    };
    flow.paragraph(
        Face::Bold,
        11.5,
        0.0,
        cw,
        INK,
        &format!("{shown}, with every changed region outlined"),
        oh,
    );
    flow.y += 3.0;
    images.push(overview);
    flow.push(Op::Image {
        index: images.len() - 1,
        x: MARGIN + (cw - ow) / 2.0,
        y: flow.y,
        w: ow,
        h: oh,
    });
    flow.y += oh + 22.0;

    // One section per region.
    for r in &regions {
        job.check()?;
        let before_crop = region_crop(input.before, r, 700);
        let after_crop = region_crop(input.after_aligned, r, 700);
        let (_, ch1) = fit_box(before_crop.width(), before_crop.height(), half, 190.0);
        let heading_h = flow.lines_height(Face::Bold, 14.0, cw - 30.0, &r.label);
        flow.ensure(heading_h + 16.0 + ch1 + 40.0);
        flow.push(Op::Rect {
            x: MARGIN,
            y: flow.y,
            w: cw,
            h: 0.7,
            colour: RULE,
        });
        flow.y += 10.0;
        let badge_r = 10.0;
        flow.push(Op::Disc {
            cx: MARGIN + badge_r,
            cy: flow.y + 8.5,
            r: badge_r,
            colour: r.colour,
        });
        let num = r.region.id.to_string();
        let nw = flow.measure.width(Face::Bold, 11.0, &num);
        flow.push(Op::Text {
            face: Face::Bold,
            size: 11.0,
            x: MARGIN + badge_r - nw / 2.0,
            top: flow.y + 8.5 - 0.73 * 11.0 / 2.0 - (ASCENT - 0.73) * 11.0,
            colour: draw::ink_on(r.colour),
            text: num,
        });
        flow.paragraph(
            Face::Bold,
            14.0,
            2.0 * badge_r + 8.0,
            cw - 2.0 * badge_r - 8.0,
            INK,
            &r.label,
            0.0,
        );
        if !r.tags.is_empty() {
            flow.paragraph(
                Face::Regular,
                9.0,
                2.0 * badge_r + 8.0,
                cw - 2.0 * badge_r - 8.0,
                GREY,
                &r.tags,
                0.0,
            );
        }
        flow.y += 6.0;
        let crops_top = flow.y;
        for (i, (crop, kind)) in [(before_crop, "Original"), (after_crop, "Altered print")]
            .into_iter()
            .enumerate()
        {
            let x = i as f32 * (half + gutter);
            let (w, h) = fit_box(crop.width(), crop.height(), half, 190.0);
            images.push(crop);
            flow.push(Op::Image {
                index: images.len() - 1,
                x: MARGIN + x + (half - w) / 2.0,
                y: crops_top,
                w,
                h,
            });
            flow.push(Op::Text {
                face: Face::Regular,
                size: 8.5,
                x: MARGIN + x + (half - w) / 2.0,
                top: crops_top + h + 3.0,
                colour: GREY,
                text: kind.to_string(),
            });
        }
        flow.y = crops_top + ch1 + 18.0;
        if !r.note.is_empty() {
            flow.paragraph(Face::Regular, 10.5, 0.0, cw, INK, &r.note, 0.0);
            flow.y += 6.0;
        }
        for lp in &r.passages {
            let head = match (&lp.section, lp.found) {
                (Some(s), true) => format!("From the essay — {s}"),
                _ => format!("Essay passage not found: {}", lp.anchor),
            };
            flow.paragraph(Face::Bold, 9.0, 0.0, cw, GREY, &head, 14.0);
            if lp.found && !lp.text.is_empty() {
                let top = flow.y + 2.0;
                let page_before = flow.pages.len();
                flow.y += 2.0;
                flow.paragraph(Face::Oblique, 10.0, 12.0, cw - 12.0, INK, &lp.text, 0.0);
                if flow.pages.len() == page_before {
                    flow.push(Op::Rect {
                        x: MARGIN,
                        y: top,
                        w: 3.0,
                        h: (flow.y - top - 2.0).max(1.0),
                        colour: r.colour,
                    });
                }
            }
            flow.y += 6.0;
        }
        flow.y += 14.0;
    }

    render(&flow, &images, &title, (page_w, page_h), job)
}

fn fill(c: Colour) -> Fill {
    Fill {
        paint: rgb::Color::new(c[0], c[1], c[2]).into(),
        opacity: NormalizedF32::ONE,
        rule: krilla::paint::FillRule::default(),
    }
}

/// Writes the laid-out pages; each photograph is encoded when the first page that shows it is
/// written, so the time goes where the pages are counted.
fn render(
    flow: &Flow,
    images: &[RgbImage],
    title: &str,
    (page_w, page_h): (f32, f32),
    job: Job<'_>,
) -> Result<Vec<u8>> {
    let font = |bytes: &'static [u8]| {
        Font::new(krilla::Data::from(bytes), 0).context("the bundled font cannot be embedded")
    };
    let regular = font(crate::fonts::sans_bytes())?;
    let bold = font(crate::fonts::sans_bold_bytes())?;
    let oblique = font(crate::fonts::sans_oblique_bytes())?;
    let mut pdf_images: Vec<Option<krilla::image::Image>> = vec![None; images.len()];
    let mut doc = Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_string())
            .language("en".to_string())
            .creator("Palimpsest".to_string()),
    );
    let settings = PageSettings::from_wh(page_w, page_h).context("invalid page size")?;
    let count = flow.pages.len();
    job.count("pages", 0, count);
    for (n, ops) in flow.pages.iter().enumerate() {
        job.check()?;
        for op in ops {
            if let Op::Image { index, .. } = op
                && let (Some(slot @ None), Some(img)) =
                    (pdf_images.get_mut(*index), images.get(*index))
            {
                let bytes = jpeg(img)?;
                let image = krilla::image::Image::from_jpeg(krilla::Data::from(bytes), true)
                    .map_err(|e| anyhow::anyhow!("cannot embed an image in the PDF: {e}"))?;
                *slot = Some(image);
            }
        }
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    face,
                    size,
                    x,
                    top,
                    colour,
                    text,
                } => {
                    let f = match face {
                        Face::Regular => regular.clone(),
                        Face::Bold => bold.clone(),
                        Face::Oblique => oblique.clone(),
                    };
                    surface.set_fill(Some(fill(*colour)));
                    surface.draw_text(
                        Point::from_xy(*x, top + ASCENT * size),
                        f,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Image { index, x, y, w, h } => {
                    if let (Some(Some(img)), Some(size)) =
                        (pdf_images.get(*index), Size::from_wh(*w, *h))
                    {
                        surface.push_transform(&Transform::from_translate(*x, *y));
                        surface.draw_image(img.clone(), size);
                        surface.pop();
                    }
                }
                Op::Rect { x, y, w, h, colour } => {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        let mut pb = PathBuilder::new();
                        pb.push_rect(rect);
                        if let Some(path) = pb.finish() {
                            surface.set_fill(Some(fill(*colour)));
                            surface.draw_path(&path);
                        }
                    }
                }
                Op::Disc { cx, cy, r, colour } => {
                    // Four cubic Béziers approximate the circle.
                    let k = 0.552_284_8 * r;
                    let mut pb = PathBuilder::new();
                    pb.move_to(cx + r, *cy);
                    pb.cubic_to(cx + r, cy + k, cx + k, cy + r, *cx, cy + r);
                    pb.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, *cy);
                    pb.cubic_to(cx - r, cy - k, cx - k, cy - r, *cx, cy - r);
                    pb.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, *cy);
                    pb.close();
                    if let Some(path) = pb.finish() {
                        surface.set_fill(Some(fill(*colour)));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        // Footer: the title and the page number.
        surface.set_fill(Some(fill(GREY)));
        let footer_top = page_h - MARGIN + 6.0;
        let number = format!("{} / {count}", n + 1);
        let nw = flow.measure.width(Face::Regular, 8.0, &number);
        surface.draw_text(
            Point::from_xy(page_w - MARGIN - nw, footer_top + ASCENT * 8.0),
            regular.clone(),
            8.0,
            &number,
            false,
            TextDirection::Auto,
        );
        let mut short = title.to_string();
        while flow.measure.width(Face::Regular, 8.0, &short) > page_w - 2.0 * MARGIN - nw - 30.0
            && !short.is_empty()
        {
            short.pop();
        }
        surface.draw_text(
            Point::from_xy(MARGIN, footer_top + ASCENT * 8.0),
            regular.clone(),
            8.0,
            &short,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
        job.count("pages", n + 1, count);
    }
    doc.finish()
        .map_err(|e| anyhow::anyhow!("cannot write the PDF: {e:?}"))
}
