//! Per-pixel change strength, the automatic threshold, and mask cleanup.
//!
//! Strength combines three signals measured on tone-normalised, blurred images (the blur scale
//! follows the image size, so grain and halftone dots average out): the intensity difference,
//! taken as the smallest difference over a one-pixel neighbourhood so that a residual sub-pixel
//! misalignment along edges does not count; the difference of local texture energy (a figure's
//! folds and faces against smooth retouched background); and, when both images are in colour,
//! the opponent-colour difference. Each is divided by its noise floor, estimated robustly from
//! the image itself (most of a picture is unchanged), with an absolute floor so that a clean,
//! unchanged pair stays quiet; intensity and texture also get the slack that a change of local
//! contrast explains where the two pictures agree in shape (sharpening, another tone curve).
//! A strength of 1 is the default threshold.
//!
//! This module does not outline regions; [`crate::regions`] does.

use image::{GrayImage, Luma};
use rayon::prelude::*;

use crate::imgops::{GrayF, dilate, erode, fill_holes, gaussian_blur, min_filter, quantile};

/// Smallest intensity difference (0..=1 scale) that can count as change at default
/// sensitivity: about ten grey levels. Below this, no print process or eye sees an edit.
pub const MIN_CONTRAST: f32 = 0.04;

/// How many standard deviations of a signal's own noise floor a difference must reach to count
/// as change (strength 1): at four, unchanged grain crosses it at about one pixel in 16 000.
const NOISE_SIGMAS: f32 = 4.0;

/// Inputs of [`change_strength`] at working resolution, already blurred to the noise scale and
/// tone-normalised.
pub struct ChangeInputs<'a> {
    /// Before luminance.
    pub before: &'a GrayF,
    /// Warped, tone-normalised after luminance (NaN = no data).
    pub after: &'a GrayF,
    /// Opponent colour planes (before, after) of both, when both images are in colour.
    pub colour: Option<[(&'a GrayF, &'a GrayF); 2]>,
    /// The blur scale the inputs were smoothed with, in working pixels.
    pub sigma: f32,
}

/// Fills NaN (no data) pixels of `after` with `before`'s values so blurs do not bleed.
#[must_use]
pub fn fill_nan(after: &GrayF, before: &GrayF) -> GrayF {
    let mut out = after.clone();
    out.par_iter_mut()
        .zip(before.as_raw().par_iter())
        .for_each(|(a, b)| {
            if !a.is_finite() {
                *a = *b;
            }
        });
    out
}

/// Extra blur (before, after), in working pixels, that makes the two pictures equally sharp.
///
/// A second-generation print, a copy negative or a web copy is softer than the original, and a
/// scan may be sharpened; left alone, every edge of the picture then differs in intensity and
/// texture. The detail band of both images (each blurred to the noise scale `sigma`, less a
/// blur four times wider) is compared over the central part of the overlap, with the sharper
/// image blurred by a few candidate amounts; the pair with the highest correlation wins, and
/// (0, 0) unless it beats equal treatment clearly. Correlation ignores gain and offset, and an
/// erased figure lowers every candidate alike, so neither tone nor the edit sways the choice.
#[must_use]
pub fn sharpness_match(before: &GrayF, after: &GrayF, valid: &GrayImage, sigma: f32) -> (f32, f32) {
    const CANDIDATES: [f32; 7] = [0.0, 0.5, 0.8, 1.2, 1.7, 2.4, 3.4];
    let (w, h) = before.dimensions();
    let (cw, ch) = ((w / 2).max(w.min(64)), (h / 2).max(h.min(64)));
    let (x0, y0) = ((w - cw) / 2, (h - ch) / 2);
    let crop = |img: &GrayF| GrayF::from_fn(cw, ch, |x, y| *img.get_pixel(x0 + x, y0 + y));
    let mask: Vec<bool> = (0..ch)
        .flat_map(|y| (0..cw).map(move |x| (x, y)))
        .map(|(x, y)| valid.get_pixel(x0 + x, y0 + y)[0] > 0)
        .collect();
    if mask.iter().filter(|&&m| m).count() * 2 < mask.len() {
        return (0.0, 0.0);
    }
    let b = crop(before);
    let a = fill_nan(&crop(after), &b);
    let wide = (4.0 * sigma).max(3.0);
    let (coarse_b, coarse_a) = rayon::join(
        || crate::imgops::gaussian_blur_smooth(&b, wide),
        || crate::imgops::gaussian_blur_smooth(&a, wide),
    );
    // The detail band of each image at each candidate extra blur: index `i` of the before's
    // list and of the after's list is `CANDIDATES[i]`.
    let details = |img: &GrayF, coarse: &GrayF| -> Vec<Vec<f32>> {
        CANDIDATES
            .par_iter()
            .map(|&extra| {
                let fine = gaussian_blur(img, sigma.hypot(extra));
                fine.iter().zip(coarse.iter()).map(|(f, c)| f - c).collect()
            })
            .collect()
    };
    let (db, da) = rayon::join(|| details(&b, &coarse_b), || details(&a, &coarse_a));
    let correlation = |p: &[f32], q: &[f32]| -> f64 {
        let mut sums = crate::imgops::Correlation::default();
        for ((x, y), m) in p.iter().zip(q).zip(&mask) {
            if *m {
                sums.add(f64::from(*x), f64::from(*y));
            }
        }
        sums.coefficient().unwrap_or(0.0)
    };
    // Equal treatment, then each candidate blur on one side only: (extra before, extra after)
    // and the indices of the two detail bands compared.
    let pairs: Vec<((f32, f32), usize, usize)> = std::iter::once(((0.0, 0.0), 0, 0))
        .chain(
            CANDIDATES
                .iter()
                .enumerate()
                .skip(1)
                .flat_map(|(i, &extra)| [((extra, 0.0), i, 0), ((0.0, extra), 0, i)]),
        )
        .collect();
    let scores: Vec<f64> = pairs
        .par_iter()
        .map(|&(_, i, j)| correlation(&db[i], &da[j]))
        .collect();
    let equal = scores[0];
    let mut best = ((0.0f32, 0.0f32), equal);
    for (&(extra, _, _), &score) in pairs.iter().zip(&scores) {
        if score > best.1 {
            best = (extra, score);
        }
    }
    // Clearly better: a tenth of the way from equal treatment to perfect agreement.
    if best.1 - equal > 0.1 * (1.0 - equal).max(0.0) {
        best.0
    } else {
        (0.0, 0.0)
    }
}

/// `max(min_δ |b(x) − a(x+δ)|, min_δ |b(x+δ) − a(x)|)` over the 3×3 neighbourhood.
fn shift_tolerant_difference(b: &GrayF, a: &GrayF) -> GrayF {
    let (w, h) = b.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let (bs, as_) = (b.as_raw(), a.as_raw());
    let mut out = GrayF::new(w, h);
    if wu == 0 || hu == 0 {
        return out;
    }
    // Row by row: each neighbour row is padded by one replicated pixel at both ends (the same
    // as clamping at the border), and every one of the nine offsets is one pass over the whole
    // row, which the compiler turns into vector instructions.
    let pad = |dst: &mut [f32], src: &[f32]| {
        dst[0] = src[0];
        dst[1..=wu].copy_from_slice(src);
        dst[wu + 1] = src[wu - 1];
    };
    out.par_chunks_mut(wu).enumerate().for_each_init(
        || {
            (
                vec![0.0f32; wu + 2],
                vec![0.0f32; wu + 2],
                vec![0.0f32; wu],
                vec![0.0f32; wu],
            )
        },
        |(pb, pa, m1, m2), (y, row)| {
            let (brow, arow) = (&bs[y * wu..(y + 1) * wu], &as_[y * wu..(y + 1) * wu]);
            m1.fill(f32::INFINITY);
            m2.fill(f32::INFINITY);
            for yy in [y.saturating_sub(1), y, (y + 1).min(hu - 1)] {
                pad(pb, &bs[yy * wu..(yy + 1) * wu]);
                pad(pa, &as_[yy * wu..(yy + 1) * wu]);
                for dx in 0..3 {
                    for ((m, bv), av) in m1.iter_mut().zip(brow).zip(&pa[dx..dx + wu]) {
                        *m = m.min((bv - av).abs());
                    }
                    for ((m, av), bv) in m2.iter_mut().zip(arow).zip(&pb[dx..dx + wu]) {
                        *m = m.min((bv - av).abs());
                    }
                }
            }
            for ((o, p), q) in row.iter_mut().zip(m1.iter()).zip(m2.iter()) {
                *o = p.max(*q);
            }
        },
    );
    out
}

/// Local statistics of a pair (`b` before, `a` after) over a Gaussian window.
struct LocalMoments {
    /// Standard deviation of `b`.
    std_b: GrayF,
    /// Standard deviation of `a`.
    std_a: GrayF,
    /// Pearson correlation of the two within the window (0 where either is flat).
    rho: GrayF,
    /// Local mean of `b`.
    mean_b: GrayF,
    /// Slope of the regression of `a` on `b` within the window (0 where `b` is flat).
    alpha: GrayF,
}

/// [`LocalMoments`] of `b` and `a` over a Gaussian window of scale `sigma`.
fn local_moments(b: &GrayF, a: &GrayF, sigma: f32) -> LocalMoments {
    let product = |p: &GrayF, q: &GrayF| {
        let mut out = p.clone();
        out.par_iter_mut()
            .zip(q.as_raw().par_iter())
            .for_each(|(x, y)| *x *= *y);
        out
    };
    let products = [product(b, b), product(a, a), product(b, a)];
    // Each blur is row-parallel already; five in a row keep both cores busy.
    let [mb, ma, bb, aa, ab] =
        [b, a, &products[0], &products[1], &products[2]].map(|img| gaussian_blur(img, sigma));
    let mut std_b = bb;
    let mut std_a = aa;
    let mut rho = ab;
    let mut alpha = GrayF::new(b.width(), b.height());
    std_b
        .par_iter_mut()
        .zip(std_a.par_iter_mut())
        .zip(rho.par_iter_mut().zip(alpha.par_iter_mut()))
        .zip(mb.as_raw().par_iter().zip(ma.as_raw().par_iter()))
        .for_each(|(((sb, sa), (r, al)), (m_b, m_a))| {
            let var_b = (*sb - m_b * m_b).max(0.0);
            let var_a = (*sa - m_a * m_a).max(0.0);
            let cov = *r - m_b * m_a;
            let norm = (var_b * var_a).sqrt();
            *al = if var_b > 1e-12 { cov / var_b } else { 0.0 };
            *r = if norm > 1e-12 {
                (cov / norm).clamp(-1.0, 1.0)
            } else {
                0.0
            };
            *sb = var_b.sqrt();
            *sa = var_a.sqrt();
        });
    LocalMoments {
        std_b,
        std_a,
        rho,
        mean_b: mb,
        alpha,
    }
}

/// `img` less its blur at twice `sigma`, the noise scale: the detail by which the two pictures
/// are compared for what each holds (see [`detail_agreement`]).
#[must_use]
pub fn fine_detail(img: &GrayF, sigma: f32) -> GrayF {
    let mut out = img.clone();
    out.par_iter_mut()
        .zip(gaussian_blur(img, 2.0 * sigma).as_raw().par_iter())
        .for_each(|(v, s)| *v -= s);
    out
}

/// How well the fine detail of two pictures (`db`, `da`, see [`fine_detail`]) agrees round
/// each pixel: its correlation over a Gaussian window of four times `sigma`, -1 to 1. Where an
/// edit painted something out, the after's detail has nothing to do with the before's; where
/// only the rendering differs (another tone curve or grey mix, a blur, a fit a fraction of a
/// pixel off), the same detail is there in both.
#[must_use]
pub fn detail_agreement(db: &GrayF, da: &GrayF, sigma: f32) -> GrayF {
    local_moments(db, da, 4.0 * sigma).rho
}

/// Robust noise scale of a non-negative difference map over valid pixels: the median divided
/// by 0.6745 (the median of a half-normal distribution in units of its σ).
fn noise_scale(d: &GrayF, valid: &GrayImage) -> f32 {
    let mut v: Vec<f32> = d
        .as_raw()
        .iter()
        .zip(valid.as_raw())
        .step_by(3)
        .filter(|(_, m)| **m > 0)
        .map(|(x, _)| *x)
        .collect();
    quantile(&mut v, 0.5) / 0.6745
}

/// Difference of texture energy, and its threshold: local contrast around each pixel over a
/// window a little wider than the blur, so folds, faces and lettering count against smooth
/// retouched background.
fn texture_difference(moments: &LocalMoments, sigma: f32, valid: &GrayImage) -> (GrayF, f32) {
    let mut d_tex = moments.std_b.clone();
    d_tex
        .par_iter_mut()
        .zip(moments.std_a.as_raw().par_iter())
        .for_each(|(x, y)| *x = (*x - y).abs());
    // The noise floor is measured on the texture difference as the window sees it.
    let t_tex = (NOISE_SIGMAS * noise_scale(&d_tex, valid)).max(MIN_CONTRAST * 0.75);
    // The window spreads a texture difference about two window scales beyond the edge that
    // causes it (the figure's outline against the smooth retouch): take it back with a
    // minimum filter of that reach, so outlines follow the figure rather than a halo.
    (min_filter(&d_tex, (3.0 * sigma).round() as usize), t_tex)
}

/// Where the picture's structure changed, for keeping changed areas out of the local tone
/// fit ([`crate::tone::correct_local`]). `inputs.after` is the warped after image before any
/// tone normalisation: the stiff normalisation (global curve and smooth surface, which no
/// erased figure can bend) is done here, at this function's reduced resolution. The result is
/// 255 where the texture changed or where the
/// intensity difference is more than a smooth field explains (the difference less its blur
/// at a fortieth of the image), closed, hole-filled and widened by a margin. Uneven fading is
/// smooth and leaves texture alone, so it does not show here however strong it is; an erased
/// figure, banner or sign has edges and does.
#[must_use]
pub fn structural_change(inputs: &ChangeInputs<'_>, valid: &GrayImage) -> GrayImage {
    let (full_w, full_h) = inputs.before.dimensions();
    // Only a mask to keep out of a fit made of 24 cells a side: half the working resolution
    // is plenty on large pictures, and four times cheaper.
    let k = if full_w.max(full_h) >= 1200 { 2 } else { 1 };
    let (b, a, valid) = if k == 1 {
        (inputs.before.clone(), inputs.after.clone(), valid.clone())
    } else {
        let reduced_valid = GrayImage::from_fn(full_w.div_ceil(k), full_h.div_ceil(k), |x, y| {
            *valid.get_pixel((x * k).min(full_w - 1), (y * k).min(full_h - 1))
        });
        // No data (NaN) stays no data through the box reduction and the tone fit.
        (
            crate::imgops::downsample_box(inputs.before, k),
            crate::imgops::downsample_box(inputs.after, k),
            reduced_valid,
        )
    };
    let a = fill_nan(&crate::tone::normalise(&b, &a, None), &b);
    let (b, a, valid, sigma) = (&b, &a, &valid, inputs.sigma / k as f32);
    let (w, h) = b.dimensions();
    let side = w.max(h) as f32;
    let mut d = b.clone();
    d.par_iter_mut()
        .zip(a.as_raw().par_iter())
        .for_each(|(x, y)| *x -= y);
    let smooth = crate::imgops::gaussian_blur_smooth(&d, side / 40.0);
    d.par_iter_mut()
        .zip(smooth.as_raw().par_iter())
        .for_each(|(x, s)| *x = (*x - s).abs());
    let t_int = (NOISE_SIGMAS * noise_scale(&d, valid)).max(MIN_CONTRAST);
    let (d_tex, t_tex) = texture_difference(&local_moments(b, a, 1.5 * sigma), sigma, valid);
    let raw = GrayImage::from_fn(w, h, |x, y| {
        let i = (y * w + x) as usize;
        let z = (d.as_raw()[i] / t_int).max(d_tex.as_raw()[i] / t_tex);
        Luma([if valid.as_raw()[i] > 0 && z >= 1.0 {
            255
        } else {
            0
        }])
    });
    let closed = clean_mask(&raw, Cleanup::for_side(f64::from(side)));
    let margin = dilate(&closed, (3.0 * sigma).ceil() as u32);
    if k == 1 {
        return margin;
    }
    GrayImage::from_fn(full_w, full_h, |x, y| {
        *margin.get_pixel((x / k).min(w - 1), (y / k).min(h - 1))
    })
}

/// How far a change of local contrast may go, as a multiple of what the local regression
/// measures, and still be read as rendering (see [`LocalMoments::rendering_slack`]).
const RENDERING_SLACK: f32 = 2.0;

impl LocalMoments {
    /// The part of the intensity and of the texture difference at pixel `i` (before value `b`)
    /// that a change of local contrast explains.
    ///
    /// Two renderings of one picture differ most at its edges: sharpening overshoots them, a
    /// steeper tone curve or another lens changes their contrast, and the difference there
    /// grows with the edge's own contrast, far above the grain elsewhere. Within the window
    /// such an after is the before with its contrast scaled: `a − ā ≈ α (b − b̄)`, with a high
    /// correlation. The intensity difference this explains is `|α − 1| · |b − b̄|`, the
    /// texture difference `|α − 1| · σ_b`. The slack is granted in full from a correlation of
    /// 0.9, none at 0.6 or less, and none for a slope no rendering gives (under 0.4 or over
    /// 2.5). An erased figure leaves nothing in the after that correlates with it, so its
    /// inside gets no slack; nor does a shift of mean, a flat window, or a changed outline.
    fn rendering_slack(&self, i: usize, b: f32) -> (f32, f32) {
        let alpha = self.alpha.as_raw()[i];
        if !(0.4..=2.5).contains(&alpha) {
            return (0.0, 0.0);
        }
        let agreement = ((self.rho.as_raw()[i] - 0.6) / 0.3).clamp(0.0, 1.0);
        let k = RENDERING_SLACK * agreement * (alpha - 1.0).abs();
        (
            k * (b - self.mean_b.as_raw()[i]).abs(),
            k * self.std_b.as_raw()[i],
        )
    }
}

/// Computes the change strength (1.0 = default threshold) at working resolution. Pixels where
/// `valid` is 0 get strength 0.
#[must_use]
pub fn change_strength(inputs: &ChangeInputs<'_>, valid: &GrayImage) -> GrayF {
    let sigma = inputs.sigma;
    let (b, a) = (inputs.before, &fill_nan(inputs.after, inputs.before));
    let d_int = shift_tolerant_difference(b, a);
    let moments = local_moments(b, a, 1.5 * sigma);
    let (d_tex, t_tex) = texture_difference(&moments, sigma, valid);
    let colour = inputs.colour.map(|planes| colour_strength(planes, valid));
    // Thresholds: four robust noise scales, and never below the absolute floor.
    let t_int = (NOISE_SIGMAS * noise_scale(&d_int, valid)).max(MIN_CONTRAST);
    let mut out = d_int;
    out.par_iter_mut()
        .zip(d_tex.as_raw().par_iter())
        .zip(valid.as_raw().par_iter())
        .enumerate()
        .for_each(|(i, ((s, t), v))| {
            if *v == 0 {
                *s = 0.0;
                return;
            }
            let (slack_int, slack_tex) = moments.rendering_slack(i, b.as_raw()[i]);
            let mut z = (*s / (t_int + slack_int)).max(*t / (t_tex + slack_tex));
            if let Some(c) = &colour {
                z = z.max(c.as_raw()[i]);
            }
            *s = z;
        });
    out
}

/// The colour part of the change strength (1.0 = default threshold): the distance between
/// the two pictures' opponent colour planes (red–green, yellow–blue; each a (before, after)
/// pair, the after's NaN where it has no data), over four robust noise scales and never
/// under one and a half times the luminance's absolute floor. Pixels where `valid` is 0 get
/// strength 0.
#[must_use]
pub fn colour_strength(planes: [(&GrayF, &GrayF); 2], valid: &GrayImage) -> GrayF {
    let [(rb, ra), (yb, ya)] = planes;
    let mut d = shift_tolerant_difference(rb, &fill_nan(ra, rb));
    let d2 = shift_tolerant_difference(yb, &fill_nan(ya, yb));
    d.par_iter_mut()
        .zip(d2.as_raw().par_iter())
        .for_each(|(x, y)| *x = x.hypot(*y));
    let t = (NOISE_SIGMAS * noise_scale(&d, valid)).max(MIN_CONTRAST * 1.5);
    d.par_iter_mut()
        .zip(valid.as_raw().par_iter())
        .for_each(|(x, v)| *x = if *v == 0 { 0.0 } else { *x / t });
    d
}

/// Hysteresis with a contrast-relative floor: each connected area above `low` that holds a
/// seed (a pixel at or above `high`) is kept down to `max(low, relative × median seed
/// strength)`. A strongly changed figure therefore does not leak into a faintly uneven sky
/// next to it, while a faint change is still outlined down to `low`.
#[must_use]
pub fn hysteresis_relative(strength: &GrayF, low: f32, high: f32, relative: f32) -> GrayImage {
    let first = hysteresis(strength, low, high);
    let labels = imageproc::region_labelling::connected_components(
        &first,
        imageproc::region_labelling::Connectivity::Eight,
        Luma([0u8]),
    );
    let mut seeds: std::collections::HashMap<u32, Vec<f32>> = std::collections::HashMap::new();
    for (l, s) in labels.iter().zip(strength.iter()) {
        if *l > 0 && *s >= high {
            seeds.entry(*l).or_default().push(*s);
        }
    }
    let floors: std::collections::HashMap<u32, f32> = seeds
        .into_iter()
        .map(|(l, mut v)| (l, (relative * crate::imgops::median(&mut v)).max(low)))
        .collect();
    let mut gated = strength.clone();
    for ((g, l), s) in gated.iter_mut().zip(labels.iter()).zip(strength.iter()) {
        let floor = floors.get(l).copied().unwrap_or(f32::INFINITY);
        if *s < floor {
            *g = 0.0;
        }
    }
    hysteresis(&gated, low, high)
}

/// Hysteresis: pixels at or above `low` that are connected to a pixel at or above `high`.
#[must_use]
pub fn hysteresis(strength: &GrayF, low: f32, high: f32) -> GrayImage {
    let (w, h) = strength.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let s = strength.as_raw();
    let mut o = vec![0u8; s.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, (v, m)) in s.iter().zip(o.iter_mut()).enumerate() {
        if *v >= high {
            *m = 255;
            stack.push(i);
        }
    }
    // Grow through the 8-neighbourhood, clipped to the image once per pixel rather than tested
    // per neighbour: the set reached is the same whatever the order.
    while let Some(i) = stack.pop() {
        let (x, y) = (i % wu, i / wu);
        let (x0, x1) = (x.saturating_sub(1), (x + 1).min(wu - 1));
        for yy in y.saturating_sub(1)..=(y + 1).min(hu - 1) {
            for j in yy * wu + x0..=yy * wu + x1 {
                if o[j] == 0 && s[j] >= low {
                    o[j] = 255;
                    stack.push(j);
                }
            }
        }
    }
    GrayImage::from_raw(w, h, o).unwrap_or_else(|| GrayImage::new(w, h))
}

/// Grows `mask` into the pixels within `radius` of it whose strength is at least `floor`,
/// through such pixels only (a geodesic growth, 8-connected), then fills its holes.
///
/// Detection keeps what is clearly changed; the edge of an edit fades out (an inpainting's
/// or an airbrush's feathered border, a blur of the print), so the outline of what hysteresis
/// keeps sits inside it. Grown down to a floor near the noise, in a narrow band only, the
/// outline reaches where the change falls back into the grain.
#[must_use]
pub fn grow_within(mask: &GrayImage, strength: &GrayF, floor: f32, radius: u32) -> GrayImage {
    let (w, h) = mask.dimensions();
    let band = dilate(mask, radius);
    let mut out = mask.clone();
    let mut queue: Vec<(u32, u32)> = mask
        .enumerate_pixels()
        .filter(|(_, _, p)| p[0] > 0)
        .map(|(x, y, _)| (x, y))
        .collect();
    while let Some((x, y)) = queue.pop() {
        for (dx, dy) in [
            (-1i32, -1i32),
            (0, -1),
            (1, -1),
            (-1, 0),
            (1, 0),
            (-1, 1),
            (0, 1),
            (1, 1),
        ] {
            let (nx, ny) = (x as i32 + dx, y as i32 + dy);
            if nx < 0 || ny < 0 || nx >= w as i32 || ny >= h as i32 {
                continue;
            }
            let (nx, ny) = (nx as u32, ny as u32);
            if out.get_pixel(nx, ny)[0] == 0
                && band.get_pixel(nx, ny)[0] > 0
                && strength.get_pixel(nx, ny)[0] >= floor
            {
                out.put_pixel(nx, ny, Luma([255]));
                queue.push((nx, ny));
            }
        }
    }
    fill_holes(&out)
}

/// Cleanup parameters, in working pixels.
#[derive(Clone, Copy, Debug)]
pub struct Cleanup {
    /// Opening radius: removes specks and thin slivers.
    pub open_radius: u32,
    /// Closing radius: bridges small gaps inside a region.
    pub close_radius: u32,
}

impl Cleanup {
    /// The radii for a mask whose longer side is `side` pixels: specks under a 600th of the
    /// picture go, gaps under a 150th are bridged, whatever the resolution.
    #[must_use]
    pub fn for_side(side: f64) -> Self {
        Self {
            open_radius: (side / 600.0).round().max(1.0) as u32,
            close_radius: (side / 150.0).round().max(2.0) as u32,
        }
    }
}

/// Opening, closing and hole filling.
#[must_use]
pub fn clean_mask(mask: &GrayImage, c: Cleanup) -> GrayImage {
    let opened = dilate(&erode(mask, c.open_radius), c.open_radius);
    // Pad before closing so regions touching the border are not eaten by the erosion.
    let closed = erode(&dilate(&opened, c.close_radius), c.close_radius);
    fill_holes(&closed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The softer copy is recognised and the original gets about the blur it lacks; equally
    /// sharp pictures, however different in tone, get none.
    #[test]
    fn sharpness_match_finds_the_missing_blur() {
        let (w, h) = (200u32, 160u32);
        let texture = GrayF::from_fn(w, h, |x, y| {
            let cell = (x / 3).wrapping_mul(73_856_093) ^ (y / 3).wrapping_mul(19_349_663);
            Luma([f32::from((cell.wrapping_mul(2_654_435_761) >> 24) as u8) / 255.0])
        });
        let valid = GrayImage::from_pixel(w, h, Luma([255]));
        let softer = gaussian_blur(&texture, 1.7);
        let (b, a) = sharpness_match(&texture, &softer, &valid, 1.0);
        assert!(
            a == 0.0 && (1.2..=2.4).contains(&b),
            "before {b}, after {a}"
        );
        let (b, a) = sharpness_match(&softer, &texture, &valid, 1.0);
        assert!(
            b == 0.0 && (1.2..=2.4).contains(&a),
            "before {b}, after {a}"
        );
        let darker = GrayF::from_fn(w, h, |x, y| Luma([0.2 + 0.5 * texture.get_pixel(x, y)[0]]));
        assert_eq!(sharpness_match(&texture, &darker, &valid, 1.0), (0.0, 0.0));
    }

    /// A sharpened copy (an unsharp mask of amount 1) is quiet at its edges, where the plain
    /// difference is far above the threshold; a patch painted over in the same copy is still
    /// found whole.
    #[test]
    fn sharpening_is_rendering_not_change() {
        let (w, h) = (240u32, 180u32);
        // Blocks of many grey levels: edges of every contrast, in every direction.
        let picture = GrayF::from_fn(w, h, |x, y| {
            let cell = (x / 12).wrapping_mul(73_856_093) ^ (y / 12).wrapping_mul(19_349_663);
            Luma([0.1 + 0.8 * f32::from((cell.wrapping_mul(2_654_435_761) >> 24) as u8) / 255.0])
        });
        let soft = gaussian_blur(&picture, 1.0);
        let halo = gaussian_blur(&soft, 2.0);
        let sharpened = GrayF::from_fn(w, h, |x, y| {
            let (s, c) = (soft.get_pixel(x, y)[0], halo.get_pixel(x, y)[0]);
            Luma([(s + (s - c)).clamp(0.0, 1.0)])
        });
        let patch = |x: u32, y: u32| (150..200).contains(&x) && (60..120).contains(&y);
        let painted = GrayF::from_fn(w, h, |x, y| {
            Luma([if patch(x, y) {
                0.0
            } else {
                sharpened.get_pixel(x, y)[0]
            }])
        });
        let valid = GrayImage::from_pixel(w, h, Luma([255]));
        let strength = |after: &GrayF| {
            let inputs = ChangeInputs {
                before: &soft,
                after,
                colour: None,
                sigma: 1.0,
            };
            change_strength(&inputs, &valid)
        };
        let plain = shift_tolerant_difference(&soft, &sharpened);
        let loud = plain.iter().filter(|&&d| d > 2.0 * MIN_CONTRAST).count();
        assert!(
            loud > 1000,
            "the sharpening should differ at edges: {loud} px"
        );
        let quiet = strength(&sharpened);
        let flagged = quiet.iter().filter(|&&z| z >= 1.0).count();
        // Without the slack, 160 px are flagged here.
        assert!(flagged < 16, "{flagged} px flagged on a sharpened copy");
        let found = strength(&painted);
        let (mut inside, mut hits) = (0, 0);
        for (x, y, z) in found.enumerate_pixels() {
            if patch(x, y) && (155..195).contains(&x) && (65..115).contains(&y) {
                inside += 1;
                hits += usize::from(z[0] >= 1.0);
            }
        }
        assert!(
            hits * 10 >= inside * 9,
            "{hits} of {inside} px of the patch found"
        );
    }

    /// The row-vectorised shift-tolerant difference against its definition, borders included.
    #[test]
    fn shift_tolerant_difference_matches_the_definition() {
        let (w, h) = (37u32, 11u32);
        let b = GrayF::from_fn(w, h, |x, y| Luma([((x * 31 + y * 17) % 23) as f32 / 23.0]));
        let a = GrayF::from_fn(w, h, |x, y| Luma([((x * 13 + y * 29) % 19) as f32 / 19.0]));
        let fast = shift_tolerant_difference(&b, &a);
        let at = |img: &GrayF, x: i64, y: i64| {
            img.get_pixel(
                x.clamp(0, i64::from(w) - 1) as u32,
                y.clamp(0, i64::from(h) - 1) as u32,
            )[0]
        };
        for y in 0..i64::from(h) {
            for x in 0..i64::from(w) {
                let (mut m1, mut m2) = (f32::INFINITY, f32::INFINITY);
                for dy in -1..=1 {
                    for dx in -1..=1 {
                        m1 = m1.min((at(&b, x, y) - at(&a, x + dx, y + dy)).abs());
                        m2 = m2.min((at(&b, x + dx, y + dy) - at(&a, x, y)).abs());
                    }
                }
                assert_eq!(
                    fast.get_pixel(x as u32, y as u32)[0],
                    m1.max(m2),
                    "at {x},{y}"
                );
            }
        }
    }

    #[test]
    fn hysteresis_keeps_only_seeded_components() {
        let s = GrayF::from_fn(10, 1, |x, _| {
            Luma([[0.0, 0.6, 0.6, 1.2, 0.6, 0.0, 0.6, 0.6, 0.0, 0.0][x as usize]])
        });
        let m = hysteresis(&s, 0.5, 1.0);
        let on: Vec<u8> = m.as_raw().clone();
        assert_eq!(on, vec![0, 255, 255, 255, 255, 0, 0, 0, 0, 0]);
    }

    /// Strong smooth fading is not structure; a retouched square is. (The after image is
    /// given untoned: the stiff tone normalisation is part of the function.)
    #[test]
    fn structural_change_ignores_fading_and_finds_a_retouch() {
        let (w, h) = (300u32, 200u32);
        let before = GrayF::from_fn(w, h, |x, y| {
            Luma([0.5 + 0.08 * ((x as f32) * 0.7).sin() * ((y as f32) * 0.6).cos()])
        });
        let after = GrayF::from_fn(w, h, |x, y| {
            let fade = 1.0 + 0.25 * ((x as f32) / 60.0).sin() * ((y as f32) / 45.0).cos();
            let square = (200..240).contains(&x) && (50..100).contains(&y);
            // The retouch: the same kind of pattern, out of step with what it covers.
            Luma([if square {
                before.get_pixel(x, y + 5)[0]
            } else {
                before.get_pixel(x, y)[0] * fade
            }])
        });
        let before = gaussian_blur(&before, 1.0);
        let after = gaussian_blur(&after, 1.0);
        let valid = GrayImage::from_pixel(w, h, Luma([255]));
        let m = structural_change(
            &ChangeInputs {
                before: &before,
                after: &after,
                colour: None,
                sigma: 1.0,
            },
            &valid,
        );
        assert_eq!(m.get_pixel(220, 75)[0], 255, "the retouched square");
        let far = m
            .enumerate_pixels()
            .filter(|(x, y, p)| p[0] > 0 && (*x < 180 || *y > 130))
            .count();
        // A few stray pixels may pass (the fade also scales the texture's amplitude by ±25 %);
        // a mask that followed the fade would cover a large part of the picture.
        assert!(
            (far as f64) < 0.005 * f64::from(w * h),
            "fading flagged as structure: {far} px"
        );
    }
}
