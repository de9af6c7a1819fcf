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
use crate::imgops::median;
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

/// Number of terms of the smooth surface.
const TERMS: usize = 15;

/// Evaluates the fifteen terms of a bivariate quartic at normalised coordinates.
fn terms(u: f64, v: f64) -> [f64; TERMS] {
    let (u2, v2) = (u * u, v * v);
    [
        1.0,
        u,
        v,
        u2,
        u * v,
        v2,
        u2 * u,
        u2 * v,
        u * v2,
        v2 * v,
        u2 * u2,
        u2 * u * v,
        u2 * v2,
        u * v2 * v,
        v2 * v2,
    ]
}

/// Offset that keeps the logarithm of dark values finite.
const LOG_EPS: f32 = 0.03;

/// Removes the smooth (low-frequency) part of the ratio `before / after` from `after`: cell
/// medians of the log ratio, then a quartic surface fitted with Tukey weights so that cells
/// covered by an erased figure do not bend it. Multiplicative, because vignetting and uneven
/// fading take a fraction of the light, more on bright paper than on dark coats.
#[must_use]
pub fn correct_low_frequency(before: &GrayF, after: &GrayF) -> GrayF {
    let (w, h) = before.dimensions();
    let cells = 20u32;
    let (cw, ch) = (w.div_ceil(cells).max(1), h.div_ceil(cells).max(1));
    let mut samples: Vec<(f64, f64, f64)> = Vec::new();
    for cy in 0..cells {
        for cx in 0..cells {
            let mut diffs = Vec::new();
            for y in (cy * ch..((cy + 1) * ch).min(h)).step_by(2) {
                for x in (cx * cw..((cx + 1) * cw).min(w)).step_by(2) {
                    let a = after.get_pixel(x, y)[0];
                    if a.is_finite() {
                        diffs.push(
                            ((before.get_pixel(x, y)[0] + LOG_EPS) / (a + LOG_EPS).max(1e-3)).ln(),
                        );
                    }
                }
            }
            let full = ((cw / 2) * (ch / 2)).max(1) as usize;
            if diffs.len() * 3 < full {
                continue;
            }
            let u = (f64::from(cx * cw + cw / 2) / f64::from(w)) * 2.0 - 1.0;
            let v = (f64::from(cy * ch + ch / 2) / f64::from(h)) * 2.0 - 1.0;
            samples.push((u, v, f64::from(median(&mut diffs))));
        }
    }
    if samples.len() < 3 * TERMS {
        return after.clone();
    }
    let mut weights = vec![1.0f64; samples.len()];
    let mut coef = [0.0f64; TERMS];
    for _ in 0..8 {
        let mut ata = nalgebra::SMatrix::<f64, TERMS, TERMS>::zeros();
        let mut atb = nalgebra::SVector::<f64, TERMS>::zeros();
        for ((u, v, d), wgt) in samples.iter().zip(&weights) {
            let t = nalgebra::SVector::<f64, TERMS>::from(terms(*u, *v));
            ata += t * t.transpose() * *wgt;
            atb += t * (*d * *wgt);
        }
        for i in 0..TERMS {
            ata[(i, i)] += 1e-6;
        }
        let Some(sol) = ata.try_inverse().map(|inv| inv * atb) else {
            return after.clone();
        };
        coef.copy_from_slice(sol.as_slice());
        let residuals: Vec<f32> = samples
            .iter()
            .map(|(u, v, d)| {
                let t = terms(*u, *v);
                (d - t.iter().zip(&coef).map(|(a, b)| a * b).sum::<f64>()) as f32
            })
            .collect();
        let mut abs: Vec<f32> = residuals.iter().map(|r| r.abs()).collect();
        let scale = (f64::from(median(&mut abs)) * 1.4826 * 4.685).max(0.01);
        for (wgt, r) in weights.iter_mut().zip(&residuals) {
            let x = f64::from(*r) / scale;
            *wgt = if x.abs() < 1.0 {
                (1.0 - x * x).powi(2)
            } else {
                0.0
            };
        }
    }
    let mut out = after.clone();
    let wf = f64::from(w);
    let hf = f64::from(h);
    out.par_chunks_mut(w as usize)
        .enumerate()
        .for_each(|(y, row)| {
            let v = ((y as f64 + 0.5) / hf) * 2.0 - 1.0;
            for (x, p) in row.iter_mut().enumerate() {
                if p.is_finite() {
                    let u = ((x as f64 + 0.5) / wf) * 2.0 - 1.0;
                    let t = terms(u, v);
                    let corr: f64 = t.iter().zip(&coef).map(|(a, b)| a * b).sum();
                    *p = (*p + LOG_EPS) * (corr as f32).exp() - LOG_EPS;
                }
            }
        });
    out
}

/// Full normalisation of a warped after image (NaN = no data) to the before image.
#[must_use]
pub fn normalise(before: &GrayF, after: &GrayF) -> GrayF {
    let first = match_global(before, after);
    let corrected = correct_low_frequency(before, &first);
    // A second global pass fixes the contrast the smooth correction may have shifted.
    match_global(before, &corrected)
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
