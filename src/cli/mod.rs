//! The command line's own parts: subcommands whose arguments and printing do not belong in
//! the library.

use std::path::Path;

use anyhow::{Result, anyhow};
use image::GrayImage;

pub mod analyse;
pub mod batch;
pub mod export;
pub mod project;

/// A mistake in how a command was called (exit status 2), as opposed to a failure while
/// running it (exit status 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// `s` with every run of white space made one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes the change mask as an 8-bit grayscale PNG.
///
/// A mask is long runs of 0 and 255, and consecutive rows are mostly equal: the Up filter
/// turns them into zeros, which fdeflate's fast mode packs as small as the default adaptive
/// filtering does (about 130 KB for 24 MP) in under half the time, and without copying the
/// 24 MB image first.
pub fn encode_mask_png(mask: &GrayImage, path: &Path) -> Result<Vec<u8>> {
    encode_mask_rows(mask.dimensions(), path, |first, band| {
        let start = first as usize * mask.width() as usize;
        band.copy_from_slice(&mask.as_raw()[start..start + band.len()]);
    })
}

/// The PNG of an analysis's change mask at the before image's full size, made and encoded a
/// band of rows at a time: a 100-megapixel mask is never held whole.
///
/// # Errors
/// The encoder fails (the message names `path`).
pub fn encode_full_mask_png(
    analysis: &palimpsest::pipeline::Analysis,
    path: &Path,
) -> Result<Vec<u8>> {
    let k = analysis.change.scale.round().max(1.0) as u32;
    let size = analysis.change.before_size;
    encode_mask_rows(size, path, |first, band| {
        palimpsest::imgops::upsample_mask_rows(&analysis.detection.mask, k, size, first, band);
    })
}

/// Rows of the mask's PNG encoded as they come: `fill(first_row, band)` writes the rows of
/// each band in turn.
fn encode_mask_rows(
    (width, height): (u32, u32),
    path: &Path,
    mut fill: impl FnMut(u32, &mut [u8]),
) -> Result<Vec<u8>> {
    /// Rows per band: 4 MB of a 12 000 px wide mask.
    const BAND_ROWS: u32 = 256;
    let fail = |e: &dyn std::fmt::Display| anyhow!("cannot encode ({e}): {}", path.display());
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Up);
    {
        let mut writer = encoder.write_header().map_err(|e| fail(&e))?;
        let mut stream = writer.stream_writer().map_err(|e| fail(&e))?;
        let mut band = vec![0_u8; width as usize * BAND_ROWS.min(height) as usize];
        let mut first = 0;
        while first < height {
            let rows = BAND_ROWS.min(height - first);
            let part = &mut band[..width as usize * rows as usize];
            fill(first, part);
            std::io::Write::write_all(&mut stream, part).map_err(|e| fail(&e))?;
            first += rows;
        }
        stream.finish().map_err(|e| fail(&e))?;
        writer.finish().map_err(|e| fail(&e))?;
    }
    Ok(bytes)
}
