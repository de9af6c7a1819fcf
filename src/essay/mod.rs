//! The essay a project accompanies: parsed from Markdown into a flat list of passages
//! (headings, paragraphs, bullets), each with a stable anchor, plus the helpers the essay panel,
//! the link picker and the exports need (heading paths, search, dangling links, emphasis spans).
//!
//! It reads a small, common subset of Markdown: ATX (`## Title`) and setext headings,
//! paragraphs, bullet and numbered lists (nested items are flattened into the same list),
//! block quotes (read as their content), fenced code (kept as a paragraph) and inline
//! emphasis (`*italic*`, `**bold**`, `` `code` ``, `[text](url)` shown as its text). It does not
//! render anything, and it knows nothing of projects or regions.
//!
//! # Anchors
//!
//! Anchors are slug paths of the headings above a passage plus its position:
//!
//! - The first heading of the document, when it is a level-1 heading, is the *title*. Its
//!   anchor is its slug, and it is not part of the path of anything below it.
//! - Every other heading's anchor is the anchor of the nearest heading above it of a smaller
//!   level (if any, the title excepted), a `/`, and its own slug:
//!   `control-of-media-and-historical-narrative/historical-revisionism-under-stalin`.
//! - A bullet's anchor is the anchor of its heading plus its 1-based number among the bullets
//!   under that heading (`…/historical-revisionism-under-stalin/1`); a paragraph's is the anchor
//!   plus `p` and its number (`…/p1`). Before the first section they are just `1`, `p1`.
//! - A slug is the heading's text without emphasis markers, lower-cased, with apostrophes
//!   dropped and every run of other characters that are not letters or digits turned into one
//!   `-` (`Stalin’s Strategic Position` → `stalins-strategic-position`). An empty slug becomes
//!   `section`.
//! - Anchors are unique: a heading whose anchor is already taken gets `-2`, `-3`, … appended
//!   to its slug (two `## Summary` sections become `summary` and `summary-2`).
//!
//! So an anchor survives any edit that does not rename one of its headings or insert passages
//! of its own kind before it under the same heading.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

mod blocks;
mod inline;

pub use inline::{Span, plain_text, spans};

use blocks::{assign_anchors, parse_blocks};

/// The Markdown of the bundled essay.
pub const BUNDLED_MARKDOWN: &str = include_str!("../../assets/essay.md");

/// Anchor of the section on historical revisionism in the bundled essay.
pub const REVISIONISM_ANCHOR: &str =
    "control-of-media-and-historical-narrative/historical-revisionism-under-stalin";

/// Largest essay file [`Essay::load`] accepts, in bytes.
pub const MAX_ESSAY_BYTES: u64 = 4 * 1024 * 1024;

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

impl Passage {
    /// The text without emphasis markers, as shown to the reader.
    #[must_use]
    pub fn plain_text(&self) -> String {
        plain_text(&self.text)
    }

    /// The text split into styled spans, ready to render.
    #[must_use]
    pub fn spans(&self) -> Vec<Span> {
        spans(&self.text)
    }

    /// The heading level, or `None` for a paragraph or bullet.
    #[must_use]
    pub fn heading_level(&self) -> Option<u8> {
        match self.kind {
            PassageKind::Heading(level) => Some(level),
            PassageKind::Paragraph | PassageKind::Bullet => None,
        }
    }

    /// True for a heading.
    #[must_use]
    pub fn is_heading(&self) -> bool {
        self.heading_level().is_some()
    }
}

/// A parsed essay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Essay {
    /// The title (first level-1 heading, or empty).
    pub title: String,
    /// Every passage in reading order.
    pub passages: Vec<Passage>,
}

/// Why an essay file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum EssayError {
    /// The file could not be read.
    #[error("cannot read essay: {source}: {}", path.display())]
    Read {
        /// The underlying error.
        source: std::io::Error,
        /// The file.
        path: PathBuf,
    },
    /// The file is larger than [`MAX_ESSAY_BYTES`].
    #[error("essay is {size_bytes} bytes, over the {max_bytes} byte limit: {}", path.display())]
    TooLarge {
        /// Size of the file.
        size_bytes: u64,
        /// The limit.
        max_bytes: u64,
        /// The file.
        path: PathBuf,
    },
    /// The file is not UTF-8 text.
    #[error("essay is not UTF-8 text (a Markdown file is expected): {}", path.display())]
    NotText {
        /// The file.
        path: PathBuf,
    },
    /// The file holds no heading, paragraph or bullet.
    #[error("essay has no headings, paragraphs or bullets: {}", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

impl Essay {
    /// Parses Markdown into passages with anchors (see the module documentation).
    ///
    /// Never fails: anything that is not a heading, list or code fence is read as a paragraph.
    ///
    /// ```
    /// use palimpsest::essay::{Essay, PassageKind};
    /// let essay = Essay::parse("# Title\n\nIntro.\n\n## A part\n\n- one\n- two\n");
    /// assert_eq!(essay.title, "Title");
    /// let anchors: Vec<_> = essay.passages.iter().map(|p| p.anchor.as_str()).collect();
    /// assert_eq!(anchors, ["title", "p1", "a-part", "a-part/1", "a-part/2"]);
    /// assert_eq!(essay.find("a-part/2").map(|p| p.kind), Some(PassageKind::Bullet));
    /// ```
    #[must_use]
    pub fn parse(markdown: &str) -> Essay {
        let blocks = parse_blocks(markdown);
        assign_anchors(blocks)
    }

    /// The essay shipped with the program (*How Stalin Outmaneuvered Leon Trotsky*).
    #[must_use]
    pub fn bundled() -> Essay {
        static BUNDLED: std::sync::OnceLock<Essay> = std::sync::OnceLock::new();
        BUNDLED
            .get_or_init(|| Essay::parse(BUNDLED_MARKDOWN))
            .clone()
    }

    /// Reads and parses a Markdown file.
    ///
    /// # Errors
    /// The file cannot be read, is over [`MAX_ESSAY_BYTES`], is not UTF-8 text, or holds no
    /// passage at all.
    pub fn load(path: &Path) -> Result<Essay, EssayError> {
        let read_err = |source| EssayError::Read {
            source,
            path: path.to_path_buf(),
        };
        let size_bytes = std::fs::metadata(path).map_err(read_err)?.len();
        if size_bytes > MAX_ESSAY_BYTES {
            return Err(EssayError::TooLarge {
                size_bytes,
                max_bytes: MAX_ESSAY_BYTES,
                path: path.to_path_buf(),
            });
        }
        let bytes = std::fs::read(path).map_err(read_err)?;
        let text = String::from_utf8(bytes).map_err(|_| EssayError::NotText {
            path: path.to_path_buf(),
        })?;
        if text.contains('\0') {
            return Err(EssayError::NotText {
                path: path.to_path_buf(),
            });
        }
        let essay = Essay::parse(&text);
        if essay.passages.is_empty() {
            return Err(EssayError::Empty {
                path: path.to_path_buf(),
            });
        }
        Ok(essay)
    }

    /// The passage with this anchor.
    #[must_use]
    pub fn find(&self, anchor: &str) -> Option<&Passage> {
        self.passages.iter().find(|p| p.anchor == anchor)
    }

    /// Index in [`Essay::passages`] of the passage with this anchor.
    #[must_use]
    pub fn position(&self, anchor: &str) -> Option<usize> {
        self.passages.iter().position(|p| p.anchor == anchor)
    }

    /// The headings above the passage, outermost first, not counting the title and not the
    /// passage itself. Empty for an unknown anchor.
    ///
    /// For the first revisionism bullet of the bundled essay: *Control of Media and Historical
    /// Narrative*, then *Historical Revisionism Under Stalin*.
    #[must_use]
    pub fn heading_path(&self, anchor: &str) -> Vec<&Passage> {
        let Some(index) = self.position(anchor) else {
            return Vec::new();
        };
        let mut path = Vec::new();
        // Only headings of a smaller level than the last one taken can enclose it.
        let mut below = self.passages[index].heading_level().unwrap_or(u8::MAX);
        for p in self.passages[..index].iter().rev() {
            if let Some(level) = p.heading_level()
                && level < below
                && !self.is_title(p)
            {
                path.push(p);
                below = level;
            }
        }
        path.reverse();
        path
    }

    /// The plain text of the nearest heading above the passage (the passage itself if it is a
    /// heading), e.g. *Historical Revisionism Under Stalin* for one of its bullets.
    #[must_use]
    pub fn section_title(&self, anchor: &str) -> Option<String> {
        let passage = self.find(anchor)?;
        if passage.is_heading() {
            return Some(passage.plain_text());
        }
        if let Some(h) = self.heading_path(anchor).last() {
            return Some(h.plain_text());
        }
        // Before the first section: the title, if it comes first.
        let title = self.title_heading()?;
        let title_index = self.position(&title.anchor)?;
        (self.position(anchor)? > title_index).then(|| title.plain_text())
    }

    /// A one-line label for a link to this passage: its section path and, for a bullet or
    /// paragraph, its number, e.g. `Control of Media and Historical Narrative › Historical
    /// Revisionism Under Stalin › bullet 1`.
    #[must_use]
    pub fn describe(&self, anchor: &str) -> Option<String> {
        let passage = self.find(anchor)?;
        let mut parts: Vec<String> = self
            .heading_path(anchor)
            .iter()
            .map(|h| h.plain_text())
            .collect();
        let last = anchor.rsplit('/').next().unwrap_or(anchor);
        match passage.kind {
            PassageKind::Heading(_) => parts.push(passage.plain_text()),
            PassageKind::Bullet => parts.push(format!("bullet {last}")),
            PassageKind::Paragraph => {
                parts.push(format!("paragraph {}", last.trim_start_matches('p')));
            }
        }
        Some(parts.join(" › "))
    }

    /// Indices of the passage and, for a heading, everything under it (up to the next heading
    /// of the same or a smaller level). Empty for an unknown anchor.
    #[must_use]
    pub fn subtree(&self, anchor: &str) -> std::ops::Range<usize> {
        let Some(start) = self.position(anchor) else {
            return 0..0;
        };
        let Some(level) = self.passages[start].heading_level() else {
            return start..start + 1;
        };
        if self.is_title(&self.passages[start]) {
            return start..start + 1;
        }
        let end = self.passages[start + 1..]
            .iter()
            .position(|p| p.heading_level().is_some_and(|l| l <= level))
            .map_or(self.passages.len(), |offset| start + 1 + offset);
        start..end
    }

    /// The anchor of the section on historical revisionism: [`REVISIONISM_ANCHOR`] when the
    /// essay has it, otherwise the first heading whose text mentions "revisionism".
    #[must_use]
    pub fn revisionism_anchor(&self) -> Option<&str> {
        if let Some(p) = self.find(REVISIONISM_ANCHOR) {
            return Some(&p.anchor);
        }
        self.passages
            .iter()
            .find(|p| p.is_heading() && p.plain_text().to_lowercase().contains("revisionism"))
            .map(|p| p.anchor.as_str())
    }

    /// Every passage, the revisionism section (its heading and everything under it) first, then
    /// the others in reading order: the order of the link picker.
    #[must_use]
    pub fn revisionism_first(&self) -> Vec<&Passage> {
        self.revisionism_order()
            .into_iter()
            .map(|i| &self.passages[i])
            .collect()
    }

    /// Passages matching every word of `query` (case-insensitive) in their own text or their
    /// headings' text, in [`Essay::revisionism_first`] order. An empty query lists everything.
    #[must_use]
    pub fn search(&self, query: &str) -> Vec<&Passage> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return self.revisionism_first();
        }
        // One pass: each passage's own text plus the headings above it, lower-cased.
        let title = self.title_heading();
        let mut open: Vec<(u8, String)> = Vec::new();
        let mut haystacks = Vec::with_capacity(self.passages.len());
        for p in &self.passages {
            let own = p.plain_text().to_lowercase();
            if let Some(level) = p.heading_level() {
                while open.last().is_some_and(|(l, _)| *l >= level) {
                    open.pop();
                }
            }
            let mut haystack = own.clone();
            for (_, heading) in &open {
                haystack.push('\n');
                haystack.push_str(heading);
            }
            haystacks.push(haystack);
            if let Some(level) = p.heading_level()
                && !title.is_some_and(|t| std::ptr::eq(t, p))
            {
                open.push((level, own));
            }
        }
        self.revisionism_order()
            .into_iter()
            .filter(|&i| words.iter().all(|w| haystacks[i].contains(w.as_str())))
            .map(|i| &self.passages[i])
            .collect()
    }

    fn revisionism_order(&self) -> Vec<usize> {
        let featured = self
            .revisionism_anchor()
            .map_or(0..0, |anchor| self.subtree(anchor));
        featured
            .clone()
            .chain((0..self.passages.len()).filter(|i| !featured.contains(i)))
            .collect()
    }

    /// The anchors among `anchors` that this essay does not have, each once, in the order
    /// given. Such links are to be reported and kept, never dropped.
    #[must_use]
    pub fn missing_links<'a, I>(&self, anchors: I) -> Vec<String>
    where
        I: IntoIterator<Item = &'a str>,
    {
        let known: HashSet<&str> = self.passages.iter().map(|p| p.anchor.as_str()).collect();
        let mut seen = HashSet::new();
        anchors
            .into_iter()
            .filter(|a| !known.contains(a) && seen.insert(*a))
            .map(str::to_owned)
            .collect()
    }

    /// The title heading: the first heading, when it is of level 1.
    fn title_heading(&self) -> Option<&Passage> {
        self.passages
            .iter()
            .find(|p| p.is_heading())
            .filter(|p| p.kind == PassageKind::Heading(1))
    }

    fn is_title(&self, p: &Passage) -> bool {
        self.title_heading().is_some_and(|t| std::ptr::eq(t, p))
    }
}

/// True when `anchor` is `ancestor` itself or lies under it (`a/b/1` is within `a` and `a/b`).
///
/// The essay panel uses this to mark a section whose bullets are linked.
#[must_use]
pub fn anchor_within(anchor: &str, ancestor: &str) -> bool {
    anchor == ancestor
        || (anchor.starts_with(ancestor) && anchor.as_bytes().get(ancestor.len()) == Some(&b'/'))
}

/// The slug of a heading's text (see the module documentation).
///
/// ```
/// assert_eq!(palimpsest::essay::slug("Stalin’s *Strategic* Position!"), "stalins-strategic-position");
/// ```
#[must_use]
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in plain_text(text).chars() {
        if matches!(c, '\'' | '’' | '‘' | 'ʼ') {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchors(essay: &Essay) -> Vec<&str> {
        essay.passages.iter().map(|p| p.anchor.as_str()).collect()
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Stalin’s Strategic Position"),
            "stalins-strategic-position"
        );
        assert_eq!(
            slug("  Control of Media -- and   History!  "),
            "control-of-media-and-history"
        );
        assert_eq!(slug("Рамон Меркадер, 1940"), "рамон-меркадер-1940");
        assert_eq!(slug("**Bold** _words_"), "bold-words");
        assert_eq!(slug("?!"), "");
    }

    #[test]
    fn duplicate_and_empty_headings_get_unique_anchors() {
        let e = Essay::parse("## Summary\n\n- a\n\n## Summary\n\n- b\n\n## ?\n\n## Summary\n");
        assert_eq!(
            anchors(&e),
            [
                "summary",
                "summary/1",
                "summary-2",
                "summary-2/1",
                "section",
                "summary-3"
            ]
        );
        assert_eq!(e.title, "");
    }

    #[test]
    fn heading_named_like_a_position_does_not_collide() {
        let e = Essay::parse("## A\n\n- x\n\nText.\n\n### 1\n\n### P1\n");
        assert_eq!(anchors(&e), ["a", "a/1", "a/p1", "a/1-2", "a/p1-2"]);
    }

    #[test]
    fn levels_nest_and_close() {
        let md = "# T\n\nintro\n\n## A\n\n### A1\n\n- x\n\n#### deep\n\npara\n\n## B\n\n- y\n";
        let e = Essay::parse(md);
        assert_eq!(
            anchors(&e),
            [
                "t",
                "p1",
                "a",
                "a/a1",
                "a/a1/1",
                "a/a1/deep",
                "a/a1/deep/p1",
                "b",
                "b/1"
            ]
        );
        assert_eq!(e.section_title("p1").as_deref(), Some("T"));
        assert_eq!(e.subtree("a"), 2..7);
        assert_eq!(e.subtree("a/a1/1"), 4..5);
        assert_eq!(e.subtree("t"), 0..1);
        assert_eq!(e.subtree("nope"), 0..0);
        let path: Vec<&str> = e
            .heading_path("a/a1/deep/p1")
            .iter()
            .map(|p| p.anchor.as_str())
            .collect();
        assert_eq!(path, ["a", "a/a1", "a/a1/deep"]);
        assert!(e.heading_path("b").is_empty());
        assert_eq!(
            e.describe("a/a1/deep/p1").as_deref(),
            Some("A › A1 › deep › paragraph 1")
        );
        let hits: Vec<&str> = e.search("A1").iter().map(|p| p.anchor.as_str()).collect();
        assert_eq!(hits, ["a/a1", "a/a1/1", "a/a1/deep", "a/a1/deep/p1"]);
        let hits: Vec<&str> = e
            .search("para deep")
            .iter()
            .map(|p| p.anchor.as_str())
            .collect();
        assert_eq!(hits, ["a/a1/deep/p1"]);
        // The title is not a heading above anything.
        assert!(e.search("y t").is_empty());
    }

    #[test]
    fn a_level_one_heading_after_another_heading_is_a_section() {
        let e = Essay::parse("## Lead\n\n# Part\n\n- x\n");
        assert_eq!(e.title, "");
        assert_eq!(anchors(&e), ["lead", "part", "part/1"]);
    }

    #[test]
    fn lists_paragraphs_and_continuations() {
        let md = "Para one\ncontinues here.\n\n* star item\n  wrapped line\n+ plus item\n1. numbered\n2) other\n   - nested\n\n  indented after blank\n\nNew para.\n";
        let e = Essay::parse(md);
        let texts: Vec<(&str, &str)> = e
            .passages
            .iter()
            .map(|p| (p.anchor.as_str(), p.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                ("p1", "Para one continues here."),
                ("1", "star item wrapped line"),
                ("2", "plus item"),
                ("3", "numbered"),
                ("4", "other"),
                ("5", "nested indented after blank"),
                ("p2", "New para."),
            ]
        );
    }

    #[test]
    fn setext_headings_quotes_breaks_and_code() {
        let md = "Title\n=====\n\nPart\n----\n\n> quoted *text*\n> more\n\n---\n\n```\nlet x = *y*;\n```\n\n## Closed ##\r\n";
        let e = Essay::parse(md);
        assert_eq!(e.title, "Title");
        assert_eq!(
            anchors(&e),
            ["title", "part", "part/p1", "part/p2", "closed"]
        );
        assert_eq!(e.passages[2].text, "quoted *text* more");
        assert_eq!(e.passages[3].text, "let x = *y*;");
        assert_eq!(e.passages[4].kind, PassageKind::Heading(2));
    }

    #[test]
    fn not_headings_or_bullets() {
        let e = Essay::parse("#hashtag\n\n-dash\n\n1940 was the year.\n\n####### seven\n");
        assert!(e.passages.iter().all(|p| p.kind == PassageKind::Paragraph));
        assert_eq!(e.passages.len(), 4);
    }

    #[test]
    fn bom_and_empty_input() {
        assert_eq!(Essay::parse(""), Essay::default());
        assert_eq!(Essay::parse("\u{feff}# T\n").title, "T");
    }

    fn styled(text: &str) -> Vec<(String, &'static str)> {
        spans(text)
            .into_iter()
            .map(|s| {
                let style = match (s.bold, s.italic, s.code) {
                    (_, _, true) => "code",
                    (true, true, _) => "bi",
                    (true, false, _) => "b",
                    (false, true, _) => "i",
                    (false, false, _) => "",
                };
                (s.text, style)
            })
            .collect()
    }

    fn s(t: &str, style: &'static str) -> (String, &'static str) {
        (t.to_owned(), style)
    }

    #[test]
    fn emphasis_spans() {
        assert_eq!(styled("plain"), [s("plain", "")]);
        assert_eq!(styled("a **b** c"), [s("a ", ""), s("b", "b"), s(" c", "")]);
        assert_eq!(
            styled("*i* and _j_"),
            [s("i", "i"), s(" and ", ""), s("j", "i")]
        );
        assert_eq!(styled("***both***"), [s("both", "bi")]);
        assert_eq!(
            styled("**bold *and it* x**"),
            [s("bold ", "b"), s("and it", "bi"), s(" x", "b")]
        );
        assert_eq!(styled("__strong__"), [s("strong", "b")]);
        assert_eq!(styled("`a*b*`"), [s("a*b*", "code")]);
        assert_eq!(
            styled("see [the *notes*](http://x.org)"),
            [s("see the ", ""), s("notes", "i")]
        );
    }

    #[test]
    fn unmatched_markers_stay_literal() {
        assert_eq!(styled("snake_case_name"), [s("snake_case_name", "")]);
        assert_eq!(styled("2 * 3 * 4"), [s("2 * 3 * 4", "")]);
        assert_eq!(styled("**open"), [s("**open", "")]);
        assert_eq!(styled("a \\*b\\*"), [s("a *b*", "")]);
        assert_eq!(styled("`open"), [s("`open", "")]);
        assert_eq!(styled("[not a link] (x)"), [s("[not a link] (x)", "")]);
        assert_eq!(plain_text("Trotsky’s *past*"), "Trotsky’s past");
    }

    #[test]
    fn anchor_within_is_by_path_segment() {
        assert!(anchor_within("a/b/1", "a"));
        assert!(anchor_within("a/b/1", "a/b"));
        assert!(anchor_within("a/b", "a/b"));
        assert!(!anchor_within("a/bc/1", "a/b"));
        assert!(!anchor_within("a", "a/b"));
    }

    #[test]
    fn revisionism_falls_back_to_a_heading_mentioning_it() {
        let e = Essay::parse("## Intro\n\n- a\n\n## On Revisionism\n\n- b\n");
        assert_eq!(e.revisionism_anchor(), Some("on-revisionism"));
        let order: Vec<&str> = e
            .revisionism_first()
            .iter()
            .map(|p| p.anchor.as_str())
            .collect();
        assert_eq!(
            order,
            ["on-revisionism", "on-revisionism/1", "intro", "intro/1"]
        );
        let none = Essay::parse("## Intro\n\n- a\n");
        assert_eq!(none.revisionism_anchor(), None);
        assert_eq!(none.revisionism_first().len(), 2);
    }
}
