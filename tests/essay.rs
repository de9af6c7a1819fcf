//! The bundled essay's structure and anchors, loading other essays, and dangling links.

#![allow(
    clippy::unwrap_used,
    clippy::type_complexity,
    reason = "test code: a failed unwrap is a failed test"
)]

use palimpsest::essay::{Essay, EssayError, PassageKind, REVISIONISM_ANCHOR};
use palimpsest::project::{Project, RegionNote};

const REVISIONISM_BULLETS: [&str; 3] = [
    "Trotsky erased from official photographs and records",
    "Textbooks revised to downplay his role in the revolution and civil war",
    "State-sponsored denunciations labeling him as a traitor and counter-revolutionary",
];

#[test]
fn bundled_essay_has_its_title_and_sections() {
    let essay = Essay::bundled();
    assert_eq!(essay.title, "How Stalin Outmaneuvered Leon Trotsky");
    let headings: Vec<(&str, PassageKind)> = essay
        .passages
        .iter()
        .filter(|p| p.is_heading())
        .map(|p| (p.anchor.as_str(), p.kind))
        .collect();
    let h2 = PassageKind::Heading(2);
    let h3 = PassageKind::Heading(3);
    assert_eq!(
        headings,
        [
            (
                "how-stalin-outmaneuvered-leon-trotsky",
                PassageKind::Heading(1)
            ),
            ("stalins-strategic-position-in-the-communist-party", h2),
            (
                "stalins-strategic-position-in-the-communist-party/key-advantages-of-the-general-secretary-role",
                h3
            ),
            ("building-alliances-to-isolate-trotsky", h2),
            (
                "building-alliances-to-isolate-trotsky/propaganda-against-trotsky",
                h3
            ),
            ("manipulating-lenins-legacy", h2),
            ("manipulating-lenins-legacy/exploiting-the-lenin-cult", h3),
            ("exploiting-trotskys-missteps", h2),
            ("exploiting-trotskys-missteps/notable-errors-by-trotsky", h3),
            ("shifting-alliances-and-the-elimination-of-rivals", h2),
            (
                "shifting-alliances-and-the-elimination-of-rivals/steps-in-stalins-consolidation",
                h3
            ),
            ("control-of-media-and-historical-narrative", h2),
            (REVISIONISM_ANCHOR, h3),
            ("trotskys-final-years-and-assassination", h2),
            (
                "trotskys-final-years-and-assassination/assassination-in-mexico",
                h3
            ),
        ]
    );
    // 15 headings, 22 bullets, 17 paragraphs: every line of the essay is a passage.
    let count =
        |kind: fn(&PassageKind) -> bool| essay.passages.iter().filter(|p| kind(&p.kind)).count();
    assert_eq!(count(|k| matches!(k, PassageKind::Bullet)), 22);
    assert_eq!(count(|k| matches!(k, PassageKind::Paragraph)), 17);
    assert_eq!(essay.passages.len(), 54);
}

#[test]
fn bundled_anchors_are_unique_and_texts_are_clean() {
    let essay = Essay::bundled();
    let mut anchors: Vec<&str> = essay.passages.iter().map(|p| p.anchor.as_str()).collect();
    anchors.sort_unstable();
    let before = anchors.len();
    anchors.dedup();
    assert_eq!(anchors.len(), before, "duplicate anchors");
    for p in &essay.passages {
        assert!(!p.text.trim().is_empty(), "{} is empty", p.anchor);
        assert!(
            !p.text.starts_with(['#', '-']),
            "{} keeps its marker",
            p.anchor
        );
    }
    assert_eq!(
        essay.find("p1").map(|p| p
            .text
            .starts_with("After the death of Vladimir Lenin in 1924")),
        Some(true)
    );
}

#[test]
fn revisionism_bullets_exist_with_their_anchors() {
    let essay = Essay::bundled();
    for (i, text) in REVISIONISM_BULLETS.iter().enumerate() {
        let anchor = format!("{REVISIONISM_ANCHOR}/{}", i + 1);
        let p = essay
            .find(&anchor)
            .unwrap_or_else(|| panic!("no passage {anchor}"));
        assert_eq!(p.kind, PassageKind::Bullet);
        assert_eq!(p.text, *text);
    }
    assert!(essay.find(&format!("{REVISIONISM_ANCHOR}/4")).is_none());
    let first = "control-of-media-and-historical-narrative/historical-revisionism-under-stalin/1";
    let path: Vec<String> = essay
        .heading_path(first)
        .iter()
        .map(|h| h.plain_text())
        .collect();
    assert_eq!(
        path,
        [
            "Control of Media and Historical Narrative",
            "Historical Revisionism Under Stalin"
        ]
    );
    assert_eq!(
        essay.section_title(first).as_deref(),
        Some("Historical Revisionism Under Stalin")
    );
    assert_eq!(
        essay.describe(first).as_deref(),
        Some(
            "Control of Media and Historical Narrative › Historical Revisionism Under Stalin › bullet 1"
        )
    );
    // The paragraph after the bullets belongs to the same sub-section.
    assert!(
        essay
            .find(&format!("{REVISIONISM_ANCHOR}/p1"))
            .is_some_and(|p| p.text.starts_with("This campaign ensured"))
    );
}

#[test]
fn picker_lists_the_revisionism_section_first() {
    let essay = Essay::bundled();
    let order = essay.revisionism_first();
    assert_eq!(order.len(), essay.passages.len());
    let first: Vec<&str> = order.iter().take(5).map(|p| p.anchor.as_str()).collect();
    assert_eq!(
        first,
        [
            REVISIONISM_ANCHOR.to_owned(),
            format!("{REVISIONISM_ANCHOR}/1"),
            format!("{REVISIONISM_ANCHOR}/2"),
            format!("{REVISIONISM_ANCHOR}/3"),
            format!("{REVISIONISM_ANCHOR}/p1"),
        ]
    );
    assert_eq!(order[5].anchor, "how-stalin-outmaneuvered-leon-trotsky");

    let hits = essay.search("PHOTOGRAPHS");
    assert_eq!(
        hits.first().map(|p| p.anchor.as_str()),
        Some(&*format!("{REVISIONISM_ANCHOR}/1"))
    );
    // Words may match the headings above a passage.
    let hits = essay.search("revisionism textbooks");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].anchor, format!("{REVISIONISM_ANCHOR}/2"));
    let hits = essay.search("ice axe");
    assert_eq!(hits.len(), 1);
    assert!(hits[0].anchor.ends_with("assassination-in-mexico/2"));
    assert!(essay.search("no such words anywhere").is_empty());
    assert_eq!(essay.search("  ").len(), essay.passages.len());
}

#[test]
fn a_changed_essay_reports_dangling_links_and_keeps_them() {
    let bundled = Essay::bundled();
    let edited_md = palimpsest::essay::BUNDLED_MARKDOWN.replace(
        "### Historical Revisionism Under Stalin",
        "### Rewriting the Record",
    );
    let edited = Essay::parse(&edited_md);
    let first = format!("{REVISIONISM_ANCHOR}/1");
    let kept = "control-of-media-and-historical-narrative/p1";
    assert!(bundled.missing_links([first.as_str(), kept]).is_empty());
    assert_eq!(
        edited.missing_links([first.as_str(), kept, first.as_str()]),
        std::slice::from_ref(&first)
    );
    assert!(
        edited
            .find("control-of-media-and-historical-narrative/rewriting-the-record/1")
            .is_some()
    );

    let mut project = Project::default();
    project.regions.push(RegionNote {
        id: 3,
        label: "Leon Trotsky".to_owned(),
        links: vec![first.clone(), kept.to_owned()],
        ..RegionNote::default()
    });
    assert!(project.dangling_links(&bundled).is_empty());
    let dangling = project.dangling_links(&edited);
    assert_eq!(dangling.len(), 1);
    assert_eq!(
        (dangling[0].region_id, dangling[0].anchor.as_str()),
        (3, first.as_str())
    );
    // Reporting never removes anything.
    assert_eq!(project.regions[0].links.len(), 2);
    assert_eq!(project.regions_linked_to(&first), [3]);
}

#[test]
fn load_reads_markdown_and_reports_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("lesson.md");
    std::fs::write(&good, "# Lesson\n\n## Part one\n\n- a *point*\n").unwrap();
    let essay = Essay::load(&good).unwrap();
    assert_eq!(essay.title, "Lesson");
    assert_eq!(
        essay.find("part-one/1").map(|p| p.plain_text()),
        Some("a point".to_owned())
    );

    let missing = dir.path().join("missing.md");
    let err = Essay::load(&missing).unwrap_err();
    assert!(matches!(err, EssayError::Read { .. }));
    assert!(err.to_string().ends_with("missing.md"), "{err}");

    let binary = dir.path().join("photo.md");
    std::fs::write(&binary, [0xff, 0xd8, 0xff, 0xe0, 0, 0x10]).unwrap();
    let err = Essay::load(&binary).unwrap_err();
    assert!(matches!(err, EssayError::NotText { .. }), "{err}");

    let empty = dir.path().join("empty.md");
    std::fs::write(&empty, "\n\n   \n").unwrap();
    assert!(matches!(Essay::load(&empty), Err(EssayError::Empty { .. })));

    let huge = dir.path().join("huge.md");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(palimpsest::essay::MAX_ESSAY_BYTES + 1)
        .unwrap();
    let err = Essay::load(&huge).unwrap_err();
    assert!(matches!(err, EssayError::TooLarge { .. }));
    assert!(!err.to_string().contains('\n'));
}
