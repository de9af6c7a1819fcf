//! Registration: estimates `before_from_after`, the transform that carries the after image onto
//! the before image, and warps with it.
//!
//! Coarse to fine: oriented FAST keypoints with rotation-aware binary descriptors on a reduced
//! copy of each image, mutual nearest-neighbour matching with a ratio test, and a robust
//! (RANSAC) fit of the model; then intensity-based refinement with robust weights at finer
//! levels for sub-pixel accuracy. A Fourier–Mellin (phase correlation) estimate takes over when
//! the images have too little texture for keypoints. Erased areas are outliers to every step.
//! This module does not normalise tone or decide what changed.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::geometry::{Model, Transform};

/// Why alignment failed.
#[derive(Debug, Error)]
pub enum AlignError {
    /// Not enough consistent correspondences were found.
    #[error("could not align the images: {0}")]
    NoFit(String),
    /// The caller cancelled.
    #[error("cancelled")]
    Cancelled,
}

impl From<crate::job::Cancelled> for AlignError {
    fn from(_: crate::job::Cancelled) -> Self {
        AlignError::Cancelled
    }
}

/// Options for [`align`].
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AlignOptions {
    /// Force a model, or `None` to choose automatically.
    pub model: Option<Model>,
    /// Longest side of the copy used for keypoint matching.
    pub coarse_max_side: u32,
    /// Longest side of the finest level used for refinement.
    pub fine_max_side: u32,
    /// Halftone screen periods of the before and after images in their own pixels, when
    /// already measured (see [`crate::imgops::halftone_period`]); `None` measures them.
    #[serde(skip)]
    pub screen_periods: Option<[Option<f32>; 2]>,
}

impl Default for AlignOptions {
    fn default() -> Self {
        Self {
            model: None,
            coarse_max_side: 1024,
            fine_max_side: 2048,
            screen_periods: None,
        }
    }
}

/// How the transform was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlignMethod {
    /// Keypoints, robust fit, then intensity refinement.
    Features,
    /// Fourier–Mellin phase correlation, then intensity refinement.
    PhaseCorrelation,
    /// Corresponding points given by the user.
    Manual,
    /// The images were taken as already aligned: told so, or one is a digital copy of the
    /// other (see [`digital_copy`]).
    Identity,
}

/// The result of registration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    /// The model that was fitted.
    pub model: Model,
    /// Maps after-image pixels to before-image pixels.
    pub before_from_after: Transform,
    /// Keypoint correspondences consistent with the fit (0 for phase correlation).
    pub inliers: usize,
    /// Typical remaining misalignment, in before-image pixels, measured after refinement.
    pub residual_px: f64,
    /// How much to trust the fit, from 0 (none) to 1.
    pub confidence: f64,
    /// How the transform was found.
    pub method: AlignMethod,
    /// The predicted error of the fit at the after image's corners, in before-image pixels.
    #[serde(default)]
    pub expected_error_px: f64,
    /// Why the fit should be checked, when the evidence for it is mixed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

impl Alignment {
    /// An identity alignment (for images known to be registered).
    #[must_use]
    pub fn identity() -> Self {
        Self {
            model: Model::Translation,
            before_from_after: Transform::identity(),
            inliers: 0,
            residual_px: 0.0,
            confidence: 1.0,
            method: AlignMethod::Identity,
            expected_error_px: 0.0,
            warning: None,
        }
    }
}

pub mod assess;
pub mod features;
pub mod fit;
pub mod phase;
pub mod refine;
pub mod warp;

pub use warp::{warp_gray, warp_gray_planes, warp_rgb};

use crate::imgops::GrayF;
use crate::imgops::{descreen_sigma, downsample_box, gaussian_blur, level_from_full};
use crate::job::trace;
use crate::job::{Job, Stage};

/// Integer box factor that brings the longest side of `img` to at most `max_side`.
fn factor_for(img: &GrayF, max_side: u32) -> u32 {
    img.width()
        .max(img.height())
        .div_ceil(max_side.max(16))
        .max(1)
}

/// Keypoints on three scales (1, 1/√2, 1/2) of `img`, positions in `img`'s coordinates. The
/// scales are detected in parallel.
fn pyramid_features(img: &GrayF, per_level: usize) -> Vec<features::Feature> {
    let (w, h) = img.dimensions();
    let scales = [
        (1.0f32, per_level),
        (std::f32::consts::FRAC_1_SQRT_2, per_level * 3 / 4),
        (0.5, per_level / 2),
    ];
    let per_scale: Vec<Vec<features::Feature>> = scales
        .par_iter()
        .map(|&(s, count)| {
            if s == 1.0 {
                return features::detect(img, count);
            }
            let (lw, lh) = ((w as f32 * s) as u32, (h as f32 * s) as u32);
            if lw < 64 || lh < 64 {
                return Vec::new();
            }
            let level = crate::imgops::resample_scaled(&gaussian_blur(img, 0.5 / s), s, lw, lh);
            let mut found = features::detect(&level, count);
            for f in &mut found {
                f.x = (f.x + 0.5) / s - 0.5;
                f.y = (f.y + 0.5) / s - 0.5;
            }
            found
        })
        .collect();
    per_scale.into_iter().flatten().collect()
}

/// Fits a point correspondence set given by the user: `(before, after)` pixel pairs, returning
/// `before_from_after`. Needs at least 1, 2, 3 or 4 pairs for the four models; with more, a
/// least-squares fit.
#[must_use]
pub fn fit_points(model: Model, pairs: &[([f64; 2], [f64; 2])]) -> Option<Transform> {
    let flipped: Vec<fit::Pair> = pairs.iter().map(|(b, a)| (*a, *b)).collect();
    fit::fit(model, &flipped).filter(fit::plausible)
}

/// `t` sampled on an 11 × 11 grid over a `width × height` frame, as (frame, image) pairs.
fn grid_pairs(t: &Transform, width: f64, height: f64) -> Vec<fit::Pair> {
    let mut pairs = Vec::new();
    for i in 0..=10 {
        for j in 0..=10 {
            let (x, y) = (width * f64::from(i) / 10.0, height * f64::from(j) / 10.0);
            if let Some((u, v)) = t.apply(x, y) {
                pairs.push(([x, y], [u, v]));
            }
        }
    }
    pairs
}

/// The transform of `model`'s family closest to `t` over a `width × height` frame (least
/// squares on a grid), so that a fit asked to be of one model starts as one, whatever the
/// estimate it starts from (phase correlation finds rotation and scale too).
fn closest_of_model(t: &Transform, model: Model, width: f64, height: f64) -> Option<Transform> {
    fit::fit(model, &grid_pairs(t, width, height)).filter(fit::plausible)
}

/// The simplest model that reproduces `t` within `tolerance_px` over a `width × height` frame,
/// with its matrix.
fn simplest_equivalent(
    t: &Transform,
    width: f64,
    height: f64,
    tolerance_px: f64,
) -> (Model, Transform) {
    let pairs = grid_pairs(t, width, height);
    for model in [Model::Translation, Model::Similarity, Model::Affine] {
        if let Some(simple) = fit::fit(model, &pairs)
            && simple.max_corner_distance(t, width, height) <= tolerance_px
        {
            return (model, simple);
        }
    }
    (Model::Homography, *t)
}

/// Estimates `before_from_after` for two full-resolution luminance images (values 0..=1).
///
/// # Errors
/// [`AlignError::NoFit`] when no trustworthy transform is found; [`AlignError::Cancelled`].
pub fn align(
    before: &GrayF,
    after: &GrayF,
    options: &AlignOptions,
    job: Job<'_>,
) -> Result<Alignment, AlignError> {
    job.report(Stage::Aligning, 0.0);
    if digital_copy(before, after) {
        job.report(Stage::Aligning, 1.0);
        return Ok(Alignment {
            model: options.model.unwrap_or(Model::Translation),
            ..Alignment::identity()
        });
    }
    let tt = std::time::Instant::now();
    let [screen_b, screen_a] = options
        .screen_periods
        .unwrap_or_else(|| crate::imgops::screen_periods(before, after));
    let kb = factor_for(before, options.coarse_max_side);
    let ka = factor_for(after, options.coarse_max_side);
    let (cb, ca) = rayon::join(
        || gaussian_blur(&downsample_box(before, kb), descreen_sigma(screen_b, kb)),
        || gaussian_blur(&downsample_box(after, ka), descreen_sigma(screen_a, ka)),
    );
    let (lb, la) = (level_from_full(kb), level_from_full(ka));
    let (lb_inv, la_inv) = (
        lb.inverse().unwrap_or_default(),
        la.inverse().unwrap_or_default(),
    );
    job.check()?;
    let tt = trace("align: coarse levels", tt);
    let (fb, fa) = rayon::join(
        || pyramid_features(&cb, 1200),
        || pyramid_features(&ca, 1200),
    );
    job.report(Stage::Aligning, 0.3);
    job.check()?;
    let tt = trace("align: keypoints", tt);
    let matches = features::match_features(&fa, &fb);
    let tt = trace("align: matching", tt);
    let pairs: Vec<fit::Pair> = matches
        .iter()
        .map(|&(i, j)| {
            let (ax, ay) = la_inv.apply_lossy(f64::from(fa[i].x), f64::from(fa[i].y));
            let (bx, by) = lb_inv.apply_lossy(f64::from(fb[j].x), f64::from(fb[j].y));
            ([ax, ay], [bx, by])
        })
        .collect();
    let side = f64::from(before.width().max(before.height()));
    let threshold = (0.004 * side).max(1.5 * f64::from(kb));
    // The simplest model the correspondences support: an affine fit, which every flatbed
    // rescan is, unless a homography keeps markedly more of them (a print photographed at
    // an angle). Fitting a homography to an affine scene lets the keypoints' noise tilt it.
    let min_inliers = |m: Model| 8.max(fit::min_points(m) + 4);
    let robust = match options.model {
        Some(m) => {
            let asked = fit::ransac(&pairs, m, threshold, 4000)
                .filter(|r| r.inliers.len() >= min_inliers(m));
            // A model asked for is fitted exactly or not at all: where the keypoints agree
            // far better on a more general one, no fit of this model lines the pictures up.
            if m != Model::Homography
                && let Some(general) = fit::ransac(&pairs, Model::Homography, threshold, 4000)
            {
                let kept = asked.as_ref().map_or(0, |r| r.inliers.len());
                if general.inliers.len() >= 20 && kept * 2 < general.inliers.len() {
                    return Err(AlignError::NoFit(format!(
                        "a {m} does not fit: {kept} keypoint matches agree with one, {} with a homography",
                        general.inliers.len()
                    )));
                }
            }
            asked
        }
        None => {
            let affine = fit::ransac(&pairs, Model::Affine, threshold, 4000)
                .filter(|r| r.inliers.len() >= min_inliers(Model::Affine));
            let affine_count = affine.as_ref().map_or(0, |r| r.inliers.len());
            let projective = (pairs.len() >= 40 && affine_count * 10 < pairs.len() * 6)
                .then(|| fit::ransac(&pairs, Model::Homography, threshold, 4000))
                .flatten()
                .filter(|r| {
                    r.inliers.len() >= min_inliers(Model::Homography)
                        && r.inliers.len() * 10 > affine_count * 13
                });
            projective.or(affine)
        }
    };
    // Correspondences that agree and cover the picture: then the fit stands even where the
    // patch check below doubts it (much of the picture changed, or too blurred to measure).
    let support = robust.as_ref().map_or(0, |r| {
        let spread = spread_cells(r.inliers.iter().map(|&i| pairs[i].0), after.dimensions());
        if spread >= 4 { r.inliers.len() } else { 0 }
    });
    let projective_start = robust
        .as_ref()
        .is_some_and(|r| options.model.is_none() && !is_affine(&r.transform));
    job.report(Stage::Aligning, 0.45);
    job.check()?;
    let tt = trace("align: ransac", tt);

    // Fourier–Mellin on the coarse copies, for pictures with too little texture for keypoints.
    // Both copies are taken at the same reduction, so the scale it must find stays near the
    // scanning scale rather than also absorbing the ratio of the two image sizes.
    let phase_estimate = || -> Option<Transform> {
        let ca_same;
        let ca_phase = if ka == kb {
            &ca
        } else {
            ca_same = gaussian_blur(&downsample_box(after, kb), descreen_sigma(screen_a, kb));
            &ca_same
        };
        let (t, peak) = phase::fourier_mellin(&cb, ca_phase)?;
        (peak >= 0.02).then(|| lb_inv.then_after(&t).then_after(&lb))
    };
    let coarse = Coarse {
        cb: &cb,
        ca: &ca,
        kb,
        ka,
        screens: [screen_b, screen_a],
        matches: pairs.len(),
        support,
        projective_start,
    };
    let from_phase = |tt| match phase_estimate() {
        Some(init) => {
            let tt = trace("align: fourier-mellin", tt);
            refine_levels(
                before,
                after,
                options,
                &coarse,
                init,
                0,
                AlignMethod::PhaseCorrelation,
                job,
                tt,
            )
        }
        None => Err(AlignError::NoFit(format!(
            "too few matching features ({} consistent) and no phase-correlation peak",
            pairs.len()
        ))),
    };
    match robust {
        Some(r) => {
            let fitted = refine_levels(
                before,
                after,
                options,
                &coarse,
                r.transform,
                r.inliers.len(),
                AlignMethod::Features,
                job,
                tt,
            );
            match fitted {
                // Keypoints agreed on a transform under which the pictures do not line up
                // (repetitive or low texture): the spectrum may still know better.
                Err(AlignError::NoFit(reason)) => {
                    from_phase(std::time::Instant::now()).map_err(|_| AlignError::NoFit(reason))
                }
                other => other,
            }
        }
        None => from_phase(tt),
    }
}

/// Whether `after` is a digital copy of `before`, pixel for pixel where it was not edited: the
/// same size, and most of the places where the picture has a sharp gradient hold the same value
/// within two levels in 255. No rescan, however well placed, does that: a shift of a quarter
/// pixel already moves such a place by four levels. Such a pair is registered exactly by the
/// identity; a fit would find it only within a few hundredths of a pixel, and resampling by
/// that much lights every sharp edge of a noiseless picture.
#[must_use]
pub fn digital_copy(before: &GrayF, after: &GrayF) -> bool {
    const STEEP: f32 = 16.0 / 255.0;
    const SAME: f32 = 2.0 / 255.0;
    if before.dimensions() != after.dimensions() || before.width() < 3 || before.height() < 3 {
        return false;
    }
    let (w, h) = before.dimensions();
    let (b, a) = (before.as_raw(), after.as_raw());
    let (steep, same) = (1..h - 1)
        .into_par_iter()
        .map(|y| {
            let row = (y * w) as usize;
            let (mut steep, mut same) = (0usize, 0usize);
            for x in 1..(w - 1) as usize {
                let i = row + x;
                let gx = b[i + 1] - b[i - 1];
                let gy = b[i + w as usize] - b[i - w as usize];
                if gx.abs().max(gy.abs()) >= 2.0 * STEEP {
                    steep += 1;
                    same += usize::from((b[i] - a[i]).abs() <= SAME);
                }
            }
            (steep, same)
        })
        .reduce(|| (0, 0), |p, q| (p.0 + q.0, p.1 + q.1));
    steep >= 256.max(before.as_raw().len() / 1000) && same * 2 > steep
}

/// How far a given fit is from the truth, as the patches see it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Assessment {
    /// Predicted error at the after image's corners, in before-image pixels.
    pub expected_error_px: f64,
    /// The confidence that follows from it, 0 to 1.
    pub confidence: f64,
    /// Median displacement of the patches that line up nearby, in before-image pixels.
    pub residual_px: f64,
}

/// Assesses `before_from_after` between two full-resolution luminance images as [`align`]
/// assesses its own fits: at the finer refinement level, patch by patch, with a displacement
/// field of `model`'s family. For checking a fit given by hand or by another program.
#[must_use]
pub fn assess(
    before: &GrayF,
    after: &GrayF,
    before_from_after: &Transform,
    model: Model,
    options: &AlignOptions,
) -> Assessment {
    let kb = factor_for(before, options.fine_max_side);
    let ka = factor_for(after, options.fine_max_side);
    let [screen_b, screen_a] = options
        .screen_periods
        .unwrap_or_else(|| crate::imgops::screen_periods(before, after));
    let (b_img, a_img) = rayon::join(
        || {
            refine::high_pass(&gaussian_blur(
                &downsample_box(before, kb),
                descreen_sigma(screen_b, kb).max(1.0),
            ))
        },
        || {
            refine::high_pass(&gaussian_blur(
                &downsample_box(after, ka),
                descreen_sigma(screen_a, ka).max(1.0),
            ))
        },
    );
    let (to_b, to_a) = (level_from_full(kb), level_from_full(ka));
    let after_from_before = before_from_after.inverse().unwrap_or_default();
    let current = to_a
        .then_after(&after_from_before)
        .then_after(&to_b.inverse().unwrap_or_default());
    let mis = refine::misalignment_detail(&b_img, &a_img, &current);
    let corners = corners_in_level(after, before_from_after, &to_b);
    let expected_level = match assess::Field::fit(model, &mis.shifts) {
        Some(field) if mis.lined() >= 8 => field.corner_error(&corners),
        _ => refine::SEARCH_PX,
    };
    let expected_error_px = expected_level.max(0.02) * f64::from(kb);
    Assessment {
        expected_error_px,
        confidence: assess::confidence_for(expected_error_px),
        residual_px: mis.median_px * f64::from(kb),
    }
}

/// The after image's corners, carried into the before image's level `to_b`.
fn corners_in_level(
    after: &GrayF,
    before_from_after: &Transform,
    to_b: &Transform,
) -> Vec<(f64, f64)> {
    let (w, h) = (
        f64::from(after.width()) - 1.0,
        f64::from(after.height()) - 1.0,
    );
    [(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)]
        .iter()
        .map(|&(x, y)| {
            let (bx, by) = before_from_after.apply_lossy(x, y);
            to_b.apply_lossy(bx, by)
        })
        .collect()
}

/// Pearson correlation of `before` with `after` sampled through `after_from_before`, on a
/// grid over the overlap; 0 when they overlap on less than a fifth of `before`.
fn overlap_correlation(before: &GrayF, after: &GrayF, after_from_before: &Transform) -> f64 {
    let (w, h) = before.dimensions();
    let step = ((f64::from(w) * f64::from(h) / 20_000.0).sqrt().ceil() as usize).max(1);
    let mut total = 0.0f64;
    let mut sums = crate::imgops::Correlation::default();
    for y in (0..h).step_by(step) {
        for x in (0..w).step_by(step) {
            total += 1.0;
            let (u, v) = after_from_before.apply_lossy(f64::from(x), f64::from(y));
            let Some(a) = crate::imgops::sample(after, u as f32, v as f32) else {
                continue;
            };
            sums.add(f64::from(before.get_pixel(x, y)[0]), f64::from(a));
        }
    }
    if sums.count() < 0.2 * total || sums.count() < 16.0 {
        return 0.0;
    }
    sums.coefficient().unwrap_or(0.0)
}

/// Which pixels of each level show a part of the scene that the other image shows too, under
/// `after_from_before` (level coordinates): row-major flags for `before`, then for `after`.
///
/// The after image's flags also leave out a band of `blur` standard deviations (in its own
/// pixels) along the edge of the before image's frame, where the blur mixes in whatever lies
/// beyond the picture: the scanner lid or canvas a rotated or shrunken rescan uncovers, whose
/// straight border with the picture has no counterpart in the before image.
fn common_part(
    before: &GrayF,
    after: &GrayF,
    after_from_before: &Transform,
    blur: f32,
) -> (Vec<bool>, Vec<bool>) {
    let inside = |img: &GrayF, t: &Transform, margin: f64, x: u32, y: u32| {
        let (u, v) = t.apply_lossy(f64::from(x), f64::from(y));
        let (w, h) = (f64::from(img.width()), f64::from(img.height()));
        u >= margin && v >= margin && u <= w - 1.0 - margin && v <= h - 1.0 - margin
    };
    let flags = |img: &GrayF, other: &GrayF, t: &Transform, margin: f64| -> Vec<bool> {
        let w = img.width();
        (0..img.width() * img.height())
            .into_par_iter()
            .map(|i| inside(other, t, margin, i % w, i / w))
            .collect()
    };
    let Some(before_from_after) = after_from_before.inverse() else {
        return (
            vec![true; before.as_raw().len()],
            vec![true; after.as_raw().len()],
        );
    };
    let margin = (3.0 * f64::from(blur) + 1.0) * before_from_after.linear_scale();
    rayon::join(
        || flags(before, after, after_from_before, 0.0),
        || flags(after, before, &before_from_after, margin),
    )
}

/// The coarse copies and what keypoint matching found, shared by both starting points.
struct Coarse<'a> {
    cb: &'a GrayF,
    ca: &'a GrayF,
    kb: u32,
    ka: u32,
    screens: [Option<f32>; 2],
    matches: usize,
    /// Consistent keypoint correspondences when they are spread over the picture, else 0.
    support: usize,
    /// Whether the keypoints needed a homography.
    projective_start: bool,
}

/// Keypoint matches with this many consistent correspondences, spread over the picture, make
/// a fit that is reported (with a warning when the patches doubt it), never refused.
pub const TRUSTED_MATCHES: usize = 50;

/// How many cells of a 3×3 grid over a `size` image hold at least one of `points`.
fn spread_cells(points: impl Iterator<Item = [f64; 2]>, size: (u32, u32)) -> usize {
    let mut cells = [false; 9];
    let (w, h) = (f64::from(size.0.max(1)), f64::from(size.1.max(1)));
    for [x, y] in points {
        let (i, j) = (
            (3.0 * x / w).clamp(0.0, 2.0) as usize,
            (3.0 * y / h).clamp(0.0, 2.0) as usize,
        );
        cells[j * 3 + i] = true;
    }
    cells.iter().filter(|&&c| c).count()
}

/// Whether a transform has no perspective part.
fn is_affine(t: &Transform) -> bool {
    let m = t.normalized().matrix;
    m[(2, 0)].abs() < 1e-12 && m[(2, 1)].abs() < 1e-12
}

/// Refines a starting `before_from_after` coarse then fine, measures the misalignment that
/// remains and decides whether the result can be trusted.
#[expect(
    clippy::too_many_arguments,
    reason = "one internal stage of `align`, called from two starting points"
)]
fn refine_levels(
    before: &GrayF,
    after: &GrayF,
    options: &AlignOptions,
    coarse_level: &Coarse<'_>,
    init: Transform,
    inliers: usize,
    method: AlignMethod,
    job: Job<'_>,
    tt: std::time::Instant,
) -> Result<Alignment, AlignError> {
    let Coarse {
        cb,
        ca,
        kb,
        ka,
        screens: [screen_b, screen_a],
        matches,
        support,
        projective_start,
    } = *coarse_level;
    // A model asked for is fitted exactly: the start is brought into its family, and every
    // level below refines within it.
    let mut before_from_after = match options.model {
        Some(m) => closest_of_model(
            &init,
            m,
            f64::from(after.width()),
            f64::from(after.height()),
        )
        .ok_or_else(|| AlignError::NoFit(format!("no {} fit found", m.name())))?,
        None => init,
    };
    let mut tt = tt;
    // Refinement, coarse then fine. Each level works in its own pixel coordinates.
    let kb_fine = factor_for(before, options.fine_max_side);
    let ka_fine = factor_for(after, options.fine_max_side);
    let mut levels = vec![(kb, ka, 1.5f32)];
    if kb_fine != kb || ka_fine != ka {
        levels.push((kb_fine, ka_fine, 1.0));
    }
    // The fine level keeps to an affine fit unless the keypoints needed a homography; the
    // patches decide below whether perspective is measurable.
    let final_model = options.model.unwrap_or(if projective_start {
        Model::Homography
    } else {
        Model::Affine
    });
    let mut last_level = None;
    let mut low_texture = false;
    for (li, &(k_b, k_a, sigma)) in levels.iter().enumerate() {
        let (sb, sa) = (
            sigma.max(descreen_sigma(screen_b, k_b)),
            sigma.max(descreen_sigma(screen_a, k_a)),
        );
        // Each level is blurred against grain and halftone, then reduced to its detail (see
        // `refine::high_pass`) once for both the fit and the residual measurement.
        let coarse = (k_b, k_a) == (kb, ka);
        let blurred = |full: &GrayF, reduced: &GrayF, k: u32, s: f32| {
            let level = if coarse {
                None
            } else {
                Some(downsample_box(full, k))
            };
            gaussian_blur(level.as_ref().unwrap_or(reduced), s)
        };
        let (b_level, a_level) = rayon::join(
            || blurred(before, cb, k_b, sb),
            || blurred(after, ca, k_a, sa),
        );
        let (to_b, to_a) = (level_from_full(k_b), level_from_full(k_a));
        let from_b = to_b.inverse().unwrap_or_default();
        let Some(after_from_before_full) = before_from_after.inverse() else {
            return Err(AlignError::NoFit("degenerate transform".into()));
        };
        let mut current = to_a.then_after(&after_from_before_full).then_after(&from_b);
        // Only the part of the scene both images show is compared, and each image's detail is
        // taken relative to the smooth component of that part alone (see
        // `refine::high_pass_masked`). That matters where the picture has too little texture
        // to outvote the straight edge of a scanner's lid; a textured picture's robust weights
        // already set that edge aside, so its finer levels take the cheaper plain detail.
        let (b_img, a_img) = if li == 0 || low_texture {
            let (b_valid, a_valid) = common_part(&b_level, &a_level, &current, sa);
            rayon::join(
                || refine::high_pass_masked(&b_level, &b_valid),
                || refine::high_pass_masked(&a_level, &a_valid),
            )
        } else {
            rayon::join(
                || refine::high_pass(&b_level),
                || refine::high_pass(&a_level),
            )
        };
        tt = trace("align: level detail", tt);
        // A picture with too few places textured in both directions (the same count the
        // residual measurement below needs) pins down a rescan's rotation, scale and shift from
        // its few edges, but hardly constrains the extra parameters of an affine or projective
        // model, which then follow small systematic differences between the two images and
        // move the corners by pixels. A flatbed rescan is a similarity.
        if li == 0 && options.model.is_none() && refine::textured_patches(&b_img) < 8 {
            low_texture = true;
        }
        let models: Vec<Model> = if low_texture {
            vec![Model::Similarity]
        } else if li == 0 && options.model.is_none() {
            if method == AlignMethod::PhaseCorrelation {
                vec![Model::Similarity, Model::Affine]
            } else {
                vec![Model::Affine]
            }
        } else {
            vec![final_model]
        };
        for model in models {
            let refined = refine::refine_detail(&b_img, &a_img, &current, model, 40);
            if fit::plausible(&refined.after_from_before) {
                current = refined.after_from_before;
            }
            job.check()?;
        }
        let from_a = to_a.inverse().unwrap_or_default();
        if let Some(t) = from_a.then_after(&current).then_after(&to_b).inverse() {
            before_from_after = t;
        }
        job.report(
            Stage::Aligning,
            0.6 + 0.3 * (li + 1) as f32 / levels.len() as f32,
        );
        last_level = Some((b_img, a_img, current, k_b));
        tt = trace("align: level fit", tt);
    }

    let (b_img, a_img, mut current, k_b) =
        last_level.ok_or_else(|| AlignError::NoFit("no refinement level".into()))?;
    let (k_a, to_b) = (levels.last().map_or(ka, |l| l.1), level_from_full(k_b));
    let to_a = level_from_full(k_a);
    let full_from_level = |current: &Transform| {
        let from_a = to_a.inverse().unwrap_or_default();
        from_a.then_after(current).then_after(&to_b).inverse()
    };
    let mut mis = refine::misalignment_detail(&b_img, &a_img, &current);
    job.check()?;
    tt = trace("align: residual patches", tt);
    // The after image's corners in the before level, where the predicted error is taken.
    let corners = corners_in_level(after, &before_from_after, &to_b);
    let mut fitted_model = if low_texture {
        Model::Similarity
    } else {
        final_model
    };
    // Model selection: a homography only where the patches measure the perspective it adds.
    if options.model.is_none()
        && fitted_model == Model::Affine
        && assess::perspective_supported(&mis.shifts, &corners)
    {
        let refined = refine::refine_detail(&b_img, &a_img, &current, Model::Homography, 40);
        if fit::plausible(&refined.after_from_before) {
            let remeasured =
                refine::misalignment_detail(&b_img, &a_img, &refined.after_from_before);
            if remeasured.lined() >= mis.lined() * 9 / 10 && remeasured.median_px < mis.median_px {
                current = refined.after_from_before;
                mis = remeasured;
                fitted_model = Model::Homography;
                if let Some(t) = full_from_level(&current) {
                    before_from_after = t;
                }
            }
        }
        tt = trace("align: homography tried", tt);
    }
    let residual_px = mis.median_px * f64::from(k_b);
    // Evidence against the fit: textured patches that line up a few pixels away. Patches
    // whose content lines up nowhere nearby are changed content, and count neither way.
    let texture_known = mis.patches >= 8;
    let expected_level =
        assess::Field::fit(fitted_model, &mis.shifts).map(|field| field.corner_error(&corners));
    let mut doubt = None;
    if texture_known && mis.lined() < 8 {
        doubt = Some(format!(
            "of {} textured patches, {} line up nowhere near where the fit puts them",
            mis.patches, mis.changed
        ));
    } else if texture_known && mis.good_fraction < 0.25 && expected_level.is_none_or(|e| e > 1.5) {
        // The patches that match are mostly a pixel or more off, and not at random (grain
        // or a halftone screen scatter them about a true fit): the fit itself is off.
        doubt = Some(format!(
            "only {:.0}% of the textured patches that match line up after fitting",
            100.0 * mis.good_fraction
        ));
    }
    // Too little texture to measure patch by patch: the detail that there is (a horizon, the
    // edge of a shape) must at least line up as a whole.
    if !texture_known {
        let agreement = overlap_correlation(&b_img, &a_img, &current);
        // The fit must also be a peak: a few pixels off in any direction, the detail of a
        // true fit lines up measurably worse, its disagreement (one less the correlation)
        // growing by a tenth at least, however smooth the picture. A fit that some broad, soft
        // shading happens to correlate with disagrees about as much wherever it is moved.
        let step = 3.0;
        let nearby = [(step, 0.0), (-step, 0.0), (0.0, step), (0.0, -step)]
            .iter()
            .map(|&(dx, dy)| {
                let moved = current.then_after(&Transform::translation(dx, dy));
                overlap_correlation(&b_img, &a_img, &moved)
            })
            .fold(f64::NEG_INFINITY, f64::max);
        if agreement < 0.5 || (1.0 - nearby) < 1.1 * (1.0 - agreement) {
            doubt = Some(format!(
                "the pictures do not line up (correlation of their detail {agreement:.2}, {nearby:.2} a few pixels off)"
            ));
        }
    }
    let trusted = method == AlignMethod::Features && support >= TRUSTED_MATCHES;
    let mut warning = None;
    if let Some(reason) = doubt {
        if !trusted {
            return Err(AlignError::NoFit(format!(
                "{reason} ({matches} keypoint matches, {inliers} consistent)"
            )));
        }
        warning = Some(format!(
            "{inliers} keypoint matches agree on this fit, but {reason}"
        ));
    }
    // The predicted corner error: from the patches where they measure it; where they cannot
    // (no texture, or the patches doubt the fit) at least a level pixel, and the typical
    // misalignment the patches saw.
    let expected_level = match (expected_level, &warning) {
        (Some(e), None) if texture_known => e,
        (Some(e), _) => e.max(mis.median_px).max(1.0),
        (None, _) => mis.median_px.max(1.0),
    };
    let expected_error_px = expected_level.max(0.02) * f64::from(k_b);
    let mut confidence = assess::confidence_for(expected_error_px);
    if method == AlignMethod::Features {
        confidence *= (inliers as f64 / 12.0).min(1.0);
    }
    if warning.is_some() {
        confidence = confidence.min(0.25);
    }
    trace("align: assessed", tt);
    let (model, before_from_after) = match options.model {
        Some(m) => (m, before_from_after),
        None => simplest_equivalent(
            &before_from_after,
            f64::from(after.width()),
            f64::from(after.height()),
            (0.2 * f64::from(k_b)).max(0.3),
        ),
    };
    job.report(Stage::Aligning, 1.0);
    Ok(Alignment {
        model,
        before_from_after: before_from_after.normalized(),
        inliers,
        residual_px,
        confidence,
        method,
        expected_error_px,
        warning,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// Upright bars of several greys with sharp edges, `dx` pixels to the right (bilinear).
    fn bars(w: u32, h: u32, dx: f32) -> GrayF {
        let at = |x: f32| {
            let cell = ((x / 9.0).floor() as u32).wrapping_mul(2_654_435_761);
            f32::from((cell >> 13) as u8) / 255.0
        };
        GrayF::from_fn(w, h, |x, _| {
            let u = x as f32 - dx;
            let f = u - u.floor();
            Luma([at(u.floor()) * (1.0 - f) + at(u.floor() + 1.0) * f])
        })
    }

    #[test]
    fn an_edited_digital_copy_is_a_copy() {
        let before = bars(200, 150, 0.0);
        let mut after = before.clone();
        // A third of the picture painted over.
        for y in 0..150 {
            for x in 0..66 {
                after.put_pixel(x, y, Luma([0.5]));
            }
        }
        assert!(digital_copy(&before, &after));
        let aligned = align(&before, &after, &AlignOptions::default(), Job::none()).unwrap();
        assert_eq!(aligned.method, AlignMethod::Identity);
        assert_eq!(aligned.before_from_after, Transform::identity());
    }

    #[test]
    fn a_rescan_is_not_a_copy() {
        let before = bars(200, 150, 0.0);
        // A quarter of a pixel off, or the same picture a pixel smaller.
        assert!(!digital_copy(&before, &bars(200, 150, 0.25)));
        assert!(!digital_copy(&before, &bars(199, 150, 0.0)));
        // A flat picture has nothing to tell a copy by.
        let flat = GrayF::from_pixel(200, 150, Luma([0.3]));
        assert!(!digital_copy(&flat, &flat));
    }
}
