//! The essay a project accompanies: parsed from Markdown into a flat list of passages
//! (headings, paragraphs, bullets), each with a stable anchor.
//!
//! Anchors are slug paths of the headings above a passage plus its position: a heading's anchor
//! is its slug path (`control-of-media-and-historical-narrative/historical-revisionism-under-stalin`),
//! a bullet's is the path of its heading plus its 1-based number among the bullets under it
//! (`…/historical-revisionism-under-stalin/1`), a paragraph's is the path plus `p` and its number
//! (`…/p1`).

/// What kind of passage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PassageKind {
    /// A heading of the given level (1 = top).
    Heading(u8),
    /// A paragraph of body text.
    Paragraph,
    /// One bullet of a list.
    Bullet,
}

/// One addressable piece of the essay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Passage {
    /// Stable anchor (slug path), unique within the essay.
    pub anchor: String,
    /// Heading, paragraph or bullet.
    pub kind: PassageKind,
    /// The text, with Markdown emphasis markers kept.
    pub text: String,
}

/// A parsed essay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Essay {
    /// The title (first level-1 heading, or empty).
    pub title: String,
    /// Every passage in reading order.
    pub passages: Vec<Passage>,
}
