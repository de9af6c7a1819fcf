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

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use image::{GrayImage, RgbImage};

use crate::essay::Essay;
use crate::project::Project;

pub mod annotated;
pub mod content;
pub mod draw;
pub mod iiif;
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
pub use slides::{SLIDE_HEIGHT, SLIDE_WIDTH, slide_at, slides};
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
    /// The regions as CSV (RFC 4180, UTF-8; cells a spreadsheet would run as a formula are
    /// neutralised).
    #[arg(long, value_name = "F")]
    pub csv: Option<PathBuf>,
    /// Write the CSV for Excel: with a UTF-8 byte-order mark, so Cyrillic and other non-Latin
    /// text opens correctly.
    #[arg(long, requires = "csv")]
    pub csv_excel: bool,
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
    /// Absolute IRI of the before image in the Web Annotation targets (default: the image's
    /// file:// URI).
    #[arg(long, value_name = "IRI", value_parser = absolute_iri)]
    pub image_iri: Option<String>,
    /// IIIF Presentation 3 manifest: a canvas per image, the regions as an annotation page on
    /// the original's canvas.
    #[arg(long, value_name = "MANIFEST.json")]
    pub iiif: Option<PathBuf>,
    /// Where the IIIF manifest and both image files will be served from (an http or https
    /// URL of a folder); the manifest's ids and image URLs are made from it.
    #[arg(long, value_name = "URL", value_parser = http_base, default_value = iiif::DEFAULT_BASE, requires = "iiif")]
    pub iiif_base: String,
}

fn absolute_iri(s: &str) -> Result<String, String> {
    if web_annotation::is_absolute_iri(s) {
        Ok(s.to_string())
    } else {
        Err("not an absolute IRI (such as https://example.org/photo.jpg)".to_string())
    }
}

fn http_base(s: &str) -> Result<String, String> {
    if web_annotation::is_absolute_iri(s) && (s.starts_with("http://") || s.starts_with("https://"))
    {
        Ok(s.to_string())
    } else {
        Err("not an http:// or https:// URL".to_string())
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

/// Loads a project file ([`Project::load`]: image and essay paths resolved against its
/// folder), its essay and both images, and aligns the after image. An image whose bytes differ
/// from those the project was saved with, or that lies outside the project's folder, is
/// exported all the same, with a warning on stderr.
///
/// # Errors
/// An unreadable project, essay or image, each with its path.
pub fn load_project(path: &Path) -> Result<LoadedProject> {
    decode_project(open_project(path)?)
}

/// Reads a project file and its essay, warning on stderr about images that changed or lie
/// outside the project's folder and about broken essay links; decodes no image.
///
/// # Errors
/// An unreadable or invalid project, or an unreadable essay, each with its path.
pub fn open_project(path: &Path) -> Result<(Project, Essay)> {
    let (project, essay, notes) = read_project(path)?;
    for n in notes {
        eprintln!("{n}");
    }
    Ok((project, essay))
}

/// [`open_project`], the warnings returned rather than printed.
fn read_project(path: &Path) -> Result<(Project, Essay, Vec<String>)> {
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

/// Decodes both images of an opened project and aligns the after image.
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

/// The files [`write_slides`] writes into `dir` for `project`, in slide order.
#[must_use]
pub fn slide_paths(project: &Project, dir: &Path) -> Vec<PathBuf> {
    std::iter::once(None)
        .chain(content::visible_regions(project).iter().map(|r| Some(r.id)))
        .enumerate()
        .map(|(i, id)| dir.join(slide_file_name(i, id)))
        .collect()
}

/// Writes the slides into `dir` (created if missing) as `00-title.png`, `01-region-N.png`, …,
/// refusing to overwrite any of `inputs`; returns the files written. Nothing is left behind
/// when it fails.
///
/// # Errors
/// A folder or file that cannot be written, or a slide that would overwrite an input.
pub fn write_slides(
    input: &ExportInput<'_>,
    base: Base,
    dir: &Path,
    inputs: &[&Path],
) -> Result<Vec<PathBuf>> {
    let mut set = crate::output::OutputSet::new();
    for i in inputs {
        set.input(i);
    }
    let paths = slide_paths(input.project, dir);
    for p in &paths {
        set.output(p)?;
    }
    stage_slides(input, base, &paths, &set)?;
    Ok(set.commit()?)
}

fn stage_slides(
    input: &ExportInput<'_>,
    base: Base,
    paths: &[PathBuf],
    set: &crate::output::OutputSet,
) -> Result<()> {
    use rayon::prelude::*;
    // One slide at a time per thread: a deck of a thousand regions never sits in memory.
    let regions = content::regions_content(input.project, input.essay);
    paths
        .par_iter()
        .enumerate()
        .map(|(i, path)| {
            let img = slides::slide_of(input, base, &regions, i)
                .with_context(|| format!("no slide {i}: {}", path.display()))?;
            Ok(set.write(path, &encode_png(&img)?)?)
        })
        .collect::<Result<Vec<()>>>()?;
    Ok(())
}

/// A mistake in how a command was called (exit status 2), as opposed to a failure while
/// running it (exit status 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Runs `palimpsest export`: reads the project, checks every output against every input and
/// against each other before any work, then renders everything and moves the files into
/// place only when all have succeeded.
///
/// # Errors
/// No output asked for ([`UsageError`]), an unreadable project or image, an output that would
/// overwrite an input or another output, or any failure to write an output.
pub fn run_cli(args: &ExportArgs) -> Result<()> {
    let named: Vec<&PathBuf> = [
        &args.png,
        &args.side_by_side,
        &args.gif,
        &args.apng,
        &args.pdf,
        &args.web_annotation,
        &args.iiif,
        &args.csv,
    ]
    .into_iter()
    .flatten()
    .collect();
    if named.is_empty() && args.slides.is_none() {
        return Err(UsageError(
            "nothing to export: give one or more of --png, --side-by-side, --slides, --gif, --apng, --pdf, --web-annotation, --iiif, --csv".to_owned(),
        )
        .into());
    }
    let (project, essay, notes) = read_project(&args.project)?;
    let mut set = crate::output::OutputSet::new();
    set.input(&args.project);
    set.input(&project.before.path);
    set.input(&project.after.path);
    if let Some(e) = &project.essay {
        set.input(e);
    }
    for out in &named {
        set.output(out)?;
    }
    let slide_paths = args
        .slides
        .as_ref()
        .map(|dir| slide_paths(&project, dir))
        .unwrap_or_default();
    for p in &slide_paths {
        set.output(p)?;
    }
    for n in notes {
        eprintln!("{n}");
    }
    let loaded = decode_project((project, essay))?;
    let input = loaded.input();
    // Annotations are as old as the project file's last save.
    let created = std::fs::metadata(&args.project)
        .and_then(|m| m.modified())
        .ok()
        .map(web_annotation::utc_date_time);
    if let Some(path) = &args.png {
        set.write(
            path,
            &encode_image(&annotated_image(&input, args.base), path)?,
        )?;
    }
    if let Some(path) = &args.side_by_side {
        set.write(path, &encode_image(&side_by_side(&input), path)?)?;
    }
    if args.slides.is_some() {
        stage_slides(&input, args.base, &slide_paths, &set)?;
    }
    if args.gif.is_some() || args.apng.is_some() {
        let frames = reveal_frames(&input, &RevealOptions::default());
        if let Some(path) = &args.gif {
            set.write(path, &encode_gif(&frames)?)?;
        }
        if let Some(path) = &args.apng {
            set.write(path, &encode_apng(&frames)?)?;
        }
    }
    if let Some(path) = &args.pdf {
        let bytes = pdf_handout(&input, args.base, args.page_size)
            .map_err(|e| anyhow::anyhow!("cannot make the PDF ({e:#}): {}", path.display()))?;
        set.write(path, &bytes)?;
    }
    if let Some(path) = &args.web_annotation {
        let options = WebAnnotationOptions {
            image_iri: args.image_iri.clone(),
            created: created.clone(),
            ..WebAnnotationOptions::default()
        };
        let value = web_annotation(input.project, input.essay, &options);
        let text =
            serde_json::to_string_pretty(&value).context("serialising the Web Annotation")?;
        set.write(path, text.as_bytes())?;
    }
    if let Some(path) = &args.iiif {
        let name = path
            .file_name()
            .map_or_else(|| "manifest.json".into(), |n| n.to_string_lossy());
        let value = iiif::manifest(&loaded, &args.iiif_base, &name, created.as_deref());
        let text = serde_json::to_string_pretty(&value).context("serialising the manifest")?;
        set.write(path, text.as_bytes())?;
    }
    if let Some(path) = &args.csv {
        let text = csv(input.project);
        let text = if args.csv_excel {
            regions_csv::with_excel_bom(&text)
        } else {
            text
        };
        set.write(path, text.as_bytes())?;
    }
    for path in set.commit()? {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        eprintln!("wrote {} ({:.1} KB)", path.display(), size as f64 / 1024.0);
    }
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

/// Saves an RGB image atomically in the format its extension names (PNG when unknown).
///
/// # Errors
/// Encoding or I/O failure.
pub fn save_rgb(img: &RgbImage, path: &Path) -> Result<()> {
    write_atomic(path, &encode_image(img, path)?)
}
