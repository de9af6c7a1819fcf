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

/// Two kinds of unrelated "after" image are refused as unalignable, each with a one-line
/// error naming it: a different photograph altogether (another staged scene, mirrored and
/// turned over) and structured noise.
#[test]
fn unrelated_images_fail_to_align() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
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
    // The real pair aligns, so a refusal below is about the unrelated image, not the before.
    let ok = run(&["diff".as_ref(), b.as_os_str(), a.as_os_str()]);
    assert!(
        ok.status.success(),
        "the doctored rescan aligns: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
    for unrelated in [&o, &n] {
        let out = run(&["diff".as_ref(), b.as_os_str(), unrelated.as_os_str()]);
        assert_one_line_error(&out, "align");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&unrelated.display().to_string()),
            "names the image: {err}"
        );
    }
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
    // The help of `palimpsest ARGS --help` names every one of `words`.
    let help_names = |args: &[&str], words: &[&str]| {
        let mut full: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        full.push("--help".as_ref());
        let out = run(&full);
        assert!(out.status.success(), "{args:?} --help");
        let help = String::from_utf8_lossy(&out.stdout);
        for word in words {
            assert!(help.contains(word), "{args:?} --help lacks {word}");
        }
    };
    help_names(
        &["diff"],
        &[
            "--mask",
            "--json",
            "--annotated",
            "--aligned",
            "--heatmap",
            "--ignore",
            "--sensitivity",
            "--model",
            "--max-megapixels",
            "--noise-suppression",
            "--min-area",
            "--allow-corrupt",
        ],
    );
    help_names(&[], &["open", "diff", "export", "project"]);
    help_names(
        &["project", "new"],
        &[
            "--title",
            "--sensitivity",
            "--model",
            "--min-area",
            "--allow-corrupt",
        ],
    );
    help_names(
        &["export"],
        &[
            "--png",
            "--side-by-side",
            "--slides",
            "--pdf",
            "--worksheet",
            "--web-annotation",
            "--iiif",
            "--csv",
            "--csv-excel",
        ],
    );
}

/// On a pair that exists and aligns, so that only the range check can refuse it.
#[test]
fn bad_sensitivity_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
    let base = [b.as_os_str(), a.as_os_str()];
    let with = |value: &str| {
        let mut args: Vec<&std::ffi::OsStr> = vec!["diff".as_ref()];
        args.extend(base);
        args.push("--sensitivity".as_ref());
        args.push(value.as_ref());
        run(&args)
    };
    assert!(with("0.7").status.success(), "an in-range value runs");
    let out = with("7");
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--sensitivity"), "names the option: {err}");
}

fn os(p: &Path) -> &std::ffi::OsStr {
    p.as_os_str()
}

#[test]
fn the_ignore_mask_is_an_input_too() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
    let ig = dir.path().join("ig.png");
    image::GrayImage::new(640, 480).save(&ig).unwrap();
    let kept = std::fs::read(&ig).unwrap();
    for flag in ["--mask", "--json", "--heatmap"] {
        let out = run(&[
            "diff".as_ref(),
            os(&b),
            os(&a),
            "--ignore".as_ref(),
            os(&ig),
            flag.as_ref(),
            os(&ig),
        ]);
        assert_one_line_error(&out, "overwrite");
        assert_eq!(
            std::fs::read(&ig).unwrap(),
            kept,
            "{flag} replaced the mask"
        );
    }
}

#[test]
fn outputs_linked_to_an_input_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
    let kept = std::fs::read(&b).unwrap();
    let hard = dir.path().join("hard.png");
    std::fs::hard_link(&b, &hard).unwrap();
    let out = run(&[
        "diff".as_ref(),
        os(&b),
        os(&a),
        "--mask".as_ref(),
        os(&hard),
    ]);
    assert_one_line_error(&out, "overwrite");
    #[cfg(unix)]
    {
        let soft = dir.path().join("soft.jpg");
        std::os::unix::fs::symlink(&a, &soft).unwrap();
        let out = run(&[
            "diff".as_ref(),
            os(&b),
            os(&a),
            "--annotated".as_ref(),
            os(&soft),
        ]);
        assert_one_line_error(&out, "overwrite");
    }
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let dotted = sub.join("..").join("before.png");
    let out = run(&[
        "diff".as_ref(),
        os(&b),
        os(&a),
        "--aligned".as_ref(),
        os(&dotted),
    ]);
    assert_one_line_error(&out, "overwrite");
    assert_eq!(std::fs::read(&b).unwrap(), kept);
}

#[test]
fn two_outputs_on_one_path_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
    let x = dir.path().join("x.png");
    let x_again = dir.path().join(".").join("x.png");
    let started = std::time::Instant::now();
    let out = run(&[
        "diff".as_ref(),
        os(&b),
        os(&a),
        "--mask".as_ref(),
        os(&x),
        "--heatmap".as_ref(),
        os(&x_again),
    ]);
    assert_one_line_error(&out, "same file");
    assert!(!x.exists());
    // Refused before decoding or aligning anything.
    assert!(started.elapsed().as_secs_f64() < 2.0);
}

#[test]
fn a_failing_run_leaves_no_output_behind() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
    let mask = dir.path().join("m.png");
    // The JSON report's folder would be a file: its write fails after the mask is made.
    let blocked = dir.path().join("blocker");
    std::fs::write(&blocked, b"a file, not a folder").unwrap();
    let json = blocked.join("r.json");
    let out = run(&[
        "diff".as_ref(),
        os(&b),
        os(&a),
        "--mask".as_ref(),
        os(&mask),
        "--json".as_ref(),
        os(&json),
    ]);
    assert_one_line_error(&out, "r.json");
    assert!(!mask.exists(), "the mask of a failed run was left behind");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.ends_with(".tmp")),
        "temporary files left: {names:?}"
    );
}

/// A deterministic byte stream for corrupting files.
fn noise_bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (s >> 33) as u8
        })
        .collect()
}

/// Where a baseline JPEG's compressed data starts: just after its start-of-scan header.
fn scan_start(jpeg: &[u8]) -> usize {
    let sos = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let len = (usize::from(jpeg[sos + 2]) << 8) | usize::from(jpeg[sos + 3]);
    sos + 2 + len
}

/// Three damaged JPEGs as found in the wild: 2 000 bytes overwritten with noise in the middle,
/// 64 bytes zeroed (a sector read back as zeros), and a file cut at half with its end marker
/// put back. (Some small damage resynchronises and leaves the compressed data well formed: no
/// decoder, libjpeg included, can see it in the data; see the README.)
fn corrupt_jpegs(dir: &Path, good: &Path) -> Vec<PathBuf> {
    let bytes = std::fs::read(good).unwrap();
    let start = scan_start(&bytes);
    let end = bytes.len() - 2;
    let mid = (start + end) / 2;
    let mut many = bytes.clone();
    many[mid - 1000..mid + 1000].copy_from_slice(&noise_bytes(1, 2000));
    let mut few = bytes.clone();
    few[mid..mid + 64].fill(0);
    let mut cut = bytes[..mid].to_vec();
    cut.extend_from_slice(&[0xFF, 0xD9]);
    let mut paths = Vec::new();
    for (name, data) in [("many.jpg", many), ("few.jpg", few), ("cut.jpg", cut)] {
        let p = dir.join(name);
        std::fs::write(&p, data).unwrap();
        paths.push(p);
    }
    paths
}

#[test]
fn corrupt_jpegs_are_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
    for bad in corrupt_jpegs(dir.path(), &a) {
        let out = run(&["diff".as_ref(), os(&b), os(&bad)]);
        assert!(!out.status.success(), "{} was accepted", bad.display());
        assert_one_line_error(&out, "corrupt jpeg data");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.trim_end().ends_with(&bad.display().to_string()),
            "{err}"
        );
        assert_eq!(out.status.code(), Some(1));
    }
    let bad = dir.path().join("few.jpg");
    let json = dir.path().join("r.json");
    let out = run(&[
        "diff".as_ref(),
        os(&b),
        os(&bad),
        "--allow-corrupt".as_ref(),
        "--json".as_ref(),
        os(&json),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: going on with damaged image data"),
        "{err}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(report["alignment"]["confidence"].as_f64().unwrap() <= 0.5);
}

#[test]
fn a_png_failing_its_checksum_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (b, a) = write_pair(dir.path());
    let mut bytes = std::fs::read(&b).unwrap();
    let idat = bytes.windows(4).position(|w| w == b"IDAT").unwrap();
    bytes[idat + 40] ^= 0x55;
    let bad = dir.path().join("bad.png");
    std::fs::write(&bad, bytes).unwrap();
    assert_one_line_error(&run(&["diff".as_ref(), os(&bad), os(&a)]), "corrupt");
}

/// Asserts a usage error: exit status 2 and one line that ends with the `--help` hint.
fn assert_usage_error(out: &Output, needle: &str) {
    assert_one_line_error(out, needle);
    assert_eq!(out.status.code(), Some(2), "usage errors exit with 2");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--help"));
}

#[test]
fn options_must_be_finite_and_in_range() {
    for (flag, value, needle) in [
        ("--max-megapixels", "NaN", "finite"),
        ("--max-megapixels", "inf", "finite"),
        ("--max-megapixels", "-1", "between"),
        ("--max-megapixels", "0", "more than 0"),
        ("--min-area", "-5", "between"),
        ("--min-area", "NaN", "finite"),
        ("--sensitivity", "7", "between"),
        ("--noise-suppression", "NaN", "finite"),
        ("--model", "rotation", "invalid value"),
    ] {
        let out = run(&[
            "diff".as_ref(),
            "a.png".as_ref(),
            "b.png".as_ref(),
            flag.as_ref(),
            value.as_ref(),
        ]);
        assert_usage_error(&out, needle);
    }
}

#[test]
fn usage_errors_are_one_line_with_a_hint() {
    assert_usage_error(&run(&["diff".as_ref(), "--bogus".as_ref()]), "--bogus");
    assert_usage_error(
        &run(&["diff".as_ref(), "only-one.png".as_ref()]),
        "required",
    );
    assert_usage_error(&run(&["frobnicate".as_ref()]), "two images");
    let out = run(&["export".as_ref(), "p.palimpsest.json".as_ref()]);
    assert_usage_error(&out, "nothing to export");
    let out = run(&[
        "export".as_ref(),
        "p.palimpsest.json".as_ref(),
        "--web-annotation".as_ref(),
        "w.json".as_ref(),
        "--image-iri".as_ref(),
        "not an iri with spaces".as_ref(),
    ]);
    assert_usage_error(&out, "iri");
}

#[cfg(unix)]
#[test]
fn devices_and_pipes_are_not_images() {
    let dir = tempfile::tempdir().unwrap();
    let (b, _) = write_pair(dir.path());
    let out = run(&["diff".as_ref(), os(&b), "/dev/zero".as_ref()]);
    assert_one_line_error(&out, "not a regular file");
    let fifo = dir.path().join("pipe.jpg");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let out = run(&["diff".as_ref(), os(&b), os(&fifo)]);
    assert_one_line_error(&out, "not a regular file");
}

/// `--model M` fits exactly M or says it cannot: on a rescan that is turned, a translation
/// is never reported with a rotation in its matrix.
#[test]
fn an_asked_for_model_is_fitted_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let podium = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_images/podium");
    let (b, a) = (podium.join("before.jpg"), podium.join("after.jpg"));
    // The podium's rescan is turned 3.5° and scaled by 1.11: no translation fits it.
    for (model, fits) in [("translation", false), ("similarity", true)] {
        let json = dir.path().join(format!("{model}.json"));
        let out = run(&[
            "diff".as_ref(),
            os(&b),
            os(&a),
            "--model".as_ref(),
            model.as_ref(),
            "--json".as_ref(),
            os(&json),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !fits {
            assert!(!out.status.success(), "a {model} fitted a turned rescan");
            assert!(stderr.contains("does not fit"), "{model}: {stderr}");
            assert_eq!(stderr.trim().lines().count(), 1, "{model}: {stderr}");
            continue;
        }
        assert!(out.status.success(), "{model}: {stderr}");
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(report["alignment"]["model"], model);
        let m: Vec<Vec<f64>> =
            serde_json::from_value(report["alignment"]["before_from_after"].clone()).unwrap();
        assert!(
            (m[2][0]).abs() < 1e-9 && (m[2][1]).abs() < 1e-9,
            "{model}: {m:?}"
        );
        if model == "translation" {
            for (got, want) in [
                (m[0][0], 1.0),
                (m[0][1], 0.0),
                (m[1][0], 0.0),
                (m[1][1], 1.0),
            ] {
                assert!((got - want).abs() < 1e-9, "a translation's matrix: {m:?}");
            }
        } else {
            // A similarity: a rotation and one scale.
            assert!(
                (m[0][0] - m[1][1]).abs() < 1e-9 && (m[0][1] + m[1][0]).abs() < 1e-9,
                "{m:?}"
            );
        }
    }
}

/// `project new` saves what `diff` finds as a project file, which `export` then renders: the
/// flow from two images to a handout, scripted.
#[test]
fn project_new_saves_the_analysis_and_export_renders_it() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("kirov");
    std::fs::create_dir(&case).unwrap();
    let (b, a) = write_pair(&case);
    let project = dir.path().join("lesson.palimpsest.json");
    let json = dir.path().join("r.json");
    let made = run(&[
        "project".as_ref(),
        "new".as_ref(),
        os(&project),
        os(&b),
        os(&a),
        "--sensitivity".as_ref(),
        "0.6".as_ref(),
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let diffed = run(&[
        "diff".as_ref(),
        os(&b),
        os(&a),
        "--json".as_ref(),
        os(&json),
        "--sensitivity".as_ref(),
        "0.6".as_ref(),
    ]);
    assert!(diffed.status.success());
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();

    let loaded = palimpsest::project::Project::load(&project).unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let p = &loaded.project;
    assert_eq!(
        p.title, "kirov",
        "titled after the pair's folder, as the app does"
    );
    assert!((p.params.sensitivity - 0.6).abs() < 1e-12);
    assert!(palimpsest::project::is_uuid(&p.id), "{}", p.id);
    assert!(p.before.sha256.is_some() && p.after.sha256.is_some());
    // Stored relative to the project file, resolved back on load.
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&project).unwrap()).unwrap();
    assert_eq!(stored["versions"][0]["path"], "kirov/before.png");
    assert_eq!(p.before.path, b);
    // The regions and the alignment are those `diff` reports for the same pair and options.
    let regions = report["regions"].as_array().unwrap();
    assert!(!regions.is_empty(), "the doctored pair has a region");
    assert_eq!(p.regions.len(), regions.len());
    for (note, r) in p.regions.iter().zip(regions) {
        assert_eq!(u64::from(note.id), r["id"].as_u64().unwrap());
        let polygon: Vec<[f64; 2]> = serde_json::from_value(r["polygon"].clone()).unwrap();
        assert_eq!(note.polygon, polygon);
    }
    let fit = p.alignment.as_ref().unwrap();
    let reported: [[f64; 3]; 3] =
        serde_json::from_value(report["alignment"]["before_from_after"].clone()).unwrap();
    assert_eq!(fit.before_from_after.rows(), reported);

    let (csv, pdf) = (dir.path().join("r.csv"), dir.path().join("h.pdf"));
    let exported = run(&[
        "export".as_ref(),
        os(&project),
        "--csv".as_ref(),
        os(&csv),
        "--pdf".as_ref(),
        os(&pdf),
    ]);
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(rows.lines().count(), 1 + regions.len(), "{rows}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    // A title given wins; a pair that cannot be read leaves no project behind.
    let titled = dir.path().join("titled.palimpsest.json");
    let out = run(&[
        "project".as_ref(),
        "new".as_ref(),
        os(&titled),
        os(&b),
        os(&a),
        "--title".as_ref(),
        "Kirov and Stalin, 1934".as_ref(),
    ]);
    assert!(out.status.success());
    let t = palimpsest::project::Project::load(&titled).unwrap().project;
    assert_eq!(t.title, "Kirov and Stalin, 1934");
    let failed = dir.path().join("failed.palimpsest.json");
    let out = run(&[
        "project".as_ref(),
        "new".as_ref(),
        os(&failed),
        os(&b),
        os(&dir.path().join("missing.jpg")),
    ]);
    assert_one_line_error(&out, "not found");
    assert!(!failed.exists());
}
