//! The words on the presentation screen: the faces, the caption beside the photograph (number,
//! label, tags, note, every linked essay passage, broken into pages by
//! [`crate::export::caption`]) and the header and footer lines, placed and sized as on the
//! exported slides ([`SlideLayout`]) so the type scales with the window.
//!
//! The slides' DejaVu faces are added to egui under their own family names, leaving the rest of
//! the app's type alone. This module lays out and paints text; it decides nothing about what a
//! region says (that is [`crate::export::content`]).

use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{Color32, FontFamily, FontId, Galley, Painter, Pos2, Rect, pos2, vec2};

use crate::export::caption;
use crate::export::slides::{self, SlideLayout};

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

/// An egui font size (em, in points) for a slide type size (the face's pixel height, as the
/// slides give it).
#[must_use]
pub fn em(px: f32) -> f32 {
    px * caption::EM_PER_PX
}

/// The header (project title left, the counter right) and the footer (credits, on up to three
/// lines as on the slides) of a region view.
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
        faces.font(Face::Regular, em(l.meta_px)),
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
        faces.font(Face::Regular, em(l.meta_px)),
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
    let (px, lines) = slides::credit_lines(l, &crate::fonts::sans(), credits);
    for (i, line) in lines.into_iter().enumerate() {
        painter.text(
            origin + vec2(m, l.footer_y + i as f32 * px * 1.15),
            egui::Align2::LEFT_TOP,
            line,
            faces.font(Face::Regular, em(px)),
            colours::muted(),
        );
    }
}

/// Paints one page of a region's caption ([`caption::pages`]) in the caption panel: the same
/// lines, at the same places and sizes, as on the exported slide.
pub fn caption(
    painter: &Painter,
    faces: &Faces,
    l: &SlideLayout,
    origin: Pos2,
    page: &caption::Page,
) {
    let u = l.u;
    let o = origin + vec2(l.caption_panel.x, l.caption_panel.y);
    let c = |v: [u8; 3]| Color32::from_rgb(v[0], v[1], v[2]);
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
                let face = match face {
                    caption::Face::Regular => Face::Regular,
                    caption::Face::Bold => Face::Bold,
                    caption::Face::Oblique => Face::Oblique,
                };
                painter.text(
                    o + vec2(x * u, y * u),
                    egui::Align2::LEFT_TOP,
                    text,
                    faces.font(face, em(px * u)),
                    c(*colour),
                );
            }
            caption::Mark::Bar { x, y, w, h, colour } => {
                painter.rect_filled(
                    Rect::from_min_size(o + vec2(x * u, y * u), vec2(w * u, h * u)),
                    0.0,
                    c(*colour),
                );
            }
            caption::Mark::Badge {
                cx,
                cy,
                r,
                colour,
                number,
            } => super::photo::badge(
                painter,
                o + vec2(cx * u, cy * u),
                r * u,
                c(*colour),
                *number,
                faces.family(Face::Bold),
            ),
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

/// The smallest caption type on screen, as an em size over the screen height (for tests and
/// the documentation's promise of 24 pt on a 7.5 in slide, 4.4 %).
#[must_use]
pub fn smallest_caption_fraction(height: f32) -> f32 {
    let l = SlideLayout::for_size(height * 16.0 / 9.0, height);
    em(caption::BODY_PX.min(caption::LABEL_PX) * l.u) / height
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::slides;

    #[test]
    fn captions_stay_above_24_points_at_any_size() {
        for h in [480.0, 768.0, 1080.0, 2160.0] {
            assert!(smallest_caption_fraction(h) >= 0.044, "{h}");
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
