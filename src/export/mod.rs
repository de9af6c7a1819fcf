//! Exports: annotated image, side-by-side composite, slides, animated reveal, PDF handout,
//! W3C Web Annotation and CSV. Every file is written atomically and never over an input image.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use image::{GrayImage, RgbImage};

/// Arguments of `palimpsest export`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ExportArgs {
    /// The project file (NAME.palimpsest.json).
    pub project: PathBuf,
    /// Annotated image (PNG or JPEG by extension).
    #[arg(long, value_name = "F")]
    pub png: Option<PathBuf>,
    /// Folder for one 1920×1080 slide per region plus a title slide.
    #[arg(long, value_name = "DIR")]
    pub slides: Option<PathBuf>,
    /// Animated reveal (GIF).
    #[arg(long, value_name = "F")]
    pub gif: Option<PathBuf>,
    /// PDF handout.
    #[arg(long, value_name = "F")]
    pub pdf: Option<PathBuf>,
    /// W3C Web Annotation collection (JSON-LD).
    #[arg(long, value_name = "F")]
    pub web_annotation: Option<PathBuf>,
}

/// Runs `palimpsest export`.
///
/// # Errors
/// Any failure to read the project or write an output.
pub fn run_cli(args: &ExportArgs) -> Result<()> {
    bail!("export is not available yet: {}", args.project.display())
}

/// Writes bytes to `path` atomically: a temporary file in the same folder, flushed and synced,
/// then renamed over the target.
///
/// # Errors
/// Any I/O failure, with the path.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("not a file path: {}", path.display()))?
        .to_string_lossy()
        .into_owned();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

fn encode(img: image::DynamicImage, path: &Path) -> Result<Vec<u8>> {
    let format = image::ImageFormat::from_path(path).unwrap_or(image::ImageFormat::Png);
    let img = if format == image::ImageFormat::Jpeg {
        image::DynamicImage::ImageRgb8(img.into_rgb8())
    } else {
        img
    };
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format)
        .with_context(|| format!("cannot encode {}", path.display()))?;
    Ok(out.into_inner())
}

/// Saves an 8-bit grayscale image atomically as PNG (whatever the extension says).
///
/// # Errors
/// Encoding or I/O failure.
pub fn save_png_gray(img: &GrayImage, path: &Path) -> Result<()> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(img.clone())
        .write_to(&mut out, image::ImageFormat::Png)
        .with_context(|| format!("cannot encode {}", path.display()))?;
    write_atomic(path, &out.into_inner())
}

/// Saves an RGB image atomically in the format its extension names (PNG when unknown).
///
/// # Errors
/// Encoding or I/O failure.
pub fn save_rgb(img: &RgbImage, path: &Path) -> Result<()> {
    let bytes = encode(image::DynamicImage::ImageRgb8(img.clone()), path)?;
    write_atomic(path, &bytes)
}
