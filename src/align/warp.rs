//! Resampling the after image into the before image's frame, with a mask of where it has data.

use image::{GrayImage, Luma, RgbImage};
use rayon::prelude::*;

use crate::geometry::Transform;
use crate::pipeline::GrayF;

/// Where one output pixel samples the source: the four neighbouring source pixels (as indices
/// into a `width`-wide raster) and the fractions between them.
struct Bilinear {
    corners: [usize; 4],
    fx: f32,
    fy: f32,
}

impl Bilinear {
    /// The sample of output pixel `(x, y)` through `source_from_output`, or `None` where it
    /// falls outside the `aw × ah` source (by more than half a pixel) or at infinity.
    fn at(
        source_from_output: &nalgebra::Matrix3<f64>,
        x: f64,
        y: f64,
        aw: usize,
        ah: usize,
    ) -> Option<Self> {
        let m = source_from_output;
        let z = m[(2, 0)] * x + m[(2, 1)] * y + m[(2, 2)];
        if z.abs() < 1e-12 {
            return None;
        }
        let sx = (m[(0, 0)] * x + m[(0, 1)] * y + m[(0, 2)]) / z;
        let sy = (m[(1, 0)] * x + m[(1, 1)] * y + m[(1, 2)]) / z;
        if !(sx >= -0.5 && sy >= -0.5 && sx <= aw as f64 - 0.5 && sy <= ah as f64 - 0.5) {
            return None;
        }
        let sx = sx.clamp(0.0, (aw - 1) as f64);
        let sy = sy.clamp(0.0, (ah - 1) as f64);
        let (x0, y0) = (sx.floor() as usize, sy.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(aw - 1), (y0 + 1).min(ah - 1));
        Some(Self {
            corners: [y0 * aw + x0, y0 * aw + x1, y1 * aw + x0, y1 * aw + x1],
            fx: (sx - x0 as f64) as f32,
            fy: (sy - y0 as f64) as f32,
        })
    }

    /// The interpolated value, reading source pixel `i` with `p`.
    #[inline]
    fn blend(&self, p: impl Fn(usize) -> f32) -> f32 {
        let [a, b, c, d] = self.corners.map(p);
        let top = a + (b - a) * self.fx;
        let bot = c + (d - c) * self.fx;
        top + (bot - top) * self.fy
    }
}

/// Warps `after` into a `width × height` before-frame with bilinear sampling.
///
/// Returns the warped image and a validity mask: 255 where the after image covers the pixel,
/// 0 where it does not ("no data").
#[must_use]
pub fn warp_rgb(
    after: &RgbImage,
    before_from_after: &Transform,
    width: u32,
    height: u32,
) -> (RgbImage, GrayImage) {
    let mut out = RgbImage::new(width, height);
    let mut valid = GrayImage::new(width, height);
    let Some(after_from_before) = before_from_after.inverse() else {
        return (out, valid);
    };
    let m = after_from_before.matrix;
    let (aw, ah) = (after.width() as usize, after.height() as usize);
    let src = after.as_raw();
    let w = width as usize;
    out.par_chunks_mut(w * 3)
        .zip(valid.par_chunks_mut(w))
        .enumerate()
        .for_each(|(y, (row, vrow))| {
            let yf = y as f64;
            for x in 0..w {
                let Some(at) = Bilinear::at(&m, x as f64, yf, aw, ah) else {
                    continue;
                };
                for c in 0..3 {
                    let v = at.blend(|i| f32::from(src[i * 3 + c]));
                    row[x * 3 + c] = v.round().clamp(0.0, 255.0) as u8;
                }
                vrow[x] = 255;
            }
        });
    (out, valid)
}

/// Warps a single-channel float image into a `width × height` frame (bilinear); pixels with
/// no data get `f32::NAN`.
#[must_use]
pub fn warp_gray(after: &GrayF, before_from_after: &Transform, width: u32, height: u32) -> GrayF {
    let [out] = warp_gray_planes([after], before_from_after, width, height);
    out
}

/// [`warp_gray`] for `N` planes of the same size at once: each output pixel's sampling
/// position is computed once for all of them.
#[must_use]
pub fn warp_gray_planes<const N: usize>(
    planes: [&GrayF; N],
    before_from_after: &Transform,
    width: u32,
    height: u32,
) -> [GrayF; N] {
    let no_data = || GrayF::from_pixel(width, height, Luma([f32::NAN]));
    let (Some(after_from_before), Some(first)) = (before_from_after.inverse(), planes.first())
    else {
        return std::array::from_fn(|_| no_data());
    };
    let (aw, ah) = first.dimensions();
    if planes.iter().any(|p| p.dimensions() != (aw, ah)) {
        return std::array::from_fn(|_| no_data());
    }
    let m = after_from_before.matrix;
    let (aw, ah) = (aw as usize, ah as usize);
    let w = (width as usize).max(1);
    let sources = planes.map(|p| p.as_raw().as_slice());
    let mut interleaved = vec![[f32::NAN; N]; w * height as usize];
    interleaved
        .par_chunks_mut(w)
        .enumerate()
        .for_each(|(y, row)| {
            let yf = y as f64;
            for (x, o) in row.iter_mut().enumerate() {
                if let Some(at) = Bilinear::at(&m, x as f64, yf, aw, ah) {
                    for (v, src) in o.iter_mut().zip(&sources) {
                        *v = at.blend(|i| src[i]);
                    }
                }
            }
        });
    std::array::from_fn(|c| {
        GrayF::from_raw(width, height, interleaved.iter().map(|p| p[c]).collect())
            .unwrap_or_else(no_data)
    })
}
