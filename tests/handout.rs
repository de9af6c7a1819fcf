//! The PDF handout and worksheet read back: how many pages one and nine regions take, that no
//! page starts or ends with a lone line of a note, the structure tree, language, title and
//! alternative text of a tagged PDF, the note's bold kept in the bold face, an emoji set in the
//! emoji font, the worksheet's questions before its answers (and free of them), outlines that
//! survive greyscale printing, and `palimpsest export --worksheet`.
//!
//! `HANDOUT_KEEP=DIR` keeps the PDFs made here to look at.

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

use std::collections::BTreeMap;

use export_fixture::{Fixture, fixture};
use image::{Rgb, RgbImage};
use lopdf::content::Content;
use lopdf::{Document, Object};
use palimpsest::export::{self, Base, PageSize, draw};
use palimpsest::job::Job;
use palimpsest::project::{RegionNote, Tag};
use palimpsest::regions::BBox;

/// A note of a usual length: three or four lines on the page.
const NOTE: &str = "In the original a man in a greatcoat stands here, half turned towards the \
    podium. In the altered print the place is empty: the figure was painted out with a brush \
    and the texture of the wall behind him continued across where he stood, a little too even.";

fn keep(name: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("HANDOUT_KEEP") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// The fixture with `n` regions of usual notes spread over the picture.
fn with_regions(n: u32) -> Fixture {
    let mut f = fixture();
    let link = f.project.regions[0].links[0].clone();
    let tags = [
        Tag::FigureRemoved,
        Tag::BackgroundRetouched,
        Tag::TextAltered,
    ];
    f.project.regions = (1..=n)
        .map(|id| {
            let k = f64::from(id - 1);
            let (x, y) = (20.0 + (k * 97.0) % 330.0, 20.0 + (k * 61.0) % 230.0);
            let polygon = vec![[x, y], [x + 46.0, y], [x + 46.0, y + 40.0], [x, y + 40.0]];
            RegionNote {
                id,
                bbox: BBox::of_points(&polygon).unwrap(),
                polygon,
                area_px: 1840.0,
                score: 3.0,
                label: format!("Figure {id} on the steps"),
                note: NOTE.to_string(),
                tags: vec![tags[(id as usize - 1) % tags.len()]],
                links: vec![link.clone()],
                ..RegionNote::default()
            }
        })
        .collect();
    f
}

/// The bundled sample project (its one region, a note of several paragraphs with emphasis,
/// two essay links, long provenance notes) with its region repeated to `n`, spread over the
/// picture.
fn sample(n: u32) -> export::LoadedProject {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_images/podium/podium.palimpsest.json");
    let (project, essay, _) = export::read_project(&path).unwrap();
    let mut loaded = export::decode_project((project, essay)).unwrap();
    let (w, h) = loaded.before.dimensions();
    let first = loaded.project.regions[0].clone();
    loaded.project.regions = (0..n)
        .map(|k| {
            let mut r = first.clone();
            r.id = k + 1;
            let dx = (f64::from(k) * 0.37).fract() * f64::from(w) * 0.5 - f64::from(w) * 0.25;
            let dy = (f64::from(k) * 0.61).fract() * f64::from(h) * 0.3 - f64::from(h) * 0.15;
            for p in &mut r.polygon {
                p[0] = (p[0] + dx).clamp(0.0, f64::from(w) - 1.0);
                p[1] = (p[1] + dy).clamp(0.0, f64::from(h) - 1.0);
            }
            r.bbox = BBox::of_points(&r.polygon).unwrap();
            r
        })
        .collect();
    loaded
}

fn handout(f: &Fixture) -> Vec<u8> {
    export::pdf_handout(&f.input(), Base::Before, PageSize::A4, Job::none()).unwrap()
}

fn worksheet(f: &Fixture) -> Vec<u8> {
    export::pdf::pdf_worksheet(&f.input(), PageSize::A4, Job::none()).unwrap()
}

/// A piece of text drawn on a page: its font's base name, its baseline and the text.
#[derive(Debug, Clone)]
struct Shown {
    font: String,
    y: f32,
    text: String,
}

fn num(o: &Object) -> f32 {
    o.as_float()
        .unwrap_or_else(|_| o.as_i64().map(|v| v as f32).unwrap_or(0.0))
}

/// Every text-showing operation of every page, decoded through its font's ToUnicode map.
fn shown(doc: &Document) -> Vec<Vec<Shown>> {
    let mut pages = Vec::new();
    for (_, page_id) in doc.get_pages() {
        let fonts = doc.get_page_fonts(page_id).unwrap();
        let encodings: BTreeMap<Vec<u8>, _> = fonts
            .iter()
            .map(|(name, font)| (name.clone(), font.get_font_encoding(doc).unwrap()))
            .collect();
        let base: BTreeMap<Vec<u8>, String> = fonts
            .iter()
            .map(|(name, font)| {
                let b = font
                    .get(b"BaseFont")
                    .and_then(Object::as_name)
                    .map(|n| String::from_utf8_lossy(n).into_owned())
                    .unwrap_or_default();
                (name.clone(), b)
            })
            .collect();
        let content = Content::decode(&doc.get_page_content(page_id)).unwrap();
        let mut font = Vec::new();
        let mut y = 0.0;
        let mut out = Vec::new();
        for op in &content.operations {
            match op.operator.as_str() {
                "Tf" => font = op.operands[0].as_name().unwrap().to_vec(),
                "Tm" => y = num(&op.operands[5]),
                "Td" | "TD" => y += num(&op.operands[1]),
                "Tj" | "TJ" => {
                    let strings: Vec<&Object> = match op.operator.as_str() {
                        "Tj" => vec![&op.operands[0]],
                        _ => op.operands[0].as_array().unwrap().iter().collect(),
                    };
                    let mut text = String::new();
                    for s in strings {
                        if let Object::String(bytes, _) = s {
                            text.push_str(
                                &Document::decode_text(&encodings[&font], bytes).unwrap(),
                            );
                        }
                    }
                    out.push(Shown {
                        font: base[&font].clone(),
                        y,
                        text,
                    });
                }
                _ => {}
            }
        }
        pages.push(out);
    }
    pages
}

/// The lines of each page, top to bottom: pieces with the same baseline joined.
fn page_lines(doc: &Document) -> Vec<Vec<String>> {
    shown(doc)
        .into_iter()
        .map(|page| {
            let mut lines: Vec<(f32, String)> = Vec::new();
            for s in page {
                match lines.iter_mut().find(|l| (l.0 - s.y).abs() < 0.5) {
                    Some(l) => l.1.push_str(&s.text),
                    None => lines.push((s.y, s.text)),
                }
            }
            // The text matrices are in the page's top-down frame.
            lines.sort_by(|a, b| a.0.total_cmp(&b.0));
            lines.into_iter().map(|l| l.1.trim().to_string()).collect()
        })
        .collect()
}

fn page_count(bytes: &[u8]) -> usize {
    Document::load_mem(bytes).unwrap().get_pages().len()
}

#[test]
fn one_region_takes_two_pages_and_nine_two_a_page() {
    // The bundled sample: one region with a note of three paragraphs and two passages took
    // three pages (the first half empty, the third starting with the note's last word "out."),
    // nine such regions took ten.
    let one = sample(1);
    let bytes = export::pdf_handout(&one.input(), Base::Before, PageSize::A4, Job::none()).unwrap();
    keep("sample-1.pdf", &bytes);
    let doc = Document::load_mem(&bytes).unwrap();
    let pages = page_lines(&doc);
    assert_eq!(pages.len(), 2, "{pages:#?}");
    assert!(
        pages[0]
            .iter()
            .any(|l| l == "The original, with every changed region outlined"),
        "the overview is on the first page: {pages:#?}"
    );
    let nine = sample(9);
    let bytes =
        export::pdf_handout(&nine.input(), Base::Before, PageSize::A4, Job::none()).unwrap();
    keep("sample-9.pdf", &bytes);
    assert_eq!(page_count(&bytes), 7);

    // Notes of a usual length: two regions a page after the first.
    let one = handout(&with_regions(1));
    keep("one-region.pdf", &one);
    assert_eq!(
        page_count(&one),
        2,
        "the pair and overview, then the region"
    );
    let nine = handout(&with_regions(9));
    keep("nine-regions.pdf", &nine);
    assert_eq!(page_count(&nine), 6, "two regions a page after the first");
    let doc = Document::load_mem(&nine).unwrap();
    let lines = page_lines(&doc);
    let per_page: Vec<usize> = lines
        .iter()
        .map(|l| l.iter().filter(|t| t.ends_with("on the steps")).count())
        .collect();
    assert_eq!(per_page, vec![0, 2, 2, 2, 2, 1], "{lines:#?}");
}

#[test]
fn no_page_starts_or_ends_with_a_lone_line_of_a_note() {
    // Notes of paragraphs of many lengths, each word naming its paragraph: "r2p3w17".
    for shift in [0usize, 5, 11, 17] {
        let mut f = with_regions(3);
        for (i, r) in f.project.regions.iter_mut().enumerate() {
            let paras: Vec<String> = (0..6)
                .map(|p| {
                    let n = 30 + (p * 37 + i * 53 + shift * 13) % 140;
                    (0..n)
                        .map(|w| format!("r{}p{p}w{w}", i + 1))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            r.note = paras.join("\n\n");
            r.links.clear();
        }
        let bytes = handout(&f);
        keep(&format!("long-notes-{shift}.pdf"), &bytes);
        let doc = Document::load_mem(&bytes).unwrap();
        let pages = page_lines(&doc);
        assert!(pages.len() > 4, "{}", pages.len());
        let para = |line: &str| -> Option<String> {
            let w = line.split_whitespace().next()?;
            let (rp, _) = w.split_once('w')?;
            rp.starts_with('r').then(|| rp.to_string())
        };
        for (n, lines) in pages.iter().enumerate() {
            // Text lines without the footer (its two pieces share the last baseline).
            let body = &lines[..lines.len() - 1];
            if n > 0
                && let Some(p) = para(&body[0])
            {
                assert_eq!(
                    para(&body[1]).as_deref(),
                    Some(p.as_str()),
                    "page {} starts with a lone line of {p}",
                    n + 1
                );
            }
            if n + 1 < pages.len()
                && let Some(p) = para(&body[body.len() - 1])
            {
                assert_eq!(
                    para(&body[body.len() - 2]).as_deref(),
                    Some(p.as_str()),
                    "page {} ends with a lone line of {p}",
                    n + 1
                );
            }
            // A region's heading is never the last line of a page.
            assert!(
                !body[body.len() - 1].ends_with("on the steps"),
                "page {} ends with a heading",
                n + 1
            );
        }
    }
}

fn catalog(doc: &Document) -> &lopdf::Dictionary {
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    doc.get_object(root).unwrap().as_dict().unwrap()
}

fn text_string(o: &Object) -> String {
    match o {
        Object::String(bytes, _) => {
            if bytes.starts_with(&[0xFE, 0xFF]) {
                let units: Vec<u16> = bytes[2..]
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                    .collect();
                String::from_utf16_lossy(&units)
            } else {
                String::from_utf8_lossy(bytes).into_owned()
            }
        }
        _ => String::new(),
    }
}

/// The structure elements: their type and their alternative text, if any.
fn struct_elems(doc: &Document) -> Vec<(String, Option<String>)> {
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(Object::as_name).ok() == Some(b"StructElem"))
        .map(|d| {
            (
                String::from_utf8_lossy(d.get(b"S").and_then(Object::as_name).unwrap())
                    .into_owned(),
                d.get(b"Alt").ok().map(text_string),
            )
        })
        .collect()
}

fn image_count(doc: &Document) -> usize {
    doc.objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image"))
        .count()
}

#[test]
fn the_handout_is_tagged_with_language_title_and_alt_text() {
    let mut f = with_regions(2);
    f.project.regions[1].label = "Знамя".to_string();
    f.project.language = "ru".to_string();
    for (bytes, lang, figures) in [
        (handout(&with_regions(2)), "en", 2 + 1 + 2 * 2),
        (handout(&f), "ru", 2 + 1 + 2 * 2),
        (worksheet(&f), "ru", 2 + 1),
    ] {
        let doc = Document::load_mem(&bytes).unwrap();
        let cat = catalog(&doc);
        let mark = cat.get(b"MarkInfo").unwrap();
        let mark = match mark {
            Object::Reference(r) => doc.get_object(*r).unwrap().as_dict().unwrap(),
            o => o.as_dict().unwrap(),
        };
        assert!(mark.get(b"Marked").unwrap().as_bool().unwrap());
        assert!(cat.has(b"StructTreeRoot"));
        assert_eq!(text_string(cat.get(b"Lang").unwrap()), lang);
        let elems = struct_elems(&doc);
        let kinds: Vec<&str> = elems.iter().map(|e| e.0.as_str()).collect();
        for k in ["H1", "H2", "P", "Figure"] {
            assert!(kinds.contains(&k), "no {k} in {kinds:?}");
        }
        // Every image is a figure with alternative text.
        let alts: Vec<&String> = elems
            .iter()
            .filter(|e| e.0 == "Figure")
            .filter_map(|e| e.1.as_ref())
            .filter(|a| !a.trim().is_empty())
            .collect();
        assert_eq!(alts.len(), figures, "{alts:?}");
        assert!(image_count(&doc) >= 2);
        assert!(image_count(&doc) <= alts.len(), "an image without a figure");
        // The title is in the metadata.
        let xmp_or_info = String::from_utf8_lossy(&bytes);
        assert!(
            xmp_or_info.contains("Lenin addressing the troops") || doc.trailer.get(b"Info").is_ok(),
            "no title"
        );
    }
    // The crops' alternative text names the region and its label.
    let doc = Document::load_mem(&handout(&f)).unwrap();
    let alts: Vec<String> = struct_elems(&doc).into_iter().filter_map(|e| e.1).collect();
    assert!(
        alts.iter()
            .any(|a| a == "Region 2 outlined in the altered print: Знамя"),
        "{alts:#?}"
    );
    assert!(
        alts.iter()
            .any(|a| a.contains("1 Figure 1 on the steps; 2 Знамя")),
        "{alts:#?}"
    );
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = doc.get_object(info).unwrap().as_dict().unwrap();
    assert_eq!(
        text_string(info.get(b"Title").unwrap()),
        "Lenin addressing the troops, Sverdlov Square, 5 May 1920"
    );
}

#[test]
fn bold_and_italic_in_a_note_are_set_in_their_faces() {
    let mut f = with_regions(1);
    f.project.regions[0].note =
        "The steps stand **firm** where he stood, and the *grain* runs on; _later_ prints too."
            .to_string();
    let bytes = handout(&f);
    keep("emphasis.pdf", &bytes);
    let doc = Document::load_mem(&bytes).unwrap();
    let all: Vec<Shown> = shown(&doc).into_iter().flatten().collect();
    let font_of = |word: &str| -> Vec<String> {
        all.iter()
            .filter(|s| s.text.trim() == word)
            .map(|s| s.font.clone())
            .collect()
    };
    let firm = font_of("firm");
    assert_eq!(firm.len(), 1, "{all:#?}");
    assert!(firm[0].ends_with("DejaVuSans-Bold"), "{firm:?}");
    for word in ["grain", "later"] {
        let f = font_of(word);
        assert_eq!(f.len(), 1, "{word}");
        assert!(f[0].ends_with("DejaVuSans-Oblique"), "{word}: {f:?}");
    }
    let text: String = all.iter().map(|s| s.text.as_str()).collect();
    assert!(text.contains("The steps stand "), "{text}");
    assert!(!text.contains("**") && !text.contains("_later_"), "{text}");
    assert!(!text.contains("*grain*"), "{text}");
}

#[test]
fn an_emoji_in_a_label_is_set_in_the_emoji_font() {
    let mut f = with_regions(1);
    f.project.regions[0].label = "Camera 📷 on the steps".to_string();
    for bytes in [handout(&f), worksheet(&f)] {
        let doc = Document::load_mem(&bytes).unwrap();
        let all: Vec<Shown> = shown(&doc).into_iter().flatten().collect();
        let camera: Vec<&Shown> = all.iter().filter(|s| s.text.contains('📷')).collect();
        assert!(!camera.is_empty(), "no camera drawn");
        for s in camera {
            assert!(s.font.ends_with("NotoEmoji"), "{s:?}");
            assert_eq!(s.text, "📷");
        }
        // The words around it stay in DejaVu.
        assert!(
            all.iter()
                .any(|s| s.text.contains("Camera") && s.font.contains("DejaVuSans")),
            "{all:#?}"
        );
    }
    // Raster exports draw it too: the label with the camera differs from the label without.
    let plain = {
        let mut g = with_regions(1);
        g.project.regions[0].label = "Camera  on the steps".to_string();
        export::annotated_image(&g.input(), Base::Before)
    };
    let with = export::annotated_image(&f.input(), Base::Before);
    assert_ne!(plain, with);
}

#[test]
fn the_worksheet_asks_first_and_answers_on_pages_of_their_own() {
    for n in [1, 2, 9] {
        let mut f = with_regions(n);
        f.project.regions[0].note = "The man in the greatcoat was **Trotsky**.".to_string();
        let bytes = worksheet(&f);
        keep(&format!("worksheet-{n}.pdf"), &bytes);
        let doc = Document::load_mem(&bytes).unwrap();
        let pages = page_lines(&doc);
        let expected = match n {
            1 => 2,
            2 => 3,
            _ => 4,
        };
        assert_eq!(pages.len(), expected, "{n} regions: {pages:#?}");
        let answers = pages
            .iter()
            .position(|p| p.first().is_some_and(|l| l == "Answers"))
            .expect("an answers page");
        let questions = pages
            .iter()
            .position(|p| p.iter().any(|l| l == "Questions"))
            .expect("a questions page");
        assert!(
            answers > questions,
            "answers on page {answers}, questions on {questions}"
        );
        let asked: String = pages[..answers]
            .iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join("\n");
        let answered: String = pages[answers..]
            .iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        for r in &f.project.regions {
            assert!(
                asked.contains(&format!("{}. ", r.id)),
                "no question {}",
                r.id
            );
            assert!(
                !asked.contains(&r.label),
                "question pages give away {:?}",
                r.label
            );
            assert!(answered.contains(&r.label), "answer {:?} missing", r.label);
        }
        assert!(
            !asked.contains("greatcoat") && !asked.contains("Trotsky"),
            "{asked}"
        );
        assert!(answered.contains("Trotsky"));
        assert!(asked.contains("Who or what was removed here?"), "{asked}");
        assert!(asked.contains("of the picture"));
    }
}

fn luma(p: &Rgb<u8>) -> f32 {
    0.2126 * f32::from(p.0[0]) + 0.7152 * f32::from(p.0[1]) + 0.0722 * f32::from(p.0[2])
}

#[test]
fn outlines_survive_greyscale_on_dark_and_light_photographs() {
    // Every palette colour, the orange and vermillion included, on a dark crowd and a light
    // sky: in grey, the outline holds a band far lighter than the dark ground and one far
    // darker than the light ground.
    let square = [(30.0, 30.0), (90.0, 30.0), (90.0, 90.0), (30.0, 90.0)];
    for colour in palimpsest::report::PALETTE {
        for ground in [38_u8, 60, 200, 235] {
            let mut img = RgbImage::from_pixel(120, 120, Rgb([ground, ground, ground]));
            draw::outline(&mut img, &square, 3.0, colour);
            let grey: Vec<f32> = (20..40).map(|x| luma(img.get_pixel(x, 60))).collect();
            let lightest = grey.iter().copied().fold(0.0, f32::max);
            let darkest = grey.iter().copied().fold(255.0, f32::min);
            let g = f32::from(ground);
            if ground < 128 {
                assert!(lightest - g > 120.0, "{colour:?} on {ground}: {lightest}");
            } else {
                assert!(g - darkest > 120.0, "{colour:?} on {ground}: {darkest}");
            }
        }
    }
}

#[test]
fn cli_writes_the_worksheet_with_worksheet() {
    let dir = tempfile::tempdir().unwrap();
    let f = with_regions(2);
    f.before.save(dir.path().join("before.png")).unwrap();
    f.after.save(dir.path().join("after.png")).unwrap();
    let mut project = f.project.clone();
    project.essay = None;
    project.before.path = dir.path().join("before.png");
    project.after.path = dir.path().join("after.png");
    let path = dir.path().join("case.palimpsest.json");
    project.save(&path).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_palimpsest"))
            .arg("export")
            .arg(&path)
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = run(&["--pdf", "sheet.pdf", "--worksheet", "--page-size", "letter"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = Document::load_mem(&std::fs::read(dir.path().join("sheet.pdf")).unwrap()).unwrap();
    let lines: Vec<String> = page_lines(&doc).into_iter().flatten().collect();
    assert!(
        lines.iter().any(|l| l.starts_with("Worksheet: Lenin")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l == "Answers"));
    // Without --pdf there is nothing to write the worksheet to.
    let out = run(&["--worksheet", "--png", "a.png"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--pdf"));
}
