//! Accuracy table of the pipeline on generated pairs with known answers.
//!
//! `cargo run --release --example evaluate [SEEDS]` prints, per case, the alignment error
//! against the true transform, the reported residual and confidence, the pixel IoU of the
//! change mask against the ground truth, and how many erased figures were found.

use std::time::Instant;

use image::GrayImage;
use palimpsest::io::LoadedImage;
use palimpsest::job::Job;
use palimpsest::pipeline::{Params, analyze};
use palimpsest::synth::{Halftone, Rescan, ToneShift, rescan, staged_photo};

fn loaded(rgb: image::RgbImage, grayscale: bool) -> LoadedImage {
    LoadedImage::new(rgb, grayscale, "generated".into(), "png")
}

fn iou(a: &GrayImage, b: &GrayImage) -> f64 {
    let (mut inter, mut union) = (0u64, 0u64);
    for (x, y) in a.iter().zip(b.iter()) {
        let (x, y) = (*x > 0, *y > 0);
        inter += u64::from(x && y);
        union += u64::from(x || y);
    }
    if union == 0 {
        1.0
    } else {
        inter as f64 / union as f64
    }
}

fn main() {
    let seeds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let cases: Vec<(&str, Rescan, usize)> = vec![
        ("identity", Rescan::identity(), 1),
        (
            "shift",
            Rescan {
                shift: [17.3, -9.6],
                ..Rescan::identity()
            },
            1,
        ),
        (
            "scale0.8",
            Rescan {
                scale: 0.8,
                ..Rescan::identity()
            },
            1,
        ),
        (
            "scale1.25",
            Rescan {
                scale: 1.25,
                ..Rescan::identity()
            },
            1,
        ),
        (
            "rot10",
            Rescan {
                angle_deg: 10.0,
                ..Rescan::identity()
            },
            1,
        ),
        (
            "rot-10",
            Rescan {
                angle_deg: -10.0,
                ..Rescan::identity()
            },
            1,
        ),
        (
            "crop15",
            Rescan {
                crop: [0.15, 0.0, 0.0, 0.05],
                ..Rescan::identity()
            },
            1,
        ),
        (
            "tone",
            Rescan {
                tone: ToneShift {
                    gamma: 1.4,
                    gain: 0.85,
                    offset: 0.05,
                    fade: 0.2,
                    sepia: 0.6,
                    uneven: 0.15,
                    vignette: 0.3,
                },
                ..Rescan::identity()
            },
            1,
        ),
        (
            "grain+jpeg",
            Rescan {
                grain_sigma: 8.0,
                jpeg_quality: Some(70),
                ..Rescan::identity()
            },
            1,
        ),
        (
            "gray",
            Rescan {
                grayscale: true,
                ..Rescan::identity()
            },
            1,
        ),
        (
            "halftone",
            Rescan {
                halftone: Some(Halftone {
                    period_px: 4.0,
                    angle_deg: 45.0,
                }),
                grayscale: true,
                ..Rescan::identity()
            },
            1,
        ),
        ("typical", Rescan::typical(7), 2),
        ("book", Rescan::book(9), 1),
        ("unchanged-typical", Rescan::typical(11), 0),
        ("unchanged-book", Rescan::book(12), 0),
    ];
    for seed in 0..seeds {
        let scene = staged_photo(1000 + seed, 1200, 900);
        let before = scene.render(&[]);
        for (name, r, n_removed) in &cases {
            if let Ok(only) = std::env::var("EVAL_ONLY")
                && !only.split(',').any(|o| o == *name)
            {
                continue;
            }
            let removed: Vec<usize> = (0..*n_removed)
                .map(|i| (seed as usize + 2 * i + 1) % scene.figure_count())
                .collect();
            let doctored = scene.render(&removed);
            let truth = scene.truth_mask(&removed);
            let (after, true_t) = rescan(&doctored, r, seed * 31 + 5);
            let t0 = Instant::now();
            let result = analyze(
                &loaded(before.clone(), false),
                &loaded(after.clone(), r.grayscale),
                &Params::default(),
                None,
                Job::none(),
            );
            let secs = t0.elapsed().as_secs_f64();
            match result {
                Ok(a) => {
                    let err = a.alignment.before_from_after.max_corner_distance(
                        &true_t,
                        f64::from(after.width()),
                        f64::from(after.height()),
                    );
                    let mask = a.full_mask();
                    if std::env::var("EVAL_DUMP").is_ok_and(|d| d == *name) {
                        let dir = std::path::Path::new("target/eval-dump");
                        let _ = std::fs::create_dir_all(dir);
                        let _ = before.save(dir.join("before.png"));
                        let _ = after.save(dir.join("after.png"));
                        let _ = truth.save(dir.join("truth.png"));
                        let _ = mask.save(dir.join("mask.png"));
                        let _ = a.heatmap().save(dir.join("heatmap.png"));
                    }
                    println!(
                        "seed {seed} {name:18} err {err:6.2}px resid {:5.2} conf {:4.2} {:10} iou {:5.3} regions {:2} truth_px {:7} mask_px {:7} {secs:5.2}s",
                        a.alignment.residual_px,
                        a.alignment.confidence,
                        a.alignment.model.name(),
                        iou(&mask, &truth),
                        a.detection.regions.len(),
                        truth.iter().filter(|v| **v > 0).count(),
                        mask.iter().filter(|v| **v > 0).count(),
                    );
                }
                Err(e) => println!("seed {seed} {name:18} FAILED: {e}"),
            }
        }
    }
}
