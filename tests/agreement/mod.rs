//! The agreement of a detected mask with the truth, drawn over the dimmed picture, for looking
//! at a case by eye: green = found, red = flagged but unchanged, blue = changed but missed.

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
