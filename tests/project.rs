//! Saving and loading project files: round trips, bad files, image checks, migration, atomic
//! writes, moved folders, recovery and recent projects.

#![allow(
    clippy::unwrap_used,
    clippy::type_complexity,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::path::{Path, PathBuf};

use palimpsest::align::{AlignMethod, Alignment};
use palimpsest::essay::REVISIONISM_ANCHOR;
use palimpsest::pipeline::Params;
use palimpsest::project::{
    DataDir, ImageEntry, ImageMeta, ImageProblemKind, LaterVersion, MigrationError, Origin,
    Project, ProjectError, RegionNote, SCHEMA_VERSION, Tag, Which, migrate,
};
use palimpsest::regions::BBox;
use palimpsest::{Model, Transform};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Strategies

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |v| v.is_finite()),
        -1e5..1e5f64,
        Just(0.0),
    ]
}

/// A coordinate the loader accepts (within ±`MAX_COORDINATE`).
fn coordinate() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e6..=1e6f64,
        -1e3..1e3f64,
        Just(0.0),
        Just(1e6),
        Just(-1e6)
    ]
}

/// A non-negative size or figure, up to `top`.
fn non_negative(top: f64) -> impl Strategy<Value = f64> {
    prop_oneof![0.0..=top, Just(0.0), Just(top)]
}

fn point() -> impl Strategy<Value = [f64; 2]> {
    [coordinate(), coordinate()]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z ,.’ёЖ漢字🙂\n\t\"\\\\]{0,40}",
        Just(String::new())
    ]
}

/// An absolute path that does not exist, with unicode names.
fn image_path() -> impl Strategy<Value = PathBuf> {
    prop::collection::vec("[^/\\\\\u{0}]{1,10}", 1..4)
        .prop_filter("no dot names", |parts| {
            parts.iter().all(|p| p != "." && p != "..")
        })
        .prop_map(|parts| PathBuf::from(format!("/nonexistent-palimpsest/{}", parts.join("/"))))
}

fn image_entry() -> impl Strategy<Value = ImageEntry> {
    let meta = (text(), text(), text(), text(), text(), text()).prop_map(
        |(source, date, archive, credit, licence, note)| ImageMeta {
            source,
            date,
            archive,
            credit,
            licence,
            note,
        },
    );
    (
        prop_oneof![Just(PathBuf::new()), image_path()],
        prop::option::of("[0-9a-f]{64}"),
        meta,
    )
        .prop_map(|(path, sha256, meta)| ImageEntry { path, sha256, meta })
}

fn model() -> impl Strategy<Value = Model> {
    prop::sample::select(Model::ALL.to_vec())
}

fn alignment() -> impl Strategy<Value = Alignment> {
    let method = prop::sample::select(vec![
        AlignMethod::Features,
        AlignMethod::PhaseCorrelation,
        AlignMethod::Manual,
        AlignMethod::Identity,
    ]);
    (
        model(),
        [
            [finite(), finite(), finite()],
            [finite(), finite(), finite()],
            [finite(), finite(), finite()],
        ],
        any::<usize>(),
        non_negative(1e5),
        non_negative(1.0),
        method,
    )
        .prop_map(
            |(model, rows, inliers, residual_px, confidence, method)| Alignment {
                model,
                before_from_after: Transform::from_rows(rows),
                inliers,
                residual_px,
                confidence,
                method,
                expected_error_px: residual_px.abs(),
                warning: None,
            },
        )
        .prop_filter("an invertible matrix", |a| {
            let det = a.before_from_after.matrix.determinant();
            det.is_finite() && det.abs() >= 1e-12 && a.before_from_after.inverse().is_some()
        })
}

fn params() -> impl Strategy<Value = Params> {
    (
        non_negative(1.0),
        non_negative(1.0),
        non_negative(1.0),
        prop::option::of(model()),
        any::<u32>(),
    )
        .prop_map(
            |(sensitivity, noise_suppression, min_area_fraction, model, work_max_side)| Params {
                sensitivity,
                noise_suppression,
                min_area_fraction,
                model,
                work_max_side,
            },
        )
}

fn region() -> impl Strategy<Value = RegionNote> {
    let origin = prop::sample::select(vec![Origin::Detected, Origin::Drawn, Origin::Edited]);
    let bbox = (
        coordinate(),
        coordinate(),
        non_negative(1e6),
        non_negative(1e6),
    )
        .prop_map(|(x, y, width, height)| BBox {
            x,
            y,
            width,
            height,
        });
    let links = prop::collection::vec(
        prop_oneof![
            Just(format!("{REVISIONISM_ANCHOR}/1")),
            Just("no-longer-there/2".to_owned()),
            any::<String>(),
        ],
        0..4,
    );
    (
        any::<u32>(),
        prop::collection::vec(point(), 0..8),
        bbox,
        (non_negative(1e12), finite()),
        origin,
        any::<bool>(),
        (text(), text()),
        prop::collection::vec(prop::sample::select(Tag::ALL.to_vec()), 0..4),
        (links, 0..4_u32),
    )
        .prop_map(
            |(
                id,
                polygon,
                bbox,
                (area_px, score),
                origin,
                hidden,
                (label, note),
                tags,
                (links, step),
            )| {
                RegionNote {
                    id,
                    polygon,
                    bbox,
                    area_px,
                    score,
                    origin,
                    hidden,
                    label,
                    note,
                    tags,
                    links,
                    step,
                }
            },
        )
}

fn project() -> impl Strategy<Value = Project> {
    (
        text(),
        image_entry(),
        (
            image_entry(),
            prop::collection::vec(
                (image_entry(), prop::option::of(alignment()))
                    .prop_map(|(image, alignment)| LaterVersion { image, alignment }),
                0..3,
            ),
        ),
        prop::option::of(alignment()),
        prop::collection::vec((point(), point()), 0..5),
        params(),
        prop::collection::vec(prop::collection::vec(point(), 0..5), 0..3),
        prop::collection::vec(region(), 0..6).prop_filter("unique region numbers", |rs| {
            let ids: std::collections::HashSet<u32> = rs.iter().map(|r| r.id).collect();
            ids.len() == rs.len()
        }),
        prop::option::of(image_path()),
        (
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            prop::sample::select(vec!["en", "ru", "de-CH", "zh-Hant"]),
        ),
    )
        .prop_map(
            |(
                title,
                before,
                (after, later),
                alignment,
                manual_points,
                params,
                ignore_areas,
                mut regions,
                essay,
                (id, language),
            )| {
                let steps = 1 + u32::try_from(later.len()).unwrap();
                for r in &mut regions {
                    r.step %= steps;
                }
                Project {
                    version: SCHEMA_VERSION,
                    title,
                    before,
                    after,
                    alignment,
                    later,
                    manual_points,
                    params,
                    ignore_areas,
                    regions,
                    essay,
                    id,
                    language: language.to_owned(),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_project_saves_and_loads_back_equal(project in project()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("case.palimpsest.json");
        project.save(&path).unwrap();
        let loaded = Project::load(&path).unwrap();
        prop_assert_eq!(&loaded.project, &project);
        prop_assert_eq!(loaded.migrated_from, None);
        // Saving what was loaded writes the same bytes.
        let first = std::fs::read(&path).unwrap();
        loaded.project.save(&path).unwrap();
        prop_assert_eq!(std::fs::read(&path).unwrap(), first);
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// A folder with two small "image" files and a project pointing at them.
#[expect(clippy::unwrap_used, reason = "a test helper fails the test")]
fn project_with_images(dir: &Path) -> Project {
    let images = dir.join("images");
    std::fs::create_dir_all(&images).unwrap();
    std::fs::write(images.join("before.png"), b"before image bytes").unwrap();
    std::fs::write(images.join("after.png"), b"after image bytes").unwrap();
    Project {
        title: "Lenin in Sverdlov Square, 5 May 1920".to_owned(),
        before: ImageEntry::at(images.join("before.png")),
        after: ImageEntry::at(images.join("after.png")),
        regions: vec![RegionNote {
            id: 1,
            label: "Leon Trotsky".to_owned(),
            note: "Stood on the steps; *painted out* later.".to_owned(),
            tags: vec![Tag::FigureRemoved],
            links: vec![format!("{REVISIONISM_ANCHOR}/1")],
            ..RegionNote::default()
        }],
        ..Project::default()
    }
}

#[expect(clippy::unwrap_used, reason = "a test helper fails the test")]
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Loads `path`, expecting an error, and checks the file's bytes are unchanged afterwards.
#[expect(clippy::unwrap_used, reason = "a test helper fails the test")]
fn load_err_untouched(path: &Path) -> ProjectError {
    let bytes = std::fs::read(path).unwrap();
    let modified = std::fs::metadata(path).unwrap().modified().unwrap();
    let err = Project::load(path).unwrap_err();
    assert_eq!(std::fs::read(path).unwrap(), bytes, "the file was changed");
    assert_eq!(
        std::fs::metadata(path).unwrap().modified().unwrap(),
        modified
    );
    let msg = err.to_string();
    assert!(!msg.contains('\n'), "not one line: {msg}");
    assert!(msg.ends_with(&path.display().to_string()), "no path: {msg}");
    err
}

// ---------------------------------------------------------------------------------------------
// Bad files

#[test]
fn corrupt_file_gives_a_clear_error_and_stays_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.palimpsest.json");
    std::fs::write(&path, "{ \"version\": 1, \"title\": oops }").unwrap();
    let err = load_err_untouched(&path);
    assert!(matches!(err, ProjectError::Corrupt { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("project file is corrupt, not valid JSON ("),
        "{err}"
    );
    assert!(err.to_string().contains("line 1, column"), "{err}");

    std::fs::write(&path, [0x89, b'P', b'N', b'G', 0, 0, 0]).unwrap();
    assert!(matches!(
        load_err_untouched(&path),
        ProjectError::Corrupt { .. }
    ));
}

#[test]
fn truncated_file_gives_a_clear_error_and_stays_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.palimpsest.json");
    project_with_images(dir.path()).save(&path).unwrap();
    let full = std::fs::read(&path).unwrap();
    for cut in [1, full.len() / 3, full.len() / 2, full.len() - 3] {
        std::fs::write(&path, &full[..cut]).unwrap();
        let err = load_err_untouched(&path);
        assert!(
            matches!(err, ProjectError::Truncated { .. }),
            "cut at {cut}: {err}"
        );
        assert!(
            err.to_string()
                .starts_with("project file is truncated (it ends early, at line")
        );
    }
    std::fs::write(&path, b"").unwrap();
    assert!(matches!(
        load_err_untouched(&path),
        ProjectError::Truncated { .. }
    ));
}

#[test]
fn future_version_gives_a_clear_error_and_stays_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.palimpsest.json");
    let future = SCHEMA_VERSION + 1;
    std::fs::write(
        &path,
        format!("{{ \"version\": {future}, \"title\": \"x\", \"layers\": [] }}"),
    )
    .unwrap();
    let err = load_err_untouched(&path);
    assert_eq!(
        err.to_string(),
        format!(
            "project file version {future} is newer than this program supports ({SCHEMA_VERSION}): {}",
            path.display()
        )
    );
    assert!(matches!(
        err,
        ProjectError::Migration {
            source: MigrationError::Newer { .. },
            ..
        }
    ));
}

#[test]
fn wrong_layout_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.palimpsest.json");
    std::fs::write(&path, r#"{ "version": 1, "regions": 5 }"#).unwrap();
    assert!(matches!(
        load_err_untouched(&path),
        ProjectError::Schema { .. }
    ));
    std::fs::write(&path, r#"{ "version": "one" }"#).unwrap();
    let err = load_err_untouched(&path);
    assert!(
        err.to_string()
            .starts_with("project file has an invalid version field (\"one\")")
    );
    std::fs::write(&path, "[1, 2, 3]").unwrap();
    assert!(
        load_err_untouched(&path)
            .to_string()
            .starts_with("project file is not a JSON object")
    );
    let missing = dir.path().join("absent.palimpsest.json");
    let err = Project::load(&missing).unwrap_err();
    assert!(matches!(err, ProjectError::Read { .. }));
    assert!(!missing.exists());
}

// ---------------------------------------------------------------------------------------------
// Images

#[test]
fn replaced_image_reports_a_hash_mismatch_and_can_be_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lesson.palimpsest.json");
    let project = project_with_images(dir.path());
    project.save(&path).unwrap();

    let loaded = Project::load(&path).unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let expected = loaded.project.after.sha256.clone().unwrap();
    assert_eq!(expected.len(), 64);

    let after = dir.path().join("images/after.png");
    std::fs::write(&after, b"after image bytes, retouched").unwrap();
    let loaded = Project::load(&path).unwrap();
    assert_eq!(loaded.problems.len(), 1);
    let problem = &loaded.problems[0];
    assert_eq!(problem.which, Which::After);
    assert_eq!(problem.path, after);
    match &problem.kind {
        ImageProblemKind::HashMismatch { expected: e, found } => {
            assert_eq!(e, &expected);
            assert_ne!(found, &expected);
            assert_eq!(found, &palimpsest::project::sha256_file(&after).unwrap());
        }
        other => panic!("expected a hash mismatch, got {other:?}"),
    }
    assert!(
        problem
            .to_string()
            .starts_with("after image is not the file the project was saved with")
    );
    // The annotations are all there.
    assert_eq!(loaded.project.regions, project.regions);

    // Accepting the edited file stores its hash.
    let mut accepted = loaded.project.clone();
    let relocated = accepted.relocate(Which::After, &after).unwrap();
    assert!(!relocated.same_file());
    assert!(accepted.check_images().is_empty());
}

#[test]
fn missing_image_is_reported_and_can_be_relocated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lesson.palimpsest.json");
    project_with_images(dir.path()).save(&path).unwrap();
    let moved = dir.path().join("elsewhere");
    std::fs::create_dir(&moved).unwrap();
    std::fs::rename(
        dir.path().join("images/before.png"),
        moved.join("before.png"),
    )
    .unwrap();

    let mut loaded = Project::load(&path).unwrap();
    assert_eq!(loaded.problems.len(), 1);
    assert_eq!(loaded.problems[0].which, Which::Before);
    assert_eq!(loaded.problems[0].kind, ImageProblemKind::Missing);
    assert!(
        loaded.problems[0]
            .to_string()
            .starts_with("before image is missing: ")
    );

    let relocated = loaded
        .project
        .relocate(Which::Before, &moved.join("before.png"))
        .unwrap();
    assert!(relocated.same_file());
    assert!(loaded.project.check_images().is_empty());
    loaded.project.save(&path).unwrap();
    let json = std::fs::read_to_string(&path).unwrap();
    assert!(json.contains("\"elsewhere/before.png\""), "{json}");
    assert!(Project::load(&path).unwrap().problems.is_empty());

    // Relocating to a file that does not exist changes nothing.
    let before = loaded.project.clone();
    assert!(matches!(
        loaded
            .project
            .relocate(Which::After, &dir.path().join("nope.png")),
        Err(ProjectError::Image { .. })
    ));
    assert_eq!(loaded.project, before);
}

#[test]
fn relative_paths_survive_moving_the_project_folder() {
    let parent = tempfile::tempdir().unwrap();
    let a = parent.path().join("lesson-a");
    let project = project_with_images(&a);
    let path = a.join("lesson.palimpsest.json");
    project.save(&path).unwrap();
    let json = std::fs::read_to_string(&path).unwrap();
    assert!(json.contains("\"path\": \"images/before.png\""), "{json}");
    assert!(
        !json.contains(&a.display().to_string()),
        "absolute path written: {json}"
    );

    let b = parent.path().join("moved").join("lesson-b");
    std::fs::create_dir_all(b.parent().unwrap()).unwrap();
    std::fs::rename(&a, &b).unwrap();
    let loaded = Project::load(&b.join("lesson.palimpsest.json")).unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.project.before.path, b.join("images/before.png"));
    assert_eq!(loaded.project.after.path, b.join("images/after.png"));
    assert_eq!(loaded.path, b.join("lesson.palimpsest.json"));
}

// ---------------------------------------------------------------------------------------------
// Atomic saves

#[test]
fn atomic_save_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lesson.palimpsest.json");
    let mut project = Project::default();
    for i in 0..3 {
        project.title = format!("take {i}");
        project.save(&path).unwrap();
    }
    assert_eq!(files_in(dir.path()), ["lesson.palimpsest.json"]);
    assert_eq!(Project::load(&path).unwrap().project.title, "take 2");
}

#[test]
fn failed_save_leaves_the_old_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lesson.palimpsest.json");
    let mut project = project_with_images(dir.path());
    project.save(&path).unwrap();
    let old = std::fs::read(&path).unwrap();

    project.regions[0].area_px = f64::NAN;
    let err = project.save(&path).unwrap_err();
    assert!(matches!(err, ProjectError::Encode { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), old);

    // A folder in the way of the target: the rename fails, nothing is left behind.
    let blocked = dir.path().join("blocked.palimpsest.json");
    std::fs::create_dir(&blocked).unwrap();
    project.regions[0].area_px = 1.0;
    assert!(matches!(
        project.save(&blocked),
        Err(ProjectError::Write { .. })
    ));
    assert_eq!(
        files_in(dir.path()),
        [
            "blocked.palimpsest.json",
            "images",
            "lesson.palimpsest.json"
        ]
    );
    assert_eq!(std::fs::read(&path).unwrap(), old);
}

// ---------------------------------------------------------------------------------------------
// Migration

const VERSION_0: &str = r#"{
  "title": "Sverdlov Square",
  "before": "before.jpg",
  "after": "prints/after.jpg",
  "regions": [
    { "x": 10, "y": 20, "w": 30, "h": 40, "label": "Leon Trotsky" },
    { "x": 1.5, "y": 2, "w": 3, "h": 4, "label": "Lev Kamenev", "note": "on the steps" }
  ]
}"#;

#[test]
fn version_0_file_migrates_to_version_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.palimpsest.json");
    std::fs::write(&path, VERSION_0).unwrap();
    let loaded = Project::load(&path).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        VERSION_0,
        "load rewrote the file"
    );
    assert_eq!(loaded.migrated_from, Some(0));
    let p = &loaded.project;
    assert_eq!(p.version, SCHEMA_VERSION);
    assert_eq!(p.title, "Sverdlov Square");
    assert_eq!(p.before.path, dir.path().join("before.jpg"));
    assert_eq!(p.after.path, dir.path().join("prints/after.jpg"));
    assert_eq!(p.regions.len(), 2);
    let r = &p.regions[0];
    assert_eq!(
        (r.id, r.label.as_str(), r.origin),
        (1, "Leon Trotsky", Origin::Drawn)
    );
    assert_eq!(
        r.bbox,
        BBox {
            x: 10.0,
            y: 20.0,
            width: 30.0,
            height: 40.0
        }
    );
    assert_eq!(
        r.polygon,
        [[10.0, 20.0], [40.0, 20.0], [40.0, 60.0], [10.0, 60.0]]
    );
    assert!((r.area_px - 1200.0).abs() < 1e-9);
    assert!(r.tags.is_empty() && r.links.is_empty());
    assert_eq!(p.regions[1].id, 2);
    assert_eq!(p.regions[1].note, "on the steps");
    // Both images are missing here: reported, not fatal.
    assert_eq!(loaded.problems.len(), 2);

    // Saving writes the current version, which loads without migration.
    p.save(&path).unwrap();
    let again = Project::load(&path).unwrap();
    assert_eq!(again.migrated_from, None);
    // The first save gives the document its UUID, the one its exports already used.
    assert_eq!(again.project.id, p.uuid());
    let mut expected = p.clone();
    expected.id.clone_from(&again.project.id);
    assert_eq!(again.project, expected);
}

#[test]
fn migrate_is_a_chain_that_leaves_current_documents_alone() {
    let v0: serde_json::Value = serde_json::from_str(VERSION_0).unwrap();
    let v2 = migrate(v0.clone()).unwrap();
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["versions"][0]["path"], "before.jpg");
    assert_eq!(v2["versions"][1]["path"], "prints/after.jpg");
    assert!(v2.get("before").is_none() && v2.get("after").is_none());
    assert_eq!(v2["regions"][1]["bbox"]["x"], 1.5);
    assert_eq!(v2["regions"][1]["step"], 0);
    assert_eq!(migrate(v2.clone()).unwrap(), v2);
    let mut explicit = v0;
    explicit["version"] = 0.into();
    assert_eq!(migrate(explicit).unwrap(), v2);

    let bad = serde_json::json!({ "regions": [ { "x": 1, "label": "no size" } ] });
    let err = migrate(bad).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot upgrade project file from version 0: region 1 has no number"),
        "{err}"
    );
    let future = serde_json::json!({ "version": 7 });
    assert_eq!(
        migrate(future).unwrap_err().to_string(),
        format!("project file version 7 is newer than this program supports ({SCHEMA_VERSION})")
    );
}

// ---------------------------------------------------------------------------------------------
// Recovery and recent projects

#[test]
fn recovery_round_trip_and_clear() {
    let data = tempfile::tempdir().unwrap();
    let dd = DataDir::at(data.path());
    assert!(dd.find_recovery().is_none());

    let work = tempfile::tempdir().unwrap();
    let mut project = project_with_images(work.path());
    project.regions[0].note = "written just before the crash".to_owned();
    let untitled = dd.write_recovery(&project, None).unwrap();
    assert!(untitled.starts_with(data.path()));
    let found = dd.find_recovery().unwrap();
    assert_eq!(found.project, project);
    assert_eq!(found.origin, None);
    assert_eq!(found.path, untitled);

    std::thread::sleep(std::time::Duration::from_millis(5));
    let origin = work.path().join("lesson.palimpsest.json");
    project.title = "saved one".to_owned();
    let saved = dd.write_recovery(&project, Some(&origin)).unwrap();
    assert_ne!(saved, untitled);
    assert_eq!(saved, dd.recovery_path(Some(&origin)));
    let all = dd.find_recoveries();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].origin.as_deref(), Some(origin.as_path()));
    assert_eq!(all[0].project.title, "saved one");
    assert!(all[0].saved_at >= all[1].saved_at);

    // A damaged recovery file is skipped, not fatal.
    std::fs::write(data.path().join("recovery/junk.recovery.json"), "{").unwrap();
    assert_eq!(dd.find_recoveries().len(), 2);

    dd.clear_recovery(Some(&origin)).unwrap();
    dd.clear_recovery(Some(&origin)).unwrap();
    assert_eq!(dd.find_recovery().map(|r| r.origin), Some(None));
    dd.clear_recovery(None).unwrap();
    assert!(dd.find_recovery().is_none());
}

#[test]
fn data_dir_follows_the_environment() {
    fn vars<'a>(
        pairs: &'a [(&'a str, &'a str)],
    ) -> impl Fn(&str) -> Option<std::ffi::OsString> + 'a {
        move |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| std::ffi::OsString::from(v))
        }
    }
    let all = [
        ("PALIMPSEST_DATA_DIR", "/override"),
        ("XDG_DATA_HOME", "/xdg"),
        ("HOME", "/home/u"),
    ];
    assert_eq!(
        DataDir::from_lookup(vars(&all[..])).root,
        PathBuf::from("/override")
    );
    assert_eq!(
        DataDir::from_lookup(vars(&all[1..])).root,
        PathBuf::from("/xdg/palimpsest")
    );
    assert_eq!(
        DataDir::from_lookup(vars(&all[2..])).root,
        PathBuf::from("/home/u/.local/share/palimpsest")
    );
    let empty_override = [("PALIMPSEST_DATA_DIR", ""), ("HOME", "/home/u")];
    assert_eq!(
        DataDir::from_lookup(vars(&empty_override)).root,
        PathBuf::from("/home/u/.local/share/palimpsest")
    );
}

#[test]
fn recent_projects_are_deduplicated_and_capped() {
    let data = tempfile::tempdir().unwrap();
    let dd = DataDir::at(data.path().join("sub"));
    assert!(dd.recent_projects().is_empty());
    for i in 0..12 {
        dd.add_recent_project(Path::new(&format!("/lessons/{i}.palimpsest.json")))
            .unwrap();
    }
    let list = dd
        .add_recent_project(Path::new("/lessons/5.palimpsest.json"))
        .unwrap();
    assert_eq!(list.len(), palimpsest::project::MAX_RECENT);
    assert_eq!(list[0], PathBuf::from("/lessons/5.palimpsest.json"));
    assert_eq!(list[1], PathBuf::from("/lessons/11.palimpsest.json"));
    assert_eq!(
        list.iter()
            .filter(|p| p.ends_with("5.palimpsest.json"))
            .count(),
        1
    );
    assert_eq!(dd.recent_projects(), list);
    let list = dd
        .remove_recent_project(Path::new("/lessons/5.palimpsest.json"))
        .unwrap();
    assert_eq!(list.len(), palimpsest::project::MAX_RECENT - 1);
}

// ---------------------------------------------------------------------------------------------
// Values checked on load

/// Writes `project` as saved, applies `edit` to its JSON, and loads it back.
fn load_edited(
    edit: impl Fn(&mut serde_json::Value),
) -> (ProjectError, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut project = project_with_images(dir.path());
    project.regions.push(RegionNote {
        id: 2,
        polygon: vec![[1.0, 2.0], [30.0, 2.0], [30.0, 40.0]],
        ..RegionNote::default()
    });
    let path = dir.path().join("v.palimpsest.json");
    project.save(&path).unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    let err = load_err_untouched(&path);
    (err, path, dir)
}

#[test]
fn out_of_bounds_values_are_refused_on_load() {
    let cases: Vec<(&str, Box<dyn Fn(&mut serde_json::Value)>)> = vec![
        (
            "finite coordinate",
            Box::new(|v| v["regions"][1]["polygon"][0][0] = 1e300.into()),
        ),
        (
            "finite coordinate",
            Box::new(|v| v["regions"][0]["bbox"]["x"] = (-1e19).into()),
        ),
        ("number 1", Box::new(|v| v["regions"][1]["id"] = 1.into())),
        (
            "cannot be inverted",
            Box::new(|v| {
                v["versions"][1]["alignment"] = serde_json::json!({
                    "model": "affine",
                    "before_from_after": [[1.0, 2.0, 0.0], [2.0, 4.0, 0.0], [0.0, 0.0, 1.0]],
                    "inliers": 10, "residual_px": 0.5, "confidence": 0.9, "method": "features"
                });
            }),
        ),
        (
            "over the 500 limit",
            Box::new(|v| v["regions"][0]["label"] = "Л".repeat(501).into()),
        ),
        (
            "note of region 1",
            Box::new(|v| v["regions"][0]["note"] = "n".repeat(20_001).into()),
        ),
        (
            "sensitivity",
            Box::new(|v| v["params"]["sensitivity"] = 7.into()),
        ),
        (
            "region 1 is at step 1, but the chain has 1 step",
            Box::new(|v| v["regions"][0]["step"] = 1.into()),
        ),
        (
            "over the 64 limit",
            Box::new(|v| {
                let one = v["versions"][1].clone();
                v["versions"] = serde_json::Value::Array(vec![one; 65]);
            }),
        ),
        ("not a uuid", Box::new(|v| v["id"] = "исчезнувшие".into())),
        (
            "bcp 47",
            Box::new(|v| v["language"] = "not a language".into()),
        ),
    ];
    for (needle, edit) in cases {
        let (err, _, _dir) = load_edited(edit);
        let msg = err.to_string();
        assert!(matches!(err, ProjectError::Invalid { .. }), "{msg}");
        assert!(
            msg.to_lowercase().contains(&needle.to_lowercase()),
            "expected {needle:?}: {msg}"
        );
    }
}

#[test]
fn a_saved_project_keeps_one_uuid_and_its_language() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = project_with_images(dir.path());
    project.language = "ru".to_owned();
    let path = dir.path().join("u.palimpsest.json");
    project.save(&path).unwrap();
    let loaded = Project::load(&path).unwrap().project;
    assert!(palimpsest::project::is_uuid(&loaded.id), "{}", loaded.id);
    assert_eq!(
        loaded.uuid(),
        project.uuid(),
        "the id exports used before the save"
    );
    assert_eq!(loaded.language, "ru");
    let mut renamed = loaded.clone();
    renamed.title = "Другое название".to_owned();
    renamed.save(&path).unwrap();
    assert_eq!(
        Project::load(&path).unwrap().project.id,
        loaded.id,
        "kept across saves"
    );
}

#[test]
fn a_replaced_image_is_reported_without_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with_images(dir.path());
    let path = dir.path().join("h.palimpsest.json");
    project.save(&path).unwrap();
    std::fs::write(
        dir.path().join("images/after.png"),
        b"root:x:0:0:root:/root:/bin/sh\n",
    )
    .unwrap();
    let problems = Project::load(&path).unwrap().problems;
    let text = problems[0].to_string();
    let found = palimpsest::project::sha256_file(&dir.path().join("images/after.png")).unwrap();
    assert!(
        !text.contains(&found[..12]),
        "prints part of the file's hash: {text}"
    );
    assert!(!text.contains("SHA-256"), "{text}");
}

/// A project saved by the release before version chains (schema 1, the bundled sample's
/// lesson as it shipped, its image paths pointing at the sample): it opens, migrates, keeps
/// every value, and saves as schema 2 that loads back equal.
#[test]
fn a_version_1_project_of_the_previous_release_migrates_and_round_trips() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1/podium.palimpsest.json");
    let old: serde_json::Value = serde_json::from_slice(&std::fs::read(&fixture).unwrap()).unwrap();
    assert_eq!(old["version"], 1);
    let loaded = Project::load(&fixture).unwrap();
    assert_eq!(loaded.migrated_from, Some(1));
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let p = loaded.project;
    assert_eq!(p.version_count(), 2);
    assert!(p.later.is_empty());
    // Nothing of the old file is lost: title, images with their hashes and provenance, the
    // alignment, parameters, regions with every note, essay, id and language.
    assert_eq!(p.title, old["title"]);
    for (entry, key) in [(&p.before, "before"), (&p.after, "after")] {
        assert_eq!(entry.sha256.as_deref(), old[key]["sha256"].as_str());
        assert_eq!(entry.meta.source, old[key]["meta"]["source"]);
        assert!(entry.path.is_file(), "{}", entry.path.display());
    }
    let old_alignment: palimpsest::align::Alignment =
        serde_json::from_value(old["alignment"].clone()).unwrap();
    assert_eq!(p.alignment.as_ref(), Some(&old_alignment));
    assert_eq!(p.regions.len(), old["regions"].as_array().unwrap().len());
    for (r, o) in p.regions.iter().zip(old["regions"].as_array().unwrap()) {
        assert_eq!(r.step, 0);
        assert_eq!(r.id, o["id"]);
        assert_eq!(r.label, o["label"]);
        assert_eq!(r.note, o["note"]);
        assert_eq!(r.links.len(), o["links"].as_array().map_or(0, Vec::len));
    }
    assert_eq!(p.id, old["id"].as_str().unwrap_or(""));
    assert_eq!(p.language, old["language"].as_str().unwrap_or("en"));
    assert_eq!(p.params.sensitivity, old["params"]["sensitivity"]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("podium.palimpsest.json");
    p.save(&path).unwrap();
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(saved["version"], 2);
    assert_eq!(saved["versions"].as_array().unwrap().len(), 2);
    assert!(saved["versions"][0].get("alignment").is_none());
    assert_eq!(saved["versions"][1]["sha256"], old["after"]["sha256"]);
    let saved_alignment: palimpsest::align::Alignment =
        serde_json::from_value(saved["versions"][1]["alignment"].clone()).unwrap();
    assert_eq!(saved_alignment, old_alignment);
    assert!(saved.get("before").is_none() && saved.get("alignment").is_none());
    let again = Project::load(&path).unwrap();
    assert_eq!(again.migrated_from, None);
    // The first save gives the document its UUID; nothing else changes.
    let mut expected = p.clone();
    expected.id.clone_from(&again.project.id);
    assert_eq!(again.project, expected);
}

/// A chain of three versions saves its later version with its own alignment and each region
/// with its step, and loads back equal; an image of a later version that is missing is named
/// by its number.
#[test]
fn a_three_version_chain_round_trips_and_names_a_missing_version() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = project_with_images(dir.path());
    let third = dir.path().join("1940.png");
    std::fs::copy(&project.after.path, &third).unwrap();
    project.later.push(LaterVersion {
        image: ImageEntry::at(&third),
        alignment: project.alignment.clone(),
    });
    project.later[0].image.meta.date = "1940".to_owned();
    let mut second_step = project.regions[0].clone();
    second_step.step = 1;
    second_step.id = 99;
    project.regions.push(second_step);
    let path = dir.path().join("chain.palimpsest.json");
    project.save(&path).unwrap();
    let loaded = Project::load(&path).unwrap();
    assert!(loaded.problems.is_empty());
    let p = loaded.project;
    assert_eq!(p.version_count(), 3);
    assert_eq!(p.version_name(2), "1940");
    assert_eq!(p.regions_of_step(1).count(), 1);
    assert!(p.later[0].image.sha256.is_some());
    std::fs::remove_file(&third).unwrap();
    let problems = Project::load(&path).unwrap().problems;
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].version, 2);
    assert!(
        problems[0]
            .to_string()
            .starts_with("version 3 image is missing"),
        "{}",
        problems[0]
    );
}
