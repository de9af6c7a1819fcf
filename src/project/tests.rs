use std::path::{Path, PathBuf};

use serde_json::Value;

use super::load::json_error;
use super::paths::{normalize, relative_to};
use super::*;

#[test]
fn normalize_folds_dots() {
    assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
    assert_eq!(normalize(Path::new("/../a")), PathBuf::from("/a"));
    assert_eq!(
        normalize(Path::new("../a/../../b")),
        PathBuf::from("../../b")
    );
}

#[test]
fn relative_paths() {
    let rel = |t: &str, b: &str| relative_to(Path::new(t), Path::new(b));
    assert_eq!(rel("/p/images/a.png", "/p"), PathBuf::from("images/a.png"));
    assert_eq!(
        rel("/p/a.png", "/p/lessons/one"),
        PathBuf::from("../../a.png")
    );
    assert_eq!(rel("/x/y.png", "/p"), PathBuf::from("../x/y.png"));
    assert_eq!(rel("/p/a.png", "/"), PathBuf::from("p/a.png"));
    assert_eq!(rel("rel/a.png", "/p"), PathBuf::from("rel/a.png"));
    // Resolving undoes it.
    let base = Path::new("/p/lessons/one");
    let back = normalize(&base.join(rel("/q/r/s.png", "/p/lessons/one")));
    assert_eq!(back, PathBuf::from("/q/r/s.png"));
}

#[test]
fn project_file_names() {
    assert!(is_project_file(Path::new("/a/lesson.palimpsest.json")));
    assert!(!is_project_file(Path::new("/a/lesson.json")));
    assert!(!is_project_file(Path::new("/a/.palimpsest.json")));
    assert_eq!(
        with_project_extension(Path::new("/a/lesson")),
        PathBuf::from("/a/lesson.palimpsest.json")
    );
    assert_eq!(
        with_project_extension(Path::new("/a/lesson.json")),
        PathBuf::from("/a/lesson.palimpsest.json")
    );
    assert_eq!(
        with_project_extension(Path::new("/a/x.palimpsest.json")),
        PathBuf::from("/a/x.palimpsest.json")
    );
}

#[test]
fn schema_versions() {
    assert_eq!(schema_version(&serde_json::json!({})).ok(), Some(0));
    assert_eq!(
        schema_version(&serde_json::json!({ "version": 1 })).ok(),
        Some(1)
    );
    assert!(matches!(
        schema_version(&serde_json::json!({ "version": -1 })),
        Err(MigrationError::BadVersion { .. })
    ));
    assert!(matches!(
        schema_version(&serde_json::json!({ "version": 1.5 })),
        Err(MigrationError::BadVersion { .. })
    ));
    assert!(matches!(
        schema_version(&serde_json::json!("x")),
        Err(MigrationError::NotAnObject)
    ));
}

#[test]
fn migration_of_image_objects_and_bad_values() {
    let v0 = serde_json::json!({ "before": { "path": "b.png" }, "after": null });
    let v2 = migrate(v0).unwrap();
    assert_eq!(v2["versions"][0]["path"], "b.png");
    assert_eq!(v2["versions"][1], serde_json::json!({}));
    assert_eq!(v2["version"], 2);
    let bad = serde_json::json!({ "before": 7 });
    assert!(matches!(
        migrate(bad),
        Err(MigrationError::Step { from: 0, .. })
    ));
    let bad = serde_json::json!({ "regions": {} });
    assert!(matches!(
        migrate(bad),
        Err(MigrationError::Step { from: 0, .. })
    ));
}

#[test]
fn sha256_of_known_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc");
    std::fs::write(&path, b"abc").unwrap();
    assert_eq!(
        sha256_file(&path).unwrap(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    // Larger than one read buffer.
    let big = vec![b'a'; 1_000_000];
    std::fs::write(&path, &big).unwrap();
    assert_eq!(
        sha256_file(&path).unwrap(),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );
}

#[test]
fn json_errors_are_one_line_with_position() {
    let path = Path::new("/x/p.palimpsest.json");
    let e = serde_json::from_slice::<Value>(b"{\n  \"a\": tru").unwrap_err();
    let msg = json_error(&e, path).to_string();
    assert!(msg.starts_with("project file is"), "{msg}");
    assert!(msg.ends_with("/x/p.palimpsest.json"), "{msg}");
    let e = serde_json::from_slice::<Value>(b"{ \"a\": 1 } x").unwrap_err();
    let msg = json_error(&e, path).to_string();
    assert_eq!(
        msg,
        "project file is corrupt, not valid JSON (trailing characters at line 1, column 12): \
             /x/p.palimpsest.json"
    );
}

#[test]
fn problems_display_on_one_line() {
    let p = ImageProblem {
        which: Which::After,
        version: 1,
        path: PathBuf::from("/x/after.jpg"),
        kind: ImageProblemKind::HashMismatch {
            expected: "0123456789abcdef".to_owned(),
            found: "fedcba9876543210".to_owned(),
        },
    };
    assert_eq!(
        p.to_string(),
        "after image is not the file the project was saved with: /x/after.jpg"
    );
}
