//! Intensity-based refinement of a transform to sub-pixel accuracy, and a measurement of the
//! misalignment that remains.
//!
//! Gauss–Newton (Lucas–Kanade, forward additive) on the pixels of the before image with the
//! strongest gradients, with a photometric gain and offset solved alongside the geometry, after
//! a monotone tone mapping of the after image onto the before image. Residuals are weighted
//! with Tukey's biweight, so erased or retouched areas stop pulling on the fit after the first
//! iterations.

use nalgebra::{DMatrix, DVector, Matrix3};
use rayon::prelude::*;

use crate::geometry::{Model, Transform};
use crate::imgops::GrayF;
use crate::imgops::{Bilinear, MAD_TO_SIGMA, TUKEY_C, gradients, median, quantile, sample};
use crate::tone::ToneMap;

/// Basis matrices of the additive parameter updates of each model, acting on
/// `after_from_before`.
fn basis(model: Model) -> Vec<Matrix3<f64>> {
    let e = |r: usize, c: usize| {
        let mut m = Matrix3::zeros();
        m[(r, c)] = 1.0;
        m
    };
    match model {
        Model::Translation => vec![e(0, 2), e(1, 2)],
        Model::Similarity => vec![e(0, 0) + e(1, 1), e(1, 0) - e(0, 1), e(0, 2), e(1, 2)],
        Model::Affine => vec![e(0, 0), e(0, 1), e(0, 2), e(1, 0), e(1, 1), e(1, 2)],
        Model::Homography => vec![
            e(0, 0),
            e(0, 1),
            e(0, 2),
            e(1, 0),
            e(1, 1),
            e(1, 2),
            e(2, 0),
            e(2, 1),
        ],
    }
}

/// Pairs of (before, after) values on a grid, through `after_from_before`.
fn paired_samples(
    before: &GrayF,
    after: &GrayF,
    after_from_before: &Transform,
) -> (Vec<f32>, Vec<f32>) {
    let (w, h) = before.dimensions();
    let step = ((f64::from(w) * f64::from(h) / 60_000.0).sqrt().ceil() as u32).max(1);
    let mut b = Vec::new();
    let mut a = Vec::new();
    for y in (0..h).step_by(step as usize) {
        for x in (0..w).step_by(step as usize) {
            let (u, v) = after_from_before.apply_lossy(f64::from(x), f64::from(y));
            if let Some(va) = sample(after, u as f32, v as f32) {
                b.push(before.get_pixel(x, y)[0]);
                a.push(va);
            }
        }
    }
    (b, a)
}

/// The tone map of `after` onto `before` under the current alignment.
#[must_use]
pub fn tone_map(before: &GrayF, after: &GrayF, after_from_before: &Transform) -> ToneMap {
    let (b, a) = paired_samples(before, after, after_from_before);
    ToneMap::from_samples(b, a)
}

/// The image less its smooth component (a Gaussian of scale 1/40 of the longest side).
///
/// [`refine`] and [`misalignment`] compare detail, not illumination: removing each image's
/// smooth component makes them blind to vignetting and uneven fading, which would otherwise
/// tilt the geometry. Callers that run both on the same level compute this once and use
/// [`refine_detail`] and [`misalignment_detail`].
#[must_use]
pub fn high_pass(img: &GrayF) -> GrayF {
    let smooth = crate::imgops::gaussian_blur_smooth(img, smooth_sigma(img));
    let mut out = img.clone();
    out.par_iter_mut()
        .zip(smooth.as_raw().par_iter())
        .for_each(|(v, s)| *v -= s);
    out
}

/// The scale of the smooth component the high passes remove: a fortieth of the longer side.
fn smooth_sigma(img: &GrayF) -> f32 {
    (img.width().max(img.height()) as f32 / 40.0).max(4.0)
}

/// [`high_pass`] of the part of `img` that has a counterpart in the other image (`valid`,
/// row-major, one flag per pixel). The smooth component is a normalised convolution over the
/// valid pixels only, and the others get no detail at all.
///
/// Where a rescan shows the scanner lid or the canvas around a rotated picture, the straight
/// border between picture and padding is often the sharpest detail in the whole image, and it
/// has no counterpart: left in, it pulls the refinement towards itself, and its halo in the
/// smooth component darkens or brightens a wide band of the picture along it.
#[must_use]
pub fn high_pass_masked(img: &GrayF, valid: &[bool]) -> GrayF {
    let sigma = smooth_sigma(img);
    let (w, h) = img.dimensions();
    let mut masked = img.clone();
    let mut weight = GrayF::new(w, h);
    masked
        .par_iter_mut()
        .zip(weight.par_iter_mut())
        .zip(valid.par_iter())
        .for_each(|((v, wt), &ok)| {
            if ok {
                *wt = 1.0;
            } else {
                *v = 0.0;
            }
        });
    let (smooth, cover) = rayon::join(
        || crate::imgops::gaussian_blur_smooth(&masked, sigma),
        || crate::imgops::gaussian_blur_smooth(&weight, sigma),
    );
    let mut out = img.clone();
    out.par_iter_mut()
        .zip(smooth.as_raw().par_iter())
        .zip(cover.as_raw().par_iter())
        .zip(valid.par_iter())
        .for_each(|(((v, s), c), &ok)| {
            *v = if ok && *c > 1e-3 { *v - s / c } else { 0.0 };
        });
    out
}

/// Pixels of `before` with the strongest gradients, at most `max_points`, away from the border.
fn sample_points(before: &GrayF, max_points: usize) -> Vec<(u32, u32)> {
    let (gx, gy) = gradients(before);
    let (w, h) = before.dimensions();
    let margin = 2;
    if w <= 2 * margin || h <= 2 * margin {
        return Vec::new();
    }
    let mag: Vec<f32> = gx
        .iter()
        .zip(gy.iter())
        .map(|(a, b)| a * a + b * b)
        .collect();
    let mut m = mag.clone();
    let cut = quantile(&mut m, 0.6);
    let mut pts: Vec<(u32, u32)> = Vec::new();
    for y in margin..h - margin {
        for x in margin..w - margin {
            let v = mag[(y * w + x) as usize];
            if v > cut && v > 1e-8 {
                pts.push((x, y));
            }
        }
    }
    if pts.len() > max_points {
        let stride = pts.len() as f64 / max_points as f64;
        pts = (0..max_points)
            .map(|i| pts[((i as f64 * stride) as usize).min(pts.len() - 1)])
            .collect();
    }
    pts
}

/// Outcome of [`refine`].
#[derive(Clone, Debug)]
pub struct Refined {
    /// The refined `after_from_before` in the level's coordinates.
    pub after_from_before: Transform,
    /// Fraction of sample points the robust weights kept at the end.
    pub inlier_fraction: f64,
    /// Iterations run.
    pub iterations: usize,
}

/// Refines `after_from_before` (level coordinates) so that `after` warped onto `before` matches
/// it best, with the degrees of freedom of `model`.
#[must_use]
pub fn refine(
    before: &GrayF,
    after: &GrayF,
    init: &Transform,
    model: Model,
    max_iterations: usize,
) -> Refined {
    let (before, after) = rayon::join(|| high_pass(before), || high_pass(after));
    refine_detail(&before, &after, init, model, max_iterations)
}

/// [`refine`] on images already passed through [`high_pass`].
#[must_use]
pub fn refine_detail(
    before: &GrayF,
    after: &GrayF,
    init: &Transform,
    model: Model,
    max_iterations: usize,
) -> Refined {
    // The tone-matched after image and its gradients, and the before image's sample points,
    // side by side.
    let ((after_t, (gx, gy)), points) = rayon::join(
        || {
            let after_t = tone_map(before, after, init).apply_lut(after);
            let g = gradients(&after_t);
            (after_t, g)
        },
        || sample_points(before, 40_000),
    );
    let (aw, ah) = after_t.dimensions();
    let basis = basis(model);
    let np = basis.len() + 2;
    let mut a = init.normalized().matrix;
    let (mut gain, mut offset) = (1.0f64, 0.0f64);
    let mut scale_c = f64::INFINITY;
    let mut inlier_fraction = 0.0;
    let mut iterations = 0;
    let (w, h) = before.dimensions();
    for it in 0..max_iterations {
        iterations = it + 1;
        // Residuals at the current estimate, for the robust scale.
        let residuals: Vec<f32> = points
            .par_iter()
            .filter_map(|&(x, y)| {
                let (xf, yf) = (f64::from(x), f64::from(y));
                let z = a[(2, 0)] * xf + a[(2, 1)] * yf + a[(2, 2)];
                let u = (a[(0, 0)] * xf + a[(0, 1)] * yf + a[(0, 2)]) / z;
                let v = (a[(1, 0)] * xf + a[(1, 1)] * yf + a[(1, 2)]) / z;
                let val = sample(&after_t, u as f32, v as f32)?;
                Some(before.get_pixel(x, y)[0] - (gain as f32 * val + offset as f32))
            })
            .collect();
        if residuals.len() < np * 10 {
            break;
        }
        let mut abs: Vec<f32> = residuals.iter().map(|r| r.abs()).collect();
        let mad = f64::from(median(&mut abs)) * MAD_TO_SIGMA;
        let c = (TUKEY_C * mad).max(0.01);
        scale_c = if it == 0 {
            c.max(0.05)
        } else {
            c.min(scale_c.max(0.02))
        };
        let c = scale_c;
        let (hsum, bsum, kept, total) = points
            .par_iter()
            .fold(
                || (vec![0.0f64; np * np], vec![0.0f64; np], 0usize, 0usize),
                |(mut hm, mut bv, mut kept, mut total), &(x, y)| {
                    let (xf, yf) = (f64::from(x), f64::from(y));
                    let z = a[(2, 0)] * xf + a[(2, 1)] * yf + a[(2, 2)];
                    if z.abs() < 1e-9 {
                        return (hm, bv, kept, total);
                    }
                    let u = (a[(0, 0)] * xf + a[(0, 1)] * yf + a[(0, 2)]) / z;
                    let v = (a[(1, 0)] * xf + a[(1, 1)] * yf + a[(1, 2)]) / z;
                    // One sampling position for the image and both its gradients.
                    let Some(at) = Bilinear::at(aw, ah, u as f32, v as f32) else {
                        return (hm, bv, kept, total);
                    };
                    let val = at.of(&after_t);
                    total += 1;
                    let r = f64::from(before.get_pixel(x, y)[0]) - (gain * f64::from(val) + offset);
                    if r.abs() >= c {
                        return (hm, bv, kept, total);
                    }
                    kept += 1;
                    let t = 1.0 - (r / c).powi(2);
                    let wgt = t * t;
                    let dx = f64::from(at.of(&gx)) * gain;
                    let dy = f64::from(at.of(&gy)) * gain;
                    let mut j = [0.0f64; 10];
                    for (k, e) in basis.iter().enumerate() {
                        let ex = e[(0, 0)] * xf + e[(0, 1)] * yf + e[(0, 2)];
                        let ey = e[(1, 0)] * xf + e[(1, 1)] * yf + e[(1, 2)];
                        let ez = e[(2, 0)] * xf + e[(2, 1)] * yf + e[(2, 2)];
                        let du = (ex - u * ez) / z;
                        let dv = (ey - v * ez) / z;
                        j[k] = dx * du + dy * dv;
                    }
                    j[np - 2] = f64::from(val);
                    j[np - 1] = 1.0;
                    for p in 0..np {
                        bv[p] += wgt * j[p] * r;
                        for q in p..np {
                            hm[p * np + q] += wgt * j[p] * j[q];
                        }
                    }
                    (hm, bv, kept, total)
                },
            )
            .reduce(
                || (vec![0.0f64; np * np], vec![0.0f64; np], 0, 0),
                |(mut h1, mut b1, k1, t1), (h2, b2, k2, t2)| {
                    for (x, y) in h1.iter_mut().zip(&h2) {
                        *x += y;
                    }
                    for (x, y) in b1.iter_mut().zip(&b2) {
                        *x += y;
                    }
                    (h1, b1, k1 + k2, t1 + t2)
                },
            );
        inlier_fraction = kept as f64 / total.max(1) as f64;
        let mut hmat = DMatrix::<f64>::zeros(np, np);
        for p in 0..np {
            for q in p..np {
                hmat[(p, q)] = hsum[p * np + q];
                hmat[(q, p)] = hsum[p * np + q];
            }
        }
        for p in 0..np {
            hmat[(p, p)] *= 1.0 + 1e-6;
        }
        let Some(delta) = hmat.cholesky().map(|ch| ch.solve(&DVector::from_vec(bsum))) else {
            break;
        };
        let mut step = Matrix3::zeros();
        for (k, e) in basis.iter().enumerate() {
            step += e * delta[k];
        }
        let next = a + step;
        gain += delta[np - 2];
        offset += delta[np - 1];
        let moved = Transform { matrix: next }.max_corner_distance(
            &Transform { matrix: a },
            f64::from(w),
            f64::from(h),
        );
        a = next;
        if moved < 0.005 {
            break;
        }
    }
    Refined {
        after_from_before: Transform { matrix: a }.normalized(),
        inlier_fraction,
        iterations,
    }
}

/// Remaining misalignment measured patch by patch.
#[derive(Clone, Debug, Default)]
pub struct Misalignment {
    /// Median local displacement of the patches that line up nearby, in level pixels of the
    /// before image.
    pub median_px: f64,
    /// Fraction of the patches that line up nearby whose displacement is under one level
    /// pixel.
    pub good_fraction: f64,
    /// Number of textured patches measured.
    pub patches: usize,
    /// Textured patches whose content lines up nowhere within the search range: changed
    /// content (or a fit far off), which says nothing about a small misalignment.
    pub changed: usize,
    /// The patches that line up nearby: their centres and displacements, level pixels.
    pub shifts: Vec<PatchShift>,
}

impl Misalignment {
    /// Patches whose content was found nearby, lined up or a few pixels off.
    #[must_use]
    pub fn lined(&self) -> usize {
        self.shifts.len()
    }
}

/// Where one patch of the warped after image lines up in the before image: its content sits
/// `(dx, dy)` away from where the fit put it (level pixels of the before image).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PatchShift {
    /// Patch centre, before level pixels.
    pub x: f64,
    /// Patch centre, before level pixels.
    pub y: f64,
    /// Displacement to where the content lines up.
    pub dx: f64,
    /// Displacement to where the content lines up.
    pub dy: f64,
}

/// How far [`misalignment_detail`] looks for a patch's content, in level pixels.
pub const SEARCH_PX: f64 = 8.0;

/// The correlation a patch must reach, once shifted, to count as the same content: two scans
/// of one scene, grain and all, correlate well above it in their detail; a patch whose
/// content was erased, repainted or replaced correlates with nothing near it.
const SAME_CONTENT: f64 = 0.5;

/// Centres of the patches [`misalignment_detail`] measures on, and the patches' radius.
fn patch_grid(w: u32, h: u32) -> (Vec<(u32, u32)>, i32) {
    let radius = 10i32;
    let step = ((w.max(h) / 40).max(16)) as usize;
    let mut centres = Vec::new();
    for y in (radius as u32 + 2..h.saturating_sub(radius as u32 + 2)).step_by(step) {
        for x in (radius as u32 + 2..w.saturating_sub(radius as u32 + 2)).step_by(step) {
            centres.push((x, y));
        }
    }
    (centres, radius)
}

/// Whether a patch's gradients are textured in both directions: the smallest eigenvalue of
/// its structure tensor (sums over `n` pixels) is large enough for a translation to be
/// measured, not just the shift across one edge.
fn textured(sxx: f64, syy: f64, sxy: f64, n: f64) -> bool {
    let tr = sxx + syy;
    let det = sxx * syy - sxy * sxy;
    let lambda_min = tr / 2.0 - ((tr * tr / 4.0 - det).max(0.0)).sqrt();
    lambda_min / n >= 2e-5
}

/// How many patches of [`misalignment_detail`]'s grid over `before` (already passed through
/// [`high_pass`]) are textured in both directions: the number of places where a local
/// displacement can be measured at all.
#[must_use]
pub fn textured_patches(before: &GrayF) -> usize {
    let (gx, gy) = gradients(before);
    let (w, h) = before.dimensions();
    let (centres, radius) = patch_grid(w, h);
    centres
        .par_iter()
        .filter(|&&(cx, cy)| patch_textured(&gx, &gy, cx, cy, radius))
        .count()
}

/// Whether the patch of `radius` around `(cx, cy)` is textured in both directions (see
/// [`textured`]), from the gradients `gx`, `gy`.
fn patch_textured(gx: &GrayF, gy: &GrayF, cx: u32, cy: u32, radius: i32) -> bool {
    let (mut sxx, mut syy, mut sxy) = (0.0f64, 0.0f64, 0.0f64);
    for dy in -radius..=radius {
        for dx in -radius..=radius {
            let (x, y) = ((cx as i32 + dx) as u32, (cy as i32 + dy) as u32);
            let (ix, iy) = (
                f64::from(gx.get_pixel(x, y)[0]),
                f64::from(gy.get_pixel(x, y)[0]),
            );
            sxx += ix * ix;
            syy += iy * iy;
            sxy += ix * iy;
        }
    }
    textured(
        sxx,
        syy,
        sxy,
        f64::from((2 * radius + 1) * (2 * radius + 1)),
    )
}

/// [`misalignment`] on images already passed through [`high_pass`].
///
/// Each textured patch of the before image gets its own translation (with gain and offset)
/// by Gauss–Newton, within [`SEARCH_PX`]. A patch whose content then correlates with the
/// before image lines up there: a misalignment if that is a pixel or more away. A patch whose
/// content correlates with nothing nearby is changed content, and is left out of the residual
/// and of the share that lines up: an erased figure is evidence of an edit, not against the fit.
#[must_use]
pub fn misalignment_detail(
    before: &GrayF,
    after: &GrayF,
    after_from_before: &Transform,
) -> Misalignment {
    let tone = tone_map(before, after, after_from_before);
    let after_t = tone.apply_lut(after);
    let (gx, gy) = gradients(before);
    let (w, h) = before.dimensions();
    let (centres, radius) = patch_grid(w, h);
    let results: Vec<Option<Option<PatchShift>>> = centres
        .par_iter()
        .map(|&(cx, cy)| {
            // Warped after values of the patch; skip patches partly without data.
            let mut warped = Vec::with_capacity(((2 * radius + 1) * (2 * radius + 1)) as usize);
            for dy in -radius..=radius {
                for dx in -radius..=radius {
                    let (x, y) = ((cx as i32 + dx) as u32, (cy as i32 + dy) as u32);
                    let (u, v) = after_from_before.apply_lossy(f64::from(x), f64::from(y));
                    warped.push(sample(&after_t, u as f32, v as f32)?);
                }
            }
            // Both directions must be textured (smallest eigenvalue of the structure tensor).
            if !patch_textured(&gx, &gy, cx, cy, radius) {
                return None;
            }
            Some(patch_shift(before, &gx, &gy, &warped, cx, cy, radius))
        })
        .collect();
    let measured: Vec<Option<PatchShift>> = results.into_iter().flatten().collect();
    let patches = measured.len();
    let shifts: Vec<PatchShift> = measured.into_iter().flatten().collect();
    let changed = patches - shifts.len();
    let mut d: Vec<f32> = shifts.iter().map(|s| s.dx.hypot(s.dy) as f32).collect();
    if d.is_empty() {
        return Misalignment {
            patches,
            changed,
            ..Misalignment::default()
        };
    }
    let good = d.iter().filter(|&&v| v < 1.0).count();
    Misalignment {
        median_px: f64::from(median(&mut d)),
        good_fraction: good as f64 / shifts.len() as f64,
        patches,
        changed,
        shifts,
    }
}

/// The pixel positions of the patch of `radius` around `(cx, cy)`, shifted by `(d0, d1)`, in
/// the row-major order its warped values were taken in.
fn patch_positions(
    cx: u32,
    cy: u32,
    radius: i32,
    d0: f64,
    d1: f64,
) -> impl Iterator<Item = (f64, f64)> {
    (-radius..=radius).flat_map(move |dy| {
        (-radius..=radius).map(move |dx| {
            (
                f64::from(cx as i32 + dx) + d0,
                f64::from(cy as i32 + dy) + d1,
            )
        })
    })
}

/// The translation (with gain and offset) that lines the warped after values of one patch up
/// with the before image, by Gauss–Newton; `None` when the content lines up nowhere within
/// [`SEARCH_PX`] (see [`misalignment_detail`]).
fn patch_shift(
    before: &GrayF,
    gx: &GrayF,
    gy: &GrayF,
    warped: &[f32],
    cx: u32,
    cy: u32,
    radius: i32,
) -> Option<PatchShift> {
    let (w, h) = before.dimensions();
    let (mut d0, mut d1, mut g, mut o) = (0.0f64, 0.0f64, 1.0f64, 0.0f64);
    for _ in 0..10 {
        let mut hm = nalgebra::Matrix4::<f64>::zeros();
        let mut bv = nalgebra::Vector4::<f64>::zeros();
        for ((x, y), &jv) in patch_positions(cx, cy, radius, d0, d1).zip(warped) {
            let jv = f64::from(jv);
            // One sampling position for the image and both its gradients.
            let Some(at) = Bilinear::at(w, h, x as f32, y as f32) else {
                continue;
            };
            let t = at.of(before);
            let tx = f64::from(at.of(gx));
            let ty = f64::from(at.of(gy));
            // r = T(x + d) − (g·J + o); minimise over d, g, o.
            let r = f64::from(t) - (g * jv + o);
            let j = nalgebra::Vector4::new(-tx, -ty, jv, 1.0);
            hm += j * j.transpose();
            bv += j * r;
        }
        let delta = hm.try_inverse()? * bv;
        d0 += delta[0];
        d1 += delta[1];
        g += delta[2];
        o += delta[3];
        if d0.hypot(d1) > SEARCH_PX {
            return None;
        }
        if delta[0].abs() + delta[1].abs() < 1e-3 {
            break;
        }
    }
    // The same content? Correlate the patch with the before image where it now lines up.
    let mut sums = crate::imgops::Correlation::default();
    for ((x, y), &jv) in patch_positions(cx, cy, radius, d0, d1).zip(warped) {
        if let Some(t) = sample(before, x as f32, y as f32) {
            sums.add(f64::from(t), f64::from(jv));
        }
    }
    let same = sums.coefficient().is_some_and(|r| r >= SAME_CONTENT);
    same.then_some(PatchShift {
        x: f64::from(cx),
        y: f64::from(cy),
        dx: d0,
        dy: d1,
    })
}
