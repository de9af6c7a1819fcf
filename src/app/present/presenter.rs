//! The presenter view: a second window, on the teacher's laptop, while the main window shows
//! the slide on the projector. It shows where the talk is (slide n of m), the current and the
//! next region (each zoomed, outlined and labelled), the current region's whole note and every
//! essay passage it links to, and a timer. Its buttons and keys send the same
//! [`Action`]s as the projected screen, so stepping in either window moves both.
//!
//! It opens as a native window (an egui immediate viewport) where the backend has them, and as
//! a window inside the main one where it has not (egui embeds it; a headless test harness
//! does). Only in a native window does it read keys of its own: embedded, the keys are the main
//! window's and are read there once.

use egui::{Color32, RichText, Sense, Ui, ViewportBuilder, ViewportClass, ViewportId, vec2};

use super::super::command::{Command, PresentAction as Action};
use super::photo::{self, Framing, Photo};
use crate::export::caption::passage_heading;
use crate::export::content::RegionContent;
use crate::export::slides::{Deck, Slide};

/// The presenter window's title (also its name for assistive technology and tests).
pub const TITLE: &str = "Presenter view";

/// What the presenter view shows this frame.
pub struct Show<'a, 'd> {
    /// The deck being presented.
    pub deck: &'a Deck<'d>,
    /// The step on the projector (0 the title).
    pub step: usize,
    /// The photograph, once loaded.
    pub photo: Option<&'a Photo<'a>>,
    /// Seconds since the presentation began.
    pub elapsed: f64,
    /// Whether the projector is blanked.
    pub blank: bool,
    /// Whether the original is revealed on the projector.
    pub revealed: bool,
}

/// The timer's reading: "m:ss", or "h:mm:ss" past the hour.
#[must_use]
pub fn clock(secs: f64) -> String {
    let s = secs.max(0.0) as u64;
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// What a step shows, in words: "Title", "Region 2 · Trotsky", "Region 2 · Trotsky (cont.)".
#[must_use]
pub fn step_name(deck: &Deck<'_>, step: usize) -> String {
    match deck.slides.get(step) {
        Some(Slide::Title) => "Title".to_owned(),
        Some(Slide::Region { region, page }) => {
            let Some(r) = deck.regions.get(*region) else {
                return String::new();
            };
            let cont = if *page > 0 { " (cont.)" } else { "" };
            format!("Region {} · {}{cont}", r.region.id, r.label)
        }
        None => "End of the presentation".to_owned(),
    }
}

/// Shows the presenter view for this frame and collects what the presenter asked for.
pub fn show(ctx: &egui::Context, s: &Show<'_, '_>, commands: &mut Vec<Command>) {
    let builder = ViewportBuilder::default()
        .with_title(format!("Palimpsest — {TITLE}"))
        .with_inner_size([1100.0, 720.0])
        .with_min_inner_size([640.0, 420.0]);
    ctx.show_viewport_immediate(ViewportId::from_hash_of(TITLE), builder, |ui, class| {
        if class != ViewportClass::EmbeddedWindow {
            commands.extend(
                super::read_keys(ui.ctx(), s.blank)
                    .into_iter()
                    .map(Command::Present),
            );
            if ui.ctx().input(|i| i.viewport().close_requested()) {
                commands.push(Command::Present(Action::ClosePresenter));
            }
            egui::CentralPanel::default().show(ui, |ui| body(ui, s, commands));
        } else {
            body(ui, s, commands);
        }
    });
}

fn body(ui: &mut Ui, s: &Show<'_, '_>, commands: &mut Vec<Command>) {
    let last = s.deck.len().saturating_sub(1);
    ui.horizontal(|ui| {
        ui.heading(format!("Slide {} of {}", s.step + 1, s.deck.len()));
        ui.label(RichText::new(step_name(s.deck, s.step)).strong());
        if s.blank {
            ui.label(RichText::new("Screen blanked").color(ui.visuals().warn_fg_color));
        }
        if s.revealed {
            ui.label("Showing the original");
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(RichText::new(clock(s.elapsed)).monospace().size(28.0))
                .on_hover_text("Time since the presentation began");
        });
    });
    ui.horizontal(|ui| {
        let mut button = |ui: &mut Ui, text: &str, hint: &str, action: Action, on: bool| {
            if ui
                .add_enabled(on, egui::Button::new(text))
                .on_hover_text(hint)
                .clicked()
            {
                commands.push(Command::Present(action));
            }
        };
        button(
            ui,
            "◀ Previous",
            "← or Backspace",
            Action::Previous,
            s.step > 0,
        );
        button(ui, "Next ▶", "→ or Space", Action::Next, s.step < last);
        button(ui, "Reveal", "R", Action::ToggleReveal, s.step > 0);
        button(ui, "Blank", "B", Action::ToggleBlank, true);
        button(ui, "Leave", "Esc", Action::Leave, true);
    });
    ui.separator();

    let current = s.deck.region_page(s.step).map(|(r, _, _)| r);
    // The next step that shows another region, or the end.
    let next = (s.step + 1..s.deck.len())
        .find_map(|i| s.deck.region_page(i).map(|(r, _, _)| (i, r)))
        .filter(|(_, r)| current.is_none_or(|c| c.region.id != r.region.id));
    let pic_h = (ui.available_height() * 0.42).clamp(120.0, 320.0);
    ui.columns(2, |cols| {
        cols[0].label(RichText::new("Now").small().weak());
        match current {
            Some(r) => region_card(&mut cols[0], s.photo, r, pic_h),
            None => {
                cols[0].label(RichText::new("The title slide").strong());
            }
        }
        cols[1].label(RichText::new("Next").small().weak());
        match next {
            Some((i, r)) => {
                region_card(&mut cols[1], s.photo, r, pic_h * 0.75);
                cols[1].label(RichText::new(format!("Slide {}", i + 1)).weak());
            }
            None if s.step < last => {
                cols[1].label(step_name(s.deck, s.step + 1));
            }
            None => {
                cols[1].label(RichText::new("End of the presentation").strong());
            }
        }
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| match current {
            Some(r) => notes(ui, r),
            None => {
                ui.label(format!(
                    "{} in this presentation.",
                    crate::export::content::count_regions(s.deck.regions.len())
                ));
            }
        });
}

/// A region zoomed and outlined, with its number and label.
fn region_card(ui: &mut Ui, photo: Option<&Photo<'_>>, r: &RegionContent<'_>, h: f32) {
    let colour = Color32::from_rgb(r.colour[0], r.colour[1], r.colour[2]);
    ui.label(
        RichText::new(format!("{} · {}", r.region.id, r.label))
            .strong()
            .color(colour),
    );
    let w = ui.available_width();
    let (rect, _) = ui.allocate_exact_size(vec2(w, h), Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, super::text::colours::panel());
    if let Some(photo) = photo {
        let shot = photo::region_shot(&r.region.bbox, photo.size(), rect);
        let framing = Framing {
            panel: rect,
            view: shot.view,
        };
        photo.paint(&painter, framing, 0.0);
        let pts = r
            .region
            .polygon
            .iter()
            .map(|p| framing.screen_px(*p))
            .collect();
        photo::outline(&painter, pts, 2.5, colour);
    }
}

/// The region's whole note, its tags and every linked passage.
fn notes(ui: &mut Ui, r: &RegionContent<'_>) {
    if !r.tags.is_empty() {
        ui.label(RichText::new(&r.tags).weak());
    }
    if r.note.trim().is_empty() {
        ui.label(RichText::new("No note.").weak());
    } else {
        ui.label(RichText::new(crate::export::caption::bulleted(&r.note)).size(17.0));
    }
    for p in &r.passages {
        ui.add_space(8.0);
        ui.label(RichText::new(passage_heading(p)).strong());
        if !p.text.trim().is_empty() {
            ui.label(RichText::new(&p.text).italics());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_reads_minutes_and_hours() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(65.4), "1:05");
        assert_eq!(clock(3725.0), "1:02:05");
        assert_eq!(clock(-3.0), "0:00");
    }
}
