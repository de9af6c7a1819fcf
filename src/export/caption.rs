//! The caption beside the photograph, on the exported slides and on the presentation screen:
//! a region's number, label, tags, note and every essay passage it links to, set large enough
//! to read from the back of a classroom and continued on further slides ("1 (cont.)") when it
//! does not fit on one.
//!
//! # Sizes
//!
//! Measures are in layout units on a 1080-line slide (see [`super::slides`]); type sizes are
//! the faces' pixel heights (ascender to descender, as `ab_glyph` and the raster exports use
//! them), and [`EM_PER_PX`] turns them into the em sizes egui and a slide program speak of.
//!
//! - Note, tags, essay headings and passages: [`BODY_PX`], an em of 48 on 1080 lines, that is
//!   4.4 % of the height, the 24 pt a PowerPoint slide of 7.5 in asks as its floor.
//! - The label: [`LABEL_PX`], larger, in bold, at most three lines.
//!
//! # Breaking across slides
//!
//! The text flows down a column [`WIDTH`] wide and [`HEIGHT`] tall (the caption panel above
//! the overview map). The first slide of a region opens with the badge, the label and the tags;
//! a continuation opens with the badge and the label on at most two lines, ending "(cont.)".
//! A page break never leaves one line of a paragraph alone at the bottom of a slide or carries
//! one line alone to the next, and an essay heading always goes with the first lines of its
//! passage. Nothing is cut: the whole note and every linked passage are shown.
//!
//! The layout is a list of [`Mark`]s per slide, computed once from the text alone (it does not
//! depend on the photograph or the window), so the slides and the presentation break at the
//! same words and step through the same number of views.

use super::content::RegionContent;
use super::draw::{self, Colour, Faces};
use super::slides::{MUTED, PASSAGE, TEXT};

/// Width of the caption column, in layout units.
pub const WIDTH: f32 = 800.0;
/// Height of the column the caption's text fills on one slide, in layout units.
pub const HEIGHT: f32 = 692.0;
/// Type size of the note, tags, essay headings and passages (pixel height of the face).
pub const BODY_PX: f32 = 56.0;
/// Type size of the label.
pub const LABEL_PX: f32 = 68.0;
/// Radius of the numbered badge.
pub const BADGE_R: f32 = 40.0;
/// Em size per unit of pixel height in the bundled DejaVu faces (2048 units to the em over an
/// ascender-to-descender height of 2384).
pub const EM_PER_PX: f32 = 2048.0 / 2384.0;
/// Most slides one caption runs to.
pub const MAX_PAGES: usize = 8;
/// The last line of a caption cut at [`MAX_PAGES`].
pub const MORE: &str = "… the rest is in the handout";
/// Line spacing of body text, in units of its type size.
const LINE: f32 = 1.25;
/// Width of the bar beside a quoted passage.
const BAR_W: f32 = 6.0;
/// Indent of a quoted passage (the bar and the gap after it).
const PASSAGE_X: f32 = BAR_W + 18.0;
/// Space after the note, and between one passage and the next heading.
const BLOCK_GAP: f32 = 28.0;
/// Space between a heading and its passage.
const HEAD_GAP: f32 = 8.0;

/// A face of the bundled family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    /// Body text.
    Regular,
    /// Labels and headings.
    Bold,
    /// Quoted essay passages.
    Oblique,
}

/// One thing drawn in the caption, positioned from the column's top-left corner.
#[derive(Clone, Debug, PartialEq)]
pub enum Mark {
    /// One line of text with its top edge at `y`.
    Text {
        /// The face.
        face: Face,
        /// Type size (pixel height of the face).
        px: f32,
        /// Left edge.
        x: f32,
        /// Top edge.
        y: f32,
        /// Colour.
        colour: Colour,
        /// The words.
        text: String,
    },
    /// The bar beside a quoted passage, in the region's colour.
    Bar {
        /// Left edge.
        x: f32,
        /// Top edge.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// Colour.
        colour: Colour,
    },
    /// The region's numbered badge.
    Badge {
        /// Centre, x.
        cx: f32,
        /// Centre, y.
        cy: f32,
        /// Radius.
        r: f32,
        /// Colour.
        colour: Colour,
        /// The region's number.
        number: u32,
    },
}

/// One slide's share of a caption.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// What to draw.
    pub marks: Vec<Mark>,
    /// Whether this page continues the one before ("(cont.)").
    pub continued: bool,
    /// Whether the caption goes on over the next page.
    pub continues: bool,
}

impl Page {
    /// The page's text lines in order (for tests and accessible descriptions).
    #[must_use]
    pub fn lines(&self) -> Vec<&str> {
        self.marks
            .iter()
            .filter_map(|m| match m {
                Mark::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// What a block of lines is: the note, an essay heading, or a quoted passage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Note,
    Heading,
    Passage,
}

struct Block {
    kind: Kind,
    lines: Vec<String>,
    /// Space above the block unless it opens a page.
    gap: f32,
}

impl Block {
    fn face(&self) -> Face {
        match self.kind {
            Kind::Note => Face::Regular,
            Kind::Heading => Face::Bold,
            Kind::Passage => Face::Oblique,
        }
    }

    fn colour(&self) -> Colour {
        match self.kind {
            Kind::Note => TEXT,
            Kind::Heading => MUTED,
            Kind::Passage => PASSAGE,
        }
    }

    fn x(&self) -> f32 {
        if self.kind == Kind::Passage {
            PASSAGE_X
        } else {
            0.0
        }
    }
}

/// The bundled face a caption mark is set in.
#[must_use]
pub fn font(faces: &Faces, face: Face) -> &ab_glyph::FontRef<'static> {
    match face {
        Face::Regular => &faces.regular,
        Face::Bold => &faces.bold,
        Face::Oblique => &faces.oblique,
    }
}

/// The heading above a linked passage.
#[must_use]
pub fn passage_heading(p: &super::content::LinkedPassage) -> String {
    match (&p.section, p.found) {
        (Some(s), true) => format!("From the essay — {s}"),
        (None, true) => "From the essay".to_string(),
        _ => format!("Essay passage not found: {}", p.anchor),
    }
}

/// A fingerprint of everything [`pages`] reads of some regions, so a caller that lays out
/// every frame (the presentation) can keep the pages while the text is unchanged.
#[must_use]
pub fn content_key(regions: &[RegionContent<'_>]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for r in regions {
        (r.region.id, r.colour, &r.label, &r.note, &r.tags).hash(&mut h);
        for p in &r.passages {
            (&p.anchor, &p.section, &p.text, p.found).hash(&mut h);
        }
    }
    h.finish()
}

/// The paragraphs of a text: runs of lines between blank lines, a Markdown list item's "- " or
/// "* " shown as a bullet.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !para.is_empty() {
                out.push(para.join("\n"));
                para.clear();
            }
        } else {
            para.push(line);
        }
    }
    out.iter().map(|p| bulleted(p)).collect()
}

/// `text` with each Markdown list item's "- " or "* " shown as a bullet ("• ").
#[must_use]
pub fn bulleted(text: &str) -> String {
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            match t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
                Some(rest) => format!("• {rest}"),
                None => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The caption of one region, broken into slides (at least one).
#[must_use]
pub fn pages(r: &RegionContent<'_>, faces: &Faces) -> Vec<Page> {
    let body = |face: Face, s: &str, w: f32| draw::wrap(font(faces, face), BODY_PX, s, w);
    let mut blocks = Vec::new();
    // Each paragraph of the note is a block of its own, so that none is broken badly.
    for para in paragraphs(&r.note) {
        blocks.push(Block {
            kind: Kind::Note,
            lines: body(Face::Regular, &para, WIDTH),
            gap: BODY_PX * LINE * 0.5,
        });
    }
    let mut section = None;
    for p in &r.passages {
        // Passages of one section in a row share its heading.
        let same = p.found && section.is_some() && section == Some(&p.section);
        if !same {
            blocks.push(Block {
                kind: Kind::Heading,
                lines: body(Face::Bold, &passage_heading(p), WIDTH),
                gap: BLOCK_GAP,
            });
        }
        section = p.found.then_some(&p.section);
        if !p.text.trim().is_empty() {
            blocks.push(Block {
                kind: Kind::Passage,
                lines: body(Face::Oblique, &p.text, WIDTH - PASSAGE_X),
                gap: if same { BLOCK_GAP } else { HEAD_GAP },
            });
        }
    }
    if let Some(first) = blocks.first_mut() {
        first.gap = 0.0;
    }

    let lh = BODY_PX * LINE;
    let mut flow = Flow {
        pages: Vec::new(),
        page: Vec::new(),
        top: 0.0,
        y: 0.0,
    };
    flow.open(r, faces, false);
    for (b, block) in blocks.iter().enumerate() {
        // A heading keeps the first lines of its passage with it (two, or all when fewer).
        let keep = match blocks.get(b + 1) {
            Some(next) if block.kind == Kind::Heading && next.kind == Kind::Passage => {
                // The passage's first chunk: all of it up to three lines (three cannot be
                // split without leaving one alone), else two.
                let n = next.lines.len();
                if n <= 3 { n } else { 2 }
            }
            _ => 0,
        };
        let mut i = 0;
        // Blank lines at the top of a page are dropped.
        let skip_blank = |flow: &Flow, i: &mut usize| {
            while flow.at_top() && block.lines.get(*i).is_some_and(|l| l.trim().is_empty()) {
                *i += 1;
            }
        };
        if !flow.at_top() {
            flow.y += block.gap;
        }
        while i < block.lines.len() {
            skip_blank(&flow, &mut i);
            if i >= block.lines.len() {
                break;
            }
            let left = block.lines.len() - i;
            let room = flow.room(lh);
            let mut take = left.min(room);
            if take < left {
                // None carried alone to the next page, none left alone at this one's foot.
                if left - take == 1 {
                    take = take.saturating_sub(1);
                }
                if take == 1 {
                    take = 0;
                }
            } else if keep > 0
                && flow.y + (left + keep) as f32 * lh + HEAD_GAP - (lh - BODY_PX) > HEIGHT
            {
                take = 0;
            }
            if take == 0 {
                if flow.at_top() {
                    // A page too small for the rule: set what fits rather than loop.
                    take = room.max(1).min(left);
                } else {
                    flow.open(r, faces, true);
                    continue;
                }
            }
            let top = flow.y;
            for line in &block.lines[i..i + take] {
                flow.page.push(Mark::Text {
                    face: block.face(),
                    px: BODY_PX,
                    x: block.x(),
                    y: flow.y,
                    colour: block.colour(),
                    text: line.clone(),
                });
                flow.y += lh;
            }
            if block.kind == Kind::Passage {
                flow.page.push(Mark::Bar {
                    x: 0.0,
                    y: top + 0.12 * BODY_PX,
                    w: BAR_W,
                    h: flow.y - top - 0.3 * BODY_PX,
                    colour: r.colour,
                });
            }
            i += take;
            if i < block.lines.len() {
                flow.open(r, faces, true);
            }
        }
    }
    flow.close();
    // A caption runs to a bounded number of slides; the handout has the rest.
    if flow.pages.len() > MAX_PAGES {
        flow.pages.truncate(MAX_PAGES);
        if let Some(last) = flow.pages.last_mut()
            && let Some(at) = last
                .marks
                .iter()
                .rposition(|m| matches!(m, Mark::Text { px, .. } if *px == BODY_PX))
        {
            let was_passage = matches!(
                last.marks[at],
                Mark::Text {
                    face: Face::Oblique,
                    ..
                }
            );
            if let Mark::Text {
                face,
                colour,
                text,
                x,
                ..
            } = &mut last.marks[at]
            {
                *face = Face::Regular;
                *colour = MUTED;
                *x = 0.0;
                *text = MORE.to_string();
            }
            // Its passage's bar stops above it.
            if was_passage && let Some(Mark::Bar { h, .. }) = last.marks.get_mut(at + 1) {
                *h -= lh;
            }
            last.marks
                .retain(|m| !matches!(m, Mark::Bar { h, .. } if *h <= 0.0));
        }
    }
    let n = flow.pages.len();
    for (i, p) in flow.pages.iter_mut().enumerate() {
        p.continues = i + 1 < n;
    }
    flow.pages
}

/// The pages made so far and the one being filled.
struct Flow {
    pages: Vec<Page>,
    page: Vec<Mark>,
    /// Where the text starts on the current page.
    top: f32,
    y: f32,
}

impl Flow {
    fn at_top(&self) -> bool {
        self.y <= self.top
    }

    /// How many body lines still fit on the page.
    fn room(&self, lh: f32) -> usize {
        let left = HEIGHT - self.y;
        if left < BODY_PX {
            0
        } else {
            ((left - BODY_PX) / lh).floor() as usize + 1
        }
    }

    fn close(&mut self) {
        if !self.page.is_empty() {
            let continued = !self.pages.is_empty();
            self.pages.push(Page {
                marks: std::mem::take(&mut self.page),
                continued,
                continues: false,
            });
        }
    }

    /// Starts a page with the region's badge and label (and on the first, its tags).
    fn open(&mut self, r: &RegionContent<'_>, faces: &Faces, continued: bool) {
        self.close();
        let c = BADGE_R + 4.0;
        self.page.push(Mark::Badge {
            cx: c,
            cy: c,
            r: BADGE_R,
            colour: r.colour,
            number: r.region.id,
        });
        let lx = 2.0 * BADGE_R + 28.0;
        let lw = WIDTH - lx;
        let label = if continued {
            // Two lines at most, the last ending "(cont.)".
            let more = " (cont.)";
            let whole = draw::wrap(&faces.bold, LABEL_PX, &format!("{}{more}", r.label), lw);
            if whole.len() <= 2 {
                whole
            } else {
                let room = lw - draw::text_width(&faces.bold, LABEL_PX, more);
                let mut lines = draw::wrap_limited(&faces.bold, LABEL_PX, &r.label, lw, 2);
                if let Some(last) = lines.last_mut() {
                    *last = format!(
                        "{}{more}",
                        draw::ellipsize(&faces.bold, LABEL_PX, last, room)
                    );
                }
                lines
            }
        } else {
            draw::wrap_limited(&faces.bold, LABEL_PX, &r.label, lw, 3)
        };
        // A one-line label sits centred on the badge; more lines run down from its top.
        let mut y = if label.len() <= 1 {
            c - LABEL_PX * 0.62
        } else {
            0.0
        };
        for line in label {
            self.page.push(Mark::Text {
                face: Face::Bold,
                px: LABEL_PX,
                x: lx,
                y,
                colour: TEXT,
                text: line,
            });
            y += LABEL_PX * 1.15;
        }
        y = y.max(2.0 * BADGE_R + 16.0);
        if !continued && !r.tags.is_empty() {
            for line in draw::wrap(&faces.regular, BODY_PX, &r.tags, WIDTH) {
                self.page.push(Mark::Text {
                    face: Face::Regular,
                    px: BODY_PX,
                    x: 0.0,
                    y: y + 4.0,
                    colour: MUTED,
                    text: line,
                });
                y += BODY_PX * LINE;
            }
            y += 4.0;
        }
        y += 20.0;
        self.top = y;
        self.y = y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::content::LinkedPassage;
    use crate::project::RegionNote;

    fn region(id: u32) -> RegionNote {
        RegionNote {
            id,
            ..RegionNote::default()
        }
    }

    fn content<'a>(region: &'a RegionNote, note: &str, passages: &[&str]) -> RegionContent<'a> {
        RegionContent {
            region,
            colour: [200, 60, 40],
            label: "Trotsky".to_string(),
            note: note.to_string(),
            tags: "Person removed".to_string(),
            passages: passages
                .iter()
                .enumerate()
                .map(|(i, t)| LinkedPassage {
                    anchor: format!("p{i}"),
                    section: Some(format!("Section {i}")),
                    text: (*t).to_string(),
                    found: true,
                })
                .collect(),
        }
    }

    fn words(pages: &[Page]) -> Vec<String> {
        pages
            .iter()
            .flat_map(|p| {
                // The label line(s) at the top of each page are not part of the flow.
                p.marks.iter().filter_map(|m| match m {
                    Mark::Text { px, text, .. } if *px == BODY_PX => Some(text.clone()),
                    _ => None,
                })
            })
            .flat_map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .collect()
    }

    #[test]
    fn a_note_of_the_longest_kind_stops_at_the_page_limit() {
        let r = region(4);
        let note = "word ".repeat(4000);
        let p = pages(&content(&r, &note, &[]), &Faces::bundled());
        assert_eq!(p.len(), MAX_PAGES);
        assert_eq!(p.last().and_then(|p| p.lines().last().copied()), Some(MORE));
        assert!(!p[MAX_PAGES - 1].continues);
    }

    #[test]
    fn list_items_become_bullets() {
        assert_eq!(
            paragraphs("Intro.\n\n- one\n* two\nthree - four"),
            vec![
                "Intro.".to_string(),
                "• one\n• two\nthree - four".to_string()
            ]
        );
    }

    #[test]
    fn a_short_note_fits_on_one_slide() {
        let r = region(1);
        let c = content(&r, "Trotsky stood on the steps.", &["The histories."]);
        let p = pages(&c, &Faces::bundled());
        assert_eq!(p.len(), 1);
        assert!(!p[0].continued && !p[0].continues);
    }

    #[test]
    fn a_long_note_and_every_passage_continue_without_losing_a_word() {
        let r = region(2);
        let note = (0..300)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let passages = ["first passage text here", "second passage, also shown"];
        let c = content(&r, &note, &passages);
        let p = pages(&c, &Faces::bundled());
        assert!(p.len() >= 3, "{}", p.len());
        assert!(p[1..].iter().all(|p| p.continued));
        assert!(p[..p.len() - 1].iter().all(|p| p.continues));
        assert!(p[1].lines()[0].ends_with("(cont.)"), "{:?}", p[1].lines());
        let mut want: Vec<String> = vec!["Person".into(), "removed".into()];
        want.extend(note.split_whitespace().map(str::to_string));
        for (i, t) in passages.iter().enumerate() {
            want.extend(
                format!("From the essay — Section {i} {t}")
                    .split_whitespace()
                    .map(str::to_string),
            );
        }
        assert_eq!(words(&p), want);
        // Every line stays inside the column.
        for page in &p {
            for m in &page.marks {
                if let Mark::Text { y, px, .. } = m {
                    assert!(*y + *px <= HEIGHT + 0.5, "{y}");
                }
            }
        }
    }

    #[test]
    fn no_line_is_left_alone_and_a_heading_keeps_its_passage() {
        let r = region(3);
        let faces = Faces::bundled();
        // Notes of every length from one line to three pages: at every page break inside a
        // paragraph its lines on each side number at least two, and a heading is never last.
        for n in (10..400).step_by(7) {
            // Two paragraphs, told apart by their words' first letters.
            let words = |c: char, k: usize| {
                (0..k)
                    .map(|i| format!("{c}{i}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let note = format!("{}\n\n{}", words('n', n), words('m', 40 + n % 23));
            // Passages of two to six lines and a long one.
            for k in (10..=40).step_by(3).chain([60]) {
                let long = (0..k)
                    .map(|i| format!("p{i}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                let c = content(&r, &note, &[long.as_str()]);
                let p = pages(&c, &faces);
                for page in &p {
                    let body: Vec<(Colour, &str)> = page
                        .marks
                        .iter()
                        .filter_map(|m| match m {
                            Mark::Text {
                                px, colour, text, ..
                            } if *px == BODY_PX && *colour != MUTED || text.starts_with("From") => {
                                Some((*colour, text.as_str()))
                            }
                            _ => None,
                        })
                        .collect();
                    let Some(last) = body.last() else { continue };
                    assert!(
                        !last.1.starts_with("From the essay"),
                        "a heading ends a page at n = {n}"
                    );
                }
                // At every break inside a paragraph, two lines or more on each side.
                let tagged = |page: &Page| -> Vec<char> {
                    page.marks
                        .iter()
                        .filter_map(|m| match m {
                            Mark::Text {
                                colour, px, text, ..
                            } if *px == BODY_PX && *colour == TEXT => text.chars().next(),
                            _ => None,
                        })
                        .collect()
                };
                for w in p.windows(2) {
                    let (a, b) = (tagged(&w[0]), tagged(&w[1]));
                    let (Some(last), Some(first)) = (a.last(), b.first()) else {
                        continue;
                    };
                    if last != first {
                        continue;
                    }
                    let tail = a.iter().rev().take_while(|c| *c == last).count();
                    let head = b.iter().take_while(|c| *c == first).count();
                    assert!(tail >= 2 && head >= 2, "n = {n}: {tail} | {head}");
                }
            }
        }
    }
}
