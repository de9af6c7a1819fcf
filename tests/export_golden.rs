//! Golden-image tests of the annotated image, the side-by-side composite and one slide, drawn
//! from a small in-memory project.
//!
//! The goldens in `tests/golden/` are stored at half size (to keep the repository small and
//! the comparison insensitive to sub-pixel differences in anti-aliasing). A test fails when
//! the size differs, or when more than 0.5 % of the (half-size) pixels differ by more than 40
//! in a channel, or the mean difference exceeds 1.5 levels: small enough to catch a moved,
//! missing or recoloured outline, label or line of text, large enough to tolerate rounding
//! differences between machines. `UPDATE_GOLDEN=1 cargo test --test export_golden` rewrites
//! the goldens; a failure writes `NAME.new.png` (git-ignored) beside the golden to look at.

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

use std::path::PathBuf;

use export_fixture::fixture;
use image::RgbImage;
use palimpsest::export::{self, Base};

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn half(img: &RgbImage) -> RgbImage {
    image::imageops::resize(
        img,
        img.width().div_ceil(2),
        img.height().div_ceil(2),
        image::imageops::FilterType::Triangle,
    )
}

/// Compares an export with its golden; `Err` says how it differs.
fn compare(name: &str, actual: &RgbImage) -> Result<(), String> {
    let path = golden_dir().join(format!("{name}.png"));
    let golden = image::open(&path)
        .map_err(|e| {
            format!(
                "no golden {} ({e}); run with UPDATE_GOLDEN=1",
                path.display()
            )
        })?
        .into_rgb8();
    if golden.dimensions() != actual.dimensions() {
        return Err(format!(
            "{name}: size {:?}, golden {:?}",
            actual.dimensions(),
            golden.dimensions()
        ));
    }
    let mut big = 0_usize;
    let mut sum = 0_u64;
    for (a, g) in actual.pixels().zip(golden.pixels()) {
        let d =
            a.0.iter()
                .zip(g.0)
                .map(|(x, y)| x.abs_diff(y))
                .max()
                .unwrap_or(0);
        sum += u64::from(d);
        if d > 40 {
            big += 1;
        }
    }
    let n = f64::from(actual.width() * actual.height());
    let big_share = big as f64 / n;
    let mean = sum as f64 / n;
    if big_share > 0.005 || mean > 1.5 {
        return Err(format!(
            "{name}: {:.3} % of pixels differ by > 40, mean difference {mean:.2}",
            big_share * 100.0
        ));
    }
    Ok(())
}

fn check(name: &str, full: &RgbImage) {
    let actual = half(full);
    let path = golden_dir().join(format!("{name}.png"));
    let new_path = golden_dir().join(format!("{name}.new.png"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        actual.save(&path).unwrap();
        let _ = std::fs::remove_file(&new_path);
        return;
    }
    if let Err(e) = compare(name, &actual) {
        actual.save(&new_path).unwrap();
        panic!("{e} (wrote {})", new_path.display());
    }
    let _ = std::fs::remove_file(&new_path);
}

#[test]
fn annotated_image_matches_golden() {
    let f = fixture();
    let img = export::annotated_image(&f.input(), Base::Before);
    assert_eq!(img.width(), 1000, "small scans are enlarged to 1000 px");
    check("annotated", &img);
}

#[test]
fn annotated_image_on_the_altered_print_matches_golden() {
    let f = fixture();
    check(
        "annotated_after",
        &export::annotated_image(&f.input(), Base::After),
    );
}

#[test]
fn side_by_side_matches_golden() {
    let f = fixture();
    check("side_by_side", &export::side_by_side(&f.input()));
}

#[test]
fn region_slide_matches_golden() {
    let f = fixture();
    let slides = export::slides(&f.input(), Base::Before);
    check("slide_region_1", &slides[1]);
}

#[test]
fn title_slide_matches_golden() {
    let f = fixture();
    let slides = export::slides(&f.input(), Base::Before);
    check("slide_title", &slides[0]);
}

#[test]
fn the_golden_check_fails_on_a_changed_image() {
    // Guard against a comparison that passes everything: drop an outline and compare.
    let f = fixture();
    let mut project = f.project.clone();
    project.regions[0].hidden = true;
    let input = export::ExportInput {
        project: &project,
        ..f.input()
    };
    let img = half(&export::annotated_image(&input, Base::Before));
    assert!(
        golden_dir().join("annotated.png").exists(),
        "the golden annotated image is part of the repository"
    );
    assert!(
        compare("annotated", &img).is_err(),
        "a missing region must fail the golden check"
    );
}
