//! The words on the presentation screen: the faces, the caption beside the photograph (number,
//! label, tags, note, the linked essay passage) and the header and footer lines, placed and
//! sized as on the exported slides ([`SlideLayout`]) so the type scales with the window.
//!
//! The slides' DejaVu faces are added to egui under their own family names, leaving the rest of
//! the app's type alone. This module lays out and paints text; it decides nothing about what a
//! region says (that is [`crate::export::content`]).

use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{Color32, FontFamily, FontId, Galley, Painter, Pos2, Rect, pos2, vec2};

use crate::export::content::RegionContent;
use crate::export::slides::SlideLayout;

/// The three faces the presentation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    /// Body text.
    Regular,
    /// Titles, labels and numbers.
    Bold,
    /// Quoted essay passages.
    Oblique,
}

impl Face {
    const ALL: [Face; 3] = [Face::Regular, Face::Bold, Face::Oblique];

    fn name(self) -> &'static str {
        match self {
            Face::Regular => "palimpsest-present-regular",
            Face::Bold => "palimpsest-present-bold",
            Face::Oblique => "palimpsest-present-oblique",
        }
    }

    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => crate::fonts::sans_bytes(),
            Face::Bold => crate::fonts::sans_bold_bytes(),
            Face::Oblique => crate::fonts::sans_oblique_bytes(),
        }
    }
}

/// Adds the presentation faces to egui (once; they take effect from the next frame).
pub fn install_fonts(ctx: &egui::Context) {
    for face in Face::ALL {
        ctx.add_font(egui::epaint::text::FontInsert::new(
            face.name(),
            egui::FontData::from_static(face.bytes()),
            vec![egui::epaint::text::InsertFontFamily {
                family: FontFamily::Name(face.name().into()),
                priority: egui::epaint::text::FontPriority::Highest,
            }],
        ));
    }
}

/// The font families to draw with: the DejaVu faces once installed, egui's own before that.
#[derive(Clone, Debug)]
pub struct Faces {
    regular: FontFamily,
    bold: FontFamily,
    oblique: FontFamily,
}

impl Faces {
    /// The faces available in `ctx` this frame.
    #[must_use]
    pub fn available(ctx: &egui::Context) -> Self {
        let pick = |face: Face| {
            let family = FontFamily::Name(face.name().into());
            let ok = ctx.fonts(|f| f.definitions().families.contains_key(&family));
            if ok { family } else { FontFamily::Proportional }
        };
        Self {
            regular: pick(Face::Regular),
            bold: pick(Face::Bold),
            oblique: pick(Face::Oblique),
        }
    }

    /// Whether the DejaVu faces are in use (egui's own stand in until they are installed).
    #[must_use]
    pub fn installed(&self) -> bool {
        self.regular != FontFamily::Proportional
            && self.bold != FontFamily::Proportional
            && self.oblique != FontFamily::Proportional
    }

    /// The family of a face.
    #[must_use]
    pub fn family(&self, face: Face) -> FontFamily {
        match face {
            Face::Regular => self.regular.clone(),
            Face::Bold => self.bold.clone(),
            Face::Oblique => self.oblique.clone(),
        }
    }

    /// A font of a face at a size in points.
    #[must_use]
    pub fn font(&self, face: Face, px: f32) -> FontId {
        FontId::new(px, self.family(face))
    }
}

/// The slides' colours on screen.
pub mod colours {
    use egui::Color32;

    use crate::export::slides;

    fn c(v: [u8; 3]) -> Color32 {
        Color32::from_rgb(v[0], v[1], v[2])
    }

    /// The dark surround.
    #[must_use]
    pub fn surround() -> Color32 {
        c(slides::SURROUND)
    }

    /// Behind the photograph.
    #[must_use]
    pub fn panel() -> Color32 {
        c(slides::PANEL)
    }

    /// Main text.
    #[must_use]
    pub fn text() -> Color32 {
        c(slides::TEXT)
    }

    /// Secondary text.
    #[must_use]
    pub fn muted() -> Color32 {
        c(slides::MUTED)
    }

    /// Quoted essay passages.
    #[must_use]
    pub fn passage() -> Color32 {
        c(slides::PASSAGE)
    }
}

/// Lays out `text` in `font`, wrapped at `width`, at most `max_rows` rows (an ellipsis marks a
/// cut), with lines `spacing` × the size apart, each row aligned by `halign`.
#[must_use]
#[expect(
    clippy::too_many_arguments,
    reason = "one call builds one text block; each argument is one of its properties"
)]
pub fn layout(
    painter: &Painter,
    text: &str,
    font: FontId,
    colour: Color32,
    width: f32,
    max_rows: usize,
    spacing: f32,
    halign: egui::Align,
) -> Arc<Galley> {
    let px = font.size;
    let mut format = TextFormat::simple(font, colour);
    format.line_height = Some(px * spacing);
    let mut job = LayoutJob::single_section(text.to_owned(), format);
    job.halign = halign;
    job.wrap = TextWrapping {
        max_width: width.max(1.0),
        max_rows,
        break_anywhere: max_rows == 1,
        overflow_character: Some('…'),
    };
    painter.layout_job(job)
}

/// The header (project title left, "index / count" right) and the footer (credits) of a region
/// view.
pub fn header_footer(
    painter: &Painter,
    faces: &Faces,
    l: &SlideLayout,
    origin: Pos2,
    title: &str,
    counter: &str,
    credits: &str,
) {
    let u = l.u;
    let m = 48.0 * u;
    let counter_g = layout(
        painter,
        counter,
        faces.font(Face::Regular, l.meta_px),
        colours::muted(),
        f32::INFINITY,
        1,
        1.2,
        egui::Align::Min,
    );
    let title_w = l.width - 2.0 * m - counter_g.size().x - 40.0 * u;
    let title_g = layout(
        painter,
        title,
        faces.font(Face::Regular, l.meta_px),
        colours::muted(),
        title_w,
        1,
        1.2,
        egui::Align::Min,
    );
    painter.galley(origin + vec2(m, l.header_y), title_g, colours::muted());
    painter.galley(
        origin + vec2(l.width - m - counter_g.size().x, l.header_y),
        counter_g,
        colours::muted(),
    );
    let credits_g = layout(
        painter,
        credits,
        faces.font(Face::Regular, l.credit_px),
        colours::muted(),
        l.width - 2.0 * m,
        1,
        1.2,
        egui::Align::Min,
    );
    painter.galley(origin + vec2(m, l.footer_y), credits_g, colours::muted());
}

/// The caption panel's text for one region, above `bottom` (screen y): number, label, tags,
/// note, then the first linked essay passage beside a bar in the region's colour. Note and
/// passage shrink together to no less than 88 % of their size (every line stays above 3 % of
/// the screen height), then are cut with an ellipsis, as on the slides.
pub fn caption(
    painter: &Painter,
    faces: &Faces,
    l: &SlideLayout,
    origin: Pos2,
    r: &RegionContent<'_>,
    bottom: f32,
) {
    let u = l.u;
    let cp = l.caption_panel;
    let (cx, cy, cw) = (origin.x + cp.x, origin.y + cp.y, cp.w);
    let colour = Color32::from_rgb(r.colour[0], r.colour[1], r.colour[2]);
    super::photo::badge(
        painter,
        pos2(cx + l.badge_r + 4.0 * u, cy + l.badge_r + 4.0 * u),
        l.badge_r,
        colour,
        r.region.id,
        faces.family(Face::Bold),
    );
    let lx = cx + 2.0 * l.badge_r + 28.0 * u;
    let label = layout(
        painter,
        &r.label,
        faces.font(Face::Bold, l.label_px),
        colours::text(),
        cx + cw - lx,
        3,
        1.15,
        egui::Align::Min,
    );
    let one_row = label.rows.len() <= 1;
    let label_y = if one_row {
        // Centre a one-line label on the badge.
        cy + 4.0 * u + l.badge_r - label.size().y / 2.0
    } else {
        cy
    };
    let mut y = label_y + label.size().y;
    painter.galley(pos2(lx, label_y), label, colours::text());
    y = y.max(cy + 2.0 * l.badge_r + 16.0 * u);
    if !r.tags.is_empty() {
        let tags = layout(
            painter,
            &r.tags,
            faces.font(Face::Regular, l.tags_px),
            colours::muted(),
            cw,
            1,
            1.3,
            egui::Align::Min,
        );
        y += 4.0 * u;
        let h = tags.size().y;
        painter.galley(pos2(cx, y), tags, colours::muted());
        y += h;
    }
    y += 20.0 * u;

    let passage = r.passages.first();
    let head = passage.map(|p| match (&p.section, p.found) {
        (Some(s), true) => format!("From the essay — {s}"),
        _ => format!("Essay passage not found: {}", p.anchor),
    });
    let passage_text = passage.map(|p| p.text.clone()).unwrap_or_default();
    let bar = 6.0 * u;
    let pass_x = cx + bar + 18.0 * u;
    let pass_w = cx + cw - pass_x;
    let avail = bottom - y;
    let head_px = 33.0 * u;
    let gap_note = 28.0 * u;
    let gap_head = 10.0 * u;

    let build = |scale: f32, note_rows: usize, pass_rows: usize| {
        let note = layout(
            painter,
            &r.note,
            faces.font(Face::Regular, l.note_px * scale),
            colours::text(),
            cw,
            note_rows,
            1.3,
            egui::Align::Min,
        );
        let head = head.as_ref().map(|h| {
            layout(
                painter,
                h,
                faces.font(Face::Bold, head_px),
                colours::muted(),
                cw,
                2,
                1.3,
                egui::Align::Min,
            )
        });
        let pass = layout(
            painter,
            &passage_text,
            faces.font(Face::Oblique, l.passage_px * scale),
            colours::passage(),
            pass_w,
            pass_rows,
            1.3,
            egui::Align::Min,
        );
        (note, head, pass)
    };
    let height = |note: &Galley, head: Option<&Arc<Galley>>, pass: &Galley| {
        let mut h = 0.0;
        if !r.note.is_empty() {
            h += note.size().y + gap_note;
        }
        if let Some(head) = head {
            h += head.size().y + gap_head;
            if !passage_text.is_empty() {
                h += pass.size().y;
            }
        }
        h
    };
    let mut chosen = None;
    for step in 0..=4 {
        let scale = 1.0 - 0.03 * step as f32;
        let (note, head, pass) = build(scale, usize::MAX, usize::MAX);
        if height(&note, head.as_ref(), &pass) <= avail {
            chosen = Some((note, head, pass));
            break;
        }
    }
    let (note, head, pass) = chosen.unwrap_or_else(|| {
        // Give the passage what it needs up to three lines, the note the rest, then cut.
        let scale = 0.88;
        let note_lh = l.note_px * scale * 1.3;
        let pass_lh = l.passage_px * scale * 1.3;
        let (_, head, full_pass) = build(scale, usize::MAX, usize::MAX);
        let head_h = head.as_ref().map_or(0.0, |h| h.size().y + gap_head);
        let pass_keep = if passage_text.is_empty() || head.is_none() {
            0.0
        } else {
            full_pass.size().y.min(3.0 * pass_lh)
        };
        let note_rows = ((avail - head_h - pass_keep - gap_note) / note_lh)
            .floor()
            .max(2.0) as usize;
        let (note, _, _) = build(scale, note_rows, 1);
        let note_h = if r.note.is_empty() {
            0.0
        } else {
            note.size().y + gap_note
        };
        let pass_rows = ((avail - note_h - head_h) / pass_lh).floor().max(1.0) as usize;
        let (_, _, pass) = build(scale, note_rows, pass_rows);
        (note, head, pass)
    });
    if !r.note.is_empty() {
        let h = note.size().y;
        painter.galley(pos2(cx, y), note, colours::text());
        y += h + gap_note;
    }
    if let Some(head) = head {
        let h = head.size().y;
        painter.galley(pos2(cx, y), head, colours::muted());
        y += h + gap_head;
        if !passage_text.is_empty() {
            let h = pass.size().y.min((bottom - y).max(0.0));
            painter.galley(pos2(pass_x, y), pass, colours::passage());
            painter.rect_filled(
                Rect::from_min_size(pos2(cx, y + 4.0 * u), vec2(bar, (h - 8.0 * u).max(bar))),
                0.0,
                colour,
            );
        }
    }
}

/// A line of text centred on `x` with its top at `y`; returns its height.
pub fn centred(painter: &Painter, x: f32, y: f32, galley: Arc<Galley>, colour: Color32) -> f32 {
    let size = galley.size();
    // Rows of a centred layout are placed about x = 0.
    painter.galley(pos2(x, y), galley, colour);
    size.y
}

/// The smallest caption type on screen as a fraction of the screen height (for tests and the
/// documentation's promise of at least 3 %).
#[must_use]
pub fn smallest_caption_fraction(height: f32) -> f32 {
    let l = SlideLayout::for_size(height * 16.0 / 9.0, height);
    let smallest = (l.note_px * 0.88)
        .min(l.passage_px * 0.88)
        .min(l.tags_px)
        .min(l.label_px);
    smallest / height
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::slides;

    #[test]
    fn captions_stay_above_three_percent_at_any_size() {
        for h in [480.0, 768.0, 1080.0, 2160.0] {
            assert!(smallest_caption_fraction(h) >= 0.03, "{h}");
        }
    }

    #[test]
    fn slide_colours_come_through() {
        assert_eq!(colours::surround(), {
            let s = slides::SURROUND;
            Color32::from_rgb(s[0], s[1], s[2])
        });
    }
}
