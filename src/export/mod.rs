//! Exports: annotated image, side-by-side composite, slides, animated reveal (GIF and APNG),
//! PDF handout, W3C Web Annotation, IIIF manifest, CSV, and the offline lesson page and
//! spot-the-change quiz (HTML). The `palimpsest export` command
//! that writes them from a saved project is the binary's; nothing here parses arguments or
//! prints.
//!
//! Every export is a pure function of an [`ExportInput`] (the project, the essay and the two
//! decoded images, the after image already warped into the before image's frame), so the CLI,
//! the app's File menu and the tests call the same code on in-memory data. Files are written
//! atomically ([`write_atomic`]) and never over either source image. This module does not
//! detect or align anything, and draws nothing on screen: the app's presentation mode mirrors
//! the slide layout documented in [`slides`].

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use image::{GrayImage, RgbImage};

use crate::essay::Essay;
use crate::job::Job;
use crate::project::Project;

pub mod annotated;
pub mod caption;
pub mod content;
pub mod draw;
pub mod iiif;
pub mod lesson;
pub mod pdf;
pub mod quiz;
pub mod regions_csv;
pub mod reveal;
pub mod slides;
pub mod web_annotation;

pub use annotated::{annotated_image, side_by_side};
pub use lesson::{LessonOptions, page as lesson_page};
pub use pdf::pdf_handout;
pub use regions_csv::csv;
pub use reveal::{
    RevealFrame, RevealOptions, encode_apng, encode_gif, reveal_chain_frames, reveal_frame_count,
    reveal_frames,
};
pub use slides::{SLIDE_HEIGHT, SLIDE_WIDTH, slide_at, slides};
pub use web_annotation::{WebAnnotationOptions, web_annotation};

/// Which image a raster export draws the outlines on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Base {
    /// The original (before) image.
    #[default]
    Before,
    /// The doctored print (after), warped into the original's frame.
    After,
}

/// Paper size of the PDF handout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
    /// The doctored print's own width and height, as decoded.
    pub after_size: (u32, u32),
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

/// Reads a project file and its essay; decodes no image. Also returns a line for each
/// image that changed since the save or lies outside the project's folder, and for each
/// broken essay link, for the caller to show.
///
/// # Errors
/// An unreadable or invalid project, or an unreadable essay, each with its path.
pub fn read_project(path: &Path) -> Result<(Project, Essay, Vec<String>)> {
    let mut notes = Vec::new();
    let crate::project::LoadedProject {
        project,
        path: file,
        problems,
        ..
    } = Project::load(path)?;
    for problem in &problems {
        if !matches!(problem.kind, crate::project::ImageProblemKind::Missing) {
            notes.push(format!("warning: {problem}"));
        }
    }
    let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
    for which in crate::project::Which::BOTH {
        let image = &project.image(which).path;
        if !image.as_os_str().is_empty() && !image.starts_with(&folder) {
            notes.push(format!(
                "note: the {} image is outside the project's folder: {}",
                which.name(),
                image.display()
            ));
        }
    }
    let essay = match &project.essay {
        Some(p) => Essay::load(p)?,
        None => Essay::bundled(),
    };
    for d in project.dangling_links(&essay) {
        notes.push(format!(
            "warning: region {} links to a passage the essay does not have ({}): {}",
            d.region_id,
            content::shorten(&d.anchor, 80, "…"),
            file.display()
        ));
    }
    Ok((project, essay, notes))
}

/// Decodes both images of a read project ([`read_project`]) and aligns the after image.
///
/// # Errors
/// An unreadable or corrupt image, with its path.
pub fn decode_project((project, essay): (Project, Essay)) -> Result<LoadedProject> {
    let before_path = project.before.path.clone();
    let after_path = project.after.path.clone();
    let opts = crate::io::LoadOptions::default();
    let (before, after) = rayon::join(
        || crate::io::load_image(&before_path, &opts),
        || crate::io::load_image(&after_path, &opts),
    );
    let before = before
        .map_err(|e| anyhow::anyhow!("before image: {e}"))?
        .rgb;
    let after = after.map_err(|e| anyhow::anyhow!("after image: {e}"))?.rgb;
    let after_aligned = align_after(&before, &after, &project);
    Ok(LoadedProject {
        project,
        essay,
        before_path,
        after_path,
        before,
        after_aligned,
        after_size: after.dimensions(),
    })
}

/// The versions of `project`'s chain after the first two, each decoded and warped into the
/// first version's frame of `width × height` (for the reveal of a whole chain).
///
/// # Errors
/// A version cannot be read, or has no alignment yet.
pub fn later_versions_aligned(project: &Project, width: u32, height: u32) -> Result<Vec<RgbImage>> {
    let opts = crate::io::LoadOptions::default();
    project
        .later
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let number = i + 3;
            let alignment = v
                .alignment
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("version {number} is not aligned yet"))?;
            let img = crate::io::load_image(&v.image.path, &opts)
                .map_err(|e| anyhow::anyhow!("version {number} image: {e}"))?;
            Ok(
                crate::align::warp::warp_rgb(&img.rgb, &alignment.before_from_after, width, height)
                    .0,
            )
        })
        .collect()
}

/// Fails when `out` would overwrite one of `inputs` (the same file through any link, or the
/// same place).
///
/// # Errors
/// `out` names the same file as an input.
pub fn refuse_overwrite(out: &Path, inputs: &[&Path]) -> Result<()> {
    let mut set = crate::output::OutputSet::new();
    for input in inputs {
        set.input(input);
    }
    set.output(out)?;
    Ok(())
}

/// File name of slide `index` (0 = the title slide) for page `page` of region `id`'s caption
/// (0 its first slide, then its continuations: `03-region-2-cont1.png`).
#[must_use]
pub fn slide_file_name(index: usize, id: Option<u32>, page: usize) -> String {
    match (id, page) {
        (None, _) => format!("{index:02}-title.png"),
        (Some(id), 0) => format!("{index:02}-region-{id}.png"),
        (Some(id), p) => format!("{index:02}-region-{id}-cont{p}.png"),
    }
}

fn encode_png(img: &RgbImage) -> Result<Vec<u8>> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .context("cannot encode a PNG")?;
    Ok(out.into_inner())
}

/// The files the slides of `project` go to in `dir`, in slide order: `00-title.png`,
/// `01-region-N.png`, a long caption's continuations `02-region-N-cont1.png`, …
#[must_use]
pub fn slide_paths(project: &Project, essay: &Essay, dir: &Path) -> Vec<PathBuf> {
    let deck = slides::Deck::new(project, essay);
    deck.slides
        .iter()
        .enumerate()
        .map(|(i, s)| match *s {
            slides::Slide::Title => dir.join(slide_file_name(i, None, 0)),
            slides::Slide::Region { region, page } => dir.join(slide_file_name(
                i,
                deck.regions.get(region).map(|r| r.region.id),
                page,
            )),
        })
        .collect()
}

/// Renders the slides of `input` into `set`'s staged files at `paths` (from [`slide_paths`]),
/// one slide at a time per thread. Each slide first checks `job`'s cancel flag, and each one
/// staged is counted ("slides"); the caller commits `set` (or drops it, leaving nothing).
///
/// # Errors
/// A slide that cannot be rendered, encoded or staged, or [`crate::job::Cancelled`] once the
/// job is cancelled.
pub fn stage_slides(
    input: &ExportInput<'_>,
    base: Base,
    paths: &[PathBuf],
    set: &crate::output::OutputSet,
    job: Job<'_>,
) -> Result<()> {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    // One slide at a time per thread: a deck of a thousand regions never sits in memory.
    let deck = slides::Deck::new(input.project, input.essay);
    let total = paths.len();
    let done = AtomicUsize::new(0);
    job.count("slides", 0, total);
    paths
        .par_iter()
        .enumerate()
        .map(|(i, path)| {
            job.check()?;
            let img = slides::slide_of(input, base, &deck, i)
                .with_context(|| format!("no slide {i}: {}", path.display()))?;
            set.write(path, &encode_png(&img)?)?;
            job.count("slides", done.fetch_add(1, Ordering::Relaxed) + 1, total);
            Ok(())
        })
        .collect::<Result<Vec<()>>>()?;
    Ok(())
}

/// Writes bytes to `path` atomically ([`crate::output::write_atomic`]): a new temporary file
/// in the same folder, flushed and synced, then renamed over the target.
///
/// # Errors
/// Any I/O failure, with the path.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::output::write_atomic(path, bytes)
        .map_err(|e| anyhow::anyhow!("cannot write ({e}): {}", path.display()))
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

/// An RGB image encoded in the format `path`'s extension names (PNG when unknown).
///
/// # Errors
/// Encoding failure.
pub fn encode_image(img: &RgbImage, path: &Path) -> Result<Vec<u8>> {
    encode(image::DynamicImage::ImageRgb8(img.clone()), path)
}
