//! The agreement of a detected mask with the truth, drawn over the dimmed picture, for looking
//! at a case by eye: green = found, red = flagged but unchanged, blue = changed but missed.

#![allow(
    dead_code,
    reason = "every test binary compiles this module and uses its own part of it"
)]

use image::{GrayImage, Rgb, RgbImage};

/// The agreement map of `mask` against `truth` over `picture` (all the same size).
pub fn agreement_map(picture: &RgbImage, mask: &GrayImage, truth: &GrayImage) -> RgbImage {
    RgbImage::from_fn(mask.width(), mask.height(), |x, y| {
        match (mask.get_pixel(x, y)[0] > 0, truth.get_pixel(x, y)[0] > 0) {
            (true, true) => Rgb([40, 200, 60]),
            (true, false) => Rgb([230, 40, 40]),
            (false, true) => Rgb([50, 90, 255]),
            (false, false) => {
                let p = picture.get_pixel(x, y);
                let grey = ((u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 6) as u8;
                Rgb([grey, grey, grey])
            }
        }
    })
}

/// 4-connected components of a mask: pixel lists.
pub fn components(mask: &GrayImage) -> Vec<Vec<(u32, u32)>> {
    let (w, h) = mask.dimensions();
    let mut seen = vec![false; (w * h) as usize];
    let mut out = Vec::new();
    for y0 in 0..h {
        for x0 in 0..w {
            let i0 = (y0 * w + x0) as usize;
            if seen[i0] || mask.get_pixel(x0, y0)[0] == 0 {
                continue;
            }
            seen[i0] = true;
            let mut comp = Vec::new();
            let mut stack = vec![(x0, y0)];
            while let Some((x, y)) = stack.pop() {
                comp.push((x, y));
                let mut push = |nx: u32, ny: u32| {
                    let i = (ny * w + nx) as usize;
                    if !seen[i] && mask.get_pixel(nx, ny)[0] > 0 {
                        seen[i] = true;
                        stack.push((nx, ny));
                    }
                };
                if x > 0 {
                    push(x - 1, y);
                }
                if x + 1 < w {
                    push(x + 1, y);
                }
                if y > 0 {
                    push(x, y - 1);
                }
                if y + 1 < h {
                    push(x, y + 1);
                }
            }
            out.push(comp);
        }
    }
    out
}
