//! Fonts for drawing text into exported images and PDF handouts: the bundled DejaVu Sans
//! family (Bitstream Vera licence with DejaVu changes in the public domain; the licence text is
//! in `assets/fonts/LICENSE-DejaVu.txt`) and, for the emoji DejaVu lacks, the monochrome Noto
//! Emoji that `epaint_default_fonts` ships (SIL Open Font License 1.1, in
//! `assets/fonts/LICENSE-NotoEmoji.txt`). Fonts are compiled in, so exports never depend on
//! what is installed on the machine. This module hands out font bytes and parsed faces, and
//! says which of the two fonts draws each character ([`fallback_runs`]); it does no layout.

use std::sync::LazyLock;

use ab_glyph::{Font as _, FontRef};

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

/// The bytes of DejaVu Sans Bold Oblique, a TrueType font (text both strong and emphasised).
#[must_use]
pub fn sans_bold_oblique_bytes() -> &'static [u8] {
    dejavu::sans::bold_oblique()
}

/// The bytes of Noto Emoji (monochrome outlines), a TrueType font: the fallback for emoji.
#[must_use]
pub fn emoji_bytes() -> &'static [u8] {
    epaint_default_fonts::NOTO_EMOJI_REGULAR
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

/// The bold oblique face (DejaVu Sans Bold Oblique).
///
/// # Panics
/// Never in practice: the font bytes are compiled in and known to parse (checked by a test).
#[must_use]
pub fn sans_bold_oblique() -> FontRef<'static> {
    parse(sans_bold_oblique_bytes())
}

static EMOJI: LazyLock<FontRef<'static>> = LazyLock::new(|| parse(emoji_bytes()));

/// The fallback face for emoji (Noto Emoji), parsed once.
///
/// # Panics
/// Never in practice: the font bytes are compiled in and known to parse (checked by a test).
#[must_use]
pub fn emoji() -> &'static FontRef<'static> {
    &EMOJI
}

/// Which bundled font draws a run of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// The face asked for.
    Primary,
    /// Noto Emoji, for characters the face lacks.
    Emoji,
}

/// Characters that draw nothing by themselves: variation selectors, joiners, tag characters
/// (as in flag sequences). Left out of a run whose font has no glyph for them, so they never
/// show as a box.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{E0000}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

/// `text` split into runs by the font that draws them: `primary` where it has a glyph, Noto
/// Emoji where only it has one, and `primary` (its missing-glyph box) where neither has. An
/// invisible character (a variation selector, a joiner) is kept only where the font of the run
/// it follows has it, and dropped elsewhere.
#[must_use]
pub fn fallback_runs(primary: &FontRef<'_>, text: &str) -> Vec<(Fallback, String)> {
    let emoji = emoji();
    let mut runs: Vec<(Fallback, String)> = Vec::new();
    for c in text.chars() {
        let prev = runs.last().map(|r| r.0);
        let which = if invisible(c) {
            // Kept only in a run whose font has it: it never starts a run or shows as a box.
            match prev {
                Some(Fallback::Primary) if primary.glyph_id(c).0 != 0 => Fallback::Primary,
                Some(Fallback::Emoji) if emoji.glyph_id(c).0 != 0 => Fallback::Emoji,
                _ => continue,
            }
        } else if primary.glyph_id(c).0 != 0 || emoji.glyph_id(c).0 == 0 {
            Fallback::Primary
        } else {
            Fallback::Emoji
        };
        match runs.last_mut() {
            Some((f, s)) if *f == which => s.push(c),
            _ => runs.push((which, c.to_string())),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use ab_glyph::Font;

    use super::Fallback;

    #[test]
    fn bundled_fonts_parse_and_cover_the_text_we_draw() {
        for font in [
            super::sans(),
            super::sans_bold(),
            super::sans_oblique(),
            super::sans_bold_oblique(),
        ] {
            for c in "AZaz09–—…·×“”‘’«»ÄéßčЛенинТроцкий".chars() {
                assert_ne!(font.glyph_id(c).0, 0, "no glyph for {c:?}");
            }
        }
    }

    #[test]
    fn emoji_fall_back_to_noto_emoji() {
        let sans = super::sans();
        for c in ['📷', '🚩', '👍', '🔥', '🎉'] {
            assert_eq!(sans.glyph_id(c).0, 0, "DejaVu has {c:?} after all");
            assert_ne!(super::emoji().glyph_id(c).0, 0, "Noto Emoji lacks {c:?}");
        }
        assert_eq!(
            super::fallback_runs(&sans, "Smile 📷 here"),
            vec![
                (Fallback::Primary, "Smile ".to_string()),
                (Fallback::Emoji, "📷".to_string()),
                (Fallback::Primary, " here".to_string()),
            ]
        );
        // A variation selector the emoji font lacks is dropped after an emoji.
        assert_eq!(
            super::fallback_runs(&sans, "🚩\u{FE0F} x"),
            vec![
                (Fallback::Emoji, "🚩".to_string()),
                (Fallback::Primary, " x".to_string())
            ]
        );
        // Nor does one start a run.
        let runs = super::fallback_runs(&sans, "\u{200D}ok");
        assert_eq!(runs, vec![(Fallback::Primary, "ok".to_string())]);
        assert_eq!(
            super::fallback_runs(&sans, "Ленин"),
            vec![(Fallback::Primary, "Ленин".to_string())]
        );
    }
}
