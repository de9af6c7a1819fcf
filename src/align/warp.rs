//! Resampling the after image into the before image's frame, with a mask of where it has data.

use image::{GrayImage, Luma, RgbImage};
use rayon::prelude::*;

use crate::geometry::Transform;
use crate::imgops::{Bilinear, GrayF};

/// Where output pixel `(x, y)` samples the `aw × ah` source through `source_from_output`, or
/// `None` where it falls outside the source (by more than half a pixel) or at infinity.
fn source_sample(
    source_from_output: &nalgebra::Matrix3<f64>,
    x: f64,
    y: f64,
    aw: usize,
    ah: usize,
) -> Option<Bilinear> {
    let m = source_from_output;
    let z = m[(2, 0)] * x + m[(2, 1)] * y + m[(2, 2)];
    if z.abs() < 1e-12 {
        return None;
    }
    let sx = (m[(0, 0)] * x + m[(0, 1)] * y + m[(0, 2)]) / z;
    let sy = (m[(1, 0)] * x + m[(1, 1)] * y + m[(1, 2)]) / z;
    Bilinear::within_pixels(aw, ah, sx, sy)
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
                let Some(at) = source_sample(&m, x as f64, yf, aw, ah) else {
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
                if let Some(at) = source_sample(&m, x as f64, yf, aw, ah) {
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
