//! The page layout of the PDF exports: text in runs of faces (with the emoji fallback per
//! character), measured and wrapped with the faces the PDF embeds; a column of blocks, each of
//! drawing steps relative to its top, some glued to the next; the pages they fall on; and the
//! structure elements (headings, paragraphs, figures) each drawing step belongs to.
//!
//! Pagination keeps what is glued together on one page: every line of a paragraph is a block,
//! its first two lines glued (no orphan at the foot of a page) and its last two (no widow at
//! the head of one), a heading glued to what follows it. A gap before a block is dropped at the
//! top of a page. A run of glued blocks taller than a page is broken where it must be.

use ab_glyph::{Font as _, FontRef};
use image::RgbImage;

use super::super::draw::{self, Colour};
use crate::fonts::Fallback;

/// The page margin, in points.
pub(super) const MARGIN: f32 = 50.0;
/// Room kept at the foot of a page for the footer, above the margin.
pub(super) const FOOTER: f32 = 14.0;
/// Ascent of DejaVu Sans in em (1901 / 2048), to place a line's baseline from its top.
pub(super) const ASCENT: f32 = 0.928;

/// A face the PDF embeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Face {
    Regular,
    Bold,
    Oblique,
    BoldOblique,
    /// Noto Emoji, for the characters the DejaVu faces lack.
    Emoji,
}

impl Face {
    /// The face for Markdown emphasis.
    pub(super) fn styled(bold: bool, italic: bool) -> Self {
        match (bold, italic) {
            (false, false) => Face::Regular,
            (true, false) => Face::Bold,
            (false, true) => Face::Oblique,
            (true, true) => Face::BoldOblique,
        }
    }
}

/// Text in one face.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Run {
    pub face: Face,
    pub text: String,
}

impl Run {
    pub(super) fn new(face: Face, text: impl Into<String>) -> Self {
        Self {
            face,
            text: text.into(),
        }
    }
}

/// The plain text of runs.
#[cfg(test)]
pub(super) fn plain(runs: &[Run]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

/// Text measuring with the faces the PDF embeds.
pub(super) struct Measure {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
    oblique: FontRef<'static>,
    bold_oblique: FontRef<'static>,
}

impl Measure {
    pub(super) fn bundled() -> Self {
        Self {
            regular: crate::fonts::sans(),
            bold: crate::fonts::sans_bold(),
            oblique: crate::fonts::sans_oblique(),
            bold_oblique: crate::fonts::sans_bold_oblique(),
        }
    }

    fn font(&self, face: Face) -> &FontRef<'static> {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
            Face::Oblique => &self.oblique,
            Face::BoldOblique => &self.bold_oblique,
            Face::Emoji => crate::fonts::emoji(),
        }
    }

    /// `text` in `face` split where a character falls back to the emoji face.
    pub(super) fn pieces(&self, face: Face, text: &str) -> Vec<Run> {
        if face == Face::Emoji {
            return vec![Run::new(face, text)];
        }
        crate::fonts::fallback_runs(self.font(face), text)
            .into_iter()
            .map(|(which, s)| match which {
                Fallback::Primary => Run::new(face, s),
                Fallback::Emoji => Run::new(Face::Emoji, s),
            })
            .collect()
    }

    /// Width in points of `s` in one font (no fallback) at `size` points.
    fn raw_width(&self, face: Face, size: f32, s: &str) -> f32 {
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

    /// Width in points of `s` set in `face` at `size` points, fallback included.
    pub(super) fn width(&self, face: Face, size: f32, s: &str) -> f32 {
        self.pieces(face, s)
            .iter()
            .map(|p| self.raw_width(p.face, size, &p.text))
            .sum()
    }

    fn runs_width(&self, size: f32, runs: &[Run]) -> f32 {
        runs.iter().map(|r| self.width(r.face, size, &r.text)).sum()
    }

    /// Breaks runs into lines no wider than `max_w`, at spaces (a word wider than a line is
    /// broken between characters); a newline starts a new line. Each line is a list of runs
    /// with the faces kept.
    pub(super) fn wrap(&self, size: f32, runs: &[Run], max_w: f32) -> Vec<Vec<Run>> {
        // Words as pieces of runs; `None` is a newline.
        let mut words: Vec<Option<Vec<Run>>> = Vec::new();
        let mut word: Vec<Run> = Vec::new();
        let flush = |word: &mut Vec<Run>, words: &mut Vec<Option<Vec<Run>>>| {
            if !word.is_empty() {
                words.push(Some(std::mem::take(word)));
            }
        };
        for r in runs {
            for c in r.text.chars() {
                if c == '\n' {
                    flush(&mut word, &mut words);
                    words.push(None);
                } else if c.is_whitespace() {
                    flush(&mut word, &mut words);
                } else {
                    push_char(&mut word, r.face, c);
                }
            }
        }
        flush(&mut word, &mut words);

        let mut lines: Vec<Vec<Run>> = Vec::new();
        let mut line: Vec<Run> = Vec::new();
        let mut line_w = 0.0;
        for w in words {
            let Some(w) = w else {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
                continue;
            };
            let ww = self.runs_width(size, &w);
            let face = w.first().map_or(Face::Regular, |r| r.face);
            let space = self.width(face, size, " ");
            if !line.is_empty() && line_w + space + ww <= max_w {
                push_char(&mut line, face, ' ');
                extend(&mut line, w);
                line_w += space + ww;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if ww <= max_w {
                line = w;
                line_w = ww;
                continue;
            }
            // A word wider than the line: broken between characters.
            line_w = 0.0;
            for r in &w {
                for c in r.text.chars() {
                    let cw = self.width(r.face, size, c.encode_utf8(&mut [0; 4]));
                    if !line.is_empty() && line_w + cw > max_w {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    push_char(&mut line, r.face, c);
                    line_w += cw;
                }
            }
        }
        lines.push(line);
        while lines.last().is_some_and(Vec::is_empty) {
            lines.pop();
        }
        lines
    }
}

/// Appends runs, merging the first into the last when they share a face.
fn extend(runs: &mut Vec<Run>, more: Vec<Run>) {
    for r in more {
        match runs.last_mut() {
            Some(last) if last.face == r.face => last.text.push_str(&r.text),
            _ => runs.push(r),
        }
    }
}

fn push_char(runs: &mut Vec<Run>, face: Face, c: char) {
    match runs.last_mut() {
        Some(r) if r.face == face => r.text.push(c),
        _ => runs.push(Run::new(face, c.to_string())),
    }
}

/// What a structure element is.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Role {
    /// A heading of a level from 1, with its text as title.
    Heading(u16, String),
    Paragraph,
    /// An image, with its alternative text.
    Figure(String),
    /// A group of elements (a region's section).
    Section,
    /// A quoted passage.
    Quote,
}

/// A structure element: its role and the element it belongs to. Elements either hold drawing
/// steps (headings, paragraphs, figures, captions) or other elements (sections, quotes).
#[derive(Clone, Debug)]
pub(super) struct Elem {
    pub role: Role,
    pub parent: Option<usize>,
}

/// One drawing step, `y` relative to its block while laying out, to its page once placed.
#[derive(Clone, Debug)]
pub(super) enum Draw {
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

impl Draw {
    fn shifted(mut self, dy: f32) -> Self {
        match &mut self {
            Draw::Text { top, .. } => *top += dy,
            Draw::Image { y, .. } | Draw::Rect { y, .. } => *y += dy,
            Draw::Disc { cy, .. } => *cy += dy,
        }
        self
    }
}

/// A drawing step and the structure element it belongs to (`None`: decoration, an artifact).
#[derive(Clone, Debug)]
pub(super) struct Op {
    pub draw: Draw,
    pub elem: Option<usize>,
}

/// A block of the column.
#[derive(Clone, Debug, Default)]
pub(super) struct Block {
    /// Height in points.
    pub h: f32,
    /// Space above it, dropped at the top of a page.
    pub gap: f32,
    /// Kept on the same page as the next block.
    pub glue: bool,
    /// Starts a new page.
    pub new_page: bool,
    pub ops: Vec<Op>,
}

/// How a paragraph is set.
#[derive(Clone, Copy, Debug)]
pub(super) struct Style {
    pub size: f32,
    pub colour: Colour,
    /// Left edge, relative to the margin.
    pub x: f32,
    /// Width of the column.
    pub w: f32,
    /// Line height in em.
    pub leading: f32,
}

impl Style {
    pub(super) fn new(size: f32, colour: Colour, x: f32, w: f32) -> Self {
        Self {
            size,
            colour,
            x,
            w,
            leading: 1.32,
        }
    }
}

/// The document being laid out.
pub(super) struct Doc {
    pub page_w: f32,
    pub page_h: f32,
    pub measure: Measure,
    pub blocks: Vec<Block>,
    pub elems: Vec<Elem>,
    pub images: Vec<RgbImage>,
}

impl Doc {
    pub(super) fn new((page_w, page_h): (f32, f32)) -> Self {
        Self {
            page_w,
            page_h,
            measure: Measure::bundled(),
            blocks: Vec::new(),
            elems: Vec::new(),
            images: Vec::new(),
        }
    }

    /// Width of the text column.
    pub(super) fn content_w(&self) -> f32 {
        self.page_w - 2.0 * MARGIN
    }

    /// Height of the text column.
    pub(super) fn content_h(&self) -> f32 {
        self.page_h - 2.0 * MARGIN - FOOTER
    }

    /// A new structure element.
    pub(super) fn elem(&mut self, role: Role, parent: Option<usize>) -> usize {
        self.elems.push(Elem { role, parent });
        self.elems.len() - 1
    }

    /// Keeps an image for the writer; its index for [`Draw::Image`].
    pub(super) fn image(&mut self, img: RgbImage) -> usize {
        self.images.push(img);
        self.images.len() - 1
    }

    /// The drawing steps of one line of runs at `(x, top)` (x relative to the margin), each
    /// piece in the font that has its characters.
    pub(super) fn line_ops(
        &self,
        line: &[Run],
        size: f32,
        x: f32,
        top: f32,
        colour: Colour,
        elem: Option<usize>,
    ) -> Vec<Op> {
        let mut ops = Vec::new();
        let mut cx = MARGIN + x;
        for r in line {
            for p in self.measure.pieces(r.face, &r.text) {
                let w = self.measure.width(p.face, size, &p.text);
                if !p.text.trim().is_empty() {
                    ops.push(Op {
                        draw: Draw::Text {
                            face: p.face,
                            size,
                            x: cx,
                            top,
                            colour,
                            text: p.text,
                        },
                        elem,
                    });
                }
                cx += w;
            }
        }
        ops
    }

    /// A wrapped paragraph, one block per line: the first two lines glued and the last two, so
    /// a page break leaves at least two lines on either side; `keep` glues its last line to
    /// the next block (a heading), `bar` draws a rule of that colour left of every line (a
    /// quotation). The first line has `gap` above it.
    pub(super) fn paragraph(
        &mut self,
        runs: &[Run],
        style: Style,
        elem: usize,
        gap: f32,
        keep: bool,
        bar: Option<Colour>,
    ) -> usize {
        let lh = style.size * style.leading;
        let lines = self.measure.wrap(style.size, runs, style.w);
        let n = lines.len();
        for (i, line) in lines.iter().enumerate() {
            let mut ops = self.line_ops(line, style.size, style.x, 0.0, style.colour, Some(elem));
            if let Some(c) = bar {
                ops.push(Op {
                    draw: Draw::Rect {
                        x: MARGIN + style.x - 12.0,
                        y: 0.0,
                        w: 3.0,
                        h: lh,
                        colour: c,
                    },
                    elem: None,
                });
            }
            self.blocks.push(Block {
                h: lh,
                gap: if i == 0 { gap } else { 0.0 },
                glue: if i + 1 < n {
                    i == 0 || i + 2 == n
                } else {
                    keep
                },
                new_page: false,
                ops,
            });
        }
        n
    }

    /// Height of a paragraph set in `style`.
    pub(super) fn paragraph_h(&self, runs: &[Run], style: Style) -> f32 {
        self.measure.wrap(style.size, runs, style.w).len() as f32 * style.size * style.leading
    }

    /// The blocks placed on pages: the drawing steps of each page, `y` on the page.
    pub(super) fn paginate(&self) -> Vec<Vec<Op>> {
        let bottom = self.page_h - MARGIN - FOOTER;
        let mut pages: Vec<Vec<Op>> = vec![Vec::new()];
        let mut y = MARGIN;
        let mut empty = true;
        let place = |b: &Block, pages: &mut Vec<Vec<Op>>, y: &mut f32, empty: &mut bool| {
            if !*empty {
                *y += b.gap;
            }
            if let Some(page) = pages.last_mut() {
                page.extend(b.ops.iter().map(|op| Op {
                    draw: op.draw.clone().shifted(*y),
                    elem: op.elem,
                }));
            }
            *y += b.h;
            *empty = false;
        };
        let mut i = 0;
        while i < self.blocks.len() {
            let mut j = i;
            while j + 1 < self.blocks.len() && self.blocks[j].glue && !self.blocks[j + 1].new_page {
                j += 1;
            }
            let chunk = &self.blocks[i..=j];
            let first = &chunk[0];
            if first.new_page && !empty {
                pages.push(Vec::new());
                y = MARGIN;
                empty = true;
            }
            let height = |at_top: bool| -> f32 {
                chunk
                    .iter()
                    .enumerate()
                    .map(|(k, b)| b.h + if k == 0 && at_top { 0.0 } else { b.gap })
                    .sum()
            };
            if !empty && y + height(false) > bottom {
                pages.push(Vec::new());
                y = MARGIN;
                empty = true;
            }
            for b in chunk {
                // Only a run of glued blocks taller than a page is broken inside.
                if !empty && y + b.gap + b.h > bottom {
                    pages.push(Vec::new());
                    y = MARGIN;
                    empty = true;
                }
                place(b, &mut pages, &mut y, &mut empty);
            }
            i = j + 1;
        }
        pages
    }
}

/// Draws a filled rectangle as decoration.
pub(super) fn rect(x: f32, y: f32, w: f32, h: f32, colour: Colour) -> Op {
    Op {
        draw: Draw::Rect { x, y, w, h, colour },
        elem: None,
    }
}

/// `w × h` scaled to fit in `max_w × max_h`, aspect kept.
pub(super) fn fit_box(w: u32, h: u32, max_w: f32, max_h: f32) -> (f32, f32) {
    let s = (max_w / w.max(1) as f32).min(max_h / h.max(1) as f32);
    (w as f32 * s, h as f32 * s)
}

/// Black or white, whichever reads better on `c`.
pub(super) fn ink_on(c: Colour) -> Colour {
    draw::ink_on(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize, tag: &str) -> String {
        (0..n)
            .map(|i| format!("{tag}w{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn runs_wrap_with_their_faces_and_fit() {
        let m = Measure::bundled();
        let runs = vec![
            Run::new(Face::Regular, "The steps are "),
            Run::new(Face::Bold, "firmly empty"),
            Run::new(Face::Regular, " and the "),
            Run::new(Face::Oblique, "wood grain continues"),
            Run::new(Face::Regular, " across."),
        ];
        let lines = m.wrap(10.0, &runs, 90.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(m.runs_width(10.0, l) <= 90.0 + 0.01, "{l:?}");
        }
        let joined: Vec<String> = lines.iter().map(|l| plain(l)).collect();
        assert_eq!(
            joined.join(" "),
            "The steps are firmly empty and the wood grain continues across."
        );
        let bold: String = lines
            .iter()
            .flatten()
            .filter(|r| r.face == Face::Bold)
            .map(|r| r.text.clone())
            .collect::<Vec<_>>()
            .join("|");
        assert!(bold.contains("firmly") && bold.contains("empty"), "{bold}");
        // An emoji falls back to its own face.
        let pieces = m.pieces(Face::Bold, "Camera 📷!");
        assert_eq!(
            pieces.iter().map(|p| p.face).collect::<Vec<_>>(),
            vec![Face::Bold, Face::Emoji, Face::Bold]
        );
    }

    /// The paragraph (its tag word) of every text line of a page, in order, and the page's
    /// blocks' line tops.
    fn page_lines(page: &[Op]) -> Vec<String> {
        let mut lines: Vec<(f32, String)> = Vec::new();
        for op in page {
            if let Draw::Text { top, text, .. } = &op.draw {
                let tag: String = text.chars().take_while(|c| *c != 'w').collect();
                if lines.last().is_none_or(|l| (l.0 - top).abs() > 0.1) {
                    lines.push((*top, tag));
                }
            }
        }
        lines.into_iter().map(|l| l.1).collect()
    }

    #[test]
    fn no_page_starts_or_ends_with_a_lone_line_of_a_paragraph() {
        for lengths in [
            [160, 360, 7, 800],
            [3, 600, 2, 244],
            [480, 5, 1040, 1],
            [517, 9, 4, 530],
        ] {
            let mut doc = Doc::new((595.0, 842.0));
            let style = Style::new(10.5, [0, 0, 0], 0.0, doc.content_w());
            let mut counts = Vec::new();
            for (k, n) in lengths.iter().enumerate() {
                let e = doc.elem(Role::Paragraph, None);
                let text = words(*n, &format!("p{k}"));
                counts.push(doc.paragraph(
                    &[Run::new(Face::Regular, text)],
                    style,
                    e,
                    6.0,
                    false,
                    None,
                ));
            }
            let pages = doc.paginate();
            assert!(pages.len() > 1, "{lengths:?}");
            for (p, page) in pages.iter().enumerate() {
                let lines = page_lines(page);
                let first = &lines[0];
                let last = &lines[lines.len() - 1];
                let run = |from_end: bool| {
                    let it: Box<dyn Iterator<Item = &String>> = if from_end {
                        Box::new(lines.iter().rev())
                    } else {
                        Box::new(lines.iter())
                    };
                    it.take_while(|t| *t == if from_end { last } else { first })
                        .count()
                };
                let k: usize = first[1..].parse().unwrap_or(0);
                if p > 0 && counts[k] > 1 {
                    assert!(
                        run(false) >= 2,
                        "page {p} starts with a lone line of {first}"
                    );
                }
                let k: usize = last[1..].parse().unwrap_or(0);
                if p + 1 < pages.len() && counts[k] > 1 {
                    assert!(run(true) >= 2, "page {p} ends with a lone line of {last}");
                }
            }
        }
    }

    #[test]
    fn a_heading_moves_with_the_first_lines_of_what_follows() {
        let mut doc = Doc::new((595.0, 842.0));
        let body = Style::new(10.5, [0, 0, 0], 0.0, doc.content_w());
        let e = doc.elem(Role::Paragraph, None);
        // Fill the page but for about two lines.
        let n = ((doc.content_h() - 2.0 * 13.86) / 13.86).floor() as usize;
        let filler: Vec<String> = (0..n).map(|i| format!("fill{i}")).collect();
        doc.paragraph(
            &[Run::new(Face::Regular, filler.join("\n"))],
            body,
            e,
            0.0,
            false,
            None,
        );
        let h = doc.elem(Role::Heading(2, "Head".into()), None);
        doc.paragraph(
            &[Run::new(Face::Bold, "Head")],
            Style::new(14.0, [0, 0, 0], 0.0, 400.0),
            h,
            0.0,
            true,
            None,
        );
        let e = doc.elem(Role::Paragraph, None);
        doc.paragraph(
            &[Run::new(Face::Regular, words(80, "body"))],
            body,
            e,
            0.0,
            false,
            None,
        );
        let pages = doc.paginate();
        assert_eq!(pages.len(), 2);
        let on_second = page_lines(&pages[1]);
        assert_eq!(on_second[0], "Head", "{on_second:?}");
        assert!(on_second.len() > 2);
    }
}
