//! The real `palimpsest` binary on good and bad inputs: exit codes, one-line errors, the mask's
//! size and the JSON report.

#![allow(
    clippy::unwrap_used,
    clippy::type_complexity,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use palimpsest::synth::{Rescan, rescan, staged_photo};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_palimpsest"))
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

/// A small doctored, rescanned pair written into `dir`: (before, after).
fn write_pair(dir: &Path) -> (PathBuf, PathBuf) {
    let scene = staged_photo(42, 640, 480);
    let before = scene.render(&[]);
    let doctored = scene.render(&[1]);
    let (after, _) = rescan(&doctored, &Rescan::typical(3), 3);
    let (b, a) = (dir.join("before.png"), dir.join("after.jpg"));
    before.save(&b).unwrap();
    after.save(&a).unwrap();
    (b, a)
}

/// Asserts a failed run: non-zero exit, and exactly one line on stderr that names the reason.
fn assert_one_line_error(out: &Output, needle: &str) {
    assert!(!out.status.success(), "expected failure");
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "stderr should be one line, got: {err}");
    assert!(lines[0].starts_with("error:"), "{err}");
    assert!(
        lines[0].to_lowercase().contains(needle),
        "expected '{needle}' in: {err}"
    );
}

#[test]
fn diff_writes_mask_json_and_images() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
    let (mask, json, ann, warped, heat) = (
        dir.path().join("m.png"),
        dir.path().join("r.json"),
        dir.path().join("a.png"),
        dir.path().join("w.png"),
        dir.path().join("h.png"),
    );
    let out = bin()
        .arg("diff")
        .args([&b, &a])
        .arg("--mask")
        .arg(&mask)
        .arg("--json")
        .arg(&json)
        .arg("--annotated")
        .arg(&ann)
        .arg("--aligned")
        .arg(&warped)
        .arg("--heatmap")
        .arg(&heat)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = image::open(&mask).unwrap();
    assert_eq!(m.color(), image::ColorType::L8, "mask must be 8-bit gray");
    assert_eq!(
        (m.width(), m.height()),
        (640, 480),
        "mask has the before image's size"
    );
    assert!(m.to_luma8().iter().all(|v| *v == 0 || *v == 255));
    assert!(m.to_luma8().contains(&255), "the erased figure is marked");
    for p in [&ann, &warped, &heat] {
        let img = image::open(p).unwrap();
        assert_eq!((img.width(), img.height()), (640, 480));
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["version"], 1);
    let matrix = report["alignment"]["before_from_after"].as_array().unwrap();
    assert_eq!(matrix.len(), 3);
    assert!(report["alignment"]["confidence"].as_f64().unwrap() > 0.5);
    assert!(report["alignment"]["residual_px"].as_f64().unwrap() < 1.0);
    let regions = report["regions"].as_array().unwrap();
    assert!(!regions.is_empty());
    for (i, r) in regions.iter().enumerate() {
        assert_eq!(r["id"].as_u64().unwrap(), i as u64 + 1);
        assert!(r["polygon"].as_array().unwrap().len() >= 3);
        assert!(r["area_px"].as_f64().unwrap() > 0.0);
    }
    assert!(report["timings"]["total_secs"].as_f64().unwrap() > 0.0);
}

#[test]
fn missing_file_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let (b, _) = write_pair(dir.path());
    let out = run(&[
        "diff".as_ref(),
        b.as_os_str(),
        dir.path().join("nope.jpg").as_os_str(),
    ]);
    assert_one_line_error(&out, "not found");
}

#[test]
fn empty_truncated_and_garbage_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
    let empty = dir.path().join("empty.png");
    std::fs::write(&empty, b"").unwrap();
    assert_one_line_error(
        &run(&["diff".as_ref(), b.as_os_str(), empty.as_os_str()]),
        "empty",
    );

    let bytes = std::fs::read(&a).unwrap();
    let cut = dir.path().join("cut.jpg");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    assert_one_line_error(
        &run(&["diff".as_ref(), b.as_os_str(), cut.as_os_str()]),
        "corrupt",
    );

    let text = dir.path().join("notes.jpg");
    std::fs::write(&text, "this is not an image at all").unwrap();
    assert_one_line_error(
        &run(&["diff".as_ref(), b.as_os_str(), text.as_os_str()]),
        "unsupported",
    );
}

#[test]
fn oversized_images_are_refused_before_decoding() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
    let out = run(&[
        "diff".as_ref(),
        b.as_os_str(),
        a.as_os_str(),
        "--max-megapixels".as_ref(),
        "0.1".as_ref(),
    ]);
    assert_one_line_error(&out, "limit");
}

#[test]
fn unrelated_images_fail_to_align() {
    let dir = tempfile::tempdir().unwrap();
    let (b, _) = write_pair(dir.path());
    // A different photograph altogether.
    let other = staged_photo(9_999, 640, 480).render(&[]);
    let flipped = image::imageops::rotate180(&image::imageops::flip_horizontal(&other));
    let o = dir.path().join("other.png");
    flipped.save(&o).unwrap();
    let noise = image::RgbImage::from_fn(640, 480, |x, y| {
        let v = ((x * 7919 + y * 104_729) % 251) as u8;
        image::Rgb([v, v.wrapping_mul(3), v.wrapping_mul(7)])
    });
    let n = dir.path().join("noise.png");
    noise.save(&n).unwrap();
    let out = run(&["diff".as_ref(), b.as_os_str(), n.as_os_str()]);
    assert_one_line_error(&out, "align");
}

#[test]
fn ignore_mask_of_wrong_size_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
    let m = dir.path().join("ignore.png");
    image::GrayImage::new(10, 10).save(&m).unwrap();
    let out = run(&[
        "diff".as_ref(),
        b.as_os_str(),
        a.as_os_str(),
        "--ignore".as_ref(),
        m.as_os_str(),
    ]);
    assert_one_line_error(&out, "ignore mask");
}

#[test]
fn outputs_never_overwrite_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
    let before_bytes = std::fs::read(&b).unwrap();
    let out = run(&[
        "diff".as_ref(),
        b.as_os_str(),
        a.as_os_str(),
        "--mask".as_ref(),
        b.as_os_str(),
    ]);
    assert_one_line_error(&out, "overwrite");
    assert_eq!(std::fs::read(&b).unwrap(), before_bytes);
}

#[test]
fn help_explains_every_option() {
    let out = run(&["diff".as_ref(), "--help".as_ref()]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for opt in [
        "--mask",
        "--json",
        "--annotated",
        "--aligned",
        "--heatmap",
        "--ignore",
        "--sensitivity",
        "--model",
        "--max-megapixels",
    ] {
        assert!(help.contains(opt), "--help lacks {opt}");
    }
}

#[test]
fn bad_sensitivity_is_refused() {
    let out = run(&[
        "diff".as_ref(),
        "a".as_ref(),
        "b".as_ref(),
        "--sensitivity".as_ref(),
        "7".as_ref(),
    ]);
    assert!(!out.status.success());
}
