//! The PDF handout and the PDF worksheet.
//!
//! The handout: the title, both images side by side with their full provenance and, below
//! them on the same page, the photograph with every region outlined; then one section per
//! region, sized so that two fit on a page: a numbered heading with the label, the tags, crops
//! of both images, the note (its Markdown `**bold**`, `*italic*` and `_italic_` kept in the
//! bold and oblique faces) and the essay passages it links to. The worksheet: the unannotated
//! pair, a small map of where to look with a numbered dot per region, a numbered question with
//! lines to write on for each region, and the answers (labels, tags and notes) on pages of
//! their own after the questions.
//!
//! Both are tagged PDF: a structure tree of headings, paragraphs, quotations and figures (each
//! image with alternative text naming what it shows), the project's language, and the title in
//! the metadata. Text is real, selectable PDF text in the bundled DejaVu Sans faces, with each
//! character they lack (an emoji) set in Noto Emoji, all embedded as subsets by `krilla`;
//! photographs are embedded as JPEG, outlines drawn with a dark casing so they survive
//! black-and-white printing. Pages are A4 or Letter. The layout ([`layout`]) is a column of
//! blocks placed on pages so that no page starts or ends with a lone line of a paragraph and
//! a heading stays with what follows it; the pages are then written ([`write`]), each
//! photograph encoded when its page is written, the pages written counted and the cancel flag
//! checked between pages ([`crate::job::Job`]).

mod layout;
mod write;

use anyhow::Result;
use image::RgbImage;

use super::content::{self, RegionContent};
use super::draw::{self, Colour, Faces, View};
use super::{Base, ExportInput, PageSize};
use crate::job::Job;
use layout::{Block, Doc, Draw, Face, MARGIN, Op, Role, Run, Style, fit_box, rect};

const INK: Colour = [25, 25, 28];
const GREY: Colour = [95, 95, 102];
const RULE: Colour = [205, 203, 198];
const GUTTER: f32 = 18.0;
/// Tallest the pair of images is drawn on the handout's first page, in points.
const PAIR_H: f32 = 200.0;
/// Tallest the pair is drawn on the worksheet.
const WORKSHEET_PAIR_H: f32 = 300.0;
/// Tallest a region's crops are drawn: a region with a note of a few lines takes half a page.
const CROP_H: f32 = 150.0;
/// Shortest the outlined overview is drawn below the pair before it moves to a page of its own.
const OVERVIEW_MIN_H: f32 = 180.0;
/// Regions named in the overview's alternative text; the rest are counted.
const ALT_REGIONS: usize = 40;

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

/// A note's light Markdown as paragraphs of runs: paragraphs at blank lines, line breaks kept,
/// the inline emphasis [`crate::essay::spans`] knows in the bold and oblique faces, the
/// markers themselves gone. The note is first cut where the project file's limit is.
fn note_paragraphs(markdown: &str) -> Vec<Vec<Run>> {
    let markdown = content::shorten(markdown, crate::project::MAX_NOTE_CHARS, " …");
    let mut paras: Vec<Vec<Run>> = Vec::new();
    let mut cur: Vec<Run> = Vec::new();
    for line in markdown.lines() {
        let t = line.trim();
        if t.is_empty() {
            if !cur.is_empty() {
                paras.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if !cur.is_empty() {
            cur.push(Run::new(Face::Regular, "\n"));
        }
        for s in crate::essay::spans(t) {
            cur.push(Run::new(Face::styled(s.bold, s.italic), s.text));
        }
    }
    if !cur.is_empty() {
        paras.push(cur);
    }
    paras
}

fn chars_of(paras: &[Vec<Run>]) -> usize {
    paras.iter().flatten().map(|r| r.text.chars().count()).sum()
}

/// `paras` cut after `max_chars` characters (at a space when one is near), `more` appended.
fn cut_paragraphs(paras: &[Vec<Run>], max_chars: usize, more: &str) -> Vec<Vec<Run>> {
    let mut left = max_chars;
    let mut out: Vec<Vec<Run>> = Vec::new();
    'outer: for p in paras {
        let mut para = Vec::new();
        for r in p {
            let n = r.text.chars().count();
            if n <= left {
                left -= n;
                para.push(r.clone());
                continue;
            }
            let head: String = r.text.chars().take(left).collect();
            let cut = head
                .rfind(char::is_whitespace)
                .filter(|&i| head.len() - i < 80)
                .unwrap_or(head.len());
            para.push(Run::new(r.face, head[..cut].trim_end()));
            para.push(Run::new(Face::Regular, more));
            out.push(para);
            break 'outer;
        }
        out.push(para);
    }
    out
}

/// Each region's note as paragraphs, the notes past [`NOTE_BUDGET_CHARS`] shortened.
fn budgeted_notes(regions: &[RegionContent<'_>]) -> Vec<Vec<Vec<Run>>> {
    let mut left = NOTE_BUDGET_CHARS;
    regions
        .iter()
        .map(|r| {
            let paras = note_paragraphs(&r.region.note);
            let n = chars_of(&paras);
            if n <= left {
                left -= n;
                paras
            } else {
                let keep = left.max(SHORT_NOTE_CHARS);
                left = 0;
                cut_paragraphs(
                    &paras,
                    keep,
                    " … (shortened in this handout; the whole note is in the project file)",
                )
            }
        })
        .collect()
}

/// Writes a laid-out document with the project's title and language in its metadata.
fn finish(
    doc: &layout::Doc,
    input: &ExportInput<'_>,
    title: &str,
    job: Job<'_>,
) -> Result<Vec<u8>> {
    let lang = language(input);
    write::write(doc, &write::Meta { title, lang: &lang }, job)
}
/// The document's language: the project's, when it names a well-formed one.
fn language(input: &ExportInput<'_>) -> String {
    let l = input.project.language.trim();
    if crate::project::is_language_tag(l) {
        l.to_string()
    } else {
        crate::project::DEFAULT_LANGUAGE.to_string()
    }
}

impl Doc {
    /// The drawing steps of a wrapped paragraph at `top` within a block, and its height.
    fn text_ops(
        &self,
        runs: &[Run],
        style: Style,
        top: f32,
        elem: Option<usize>,
    ) -> (Vec<Op>, f32) {
        let lh = style.size * style.leading;
        let lines = self.measure.wrap(style.size, runs, style.w);
        let mut ops = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            ops.extend(self.line_ops(
                line,
                style.size,
                style.x,
                top + i as f32 * lh,
                style.colour,
                elem,
            ));
        }
        (ops, lines.len() as f32 * lh)
    }

    fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// Height of the blocks so far, as if on one page.
    fn used(&self) -> f32 {
        self.blocks.iter().map(|b| b.h + b.gap).sum()
    }

    /// A heading of `level` set in bold at `size`, kept with what follows.
    fn heading(&mut self, level: u16, text: &str, size: f32, gap: f32, parent: Option<usize>) {
        let e = self.elem(Role::Heading(level, text.to_string()), parent);
        let style = Style::new(size, INK, 0.0, self.content_w());
        self.paragraph(&[Run::new(Face::Bold, text)], style, e, gap, true, None);
    }

    /// A plain paragraph.
    fn para(&mut self, runs: &[Run], style: Style, gap: f32, keep: bool, parent: Option<usize>) {
        let e = self.elem(Role::Paragraph, parent);
        self.paragraph(runs, style, e, gap, keep, None);
    }

    /// Both images side by side, each with its title, at most `max_h` tall, and its provenance:
    /// one block.
    fn pair(&mut self, input: &ExportInput<'_>, max_h: f32, gap: f32) {
        let p = input.project;
        let half = (self.content_w() - GUTTER) / 2.0;
        let mut ops = Vec::new();
        let mut bottom: f32 = 0.0;
        for (i, (kind, alt, src, meta)) in [
            (
                "Original",
                "The original photograph",
                input.before,
                &p.before.meta,
            ),
            (
                "Altered print",
                "The altered print, aligned to the original",
                input.after_aligned,
                &p.after.meta,
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let x = i as f32 * (half + GUTTER);
            let title = content::image_title(kind, meta);
            let h = self.elem(Role::Heading(2, title.clone()), None);
            let (t, th) = self.text_ops(
                &[Run::new(Face::Bold, title)],
                Style::new(11.5, INK, x, half),
                0.0,
                Some(h),
            );
            ops.extend(t);
            let mut y = th + 3.0;
            let small = shrink(src, 1400);
            let (w, ih) = fit_box(small.width(), small.height(), half, max_h);
            let credit = content::credit_line(meta);
            let alt = if credit.is_empty() {
                alt.to_string()
            } else {
                format!("{alt} ({credit})")
            };
            let fig = self.elem(Role::Figure(alt), None);
            let index = self.image(small);
            ops.push(Op {
                draw: Draw::Image {
                    index,
                    x: MARGIN + x,
                    y,
                    w,
                    h: ih,
                },
                elem: Some(fig),
            });
            y += ih + 6.0;
            let prov = self.elem(Role::Paragraph, None);
            for line in provenance(meta) {
                let (t, lh) = self.text_ops(
                    &[Run::new(Face::Regular, line)],
                    Style::new(8.5, GREY, x, half),
                    y,
                    Some(prov),
                );
                ops.extend(t);
                y += lh;
            }
            bottom = bottom.max(y);
        }
        self.push(Block {
            h: bottom,
            gap,
            ops,
            ..Block::default()
        });
    }

    /// A block holding one image `w × h` centred in the column, as a figure.
    fn figure(
        &mut self,
        img: RgbImage,
        w: f32,
        h: f32,
        alt: String,
        gap: f32,
        parent: Option<usize>,
    ) {
        let fig = self.elem(Role::Figure(alt), parent);
        let x = MARGIN + (self.content_w() - w) / 2.0;
        let index = self.image(img);
        self.push(Block {
            h,
            gap,
            ops: vec![Op {
                draw: Draw::Image {
                    index,
                    x,
                    y: 0.0,
                    w,
                    h,
                },
                elem: Some(fig),
            }],
            ..Block::default()
        });
    }
}

/// A region's numbered heading: a rule, a disc of its colour with the number, the label.
fn region_heading(doc: &mut Doc, r: &RegionContent<'_>, parent: usize, gap: f32) {
    let cw = doc.content_w();
    let badge_r = 10.0;
    let num = r.region.id.to_string();
    let h = doc.elem(
        Role::Heading(2, format!("{num}. {}", r.label)),
        Some(parent),
    );
    let nw = doc.measure.width(Face::Bold, 11.0, &num);
    let mut ops = vec![
        rect(MARGIN, 0.0, cw, 0.7, RULE),
        Op {
            draw: Draw::Disc {
                cx: MARGIN + badge_r,
                cy: 10.0 + 8.5,
                r: badge_r,
                colour: r.colour,
            },
            elem: None,
        },
    ];
    ops.extend(doc.line_ops(
        &[Run::new(Face::Bold, num)],
        11.0,
        badge_r - nw / 2.0,
        10.0 + 8.5 - 0.73 * 11.0 / 2.0 - (layout::ASCENT - 0.73) * 11.0,
        layout::ink_on(r.colour),
        Some(h),
    ));
    let x = 2.0 * badge_r + 8.0;
    let (label, lh) = doc.text_ops(
        &[Run::new(Face::Bold, r.label.clone())],
        Style::new(14.0, INK, x, cw - x),
        10.0,
        Some(h),
    );
    ops.extend(label);
    doc.push(Block {
        h: 10.0 + lh.max(2.0 * badge_r),
        gap,
        glue: true,
        ops,
        ..Block::default()
    });
}

/// The crops of a region in both images, side by side with their captions: one block.
fn region_crops(doc: &mut Doc, input: &ExportInput<'_>, r: &RegionContent<'_>, parent: usize) {
    let half = (doc.content_w() - GUTTER) / 2.0;
    let mut ops = Vec::new();
    let mut bottom: f32 = 0.0;
    for (i, (src, kind, shown)) in [
        (input.before, "Original", "the original"),
        (input.after_aligned, "Altered print", "the altered print"),
    ]
    .into_iter()
    .enumerate()
    {
        let crop = region_crop(src, r, 700);
        let x = i as f32 * (half + GUTTER);
        let (w, h) = fit_box(crop.width(), crop.height(), half, CROP_H);
        let fig = doc.elem(
            Role::Figure(format!(
                "Region {} outlined in {shown}: {}",
                r.region.id, r.label
            )),
            Some(parent),
        );
        let index = doc.image(crop);
        let left = MARGIN + x + (half - w) / 2.0;
        ops.push(Op {
            draw: Draw::Image {
                index,
                x: left,
                y: 0.0,
                w,
                h,
            },
            elem: Some(fig),
        });
        let cap = doc.elem(Role::Paragraph, Some(parent));
        ops.extend(doc.line_ops(
            &[Run::new(Face::Regular, kind)],
            8.5,
            left - MARGIN,
            h + 3.0,
            GREY,
            Some(cap),
        ));
        bottom = bottom.max(h + 14.0);
    }
    doc.push(Block {
        h: bottom,
        gap: 6.0,
        glue: true,
        ops,
        ..Block::default()
    });
}

/// The title, the lead and the pair; returns the title.
fn opening(doc: &mut Doc, title: &str, lead: &str, input: &ExportInput<'_>, pair_h: f32) {
    let cw = doc.content_w();
    doc.heading(1, title, 22.0, 0.0, None);
    doc.para(
        &[Run::new(Face::Regular, lead)],
        Style::new(10.5, GREY, 0.0, cw),
        4.0,
        false,
        None,
    );
    doc.pair(input, pair_h, 14.0);
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
    let mut doc = Doc::new(page.points());
    let cw = doc.content_w();
    let p = input.project;
    let regions = content::regions_content(p, input.essay);
    let notes = budgeted_notes(&regions);
    let title = content::title(p);

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
    opening(&mut doc, &title, &lead, input, PAIR_H);

    // The outlined overview: below the pair, filling what is left of the first page, unless
    // that is too little.
    let overview = outlined_image(input, base, 1800);
    let shown = match base {
        Base::Before => "The original",
        Base::After => "The altered print (aligned to the original)",
    };
    let heading = format!("{shown}, with every changed region outlined");
    let heading_h = doc.paragraph_h(
        &[Run::new(Face::Bold, &heading)],
        Style::new(11.5, INK, 0.0, cw),
    );
    let full = doc.content_h() * 0.8;
    let (_, natural_h) = fit_box(overview.width(), overview.height(), cw, full);
    let room = doc.content_h() - doc.used() - 18.0 - heading_h - 3.0;
    let max_h = if room >= natural_h.min(OVERVIEW_MIN_H) {
        room.min(full)
    } else {
        full
    };
    let (ow, oh) = fit_box(overview.width(), overview.height(), cw, max_h);
    doc.heading(2, &heading, 11.5, 18.0, None);
    let mut alt = format!("{shown} with every changed region outlined and numbered");
    for (i, r) in regions.iter().enumerate() {
        if i == ALT_REGIONS {
            alt.push_str(&format!("; and {} more", regions.len() - ALT_REGIONS));
            break;
        }
        alt.push_str(if i == 0 { ": " } else { "; " });
        alt.push_str(&format!("{} {}", r.region.id, r.label));
    }
    doc.figure(overview, ow, oh, alt, 3.0, None);

    // One section per region.
    let body = Style::new(10.5, INK, 0.0, cw);
    for (r, note) in regions.iter().zip(&notes) {
        job.check()?;
        let sec = doc.elem(Role::Section, None);
        region_heading(&mut doc, r, sec, 20.0);
        if !r.tags.is_empty() {
            doc.para(
                &[Run::new(Face::Regular, r.tags.clone())],
                Style::new(9.0, GREY, 28.0, cw - 28.0),
                2.0,
                true,
                Some(sec),
            );
        }
        region_crops(&mut doc, input, r, sec);
        for (i, para) in note.iter().enumerate() {
            doc.para(para, body, if i == 0 { 4.0 } else { 5.0 }, false, Some(sec));
        }
        for lp in &r.passages {
            let quote = doc.elem(Role::Quote, Some(sec));
            let head = match (&lp.section, lp.found) {
                (Some(s), true) => format!("From the essay — {s}"),
                _ => format!("Essay passage not found: {}", lp.anchor),
            };
            let has_text = lp.found && !lp.text.is_empty();
            doc.para(
                &[Run::new(Face::Bold, head)],
                Style::new(9.0, GREY, 0.0, cw),
                8.0,
                has_text,
                Some(quote),
            );
            if has_text {
                let e = doc.elem(Role::Paragraph, Some(quote));
                doc.paragraph(
                    &[Run::new(Face::Oblique, lp.text.clone())],
                    Style::new(10.0, INK, 12.0, cw - 12.0),
                    e,
                    2.0,
                    false,
                    Some(r.colour),
                );
            }
        }
        if let Some(b) = doc.blocks.last_mut() {
            b.glue = false;
        }
    }
    finish(&doc, input, &title, job)
}

/// Where a region lies in the picture, in words ("the top right", "the centre").
fn position(r: &RegionContent<'_>, (w, h): (u32, u32)) -> &'static str {
    let b = r.region.bbox;
    let third = |v: f64, size: u32| ((v / f64::from(size.max(1))) * 3.0).clamp(0.0, 2.0) as usize;
    let col = third(b.x + b.width / 2.0, w);
    let row = third(b.y + b.height / 2.0, h);
    [
        ["the top left", "the top", "the top right"],
        ["the left", "the centre", "the right"],
        ["the bottom left", "the bottom", "the bottom right"],
    ][row][col]
}

/// The worksheet's question for a region, from its first tag.
fn question(r: &RegionContent<'_>) -> &'static str {
    use crate::project::Tag;
    match r.region.tags.first() {
        Some(Tag::FigureRemoved) => "Who or what was removed here?",
        Some(Tag::FigureAdded) => "What was added here?",
        Some(Tag::BackgroundRetouched) => "What was retouched here?",
        Some(Tag::Cropped) => "What was cut away here?",
        Some(Tag::TextAltered) => "What writing was changed here?",
        Some(Tag::Other) | None => "What was changed here?",
    }
}

/// The map of where to look: the picture's frame in thirds with a numbered dot at each region.
fn marker_map(doc: &mut Doc, regions: &[RegionContent<'_>], (iw, ih): (u32, u32), gap: f32) {
    let (w, h) = fit_box(iw, ih, 240.0, 170.0);
    let x0 = MARGIN;
    let mut alt =
        "A map of the picture in thirds with a numbered dot where each change is".to_string();
    for (i, r) in regions.iter().take(ALT_REGIONS).enumerate() {
        alt.push_str(if i == 0 { ": " } else { "; " });
        alt.push_str(&format!("{} at {}", r.region.id, position(r, (iw, ih))));
    }
    let fig = doc.elem(Role::Figure(alt), None);
    let frame = [60, 60, 66];
    let grid = [200, 199, 194];
    let mut ops = vec![rect(x0, 0.0, w, h, [246, 245, 241])];
    for k in 1..3 {
        let f = k as f32 / 3.0;
        ops.push(rect(x0 + w * f - 0.3, 0.0, 0.6, h, grid));
        ops.push(rect(x0, h * f - 0.3, w, 0.6, grid));
    }
    for (x, y, rw, rh) in [
        (x0, 0.0, w, 1.0),
        (x0, h - 1.0, w, 1.0),
        (x0, 0.0, 1.0, h),
        (x0 + w - 1.0, 0.0, 1.0, h),
    ] {
        ops.push(rect(x, y, rw, rh, frame));
    }
    let sx = w / iw.max(1) as f32;
    let sy = h / ih.max(1) as f32;
    for r in regions {
        let b = r.region.bbox;
        let cx = x0 + ((b.x + b.width / 2.0) as f32 * sx).clamp(8.0, w - 8.0);
        let cy = ((b.y + b.height / 2.0) as f32 * sy).clamp(8.0, h - 8.0);
        let num = r.region.id.to_string();
        let size = if num.len() > 1 { 7.0 } else { 8.5 };
        ops.push(Op {
            draw: Draw::Disc {
                cx,
                cy,
                r: 8.0,
                colour: [25, 25, 28],
            },
            elem: Some(fig),
        });
        let nw = doc.measure.width(Face::Bold, size, &num);
        ops.extend(doc.line_ops(
            &[Run::new(Face::Bold, num)],
            size,
            cx - MARGIN - nw / 2.0,
            cy - 0.73 * size / 2.0 - (layout::ASCENT - 0.73) * size,
            [255, 255, 255],
            Some(fig),
        ));
    }
    doc.push(Block {
        h,
        gap,
        ops,
        ..Block::default()
    });
}

/// The worksheet of the project on `page` paper: the unannotated pair, a map of where to look,
/// a numbered question with lines to write on for each region, and the answers (labels, tags
/// and notes) on pages of their own after the questions. The cancel flag and the count of
/// pages are `job`'s, as for [`pdf_handout`].
///
/// # Errors
/// An image that cannot be encoded, a PDF that cannot be written, or
/// [`crate::job::Cancelled`] once the job is cancelled.
pub fn pdf_worksheet(input: &ExportInput<'_>, page: PageSize, job: Job<'_>) -> Result<Vec<u8>> {
    let mut doc = Doc::new(page.points());
    let cw = doc.content_w();
    let p = input.project;
    let regions = content::regions_content(p, input.essay);
    let notes = budgeted_notes(&regions);
    let title = format!("Worksheet: {}", content::title(p));
    let lead = if regions.is_empty() {
        "Compare the original photograph with the altered print. No changed regions are marked."
            .to_string()
    } else {
        format!(
            "Compare the original photograph with the altered print. {} of the print {} from the original; the map shows where to look. Answer each question on the lines below it. The answers follow the questions, on a page of their own.",
            content::count_regions(regions.len()),
            if regions.len() == 1 {
                "differs"
            } else {
                "differ"
            },
        )
    };
    opening(&mut doc, &title, &lead, input, WORKSHEET_PAIR_H);
    let size = input.before.dimensions();
    if !regions.is_empty() {
        doc.heading(2, "Where to look", 11.5, 18.0, None);
        marker_map(&mut doc, &regions, size, 4.0);
        doc.heading(2, "Questions", 14.0, 20.0, None);
    }
    let qstyle = Style::new(11.0, INK, 0.0, cw);
    for r in &regions {
        job.check()?;
        let e = doc.elem(Role::Paragraph, None);
        let runs = [
            Run::new(Face::Bold, format!("{}. ", r.region.id)),
            Run::new(
                Face::Regular,
                format!(
                    "{} Look near {} of the picture.",
                    question(r),
                    position(r, size)
                ),
            ),
        ];
        doc.paragraph(&runs, qstyle, e, 12.0, true, None);
        // Lines to write the answer on.
        let ops = (0..2)
            .map(|k| {
                rect(
                    MARGIN + 16.0,
                    22.0 + k as f32 * 24.0,
                    cw - 16.0,
                    0.6,
                    [150, 150, 156],
                )
            })
            .collect();
        doc.push(Block {
            h: 50.0,
            gap: 0.0,
            ops,
            ..Block::default()
        });
    }

    // The answers, from a new page.
    if !regions.is_empty() {
        let e = doc.elem(Role::Heading(2, "Answers".to_string()), None);
        let (ops, h) = doc.text_ops(
            &[Run::new(Face::Bold, "Answers")],
            Style::new(18.0, INK, 0.0, cw),
            0.0,
            Some(e),
        );
        doc.push(Block {
            h,
            glue: true,
            new_page: true,
            ops,
            ..Block::default()
        });
    }
    let body = Style::new(10.5, INK, 0.0, cw);
    for (r, note) in regions.iter().zip(&notes) {
        let sec = doc.elem(Role::Section, None);
        doc.heading(
            3,
            &format!("{}. {}", r.region.id, r.label),
            12.5,
            14.0,
            Some(sec),
        );
        if !r.tags.is_empty() {
            doc.para(
                &[Run::new(Face::Regular, r.tags.clone())],
                Style::new(9.0, GREY, 0.0, cw),
                1.0,
                !note.is_empty(),
                Some(sec),
            );
        }
        for (i, para) in note.iter().enumerate() {
            doc.para(para, body, if i == 0 { 3.0 } else { 5.0 }, false, Some(sec));
        }
        if let Some(b) = doc.blocks.last_mut() {
            b.glue = false;
        }
    }
    finish(&doc, input, &title, job)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_keep_their_emphasis_as_faces() {
        let paras = note_paragraphs("They are **gone**, *all* of _them_.\n\n- one\n- two");
        assert_eq!(paras.len(), 2);
        assert_eq!(
            paras[0],
            vec![
                Run::new(Face::Regular, "They are "),
                Run::new(Face::Bold, "gone"),
                Run::new(Face::Regular, ", "),
                Run::new(Face::Oblique, "all"),
                Run::new(Face::Regular, " of "),
                Run::new(Face::Oblique, "them"),
                Run::new(Face::Regular, "."),
            ]
        );
        assert_eq!(layout::plain(&paras[1]), "- one\n- two");
        let cut = cut_paragraphs(&paras, 12, " …");
        assert_eq!(layout::plain(&cut[0]), "They are gon …");
        assert_eq!(cut.len(), 1);
    }
}
