//! Decoding photographs with limits: JPEG, PNG, TIFF (8/16-bit, grayscale), WebP, BMP and GIF.
//!
//! The header is read first, so a file that claims an absurd size is refused before any pixel
//! buffer is allocated. EXIF orientation is applied, alpha is flattened onto white, and every
//! image becomes 8-bit RGB with a flag telling whether it is really grayscale.
//!
//! For analysis alone, a large image can be loaded as a reduced copy
//! ([`LoadOptions::analysis_work_side`]): a JPEG is then decoded at 1/2, 1/4 or 1/8 scale in
//! the DCT domain, other formats are box-reduced as soon as they are decoded, so that the
//! full-size pixels of a 100-megapixel scan never reach the analysis. This module does not
//! align anything.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};
use thiserror::Error;

/// Default cap on the pixel count of an input image, in megapixels.
pub const DEFAULT_MAX_MEGAPIXELS: f64 = 250.0;

/// Why an image could not be loaded. Reason first, path last.
#[derive(Debug, Error)]
pub enum LoadError {
    /// The file does not exist.
    #[error("file not found: {0}")]
    NotFound(PathBuf),
    /// The path names a directory, not a file.
    #[error("is a directory, not an image: {0}")]
    IsDirectory(PathBuf),
    /// The file has no bytes.
    #[error("file is empty: {0}")]
    Empty(PathBuf),
    /// The path names a device, a pipe or a socket, not a regular file.
    #[error("not a regular file (a device, pipe or socket): {0}")]
    NotRegular(PathBuf),
    /// The format is not one Palimpsest reads.
    #[error("unsupported or unrecognised image format: {0}")]
    Unsupported(PathBuf),
    /// The header claims more pixels than the cap allows.
    #[error("image is {width}×{height} ({mp:.1} MP), over the {max_mp} MP limit: {path}")]
    TooLarge {
        /// Claimed width.
        width: u32,
        /// Claimed height.
        height: u32,
        /// Claimed size in megapixels.
        mp: f64,
        /// The cap in megapixels.
        max_mp: f64,
        /// The file.
        path: PathBuf,
    },
    /// The image has a zero side.
    #[error("image has no pixels ({width}×{height}): {path}")]
    NoPixels {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
        /// The file.
        path: PathBuf,
    },
    /// The compressed pixel data of a JPEG is damaged: the decoder would fill it with grey.
    #[error("corrupt JPEG data ({reason}): {path}")]
    CorruptJpeg {
        /// What the decoder said.
        reason: String,
        /// The file.
        path: PathBuf,
    },
    /// The data is damaged or cut short.
    #[error("corrupt or truncated image ({reason}): {path}")]
    Corrupt {
        /// What the decoder said.
        reason: String,
        /// The file.
        path: PathBuf,
    },
    /// The file could not be read.
    #[error("cannot read ({source}): {path}")]
    Io {
        /// The I/O error.
        source: std::io::Error,
        /// The file.
        path: PathBuf,
    },
}

/// The reduction (1, 2, 4 or 8) at which an image of `size` can be loaded for analysis.
///
/// - A before image, in whose frame the analysis works, keeps its working resolution: the
///   reduction is the largest whose working copy keeps at least 95 % of the side it has when
///   the image is loaded whole. (The working copy is an integer box reduction of what is
///   loaded: a 6000 px scan is worked on at 1500 px either way, so it can be decoded at a
///   quarter; a 4000 px one is worked on at 1334 px, which a half-size copy of 2000 px would
///   bring down to 1000.)
/// - An after image only has to be as fine as that frame when both show the same scene: its
///   copy keeps a longest side of at least 95 % of the working side.
#[must_use]
pub fn analysis_reduction(size: (u32, u32), copy: AnalysisCopy) -> u32 {
    let long = size.0.max(size.1);
    let working_side =
        |side: u32| side.div_ceil(crate::params::work_factor((side, side), copy.work_max_side));
    let keeps = |r: u32| {
        let side = long.div_ceil(r);
        let (kept, wanted) = if copy.frame {
            (working_side(side), working_side(long))
        } else {
            (side, copy.work_max_side.min(long))
        };
        20 * u64::from(kept) >= 19 * u64::from(wanted)
    };
    [8, 4, 2].into_iter().find(|&r| keeps(r)).unwrap_or(1)
}

/// Options for [`load_image`].
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    /// Refuse images with more than this many megapixels.
    pub max_megapixels: f64,
    /// Load a reduced copy for analysis, as small as the analysis allows (see
    /// [`analysis_reduction`]). `None` loads the image at full size.
    pub analysis_copy: Option<AnalysisCopy>,
}

/// What a reduced copy loaded for analysis must keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnalysisCopy {
    /// The analysis's longest working side ([`crate::params::Params::work_max_side`]).
    pub work_max_side: u32,
    /// The image is a before image, in whose frame the analysis works (its working
    /// resolution must not fall), rather than only an after image warped into another's.
    pub frame: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            max_megapixels: DEFAULT_MAX_MEGAPIXELS,
            analysis_copy: None,
        }
    }
}

/// A decoded photograph, upright, as 8-bit RGB.
#[derive(Clone, Debug)]
pub struct LoadedImage {
    /// The pixels, EXIF orientation applied, alpha flattened onto white.
    pub rgb: RgbImage,
    /// True when the file is grayscale, or colour whose channels are (almost) equal.
    pub grayscale: bool,
    /// The file it came from.
    pub path: PathBuf,
    /// Short name of the encoded format ("jpeg", "png", …).
    pub format: String,
    /// Bits per channel of the source (8 or 16).
    pub source_bits: u8,
    /// Pixels of the file per pixel of `rgb`, along each axis: 1 for the image at full size;
    /// 2, 4 or 8 for a reduced copy, each of whose pixels is the mean of a block that size
    /// (cut short in the last row and column).
    pub reduction: u32,
    /// The size of the image in the file, upright.
    pub full_size: (u32, u32),
}

impl LoadedImage {
    /// Width in pixels.
    #[must_use]
    pub fn width(&self) -> u32 {
        self.rgb.width()
    }

    /// Height in pixels.
    #[must_use]
    pub fn height(&self) -> u32 {
        self.rgb.height()
    }

    /// A photograph decoded at full size.
    #[must_use]
    pub fn new(rgb: RgbImage, grayscale: bool, path: PathBuf, format: &str) -> Self {
        let full_size = rgb.dimensions();
        Self {
            rgb,
            grayscale,
            path,
            format: format.to_owned(),
            source_bits: 8,
            reduction: 1,
            full_size,
        }
    }

    /// The colour of the file's pixel `(x, y)`, read from the copy when this is a reduced
    /// one; `None` outside the image.
    #[must_use]
    pub fn pixel_at(&self, x: u32, y: u32) -> Option<[u8; 3]> {
        let k = self.reduction.max(1);
        (x < self.full_size.0 && y < self.full_size.1)
            .then(|| (x / k, y / k))
            .filter(|&(cx, cy)| cx < self.rgb.width() && cy < self.rgb.height())
            .map(|(cx, cy)| self.rgb.get_pixel(cx, cy).0)
    }

    /// The transform from the pixels of `rgb` to the file's full-size pixels (pixel centres
    /// at integers in both).
    #[must_use]
    pub fn full_from_copy(&self) -> crate::geometry::Transform {
        crate::imgops::level_from_full(self.reduction)
            .inverse()
            .unwrap_or_default()
    }
}

/// Loads an image from a file, refusing damaged data.
///
/// A JPEG is decoded strictly: compressed data the decoder would silently fill with grey (a
/// corrupted or cut-off scan) is a [`LoadError::CorruptJpeg`]. PNG chunk checksums and zlib
/// streams, and TIFF strips, are checked by their decoders ([`LoadError::Corrupt`]).
///
/// # Errors
/// Any [`LoadError`]: missing, empty, not a regular file, unsupported, over the size cap,
/// corrupt or unreadable.
pub fn load_image(path: &Path, options: &LoadOptions) -> Result<LoadedImage, LoadError> {
    load(path, options, false).map(|(img, _)| img)
}

/// Loads an image from a file like [`load_image`], but decodes a JPEG with damaged data the
/// lenient way (damaged blocks grey) and returns what was wrong with it.
///
/// # Errors
/// As [`load_image`], except [`LoadError::CorruptJpeg`].
pub fn load_image_allowing_damage(
    path: &Path,
    options: &LoadOptions,
) -> Result<(LoadedImage, Option<String>), LoadError> {
    load(path, options, true)
}

fn load(
    path: &Path,
    options: &LoadOptions,
    allow_damage: bool,
) -> Result<(LoadedImage, Option<String>), LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound(path.to_path_buf()),
        _ => LoadError::Io {
            source: e,
            path: path.to_path_buf(),
        },
    })?;
    if meta.is_dir() {
        return Err(LoadError::IsDirectory(path.to_path_buf()));
    }
    if !meta.is_file() {
        return Err(LoadError::NotRegular(path.to_path_buf()));
    }
    if meta.len() == 0 {
        return Err(LoadError::Empty(path.to_path_buf()));
    }
    let io_err = |e| LoadError::Io {
        source: e,
        path: path.to_path_buf(),
    };
    let mut file = File::open(path).map_err(io_err)?;
    let mut head = Vec::with_capacity(3);
    file.by_ref()
        .take(3)
        .read_to_end(&mut head)
        .map_err(io_err)?;
    file.seek(std::io::SeekFrom::Start(0)).map_err(io_err)?;
    if is_jpeg(&head) {
        // The JPEG decoder reads the whole file into memory anyway.
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io_err)?;
        return load_bytes(&bytes, path, options, allow_damage);
    }
    decode(BufReader::new(file), path, options, None, allow_damage)
}

/// Loads an image from bytes in memory, refusing damaged data as [`load_image`] does; `name`
/// is used in error messages only.
///
/// # Errors
/// As [`load_image`].
pub fn load_image_from_bytes(
    bytes: &[u8],
    name: &Path,
    options: &LoadOptions,
) -> Result<LoadedImage, LoadError> {
    load_bytes(bytes, name, options, false).map(|(img, _)| img)
}

fn load_bytes(
    bytes: &[u8],
    name: &Path,
    options: &LoadOptions,
    allow_damage: bool,
) -> Result<(LoadedImage, Option<String>), LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::Empty(name.to_path_buf()));
    }
    let jpeg = is_jpeg(bytes).then_some(bytes);
    if let Err(e) = check_jpeg_end(bytes, &bytes[bytes.len().saturating_sub(64)..], name)
        && !allow_damage
    {
        return Err(e);
    }
    decode(
        std::io::Cursor::new(bytes),
        name,
        options,
        jpeg,
        allow_damage,
    )
}

fn is_jpeg(head: &[u8]) -> bool {
    head.starts_with(&[0xFF, 0xD8, 0xFF])
}

/// Decodes a JPEG strictly: any damaged or missing compressed data is an error, where the
/// lenient decoders fill it with grey.
fn decode_jpeg_strict(bytes: &[u8]) -> Result<DynamicImage, String> {
    use zune_core::bytestream::ZCursor;
    crate::jpeg_scan::check(bytes)?;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    let options = DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(usize::MAX)
        .set_max_height(usize::MAX);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(|e| e.to_string())?;
    let input = decoder
        .input_colorspace()
        .ok_or_else(|| "no colour space".to_string())?;
    let out = match input {
        ColorSpace::RGB | ColorSpace::RGBA | ColorSpace::Luma | ColorSpace::LumaA => input,
        _ => ColorSpace::RGB,
    };
    decoder.set_options(decoder.options().jpeg_set_out_colorspace(out));
    let (w, h) = decoder
        .dimensions()
        .ok_or_else(|| "no dimensions".to_string())?;
    let pixels = decoder.decode().map_err(|e| e.to_string())?;
    let (w, h) = (
        u32::try_from(w).map_err(|e| e.to_string())?,
        u32::try_from(h).map_err(|e| e.to_string())?,
    );
    let image = match out {
        ColorSpace::Luma => image::GrayImage::from_raw(w, h, pixels).map(DynamicImage::ImageLuma8),
        ColorSpace::LumaA => {
            image::GrayAlphaImage::from_raw(w, h, pixels).map(DynamicImage::ImageLumaA8)
        }
        ColorSpace::RGBA => image::RgbaImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgba8),
        _ => RgbImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgb8),
    };
    image.ok_or_else(|| "decoded data has the wrong size".to_string())
}

/// Decodes a JPEG strictly, as [`decode_jpeg_strict`], at `1/reduction` scale in the DCT
/// domain (`reduction` 2, 4 or 8), so that only the reduced copy is ever made. The scaled
/// inverse transform is `jpeg-decoder`'s: `zune-jpeg`, which decodes at full size faster, has
/// none. What it does not decode to 8-bit grey or RGB (CMYK, 12-bit) is decoded at full size,
/// to be reduced after.
fn decode_jpeg_reduced(bytes: &[u8], reduction: u32) -> Result<DynamicImage, String> {
    use jpeg_decoder::PixelFormat;
    let t = std::time::Instant::now();
    crate::jpeg_scan::check(bytes)?;
    let t = crate::job::trace("jpeg: check", t);
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(|e| e.to_string())?;
    let info = decoder
        .info()
        .ok_or_else(|| "no frame header".to_string())?;
    let wanted = (
        u32::from(info.width).div_ceil(reduction),
        u32::from(info.height).div_ceil(reduction),
    );
    // A progressive scan is not walked by the check: its strictness is zune-jpeg's.
    let plain = matches!(info.pixel_format, PixelFormat::L8 | PixelFormat::RGB24)
        && info.coding_process == jpeg_decoder::CodingProcess::DctSequential;
    let (Ok(rw), Ok(rh)) = (u16::try_from(wanted.0), u16::try_from(wanted.1)) else {
        return decode_jpeg_strict(bytes);
    };
    if !plain || decoder.scale(rw, rh).map_err(|e| e.to_string())? != (rw, rh) {
        return decode_jpeg_strict(bytes);
    }
    let pixels = decoder.decode().map_err(|e| e.to_string())?;
    crate::job::trace("jpeg: reduced decode", t);
    let (w, h) = wanted;
    let image = match info.pixel_format {
        PixelFormat::L8 => image::GrayImage::from_raw(w, h, pixels).map(DynamicImage::ImageLuma8),
        _ => RgbImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgb8),
    };
    image.ok_or_else(|| "decoded data has the wrong size".to_string())
}

fn decode<R: std::io::BufRead + Seek>(
    reader: R,
    path: &Path,
    options: &LoadOptions,
    jpeg: Option<&[u8]>,
    allow_damage: bool,
) -> Result<(LoadedImage, Option<String>), LoadError> {
    let corrupt = |e: &dyn std::fmt::Display| LoadError::Corrupt {
        reason: one_line(&e.to_string()),
        path: path.to_path_buf(),
    };
    let reader = ImageReader::new(reader)
        .with_guessed_format()
        .map_err(|e| LoadError::Io {
            source: e,
            path: path.to_path_buf(),
        })?;
    let Some(format) = reader.format() else {
        return Err(LoadError::Unsupported(path.to_path_buf()));
    };
    let format_name = format
        .extensions_str()
        .first()
        .copied()
        .unwrap_or("image")
        .to_string();
    let mut decoder = reader.into_decoder().map_err(|e| classify(&e, path))?;
    let (width, height) = decoder.dimensions();
    check_size(width, height, path, options)?;
    let mut limits = Limits::default();
    // Room for the decoded buffer at 16 bits × 4 channels plus decoder scratch.
    limits.max_alloc = Some(u64::from(width) * u64::from(height) * 8 + (64 << 20));
    decoder.set_limits(limits).map_err(|e| classify(&e, path))?;
    let orientation = decoder.orientation().ok();
    let upright = match orientation {
        Some(
            Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH,
        ) => (height, width),
        _ => (width, height),
    };
    let reduction = options
        .analysis_copy
        .map_or(1, |copy| analysis_reduction(upright, copy));
    // Decoded reduced only when upright already: turning a copy whose last blocks are cut
    // short would move them to the first row or column, off the block grid.
    let unturned = matches!(orientation, None | Some(Orientation::NoTransforms));
    let color = decoder.color_type();
    let source_bits = if color.bytes_per_pixel() / color.channel_count() >= 2 {
        16
    } else {
        8
    };
    let gray_source = !color.has_color();
    let mut damage = None;
    let strict = jpeg.map(|bytes| {
        if reduction > 1 && unturned {
            decode_jpeg_reduced(bytes, reduction)
        } else {
            decode_jpeg_strict(bytes)
        }
    });
    let mut image = match strict {
        Some(Ok(image)) => image,
        Some(Err(reason)) if !allow_damage => {
            return Err(LoadError::CorruptJpeg {
                reason: one_line(&reason),
                path: path.to_path_buf(),
            });
        }
        Some(Err(reason)) => {
            damage = Some(one_line(&reason));
            DynamicImage::from_decoder(decoder).map_err(|e| classify(&e, path))?
        }
        None => DynamicImage::from_decoder(decoder).map_err(|e| classify(&e, path))?,
    };
    if damage.is_none()
        && let Some(bytes) = jpeg
        && check_jpeg_end(bytes, &bytes[bytes.len().saturating_sub(64)..], path).is_err()
    {
        damage = Some(NO_EOI.to_string());
    }
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    let mut rgb = flatten(image);
    if rgb.width() == 0 || rgb.height() == 0 {
        return Err(corrupt(&"decoded to an empty image"));
    }
    let reduced_size = (upright.0.div_ceil(reduction), upright.1.div_ceil(reduction));
    if reduction > 1 && rgb.dimensions() != reduced_size {
        rgb = crate::imgops::reduce_rgb(&rgb, reduction);
    }
    let (reduction, full_size) = if rgb.dimensions() == reduced_size {
        (reduction, upright)
    } else {
        (1, rgb.dimensions())
    };
    let grayscale = gray_source || looks_gray(&rgb);
    Ok((
        LoadedImage {
            rgb,
            grayscale,
            path: path.to_path_buf(),
            format: format_name,
            source_bits,
            reduction,
            full_size,
        },
        damage,
    ))
}

const NO_EOI: &str = "truncated: no end-of-image marker";

/// A JPEG must end with its end-of-image marker (possibly followed by padding); decoders
/// silently fill a cut-off file with grey, which would then be "changed" everywhere.
fn check_jpeg_end(head: &[u8], tail: &[u8], path: &Path) -> Result<(), LoadError> {
    if !is_jpeg(head) {
        return Ok(());
    }
    let trimmed: &[u8] = {
        let mut end = tail.len();
        while end > 0 && (tail[end - 1] == 0 || tail[end - 1].is_ascii_whitespace()) {
            end -= 1;
        }
        &tail[..end]
    };
    if trimmed.ends_with(&[0xFF, 0xD9]) {
        Ok(())
    } else {
        Err(LoadError::CorruptJpeg {
            reason: NO_EOI.into(),
            path: path.to_path_buf(),
        })
    }
}

fn check_size(
    width: u32,
    height: u32,
    path: &Path,
    options: &LoadOptions,
) -> Result<(), LoadError> {
    if width == 0 || height == 0 {
        return Err(LoadError::NoPixels {
            width,
            height,
            path: path.to_path_buf(),
        });
    }
    let mp = f64::from(width) * f64::from(height) / 1e6;
    if mp > options.max_megapixels {
        return Err(LoadError::TooLarge {
            width,
            height,
            mp,
            max_mp: options.max_megapixels,
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

fn classify(e: &image::ImageError, path: &Path) -> LoadError {
    match e {
        image::ImageError::Unsupported(_) => LoadError::Unsupported(path.to_path_buf()),
        image::ImageError::Limits(l) => LoadError::Corrupt {
            reason: format!("decoder limit reached: {l}"),
            path: path.to_path_buf(),
        },
        other => LoadError::Corrupt {
            reason: one_line(&other.to_string()),
            path: path.to_path_buf(),
        },
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Converts to 8-bit RGB, compositing any alpha over white (a print's paper).
fn flatten(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut out = RgbImage::new(w, h);
    for (o, p) in out.pixels_mut().zip(rgba.pixels()) {
        let a = u32::from(p[3]);
        for c in 0..3 {
            let v = (u32::from(p[c]) * a + 255 * (255 - a) + 127) / 255;
            o[c] = u8::try_from(v).unwrap_or(255);
        }
    }
    out
}

/// True when a colour image carries no colour: channels within a few levels almost everywhere.
/// Checked on a sparse grid, so it costs little even on a 24 MP scan.
fn looks_gray(rgb: &RgbImage) -> bool {
    let (w, h) = rgb.dimensions();
    let step = ((u64::from(w) * u64::from(h) / 40_000).max(1) as f64)
        .sqrt()
        .ceil() as u32;
    let (mut total, mut colourful) = (0u32, 0u32);
    for y in (0..h).step_by(step as usize) {
        for x in (0..w).step_by(step as usize) {
            let p = rgb.get_pixel(x, y);
            let spread = p.0.iter().max().unwrap_or(&0) - p.0.iter().min().unwrap_or(&0);
            total += 1;
            if spread > 6 {
                colourful += 1;
            }
        }
    }
    colourful * 100 <= total
}

/// Reads at most `n` bytes from the start of a file (for sniffing and hashing helpers).
///
/// # Errors
/// The I/O error of opening or reading.
pub fn read_prefix(path: &Path, n: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(n);
    File::open(path)?.take(n as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, Rgb};

    fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn decodes_png_and_flags_gray() {
        let img = DynamicImage::ImageLuma8(image::GrayImage::from_pixel(4, 3, image::Luma([90])));
        let bytes = encode(&img, ImageFormat::Png);
        let loaded =
            load_image_from_bytes(&bytes, Path::new("x.png"), &LoadOptions::default()).unwrap();
        assert_eq!(loaded.rgb.dimensions(), (4, 3));
        assert!(loaded.grayscale);
        assert_eq!(loaded.rgb.get_pixel(0, 0), &Rgb([90, 90, 90]));
    }

    #[test]
    fn refuses_huge_before_decoding() {
        let img = DynamicImage::ImageRgb8(RgbImage::new(300, 200));
        let bytes = encode(&img, ImageFormat::Bmp);
        let opts = LoadOptions {
            max_megapixels: 0.01,
            ..LoadOptions::default()
        };
        let err = load_image_from_bytes(&bytes, Path::new("big.bmp"), &opts).unwrap_err();
        assert!(matches!(err, LoadError::TooLarge { .. }), "{err}");
    }

    #[test]
    fn truncated_jpeg_is_corrupt() {
        let mut img = RgbImage::new(64, 64);
        for (x, y, p) in img.enumerate_pixels_mut() {
            *p = Rgb([(x * 4) as u8, (y * 4) as u8, 7]);
        }
        let bytes = encode(&DynamicImage::ImageRgb8(img), ImageFormat::Jpeg);
        let cut = &bytes[..bytes.len() / 3];
        let err = load_image_from_bytes(cut, Path::new("cut.jpg"), &LoadOptions::default());
        assert!(err.is_err());
    }

    #[test]
    fn damaged_jpeg_data_is_refused_unless_allowed() {
        let mut img = RgbImage::new(128, 96);
        for (x, y, p) in img.enumerate_pixels_mut() {
            *p = Rgb([(x * 2) as u8, (y * 2) as u8, ((x * y) % 251) as u8]);
        }
        let bytes = encode(&DynamicImage::ImageRgb8(img), ImageFormat::Jpeg);
        let mut bad = bytes.clone();
        let mid = bad.len() / 2;
        let mut s = 7_u32;
        for b in &mut bad[mid..mid + 400] {
            s = s.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            *b = (s >> 16) as u8;
        }
        let name = Path::new("bad.jpg");
        let err = load_image_from_bytes(&bad, name, &LoadOptions::default()).unwrap_err();
        assert!(matches!(err, LoadError::CorruptJpeg { .. }), "{err}");
        assert!(err.to_string().starts_with("corrupt JPEG data ("), "{err}");
        assert!(err.to_string().ends_with(": bad.jpg"), "{err}");
        let (img, damage) = load_bytes(&bad, name, &LoadOptions::default(), true).unwrap();
        assert_eq!(img.rgb.dimensions(), (128, 96));
        assert!(damage.is_some());
        let (_, damage) = load_bytes(&bytes, name, &LoadOptions::default(), true).unwrap();
        assert_eq!(damage, None, "an intact JPEG has no damage");
    }

    #[test]
    fn garbage_is_unsupported() {
        let err = load_image_from_bytes(
            b"hello, not an image",
            Path::new("t.txt"),
            &LoadOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, LoadError::Unsupported(_)), "{err}");
    }
}
