use super::*;
use crate::project::RegionNote;
use crate::regions::BBox;

fn project_with(note: &str, label: &str) -> Project {
    let polygon = vec![[20.0, 20.0], [60.0, 20.0], [60.0, 50.0], [20.0, 50.0]];
    Project {
        title: "A <b>test</b> & more".to_string(),
        regions: vec![RegionNote {
            id: 1,
            bbox: BBox::of_points(&polygon).unwrap_or_default(),
            polygon,
            area_px: 1200.0,
            label: label.to_string(),
            note: note.to_string(),
            ..RegionNote::default()
        }],
        ..Project::default()
    }
}

fn page_of(project: &Project, quiz: bool) -> String {
    let before = RgbImage::from_pixel(120, 80, image::Rgb([200, 190, 170]));
    let after = RgbImage::from_pixel(120, 80, image::Rgb([190, 185, 160]));
    let essay = Essay::parse("# Essay\n\nA paragraph.\n");
    let input = ExportInput {
        project,
        essay: &essay,
        before: &before,
        after_aligned: &after,
    };
    let options = LessonOptions {
        quiz,
        ..LessonOptions::default()
    };
    match page(&input, &options) {
        Ok(html) => html,
        Err(e) => panic!("no page: {e:#}"),
    }
}

#[test]
fn reduced_size_keeps_small_pictures_and_the_aspect_of_large_ones() {
    assert_eq!(reduced_size(800, 600, 2560), (800, 600));
    assert_eq!(reduced_size(6000, 4000, 2560), (2560, 1707));
    assert_eq!(reduced_size(4000, 6000, 2560), (1707, 2560));
    assert_eq!(reduced_size(10_000, 1, 100), (100, 1));
}

#[test]
fn a_script_in_a_note_or_label_is_text() {
    let evil = "<script>window.__pwned=1</script>";
    for quiz in [false, true] {
        let html = page_of(&project_with(evil, evil), quiz);
        // The only script elements are the page's data and its own script.
        assert_eq!(html.matches("<script").count(), 2, "quiz: {quiz}");
        assert!(!html.contains(evil));
        assert!(html.contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;"));
        assert!(html.contains("A &lt;b&gt;test&lt;/b&gt; &amp; more"));
    }
}

#[test]
fn the_policy_allows_exactly_the_page_own_style_and_script() {
    for (quiz, script) in [(false, LESSON_JS), (true, QUIZ_JS)] {
        let html = page_of(&project_with("A note.", "Label"), quiz);
        let style = html
            .split("<style>")
            .nth(1)
            .and_then(|s| s.split("</style>").next())
            .unwrap_or_default();
        assert!(html.contains(&csp_hash(style)), "style hash, quiz: {quiz}");
        assert!(
            html.contains(&csp_hash(script)),
            "script hash, quiz: {quiz}"
        );
        assert!(html.contains(&format!("<script>{script}</script>")));
        assert!(html.contains("default-src 'none'"));
        // Nothing is fetched: no URL other than a data: URI or a fragment.
        for attr in ["src=\"", "href=\""] {
            for part in html.split(attr).skip(1) {
                assert!(
                    part.starts_with("data:") || part.starts_with('#'),
                    "{attr}{}",
                    &part[..part.len().min(40)]
                );
            }
        }
    }
}

#[test]
fn script_json_cannot_end_its_element() {
    let v = serde_json::json!({ "a": "</script><b>&" });
    let s = script_json(&v);
    assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
    let back: serde_json::Value = serde_json::from_str(&s).unwrap_or_default();
    assert_eq!(back, v);
}

fn colour_var(css: &str, name: &str) -> [f64; 3] {
    let at = css
        .find(&format!("--{name}: #"))
        .unwrap_or_else(|| panic!("no --{name}"));
    let hex = &css[at + name.len() + 5..at + name.len() + 11];
    let c = |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)) / 255.0;
    [c(0), c(2), c(4)]
}

fn luminance(c: [f64; 3]) -> f64 {
    let lin = |v: f64| {
        if v <= 0.040_45 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// WCAG 2.1 AA: 4.5:1 for text on every background it is set on, 3:1 for the focus ring.
#[test]
fn text_colours_meet_wcag_aa() {
    let pairs = [
        ("ink", "bg", 4.5),
        ("ink", "panel", 4.5),
        ("ink", "mark", 4.5),
        ("ink", "current", 4.5),
        ("muted", "bg", 4.5),
        ("muted", "panel", 4.5),
        ("accent", "bg", 4.5),
        ("accent", "panel", 4.5),
        ("accent", "mark", 4.5),
        ("button-ink", "button", 4.5),
        ("button-ink", "button-on", 4.5),
        ("button-on", "bg", 4.5),
        ("ok", "panel", 4.5),
        ("bad", "panel", 4.5),
        ("stage-ink", "stage", 4.5),
        ("focus", "bg", 3.0),
    ];
    for (fg, bg, min) in pairs {
        let c = contrast(colour_var(CSS, fg), colour_var(CSS, bg));
        assert!(c >= min, "--{fg} on --{bg}: {c:.2}:1, under {min}:1");
    }
}

#[test]
fn the_quiz_hides_the_original_until_the_reveal() {
    let html = page_of(&project_with("A note.", "Label"), true);
    assert!(html.contains("id=\"reveal\""));
    assert!(html.contains("id=\"result\" aria-labelledby=\"result-heading\" hidden"));
    assert!(html.contains("class=\"truth\""));
    assert!(html.contains("\"storageKey\":\"palimpsest-quiz-"));
}
