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
    let bytes = export::encode_gif(&frames).unwrap();
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
    let bytes = export::encode_apng(&frames).unwrap();
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
        let bytes = export::pdf_handout(&f.input(), Base::Before, size).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        let pages = doc.get_pages();
        assert!((2..=4).contains(&pages.len()), "{} pages", pages.len());
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
        assert_eq!(target["source"], "before.png");
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
    assert_eq!(slides.len(), 3, "title + two visible regions");
    for s in &slides {
        assert_eq!(s.dimensions(), (1920, 1080));
    }
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
        "slides/02-region-2.png",
    ] {
        let p = out.join(name);
        assert!(
            p.metadata().map(|m| m.len() > 0).unwrap_or(false),
            "{name} missing"
        );
    }
    assert!(
        !out.join("slides/03-region-3.png").exists(),
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
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such.palimpsest.json"));
}
