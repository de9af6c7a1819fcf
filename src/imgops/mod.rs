//! Small float-image operations the pipeline needs at speed: luminance, integer box
//! downsampling, separable Gaussian blur, gradients, bilinear sampling and robust statistics.
//!
//! Written here rather than taken from imageproc because imageproc's blur and resize are
//! single-threaded and work on integer pixels; these run row-parallel with rayon on `f32`
//! planes. No geometry or detection logic lives here.

use image::{GrayImage, ImageBuffer, Luma, RgbImage};
use rayon::prelude::*;

use crate::geometry::Transform;

pub mod fft;
pub mod morph;

pub use morph::{dilate, erode, fill_holes, max_filter, min_filter};

/// A single-channel float image.
pub type GrayF = ImageBuffer<Luma<f32>, Vec<f32>>;

/// Rec. 709 luminance weights of red, green and blue.
pub const REC709: [f32; 3] = [0.2126, 0.7152, 0.0722];

/// Rec. 709 luminance in `0..=1` of an 8-bit RGB image.
#[must_use]
pub fn luma_f32(rgb: &RgbImage) -> GrayF {
    luma_weighted(rgb, &REC709)
}

/// The luminance in `0..=1` of an 8-bit RGB image with the channel weights `mix` (summing
/// to 1).
#[must_use]
pub fn luma_weighted(rgb: &RgbImage, mix: &[f32; 3]) -> GrayF {
    let (w, h) = rgb.dimensions();
    let mut out = GrayF::new(w, h);
    let src = rgb.as_raw();
    out.par_chunks_mut(w as usize)
        .zip(src.par_chunks(w as usize * 3))
        .for_each(|(o, s)| {
            for (v, p) in o.iter_mut().zip(s.as_chunks::<3>().0) {
                *v = (mix[0] * f32::from(p[0])
                    + mix[1] * f32::from(p[1])
                    + mix[2] * f32::from(p[2]))
                    / 255.0;
            }
        });
    out
}

/// Two opponent colour planes (red–green, yellow–blue, in roughly `-1..=1`) of three channel
/// planes in `0..=1`; no data (NaN) in any channel stays no data.
#[must_use]
pub fn opponent(r: &GrayF, g: &GrayF, b: &GrayF) -> (GrayF, GrayF) {
    let mut rg = r.clone();
    let mut yb = r.clone();
    rg.par_iter_mut()
        .zip(yb.par_iter_mut())
        .zip(g.as_raw().par_iter().zip(b.as_raw().par_iter()))
        .for_each(|((o_rg, o_yb), (gv, bv))| {
            let rv = *o_rg;
            *o_rg = rv - gv;
            *o_yb = (rv + gv) / 2.0 - bv;
        });
    (rg, yb)
}

/// Averages `k × k` blocks (area downsampling; also suppresses grain and halftone). The last
/// partial blocks are averaged over the pixels they hold.
#[must_use]
pub fn downsample_box(src: &GrayF, k: u32) -> GrayF {
    if k <= 1 {
        return src.clone();
    }
    let (w, h) = src.dimensions();
    let (ow, oh) = (w.div_ceil(k), h.div_ceil(k));
    let mut out = GrayF::new(ow, oh);
    let s = src.as_raw();
    let (w, h, k) = (w as usize, h as usize, k as usize);
    out.par_chunks_mut(ow as usize)
        .enumerate()
        .for_each(|(oy, row)| {
            let y0 = oy * k;
            let y1 = (y0 + k).min(h);
            row.fill(0.0);
            for y in y0..y1 {
                let line = &s[y * w..(y + 1) * w];
                // The factors the pipeline uses get a block width known at compile time, so
                // the block sums unroll; the sums are taken in the same order either way.
                match k {
                    2 => add_blocks::<2>(row, line),
                    3 => add_blocks::<3>(row, line),
                    4 => add_blocks::<4>(row, line),
                    5 => add_blocks::<5>(row, line),
                    8 => add_blocks::<8>(row, line),
                    _ => {
                        for (o, block) in row.iter_mut().zip(line.chunks(k)) {
                            *o += block.iter().sum::<f32>();
                        }
                    }
                }
            }
            for (ox, o) in row.iter_mut().enumerate() {
                let cols = (w - ox * k).min(k);
                *o /= (cols * (y1 - y0)) as f32;
            }
        });
    out
}

/// Adds the sum of each `K`-pixel block of `line` to `row`, left to right within a block
/// (the last, partial block too), as the generic loop of [`downsample_box`] does.
#[inline]
fn add_blocks<const K: usize>(row: &mut [f32], line: &[f32]) {
    let (whole, rest) = line.as_chunks::<K>();
    for (o, block) in row.iter_mut().zip(whole) {
        *o += block.iter().sum::<f32>();
    }
    if let Some(o) = row.get_mut(whole.len())
        && !rest.is_empty()
    {
        *o += rest.iter().sum::<f32>();
    }
}

/// The red, green and blue planes (in `0..=1`) at the size of [`downsample_box`] by `k`,
/// computed block by block without full-size float planes.
#[must_use]
pub fn downsample_channels(src: &RgbImage, k: u32) -> [GrayF; 3] {
    let k = k.max(1);
    let (w, h) = src.dimensions();
    let (ow, oh) = (w.div_ceil(k), h.div_ceil(k));
    let [mut red, mut green, mut blue] = [0, 1, 2].map(|_| GrayF::new(ow, oh));
    let s = src.as_raw();
    let (w, h, k, owu) = (w as usize, h as usize, k as usize, ow as usize);
    red.par_chunks_mut(owu)
        .zip(green.par_chunks_mut(owu).zip(blue.par_chunks_mut(owu)))
        .enumerate()
        .for_each_init(
            || vec![[0u32; 3]; owu],
            |acc, (oy, (r_row, (g_row, b_row)))| {
                let (y0, y1) = (oy * k, (oy * k + k).min(h));
                rgb_block_row(s, w, k, y0..y1, acc);
                for (ox, (a, (r, (g, b)))) in acc
                    .iter()
                    .zip(r_row.iter_mut().zip(g_row.iter_mut().zip(b_row.iter_mut())))
                    .enumerate()
                {
                    let n = ((w - ox * k).min(k) * (y1 - y0)) as f32 * 255.0;
                    (*r, *g, *b) = (a[0] as f32 / n, a[1] as f32 / n, a[2] as f32 / n);
                }
            },
        );
    [red, green, blue]
}

/// `src` reduced by the box factor `k`: each pixel the rounded mean of a `k`×`k` block, the
/// blocks of the last row and column cut short where the image ends (as a JPEG decoded at
/// `1/k` scale has them).
#[must_use]
pub fn reduce_rgb(src: &RgbImage, k: u32) -> RgbImage {
    let k = k.max(1);
    if k == 1 {
        return src.clone();
    }
    let (w, h) = src.dimensions();
    let (ow, oh) = (w.div_ceil(k), h.div_ceil(k));
    let mut out = RgbImage::new(ow, oh);
    let s = src.as_raw();
    let (w, h, k, owu) = (w as usize, h as usize, k as usize, ow as usize);
    out.par_chunks_mut(owu * 3).enumerate().for_each_init(
        || vec![[0u32; 3]; owu],
        |acc, (oy, row)| {
            let (y0, y1) = (oy * k, (oy * k + k).min(h));
            rgb_block_row(s, w, k, y0..y1, acc);
            for (ox, (a, p)) in acc.iter().zip(row.chunks_exact_mut(3)).enumerate() {
                let n = ((w - ox * k).min(k) * (y1 - y0)) as u32;
                for c in 0..3 {
                    // A mean of bytes is a byte.
                    p[c] = u8::try_from((a[c] + n / 2) / n).unwrap_or(u8::MAX);
                }
            }
        },
    );
    out
}

/// The sums of each `k`-wide block of RGB pixels over the rows `rows` of the raster `s` (`w`
/// pixels wide), one per output column, into `acc`. Integer sums are exact, so the unrolled
/// block widths the pipeline uses give the same sums as the generic loop.
fn rgb_block_row(s: &[u8], w: usize, k: usize, rows: std::ops::Range<usize>, acc: &mut [[u32; 3]]) {
    acc.fill([0; 3]);
    for y in rows {
        let line = &s[y * w * 3..(y + 1) * w * 3];
        match k {
            2 => add_rgb_blocks::<6>(acc, line),
            3 => add_rgb_blocks::<9>(acc, line),
            4 => add_rgb_blocks::<12>(acc, line),
            5 => add_rgb_blocks::<15>(acc, line),
            _ => {
                for (a, block) in acc.iter_mut().zip(line.chunks(k * 3)) {
                    for p in block.chunks_exact(3) {
                        add_rgb(a, p);
                    }
                }
            }
        }
    }
}

/// Adds one RGB pixel to a running sum.
#[inline]
fn add_rgb(acc: &mut [u32; 3], p: &[u8]) {
    acc[0] += u32::from(p[0]);
    acc[1] += u32::from(p[1]);
    acc[2] += u32::from(p[2]);
}

/// Adds each block of `B` bytes (`B / 3` RGB pixels) of `line` to its running sum in `acc`, the
/// last, partial block too.
#[inline]
fn add_rgb_blocks<const B: usize>(acc: &mut [[u32; 3]], line: &[u8]) {
    let (whole, rest) = line.as_chunks::<B>();
    for (a, block) in acc.iter_mut().zip(whole) {
        for p in block.chunks_exact(3) {
            add_rgb(a, p);
        }
    }
    if let Some(a) = acc.get_mut(whole.len()) {
        for p in rest.chunks_exact(3) {
            add_rgb(a, p);
        }
    }
}

/// The transform from full-resolution pixel coordinates to those of an image box-downsampled
/// by `k` (pixel centres at integers in both).
#[must_use]
pub fn level_from_full(k: u32) -> Transform {
    let k = f64::from(k.max(1));
    let c = 0.5 / k - 0.5;
    Transform::from_rows([[1.0 / k, 0.0, c], [0.0, 1.0 / k, c], [0.0, 0.0, 1.0]])
}

fn gaussian_kernel(sigma: f32) -> Vec<f32> {
    let radius = (sigma * 3.0).ceil().max(1.0) as usize;
    let mut k: Vec<f32> = (0..=2 * radius)
        .map(|i| {
            let d = i as f32 - radius as f32;
            (-d * d / (2.0 * sigma * sigma)).exp()
        })
        .collect();
    let sum: f32 = k.iter().sum();
    for v in &mut k {
        *v /= sum;
    }
    k
}

/// Separable Gaussian blur with edge clamping, row-parallel. `sigma <= 0` returns a copy.
///
/// Each row is padded once with its clamped edge values, so the inner loops carry no bounds
/// logic and vectorise; the cost grows with the kernel's width (`6σ`), so wide blurs of large
/// images should use [`gaussian_blur_smooth`].
#[must_use]
pub fn gaussian_blur(src: &GrayF, sigma: f32) -> GrayF {
    if sigma <= 0.0 {
        return src.clone();
    }
    let kernel = gaussian_kernel(sigma);
    let r = kernel.len() / 2;
    let (w, h) = src.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    if wu == 0 || hu == 0 {
        return src.clone();
    }
    let s = src.as_raw();
    let mut tmp = vec![0.0f32; wu * hu];
    tmp.par_chunks_mut(wu).enumerate().for_each_init(
        || vec![0.0f32; wu + 2 * r],
        |padded, (y, row)| {
            let line = &s[y * wu..(y + 1) * wu];
            padded[..r].fill(line[0]);
            padded[r..r + wu].copy_from_slice(line);
            padded[r + wu..].fill(line[wu - 1]);
            weighted_sum(row, &kernel, |i| &padded[i..i + wu]);
        },
    );
    let mut out = GrayF::new(w, h);
    out.par_chunks_mut(wu).enumerate().for_each(|(y, row)| {
        weighted_sum(row, &kernel, |i| {
            let yy = (y + i).saturating_sub(r).min(hu - 1);
            &tmp[yy * wu..(yy + 1) * wu]
        });
    });
    out
}

/// `out[x] = Σᵢ kernel[i] · tap(i)[x]`, summed in the order of the taps from zero, as a plain
/// loop over the taps would; each run of [`SUM_LANES`] outputs is accumulated in registers
/// over all the taps and stored once, instead of being loaded and stored again for every tap.
fn weighted_sum<'a>(out: &mut [f32], kernel: &[f32], tap: impl Fn(usize) -> &'a [f32]) {
    let mut chunks = out.chunks_exact_mut(SUM_LANES);
    let mut x0 = 0;
    for chunk in &mut chunks {
        let mut acc = [0.0f32; SUM_LANES];
        for (i, kv) in kernel.iter().enumerate() {
            let src = &tap(i)[x0..x0 + SUM_LANES];
            for (a, v) in acc.iter_mut().zip(src) {
                *a += kv * v;
            }
        }
        chunk.copy_from_slice(&acc);
        x0 += SUM_LANES;
    }
    let rest = chunks.into_remainder();
    rest.fill(0.0);
    for (i, kv) in kernel.iter().enumerate() {
        for (o, v) in rest.iter_mut().zip(&tap(i)[x0..]) {
            *o += kv * v;
        }
    }
}

/// Outputs accumulated together by [`weighted_sum`]: two or four vector registers' worth.
const SUM_LANES: usize = 16;

/// A wide Gaussian blur computed on a reduced copy: the image is box-downsampled so that the
/// blur spans at least four reduced pixels, blurred there, and brought back by bilinear
/// interpolation. The result is smooth by construction and differs from [`gaussian_blur`] by
/// well under a percent of the signal's range for `sigma ≥ 8`; the cost no longer grows with
/// `sigma`. Meant for smooth components (illumination, high-pass filters), not for detail.
#[must_use]
pub fn gaussian_blur_smooth(src: &GrayF, sigma: f32) -> GrayF {
    let k = (sigma / 4.0).floor().max(1.0) as u32;
    if k <= 1 {
        return gaussian_blur(src, sigma);
    }
    let (w, h) = src.dimensions();
    let kf = k as f32;
    // Box averaging adds (k² − 1)/12 of variance and bilinear interpolation about k²/6 (both
    // in full pixels); the reduced blur supplies the rest.
    let rest = (sigma * sigma - (kf * kf - 1.0) / 12.0 - kf * kf / 6.0).max(0.25);
    let small = gaussian_blur(&downsample_box(src, k), rest.sqrt() / kf);
    upsample_bilinear(&small, k, w, h)
}

/// Bilinear upsampling of an image box-downsampled by `k` back to `width × height`, with the
/// pixel-centre convention of [`level_from_full`].
#[must_use]
pub fn upsample_bilinear(small: &GrayF, k: u32, width: u32, height: u32) -> GrayF {
    let (sw, sh) = (small.width() as usize, small.height() as usize);
    let mut out = GrayF::new(width, height);
    if sw == 0 || sh == 0 {
        return out;
    }
    let kf = k.max(1) as f32;
    let c = 0.5 / kf - 0.5;
    let s = small.as_raw();
    // Horizontal sampling positions are the same for every row.
    let xs: Vec<(usize, usize, f32)> = (0..width as usize)
        .map(|x| {
            let u = (x as f32 / kf + c).clamp(0.0, (sw - 1) as f32);
            let x0 = u as usize;
            (x0, (x0 + 1).min(sw - 1), u - x0 as f32)
        })
        .collect();
    out.par_chunks_mut(width as usize)
        .enumerate()
        .for_each(|(y, row)| {
            let v = (y as f32 / kf + c).clamp(0.0, (sh - 1) as f32);
            let y0 = v as usize;
            let y1 = (y0 + 1).min(sh - 1);
            let fy = v - y0 as f32;
            let (r0, r1) = (&s[y0 * sw..(y0 + 1) * sw], &s[y1 * sw..(y1 + 1) * sw]);
            for (o, &(x0, x1, fx)) in row.iter_mut().zip(&xs) {
                let top = r0[x0] + (r0[x1] - r0[x0]) * fx;
                let bot = r1[x0] + (r1[x1] - r1[x0]) * fx;
                *o = top + (bot - top) * fy;
            }
        });
    out
}

/// Central-difference gradients `(d/dx, d/dy)`.
#[must_use]
pub fn gradients(src: &GrayF) -> (GrayF, GrayF) {
    let (w, h) = src.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let s = src.as_raw();
    let mut gx = GrayF::new(w, h);
    let mut gy = GrayF::new(w, h);
    gx.par_chunks_mut(wu)
        .zip(gy.par_chunks_mut(wu))
        .enumerate()
        .for_each(|(y, (rx, ry))| {
            let up = y.saturating_sub(1);
            let dn = (y + 1).min(hu - 1);
            for x in 0..wu {
                let l = x.saturating_sub(1);
                let r = (x + 1).min(wu - 1);
                rx[x] = (s[y * wu + r] - s[y * wu + l]) / (r - l).max(1) as f32;
                ry[x] = (s[dn * wu + x] - s[up * wu + x]) / (dn - up).max(1) as f32;
            }
        });
    (gx, gy)
}

/// `img` resampled to `width × height` by bilinear interpolation at the positions
/// `((x + 0.5) / s − 0.5, (y + 0.5) / s − 0.5)`, the pixel-centre convention of a level scaled
/// by `s`; positions outside the image give 0. Each value is exactly what [`sample`] returns
/// there, but the columns' neighbours and weights are found once for all rows.
#[must_use]
pub fn resample_scaled(img: &GrayF, s: f32, width: u32, height: u32) -> GrayF {
    let (w, h) = img.dimensions();
    let mut out = GrayF::new(width, height);
    if w == 0 || h == 0 || s <= 0.0 {
        return out;
    }
    let at = |p: u32| (p as f32 + 0.5) / s - 0.5;
    // A column's neighbours and weight, as `Bilinear::at` finds them for any row.
    let columns: Vec<Option<Bilinear>> =
        (0..width).map(|x| Bilinear::at(w, 1, at(x), 0.0)).collect();
    let src = img.as_raw();
    out.par_chunks_mut(width as usize)
        .enumerate()
        .for_each(|(y, row)| {
            let Some(r) = Bilinear::at(1, h, 0.0, at(y as u32)) else {
                return;
            };
            // A one-pixel-wide plane's corners are row numbers: top, top, bottom, bottom.
            let (top, bottom) = (r.corners[0] * w as usize, r.corners[2] * w as usize);
            let (t, b) = (&src[top..], &src[bottom..]);
            for (o, c) in row.iter_mut().zip(&columns) {
                if let Some(c) = c {
                    // A one-pixel-high plane's corners are columns: left, right, left, right.
                    let [x0, x1, ..] = c.corners;
                    *o = bilerp([t[x0], t[x1], b[x0], b[x1]], c.fx, r.fy);
                }
            }
        });
    out
}

/// Running sums for the Pearson correlation of paired values.
#[derive(Clone, Copy, Debug, Default)]
pub struct Correlation {
    n: f64,
    sx: f64,
    sy: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
}

impl Correlation {
    /// Adds one pair.
    #[inline]
    pub fn add(&mut self, x: f64, y: f64) {
        self.n += 1.0;
        self.sx += x;
        self.sy += y;
        self.sxx += x * x;
        self.syy += y * y;
        self.sxy += x * y;
    }

    /// How many pairs were added.
    #[must_use]
    pub fn count(&self) -> f64 {
        self.n
    }

    /// The correlation coefficient, or `None` when either side has (almost) no variance.
    #[must_use]
    pub fn coefficient(&self) -> Option<f64> {
        let n = self.n.max(1.0);
        let cov = self.sxy / n - self.sx / n * self.sy / n;
        let vx = self.sxx / n - (self.sx / n).powi(2);
        let vy = self.syy / n - (self.sy / n).powi(2);
        (vx > 1e-12 && vy > 1e-12).then(|| cov / (vx * vy).sqrt())
    }
}

/// Bilinear sample at `(x, y)`; `None` outside the image.
#[inline]
#[must_use]
pub fn sample(img: &GrayF, x: f32, y: f32) -> Option<f32> {
    Some(Bilinear::at(img.width(), img.height(), x, y)?.of(img))
}

/// The bilinear blend of four neighbours `[top left, top right, bottom left, bottom right]` at
/// the fractions `fx` across and `fy` down: the one interpolation formula every sampler of
/// the crate uses, in `f32` on pictures and in `f64` on spectra.
#[inline]
pub fn bilerp<T>(corners: [T; 4], fx: T, fy: T) -> T
where
    T: Copy + std::ops::Add<Output = T> + std::ops::Sub<Output = T> + std::ops::Mul<Output = T>,
{
    let [a, b, c, d] = corners;
    let top = a + (b - a) * fx;
    let bot = c + (d - c) * fx;
    top + (bot - top) * fy
}

/// Where a bilinear sample falls: the four neighbouring pixels (indices into a row-major
/// raster) and the fractions between them. Callers that sample several planes of the same
/// size at one point (an image and its gradients, three colour channels) find it once; each
/// plane's value is then exactly what [`sample`] returns. This is the one bilinear sampler:
/// analysis, warping and the generated test pictures all go through it.
#[derive(Clone, Copy, Debug)]
pub struct Bilinear {
    corners: [usize; 4],
    fx: f32,
    fy: f32,
}

impl Bilinear {
    /// The sample at `(x, y)` in a `width × height` plane; `None` outside the pixel centres'
    /// hull.
    #[inline]
    #[must_use]
    pub fn at(width: u32, height: u32, x: f32, y: f32) -> Option<Bilinear> {
        let (w, h) = (width as usize, height as usize);
        if !(x >= 0.0 && y >= 0.0 && x <= (w - 1) as f32 && y <= (h - 1) as f32) {
            return None;
        }
        let x0 = x as usize;
        let y0 = y as usize;
        let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
        Some(Bilinear {
            corners: [y0 * w + x0, y0 * w + x1, y1 * w + x0, y1 * w + x1],
            fx: x - x0 as f32,
            fy: y - y0 as f32,
        })
    }

    /// The sample at `(x, y)` in a `w × h` raster, for resampling: a position up to half a
    /// pixel beyond the outer pixel centres (still inside the outer pixels) takes the edge
    /// pixel's value; `None` farther out.
    #[inline]
    #[must_use]
    pub fn within_pixels(w: usize, h: usize, x: f64, y: f64) -> Option<Bilinear> {
        if !(x >= -0.5 && y >= -0.5 && x <= w as f64 - 0.5 && y <= h as f64 - 0.5) {
            return None;
        }
        let x = x.clamp(0.0, (w - 1) as f64);
        let y = y.clamp(0.0, (h - 1) as f64);
        let (x0, y0) = (x.floor() as usize, y.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
        Some(Bilinear {
            corners: [y0 * w + x0, y0 * w + x1, y1 * w + x0, y1 * w + x1],
            fx: (x - x0 as f64) as f32,
            fy: (y - y0 as f64) as f32,
        })
    }

    /// The interpolated value, reading raster pixel `i` with `p`.
    #[inline]
    pub fn blend(&self, p: impl Fn(usize) -> f32) -> f32 {
        bilerp(self.corners.map(p), self.fx, self.fy)
    }

    /// The interpolated value of `img`, which must have the size given to [`Bilinear::at`].
    #[inline]
    #[must_use]
    pub fn of(&self, img: &GrayF) -> f32 {
        let s = img.as_raw();
        self.blend(|i| s[i])
    }
}

/// Blur scale (in pixels of a level downsampled by `k`) that removes a dot screen of the given
/// period (in full-resolution pixels): the screen frequency is attenuated below 0.3 %.
#[must_use]
pub fn descreen_sigma(period_px: Option<f32>, k: u32) -> f32 {
    period_px.map_or(0.0, |p| 0.55 * p / k.max(1) as f32)
}

/// The median absolute deviation of normally distributed values times this is their standard
/// deviation (`1 / Φ⁻¹(3/4)`).
pub const MAD_TO_SIGMA: f64 = 1.4826;

/// Tukey's biweight cut-off in units of the residuals' standard deviation: 95 % efficiency on
/// normal residuals, and residuals beyond it (an erased figure's) weigh nothing.
pub const TUKEY_C: f64 = 4.685;

/// Median of a slice (reorders it); `0` for an empty slice.
#[must_use]
pub fn median(values: &mut [f32]) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    let mid = values.len() / 2;
    let (_, m, _) = values.select_nth_unstable_by(mid, f32::total_cmp);
    *m
}

/// The `q`-quantile (0..=1) of a slice (reorders it); `0` for an empty slice.
#[must_use]
pub fn quantile(values: &mut [f32], q: f32) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    let i = ((values.len() - 1) as f32 * q.clamp(0.0, 1.0)).round() as usize;
    let (_, m, _) = values.select_nth_unstable_by(i, f32::total_cmp);
    *m
}

/// Median and median absolute deviation (unscaled) of a slice.
#[must_use]
pub fn median_mad(values: &[f32]) -> (f32, f32) {
    let mut v = values.to_vec();
    let m = median(&mut v);
    for x in &mut v {
        *x = (*x - m).abs();
    }
    (m, median(&mut v))
}

/// Converts a `0..=1` float plane to 8-bit.
#[must_use]
pub fn to_u8(src: &GrayF) -> GrayImage {
    let (w, h) = src.dimensions();
    GrayImage::from_raw(
        w,
        h,
        src.as_raw()
            .iter()
            .map(|v| (v * 255.0).round().clamp(0.0, 255.0) as u8)
            .collect(),
    )
    .unwrap_or_else(|| GrayImage::new(w, h))
}

/// Detects a printing dot screen (halftone) and returns its period in pixels.
///
/// A halftone shows in the amplitude spectrum as isolated peaks far above the smooth fall-off
/// of a photograph. The central `512 × 512` crop is windowed and transformed; for each ring of
/// frequencies with a period between 2.5 and 24 pixels the strongest coefficient is compared
/// with the ring's median, and a ratio above 12 counts as a screen when the same frequency
/// also stands out a quarter turn away (a lattice of dots, not lines of text). A screen must
/// also be fine beside the picture, at least [`MIN_SCREEN_PERIODS`] periods along its longer
/// side. Returns `None` for continuous-tone images.
#[must_use]
pub fn halftone_period(img: &GrayF) -> Option<f32> {
    use rustfft::num_complex::Complex;
    const N: usize = 512;
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w < 128 || h < 128 {
        return None;
    }
    let (cw, ch) = (w.min(N), h.min(N));
    let (x0, y0) = ((w - cw) / 2, (h - ch) / 2);
    let s = img.as_raw();
    let mut mean = 0.0f32;
    for y in 0..ch {
        for x in 0..cw {
            mean += s[(y0 + y) * w + x0 + x];
        }
    }
    mean /= (cw * ch) as f32;
    let mut data = vec![Complex::new(0.0f32, 0.0); N * N];
    for y in 0..ch {
        let wy = 0.5 - 0.5 * (std::f32::consts::TAU * y as f32 / ch as f32).cos();
        for x in 0..cw {
            let wx = 0.5 - 0.5 * (std::f32::consts::TAU * x as f32 / cw as f32).cos();
            data[y * N + x] = Complex::new((s[(y0 + y) * w + x0 + x] - mean) * wx * wy, 0.0);
        }
    }
    fft::fft2(&mut data, N, N, false);
    let (r_min, r_max) = ((N as f32 / 24.0) as usize, (N as f32 / 2.5) as usize);
    // JPEG's 8×8 blocks put peaks on multiples of N/8 along both axes: not a screen. Within
    // `reach` frequencies of one of them, a coefficient is on the grid.
    let near_block_grid = |v: i64, reach: i64| {
        let m = v.rem_euclid(64);
        m <= reach || m >= 64 - reach
    };
    let mut rings: Vec<Vec<f32>> = vec![Vec::new(); r_max + 1];
    // The strongest coefficient of each ring and where it is.
    let mut peaks: Vec<(f32, usize, f32)> = vec![(0.0, 0, 0.0); r_max + 1];
    for y in 0..N {
        let fy = if y > N / 2 {
            y as f32 - N as f32
        } else {
            y as f32
        };
        for x in 0..N / 2 {
            let r = (x as f32).hypot(fy).round() as usize;
            if near_block_grid(x as i64, 1) && near_block_grid(fy as i64, 1) {
                continue;
            }
            if r >= 1 && r <= r_max {
                let a = data[y * N + x].norm();
                rings[r].push(a);
                if a > peaks[r].0 {
                    peaks[r] = (a, x, fy);
                }
            }
        }
    }
    // The amplitude around frequency `(x, fy)` scaled by `f`: the largest in a 3×3
    // neighbourhood, on the half-plane that was transformed (mirrored through the origin).
    let around = |x: usize, fy: f32, f: f32| -> f32 {
        let (cx, cy) = ((x as f32 * f).round() as i64, (fy * f).round() as i64);
        let mut best = 0.0f32;
        for dy in -1..=1 {
            for dx in -1..=1 {
                let (mut u, mut v) = (cx + dx, cy + dy);
                if u < 0 {
                    (u, v) = (-u, -v);
                }
                let row = v.rem_euclid(N as i64) as usize;
                if (u as usize) < N {
                    best = best.max(data[row * N + u as usize].norm());
                }
            }
        }
        best
    };
    // Each ring's median amplitude, the level of the picture's own content at that frequency.
    let medians: Vec<f32> = rings
        .iter_mut()
        .map(|ring| {
            if ring.len() < 16 {
                f32::NAN
            } else {
                median(ring).max(1e-9)
            }
        })
        .collect();
    let mut best: Option<(f32, usize)> = None;
    for (r, &med) in medians.iter().enumerate().skip(r_min) {
        if med.is_nan() {
            continue;
        }
        let (peak, px, pfy) = peaks[r];
        let ratio = peak / med;
        // A screen's peak stands alone along its own direction too; a straight edge in a smooth
        // picture (a horizon, the border of the scanner's lid) puts a ridge through the origin
        // whose amplitude falls off steadily with frequency, and its strongest point in any
        // ring is no higher than the same ridge a quarter nearer the origin.
        let isolated = peak > 2.0 * around(px, pfy, 0.75).max(around(px, pfy, 1.33));
        // A dot screen is a lattice: the same frequency stands out a quarter turn away too.
        // Lines of text, rows of bricks or the slats of a fence repeat along one direction
        // only, and blurring them as a screen would wipe out the picture's detail.
        let turned = if pfy <= 0.0 {
            around((-pfy) as usize, px as f32, 1.0)
        } else {
            around(pfy as usize, -(px as f32), 1.0)
        };
        let lattice = turned > 0.25 * peak && turned > 6.0 * med;
        // A screen's dots are its coarsest pattern: nothing stands out at a half, a third …
        // of its frequency. A pattern of the scene with sharp edges (bricks, tiles, a grid of
        // windows) has harmonics, and the coarser period it really has stands out below them.
        let fundamental = || {
            (2..=7).all(|n| {
                let f = 1.0 / n as f32;
                let (u, v) = ((px as f32 * f).round() as i64, (pfy * f).round() as i64);
                // The probe's 3×3 neighbourhood must keep clear of JPEG's block peaks, which
                // the rings leave out within a frequency of the grid.
                if near_block_grid(u, 2) && near_block_grid(v, 2) {
                    return true;
                }
                let rb = (u as f32).hypot(v as f32).round() as usize;
                let Some(&level) = medians.get(rb).filter(|m| !m.is_nan()) else {
                    return true;
                };
                let below = around(px, pfy, f);
                // A straight edge's ridge through the origin is strong at low frequencies
                // without standing out along its radius; a coarser lattice's peak stands alone.
                let alone = below > 2.0 * around(px, pfy, 0.7 * f).max(around(px, pfy, 1.4 * f));
                below < 0.05 * peak || below <= 6.0 * level || !alone
            })
        };
        if ratio > 12.0
            && isolated
            && lattice
            && best.is_none_or(|(b, _)| ratio > b)
            && fundamental()
        {
            best = Some((ratio, r));
        }
    }
    best.map(|(_, r)| N as f32 / r as f32)
        .filter(|period| w.max(h) as f32 >= MIN_SCREEN_PERIODS * period)
}

/// The fewest periods of a halftone screen along a picture's longer side. The coarsest
/// screens in print (newspapers, 50 to 65 lines an inch) still give a picture of two inches
/// a hundred or more; a lattice much coarser than that beside the picture is its subject (a
/// brick wall, a tiled floor, a window grid), and blurring it as a screen wipes out every
/// detail the alignment and the comparison need.
pub const MIN_SCREEN_PERIODS: f32 = 40.0;

/// Halftone screen periods of both images, each in its own pixels (measured once per pair).
#[must_use]
pub fn screen_periods(lb: &GrayF, la: &GrayF) -> [Option<f32>; 2] {
    let (b, a) = rayon::join(|| halftone_period(lb), || halftone_period(la));
    [b, a]
}

/// Upsamples a working-resolution mask to `size` by bilinear interpolation at 0.5.
#[must_use]
pub fn upsample_mask(mask: &GrayImage, k: u32, size: (u32, u32)) -> GrayImage {
    let mut out = GrayImage::new(size.0, size.1);
    upsample_mask_rows(mask, k, size, 0, &mut out);
    out
}

/// The rows of [`upsample_mask`] from `first_row` on, as many as `out` holds (`size.0` bytes
/// each): a band of the full-size mask, so that a large one can be encoded without being
/// held whole.
pub fn upsample_mask_rows(
    mask: &GrayImage,
    k: u32,
    size: (u32, u32),
    first_row: u32,
    out: &mut [u8],
) {
    let (mw, mh) = mask.dimensions();
    if mw == 0 || mh == 0 || size.0 == 0 {
        out.fill(0);
        return;
    }
    let kf = k.max(1) as f32;
    let c = 0.5 / kf - 0.5;
    let m = mask.as_raw();
    let mwu = mw as usize;
    // Horizontal sampling positions are the same for every row.
    let xs: Vec<(usize, usize, f32)> = (0..size.0 as usize)
        .map(|x| {
            let wx = (x as f32 / kf + c).clamp(0.0, (mw - 1) as f32);
            let x0 = wx as usize;
            (x0, (x0 + 1).min(mwu - 1), wx - x0 as f32)
        })
        .collect();
    out.par_chunks_mut(size.0 as usize)
        .enumerate()
        .for_each(|(i, row)| {
            row.fill(0);
            let y = first_row as usize + i;
            let wy = (y as f32 / kf + c).clamp(0.0, (mh - 1) as f32);
            let y0 = wy as usize;
            let y1 = (y0 + 1).min(mh as usize - 1);
            let fy = wy - y0 as f32;
            let (r0, r1) = (&m[y0 * mwu..(y0 + 1) * mwu], &m[y1 * mwu..(y1 + 1) * mwu]);
            for (o, &(x0, x1, fx)) in row.iter_mut().zip(&xs) {
                let (a, b, cc, d) = (r0[x0], r0[x1], r1[x0], r1[x1]);
                // Inside or outside a region (the common case) there is nothing to blend.
                if a == b && cc == d && a == cc {
                    *o = if a >= 128 { 255 } else { 0 };
                    continue;
                }
                let corners = [a, b, cc, d].map(f32::from);
                if bilerp(corners, fx, fy) >= 127.5 {
                    *o = 255;
                }
            }
        });
}

/// A colour for a strength value: dark blue (none) through yellow to red (three times the
/// threshold or more).
#[must_use]
pub fn heat_colour(strength: f32) -> [u8; 3] {
    let t = (strength / 3.0).clamp(0.0, 1.0);
    let stops: [(f32, [f32; 3]); 5] = [
        (0.0, [20.0, 24.0, 60.0]),
        (0.2, [40.0, 80.0, 160.0]),
        (0.333, [60.0, 170.0, 170.0]),
        (0.6, [250.0, 210.0, 60.0]),
        (1.0, [220.0, 30.0, 30.0]),
    ];
    for win in stops.windows(2) {
        let ((t0, c0), (t1, c1)) = (win[0], win[1]);
        if t <= t1 {
            let f = (t - t0) / (t1 - t0);
            return [
                (c0[0] + (c1[0] - c0[0]) * f) as u8,
                (c0[1] + (c1[1] - c0[1]) * f) as u8,
                (c0[2] + (c1[2] - c0[2]) * f) as u8,
            ];
        }
    }
    [220, 30, 30]
}

/// The picture's extent inside a scan: `[x0, y0, x1, y1]` (inclusive) after trimming uniform
/// borders — a white paper margin, the scanner's lid, a black background — from each side.
/// A row or column is border while it is nearly uniform (standard deviation under 0.02) and
/// close to the outermost line's mean. At most a quarter of each side is trimmed.
#[must_use]
pub fn content_box(img: &GrayF) -> [u32; 4] {
    let (w, h) = img.dimensions();
    let s = img.as_raw();
    let (wu, hu) = (w as usize, h as usize);
    let stats = |vals: &mut dyn Iterator<Item = f32>| -> (f32, f32) {
        let (mut n, mut sum, mut sq) = (0.0f32, 0.0f32, 0.0f32);
        for v in vals {
            n += 1.0;
            sum += v;
            sq += v * v;
        }
        let mean = sum / n.max(1.0);
        (mean, (sq / n.max(1.0) - mean * mean).max(0.0).sqrt())
    };
    let row = |y: usize| stats(&mut s[y * wu..(y + 1) * wu].iter().copied());
    let col = |x: usize| stats(&mut (0..hu).map(|y| s[y * wu + x]));
    let trim = |n: usize, line: &dyn Fn(usize) -> (f32, f32), rev: bool| -> usize {
        let at = |i: usize| if rev { n - 1 - i } else { i };
        let (edge_mean, edge_std) = line(at(0));
        if edge_std > 0.02 {
            return 0;
        }
        let mut i = 0;
        while i < n / 4 {
            let (m, sd) = line(at(i));
            if sd > 0.02 || (m - edge_mean).abs() > 0.05 {
                break;
            }
            i += 1;
        }
        i
    };
    let top = trim(hu, &row, false);
    let bottom = trim(hu, &row, true);
    let left = trim(wu, &col, false);
    let right = trim(wu, &col, true);
    [
        left as u32,
        top as u32,
        (wu - 1 - right) as u32,
        (hu - 1 - bottom) as u32,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The row-wise resampling gives exactly the values of [`sample`] at the same positions.
    #[test]
    fn resample_scaled_is_sample_at_level_centres() {
        let img = GrayF::from_fn(53, 37, |x, y| {
            image::Luma([((x * 7 + y * 11) % 13) as f32 / 13.0])
        });
        for s in [std::f32::consts::FRAC_1_SQRT_2, 0.5, 1.3] {
            let (lw, lh) = ((53.0 * s) as u32, (37.0 * s) as u32);
            let level = resample_scaled(&img, s, lw, lh);
            for (x, y, p) in level.enumerate_pixels() {
                let (u, v) = ((x as f32 + 0.5) / s - 0.5, (y as f32 + 0.5) / s - 0.5);
                assert_eq!(p[0], sample(&img, u, v).unwrap_or(0.0), "{s} at {x},{y}");
            }
        }
    }

    /// A dot screen of period 6 px at 30° over a soft gradient is found at one of its lattice
    /// periods: 6 px along the screen's axes, or 6/√2 along its diagonals, where cos·cos
    /// puts its fundamental.
    #[test]
    fn halftone_screen_is_found_at_its_period() {
        let (c, s) = (30f32.to_radians().cos(), 30f32.to_radians().sin());
        let img = GrayF::from_fn(600, 500, |x, y| {
            let (xf, yf) = (x as f32, y as f32);
            let tone = 0.3 + 0.4 * xf / 600.0;
            let (u, v) = ((c * xf + s * yf) / 6.0, (-s * xf + c * yf) / 6.0);
            let dot = (std::f32::consts::TAU * u).cos() * (std::f32::consts::TAU * v).cos();
            image::Luma([if dot * 0.5 + 0.5 < tone { 0.0 } else { 1.0 }])
        });
        let p = halftone_period(&img).expect("a screen");
        let diagonal = 6.0 / std::f32::consts::SQRT_2;
        assert!(
            (p - 6.0).abs() < 0.4 || (p - diagonal).abs() < 0.3,
            "period {p}"
        );
    }

    /// A smooth picture with one sharp straight edge across it (a horizon against a tilted
    /// scanner-lid border) has no screen, though the edge's spectrum stands far above the
    /// median of every ring.
    #[test]
    fn a_straight_edge_in_a_smooth_picture_is_not_a_screen() {
        let img = GrayF::from_fn(600, 500, |x, y| {
            let (xf, yf) = (x as f32, y as f32);
            let edge = if yf > 250.0 + 0.2 * xf { 0.25 } else { 0.0 };
            let blob = 0.2 * (-((xf - 200.0).powi(2) + (yf - 150.0).powi(2)) / 8000.0).exp();
            image::Luma([0.4 + 0.3 * yf / 500.0 + edge + blob])
        });
        assert_eq!(halftone_period(&img), None);
    }

    /// Lines of text repeat down the page at one period, as sharply as any screen, but along
    /// one direction only: not a screen, or the blur against it would wipe out the letters.
    #[test]
    fn lines_of_text_are_not_a_screen() {
        let img = GrayF::from_fn(600, 500, |x, y| {
            let in_line = y % 19 < 9;
            // Letters: dark strokes at irregular places along each line.
            let mut h = x / 3 + 1000 * (y / 19);
            for _ in 0..2 {
                h = ((h >> 16) ^ h).wrapping_mul(0x045d_9f3b);
            }
            let stroke = ((h >> 16) ^ h) % 16 < 6;
            image::Luma([if in_line && stroke { 0.1 } else { 0.9 }])
        });
        assert_eq!(halftone_period(&img), None);
    }

    /// A brick wall fills the picture with a lattice as regular as a screen's (bricks 19 px
    /// wide and 57 px tall, every other course shifted by half a brick, so that the coarsest
    /// pattern runs along the diagonals, 13.5 px apart), but a coarse one: 38 periods across a
    /// 512 px picture. It is the subject, not a screen.
    #[test]
    fn a_brick_wall_is_not_a_screen() {
        let wall = |x: u32, y: u32| {
            let (bw, bh) = (19, 57);
            let course = y / bh;
            let shifted = x + (course % 2) * bw / 2;
            let mortar = y % bh < 5 || shifted % bw < 5;
            let grain = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 13) as f32 / 400.0;
            image::Luma([if mortar { 0.7 } else { 0.35 + grain }])
        };
        let near = GrayF::from_fn(512, 512, wall);
        assert_eq!(halftone_period(&near), None);
    }

    /// A dot screen, like the one [`halftone_screen_is_found_at_its_period`] finds, whose dots
    /// lie 16/√2 px apart along its diagonals: 28 periods across a picture of 320 is a
    /// pattern of the scene, not a screen. Across a picture of 1200 it is one.
    #[test]
    fn a_screen_coarse_beside_the_picture_is_not_a_screen() {
        let dots = |w: u32, h: u32| {
            GrayF::from_fn(w, h, |x, y| {
                let (u, v) = (x as f32 / 16.0, y as f32 / 16.0);
                let dot = (std::f32::consts::TAU * u).cos() * (std::f32::consts::TAU * v).cos();
                image::Luma([if dot * 0.5 + 0.5 < 0.4 { 0.0 } else { 1.0 }])
            })
        };
        assert_eq!(halftone_period(&dots(320, 256)), None);
        let p = halftone_period(&dots(1200, 900)).expect("a screen");
        assert!(
            (p - 16.0 / std::f32::consts::SQRT_2).abs() < 0.6,
            "period {p}"
        );
    }

    #[test]
    fn box_downsample_averages_blocks() {
        let img = GrayF::from_fn(4, 2, |x, _| image::Luma([x as f32]));
        let d = downsample_box(&img, 2);
        assert_eq!(d.dimensions(), (2, 1));
        assert!((d.get_pixel(0, 0)[0] - 0.5).abs() < 1e-6);
        assert!((d.get_pixel(1, 0)[0] - 2.5).abs() < 1e-6);
    }

    #[test]
    fn channel_planes_of_blocks_match_the_full_planes_reduced() {
        let rgb = RgbImage::from_fn(13, 7, |x, y| {
            image::Rgb([
                (x * 19 % 256) as u8,
                (y * 37 % 256) as u8,
                ((x * y) % 256) as u8,
            ])
        });
        for k in [1, 2, 3, 4, 5, 6] {
            let reduced = downsample_channels(&rgb, k);
            for (c, plane) in reduced.iter().enumerate() {
                let full = GrayF::from_fn(13, 7, |x, y| {
                    image::Luma([f32::from(rgb.get_pixel(x, y)[c]) / 255.0])
                });
                let want = downsample_box(&full, k);
                assert_eq!(want.dimensions(), plane.dimensions());
                for (x, y) in want.iter().zip(plane.iter()) {
                    assert!((x - y).abs() < 1e-5, "k {k} channel {c}: {x} against {y}");
                }
            }
        }
    }

    /// The full-size mask made a band at a time is the mask made whole, for bands that do not
    /// divide the height.
    #[test]
    fn a_mask_upsampled_by_bands_is_the_whole_mask() {
        let mask = GrayImage::from_fn(37, 23, |x, y| {
            Luma([if (x / 5 + y / 3) % 3 == 0 || x * y % 29 == 1 {
                255
            } else {
                0
            }])
        });
        let size = (37 * 4 - 3, 23 * 4 - 1);
        let whole = upsample_mask(&mask, 4, size);
        let mut banded = Vec::new();
        let mut first = 0;
        while first < size.1 {
            let rows = 10.min(size.1 - first);
            let mut band = vec![7_u8; (size.0 * rows) as usize];
            upsample_mask_rows(&mask, 4, size, first, &mut band);
            banded.extend(band);
            first += rows;
        }
        assert_eq!(whole.as_raw(), &banded);
        assert!(banded.contains(&255) && banded.contains(&0));
    }

    /// A reduced RGB copy is the rounded mean of each block, cut short at the edges.
    #[test]
    fn rgb_reduction_averages_blocks() {
        let img = RgbImage::from_fn(5, 3, |x, y| {
            image::Rgb([(x * 10 + y) as u8, 100, (x * y) as u8])
        });
        let r = reduce_rgb(&img, 2);
        assert_eq!(r.dimensions(), (3, 2));
        // Block (0,0): x 0..2, y 0..2 → red 0, 10, 1, 11: mean 5.5 → 6.
        assert_eq!(r.get_pixel(0, 0).0, [6, 100, 0]);
        // Last column, last row: the single pixel (4, 2).
        assert_eq!(r.get_pixel(2, 1).0, [42, 100, 8]);
    }

    #[test]
    fn level_transform_maps_block_centres() {
        // Full-res pixels 0 and 1 average into level pixel 0: its centre is full-res 0.5.
        let t = level_from_full(2);
        let (x, _) = t.apply(0.5, 0.5).unwrap();
        assert!(x.abs() < 1e-12);
    }

    #[test]
    fn smooth_blur_follows_the_exact_blur() {
        let img = GrayF::from_fn(300, 200, |x, y| {
            let (x, y) = (x as f32, y as f32);
            image::Luma([0.5 + 0.3 * (x * 0.03).sin() * (y * 0.02).cos() + 0.1 * (x * 0.7).sin()])
        });
        let exact = gaussian_blur(&img, 16.0);
        let fast = gaussian_blur_smooth(&img, 16.0);
        // Away from the border (where the two treat the edge differently) they agree closely.
        let mut worst = 0.0f32;
        for y in 40..160 {
            for x in 40..260 {
                worst = worst.max((exact.get_pixel(x, y)[0] - fast.get_pixel(x, y)[0]).abs());
            }
        }
        assert!(worst < 0.01, "largest difference {worst}");
    }

    /// The blur is the clamped separable convolution, to the last bit: each output sums its
    /// taps in kernel order from zero, whatever the row's width (runs of 16 and the rest).
    #[test]
    fn blur_is_the_clamped_separable_convolution() {
        for (w, h, sigma) in [(37_u32, 11_u32, 1.3_f32), (5, 40, 2.0), (1, 3, 0.8)] {
            let img = GrayF::from_fn(w, h, |x, y| Luma([((x * 31 + y * 17) % 13) as f32 / 13.0]));
            let k = gaussian_kernel(sigma);
            let r = (k.len() / 2) as i64;
            let at = |x: i64, y: i64| {
                img.get_pixel(
                    x.clamp(0, i64::from(w) - 1) as u32,
                    y.clamp(0, i64::from(h) - 1) as u32,
                )[0]
            };
            let rows = GrayF::from_fn(w, h, |x, y| {
                let mut acc = 0.0_f32;
                for (i, kv) in k.iter().enumerate() {
                    acc += kv * at(i64::from(x) + i as i64 - r, i64::from(y));
                }
                Luma([acc])
            });
            let want = GrayF::from_fn(w, h, |x, y| {
                let mut acc = 0.0_f32;
                for (i, kv) in k.iter().enumerate() {
                    let yy = (i64::from(y) + i as i64 - r).clamp(0, i64::from(h) - 1) as u32;
                    acc += kv * rows.get_pixel(x, yy)[0];
                }
                Luma([acc])
            });
            assert_eq!(
                gaussian_blur(&img, sigma).as_raw(),
                want.as_raw(),
                "{w}×{h}, σ {sigma}"
            );
        }
    }

    #[test]
    fn blur_preserves_constant() {
        let img = GrayF::from_pixel(9, 7, image::Luma([0.25]));
        let b = gaussian_blur(&img, 2.0);
        assert!(b.pixels().all(|p| (p[0] - 0.25).abs() < 1e-5));
    }
}
