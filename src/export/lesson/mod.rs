//! The lesson page: one self-contained HTML file for students, made from a project. It holds
//! both pictures (as `data:` URIs, reduced to a long side of [`DEFAULT_MAX_SIDE`] pixels unless
//! told otherwise), the regions outlined in SVG, their labels, notes and linked passages, the
//! whole essay with the linked passages marked, and the credits, plus a small script written
//! for it (`lesson.js`, or `quiz.js` for the quiz) and a style sheet (`lesson.css`). Nothing is
//! fetched: a Content-Security-Policy allows no request at all, and only the page's own script
//! and style (by hash), so it works from `file://`, a USB stick or an LMS upload.
//!
//! # The lesson page
//!
//! The pair in the app's comparison modes (keys 1–4: side by side, swipe, onion skin, blink);
//! every region is a focusable outline (an SVG `g` with the role of a button, named "Region N:
//! label" and described by where its outline lies and by its note); the arrow keys step
//! through the regions, showing each one's label, note and passages; the essay follows, each
//! linked passage marked and linked back to its regions.
//!
//! # The quiz (`quiz: true`)
//!
//! The doctored print alone (in the original's frame). The student clicks where something was
//! changed, or drags a box around it; then *Reveal* shows every region as found or missed, each
//! mark that hit nothing as a false mark, the notes and a score, and the original. A click
//! counts for a region when it falls inside its outline or within [`QUIZ_TOLERANCE`] of the
//! picture's long side of it; a box when its centre does, or when it overlaps the region's box
//! by an intersection over union of at least 0.2. The marks are kept in the browser's local
//! storage only, and the result prints (a print style sheet leaves the buttons out).
//!
//! Every label, note, passage and credit is escaped ([`content::escape_html`],
//! [`content::note_html`]): a note holding `<script>` shows it as text.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use anyhow::{Context, Result};
use image::RgbImage;
use sha2::{Digest, Sha256};

use super::ExportInput;
use super::content::{self, RegionContent, escape_html, inline_html};
use crate::essay::{Essay, PassageKind};
use crate::project::Project;

/// The long side, in pixels, the pictures are reduced to by default (a 24-megapixel scan
/// becomes about 2560 × 1700, so the page stays a few megabytes).
pub const DEFAULT_MAX_SIDE: u32 = 2560;

/// The smallest and largest long side [`LessonOptions::max_side`] may ask for.
pub const MAX_SIDE_RANGE: std::ops::RangeInclusive<u32> = 64..=16_384;

/// JPEG quality of the embedded pictures.
pub const JPEG_QUALITY: u8 = 88;

/// How near a quiz click must fall to a region's outline, as a share of the picture's long
/// side.
pub const QUIZ_TOLERANCE: f64 = 0.03;

const CSS: &str = include_str!("lesson.css");
const LESSON_JS: &str = include_str!("lesson.js");
const QUIZ_JS: &str = include_str!("quiz.js");

/// What kind of page, and how large its pictures are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LessonOptions {
    /// The spot-the-change quiz instead of the lesson.
    pub quiz: bool,
    /// Longest side of the embedded pictures, in pixels; smaller pictures stay as they are.
    pub max_side: u32,
}

impl Default for LessonOptions {
    fn default() -> Self {
        Self {
            quiz: false,
            max_side: DEFAULT_MAX_SIDE,
        }
    }
}

/// The size a `width` × `height` picture is shown at on the page: the same when its long side
/// is at most `max_side`, else scaled down to that long side (each side at least 1).
#[must_use]
pub fn reduced_size(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let long = width.max(height);
    let max_side = max_side.max(1);
    if long <= max_side {
        return (width, height);
    }
    let scale = f64::from(max_side) / f64::from(long);
    let side = |s: u32| ((f64::from(s) * scale).round() as u32).clamp(1, max_side);
    (side(width), side(height))
}

/// `img` reduced to [`reduced_size`] (borrowed when it already fits).
#[must_use]
pub fn reduce(img: &RgbImage, max_side: u32) -> Cow<'_, RgbImage> {
    let (w, h) = reduced_size(img.width(), img.height(), max_side);
    if (w, h) == img.dimensions() {
        Cow::Borrowed(img)
    } else {
        Cow::Owned(image::imageops::resize(
            img,
            w,
            h,
            image::imageops::FilterType::CatmullRom,
        ))
    }
}

fn jpeg_data_uri(img: &RgbImage) -> Result<String> {
    use base64::Engine as _;
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
        .encode_image(img)
        .context("cannot encode a picture for the lesson page")?;
    Ok(format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

fn csp_hash(text: &str) -> String {
    use base64::Engine as _;
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// JSON made safe inside a `<script>` element: no `<`, `>` or `&` left to end it.
fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Names of the outline colours ([`crate::report::PALETTE`], the Okabe–Ito set), in order.
const COLOUR_NAMES: [&str; 7] = [
    "orange",
    "sky blue",
    "bluish green",
    "yellow",
    "blue",
    "vermillion",
    "reddish purple",
];

fn hex(c: super::draw::Colour) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Where the outline lies, in words: "Outlined in orange, in the upper right of the picture,
/// about 6 % of its area."
fn placement(rc: &RegionContent<'_>, width: u32, height: u32) -> String {
    let b = &rc.region.bbox;
    let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
    let third = |v: f64| {
        if v < 1.0 / 3.0 {
            0
        } else if v < 2.0 / 3.0 {
            1
        } else {
            2
        }
    };
    let col = third((b.x + b.width / 2.0) / w);
    let row = third((b.y + b.height / 2.0) / h);
    let place = match (row, col) {
        (0, 0) => "upper left",
        (0, 1) => "top centre",
        (0, _) => "upper right",
        (1, 0) => "centre left",
        (1, 1) => "centre",
        (1, _) => "centre right",
        (_, 0) => "lower left",
        (_, 1) => "bottom centre",
        _ => "lower right",
    };
    let share = 100.0 * rc.region.area_px.max(0.0) / (w * h);
    let size = if share < 1.0 {
        "under 1 % of its area".to_string()
    } else {
        format!("about {share:.0} % of its area")
    };
    let colour = COLOUR_NAMES[(rc.region.id as usize).saturating_sub(1) % COLOUR_NAMES.len()];
    format!("Outlined in {colour}, in the {place} of the picture, {size}.")
}

/// The `lang` attribute for the project's own words, when they are not in English like the
/// page's.
fn content_lang(project: &Project) -> String {
    let lang = project.language.trim();
    if lang.is_empty() || lang.eq_ignore_ascii_case("en") || lang.starts_with("en-") {
        String::new()
    } else {
        format!(" lang=\"{}\"", escape_html(lang))
    }
}

/// Plain text with its line breaks kept.
fn text_lines(text: &str) -> String {
    escape_html(text).replace('\n', "<br>")
}

fn passage_id(anchor: &str) -> String {
    format!("e-{}", escape_html(anchor))
}

/// A region's outline on the picture: a dark casing under the coloured line (visible on a
/// light or a dark ground, and in black and white), and its number in a badge. The one on the
/// original is the focusable, labelled one; the copy on the altered print is decoration.
fn region_outline(rc: &RegionContent<'_>, width: u32, height: u32, focusable: bool) -> String {
    let id = rc.region.id;
    let points = rc
        .region
        .polygon
        .iter()
        .map(|p| format!("{:.1},{:.1}", p[0], p[1]))
        .collect::<Vec<_>>()
        .join(" ");
    let (w, h) = (f64::from(width), f64::from(height));
    let r = (w.max(h) * 0.018).max(6.0);
    let b = &rc.region.bbox;
    let cx = b.x.clamp(r, (w - r).max(r));
    let cy = b.y.clamp(r, (h - r).max(r));
    let colour = hex(rc.colour);
    let attrs = if focusable {
        format!(
            " id=\"outline-{id}\" tabindex=\"0\" role=\"button\" aria-label=\"Region {id}: {}\" \
             aria-describedby=\"where-{id} note-{id}\"",
            escape_html(&rc.label)
        )
    } else {
        String::new()
    };
    format!(
        "<g class=\"region\" data-region=\"{id}\"{attrs}>\
         <polygon class=\"casing\" points=\"{points}\"/>\
         <polygon class=\"line\" points=\"{points}\" stroke=\"{colour}\"/>\
         <g class=\"badge\"><circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"{r:.1}\" stroke=\"{colour}\" \
         stroke-width=\"{sw:.1}\"/><text x=\"{cx:.1}\" y=\"{ty:.1}\" font-size=\"{fs:.1}\">{id}</text></g></g>",
        sw = r * 0.22,
        ty = cy + r * 0.42,
        fs = r * 1.15,
    )
}

fn overlay(
    regions: &[RegionContent<'_>],
    size: (u32, u32),
    focusable: bool,
    extra: &str,
    attrs: &str,
) -> String {
    let (w, h) = size;
    let mut svg = format!(
        "<svg class=\"overlay\" viewBox=\"0 0 {w} {h}\" preserveAspectRatio=\"none\"{attrs}>"
    );
    for rc in regions {
        svg.push_str(&region_outline(rc, w, h, focusable));
    }
    svg.push_str(extra);
    svg.push_str("</svg>");
    svg
}

/// A region's number as a small badge for the lists (the same look as on the picture).
fn number_badge(rc: &RegionContent<'_>) -> String {
    format!(
        "<svg class=\"num\" viewBox=\"0 0 24 24\" aria-hidden=\"true\"><circle cx=\"12\" \
         cy=\"12\" r=\"10.5\" stroke=\"{}\" stroke-width=\"3\"/><text x=\"12\" y=\"16.4\" \
         font-size=\"12\">{}</text></svg>",
        hex(rc.colour),
        rc.region.id
    )
}

/// The region's label, tags, placement, note and passages, for the lesson's panel and the
/// quiz's result.
fn region_body(
    rc: &RegionContent<'_>,
    size: (u32, u32),
    lang: &str,
    heading: u8,
    essay_links: bool,
) -> String {
    let id = rc.region.id;
    let mut s = format!(
        "<h{heading} class=\"region-title\">{}<span class=\"label\"{lang}>{}</span></h{heading}>",
        number_badge(rc),
        escape_html(&rc.label)
    );
    if !rc.tags.is_empty() {
        let _ = write!(s, "<p class=\"tags\">{}</p>", escape_html(&rc.tags));
    }
    let _ = write!(
        s,
        "<p class=\"where\" id=\"where-{id}\">{}</p>",
        escape_html(&placement(rc, size.0, size.1))
    );
    // The note as the project's light Markdown; the region's text is capped like every export's.
    let note = content::shorten(&rc.region.note, crate::project::MAX_NOTE_CHARS, " …");
    let note = content::note_html(&note);
    let note = if note.is_empty() {
        "<p class=\"empty\">No note.</p>".to_string()
    } else {
        note
    };
    let _ = write!(s, "<div class=\"note\" id=\"note-{id}\"{lang}>{note}</div>");
    if !rc.passages.is_empty() {
        let _ = write!(
            s,
            "<h{h} class=\"passages-title\">In the essay</h{h}><ul class=\"passages\">",
            h = (heading + 1).min(6)
        );
        for p in &rc.passages {
            if p.found {
                let section = p
                    .section
                    .as_deref()
                    .map(|t| format!("<p class=\"section\">{}</p>", escape_html(t)))
                    .unwrap_or_default();
                // The quiz page has no essay to link into.
                let link = if essay_links {
                    format!(
                        "<a class=\"to-essay\" href=\"#{}\">Read it in the essay</a>",
                        passage_id(&p.anchor)
                    )
                } else {
                    String::new()
                };
                let _ = write!(
                    s,
                    "<li><blockquote>{section}<p>{}</p></blockquote>{link}</li>",
                    text_lines(&p.text)
                );
            } else {
                let _ = write!(
                    s,
                    "<li class=\"missing\">A passage the essay does not have: <code>{}</code></li>",
                    escape_html(&p.anchor)
                );
            }
        }
        s.push_str("</ul>");
    }
    s
}

/// The essay, every passage with an id (`e-` and its anchor), the ones a region links to
/// marked and followed by links back to their regions.
fn essay_html(essay: &Essay, regions: &[RegionContent<'_>]) -> String {
    let mut linked: HashMap<&str, Vec<u32>> = HashMap::new();
    for rc in regions {
        for p in rc.passages.iter().filter(|p| p.found) {
            let ids = linked.entry(p.anchor.as_str()).or_default();
            if !ids.contains(&rc.region.id) {
                ids.push(rc.region.id);
            }
        }
    }
    let title = if essay.title.trim().is_empty() {
        "The essay".to_string()
    } else {
        format!("The essay: {}", inline_html(&essay.title))
    };
    let mut s = format!(
        "<section id=\"essay\" class=\"essay\" aria-labelledby=\"essay-heading\">\
         <h2 id=\"essay-heading\">{title}</h2>\
         <p class=\"hint\">Passages <mark class=\"sample\">marked like this</mark> are linked to \
         a region; the link after each one shows that region.</p>"
    );
    let mut in_list = false;
    for (i, p) in essay.passages.iter().enumerate() {
        let bullet = p.kind == PassageKind::Bullet;
        if bullet && !in_list {
            s.push_str("<ul>");
        } else if !bullet && in_list {
            s.push_str("</ul>");
        }
        in_list = bullet;
        // The title is the section's heading already.
        if i == 0 && p.kind == PassageKind::Heading(1) && p.plain_text() == essay.title {
            continue;
        }
        let ids = linked.get(p.anchor.as_str());
        let (class, data, back) = match ids {
            Some(ids) => {
                let links = ids
                    .iter()
                    .map(|id| {
                        format!(
                            "<a class=\"backlink\" href=\"#region-{id}\" data-region=\"{id}\">\
                             Region {id}</a>"
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                (
                    "passage linked",
                    format!(
                        " data-regions=\"{}\"",
                        ids.iter().map(u32::to_string).collect::<Vec<_>>().join(" ")
                    ),
                    format!(
                        " <span class=\"backlinks\"><span class=\"visually-hidden\">Linked to \
                         </span>{links}</span>"
                    ),
                )
            }
            None => ("passage", String::new(), String::new()),
        };
        let tag = match p.kind {
            PassageKind::Heading(level) => format!("h{}", (level + 1).clamp(3, 6)),
            PassageKind::Paragraph => "p".to_string(),
            PassageKind::Bullet => "li".to_string(),
        };
        let _ = write!(
            s,
            "<{tag} id=\"{}\" class=\"{class}\"{data}>{}{back}</{tag}>",
            passage_id(&p.anchor),
            inline_html(&p.text)
        );
    }
    if in_list {
        s.push_str("</ul>");
    }
    s.push_str("</section>");
    s
}

/// Sources and credits of both pictures, how they were put in one frame, and how the page was
/// made.
fn credits_html(input: &ExportInput<'_>, shown: (u32, u32)) -> String {
    let project = input.project;
    let mut s = String::from(
        "<footer class=\"credits\" aria-labelledby=\"credits-heading\">\
         <h2 id=\"credits-heading\">Sources and credits</h2><div class=\"credit-grid\">",
    );
    for (kind, entry) in [
        ("Original", &project.before),
        ("Altered print", &project.after),
    ] {
        let m = &entry.meta;
        let _ = write!(
            s,
            "<section class=\"credit\"><h3>{}</h3>",
            escape_html(&content::image_title(kind, m))
        );
        let rows: Vec<(&str, &str)> = [
            ("Credit", &m.credit),
            ("Source", &m.source),
            ("Date", &m.date),
            ("Archive", &m.archive),
            ("Licence", &m.licence),
            ("Note", &m.note),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.trim()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
        if rows.is_empty() {
            s.push_str("<p>No credit recorded.</p>");
        } else {
            s.push_str("<dl>");
            for (k, v) in rows {
                let _ = write!(s, "<dt>{k}</dt><dd>{}</dd>", escape_html(v));
            }
            s.push_str("</dl>");
        }
        s.push_str("</section>");
    }
    s.push_str("</div>");
    if let Some(a) = &project.alignment {
        let _ = write!(
            s,
            "<p>The altered print was aligned onto the original ({} fit, confidence {:.0} %) \
             and is shown in the original's frame; where it does not cover the original, the \
             page shows black.</p>",
            a.model,
            (a.confidence * 100.0).clamp(0.0, 100.0)
        );
    }
    let (w, h) = input.before.dimensions();
    let size = if shown == (w, h) {
        format!("Pictures shown at {w} × {h} pixels.")
    } else {
        format!(
            "Pictures reduced for this page to {} × {} pixels (from {w} × {h}).",
            shown.0, shown.1
        )
    };
    let _ = write!(
        s,
        "<p>{size} Made with Palimpsest {}. This page works offline: the pictures and \
         everything else are inside this one file, and nothing is fetched from a network.</p>\
         </footer>",
        env!("CARGO_PKG_VERSION")
    );
    s
}

fn image_alt(kind: &str, project: &Project, which: crate::project::Which) -> String {
    let meta = &project.image(which).meta;
    escape_html(&content::image_title(kind, meta))
}

/// The lesson's body: the pair in four modes, the regions' panel, the essay and the credits.
fn lesson_body(
    input: &ExportInput<'_>,
    regions: &[RegionContent<'_>],
    uris: (&str, &str),
    shown: (u32, u32),
) -> String {
    let project = input.project;
    let size = input.before.dimensions();
    let lang = content_lang(project);
    let title = escape_html(&content::title(project));
    let before_title = image_alt("Original", project, crate::project::Which::Before);
    let after_title = image_alt("Altered print", project, crate::project::Which::After);
    let mut s = format!(
        "<a class=\"skip\" href=\"#essay\">Skip to the essay</a>\
         <header class=\"top\"><h1{lang}>{title}</h1><p class=\"sub\">{before_title} and \
         {after_title} · {} · <span class=\"keys\">Keys: <kbd>←</kbd> <kbd>→</kbd> step through \
         the regions, <kbd>1</kbd>–<kbd>4</kbd> change the view</span></p></header>",
        content::count_regions(regions.len())
    );
    s.push_str(
        "<main class=\"lesson\"><section class=\"viewer\" aria-label=\"The two pictures\">\
         <div class=\"toolbar\"><div class=\"modes\" role=\"group\" aria-label=\"View\">",
    );
    for (i, (mode, label)) in [
        ("side", "Side by side"),
        ("swipe", "Swipe"),
        ("onion", "Onion skin"),
        ("blink", "Blink"),
    ]
    .iter()
    .enumerate()
    {
        let _ = write!(
            s,
            "<button type=\"button\" class=\"mode\" data-mode=\"{mode}\" aria-pressed=\"{}\" \
             aria-keyshortcuts=\"{n}\"><kbd aria-hidden=\"true\">{n}</kbd> {label}</button>",
            i == 0,
            n = i + 1
        );
    }
    s.push_str(
        "</div><div class=\"mode-controls\">\
         <label class=\"control\" data-for=\"swipe\" hidden>Divider \
         <input type=\"range\" id=\"swipe\" min=\"0\" max=\"100\" value=\"50\" \
         aria-label=\"Swipe divider: the original on its left, the altered print on its right\"></label>\
         <label class=\"control\" data-for=\"onion\" hidden>Altered print \
         <input type=\"range\" id=\"onion\" min=\"0\" max=\"100\" value=\"50\" \
         aria-label=\"Opacity of the altered print over the original\"></label>\
         <button type=\"button\" class=\"control\" data-for=\"blink\" id=\"blink-pause\" \
         aria-pressed=\"false\" hidden>Pause</button></div></div>",
    );
    let main_overlay = overlay(
        regions,
        size,
        true,
        "",
        " role=\"group\" aria-label=\"Outlined regions\"",
    );
    let copy_overlay = overlay(regions, size, false, "", " aria-hidden=\"true\"");
    let (w, h) = shown;
    let _ = write!(
        s,
        "<div id=\"stage\" class=\"stage mode-side\">\
         <figure class=\"pane pane-before\"><div class=\"frame\">\
         <img src=\"{}\" width=\"{w}\" height=\"{h}\" alt=\"{before_title}\">{main_overlay}</div>\
         <figcaption>{before_title}</figcaption></figure>\
         <figure class=\"pane pane-after\"><div class=\"frame\" id=\"after-frame\">\
         <img id=\"after-img\" src=\"{}\" width=\"{w}\" height=\"{h}\" \
         alt=\"{after_title}, aligned onto the original\">{copy_overlay}\
         <div class=\"divider\" id=\"divider\" hidden></div></div>\
         <figcaption>{after_title}</figcaption></figure></div>\
         <p class=\"stack-caption\" id=\"stack-caption\" hidden></p></section>",
        uris.0, uris.1
    );
    s.push_str("<aside class=\"panel\" aria-label=\"Regions\">");
    if regions.is_empty() {
        s.push_str(
            "<h2>Regions</h2><p class=\"empty\">No region was marked in this comparison.</p>",
        );
    } else {
        s.push_str(
            "<div class=\"stepper\"><button type=\"button\" id=\"prev\" \
             aria-label=\"Previous region\" aria-keyshortcuts=\"ArrowLeft\">← Previous</button>\
             <span id=\"position\" aria-live=\"polite\"></span>\
             <button type=\"button\" id=\"next\" aria-label=\"Next region\" \
             aria-keyshortcuts=\"ArrowRight\">Next →</button></div>\
             <h2 class=\"visually-hidden\">Regions</h2><ol class=\"region-list\">",
        );
        for rc in regions {
            let _ = write!(
                s,
                "<li><button type=\"button\" class=\"pick\" data-region=\"{id}\">{}\
                 <span{lang}>{}</span></button></li>",
                number_badge(rc),
                escape_html(&rc.label),
                id = rc.region.id
            );
        }
        s.push_str("</ol>");
        for rc in regions {
            let _ = write!(
                s,
                "<article class=\"region-detail\" id=\"region-{id}\" data-region=\"{id}\">{}</article>",
                region_body(rc, size, &lang, 2, true),
                id = rc.region.id
            );
        }
    }
    s.push_str("</aside></main>");
    s.push_str(&essay_html(input.essay, regions));
    s.push_str(&credits_html(input, shown));
    s
}

/// The quiz's body: the altered print to mark, the buttons, the result (filled in by the
/// script at the reveal), the original and the credits.
fn quiz_body(
    input: &ExportInput<'_>,
    regions: &[RegionContent<'_>],
    uris: (&str, &str),
    shown: (u32, u32),
) -> String {
    let project = input.project;
    let size = input.before.dimensions();
    let lang = content_lang(project);
    let title = escape_html(&content::title(project));
    let after_title = image_alt("Altered print", project, crate::project::Which::After);
    let before_title = image_alt("Original", project, crate::project::Which::Before);
    let (w, h) = shown;
    let truth = overlay(regions, size, false, "", " aria-hidden=\"true\"");
    let marks = format!(
        "<svg class=\"overlay marks\" id=\"marks\" viewBox=\"0 0 {} {}\" \
         preserveAspectRatio=\"none\" aria-hidden=\"true\"></svg>",
        size.0, size.1
    );
    let mut s = format!(
        "<header class=\"top\"><p class=\"kicker\">Spot the change</p><h1{lang}>{title}</h1>\
         <p class=\"instructions\" id=\"instructions\">Something in this print was removed or \
         changed. Click where you think it was, or drag a box around it; click a mark again to \
         take it back. With the keyboard: focus the picture, move the cross with the arrow keys \
         (with Shift, in larger steps), press Enter to mark and Backspace to take the last mark \
         back. When you are ready, press <strong>Reveal</strong>.</p></header>\
         <main class=\"quiz\"><section class=\"viewer\" aria-label=\"The altered print\">\
         <div id=\"stage\" class=\"stage mode-quiz\"><figure class=\"pane\">\
         <div class=\"frame\" id=\"quiz-frame\" tabindex=\"0\" role=\"img\" \
         aria-label=\"{after_title}. Mark where something was changed.\" \
         aria-describedby=\"instructions mark-count\">\
         <img src=\"{}\" width=\"{w}\" height=\"{h}\" alt=\"\">\
         <div class=\"truth\" id=\"truth\">{truth}</div>{marks}</div>\
         <figcaption>{after_title}</figcaption></figure></div>\
         <div class=\"quiz-controls\"><button type=\"button\" id=\"reveal\" class=\"primary\">\
         Reveal</button><button type=\"button\" id=\"undo\">Take back the last mark</button>\
         <button type=\"button\" id=\"restart\">Start again</button>\
         <button type=\"button\" id=\"print\" hidden>Print the result</button>\
         <span id=\"mark-count\" aria-live=\"polite\">No marks yet.</span></div></section>",
        uris.1
    );
    let _ = write!(
        s,
        "<section class=\"result\" id=\"result\" aria-labelledby=\"result-heading\" hidden \
         tabindex=\"-1\"><h2 id=\"result-heading\">Result</h2>\
         <p class=\"score\" id=\"score\"><strong>Score: <span id=\"found-count\">0</span> of \
         {}</strong> found · <span id=\"missed-count\">0</span> missed · \
         <span id=\"false-count\">0</span> <span id=\"false-word\">false marks</span></p>\
         <ol class=\"result-list\">",
        regions.len()
    );
    for rc in regions {
        let id = rc.region.id;
        let _ = write!(
            s,
            "<li class=\"result-item\" id=\"result-{id}\" data-region=\"{id}\">\
             <p class=\"status\" id=\"status-{id}\"></p>{}</li>",
            region_body(rc, size, &lang, 3, false)
        );
    }
    s.push_str("</ol><ul class=\"false-list\" id=\"false-list\"></ul>");
    let original = overlay(regions, size, false, "", " aria-hidden=\"true\"");
    let _ = write!(
        s,
        "<figure class=\"pane original\"><div class=\"frame\"><img src=\"{}\" width=\"{w}\" \
         height=\"{h}\" alt=\"{before_title}, with the changed regions outlined\">{original}\
         </div><figcaption>{before_title}: what the print looked like before</figcaption>\
         </figure></section></main>",
        uris.0
    );
    s.push_str(&credits_html(input, shown));
    s
}

/// The lesson page (or, with [`LessonOptions::quiz`], the quiz) of `input`, as one HTML
/// document.
///
/// # Errors
/// An empty original, or a picture that cannot be encoded.
pub fn page(input: &ExportInput<'_>, options: &LessonOptions) -> Result<String> {
    let project = input.project;
    let (w, h) = input.before.dimensions();
    anyhow::ensure!(w > 0 && h > 0, "the original picture is empty");
    let max_side = options
        .max_side
        .clamp(*MAX_SIDE_RANGE.start(), *MAX_SIDE_RANGE.end());
    let before = reduce(input.before, max_side);
    let shown = before.dimensions();
    // The after image is in the original's frame, so it is reduced to the same size.
    let after = if input.after_aligned.dimensions() == (w, h) {
        reduce(input.after_aligned, max_side)
    } else {
        Cow::Owned(image::imageops::resize(
            input.after_aligned,
            shown.0,
            shown.1,
            image::imageops::FilterType::CatmullRom,
        ))
    };
    let (before_uri, after_uri) = rayon::join(|| jpeg_data_uri(&before), || jpeg_data_uri(&after));
    let (before_uri, after_uri) = (before_uri?, after_uri?);
    let regions = content::regions_content(project, input.essay);
    let (body, script) = if options.quiz {
        (
            quiz_body(input, &regions, (&before_uri, &after_uri), shown),
            QUIZ_JS,
        )
    } else {
        (
            lesson_body(input, &regions, (&before_uri, &after_uri), shown),
            LESSON_JS,
        )
    };
    let data = serde_json::json!({
        "width": w,
        "height": h,
        "tolerance": QUIZ_TOLERANCE * f64::from(w.max(h)),
        "storageKey": format!("palimpsest-quiz-{}", project.uuid()),
        "regions": regions.iter().map(|rc| serde_json::json!({
            "id": rc.region.id,
            "bbox": [rc.region.bbox.x, rc.region.bbox.y, rc.region.bbox.width, rc.region.bbox.height],
            "polygon": rc.region.polygon,
        })).collect::<Vec<_>>(),
    });
    // The frame's aspect ratio, so the outlines sit exactly on the picture at any size.
    let style = format!(
        "{CSS}\n:root {{ --aspect: {:.6}; }}\n",
        f64::from(w) / f64::from(h)
    );
    let csp = format!(
        "default-src 'none'; img-src data:; style-src {}; script-src {}; base-uri 'none'; \
         form-action 'none'",
        csp_hash(&style),
        csp_hash(script)
    );
    let page_title = if options.quiz {
        format!("Spot the change: {}", content::title(project))
    } else {
        content::title(project)
    };
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"generator\" content=\"Palimpsest {}\">\n<title>{}</title>\n\
         <style>{style}</style>\n</head>\n<body class=\"{}\">\n{body}\n\
         <script type=\"application/json\" id=\"lesson-data\">{}</script>\n\
         <script>{script}</script>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape_html(&page_title),
        if options.quiz {
            "quiz-page"
        } else {
            "lesson-page"
        },
        script_json(&data),
    ))
}

#[cfg(test)]
mod tests;
