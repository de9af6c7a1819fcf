//! The words every export shows, gathered once from the project and the essay: each visible
//! region's number, colour, label, note, tags and linked essay passages, and the credit lines
//! of both images. The layouts only place this text; they never look into the project.

use crate::essay::Essay;
use crate::project::{ImageMeta, Project, RegionNote};
use crate::report::PALETTE;

use super::draw::Colour;

/// One essay passage a region links to, as shown in exports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedPassage {
    /// The anchor stored in the project.
    pub anchor: String,
    /// The section it belongs to (e.g. *Historical Revisionism Under Stalin*), when found.
    pub section: Option<String>,
    /// The passage as plain text (a heading link brings the text under the heading).
    pub text: String,
    /// False when the essay has no passage with this anchor (the link is kept and shown).
    pub found: bool,
}

/// A visible region with everything the exports print about it.
#[derive(Clone, Debug)]
pub struct RegionContent<'a> {
    /// The region itself.
    pub region: &'a RegionNote,
    /// Its outline colour.
    pub colour: Colour,
    /// Label, or "Region N" when the user wrote none.
    pub label: String,
    /// The note as plain text (Markdown emphasis removed).
    pub note: String,
    /// Tags joined with " · ".
    pub tags: String,
    /// The linked passages, in link order.
    pub passages: Vec<LinkedPassage>,
}

/// The outline colour of region number `id` (from 1), from [`PALETTE`].
#[must_use]
pub fn region_colour(id: u32) -> Colour {
    PALETTE[(id as usize).saturating_sub(1) % PALETTE.len()]
}

/// The regions shown in exports: not hidden, in number order.
#[must_use]
pub fn visible_regions(project: &Project) -> Vec<&RegionNote> {
    let mut v: Vec<&RegionNote> = project.regions.iter().filter(|r| !r.hidden).collect();
    v.sort_by_key(|r| r.id);
    v
}

/// Longest passage text quoted for a heading link, in characters.
const MAX_SECTION_CHARS: usize = 700;

/// The passage an anchor names, as exports quote it.
#[must_use]
pub fn linked_passage(essay: &Essay, anchor: &str) -> LinkedPassage {
    let Some(passage) = essay.find(anchor) else {
        return LinkedPassage {
            anchor: anchor.to_string(),
            section: None,
            text: String::new(),
            found: false,
        };
    };
    let text = if passage.is_heading() {
        // A whole section: quote what is under the heading, bullets marked, up to a limit.
        let range = essay.subtree(anchor);
        let mut parts: Vec<String> = Vec::new();
        for p in essay.passages[range].iter().skip(1) {
            let t = p.plain_text();
            parts.push(match p.kind {
                crate::essay::PassageKind::Bullet => format!("• {t}"),
                _ => t,
            });
        }
        let mut joined = parts.join("\n");
        if joined.chars().count() > MAX_SECTION_CHARS {
            joined = joined.chars().take(MAX_SECTION_CHARS).collect::<String>();
            joined = joined.trim_end().to_string() + "…";
        }
        joined
    } else {
        passage.plain_text()
    };
    LinkedPassage {
        anchor: anchor.to_string(),
        section: essay.section_title(anchor),
        text,
        found: true,
    }
}

/// The note or label text without Markdown emphasis markers and with tidy whitespace.
#[must_use]
pub fn plain(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|l| crate::essay::plain_text(l.trim()))
        .collect();
    let mut out = lines.join("\n");
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out.trim().to_string()
}

/// `text` cut to at most `max_chars` characters (at a word break when one is near), with
/// `more` appended when anything was cut.
#[must_use]
pub fn shorten(text: &str, max_chars: usize, more: &str) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_string(),
        Some((end, _)) => {
            let head = &text[..end];
            let cut = head
                .rfind(char::is_whitespace)
                .filter(|&i| i >= end.saturating_sub(80).max(end / 2))
                .unwrap_or(end);
            format!("{}{more}", head[..cut].trim_end())
        }
    }
}

/// Everything printed about one region. Labels and notes longer than the project file allows
/// ([`crate::project::MAX_LABEL_CHARS`], [`crate::project::MAX_NOTE_CHARS`]; a document built in
/// memory may hold more) are cut there, so no export grows with the text beyond that.
#[must_use]
pub fn region_content<'a>(essay: &Essay, region: &'a RegionNote) -> RegionContent<'a> {
    let label = plain(&shorten(
        &region.label,
        crate::project::MAX_LABEL_CHARS,
        "…",
    ));
    RegionContent {
        region,
        colour: region_colour(region.id),
        label: if label.is_empty() {
            format!("Region {}", region.id)
        } else {
            label
        },
        note: plain(&shorten(&region.note, crate::project::MAX_NOTE_CHARS, " …")),
        tags: region
            .tags
            .iter()
            .map(|t| t.label())
            .collect::<Vec<_>>()
            .join(" · "),
        passages: region
            .links
            .iter()
            .map(|a| linked_passage(essay, a))
            .collect(),
    }
}

/// Every visible region's content.
///
/// In a chain of more than two versions, the tags line begins with the step at which the
/// region vanishes ("Gone between 1929 and 1935"), so every caption, slide and handout says it.
#[must_use]
pub fn regions_content<'a>(project: &'a Project, essay: &Essay) -> Vec<RegionContent<'a>> {
    visible_regions(project)
        .into_iter()
        .map(|r| {
            let mut c = region_content(essay, r);
            if project.is_chain() {
                let step = format!("Gone {}", project.step_name(r.step));
                c.tags = if c.tags.is_empty() {
                    step
                } else {
                    format!("{step} · {}", c.tags)
                };
            }
            c
        })
        .collect()
}

/// A one-line credit: `credit, source, date, archive, licence` (empty parts left out).
#[must_use]
pub fn credit_line(meta: &ImageMeta) -> String {
    [
        &meta.credit,
        &meta.source,
        &meta.date,
        &meta.archive,
        &meta.licence,
    ]
    .iter()
    .map(|s| s.trim())
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

/// The credits of both images on one line ("Original: …   ·   Altered print: …"), as on the
/// slides' and the presentation's footer.
#[must_use]
pub fn pair_credits_line(project: &Project) -> String {
    let part = |kind: &str, meta: &ImageMeta| {
        let c = credit_line(meta);
        if c.is_empty() {
            format!("{kind}: no credit recorded")
        } else {
            format!("{kind}: {c}")
        }
    };
    format!(
        "{}   ·   {}",
        part("Original", &project.before.meta),
        part("Altered print", &project.after.meta)
    )
}

/// The name an image goes by in exports, with its date when known: "Original (1920)".
#[must_use]
pub fn image_title(kind: &str, meta: &ImageMeta) -> String {
    let date = meta.date.trim();
    if date.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} ({date})")
    }
}

/// The project title, or a neutral one.
#[must_use]
pub fn title(project: &Project) -> String {
    let t = project.title.trim();
    if t.is_empty() {
        "Untitled comparison".to_string()
    } else {
        t.to_string()
    }
}

/// "1 region" / "3 regions".
#[must_use]
pub fn count_regions(n: usize) -> String {
    if n == 1 {
        "1 region".to_string()
    } else {
        format!("{n} regions")
    }
}

/// `text` with the characters HTML gives a meaning (`&`, `<`, `>`, `"`) escaped, safe as an
/// element's text and inside a double-quoted attribute.
#[must_use]
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One line of light Markdown as HTML: the inline emphasis [`crate::essay::spans`] knows as
/// `<b>` and `<i>`, everything else escaped text.
#[must_use]
pub fn inline_html(text: &str) -> String {
    crate::essay::spans(text)
        .iter()
        .map(|s| {
            let mut t = escape_html(&s.text);
            if s.italic {
                t = format!("<i>{t}</i>");
            }
            if s.bold {
                t = format!("<b>{t}</b>");
            }
            t
        })
        .collect()
}

/// A note's light Markdown as HTML within the tags IIIF Presentation 3 lets a viewer show
/// (`p`, `br`, `b`, `i` among them; not lists), which the lesson page uses too: paragraphs at
/// blank lines, `- ` or `* ` lines as bulleted lines, and the inline emphasis
/// [`inline_html`] renders; the rest is escaped text, so a note holding `<script>` shows it.
#[must_use]
pub fn note_html(markdown: &str) -> String {
    fn item(line: &str) -> Option<&str> {
        line.strip_prefix("- ").or_else(|| line.strip_prefix("* "))
    }
    let mut html = String::new();
    for block in markdown
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        // Runs of list lines become a list, runs of other lines a paragraph.
        let lines: Vec<&str> = block.lines().map(str::trim).collect();
        for run in lines.chunk_by(|a, b| item(a).is_some() == item(b).is_some()) {
            if item(run[0]).is_some() {
                let items: Vec<String> = run
                    .iter()
                    .filter_map(|l| item(l))
                    .map(|l| format!("• {}", inline_html(l)))
                    .collect();
                html.push_str(&format!("<p>{}</p>", items.join("<br/>")));
            } else {
                html.push_str(&format!("<p>{}</p>", inline_html(&run.join(" "))));
            }
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_become_escaped_html() {
        assert_eq!(
            note_html("They are **gone** <here>.\n\n- one *a*\n- two\nAfter & more\n"),
            "<p>They are <b>gone</b> &lt;here&gt;.</p>\
             <p>• one <i>a</i><br/>• two</p><p>After &amp; more</p>"
        );
    }

    #[test]
    fn markup_in_a_note_stays_text() {
        let html = note_html("<script>alert(1)</script> and <img src=x onerror=\"y()\">");
        assert_eq!(
            html,
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; and &lt;img src=x onerror=&quot;y()&quot;&gt;</p>"
        );
        // Emphasis markers around markup do not let it through either.
        assert_eq!(inline_html("**<b>**"), "<b>&lt;b&gt;</b>");
        assert_eq!(escape_html("a\"b&c"), "a&quot;b&amp;c");
    }
}
