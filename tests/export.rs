//! Exports of a small in-memory project: the reveal animations decode with the expected frames,
//! the PDF handout parses with its pages and text, the Web Annotation has the W3C model's
//! required fields, the CSV parses back, outputs are atomic and never overwrite an input, and
//! `palimpsest export` writes everything from a saved project.

#![allow(
    clippy::unwrap_used,
    clippy::type_complexity,
    reason = "test code: a failed unwrap is a failed test"
)]
#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail loudly on a broken fixture"
)]

mod export_fixture;

use std::io::Cursor;
use std::process::Command;

use export_fixture::fixture;
use image::AnimationDecoder;
use palimpsest::export::{
    self, Base, PageSize, RevealOptions, WebAnnotationOptions, reveal_frame_count, reveal_frames,
};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;
use palimpsest::job::{self, Count, Job};
use palimpsest::output::OutputSet;

fn small_reveal() -> RevealOptions {
    RevealOptions {
        max_side: 200,
        fade_frames: 3,
        ..RevealOptions::default()
    }
}

#[test]
fn gif_reveal_decodes_with_expected_frames_and_size() {
    let f = fixture();
    let options = small_reveal();
    let frames = reveal_frames(&f.input(), &options);
    assert_eq!(frames.len(), reveal_frame_count(&options));
    assert_eq!(frames.len(), 8);
    let bytes = export::encode_gif(&frames, Job::none()).unwrap();
    let decoder = image::codecs::gif::GifDecoder::new(Cursor::new(&bytes)).unwrap();
    let decoded = decoder.into_frames().collect_frames().unwrap();
    assert_eq!(decoded.len(), 8);
    for d in &decoded {
        assert_eq!(d.buffer().dimensions(), (200, 150));
    }
    // The first frame is the altered print, held; the middle hold is the original.
    let (num, den) = decoded[0].delay().numer_denom_ms();
    assert_eq!(num / den, options.hold_ms);
    // The banner is grey in the altered print and red in the original.
    let at = |i: usize| decoded[i].buffer().get_pixel(170, 27).0;
    assert!(at(0)[0].abs_diff(at(0)[1]) < 30, "{:?}", at(0));
    assert!(at(4)[0] > at(4)[1] + 60, "{:?}", at(4));
    // Loops forever.
    assert!(bytes.windows(11).any(|w| w == b"NETSCAPE2.0"));
}

#[test]
fn apng_reveal_decodes_with_expected_frames_and_size() {
    let f = fixture();
    let options = small_reveal();
    let frames = reveal_frames(&f.input(), &options);
    let bytes = export::encode_apng(&frames, Job::none()).unwrap();
    let decoder = image::codecs::png::PngDecoder::new(Cursor::new(&bytes)).unwrap();
    assert!(decoder.is_apng().unwrap());
    let decoded = decoder
        .apng()
        .unwrap()
        .into_frames()
        .collect_frames()
        .unwrap();
    assert_eq!(decoded.len(), frames.len());
    for (d, f) in decoded.iter().zip(&frames) {
        assert_eq!(d.buffer().dimensions(), (200, 150));
        // Lossless: the decoded frame is the frame.
        let rgb = image::DynamicImage::ImageRgba8(d.buffer().clone()).into_rgb8();
        assert_eq!(&rgb, &f.image);
    }
    // Loops forever: acTL num_plays = 0.
    let actl = bytes.windows(4).position(|w| w == b"acTL").unwrap();
    assert_eq!(&bytes[actl + 8..actl + 12], &[0, 0, 0, 0]);
}

fn pdf_text(bytes: &[u8]) -> (usize, String) {
    let doc = lopdf::Document::load_mem(bytes).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("text extracts");
    (pages.len(), text)
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn pdf_handout_has_pages_fonts_and_every_label_and_note() {
    let f = fixture();
    for size in [PageSize::A4, PageSize::Letter] {
        let bytes = export::pdf_handout(&f.input(), Base::Before, size, Job::none()).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        let pages = doc.get_pages();
        // The pair with its outlines on the first page, the two regions' notes on the second:
        // a third page would be a wasted sheet for two short notes.
        assert_eq!(pages.len(), 2, "{size:?}");
        // Page size.
        let (w, h) = size.points();
        let first = doc
            .get_object(*pages.values().next().unwrap())
            .unwrap()
            .as_dict()
            .unwrap();
        let media = first.get(b"MediaBox").unwrap().as_array().unwrap();
        let num = |o: &lopdf::Object| o.as_float().unwrap_or_else(|_| o.as_i64().unwrap() as f32);
        assert!((num(&media[2]) - w).abs() < 0.5 && (num(&media[3]) - h).abs() < 0.5);
        // Embedded fonts: every font has a font file.
        let mut embedded = 0;
        for obj in doc.objects.values() {
            if let Ok(d) = obj.as_dict()
                && d.get(b"Type").ok().and_then(|t| t.as_name().ok())
                    == Some(b"FontDescriptor".as_slice())
            {
                assert!(d.has(b"FontFile2") || d.has(b"FontFile3") || d.has(b"FontFile"));
                embedded += 1;
            }
        }
        assert!(embedded >= 2, "{embedded} embedded fonts");

        let (_, text) = pdf_text(&bytes);
        let text = squash(&text);
        for r in f.project.regions.iter().filter(|r| !r.hidden) {
            assert!(
                text.contains(&squash(&r.label)),
                "label {:?} missing from\n{text}",
                r.label
            );
            assert!(
                text.contains(&squash(&r.note)),
                "note {:?} missing from\n{text}",
                r.note
            );
        }
        assert!(!text.contains("Hidden region"));
        assert!(text.contains(&f.project.title));
        assert!(text.contains("Trotsky was erased from official photographs and records."));
        assert!(text.contains("G. P. Goldshtein"));
        assert!(text.contains("Essay passage not found: no-such/anchor"));
    }
}

#[test]
fn web_annotation_has_the_w3c_required_fields() {
    let f = fixture();
    let value = export::web_annotation(&f.project, &f.essay, &WebAnnotationOptions::default());
    // Round trip through text, as a reader would get it.
    let text = serde_json::to_string_pretty(&value).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["@context"], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(v["type"], "AnnotationCollection");
    assert!(v["id"].as_str().unwrap().contains(':'));
    assert_eq!(v["total"], 2);
    assert_eq!(v["first"]["type"], "AnnotationPage");
    let items = v["first"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let mut ids = std::collections::HashSet::new();
    for (a, r) in items
        .iter()
        .zip(f.project.regions.iter().filter(|r| !r.hidden))
    {
        assert!(
            ids.insert(a["id"].as_str().unwrap().to_string()),
            "ids are unique"
        );
        assert_eq!(a["type"], "Annotation");
        assert!(a["motivation"].is_string());
        let target = &a["target"];
        let source = target["source"].as_str().unwrap();
        assert!(
            source.starts_with("file:///") && source.ends_with("/before.png"),
            "{source}"
        );
        let selectors = target["selector"].as_array().unwrap();
        let frag = selectors
            .iter()
            .find(|s| s["type"] == "FragmentSelector")
            .unwrap();
        assert_eq!(frag["conformsTo"], "http://www.w3.org/TR/media-frags/");
        let b = r.bbox;
        assert_eq!(
            frag["value"],
            format!(
                "xywh=pixel:{},{},{},{}",
                b.x as i64, b.y as i64, b.width as i64, b.height as i64
            )
        );
        let svg = selectors
            .iter()
            .find(|s| s["type"] == "SvgSelector")
            .unwrap();
        let svg = svg["value"].as_str().unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("<polygon points='") && svg.ends_with("</svg>")
        );
        assert_eq!(svg.matches(',').count(), r.polygon.len());
        let bodies = a["body"].as_array().unwrap();
        for body in bodies {
            assert!(body["type"] == "TextualBody" || body["type"] == "SpecificResource");
            if body["type"] == "TextualBody" {
                assert!(body["value"].is_string());
            } else {
                assert!(body["source"].is_string());
            }
        }
        let purpose = |p: &str| bodies.iter().filter(|b| b["purpose"] == p).count();
        assert_eq!(purpose("describing"), 1);
        assert_eq!(purpose("commenting"), 1);
        assert_eq!(purpose("tagging"), r.tags.len());
        assert_eq!(purpose("linking"), r.links.len());
        assert!(bodies.iter().any(|b| b["value"] == r.label.as_str()));
        assert!(bodies.iter().any(|b| b["value"] == r.note.as_str()));
    }
    // The first region's link quotes its passage.
    assert!(
        text.contains("Trotsky was *erased* from official photographs and records.")
            || text.contains("Trotsky was erased from official photographs and records.")
    );

    let options = WebAnnotationOptions {
        image_iri: Some("https://example.org/iiif/canvas/1".to_string()),
        ..WebAnnotationOptions::default()
    };
    let v = export::web_annotation(&f.project, &f.essay, &options);
    assert_eq!(
        v["first"]["items"][0]["target"]["source"],
        "https://example.org/iiif/canvas/1"
    );
}

/// A strict RFC 4180 reader, to check the writer.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else {
            match c {
                '"' => {
                    assert!(field.is_empty(), "quote inside an unquoted field");
                    quoted = true;
                }
                ',' => row.push(std::mem::take(&mut field)),
                '\r' => {
                    assert_eq!(chars.next(), Some('\n'));
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                _ => field.push(c),
            }
        }
    }
    assert!(
        !quoted && field.is_empty() && row.is_empty(),
        "CSV ends with CRLF"
    );
    rows
}

#[test]
fn csv_parses_back() {
    let mut f = fixture();
    f.project.regions[0].note = "Line one, with a comma\nand a \"quoted\" line two".to_string();
    let text = export::csv(&f.project);
    let rows = parse_csv(&text);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0], export::regions_csv::CSV_COLUMNS);
    for row in &rows {
        assert_eq!(row.len(), rows[0].len());
    }
    assert_eq!(rows[1][0], "1");
    assert_eq!(rows[1][1], "Leon Trotsky");
    assert_eq!(rows[1][2], f.project.regions[0].note);
    assert_eq!(rows[1][3], "figure removed; background retouched");
    assert_eq!(rows[2][1], "Banner, \"retouched\"");
    assert_eq!(
        rows[2][4],
        "control-of-media-and-historical-narrative/historical-revisionism-under-stalin/2; no-such/anchor"
    );
    assert_eq!(&rows[1][5..9], ["238", "146", "36", "72"]);
    assert_eq!(rows[1][11], "238 146;272 146;274 218;238 218");
}

#[test]
fn slides_have_the_right_count_and_size() {
    let f = fixture();
    let slides = export::slides(&f.input(), Base::Before);
    let deck = palimpsest::export::slides::Deck::new(&f.project, &f.essay);
    assert_eq!(slides.len(), deck.len());
    // The title, then region 1 (its note, then its passage on a continuation) and region 2
    // (its note, then its broken link on a continuation).
    assert_eq!(
        export::slide_paths(&f.project, &f.essay, std::path::Path::new(""))
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect::<Vec<_>>(),
        [
            "00-title.png",
            "01-region-1.png",
            "02-region-1-cont1.png",
            "03-region-2.png",
            "04-region-2-cont1.png"
        ]
    );
    for s in &slides {
        assert_eq!(s.dimensions(), (1920, 1080));
    }
}

/// The height in pixels of glyph `c` set in `font` at `px` (imageproc's scale), from its
/// outline: the yardstick for turning a measured ink height back into a type size.
fn glyph_height(font: &ab_glyph::FontRef<'static>, c: char, px: f32) -> f32 {
    use ab_glyph::{Font, ScaleFont};
    let scaled = font.as_scaled(px);
    let glyph = scaled.scaled_glyph(c);
    font.outline_glyph(glyph).unwrap().px_bounds().height()
}

/// The caption on a projected slide reads from the back row, measured on the rendered slides
/// rather than on the layout's numbers: every text line in the caption panel of a region's
/// slide and of its continuations (label, tags, the long note, the essay heading and the
/// passage) is found by its ink rows and its colour, its ink height is turned back into a type
/// size through the face's own glyph height and then into an em, and each must reach 4.4 % of
/// the slide's height (47.5 px on 1080: 24 pt on a 7.5 in slide); the label must be larger
/// than the note. The texts are capitals without descenders or punctuation (and tags set in
/// letters with ascenders only), so a line's ink height is one glyph height. A row counts as
/// ink where a pixel is brighter than luma 100, below the midpoint between the surround and
/// any text colour, so antialiased edges count and no slack is added. The long note is not
/// cut: it goes on over continuation slides, each headed "(cont.)".
#[test]
fn slide_captions_render_at_24_points_and_long_notes_continue() {
    use palimpsest::export::caption::{BADGE_R, EM_PER_PX};
    use palimpsest::export::slides::{MUTED, PASSAGE, SlideLayout, TEXT};
    let mut f = fixture();
    f.essay = palimpsest::essay::Essay::parse(
        "# THE ESSAY\n\n## MEDIA\n\n### REVISION\n\n\
         - THE HISTORIES WERE REWRITTEN TO CREDIT STALIN WITH THE VICTORIES OF THE CIVIL WAR \
         AND THE NAMES OF HIS RIVALS WERE TAKEN OUT OF THE BOOKS AND THE PHOTOGRAPHS ALIKE\n",
    );
    let anchor = f
        .essay
        .passages
        .iter()
        .find(|p| p.kind == palimpsest::essay::PassageKind::Bullet)
        .unwrap()
        .anchor
        .clone();
    let r = &mut f.project.regions[0];
    r.label = "TROTSKY".to_string();
    r.tags = vec![palimpsest::project::Tag::TextAltered];
    // Long enough for several slides.
    r.note = "THE STEPS BESIDE THE PODIUM WERE EMPTY IN THE PRINT ".repeat(12);
    r.links = vec![anchor];
    let deck = export::slides(&f.input(), Base::Before);
    let names = export::slide_paths(&f.project, &f.essay, std::path::Path::new("deck"));
    assert_eq!(names.len(), deck.len());
    let ours: Vec<usize> = names
        .iter()
        .enumerate()
        .filter(|(_, p)| p.to_string_lossy().contains("-region-1"))
        .map(|(i, _)| i)
        .collect();
    assert!(ours.len() >= 3, "a long note continues: {names:?}");
    for (k, &i) in ours.iter().enumerate() {
        let cont = names[i].to_string_lossy().contains("-cont");
        assert_eq!(cont, k > 0, "{:?}", names[i]);
    }

    let (regular, bold, oblique) = (
        palimpsest::fonts::sans(),
        palimpsest::fonts::sans_bold(),
        palimpsest::fonts::sans_oblique(),
    );
    let mut kinds = Vec::new();
    let mut label_em = 0.0_f32;
    let mut note_em = f32::INFINITY;
    for (k, &i) in ours.iter().enumerate() {
        let slide = &deck[i];
        let l = SlideLayout::for_size(slide.width() as f32, slide.height() as f32);
        let cp = l.caption_panel;
        // Right of the badge and the passage's bar, above the overview map.
        let x0 = (cp.x + (2.0 * BADGE_R + 28.0) * l.u).ceil() as u32;
        let x1 = (cp.x + cp.w) as u32;
        // The overview map's outline is drawn just outside its box.
        let y1 = l.overview(f.before.width(), f.before.height()).y as u32 - 4;
        let label_band = cp.y + (2.0 * BADGE_R + 16.0) * l.u;
        let luma =
            |p: &image::Rgb<u8>| (u32::from(p[0]) * 3 + u32::from(p[1]) * 6 + u32::from(p[2])) / 10;
        let ink_row = |y: u32| (x0..x1).any(|x| luma(slide.get_pixel(x, y)) > 100);
        // Runs of ink rows: (top, height, the text colour most of their pixels have).
        let mut lines: Vec<(u32, u32, [u8; 3])> = Vec::new();
        let mut y = cp.y as u32;
        while y < y1 {
            if !ink_row(y) {
                y += 1;
                continue;
            }
            let top = y;
            while y < y1 && ink_row(y) {
                y += 1;
            }
            let count = |c: [u8; 3]| {
                (top..y)
                    .flat_map(|yy| (x0..x1).map(move |x| (x, yy)))
                    .filter(|&(x, yy)| slide.get_pixel(x, yy).0 == c)
                    .count()
            };
            let colour = [TEXT, MUTED, PASSAGE]
                .into_iter()
                .max_by_key(|c| count(*c))
                .unwrap();
            lines.push((top, y - top, colour));
        }
        let mut seen_tags = false;
        for &(top, height, colour) in &lines {
            // Each glyph sets the ink height of its kind of line.
            let (kind, font, glyph) = match colour {
                _ if (top as f32) < label_band => {
                    if k > 0 {
                        // "TROTSKY (cont.)": the brackets reach below the baseline.
                        continue;
                    }
                    ("label", &bold, 'H')
                }
                c if c == MUTED && k == 0 && !seen_tags => {
                    seen_tags = true;
                    ("tags", &regular, 'l')
                }
                c if c == MUTED => ("heading", &bold, 'H'),
                c if c == PASSAGE => ("passage", &oblique, 'H'),
                _ => ("note", &regular, 'H'),
            };
            let ratio = glyph_height(font, glyph, 1000.0) / 1000.0;
            let em = height as f32 / ratio * EM_PER_PX;
            if kind == "label" {
                label_em = label_em.max(em);
            } else {
                assert!(
                    em >= 0.044 * slide.height() as f32,
                    "the {kind} line at y {top} of slide {i} is {height} px of ink, an em of \
                     {em:.1} px: under 4.4 % of {} (lines: {lines:?})",
                    slide.height()
                );
            }
            if kind == "note" {
                note_em = note_em.min(em);
            }
            kinds.push(kind);
        }
    }
    for kind in ["label", "tags", "note", "heading", "passage"] {
        assert!(
            kinds.contains(&kind),
            "no {kind} line found in the caption: {kinds:?}"
        );
    }
    assert!(label_em > note_em * 1.1, "label {label_em} note {note_em}");
    assert!(
        kinds.iter().filter(|k| **k == "note").count() >= 12,
        "the long note fills many lines: {kinds:?}"
    );
}

/// What a cancellable export run reported: the counts in order, and how it ended.
struct Cancellable {
    counts: Vec<(usize, usize)>,
    result: anyhow::Result<()>,
}

/// Stages the fixture's slides into `deck` as the app and the CLI do, on one thread (so the
/// order is fixed), with a cancel flag that is set before the start (`cancel_after: None`) or
/// once `cancel_after` slides are done; commits only when staging succeeded. The staged set is
/// dropped before returning, as a cancelled export's is.
fn slides_cancelled(deck: &std::path::Path, cancel_after: Option<usize>) -> Cancellable {
    let f = fixture();
    let input = f.input();
    let flag = AtomicBool::new(cancel_after.is_none());
    let counts = Mutex::new(Vec::new());
    let on_count = |c: Count| {
        assert_eq!(c.unit, "slides");
        counts.lock().unwrap().push((c.done, c.total));
        if cancel_after.is_some_and(|n| c.done >= n) {
            flag.store(true, Ordering::Relaxed);
        }
    };
    let job = Job::new(None, Some(&flag)).with_count(&on_count);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let result = pool.install(|| {
        let paths = export::slide_paths(&f.project, &f.essay, deck);
        let mut set = OutputSet::new();
        for p in &paths {
            set.output(p)?;
        }
        export::stage_slides(&input, Base::Before, &paths, &set, job)?;
        set.commit()?;
        anyhow::Ok(())
    });
    Cancellable {
        counts: counts.into_inner().unwrap(),
        result,
    }
}

#[test]
fn cancelled_slides_stop_between_slides_and_leave_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("deck");

    // Cancelled before the first slide: nothing is drawn, no folder is made.
    let before = slides_cancelled(&deck, None);
    let err = before.result.expect_err("a cancelled export is no success");
    assert!(job::is_cancelled(err.as_ref()), "{err:#}");
    assert_eq!(before.counts, vec![(0, 5)], "no slide is counted");
    assert!(!deck.exists(), "nothing written");

    // Cancelled once the first of five slides is done: the second never starts, and the
    // staged first slide goes away with its folder.
    let midway = slides_cancelled(&deck, Some(1));
    let err = midway.result.expect_err("a cancelled export is no success");
    assert!(job::is_cancelled(err.as_ref()), "{err:#}");
    assert_eq!(midway.counts, vec![(0, 5), (1, 5)], "stops after one slide");
    assert!(!deck.exists(), "nothing written, not even the folder");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    // Not cancelled: every slide is counted and written.
    let whole = slides_cancelled(&deck, Some(usize::MAX));
    whole.result.unwrap();
    assert_eq!(whole.counts, (0..=5).map(|i| (i, 5)).collect::<Vec<_>>());
    assert_eq!(std::fs::read_dir(&deck).unwrap().count(), 5);
}

#[test]
fn cancelled_animation_and_handout_stop_with_cancelled() {
    let f = fixture();
    let input = f.input();
    let frames = reveal_frames(&input, &small_reveal());
    // The GIF stops after the frame during which Cancel was pressed.
    let flag = AtomicBool::new(false);
    let done = Mutex::new(0);
    let on_count = |c: Count| {
        assert_eq!((c.unit, c.total), ("frames", frames.len()));
        *done.lock().unwrap() = c.done;
        if c.done == 2 {
            flag.store(true, Ordering::Relaxed);
        }
    };
    let job = Job::new(None, Some(&flag)).with_count(&on_count);
    let err = export::encode_gif(&frames, job)
        .context("GIF out.gif")
        .expect_err("cancelled");
    assert!(
        job::is_cancelled(err.as_ref()),
        "seen through context: {err:#}"
    );
    assert_eq!(*done.lock().unwrap(), 2);
    let err = export::encode_apng(&frames, job).expect_err("still cancelled");
    assert!(job::is_cancelled(err.as_ref()), "{err:#}");
    // The handout counts its pages, and stops when cancelled.
    let pages = Mutex::new(Vec::new());
    let on_page = |c: Count| pages.lock().unwrap().push((c.unit, c.done, c.total));
    let watched = Job::none().with_count(&on_page);
    let bytes = export::pdf_handout(&input, Base::Before, PageSize::A4, watched).unwrap();
    let (n, _) = pdf_text(&bytes);
    let pages = pages.into_inner().unwrap();
    assert_eq!(pages.first(), Some(&("pages", 0, n)));
    assert_eq!(pages.last(), Some(&("pages", n, n)));
    let stopped = AtomicBool::new(true);
    let err = export::pdf_handout(
        &input,
        Base::Before,
        PageSize::A4,
        Job::new(None, Some(&stopped)),
    )
    .expect_err("cancelled");
    assert!(job::is_cancelled(err.as_ref()), "{err:#}");
}

#[test]
fn write_atomic_replaces_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    export::write_atomic(&path, b"first").unwrap();
    export::write_atomic(&path, b"second").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"second");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // A folder that does not exist is an error naming the path.
    let err = export::write_atomic(&dir.path().join("missing/x.png"), b"x").unwrap_err();
    assert!(format!("{err:#}").contains("missing/x.png"));
}

fn saved_project(dir: &std::path::Path) -> std::path::PathBuf {
    let f = fixture();
    f.before.save(dir.join("before.png")).unwrap();
    f.after.save(dir.join("after.png")).unwrap();
    let mut project = f.project.clone();
    // The bundled essay has the revisionism section, so the fixture's anchors resolve there.
    project.essay = None;
    project.before.path = dir.join("before.png");
    project.after.path = dir.join("after.png");
    let path = dir.join("case.palimpsest.json");
    project.save(&path).unwrap();
    path
}

#[test]
fn cli_exports_everything_from_a_saved_project() {
    let dir = tempfile::tempdir().unwrap();
    let project = saved_project(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let keep = std::env::var_os("EXPORT_KEEP").map(std::path::PathBuf::from);
    let status = Command::new(env!("CARGO_BIN_EXE_palimpsest"))
        .arg("export")
        .arg(&project)
        .args(["--png", "out/annotated.png"])
        .args(["--side-by-side", "out/pair.jpg"])
        .args(["--slides", "out/slides"])
        .args(["--gif", "out/reveal.gif"])
        .args(["--apng", "out/reveal.png"])
        .args(["--pdf", "out/handout.pdf", "--page-size", "letter"])
        .args(["--web-annotation", "out/annotations.jsonld"])
        .args(["--csv", "out/regions.csv"])
        .args(["--base", "after"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    for name in [
        "annotated.png",
        "pair.jpg",
        "reveal.gif",
        "reveal.png",
        "handout.pdf",
        "annotations.jsonld",
        "regions.csv",
        "slides/00-title.png",
        "slides/01-region-1.png",
        "slides/02-region-1-cont1.png",
        "slides/03-region-2.png",
        "slides/04-region-2-cont1.png",
    ] {
        let p = out.join(name);
        assert!(
            p.metadata().map(|m| m.len() > 0).unwrap_or(false),
            "{name} missing"
        );
    }
    assert!(
        std::fs::read_dir(out.join("slides")).unwrap().count() == 5,
        "hidden regions get no slide"
    );
    assert_eq!(
        image::ImageReader::open(out.join("pair.jpg"))
            .unwrap()
            .with_guessed_format()
            .unwrap()
            .format(),
        Some(image::ImageFormat::Jpeg)
    );
    let bytes = std::fs::read(out.join("handout.pdf")).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page = doc
        .get_object(*doc.get_pages().values().next().unwrap())
        .unwrap()
        .as_dict()
        .unwrap();
    let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
    let width = media[2]
        .as_float()
        .unwrap_or_else(|_| media[2].as_i64().unwrap() as f32);
    assert!((width - 612.0).abs() < 0.5, "Letter width, got {width}");
    // EXPORT_KEEP=DIR keeps the outputs to look at.
    if let Some(keep) = keep {
        std::fs::create_dir_all(keep.join("slides")).unwrap();
        for e in walk(&out) {
            std::fs::copy(&e, keep.join(e.strip_prefix(&out).unwrap())).unwrap();
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}

#[test]
fn cli_refuses_to_overwrite_a_source_image_and_needs_an_output() {
    let dir = tempfile::tempdir().unwrap();
    let project = saved_project(dir.path());
    let before = std::fs::read(dir.path().join("before.png")).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_palimpsest"))
            .arg("export")
            .arg(&project)
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = run(&["--png", "before.png"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing to overwrite"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one-line error: {err}");
    assert_eq!(
        std::fs::read(dir.path().join("before.png")).unwrap(),
        before
    );

    let out = run(&["--pdf", "case.palimpsest.json"]);
    assert!(!out.status.success());

    let out = run(&[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to export"));

    let out = Command::new(env!("CARGO_BIN_EXE_palimpsest"))
        .args(["export", "no-such.palimpsest.json", "--csv", "x.csv"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.trim_end().ends_with("no-such.palimpsest.json"),
        "the path comes last, once: {err}"
    );
    assert_eq!(err.matches("No such file").count(), 1, "{err}");
}

// ---------------------------------------------------------------------------------------------
// Web Annotation against the W3C model's MUSTs

/// True for an RFC 3986 URI: ASCII, a scheme, then only URI characters (percent escapes
/// well formed). This is JSON Schema's `format: uri`.
fn is_rfc3986_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut sc = scheme.chars();
    if !sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !sc.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        || rest.is_empty()
    {
        return false;
    }
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return false;
            }
            i += 3;
            continue;
        }
        if !(c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c)) {
            return false;
        }
        i += 1;
    }
    true
}

/// A JSON Schema validator for exactly the draft-04 keywords `musts.schema.json` uses; any
/// other keyword fails the test, so the schema cannot hold a check that is not run. Returns
/// the first failure as a JSON pointer and reason.
fn validate(
    schema: &serde_json::Value,
    root: &serde_json::Value,
    v: &serde_json::Value,
    at: &str,
) -> Result<(), String> {
    let obj = schema
        .as_object()
        .ok_or_else(|| format!("{at}: schema is not an object"))?;
    for (k, s) in obj {
        match k.as_str() {
            "$schema" | "title" | "description" | "definitions" => {}
            "$ref" => {
                let name = s.as_str().unwrap().strip_prefix("#/definitions/").unwrap();
                validate(&root["definitions"][name], root, v, at)?;
            }
            "type" => {
                let ok = match s.as_str().unwrap() {
                    "object" => v.is_object(),
                    "array" => v.is_array(),
                    "string" => v.is_string(),
                    "integer" => v.is_i64() || v.is_u64(),
                    other => panic!("type {other} not implemented"),
                };
                if !ok {
                    return Err(format!("{at}: not of type {s}"));
                }
            }
            "enum" => {
                if !s.as_array().unwrap().contains(v) {
                    return Err(format!("{at}: {v} not one of {s}"));
                }
            }
            "format" => {
                assert_eq!(s, "uri", "only format uri is implemented");
                if let Some(text) = v.as_str()
                    && !is_rfc3986_uri(text)
                {
                    return Err(format!("{at}: {text:?} is not a URI"));
                }
            }
            "required" => {
                for key in s.as_array().unwrap() {
                    if v.is_object() && v.get(key.as_str().unwrap()).is_none() {
                        return Err(format!("{at}: missing {key}"));
                    }
                }
            }
            "properties" => {
                if let Some(o) = v.as_object() {
                    for (key, sub) in s.as_object().unwrap() {
                        if let Some(child) = o.get(key) {
                            validate(sub, root, child, &format!("{at}/{key}"))?;
                        }
                    }
                }
            }
            "items" => {
                if let Some(a) = v.as_array() {
                    for (i, child) in a.iter().enumerate() {
                        validate(s, root, child, &format!("{at}/{i}"))?;
                    }
                }
            }
            "minItems" | "maxItems" => {
                if let Some(a) = v.as_array() {
                    let n = s.as_u64().unwrap() as usize;
                    if (k == "minItems" && a.len() < n) || (k == "maxItems" && a.len() > n) {
                        return Err(format!("{at}: {k} {n}"));
                    }
                }
            }
            "minimum" => {
                if let Some(n) = v.as_f64()
                    && n < s.as_f64().unwrap()
                {
                    return Err(format!("{at}: below {s}"));
                }
            }
            "allOf" => {
                for sub in s.as_array().unwrap() {
                    validate(sub, root, v, at)?;
                }
            }
            "oneOf" => {
                let results: Vec<Result<(), String>> = s
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|sub| validate(sub, root, v, at))
                    .collect();
                let passed = results.iter().filter(|r| r.is_ok()).count();
                if passed != 1 {
                    let why: Vec<String> = results.into_iter().filter_map(Result::err).collect();
                    return Err(format!(
                        "{at}: {passed} of oneOf match ({})",
                        why.join("; ")
                    ));
                }
            }
            "not" => {
                if validate(s, root, v, at).is_ok() {
                    return Err(format!("{at}: matches a `not`"));
                }
            }
            other => panic!("keyword {other} is not implemented by this validator"),
        }
    }
    Ok(())
}

fn musts_schema() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/annotation-model/musts.schema.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn web_annotation_meets_the_w3c_musts_for_a_cyrillic_project() {
    let f = fixture();
    let mut project = f.project.clone();
    project.title = "Исчезнувшие: Ленин на Свердловской площади, 5 мая 1920".to_owned();
    project.language = "ru".to_owned();
    project.before.path = std::path::PathBuf::from("/архив/снимки/до правки.jpg");
    let value = export::web_annotation(&project, &f.essay, &WebAnnotationOptions::default());
    let schema = musts_schema();
    validate(&schema, &schema, &value, "").unwrap();
    let text = serde_json::to_string(&value).unwrap();
    let items = value["first"]["items"].as_array().unwrap();
    let mut ids = std::collections::HashSet::new();
    for a in items {
        let id = a["id"].as_str().unwrap();
        assert!(id.is_ascii() && id.starts_with("urn:uuid:"), "{id}");
        assert!(ids.insert(id.to_owned()));
        let source = a["target"]["source"].as_str().unwrap();
        assert!(
            source.starts_with("file:///") && source.is_ascii(),
            "{source}"
        );
        assert_eq!(a["target"]["selector"][0]["type"], "SvgSelector");
        assert!(a["created"].is_string() && a["creator"].is_object());
        for body in a["body"].as_array().unwrap() {
            if body["type"] == "TextualBody" && body["purpose"] != "tagging" {
                assert_eq!(body["language"], "ru");
            }
            if body["purpose"] == "commenting" {
                assert_eq!(body["format"], "text/markdown");
            }
            if body["purpose"] == "linking" {
                assert_eq!(
                    body["selector"][0]["conformsTo"],
                    "http://tools.ietf.org/rfc/rfc3236"
                );
            }
        }
    }
    assert_eq!(value["last"], value["first"]["id"]);
    assert_eq!(value["first"]["partOf"], value["id"]);
    assert!(
        text.contains("Исчезнувшие"),
        "the title stays readable in the label"
    );
    // Ids are the project's: the same project exports the same ids, another gets others.
    let again = export::web_annotation(&project, &f.essay, &WebAnnotationOptions::default());
    assert_eq!(again["id"], value["id"]);
    let mut other = project.clone();
    other.id = "0b5c1d2e-1111-8000-8000-000000000001".to_owned();
    let other = export::web_annotation(&other, &f.essay, &WebAnnotationOptions::default());
    assert_ne!(other["id"], value["id"]);
    assert_eq!(other["id"], "urn:uuid:0b5c1d2e-1111-8000-8000-000000000001");

    // The validator can fail: what the export used to write does not pass.
    let mut old = value.clone();
    old["first"]["items"][0]["target"]["source"] = "before.jpg".into();
    assert!(validate(&schema, &schema, &old, "").is_err());
    let mut old = value.clone();
    old["id"] = "urn:palimpsest:исчезнувшие/annotations".into();
    assert!(validate(&schema, &schema, &old, "").is_err());
}

// ---------------------------------------------------------------------------------------------
// Hardening

fn export_cmd(
    dir: &std::path::Path,
    project: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_palimpsest"))
        .arg("export")
        .arg(project)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn cli_never_writes_over_the_essay_or_twice_on_one_path() {
    let dir = tempfile::tempdir().unwrap();
    let project_path = saved_project(dir.path());
    let essay = dir.path().join("essay.md");
    std::fs::write(&essay, export_fixture::ESSAY).unwrap();
    let mut project = palimpsest::project::Project::load(&project_path)
        .unwrap()
        .project;
    project.essay = Some(essay.clone());
    project.save(&project_path).unwrap();

    let out = export_cmd(dir.path(), &project_path, &["--web-annotation", "essay.md"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to overwrite") && err.trim().lines().count() == 1,
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&essay).unwrap(),
        export_fixture::ESSAY
    );

    let out = export_cmd(
        dir.path(),
        &project_path,
        &[
            "--png",
            "x.png",
            "--side-by-side",
            "./x.png",
            "--csv",
            "r.csv",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("same file"), "{err}");
    assert!(!dir.path().join("x.png").exists() && !dir.path().join("r.csv").exists());
}

#[test]
fn csv_neutralises_formulas_and_offers_a_bom_for_excel() {
    let dir = tempfile::tempdir().unwrap();
    let project_path = saved_project(dir.path());
    let mut project = palimpsest::project::Project::load(&project_path)
        .unwrap()
        .project;
    project.regions[0].label = "=HYPERLINK(\"http://evil.example\",\"click\")".to_owned();
    project.regions[0].note = "-cmd|' /C calc'!A0".to_owned();
    project.regions[1].label = "@SUM(1+1)*cmd|' /C calc'!A0".to_owned();
    project.regions[1].note = "Троцкий\tстоял".to_owned();
    project.save(&project_path).unwrap();
    let out = export_cmd(dir.path(), &project_path, &["--csv", "r.csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("r.csv")).unwrap();
    assert!(!text.starts_with('\u{feff}'), "no BOM by default");
    let rows = parse_csv(&text);
    for row in &rows[1..] {
        for cell in &row[1..5] {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula cell survived: {cell:?}"
            );
        }
    }
    assert_eq!(rows[1][1], "'=HYPERLINK(\"http://evil.example\",\"click\")");
    assert_eq!(rows[1][2], "'-cmd|' /C calc'!A0");
    assert!(
        text.contains("\"'=HYPERLINK("),
        "neutralised cells stay quoted"
    );
    assert_eq!(rows[2][2], "Троцкий\tстоял", "inner tabs are data");

    let out = export_cmd(
        dir.path(),
        &project_path,
        &["--csv", "x.csv", "--csv-excel"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(dir.path().join("x.csv")).unwrap();
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 BOM for Excel"
    );
}

#[test]
fn a_ten_megabyte_note_gives_bounded_exports_quickly() {
    let mut f = fixture();
    let sentence = "Trotsky stood on the steps beside the podium before he was painted out. ";
    let mut note = String::with_capacity(10 << 20);
    while note.len() < 10 << 20 {
        note.push_str(sentence);
    }
    f.project.regions[0].note = note;
    f.project.regions[0].label = "L".repeat(1 << 20);
    let input = f.input();
    let timed = |name: &str, run: &dyn Fn() -> usize| {
        let started = std::time::Instant::now();
        let size = run();
        let secs = started.elapsed().as_secs_f64();
        eprintln!("{name}: {secs:.2} s");
        assert!(secs < 10.0, "{name} took {secs:.1} s");
        size
    };
    let png = timed("annotated image", &|| {
        let img = export::annotated_image(&input, Base::Before);
        assert!(img.height() < 4 * img.width(), "{:?}", img.dimensions());
        img.len()
    });
    let sbs = timed("side by side", &|| {
        let img = export::side_by_side(&input);
        assert!(img.height() < 4 * img.width(), "{:?}", img.dimensions());
        img.len()
    });
    timed("slides", &|| export::slides(&input, Base::Before).len());
    let pdf = timed("PDF", &|| {
        let bytes = export::pdf_handout(&input, Base::Before, PageSize::A4, Job::none()).unwrap();
        let (pages, _) = pdf_text(&bytes);
        assert!(pages < 20, "{pages} pages");
        bytes.len()
    });
    timed("reveal", &|| reveal_frames(&input, &small_reveal()).len());
    timed("web annotation", &|| {
        serde_json::to_string(&export::web_annotation(
            &f.project,
            &f.essay,
            &WebAnnotationOptions::default(),
        ))
        .unwrap()
        .len()
    });
    timed("csv", &|| export::csv(&f.project).len());
    // Well under the 500 MB budget: the pixels are at most a few tens of MB.
    assert!(png + sbs < 100 << 20 && pdf < 20 << 20, "{png} {sbs} {pdf}");
}

#[test]
fn cli_refuses_a_note_over_the_cap_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let project_path = saved_project(dir.path());
    let text = std::fs::read_to_string(&project_path).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["regions"][0]["note"] = "x".repeat(palimpsest::project::MAX_NOTE_CHARS + 1).into();
    std::fs::write(&project_path, serde_json::to_vec(&v).unwrap()).unwrap();
    let started = std::time::Instant::now();
    let out = export_cmd(dir.path(), &project_path, &["--png", "a.png"]);
    assert!(started.elapsed().as_secs_f64() < 10.0);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("note of region 1") && err.contains("limit"),
        "{err}"
    );
    assert!(err.trim_end().ends_with("case.palimpsest.json"), "{err}");
}

#[test]
fn cli_writes_a_iiif_manifest_with_the_regions_on_the_before_canvas() {
    let dir = tempfile::tempdir().unwrap();
    let project_path = saved_project(dir.path());
    let out = export_cmd(
        dir.path(),
        &project_path,
        &[
            "--iiif",
            "manifest.json",
            "--iiif-base",
            "https://example.org/pair/",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        m["@context"],
        "http://iiif.io/api/presentation/3/context.json"
    );
    assert_eq!(m["type"], "Manifest");
    assert_eq!(m["id"], "https://example.org/pair/manifest.json");
    let canvases = m["items"].as_array().unwrap();
    assert_eq!(canvases.len(), 2, "a canvas per image");
    let before = &canvases[0];
    assert_eq!(before["id"], "https://example.org/pair/canvas/before");
    assert_eq!(
        (before["width"].as_u64(), before["height"].as_u64()),
        (Some(400), Some(300))
    );
    let painting = &before["items"][0]["items"][0];
    assert_eq!(painting["motivation"], "painting");
    assert_eq!(
        painting["body"]["id"],
        "https://example.org/pair/before.png"
    );
    assert_eq!(painting["target"], before["id"]);
    let page = &before["annotations"][0];
    assert_eq!(page["type"], "AnnotationPage");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "the visible regions");
    for a in items {
        assert_eq!(a["target"]["source"], before["id"]);
        // Mirador draws only the `path` elements of an SVG selector.
        let svg = a["target"]["selector"][0]["value"].as_str().unwrap();
        assert!(svg.contains("<path d='M") && svg.contains(" Z'/>"), "{svg}");
        assert!(
            a["id"]
                .as_str()
                .unwrap()
                .starts_with("https://example.org/pair/canvas/before/")
        );
    }
    assert!(canvases[1].get("annotations").is_none());
    // A base that is not an http(s) URL is a usage error.
    let out = export_cmd(
        dir.path(),
        &project_path,
        &["--iiif", "m.json", "--iiif-base", "ftp://x/"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn two_thousand_regions_keep_the_legend_bounded() {
    let mut f = fixture();
    let template = f.project.regions[0].clone();
    f.project.regions = (1..=2000)
        .map(|id| palimpsest::project::RegionNote {
            id,
            label: format!("Region number {id}"),
            note: "A short note on what was changed here.".to_owned(),
            hidden: false,
            ..template.clone()
        })
        .collect();
    let started = std::time::Instant::now();
    // 40 legend entries and a closing line, not 2 000 (which made a 445 725-pixel-tall image).
    let img = export::side_by_side(&f.input());
    assert!(img.height() < 8_000, "{:?}", img.dimensions());
    let img = export::annotated_image(&f.input(), Base::Before);
    assert!(img.height() < 8_000, "{:?}", img.dimensions());
    assert!(started.elapsed().as_secs_f64() < 20.0);
}
