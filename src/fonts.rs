//! Fonts for drawing text into exported images and PDF handouts: the bundled DejaVu Sans
//! family (Bitstream Vera licence with DejaVu changes in the public domain; the licence text is
//! in `assets/fonts/LICENSE-DejaVu.txt`). Fonts are compiled in, so exports never depend on
//! what is installed on the machine. This module only hands out font bytes and parsed faces; it
//! does no layout.

use ab_glyph::FontRef;

/// The bytes of DejaVu Sans (regular), a TrueType font.
#[must_use]
pub fn sans_bytes() -> &'static [u8] {
    dejavu::sans::regular()
}

/// The bytes of DejaVu Sans Bold, a TrueType font.
#[must_use]
pub fn sans_bold_bytes() -> &'static [u8] {
    dejavu::sans::bold()
}

/// The bytes of DejaVu Sans Oblique, a TrueType font (used for quoted essay passages).
#[must_use]
pub fn sans_oblique_bytes() -> &'static [u8] {
    dejavu::sans::oblique()
}

fn parse(bytes: &'static [u8]) -> FontRef<'static> {
    #[expect(
        clippy::expect_used,
        reason = "compiled-in font, parse checked by a unit test"
    )]
    FontRef::try_from_slice(bytes).expect("bundled font parses")
}

/// The sans-serif face used for body text, notes and captions (DejaVu Sans).
///
/// # Panics
/// Never in practice: the font bytes are compiled in and known to parse (checked by a test).
#[must_use]
pub fn sans() -> FontRef<'static> {
    parse(sans_bytes())
}

/// The bold face used for titles, labels and numbers (DejaVu Sans Bold).
///
/// # Panics
/// Never in practice: the font bytes are compiled in and known to parse (checked by a test).
#[must_use]
pub fn sans_bold() -> FontRef<'static> {
    parse(sans_bold_bytes())
}

/// The oblique face used for quoted essay passages (DejaVu Sans Oblique).
///
/// # Panics
/// Never in practice: the font bytes are compiled in and known to parse (checked by a test).
#[must_use]
pub fn sans_oblique() -> FontRef<'static> {
    parse(sans_oblique_bytes())
}

#[cfg(test)]
mod tests {
    use ab_glyph::Font;

    #[test]
    fn bundled_fonts_parse_and_cover_the_text_we_draw() {
        for font in [super::sans(), super::sans_bold(), super::sans_oblique()] {
            for c in "AZaz09–—…·×“”‘’«»ÄéßčЛенинТроцкий".chars() {
                assert_ne!(font.glyph_id(c).0, 0, "no glyph for {c:?}");
            }
        }
    }
}
