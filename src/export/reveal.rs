//! The animated reveal: the doctored print, held, cross-fading into the original, held, and
//! back, looping forever, with the region outlines and a corner label naming what is shown.
//! Encoded as GIF (palette per frame) or APNG (full colour).
//!
//! Frames are at most [`RevealOptions::max_side`] pixels on their longer side so that the file
//! stays small enough for a slide deck or a web page.

use anyhow::{Context, Result};
use image::{Rgb, RgbImage};

use super::ExportInput;
use super::content::{self, RegionContent};
use super::draw::{self, Faces};
use crate::job::Job;

/// How the reveal is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RevealOptions {
    /// Longer side of the frames in pixels (images are scaled to it).
    pub max_side: u32,
    /// Intermediate frames of each cross-fade.
    pub fade_frames: u32,
    /// How long each image is held, in milliseconds.
    pub hold_ms: u32,
    /// How long each intermediate frame is shown, in milliseconds.
    pub fade_ms: u32,
}

impl Default for RevealOptions {
    fn default() -> Self {
        Self {
            max_side: 600,
            fade_frames: 6,
            hold_ms: 1800,
            fade_ms: 110,
        }
    }
}

/// One frame of the reveal and how long it stays.
#[derive(Clone, Debug, PartialEq)]
pub struct RevealFrame {
    /// The picture.
    pub image: RgbImage,
    /// Display time in milliseconds.
    pub delay_ms: u32,
}

/// Frame count of a reveal made with `options`: both holds plus two cross-fades.
#[must_use]
pub fn reveal_frame_count(options: &RevealOptions) -> usize {
    2 + 2 * options.fade_frames as usize
}

fn still(src: &RgbImage, faces: &Faces, regions: &[RegionContent<'_>], w: u32, h: u32) -> RgbImage {
    let mut img = RgbImage::from_pixel(w, h, Rgb([0, 0, 0]));
    let (view, _) = draw::fit(src.width(), src.height(), w, h);
    let placement = draw::draw_view(&mut img, src, view, 0, 0, w, h);
    let side = w.max(h) as f32;
    super::annotated::draw_regions(
        &mut img,
        faces,
        regions,
        &placement,
        (0.0, 0.0, w as f32, h as f32),
        (side / 320.0).max(2.0),
        (side / 48.0).max(8.0),
    );
    img
}

/// Names what a frame shows, in its bottom-left corner.
fn draw_label(img: &mut RgbImage, faces: &Faces, label: &str) {
    let h = img.height();
    let px = (h as f32 * 0.05).max(13.0);
    let pad = px * 0.45;
    let tw = draw::text_width(&faces.bold, px, label);
    let by = h as f32 - px * 1.2 - 2.0 * pad;
    draw::fill_rect(
        img,
        0.0,
        by,
        tw + 2.0 * pad + 4.0,
        h as f32 - by,
        [0, 0, 0],
        0.6,
    );
    draw::text(img, &faces.bold, px, pad, by + pad, [255, 255, 255], label);
}

/// The frames of the reveal: the altered print (held), a cross-fade to the original, the
/// original (held), and a cross-fade back; [`reveal_frame_count`] frames in all.
#[must_use]
pub fn reveal_frames(input: &ExportInput<'_>, options: &RevealOptions) -> Vec<RevealFrame> {
    let faces = Faces::bundled();
    let regions = content::regions_content(input.project, input.essay);
    let (sw, sh) = input.before.dimensions();
    let s = options.max_side as f32 / sw.max(sh).max(1) as f32;
    let w = ((sw as f32 * s).round() as u32).max(1);
    let h = ((sh as f32 * s).round() as u32).max(1);
    let p = input.project;
    let after = still(input.after_aligned, &faces, &regions, w, h);
    let before = still(input.before, &faces, &regions, w, h);
    let after_label = content::image_title("Altered print", &p.after.meta);
    let before_label = content::image_title("Original", &p.before.meta);
    let n = options.fade_frames;
    let mut frames = Vec::with_capacity(reveal_frame_count(options));
    // Each frame is a blend of the two pictures; the label names whichever dominates, so the
    // two names never show through each other.
    let mut push = |from: &RgbImage, to: &RgbImage, t: f32, delay_ms: u32| {
        let mut image = if t <= 0.0 {
            from.clone()
        } else {
            draw::cross_fade(from, to, t)
        };
        let forward = std::ptr::eq(from, &after);
        let label = match (forward, t < 0.5) {
            (true, true) | (false, false) => &after_label,
            _ => &before_label,
        };
        draw_label(&mut image, &faces, label);
        frames.push(RevealFrame { image, delay_ms });
    };
    // Ease in and out so the change is gentle at both ends.
    let ease = |i: u32| {
        let t = i as f32 / (n + 1) as f32;
        t * t * (3.0 - 2.0 * t)
    };
    push(&after, &before, 0.0, options.hold_ms);
    for i in 1..=n {
        push(&after, &before, ease(i), options.fade_ms);
    }
    push(&before, &after, 0.0, options.hold_ms);
    for i in 1..=n {
        push(&before, &after, ease(i), options.fade_ms);
    }
    frames
}

/// The frames of the reveal of a whole chain: each version in turn, held, cross-fading into
/// the next, and from the last back to the first. `later_aligned` holds the versions after
/// the first two, each warped into the first version's frame, in order. The first version
/// outlines every region; each later one the regions gone by then, and its label names it.
#[must_use]
pub fn reveal_chain_frames(
    input: &ExportInput<'_>,
    later_aligned: &[RgbImage],
    options: &RevealOptions,
) -> Vec<RevealFrame> {
    let faces = Faces::bundled();
    let p = input.project;
    let regions = content::regions_content(p, input.essay);
    let (sw, sh) = input.before.dimensions();
    let s = options.max_side as f32 / sw.max(sh).max(1) as f32;
    let w = ((sw as f32 * s).round() as u32).max(1);
    let h = ((sh as f32 * s).round() as u32).max(1);
    let images = std::iter::once(input.before)
        .chain(std::iter::once(input.after_aligned))
        .chain(later_aligned.iter());
    let stills: Vec<(RgbImage, String)> = images
        .enumerate()
        .map(|(k, src)| {
            let gone: Vec<RegionContent<'_>> = regions
                .iter()
                .filter(|r| k == 0 || (r.region.step as usize) < k)
                .cloned()
                .collect();
            let mut label = format!("{}. {}", k + 1, p.version_name(k));
            if k == 0 {
                label.push_str(" (original)");
            }
            (still(src, &faces, &gone, w, h), label)
        })
        .collect();
    let n = options.fade_frames;
    let ease = |i: u32| {
        let t = i as f32 / (n + 1) as f32;
        t * t * (3.0 - 2.0 * t)
    };
    let mut frames = Vec::with_capacity(stills.len() * (1 + n as usize));
    for (k, (from, from_label)) in stills.iter().enumerate() {
        let (to, to_label) = &stills[(k + 1) % stills.len()];
        let mut held = from.clone();
        draw_label(&mut held, &faces, from_label);
        frames.push(RevealFrame {
            image: held,
            delay_ms: options.hold_ms,
        });
        for i in 1..=n {
            let t = ease(i);
            let mut image = draw::cross_fade(from, to, t);
            draw_label(
                &mut image,
                &faces,
                if t < 0.5 { from_label } else { to_label },
            );
            frames.push(RevealFrame {
                image,
                delay_ms: options.fade_ms,
            });
        }
    }
    frames
}

/// Encodes the frames as a looping animated GIF. Each frame first checks `job`'s cancel flag,
/// and each one encoded is counted ("frames").
///
/// # Errors
/// An encoder failure, or [`crate::job::Cancelled`] once the job is cancelled.
pub fn encode_gif(frames: &[RevealFrame], job: Job<'_>) -> Result<Vec<u8>> {
    use image::codecs::gif::{GifEncoder, Repeat};
    let mut out = Vec::new();
    {
        // Speed 10 of 30: NeuQuant sampling that keeps photographs smooth at a fraction of the
        // time of the slowest setting.
        let mut enc = GifEncoder::new_with_speed(&mut out, 10);
        enc.set_repeat(Repeat::Infinite)
            .context("cannot set the GIF to loop")?;
        job.count("frames", 0, frames.len());
        for (i, f) in frames.iter().enumerate() {
            job.check()?;
            let rgba = image::DynamicImage::ImageRgb8(f.image.clone()).into_rgba8();
            let frame = image::Frame::from_parts(
                rgba,
                0,
                0,
                image::Delay::from_numer_denom_ms(f.delay_ms, 1),
            );
            enc.encode_frame(frame)
                .context("cannot encode a GIF frame")?;
            job.count("frames", i + 1, frames.len());
        }
    }
    Ok(out)
}

/// Encodes the frames as a looping animated PNG (APNG). Each frame first checks `job`'s cancel
/// flag, and each one encoded is counted ("frames").
///
/// # Errors
/// An encoder failure, frames of different sizes, or [`crate::job::Cancelled`] once the job
/// is cancelled.
pub fn encode_apng(frames: &[RevealFrame], job: Job<'_>) -> Result<Vec<u8>> {
    let Some(first) = frames.first() else {
        anyhow::bail!("an animation needs at least one frame");
    };
    let (w, h) = first.image.dimensions();
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Balanced);
        let count = u32::try_from(frames.len()).context("too many frames")?;
        enc.set_animated(count, 0)
            .context("cannot start the APNG")?;
        let mut writer = enc.write_header().context("cannot write the APNG header")?;
        job.count("frames", 0, frames.len());
        for (i, f) in frames.iter().enumerate() {
            job.check()?;
            if f.image.dimensions() != (w, h) {
                anyhow::bail!("animation frames differ in size");
            }
            let ms = u16::try_from(f.delay_ms).unwrap_or(u16::MAX);
            writer
                .set_frame_delay(ms, 1000)
                .context("cannot set an APNG frame delay")?;
            writer
                .write_image_data(f.image.as_raw())
                .context("cannot write an APNG frame")?;
            job.count("frames", i + 1, frames.len());
        }
        writer.finish().context("cannot finish the APNG")?;
    }
    Ok(out)
}
