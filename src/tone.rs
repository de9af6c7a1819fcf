//! Photometric normalisation: makes the warped after image's tones match the before image's
//! in their overlap, so a lighter, darker, yellowed, faded or unevenly faded print does not
//! light up as change.
//!
//! Two steps: a global monotone mapping (quantile matching of the two tone distributions), then
//! a smooth low-frequency correction (a robustly fitted quadratic surface through per-cell
//! medians of the remaining difference) for uneven fading and vignetting. Both are robust to
//! erased areas, which are a minority of the picture. This module does not align or decide
//! what changed.

use rayon::prelude::*;

use crate::align::refine::ToneMap;
use crate::imgops::{gaussian_blur, median, upsample_bilinear};
use crate::pipeline::GrayF;

/// Pairs of (before, after) values where both have data, on a sparse grid.
fn overlap_samples(before: &GrayF, after: &GrayF, max_samples: usize) -> (Vec<f32>, Vec<f32>) {
    let n = before.as_raw().len();
    let step = (n / max_samples.max(1)).max(1);
    let mut b = Vec::with_capacity(n / step + 1);
    let mut a = Vec::with_capacity(n / step + 1);
    for (vb, va) in before.as_raw().iter().zip(after.as_raw()).step_by(step) {
        if va.is_finite() {
            b.push(*vb);
            a.push(*va);
        }
    }
    (b, a)
}

/// Maps `after`'s tones onto `before`'s with a monotone curve; pixels with no data (NaN) stay
/// NaN.
#[must_use]
pub fn match_global(before: &GrayF, after: &GrayF) -> GrayF {
    let (b, a) = overlap_samples(before, after, 250_000);
    if b.len() < 16 {
        return after.clone();
    }
    ToneMap::from_samples(b, a).apply(after)
}

/// Offset that keeps the logarithm of dark values finite.
const LOG_EPS: f32 = 0.03;

/// Longest side of the coarse grid the gain field is estimated on. A field of uneven fading
/// or vignetting has no detail finer than a few percent of the picture, so a grid of this size
/// holds all of it, and the fit costs the same on a web copy and an archive scan.
const GRID_SIDE: u32 = 128;

/// The log ratio `ln(before) − ln(after)` averaged over the blocks of a coarse grid, with its
/// spread inside each block and the fraction of each block where the after image has data.
struct CoarseRatio {
    width: usize,
    height: usize,
    /// Block size in input pixels.
    block: u32,
    /// Mean log ratio per block.
    ratio: Vec<f32>,
    /// Standard deviation of the log ratio inside each block.
    spread: Vec<f32>,
    /// Fraction of each block with data in both images.
    coverage: Vec<f32>,
}

fn coarse_ratio(before: &GrayF, after: &GrayF) -> CoarseRatio {
    let (w, h) = before.dimensions();
    let block = w.max(h).div_ceil(GRID_SIDE).max(1);
    let (cw, ch) = (w.div_ceil(block) as usize, h.div_ceil(block) as usize);
    let (wu, hu, k) = (w as usize, h as usize, block as usize);
    let (bs, as_) = (before.as_raw(), after.as_raw());
    let rows: Vec<Vec<(f32, f32, f32)>> = (0..ch)
        .into_par_iter()
        .map(|cy| {
            let mut acc = vec![(0.0f64, 0.0f64, 0u32); cw];
            let (y0, y1) = (cy * k, ((cy + 1) * k).min(hu));
            for y in y0..y1 {
                let (lb, la) = (&bs[y * wu..(y + 1) * wu], &as_[y * wu..(y + 1) * wu]);
                for (x, (vb, va)) in lb.iter().zip(la).enumerate() {
                    if va.is_finite() {
                        let r = f64::from(((vb + LOG_EPS) / (va + LOG_EPS).max(1e-3)).ln());
                        let a = &mut acc[x / k];
                        a.0 += r;
                        a.1 += r * r;
                        a.2 += 1;
                    }
                }
            }
            acc.iter()
                .enumerate()
                .map(|(cx, (s, s2, n))| {
                    let area = ((cx * k + k).min(wu) - cx * k) * (y1 - y0);
                    if *n == 0 {
                        return (0.0, 0.0, 0.0);
                    }
                    let m = s / f64::from(*n);
                    let var = (s2 / f64::from(*n) - m * m).max(0.0);
                    (m as f32, var.sqrt() as f32, *n as f32 / area.max(1) as f32)
                })
                .collect()
        })
        .collect();
    let mut out = CoarseRatio {
        width: cw,
        height: ch,
        block,
        ratio: Vec::with_capacity(cw * ch),
        spread: Vec::with_capacity(cw * ch),
        coverage: Vec::with_capacity(cw * ch),
    };
    for (r, s, c) in rows.into_iter().flatten() {
        out.ratio.push(r);
        out.spread.push(s);
        out.coverage.push(c);
    }
    out
}

/// Weighted Gaussian smoothing (normalised convolution) of `values` on a `w × h` grid; where
/// the weights nearby vanish, `fallback` is taken instead.
fn smooth_weighted(
    values: &[f32],
    weights: &[f32],
    fallback: &[f32],
    (w, h): (usize, usize),
    sigma: f32,
) -> Vec<f32> {
    let (wu, hu) = (w as u32, h as u32);
    let num = GrayF::from_vec(
        wu,
        hu,
        values.iter().zip(weights).map(|(v, w)| v * w).collect(),
    );
    let den = GrayF::from_vec(wu, hu, weights.to_vec());
    let (num, den) = match (num, den) {
        (Some(n), Some(d)) => (gaussian_blur(&n, sigma), gaussian_blur(&d, sigma)),
        _ => return fallback.to_vec(),
    };
    // A small prior weight on the fallback: negligible where data is dense, decisive where a
    // wide excluded area leaves no data within reach of the kernel.
    const PRIOR: f32 = 0.02;
    num.iter()
        .zip(den.iter())
        .zip(fallback)
        .map(|((n, d), f)| (n + PRIOR * f) / (d + PRIOR))
        .collect()
}

/// Tukey's biweight of a residual `r` at cut-off `c`.
fn tukey(r: f32, c: f32) -> f32 {
    let x = r / c;
    if x.abs() < 1.0 {
        (1.0 - x * x).powi(2)
    } else {
        0.0
    }
}

/// The typical difference of the log ratio between neighbouring blocks with data: the
/// roughness of an unchanged field at the grid's scale.
fn typical_step(c: &CoarseRatio, base: &[f32]) -> f32 {
    let w = c.width;
    let mut steps = Vec::with_capacity(2 * c.ratio.len());
    for i in 0..c.ratio.len() {
        if base[i] <= 0.0 {
            continue;
        }
        for j in [i + 1, i + w] {
            if j < c.ratio.len() && (j != i + 1 || j % w != 0) && base[j] > 0.0 {
                steps.push((c.ratio[i] - c.ratio[j]).abs());
            }
        }
    }
    if steps.is_empty() {
        return 0.01;
    }
    median(&mut steps)
}

/// Gives full weight back to the rejected areas that merge smoothly into their surroundings.
///
/// A robust fit rejects blocks far from it; but an unevenly faded corner that a stiff stage
/// could not follow is also far from it. What tells the two apart is the boundary: an edit
/// (a figure painted over, a banner removed) shows as a jump of the ratio at its outline,
/// while fading changes gradually. Each connected set of rejected blocks is readmitted when
/// the median jump across its boundary is of the order of the field's own roughness (`step`).
fn readmit_smooth_outliers(c: &CoarseRatio, base: &[f32], weights: &mut [f32], step: f32) {
    let (w, h) = (c.width, c.height);
    let n = w * h;
    let rejected: Vec<bool> = (0..n)
        .map(|i| base[i] > 0.0 && weights[i] < 0.05 * base[i])
        .collect();
    let mut seen = vec![false; n];
    let limit = (3.0 * step).max(0.03);
    for start in 0..n {
        if !rejected[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![start];
        let mut members = Vec::new();
        let mut jumps = Vec::new();
        while let Some(i) = stack.pop() {
            members.push(i);
            let (x, y) = (i % w, i / w);
            let neighbours = [
                (x > 0).then(|| i - 1),
                (x + 1 < w).then(|| i + 1),
                (y > 0).then(|| i - w),
                (y + 1 < h).then(|| i + w),
            ];
            for j in neighbours.into_iter().flatten() {
                if rejected[j] {
                    if !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                } else if base[j] > 0.0 {
                    jumps.push((c.ratio[i] - c.ratio[j]).abs());
                }
            }
        }
        if jumps.len() >= 3 && median(&mut jumps) < limit {
            for i in members {
                weights[i] = base[i];
            }
        }
    }
}

/// Fits a smooth log-gain field through the coarse log ratio, coarse to fine, robustly.
///
/// Each stage smooths the ratio with a Gaussian of half the previous width, weighting each
/// block by how much data it holds, by how constant the ratio is inside it (a fading field is
/// locally constant; an edit that replaced a figure by background is not), and by Tukey's
/// biweight of its residual from the stage's own fit. A changed area is far from the field of
/// the stage before, so it is excluded before the field becomes flexible enough to follow it,
/// and the field is filled across it from the coarser stage; unchanged areas that a coarser
/// stage could not follow come back in as the residuals shrink.
fn fit_log_gain(c: &CoarseRatio) -> Vec<f32> {
    let n = c.ratio.len();
    let size = (c.width, c.height);
    let mut spreads: Vec<f32> = c
        .spread
        .iter()
        .zip(&c.coverage)
        .filter(|(_, cov)| **cov >= 0.5)
        .map(|(s, _)| *s)
        .collect();
    if spreads.len() < 16 {
        return vec![0.0; n];
    }
    let typical_spread = median(&mut spreads).max(0.01);
    let base: Vec<f32> = c
        .spread
        .iter()
        .zip(&c.coverage)
        .map(|(s, cov)| {
            if *cov < 0.5 {
                0.0
            } else {
                let q = s / (3.0 * typical_spread);
                cov / (1.0 + q * q)
            }
        })
        .collect();
    let mut valid: Vec<f32> = c
        .ratio
        .iter()
        .zip(&base)
        .filter(|(_, b)| **b > 0.0)
        .map(|(r, _)| *r)
        .collect();
    let mut field = vec![median(&mut valid); n];
    let step = typical_step(c, &base);
    let mut weights = base.clone();
    let side = c.width.max(c.height) as f32;
    let mut sigma = side / 2.0;
    // The finest stage follows features of a few percent of the picture; a figure is wider.
    let finest = 3.0f32.max(side / 48.0);
    loop {
        let coarser = field.clone();
        for _ in 0..3 {
            let first = smooth_weighted(&c.ratio, &weights, &coarser, size, sigma);
            // One pass on the residual ("twicing") restores the peaks a single Gaussian
            // flattens, so the fit follows the field rather than a blurred copy of it.
            let rest: Vec<f32> = c.ratio.iter().zip(&first).map(|(r, f)| r - f).collect();
            let zero = vec![0.0; n];
            let correction = smooth_weighted(&rest, &weights, &zero, size, sigma);
            field = first.iter().zip(&correction).map(|(a, b)| a + b).collect();
            let mut abs: Vec<f32> = c
                .ratio
                .iter()
                .zip(&field)
                .zip(&base)
                .filter(|(_, b)| **b > 0.0)
                .map(|((r, f), _)| (r - f).abs())
                .collect();
            let cut = 4.685 * (1.4826 * median(&mut abs)).max(0.01);
            for i in 0..n {
                weights[i] = base[i] * tukey(c.ratio[i] - field[i], cut);
            }
            readmit_smooth_outliers(c, &base, &mut weights, step);
        }
        if sigma <= finest {
            break;
        }
        sigma = (sigma / 2.0).max(finest);
    }
    field
}

/// The smooth (low-frequency) part of the log ratio `ln(before) − ln(after)` at full size: a
/// robust, coarse-to-fine fit on a coarse grid (see [`fit_log_gain`]) brought back by
/// bilinear interpolation.
#[must_use]
pub fn low_frequency_log_gain(before: &GrayF, after: &GrayF) -> GrayF {
    let (w, h) = before.dimensions();
    let coarse = coarse_ratio(before, after);
    let log_gain = fit_log_gain(&coarse);
    match GrayF::from_vec(coarse.width as u32, coarse.height as u32, log_gain) {
        Some(small) => upsample_bilinear(&small, coarse.block, w, h),
        None => GrayF::new(w, h),
    }
}

/// Multiplies `img` by `exp(sign × log_gain)` (with the dark-value offset); no data stays NaN.
fn apply_gain(img: &GrayF, log_gain: &GrayF, sign: f32) -> GrayF {
    let mut out = img.clone();
    out.par_iter_mut()
        .zip(log_gain.as_raw().par_iter())
        .for_each(|(p, g)| {
            if p.is_finite() {
                *p = (*p + LOG_EPS) * (sign * g).exp() - LOG_EPS;
            }
        });
    out
}

/// Full normalisation of a warped after image (NaN = no data) to the before image.
///
/// The model is `before ≈ gain(x, y) × curve(after)`: a monotone tone curve for the whole
/// print (gamma, contrast, fading toward grey) and a smooth gain field for what varies across
/// it (vignetting, uneven fading). The two are estimated in turn: the curve by quantile
/// matching the after image onto the before image with the current field divided out, the
/// field from the ratio of the before image to the curve-mapped after image. Each round
/// starts again from the untouched after image, so no curve is ever measured through an
/// uneven field that a later step would have to undo.
#[must_use]
pub fn normalise(before: &GrayF, after: &GrayF) -> GrayF {
    let mut toned = match_global(before, after);
    let mut log_gain = low_frequency_log_gain(before, &toned);
    for _ in 0..2 {
        let flattened = apply_gain(before, &log_gain, -1.0);
        toned = match_global(&flattened, after);
        log_gain = low_frequency_log_gain(before, &toned);
    }
    let out = apply_gain(&toned, &log_gain, 1.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_and_uneven_fading_are_removed() {
        let before = GrayF::from_fn(120, 90, |x, y| {
            image::Luma([0.5 + 0.3 * ((x as f32) * 0.3).sin() * ((y as f32) * 0.2).cos()])
        });
        let after = GrayF::from_fn(120, 90, |x, y| {
            let v = before.get_pixel(x, y)[0].powf(0.7);
            image::Luma([v * 0.8 + 0.1 + 0.05 * (x as f32 / 120.0)])
        });
        let n = normalise(&before, &after);
        let err: f32 = n
            .iter()
            .zip(before.iter())
            .map(|(a, b)| (a - b).abs())
            .sum::<f32>()
            / n.len() as f32;
        assert!(err < 0.02, "mean error {err}");
    }
}
