//! Resampling the after image into the before image's frame, with a mask of where it has data.

use image::{GrayImage, Luma, RgbImage};
use rayon::prelude::*;

use crate::geometry::Transform;

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
                let xf = x as f64;
                let z = m[(2, 0)] * xf + m[(2, 1)] * yf + m[(2, 2)];
                if z.abs() < 1e-12 {
                    continue;
                }
                let sx = (m[(0, 0)] * xf + m[(0, 1)] * yf + m[(0, 2)]) / z;
                let sy = (m[(1, 0)] * xf + m[(1, 1)] * yf + m[(1, 2)]) / z;
                if !(sx >= -0.5 && sy >= -0.5 && sx <= aw as f64 - 0.5 && sy <= ah as f64 - 0.5) {
                    continue;
                }
                let sx = sx.clamp(0.0, (aw - 1) as f64);
                let sy = sy.clamp(0.0, (ah - 1) as f64);
                let x0 = sx.floor() as usize;
                let y0 = sy.floor() as usize;
                let x1 = (x0 + 1).min(aw - 1);
                let y1 = (y0 + 1).min(ah - 1);
                let fx = (sx - x0 as f64) as f32;
                let fy = (sy - y0 as f64) as f32;
                for c in 0..3 {
                    let p = |xx: usize, yy: usize| f32::from(src[(yy * aw + xx) * 3 + c]);
                    let top = p(x0, y0) + (p(x1, y0) - p(x0, y0)) * fx;
                    let bot = p(x0, y1) + (p(x1, y1) - p(x0, y1)) * fx;
                    row[x * 3 + c] = (top + (bot - top) * fy).round().clamp(0.0, 255.0) as u8;
                }
                vrow[x] = 255;
            }
        });
    (out, valid)
}

/// Warps a single-channel float image into a `width × height` frame (bilinear); pixels with
/// no data get `f32::NAN`.
#[must_use]
pub fn warp_gray(
    after: &image::ImageBuffer<Luma<f32>, Vec<f32>>,
    before_from_after: &Transform,
    width: u32,
    height: u32,
) -> image::ImageBuffer<Luma<f32>, Vec<f32>> {
    let mut out = image::ImageBuffer::from_pixel(width, height, Luma([f32::NAN]));
    let Some(after_from_before) = before_from_after.inverse() else {
        return out;
    };
    let m = after_from_before.matrix;
    let (aw, ah) = (after.width() as usize, after.height() as usize);
    let src = after.as_raw();
    let w = width as usize;
    out.par_chunks_mut(w).enumerate().for_each(|(y, row)| {
        let yf = y as f64;
        for (x, o) in row.iter_mut().enumerate() {
            let xf = x as f64;
            let z = m[(2, 0)] * xf + m[(2, 1)] * yf + m[(2, 2)];
            if z.abs() < 1e-12 {
                continue;
            }
            let sx = (m[(0, 0)] * xf + m[(0, 1)] * yf + m[(0, 2)]) / z;
            let sy = (m[(1, 0)] * xf + m[(1, 1)] * yf + m[(1, 2)]) / z;
            if !(sx >= -0.5 && sy >= -0.5 && sx <= aw as f64 - 0.5 && sy <= ah as f64 - 0.5) {
                continue;
            }
            let sx = sx.clamp(0.0, (aw - 1) as f64);
            let sy = sy.clamp(0.0, (ah - 1) as f64);
            let x0 = sx.floor() as usize;
            let y0 = sy.floor() as usize;
            let x1 = (x0 + 1).min(aw - 1);
            let y1 = (y0 + 1).min(ah - 1);
            let fx = (sx - x0 as f64) as f32;
            let fy = (sy - y0 as f64) as f32;
            let p = |xx: usize, yy: usize| src[yy * aw + xx];
            let top = p(x0, y0) + (p(x1, y0) - p(x0, y0)) * fx;
            let bot = p(x0, y1) + (p(x1, y1) - p(x0, y1)) * fx;
            *o = top + (bot - top) * fy;
        }
    });
    out
}
