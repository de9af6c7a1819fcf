//! Colours the panels and views share.

use egui::Color32;

/// The outline colour of region `id` (Okabe–Ito palette, colour-blind safe).
#[must_use]
pub fn region_colour(id: u32) -> Color32 {
    let p = crate::report::PALETTE;
    let c = p[(id as usize).saturating_sub(1) % p.len()];
    Color32::from_rgb(c[0], c[1], c[2])
}
