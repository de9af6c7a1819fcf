//! Exports: annotated image, side-by-side composite, slides, animated reveal (GIF and APNG),
//! PDF handout, W3C Web Annotation and CSV, and the `palimpsest export` command that writes
//! them from a saved project.
//!
//! Every export is a pure function of an [`ExportInput`] (the project, the essay and the two
//! decoded images, the after image already warped into the before image's frame), so the CLI,
//! the app's File menu and the tests call the same code on in-memory data. Files are written
//! atomically ([`write_atomic`]) and never over either source image. This module does not
//! detect or align anything, and draws nothing on screen: the app's presentation mode mirrors
//! the slide layout documented in [`slides`].

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use image::{GrayImage, RgbImage};

use crate::essay::Essay;
use crate::project::Project;

pub mod annotated;
pub mod content;
pub mod draw;
pub mod pdf;
pub mod regions_csv;
pub mod reveal;
pub mod slides;
pub mod web_annotation;

pub use annotated::{annotated_image, side_by_side};
pub use pdf::pdf_handout;
pub use regions_csv::csv;
pub use reveal::{
    RevealFrame, RevealOptions, encode_apng, encode_gif, reveal_frame_count, reveal_frames,
    write_apng, write_gif,
};
pub use slides::{SLIDE_HEIGHT, SLIDE_WIDTH, slides};
pub use web_annotation::{WebAnnotationOptions, web_annotation};

/// Which image a raster export draws the outlines on.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Base {
    /// The original (before) image.
    #[default]
    Before,
    /// The doctored print (after), warped into the original's frame.
    After,
}

/// Paper size of the PDF handout.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PageSize {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl PageSize {
    /// Width and height in PDF points (1/72 in).
    #[must_use]
    pub fn points(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (595.276, 841.89),
            PageSize::Letter => (612.0, 792.0),
        }
    }
}

/// What every export is made from: the document, the essay its links point into, and the two
/// images in the before image's pixel frame.
#[derive(Clone, Copy, Debug)]
pub struct ExportInput<'a> {
    /// The document: title, provenance, regions and notes.
    pub project: &'a Project,
    /// The essay the regions link to.
    pub essay: &'a Essay,
    /// The original, as decoded (EXIF orientation applied).
    pub before: &'a RgbImage,
    /// The doctored print warped into the before image's frame (see
    /// [`crate::align::warp::warp_rgb`]); same size as `before`.
    pub after_aligned: &'a RgbImage,
}

impl ExportInput<'_> {
    /// The image a raster export draws on.
    #[must_use]
    pub fn base_image(&self, base: Base) -> &RgbImage {
        match base {
            Base::Before => self.before,
            Base::After => self.after_aligned,
        }
    }
}

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
    /// The regions as CSV.
    #[arg(long, value_name = "F")]
    pub csv: Option<PathBuf>,
    /// Before and after side by side with the same outlines (PNG or JPEG by extension).
    #[arg(long, value_name = "F")]
    pub side_by_side: Option<PathBuf>,
    /// Animated reveal (APNG).
    #[arg(long, value_name = "F")]
    pub apng: Option<PathBuf>,
    /// Paper size of the PDF handout.
    #[arg(long, value_enum, default_value_t = PageSize::A4)]
    pub page_size: PageSize,
    /// Image the annotated image and the slides are drawn on.
    #[arg(long, value_enum, default_value_t = Base::Before)]
    pub base: Base,
    /// IRI of the before image in the Web Annotation targets (default: its file name).
    #[arg(long, value_name = "IRI")]
    pub image_iri: Option<String>,
}

/// A project with its images decoded and the after image aligned, ready to export.
#[derive(Clone, Debug)]
pub struct LoadedProject {
    /// The document, image paths as stored.
    pub project: Project,
    /// The essay its links point into (the bundled one unless the project names another).
    pub essay: Essay,
    /// The before image's file.
    pub before_path: PathBuf,
    /// The after image's file.
    pub after_path: PathBuf,
    /// The original, decoded.
    pub before: RgbImage,
    /// The doctored print warped into the original's frame.
    pub after_aligned: RgbImage,
}

impl LoadedProject {
    /// The export input borrowing this project.
    #[must_use]
    pub fn input(&self) -> ExportInput<'_> {
        ExportInput {
            project: &self.project,
            essay: &self.essay,
            before: &self.before,
            after_aligned: &self.after_aligned,
        }
    }
}

/// The after image in the before image's frame: warped by the project's alignment, or, with
/// none, stretched to the before image's size.
#[must_use]
pub fn align_after(before: &RgbImage, after: &RgbImage, project: &Project) -> RgbImage {
    let (w, h) = before.dimensions();
    match &project.alignment {
        Some(a) => crate::align::warp::warp_rgb(after, &a.before_from_after, w, h).0,
        None if after.dimensions() == (w, h) => after.clone(),
        None => image::imageops::resize(after, w, h, image::imageops::FilterType::Triangle),
    }
}

/// Loads a project file ([`Project::load`]: image and essay paths resolved against its
/// folder), its essay and both images, and aligns the after image. An image whose bytes differ
/// from those the project was saved with is exported all the same, with a warning on stderr.
///
/// # Errors
/// An unreadable project, essay or image, each with its path.
pub fn load_project(path: &Path) -> Result<LoadedProject> {
    let loaded = Project::load(path)
        .with_context(|| format!("cannot open the project {}", path.display()))?;
    for problem in &loaded.problems {
        if !matches!(problem.kind, crate::project::ImageProblemKind::Missing) {
            eprintln!("warning: {problem}");
        }
    }
    let project = loaded.project;
    let before_path = project.before.path.clone();
    let after_path = project.after.path.clone();
    let essay = match &project.essay {
        Some(p) => Essay::load(p).context("the project's essay")?,
        None => Essay::bundled(),
    };
    let opts = crate::io::LoadOptions::default();
    let (before, after) = rayon::join(
        || crate::io::load_image(&before_path, &opts),
        || crate::io::load_image(&after_path, &opts),
    );
    let before = before.context("before image")?.rgb;
    let after = after.context("after image")?.rgb;
    let after_aligned = align_after(&before, &after, &project);
    Ok(LoadedProject {
        project,
        essay,
        before_path,
        after_path,
        before,
        after_aligned,
    })
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Fails when `out` would overwrite one of `inputs`.
///
/// # Errors
/// `out` names the same file as an input.
pub fn refuse_overwrite(out: &Path, inputs: &[&Path]) -> Result<()> {
    for input in inputs {
        if same_file(out, input) {
            bail!("refusing to overwrite an input file: {}", out.display());
        }
    }
    Ok(())
}

/// File name of slide `index` (0 = the title slide) for region `id`.
#[must_use]
pub fn slide_file_name(index: usize, id: Option<u32>) -> String {
    match id {
        None => format!("{index:02}-title.png"),
        Some(id) => format!("{index:02}-region-{id}.png"),
    }
}

fn encode_png(img: &RgbImage) -> Result<Vec<u8>> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .context("cannot encode a PNG")?;
    Ok(out.into_inner())
}

/// Writes the slides into `dir` (created if missing) as `00-title.png`, `01-region-N.png`, …,
/// refusing to overwrite any of `inputs`; returns the files written.
///
/// # Errors
/// A folder or file that cannot be written.
pub fn write_slides(
    input: &ExportInput<'_>,
    base: Base,
    dir: &Path,
    inputs: &[&Path],
) -> Result<Vec<PathBuf>> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let regions = content::visible_regions(input.project);
    let ids: Vec<Option<u32>> = std::iter::once(None)
        .chain(regions.iter().map(|r| Some(r.id)))
        .collect();
    let paths: Vec<PathBuf> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| dir.join(slide_file_name(i, *id)))
        .collect();
    for p in &paths {
        refuse_overwrite(p, inputs)?;
    }
    let images = slides(input, base);
    images
        .par_iter()
        .zip(paths.par_iter())
        .map(|(img, path)| write_atomic(path, &encode_png(img)?))
        .collect::<Result<Vec<()>>>()?;
    Ok(paths)
}

/// Runs `palimpsest export`: loads the project and writes every output asked for.
///
/// # Errors
/// No output asked for, an unreadable project or image, an output that would overwrite an
/// input, or any failure to write an output.
pub fn run_cli(args: &ExportArgs) -> Result<()> {
    let outputs: Vec<&PathBuf> = [
        &args.png,
        &args.side_by_side,
        &args.gif,
        &args.apng,
        &args.pdf,
        &args.web_annotation,
        &args.csv,
    ]
    .into_iter()
    .flatten()
    .collect();
    if outputs.is_empty() && args.slides.is_none() {
        bail!(
            "nothing to export: give one or more of --png, --side-by-side, --slides, --gif, --apng, --pdf, --web-annotation, --csv"
        );
    }
    let loaded = load_project(&args.project)?;
    let inputs = [
        loaded.before_path.as_path(),
        loaded.after_path.as_path(),
        args.project.as_path(),
    ];
    for out in &outputs {
        refuse_overwrite(out, &inputs)?;
    }
    let input = loaded.input();
    let mut written: Vec<PathBuf> = Vec::new();
    if let Some(path) = &args.png {
        save_rgb(&annotated_image(&input, args.base), path)?;
        written.push(path.clone());
    }
    if let Some(path) = &args.side_by_side {
        save_rgb(&side_by_side(&input), path)?;
        written.push(path.clone());
    }
    if let Some(dir) = &args.slides {
        written.extend(write_slides(&input, args.base, dir, &inputs)?);
    }
    if args.gif.is_some() || args.apng.is_some() {
        let frames = reveal_frames(&input, &RevealOptions::default());
        if let Some(path) = &args.gif {
            write_gif(&frames, path)?;
            written.push(path.clone());
        }
        if let Some(path) = &args.apng {
            write_apng(&frames, path)?;
            written.push(path.clone());
        }
    }
    if let Some(path) = &args.pdf {
        let bytes = pdf_handout(&input, args.base, args.page_size)
            .with_context(|| format!("PDF {}", path.display()))?;
        write_atomic(path, &bytes)?;
        written.push(path.clone());
    }
    if let Some(path) = &args.web_annotation {
        let options = WebAnnotationOptions {
            image_iri: args.image_iri.clone(),
            ..WebAnnotationOptions::default()
        };
        let value = web_annotation(input.project, input.essay, &options);
        let text =
            serde_json::to_string_pretty(&value).context("serialising the Web Annotation")?;
        write_atomic(path, text.as_bytes())?;
        written.push(path.clone());
    }
    if let Some(path) = &args.csv {
        write_atomic(path, csv(input.project).as_bytes())?;
        written.push(path.clone());
    }
    for path in &written {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        eprintln!("wrote {} ({:.1} KB)", path.display(), size as f64 / 1024.0);
    }
    Ok(())
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
