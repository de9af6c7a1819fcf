//! `palimpsest export`: its arguments, and the run that checks every output against every
//! input before any work, renders, and moves the files into place only when all succeeded.
//! What each export looks like is the library's ([`palimpsest::export`]).

use std::path::PathBuf;

use anyhow::{Context, Result};
use palimpsest::export::{self, Base, PageSize};
use palimpsest::job::Job;
use palimpsest::output::OutputSet;

use super::UsageError;

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
    /// Make the PDF a worksheet instead of the handout: the pair without outlines, a map of
    /// where to look, a numbered question with lines to write on for each region, and the
    /// answers on a page of their own after the questions.
    #[arg(long, requires = "pdf")]
    pub worksheet: bool,
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
    #[arg(long, value_enum, default_value_t = PageSizeArg::A4)]
    pub page_size: PageSizeArg,
    /// Image the annotated image and the slides are drawn on.
    #[arg(long, value_enum, default_value_t = BaseArg::Before)]
    pub base: BaseArg,
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
    #[arg(long, value_name = "URL", value_parser = http_base, default_value = export::iiif::DEFAULT_BASE, requires = "iiif")]
    pub iiif_base: String,
    /// The lesson page: one self-contained HTML file (pictures, outlines, notes, the essay and
    /// credits inside it; nothing fetched), for students to open offline.
    #[arg(long, value_name = "LESSON.html")]
    pub html: Option<PathBuf>,
    /// Make the HTML page a spot-the-change quiz: the altered print alone to mark, then a
    /// reveal with a score.
    #[arg(long, requires = "html")]
    pub quiz: bool,
    /// Longest side, in pixels, of the pictures embedded in the HTML page (larger scans are
    /// reduced to it).
    #[arg(long, value_name = "N", default_value_t = export::lesson::DEFAULT_MAX_SIDE,
          value_parser = clap::value_parser!(u32).range(i64::from(*export::lesson::MAX_SIDE_RANGE.start())..=i64::from(*export::lesson::MAX_SIDE_RANGE.end())),
          requires = "html")]
    pub html_max_side: u32,
}

fn absolute_iri(s: &str) -> Result<String, String> {
    if export::web_annotation::is_absolute_iri(s) {
        Ok(s.to_string())
    } else {
        Err("not an absolute IRI (such as https://example.org/photo.jpg)".to_string())
    }
}

fn http_base(s: &str) -> Result<String, String> {
    if export::web_annotation::is_absolute_iri(s)
        && (s.starts_with("http://") || s.starts_with("https://"))
    {
        Ok(s.to_string())
    } else {
        Err("not an http:// or https:// URL".to_string())
    }
}

/// `--base`: which image a raster export draws the outlines on.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BaseArg {
    /// The original (before) image.
    #[default]
    Before,
    /// The doctored print (after), warped into the original's frame.
    After,
}

impl From<BaseArg> for Base {
    fn from(b: BaseArg) -> Self {
        match b {
            BaseArg::Before => Base::Before,
            BaseArg::After => Base::After,
        }
    }
}

/// `--page-size`: paper size of the PDF handout.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PageSizeArg {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl From<PageSizeArg> for PageSize {
    fn from(p: PageSizeArg) -> Self {
        match p {
            PageSizeArg::A4 => PageSize::A4,
            PageSizeArg::Letter => PageSize::Letter,
        }
    }
}

/// Runs `palimpsest export`: reads the project, checks every output against every input and
/// against each other before any work, then renders everything and moves the files into
/// place only when all have succeeded.
///
/// # Errors
/// No output asked for ([`UsageError`]), an unreadable project or image, an output that would
/// overwrite an input or another output, or any failure to write an output.
pub fn run(args: &ExportArgs) -> Result<()> {
    let named: Vec<&PathBuf> = [
        &args.png,
        &args.side_by_side,
        &args.gif,
        &args.apng,
        &args.pdf,
        &args.web_annotation,
        &args.iiif,
        &args.csv,
        &args.html,
    ]
    .into_iter()
    .flatten()
    .collect();
    if named.is_empty() && args.slides.is_none() {
        return Err(UsageError(
            "nothing to export: give one or more of --png, --side-by-side, --slides, --gif, --apng, --pdf, --web-annotation, --iiif, --csv, --html".to_owned(),
        )
        .into());
    }
    let (project, essay, notes) = export::read_project(&args.project)?;
    let mut set = OutputSet::new();
    set.input(&args.project);
    set.input(&project.before.path);
    set.input(&project.after.path);
    for v in &project.later {
        set.input(&v.image.path);
    }
    if let Some(e) = &project.essay {
        set.input(e);
    }
    for out in &named {
        set.output(out)?;
    }
    let slide_paths = args
        .slides
        .as_ref()
        .map(|dir| export::slide_paths(&project, &essay, dir))
        .unwrap_or_default();
    for p in &slide_paths {
        set.output(p)?;
    }
    for n in notes {
        eprintln!("{n}");
    }
    let loaded = export::decode_project((project, essay))?;
    let input = loaded.input();
    // Annotations are as old as the project file's last save.
    let created = std::fs::metadata(&args.project)
        .and_then(|m| m.modified())
        .ok()
        .map(export::web_annotation::utc_date_time);
    if let Some(path) = &args.png {
        set.write(
            path,
            &export::encode_image(&export::annotated_image(&input, args.base.into()), path)?,
        )?;
    }
    if let Some(path) = &args.side_by_side {
        set.write(
            path,
            &export::encode_image(&export::side_by_side(&input), path)?,
        )?;
    }
    if args.slides.is_some() {
        export::stage_slides(&input, args.base.into(), &slide_paths, &set, Job::none())?;
    }
    if args.gif.is_some() || args.apng.is_some() {
        let options = export::RevealOptions::default();
        let frames = if input.project.is_chain() {
            let (w, h) = input.before.dimensions();
            let later = export::later_versions_aligned(input.project, w, h)?;
            export::reveal_chain_frames(&input, &later, &options)
        } else {
            export::reveal_frames(&input, &options)
        };
        if let Some(path) = &args.gif {
            set.write(path, &export::encode_gif(&frames, Job::none())?)?;
        }
        if let Some(path) = &args.apng {
            set.write(path, &export::encode_apng(&frames, Job::none())?)?;
        }
    }
    if let Some(path) = &args.pdf {
        let bytes = if args.worksheet {
            export::pdf::pdf_worksheet(&input, args.page_size.into(), Job::none())
        } else {
            export::pdf_handout(&input, args.base.into(), args.page_size.into(), Job::none())
        }
        .map_err(|e| anyhow::anyhow!("cannot make the PDF ({e:#}): {}", path.display()))?;
        set.write(path, &bytes)?;
    }
    if let Some(path) = &args.web_annotation {
        let options = export::WebAnnotationOptions {
            image_iri: args.image_iri.clone(),
            created: created.clone(),
            ..export::WebAnnotationOptions::default()
        };
        let value = export::web_annotation(input.project, input.essay, &options);
        let text =
            serde_json::to_string_pretty(&value).context("serialising the Web Annotation")?;
        set.write(path, text.as_bytes())?;
    }
    if let Some(path) = &args.iiif {
        let name = path
            .file_name()
            .map_or_else(|| "manifest.json".into(), |n| n.to_string_lossy());
        let value = export::iiif::manifest(&loaded, &args.iiif_base, &name, created.as_deref());
        let text = serde_json::to_string_pretty(&value).context("serialising the manifest")?;
        set.write(path, text.as_bytes())?;
    }
    if let Some(path) = &args.csv {
        let text = export::csv(input.project);
        let text = if args.csv_excel {
            export::regions_csv::with_excel_bom(&text)
        } else {
            text
        };
        set.write(path, text.as_bytes())?;
    }
    if let Some(path) = &args.html {
        let options = export::LessonOptions {
            quiz: args.quiz,
            max_side: args.html_max_side,
        };
        let html = export::lesson_page(&input, &options).map_err(|e| {
            anyhow::anyhow!("cannot make the HTML page ({e:#}): {}", path.display())
        })?;
        set.write(path, html.as_bytes())?;
    }
    for path in set.commit()? {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        eprintln!("wrote {} ({:.1} KB)", path.display(), size as f64 / 1024.0);
    }
    Ok(())
}
