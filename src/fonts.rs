//! Fonts for drawing text into exported images: bundled open fonts, parsed once.

use ab_glyph::FontRef;

/// The sans-serif face used for labels and captions (Ubuntu Light, Ubuntu Font Licence 1.0,
/// shipped with egui).
///
/// # Panics
/// Never in practice: the font bytes are compiled in and known to parse (checked by a test).
#[must_use]
pub fn sans() -> FontRef<'static> {
    #[expect(clippy::expect_used, reason = "compiled-in font, parse checked by a unit test")]
    FontRef::try_from_slice(epaint_default_fonts::UBUNTU_LIGHT).expect("bundled font parses")
}

#[cfg(test)]
mod tests {
    #[test]
    fn bundled_font_parses() {
        let _ = super::sans();
    }
}
