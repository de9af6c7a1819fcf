//! Photometric normalisation: makes the warped after image's tones match the before image's
//! in their overlap, so a lighter, darker, yellowed, faded or unevenly faded print does not
//! light up as change.
//!
//! Two steps: a global monotone mapping (quantile matching of the two tone distributions), then
//! a smooth low-frequency correction (a robustly fitted quadratic surface through per-cell
//! medians of the remaining difference) for uneven fading and vignetting. Both are robust to
//! erased areas, which are a minority of the picture. This module does not align or decide
//! what changed.

pub mod mix;

use image::GrayImage;
use rayon::prelude::*;

use crate::imgops::GrayF;
use crate::imgops::{MAD_TO_SIGMA, TUKEY_C, median};

/// A monotone lookup table mapping after-image values to before-image values, built by
/// matching the quantiles of corresponding samples. Robust to any monotone tone change.
#[derive(Clone, Debug)]
pub struct ToneMap {
    knots_after: Vec<f32>,
    knots_before: Vec<f32>,
}

impl ToneMap {
    /// Builds the map from paired samples (before value, after value).
    #[must_use]
    pub fn from_samples(mut before: Vec<f32>, mut after: Vec<f32>) -> Self {
        before.sort_unstable_by(f32::total_cmp);
        after.sort_unstable_by(f32::total_cmp);
        let n = before.len().min(after.len());
        let knots = 64usize;
        let mut ka = Vec::with_capacity(knots + 1);
        let mut kb = Vec::with_capacity(knots + 1);
        if n > 0 {
            for i in 0..=knots {
                let q = i as f32 / knots as f32;
                let ia = ((after.len() - 1) as f32 * q) as usize;
                let ib = ((before.len() - 1) as f32 * q) as usize;
                let (a, b) = (after[ia], before[ib]);
                if ka.last().is_none_or(|&l| a > l + 1e-6) {
                    ka.push(a);
                    kb.push(b);
                }
            }
        }
        Self {
            knots_after: ka,
            knots_before: kb,
        }
    }

    /// This map within its range of after values, and past its ends the shape of `wider`
    /// (measured on more of the picture), joined without a step.
    ///
    /// For a map measured with the changed areas left out: values that only those areas hold
    /// (a dust speck's white, each bright galaxy of a deep field when all were set aside as
    /// changed) are then mapped as the whole picture maps them, instead of all collapsing onto
    /// the last value measured.
    #[must_use]
    pub fn continued_by(self, wider: &ToneMap) -> Self {
        let (ka, kb) = (&self.knots_after, &self.knots_before);
        if ka.len() < 2 || wider.knots_after.len() < 2 {
            return self;
        }
        let (lo, hi) = (ka[0], ka[ka.len() - 1]);
        let (below, above) = (kb[0] - wider.map(lo), kb[kb.len() - 1] - wider.map(hi));
        let wider_knots = || wider.knots_after.iter().zip(&wider.knots_before);
        let mut knots_after: Vec<f32> = Vec::with_capacity(ka.len() + wider.knots_after.len());
        let mut knots_before: Vec<f32> = Vec::with_capacity(knots_after.capacity());
        for (a, b) in wider_knots().filter(|(a, _)| **a < lo - 1e-6) {
            knots_after.push(*a);
            knots_before.push(b + below);
        }
        knots_after.extend_from_slice(ka);
        knots_before.extend_from_slice(kb);
        for (a, b) in wider_knots().filter(|(a, _)| **a > hi + 1e-6) {
            knots_after.push(*a);
            knots_before.push(b + above);
        }
        Self {
            knots_after,
            knots_before,
        }
    }

    /// Maps one value (linear between knots, clamped at the ends).
    #[must_use]
    pub fn map(&self, v: f32) -> f32 {
        let ka = &self.knots_after;
        let kb = &self.knots_before;
        if ka.len() < 2 {
            return v;
        }
        if v <= ka[0] {
            return kb[0];
        }
        let i = ka.partition_point(|&k| k < v);
        if i >= ka.len() {
            return kb[kb.len() - 1];
        }
        let t = (v - ka[i - 1]) / (ka[i] - ka[i - 1]);
        kb[i - 1] + t * (kb[i] - kb[i - 1])
    }

    /// Applies the map to every pixel.
    #[must_use]
    pub fn apply(&self, img: &GrayF) -> GrayF {
        let mut out = img.clone();
        out.par_iter_mut().for_each(|v| {
            if v.is_finite() {
                *v = self.map(*v);
            }
        });
        out
    }
}

impl ToneMap {
    /// [`ToneMap::apply`] through a 4096-entry lookup table between the first and last knots:
    /// the map is piecewise linear, so interpolating the table departs from it by a small
    /// fraction of one knot's step, and each pixel costs a multiply instead of a search.
    #[must_use]
    pub fn apply_lut(&self, img: &GrayF) -> GrayF {
        const SIZE: usize = 4096;
        let ka = &self.knots_after;
        if ka.len() < 2 {
            return self.apply(img);
        }
        let (lo, hi) = (ka[0], ka[ka.len() - 1]);
        let step = (hi - lo) / (SIZE - 1) as f32;
        let table: Vec<f32> = (0..SIZE).map(|i| self.map(lo + step * i as f32)).collect();
        let mut out = img.clone();
        out.par_iter_mut().for_each(|v| {
            if v.is_finite() {
                let t = ((*v - lo) / step).clamp(0.0, (SIZE - 1) as f32);
                let i = (t as usize).min(SIZE - 2);
                let f = t - i as f32;
                *v = table[i] + (table[i + 1] - table[i]) * f;
            }
        });
        out
    }
}

/// Whether pixel `i` may be sampled: not excluded as changed.
fn usable(exclude: Option<&GrayImage>, i: usize) -> bool {
    exclude.is_none_or(|m| m.as_raw()[i] == 0)
}

/// Pairs of (before, after) values where both have data and nothing is excluded, on a sparse
/// grid.
fn overlap_samples(
    before: &GrayF,
    after: &GrayF,
    exclude: Option<&GrayImage>,
    max_samples: usize,
) -> (Vec<f32>, Vec<f32>) {
    let n = before.as_raw().len();
    let step = (n / max_samples.max(1)).max(1);
    let mut b = Vec::with_capacity(n / step + 1);
    let mut a = Vec::with_capacity(n / step + 1);
    for (i, (vb, va)) in before
        .as_raw()
        .iter()
        .zip(after.as_raw())
        .enumerate()
        .step_by(step)
    {
        if va.is_finite() && usable(exclude, i) {
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
    match_global_excluding(before, after, None)
}

/// [`match_global`], with the curve measured only where `exclude` is 0.
fn match_global_excluding(before: &GrayF, after: &GrayF, exclude: Option<&GrayImage>) -> GrayF {
    tone_map_excluding(before, after, exclude).map_or_else(|| after.clone(), |m| m.apply_lut(after))
}

/// The monotone curve of [`match_global_excluding`], or `None` when the overlap has too few
/// samples to measure one.
fn tone_map_excluding(
    before: &GrayF,
    after: &GrayF,
    exclude: Option<&GrayImage>,
) -> Option<ToneMap> {
    // The curve has 64 knots: with 2^16 samples each knot's quantile is off by about 0.2 % of
    // the range in rank, a tenth of the gap between knots. More only costs sorting time.
    const SAMPLES: usize = 1 << 16;
    let (mut b, mut a) = overlap_samples(before, after, exclude, SAMPLES);
    if b.len() < 16 {
        (b, a) = overlap_samples(before, after, None, SAMPLES);
    }
    (b.len() >= 16).then(|| ToneMap::from_samples(b, a))
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

/// The surface with coefficients `coef` at normalised coordinates `(u, v)`.
fn surface(coef: &[f64; TERMS], u: f64, v: f64) -> f64 {
    terms(u, v).iter().zip(coef).map(|(t, c)| t * c).sum()
}

/// The surface along one row (`v` fixed) as a polynomial in `u`, lowest power first: the
/// per-pixel cost is then four multiply-adds rather than fifteen terms.
fn row_polynomial(coef: &[f64; TERMS], v: f64) -> [f64; 5] {
    let c = coef;
    [
        c[0] + v * (c[2] + v * (c[5] + v * (c[9] + v * c[14]))),
        c[1] + v * (c[4] + v * (c[8] + v * c[13])),
        c[3] + v * (c[7] + v * c[12]),
        c[6] + v * c[11],
        c[10],
    ]
}

/// Weighted least-squares coefficients of the first `order` terms (the rest 0), or `None` for a
/// singular system.
fn weighted_fit(
    samples: &[(f64, f64, f64)],
    weights: &[f64],
    order: usize,
) -> Option<[f64; TERMS]> {
    let mut ata = nalgebra::DMatrix::<f64>::zeros(order, order);
    let mut atb = nalgebra::DVector::<f64>::zeros(order);
    for ((u, v, d), wgt) in samples.iter().zip(weights) {
        let t = terms(*u, *v);
        for i in 0..order {
            atb[i] += t[i] * d * wgt;
            for j in 0..order {
                ata[(i, j)] += t[i] * t[j] * wgt;
            }
        }
    }
    for i in 0..order {
        ata[(i, i)] += 1e-6;
    }
    let sol = ata.try_inverse()? * atb;
    let mut coef = [0.0f64; TERMS];
    coef[..order].copy_from_slice(sol.as_slice());
    Some(coef)
}

/// Tukey biweights of the residuals of `samples` under `coef`, with a scale from their median
/// absolute value (never under 0.01 in log ratio, about 1 % of the light).
fn tukey_weights(samples: &[(f64, f64, f64)], coef: &[f64; TERMS], weights: &mut [f64]) {
    let residuals: Vec<f32> = samples
        .iter()
        .map(|(u, v, d)| (d - surface(coef, *u, *v)) as f32)
        .collect();
    let mut abs: Vec<f32> = residuals.iter().map(|r| r.abs()).collect();
    let scale = (f64::from(median(&mut abs)) * MAD_TO_SIGMA * TUKEY_C).max(0.01);
    for (wgt, r) in weights.iter_mut().zip(&residuals) {
        let x = f64::from(*r) / scale;
        *wgt = if x.abs() < 1.0 {
            (1.0 - x * x).powi(2)
        } else {
            0.0
        };
    }
}

/// Removes the smooth (low-frequency) part of the ratio `before / after` from `after`: cell
/// medians of the log ratio, then a quartic surface fitted with Tukey weights so that cells
/// covered by an erased figure do not bend it. Multiplicative, because vignetting and uneven
/// fading take a fraction of the light, more on bright paper than on dark coats.
#[must_use]
pub fn correct_low_frequency(before: &GrayF, after: &GrayF, exclude: Option<&GrayImage>) -> GrayF {
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
                    if a.is_finite() && usable(exclude, (y * w + x) as usize) {
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
    // Tukey-weighted least squares, raising the order step by step (a constant, a plane, then
    // the quadratic, cubic and quartic terms), each step starting from the weights the last
    // one left. A least-squares start would let a large coherent change (a banner painted over,
    // a fifth of the picture along one edge) bend the quartic towards it, and the weights
    // computed from that bent fit would then keep it; a constant cannot bend, so such cells
    // are weighed out before the surface has the freedom to follow them.
    let mut weights = vec![1.0f64; samples.len()];
    let mut coef = [0.0f64; TERMS];
    let mut ds: Vec<f32> = samples.iter().map(|s| s.2 as f32).collect();
    coef[0] = f64::from(median(&mut ds));
    tukey_weights(&samples, &coef, &mut weights);
    for (order, iterations) in [(1usize, 3), (3, 3), (6, 3), (10, 3), (TERMS, 4)] {
        for _ in 0..iterations {
            let Some(sol) = weighted_fit(&samples, &weights, order) else {
                return after.clone();
            };
            coef = sol;
            tukey_weights(&samples, &coef, &mut weights);
        }
    }
    let mut out = after.clone();
    let wf = f64::from(w);
    let hf = f64::from(h);
    out.par_chunks_mut(w as usize)
        .enumerate()
        .for_each(|(y, row)| {
            let v = ((y as f64 + 0.5) / hf) * 2.0 - 1.0;
            let in_u = row_polynomial(&coef, v);
            for (x, p) in row.iter_mut().enumerate() {
                if p.is_finite() {
                    let u = ((x as f64 + 0.5) / wf) * 2.0 - 1.0;
                    let corr = in_u.iter().rev().fold(0.0, |acc, c| acc * u + c);
                    *p = (*p + LOG_EPS) * (corr as f32).exp() - LOG_EPS;
                }
            }
        });
    out
}

/// Cells of the local gain field along the image's longer side.
const LOCAL_CELLS: u32 = 24;

/// Removes what remains of uneven fading once the smooth surface is gone: the median log ratio
/// `before / after` in square cells (a 24th of the longer side), smoothed and interpolated
/// across the grid, measured only where `exclude` is 0. This is flexible enough to follow a
/// blotchy fade that no low-order surface can, so it must never see the changed areas: the
/// caller excludes everything whose structure changed (see [`crate::diff::structural_change`]),
/// and cells that are mostly excluded borrow their value from their neighbours.
#[must_use]
pub fn correct_local(before: &GrayF, after: &GrayF, exclude: &GrayImage) -> GrayF {
    let (w, h) = before.dimensions();
    let cell = (w.max(h) / LOCAL_CELLS).max(8);
    let (gw, gh) = (w.div_ceil(cell) as usize, h.div_ceil(cell) as usize);
    let (bs, as_, ex) = (before.as_raw(), after.as_raw(), exclude.as_raw());
    let wu = w as usize;
    // Per cell: the median log ratio over usable pixels (every other row and column), or
    // nothing when under a third of the cell is usable.
    let medians: Vec<Option<f32>> = (0..gw * gh)
        .into_par_iter()
        .map(|c| {
            let (cx, cy) = ((c % gw) as u32 * cell, (c / gw) as u32 * cell);
            let (x1, y1) = ((cx + cell).min(w), (cy + cell).min(h));
            let mut logs = Vec::new();
            let mut seen = 0usize;
            for y in (cy..y1).step_by(2) {
                for x in (cx..x1).step_by(2) {
                    seen += 1;
                    let i = y as usize * wu + x as usize;
                    if as_[i].is_finite() && ex[i] == 0 {
                        logs.push(((bs[i] + LOG_EPS) / (as_[i] + LOG_EPS).max(1e-3)).ln());
                    }
                }
            }
            (logs.len() * 3 >= seen && !logs.is_empty()).then(|| median(&mut logs))
        })
        .collect();
    // A 3×3 median over the grid: fading is coherent over many cells, while a change the
    // structural mask missed (a dark coat over a dark crowd) fills one or two; the median keeps
    // the first and drops the second.
    let medians: Vec<Option<f32>> = (0..gw * gh)
        .into_par_iter()
        .map(|c| {
            medians[c]?;
            let (cx, cy) = (c % gw, c / gw);
            let mut near: Vec<f32> = (cy.saturating_sub(1)..(cy + 2).min(gh))
                .flat_map(|y| (cx.saturating_sub(1)..(cx + 2).min(gw)).map(move |x| y * gw + x))
                .filter_map(|i| medians[i])
                .collect();
            Some(median(&mut near))
        })
        .collect();
    // Normalised convolution over the grid (a Gaussian of one cell): smooths the cell medians
    // and fills the excluded cells from their neighbours at once. Far from any usable cell the
    // correction fades to zero, leaving the smooth surface's answer.
    let reach = 3i64;
    let field: Vec<f32> = (0..gw * gh)
        .into_par_iter()
        .map(|c| {
            let (cx, cy) = ((c % gw) as i64, (c / gw) as i64);
            let (mut sum, mut weight) = (0.0f32, 0.0f32);
            for dy in -reach..=reach {
                for dx in -reach..=reach {
                    let (x, y) = (cx + dx, cy + dy);
                    if x < 0 || y < 0 || x >= gw as i64 || y >= gh as i64 {
                        continue;
                    }
                    if let Some(m) = medians[y as usize * gw + x as usize] {
                        let g = (-((dx * dx + dy * dy) as f32) / 2.0).exp();
                        sum += g * m;
                        weight += g;
                    }
                }
            }
            // A weight of 0.5 is about half a cell's worth of evidence nearby.
            sum / weight.max(0.5)
        })
        .collect();
    // Bilinear interpolation between cell centres: the columns' cells and weights are the same
    // on every row, and each row first interpolates the grid between its two cell rows.
    let cf = cell as f32;
    let grid_at = |p: usize, n: usize| {
        let g = ((p as f32 + 0.5) / cf - 0.5).clamp(0.0, (n - 1) as f32);
        let g0 = g as usize;
        (g0, (g0 + 1).min(n - 1), g - g0 as f32)
    };
    let columns: Vec<(usize, usize, f32)> = (0..wu).map(|x| grid_at(x, gw)).collect();
    let mut out = after.clone();
    out.par_chunks_mut(wu).enumerate().for_each_init(
        || vec![0.0f32; gw],
        |line, (y, row)| {
            let (y0, y1, fy) = grid_at(y, gh);
            for (gx, l) in line.iter_mut().enumerate() {
                *l = field[y0 * gw + gx] * (1.0 - fy) + field[y1 * gw + gx] * fy;
            }
            for (p, &(x0, x1, fx)) in row.iter_mut().zip(&columns) {
                if p.is_finite() {
                    let corr = line[x0] * (1.0 - fx) + line[x1] * fx;
                    *p = (*p + LOG_EPS) * corr.exp() - LOG_EPS;
                }
            }
        },
    );
    out
}

/// Full normalisation of a warped after image (NaN = no data) to the before image.
///
/// Without `exclude`, a global curve and a smooth surface: stiff enough that no erased figure
/// bends them. With `exclude` (255 = changed, working size), both are measured outside the
/// changed areas and a local gain field follows what uneven fading the surface left.
#[must_use]
pub fn normalise(before: &GrayF, after: &GrayF, exclude: Option<&GrayImage>) -> GrayF {
    let first = match_global_excluding(before, after, exclude);
    let mut corrected = correct_low_frequency(before, &first, exclude);
    if let Some(m) = exclude {
        corrected = correct_local(before, &corrected, m);
    }
    // A second global pass fixes the contrast the smooth correction may have shifted.
    match_global_excluding(before, &corrected, exclude)
}

/// Raw levels within this distance of the after image's extreme count as clipped: a JPEG's
/// ringing and the blur to the noise scale leave a clipped area a few levels short of it.
const CLIP_MARGIN: f32 = 3.0 / 255.0;

/// Least share of the overlap that must sit at the after image's extreme for it to count as
/// clipped rather than as a few specular highlights.
const CLIP_SHARE: f64 = 0.005;

/// Where the after image is clipped (blown highlights or crushed shadows), replaces its
/// normalised value by the before value nearest to what the clipping allows.
///
/// A print with more contrast, or a scan exposed for the mid-tones, flattens the lightest (or
/// darkest) part of the picture to one level. No tone curve can give that area its shades
/// back, and every shade the original has there would read as change. A clipped after pixel
/// only says the picture was at least as light as the share of the overlap clipped with it,
/// ranked in the before image: the before's level at that rank is the bound. A before value
/// past the bound agrees; one short of it differs by the distance to the bound, so a dark
/// figure erased to blank white paper is still found. `after_raw` is the warped after before
/// tone normalisation (NaN = no data), at the scale of `after`.
pub fn respect_clipping(before: &GrayF, after_raw: &GrayF, after: &mut GrayF, valid: &GrayImage) {
    let in_overlap = |img: &GrayF| -> Vec<f32> {
        img.as_raw()
            .iter()
            .zip(valid.as_raw())
            .filter(|(v, m)| **m > 0 && v.is_finite())
            .map(|(v, _)| *v)
            .collect()
    };
    let raw = in_overlap(after_raw);
    if raw.is_empty() {
        return;
    }
    let (lo, hi) = raw
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if hi - lo <= 4.0 * CLIP_MARGIN {
        return;
    }
    let n = raw.len() as f64;
    let share_hi = raw.iter().filter(|&&v| v >= hi - CLIP_MARGIN).count() as f64 / n;
    let share_lo = raw.iter().filter(|&&v| v <= lo + CLIP_MARGIN).count() as f64 / n;
    if share_hi < CLIP_SHARE && share_lo < CLIP_SHARE {
        return;
    }
    // The before's level at the rank where each clipped share begins.
    let mut ranked = in_overlap(before);
    let light = (share_hi >= CLIP_SHARE)
        .then(|| crate::imgops::quantile(&mut ranked, (1.0 - share_hi) as f32));
    let dark =
        (share_lo >= CLIP_SHARE).then(|| crate::imgops::quantile(&mut ranked, share_lo as f32));
    after
        .par_iter_mut()
        .zip(after_raw.as_raw().par_iter())
        .zip(before.as_raw().par_iter())
        .for_each(|((a, r), b)| {
            if let Some(bound) = light
                && *r >= hi - CLIP_MARGIN
            {
                *a = b.max(bound);
            } else if let Some(bound) = dark
                && *r <= lo + CLIP_MARGIN
            {
                *a = b.min(bound);
            }
        });
}

/// Normalises the colour channels of a warped after image (NaN = no data) to the before
/// image's: first the gain field that [`normalise`] found for luminance (`luma_raw` before it,
/// `luma_toned` after it), since fading and vignetting take light from every dye alike; then a
/// monotone curve for each channel on its own, since each dye layer of a print fades, and each
/// channel of a scanner responds, in its own way. A colour cast or a per-channel curve left in
/// would shift the colour of every saturated area.
///
/// The curves are measured only where `exclude` (the planes' size, 255 = changed) is 0, as
/// the luminance's are: an erased figure takes its colours out of the after image's
/// histogram, and a curve matched with it in would stretch whatever colours are left nearest
/// to them (the rim of a painted-out optic disc, the sky beside an erased flag) into change.
#[must_use]
pub fn match_channels(
    before: [&GrayF; 3],
    after: [&GrayF; 3],
    luma_raw: &GrayF,
    luma_toned: &GrayF,
    exclude: Option<&GrayImage>,
) -> [GrayF; 3] {
    debug_assert!(
        after.iter().all(|a| a.dimensions() == luma_raw.dimensions()
            && a.dimensions() == luma_toned.dimensions()),
        "channel and luminance planes of one size"
    );
    // The gain field, once for all three channels (NaN where either luminance has no data).
    let gain: Vec<f32> = luma_raw
        .as_raw()
        .par_iter()
        .zip(luma_toned.as_raw().par_iter())
        .map(|(raw, toned)| (toned + LOG_EPS) / (raw + LOG_EPS).max(1e-3))
        .collect();
    let channel = |b: &GrayF, a: &GrayF| {
        let mut lit = a.clone();
        lit.par_iter_mut().zip(gain.par_iter()).for_each(|(c, g)| {
            if c.is_finite() && g.is_finite() {
                *c = (*c + LOG_EPS) * g - LOG_EPS;
            }
        });
        let whole = tone_map_excluding(b, &lit, None);
        let map = match (
            exclude.and_then(|_| tone_map_excluding(b, &lit, exclude)),
            whole,
        ) {
            (Some(part), Some(whole)) => part.continued_by(&whole),
            (part, whole) => match part.or(whole) {
                Some(m) => m,
                None => return lit,
            },
        };
        map.apply_lut(&lit)
    };
    let (red, (green, blue)) = rayon::join(
        || channel(before[0], after[0]),
        || {
            rayon::join(
                || channel(before[1], after[1]),
                || channel(before[2], after[2]),
            )
        },
    );
    [red, green, blue]
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// A copy with more contrast clips the lightest fifth of a gradient to white: once its
    /// clipping is respected, the clipped shades agree with the original, while a dark square
    /// painted out to the same white still differs by nearly its full depth.
    #[test]
    fn clipped_highlights_agree_but_an_erasure_into_them_does_not() {
        let (w, h) = (200u32, 100u32);
        let square = |x: u32, y: u32| (170..190).contains(&x) && (40..60).contains(&y);
        let before = GrayF::from_fn(w, h, |x, y| {
            Luma([if square(x, y) {
                0.1
            } else {
                x as f32 / w as f32
            }])
        });
        // 25 % more contrast: everything from 0.8 up is clipped; the square is painted over.
        let raw = GrayF::from_fn(w, h, |x, y| {
            let b = if square(x, y) {
                1.0
            } else {
                x as f32 / w as f32
            };
            Luma([(b * 1.25).min(1.0)])
        });
        let valid = GrayImage::from_pixel(w, h, Luma([255]));
        let mut toned = match_global(&before, &raw);
        respect_clipping(&before, &raw, &mut toned, &valid);
        let mut worst_clipped = 0.0f32;
        for (x, y, a) in toned.enumerate_pixels() {
            let b = before.get_pixel(x, y)[0];
            if square(x, y) {
                assert!(
                    a[0] - b > 0.6,
                    "the erased square at ({x}, {y}): {} vs {b}",
                    a[0]
                );
            } else if x >= 165 {
                worst_clipped = worst_clipped.max((a[0] - b).abs());
            }
        }
        assert!(
            worst_clipped < 0.02,
            "clipped shades differ by {worst_clipped}"
        );
        // Without it, the clipped shades differ by up to a tenth of the range.
        let plain = match_global(&before, &raw);
        let plain_worst = plain
            .enumerate_pixels()
            .filter(|(x, y, _)| *x >= 165 && !square(*x, *y))
            .map(|(x, y, a)| (a[0] - before.get_pixel(x, y)[0]).abs())
            .fold(0.0f32, f32::max);
        assert!(
            plain_worst > 0.05,
            "plain matching differs by only {plain_worst}"
        );
    }

    /// Per-channel curves and an uneven fade that took light from every channel alike: the
    /// luminance's gain field and one curve per channel bring every channel back.
    #[test]
    fn channels_follow_the_luminance_gain_and_their_own_curves() {
        let (w, h) = (160u32, 120u32);
        let channel = |c: u32| {
            GrayF::from_fn(w, h, move |x, y| {
                let t = (x as f32 * (0.11 + 0.03 * c as f32)).sin() * (y as f32 * 0.07).cos();
                image::Luma([0.45 + 0.1 * c as f32 + 0.3 * t])
            })
        };
        let before = [channel(0), channel(1), channel(2)];
        let fade =
            |x: u32, y: u32| 0.75 + 0.25 * ((x as f32 / 40.0).sin() * (y as f32 / 30.0).cos());
        let curves: [fn(f32) -> f32; 3] = [|v| v.powf(0.7), |v| v.powf(1.3), |v| 0.8 * v + 0.05];
        let after: Vec<GrayF> = (0..3)
            .map(|c| {
                GrayF::from_fn(w, h, |x, y| {
                    image::Luma([curves[c](before[c].get_pixel(x, y)[0]) * fade(x, y)])
                })
            })
            .collect();
        let luma = |p: [&GrayF; 3]| {
            GrayF::from_fn(w, h, |x, y| {
                let v = 0.2126 * p[0].get_pixel(x, y)[0]
                    + 0.7152 * p[1].get_pixel(x, y)[0]
                    + 0.0722 * p[2].get_pixel(x, y)[0];
                image::Luma([v])
            })
        };
        let raw = luma([&after[0], &after[1], &after[2]]);
        let toned = GrayF::from_fn(w, h, |x, y| {
            image::Luma([(raw.get_pixel(x, y)[0] + LOG_EPS) / fade(x, y) - LOG_EPS])
        });
        let err = |m: &[GrayF; 3]| {
            let mut sum = 0.0f32;
            for (b, a) in before.iter().zip(m) {
                sum += b
                    .iter()
                    .zip(a.iter())
                    .map(|(p, q)| (p - q).abs())
                    .sum::<f32>();
            }
            sum / (3 * w * h) as f32
        };
        let b_refs = [&before[0], &before[1], &before[2]];
        let a_refs = [&after[0], &after[1], &after[2]];
        let matched = match_channels(b_refs, a_refs, &raw, &toned, None);
        let without_gain = match_channels(b_refs, a_refs, &raw, &raw, None);
        assert!(err(&matched) < 0.03, "error {}", err(&matched));
        assert!(
            err(&matched) < 0.5 * err(&without_gain),
            "{} against {} without the gain",
            err(&matched),
            err(&without_gain)
        );
    }

    /// The row polynomial is the surface, term for term.
    /// A bright disc painted out of the after image (its pixels now background) takes the
    /// brightest tenth out of the after's histogram. Matched with it in, the curve stretches
    /// the lightest background towards the disc's white; measured outside the disc, the
    /// background maps back to within noise of the before.
    #[test]
    fn a_painted_out_area_does_not_bend_the_colour_curves_once_excluded() {
        let (w, h) = (200u32, 100u32);
        let disc = |x: u32, y: u32| (x as f32 - 150.0).hypot(y as f32 - 50.0) < 32.0;
        let ground = |x: u32, y: u32| 0.2 + 0.4 * (x as f32 / w as f32) + 0.02 * (y % 3) as f32;
        let before = GrayF::from_fn(w, h, |x, y| {
            Luma([if disc(x, y) { 0.95 } else { ground(x, y) }])
        });
        // The after: 10 % darker, and the disc painted over with the ground.
        let after = GrayF::from_fn(w, h, |x, y| Luma([0.9 * ground(x, y)]));
        let exclude = GrayImage::from_fn(w, h, |x, y| Luma([if disc(x, y) { 255 } else { 0 }]));
        let worst = |exclude: Option<&GrayImage>| {
            let [r, _, _] = match_channels(
                [&before, &before, &before],
                [&after, &after, &after],
                &after,
                &after,
                exclude,
            );
            before
                .enumerate_pixels()
                .filter(|(x, y, _)| !disc(*x, *y))
                .map(|(x, y, b)| (r.get_pixel(x, y)[0] - b[0]).abs())
                .fold(0.0f32, f32::max)
        };
        let (bent, measured_outside) = (worst(None), worst(Some(&exclude)));
        assert!(bent > 0.1, "with the disc in, the curve bends: {bent}");
        assert!(
            measured_outside < 0.03,
            "measured outside the disc: {measured_outside}"
        );
    }

    /// Past the range it was measured on, a map follows the wider map's shape from where it
    /// ends, without a step.
    #[test]
    fn a_map_is_continued_by_the_wider_one_past_its_ends() {
        let part = ToneMap::from_samples(vec![0.3, 0.4, 0.5], vec![0.2, 0.3, 0.4]);
        let wider = ToneMap::from_samples(vec![0.0, 0.5, 1.0], vec![0.0, 0.5, 0.9]);
        let joined = part.continued_by(&wider);
        assert!(
            (joined.map(0.3) - 0.4).abs() < 1e-5,
            "inside: the part's own map"
        );
        assert!((joined.map(0.4) - 0.5).abs() < 1e-5, "no step at the end");
        // Above 0.4 the wider map rises 0.5 → 0.9 over 0.5 → 0.9 (slope 1 here)...
        let above = joined.map(0.7) - joined.map(0.4);
        assert!(
            (above - (wider.map(0.7) - wider.map(0.4))).abs() < 1e-5,
            "{above}"
        );
        // ...and below 0.2 it falls as the wider map does.
        let below = joined.map(0.2) - joined.map(0.1);
        assert!(
            (below - (wider.map(0.2) - wider.map(0.1))).abs() < 1e-5,
            "{below}"
        );
    }

    #[test]
    fn row_polynomial_is_the_surface() {
        let coef: [f64; TERMS] = std::array::from_fn(|i| (i as f64 * 0.37).sin());
        for (u, v) in [(-1.0, -1.0), (0.3, -0.7), (0.9, 0.2), (0.0, 1.0)] {
            let row = row_polynomial(&coef, v);
            let horner = row.iter().rev().fold(0.0, |acc, c| acc * u + c);
            assert!((horner - surface(&coef, u, v)).abs() < 1e-12, "{u},{v}");
        }
    }

    #[test]
    fn gamma_and_uneven_fading_are_removed() {
        let before = GrayF::from_fn(120, 90, |x, y| {
            image::Luma([0.5 + 0.3 * ((x as f32) * 0.3).sin() * ((y as f32) * 0.2).cos()])
        });
        let after = GrayF::from_fn(120, 90, |x, y| {
            let v = before.get_pixel(x, y)[0].powf(0.7);
            image::Luma([v * 0.8 + 0.1 + 0.05 * (x as f32 / 120.0)])
        });
        let n = normalise(&before, &after, None);
        let err: f32 = n
            .iter()
            .zip(before.iter())
            .map(|(a, b)| (a - b).abs())
            .sum::<f32>()
            / n.len() as f32;
        assert!(err < 0.02, "mean error {err}");
    }

    /// A plain band along the top, a fifth of the picture, whose tone was changed outright (a
    /// banner painted over with sky): the smooth surface follows the gentle fading elsewhere
    /// and does not bend towards the band, which keeps its difference for the diff to find.
    #[test]
    fn a_large_plain_change_along_one_edge_does_not_bend_the_surface() {
        let (w, h) = (300u32, 200u32);
        let before = GrayF::from_fn(w, h, |x, y| {
            image::Luma([0.5 + 0.2 * ((x as f32) * 0.3).sin() * ((y as f32) * 0.25).cos()])
        });
        let band = |y: u32| y < h / 5;
        let fade = |x: u32, y: u32| 0.9 + 0.2 * (x as f32 / w as f32) - 0.1 * (y as f32 / h as f32);
        let after = GrayF::from_fn(w, h, |x, y| {
            let v = if band(y) {
                0.9
            } else {
                before.get_pixel(x, y)[0]
            };
            image::Luma([v * fade(x, y)])
        });
        let n = correct_low_frequency(&before, &after, None);
        let (mut err, mut count) = (0.0f32, 0usize);
        for (x, y, p) in n.enumerate_pixels() {
            if !band(y) && y > h / 5 + 10 {
                err += (p[0] - before.get_pixel(x, y)[0]).abs();
                count += 1;
            }
        }
        let err = err / count as f32;
        assert!(err < 0.02, "mean error outside the band {err}");
        let kept = n.get_pixel(w / 2, h / 10)[0] - before.get_pixel(w / 2, h / 10)[0];
        assert!(kept > 0.25, "the band keeps its difference: {kept}");
    }

    /// A blotchy fade (far wider-band than the quartic) is removed outside the excluded area,
    /// and a dark square inside the excluded area is left for the diff to find.
    #[test]
    fn local_field_follows_blotchy_fading_but_not_excluded_changes() {
        let (w, h) = (240u32, 160u32);
        let before = GrayF::from_fn(w, h, |x, y| {
            image::Luma([0.6 + 0.2 * ((x as f32) * 0.5).sin() * ((y as f32) * 0.4).cos()])
        });
        let fade =
            |x: u32, y: u32| 1.0 + 0.2 * ((x as f32) / 25.0).sin() * ((y as f32) / 20.0).cos();
        let inside = |x: u32, y: u32| (100..140).contains(&x) && (60..100).contains(&y);
        let after = GrayF::from_fn(w, h, |x, y| {
            let v = if inside(x, y) {
                0.15
            } else {
                before.get_pixel(x, y)[0]
            };
            image::Luma([v * fade(x, y)])
        });
        let exclude = GrayImage::from_fn(w, h, |x, y| {
            let near = (95..145).contains(&x) && (55..105).contains(&y);
            image::Luma([if near { 255 } else { 0 }])
        });
        let n = normalise(&before, &after, Some(&exclude));
        let (mut err, mut count) = (0.0f32, 0usize);
        for (x, y, p) in n.enumerate_pixels() {
            if exclude.get_pixel(x, y)[0] == 0 {
                err += (p[0] - before.get_pixel(x, y)[0]).abs();
                count += 1;
            }
        }
        let err = err / count as f32;
        assert!(err < 0.02, "mean error outside the change {err}");
        let stiff = normalise(&before, &after, None);
        let stiff_err: f32 = stiff
            .enumerate_pixels()
            .filter(|(x, y, _)| exclude.get_pixel(*x, *y)[0] == 0)
            .map(|(x, y, p)| (p[0] - before.get_pixel(x, y)[0]).abs())
            .sum::<f32>()
            / count as f32;
        assert!(
            err < 0.5 * stiff_err,
            "local {err} against stiff {stiff_err}"
        );
        let centre = n.get_pixel(120, 80)[0];
        assert!(
            before.get_pixel(120, 80)[0] - centre > 0.1,
            "the change survives: {centre}"
        );
    }
}
