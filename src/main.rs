//! The `palimpsest` command: opens the app, or runs the pipeline and exports from the shell.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Parser, Subcommand};
use cli::analyse::Use;
use image::GrayImage;
use palimpsest::io::{LoadOptions, load_image};
use palimpsest::output::OutputSet;
use palimpsest::report::Report;

mod cli;

/// Shows what was erased from a photograph.
///
/// With no command, opens the app on the bundled sample; with two image paths, opens the app
/// on that pair.
#[derive(Parser, Debug)]
#[command(name = "palimpsest", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// BEFORE and AFTER images to open in the app.
    #[arg(num_args = 0..=2, value_name = "IMAGE")]
    images: Vec<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Opens a saved project in the app.
    Open {
        /// The project file (NAME.palimpsest.json).
        project: PathBuf,
    },
    /// Aligns AFTER onto BEFORE, finds what changed and writes the results.
    Diff(DiffArgs),
    /// Exports a saved project as images, slides, animation, PDF, Web Annotation or CSV.
    Export(cli::export::ExportArgs),
    /// Makes project files from the command line.
    #[command(subcommand)]
    Project(cli::project::ProjectCommand),
    /// Analyses every pair of a manifest: a project, mask, report and thumbnail per pair, a
    /// summary and a contact sheet; in shards for a cluster, then merged.
    Batch(cli::batch::BatchArgs),
}

#[derive(clap::Args, Debug)]
struct DiffArgs {
    /// The original image.
    before: PathBuf,
    /// The doctored (or rescanned) image.
    after: PathBuf,
    /// Write the change mask: 8-bit grayscale PNG, BEFORE's size, 255 = changed, 0 elsewhere.
    #[arg(long, value_name = "M.png")]
    mask: Option<PathBuf>,
    /// Write the regions, alignment, parameters and timings as JSON (schema in the README).
    #[arg(long, value_name = "R.json")]
    json: Option<PathBuf>,
    /// Write BEFORE with the numbered region outlines drawn on it.
    #[arg(long, value_name = "A.png")]
    annotated: Option<PathBuf>,
    /// Write AFTER warped into BEFORE's frame (no-data pixels black).
    #[arg(long, value_name = "W.png")]
    aligned: Option<PathBuf>,
    /// Write a colour heat-map of the change strength, BEFORE's size.
    #[arg(long, value_name = "H.png")]
    heatmap: Option<PathBuf>,
    /// Never report changes where this mask (BEFORE's size) is non-zero.
    #[arg(long, value_name = "MASK.png")]
    ignore: Option<PathBuf>,
    #[command(flatten)]
    analysis: cli::analyse::AnalysisArgs,
}

/// Exit status of a failure while running (a bad file, a failed alignment, a failed write).
const EXIT_RUNTIME: u8 = 1;
/// Exit status of a mistake in the command line itself.
const EXIT_USAGE: u8 = 2;

/// The pipeline allocates and drops planes of several megabytes at every stage. glibc's
/// allocator maps each such block afresh and hands it back to the kernel when it is dropped;
/// the page faults and TLB shootdowns that follow took a fifth of a 24-megapixel run on two
/// cores. Raising the mapping and trimming thresholds keeps the blocks in the heap for reuse
/// (mimalloc and jemalloc, tried instead, spent more time in user code than they saved).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_large_blocks() {
    // Both thresholds are in bytes; 32 MB is the largest mapping threshold glibc accepts.
    const MMAP_THRESHOLD: libc::c_int = 32 << 20;
    const TRIM_THRESHOLD: libc::c_int = 1 << 30;
    // SAFETY: mallopt only sets allocator parameters; it is called first thing in main,
    // before any other thread exists, and a refused value leaves the default in place.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_large_blocks() {}

fn main() -> ExitCode {
    keep_large_blocks();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let message = cli::one_line(&message(&err));
            if err.downcast_ref::<cli::UsageError>().is_some() {
                eprintln!("error: {message}; see 'palimpsest --help'");
                ExitCode::from(EXIT_USAGE)
            } else {
                eprintln!("error: {message}");
                ExitCode::from(EXIT_RUNTIME)
            }
        }
    }
}

/// Prints `--help` and `--version` as clap does; any other command-line mistake as one line
/// with a hint, exit status 2.
fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return if err.exit_code() == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_USAGE)
        };
    }
    // clap's message, without its usage block, tips and help hint, on one line.
    let rendered = err.render().to_string();
    let lines: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
        .collect();
    let text = cli::one_line(&lines.join(" "));
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    let text = if text.is_empty() {
        "invalid command line"
    } else {
        text
    };
    eprintln!("error: {text}; see 'palimpsest --help'");
    ExitCode::from(EXIT_USAGE)
}

/// The error and its causes joined with `: `, leaving out a cause whose text the message
/// already holds (errors here name their cause themselves, then the path last).
fn message(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if text.is_empty() {
            text = part;
        } else if !text.contains(&part) {
            text = format!("{text}: {part}");
        }
    }
    text
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Some(Command::Diff(args)) => diff(&args),
        Some(Command::Export(args)) => cli::export::run(&args),
        Some(Command::Project(command)) => cli::project::run(&command),
        Some(Command::Batch(args)) => cli::batch::run(&args),
        Some(Command::Open { project }) => open_app(Some(StartWith::Project(project))),
        None => match cli.images.as_slice() {
            [] => open_app(None),
            [before, after] => open_app(Some(StartWith::Pair(before.clone(), after.clone()))),
            _ => Err(cli::UsageError(
                "give two images (BEFORE AFTER), or none to open the bundled sample".to_owned(),
            )
            .into()),
        },
    }
}

enum StartWith {
    Pair(PathBuf, PathBuf),
    Project(PathBuf),
}

#[cfg(feature = "gui")]
fn open_app(start: Option<StartWith>) -> Result<()> {
    use palimpsest::app::Start;
    let start = match start {
        None => Start::Sample,
        Some(StartWith::Pair(b, a)) => Start::Pair(b, a),
        Some(StartWith::Project(p)) => Start::Project(p),
    };
    palimpsest::app::run(start)
}

#[cfg(not(feature = "gui"))]
fn open_app(_start: Option<StartWith>) -> Result<()> {
    bail!("this build has no GUI (built without the `gui` feature); use `palimpsest diff`")
}

fn diff(args: &DiffArgs) -> Result<()> {
    let mut outputs = OutputSet::new();
    outputs.input(&args.before);
    outputs.input(&args.after);
    if let Some(ignore) = &args.ignore {
        outputs.input(ignore);
    }
    for out in [
        &args.mask,
        &args.json,
        &args.annotated,
        &args.aligned,
        &args.heatmap,
    ]
    .into_iter()
    .flatten()
    {
        outputs.output(out)?;
    }
    let t0 = Instant::now();
    // Only the annotated and the aligned image need the pixels at full size.
    let use_ = if args.annotated.is_some() || args.aligned.is_some() {
        Use::FullSize
    } else {
        Use::AnalysisOnly
    };
    let loaded = args.analysis.load(&args.before, &args.after, use_)?;
    let ignore = match &args.ignore {
        Some(p) => {
            let (w, h) = loaded.before.full_size;
            Some(load_mask(p, w, h)?)
        }
        None => None,
    };
    let analysis = loaded.analyse(&args.analysis.params(), ignore.as_ref())?;
    let (before, after) = (&loaded.before, &loaded.after);

    let write_start = Instant::now();
    let results: Vec<Result<()>> = {
        let mut tasks: Vec<Box<dyn FnOnce() -> Result<()> + Send + '_>> = Vec::new();
        let outputs = &outputs;
        if let Some(path) = &args.mask {
            let analysis = &analysis;
            tasks.push(Box::new(move || {
                Ok(outputs.write(path, &cli::encode_full_mask_png(analysis, path)?)?)
            }));
        }
        if let Some(path) = &args.annotated {
            let analysis = &analysis;
            tasks.push(Box::new(move || {
                let img =
                    palimpsest::report::annotate_regions(&before.rgb, &analysis.detection.regions);
                Ok(outputs.write(path, &palimpsest::export::encode_image(&img, path)?)?)
            }));
        }
        if let Some(path) = &args.aligned {
            let analysis = &analysis;
            tasks.push(Box::new(move || {
                let (warped, _) = palimpsest::align::warp_rgb(
                    &after.rgb,
                    &analysis.alignment.before_from_after,
                    before.width(),
                    before.height(),
                );
                Ok(outputs.write(path, &palimpsest::export::encode_image(&warped, path)?)?)
            }));
        }
        if let Some(path) = &args.heatmap {
            let analysis = &analysis;
            tasks.push(Box::new(move || {
                let heat = image::imageops::resize(
                    &analysis.heatmap(),
                    analysis.change.before_size.0,
                    analysis.change.before_size.1,
                    image::imageops::FilterType::Triangle,
                );
                Ok(outputs.write(path, &palimpsest::export::encode_image(&heat, path)?)?)
            }));
        }
        use rayon::prelude::*;
        tasks.into_par_iter().map(|t| t()).collect()
    };
    for r in results {
        r?;
    }
    let write_secs = write_start.elapsed().as_secs_f64();
    palimpsest::job::trace("write outputs", write_start);
    if let Some(path) = &args.json {
        let report = Report::new(before, after, &analysis, write_secs);
        let text = serde_json::to_string_pretty(&report).context("serialising the report")?;
        outputs.write(path, text.as_bytes())?;
    }
    outputs.commit()?;
    let a = &analysis.alignment;
    if let Some(warning) = &a.warning {
        eprintln!("warning: {warning}");
    }
    eprintln!(
        "{} region(s); alignment {} (confidence {:.2}, expected error {:.2} px, residual {:.2} px, {} inliers); {:.2} s",
        analysis.detection.regions.len(),
        a.model,
        a.confidence,
        a.expected_error_px,
        a.residual_px,
        a.inliers,
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

fn load_mask(path: &Path, width: u32, height: u32) -> Result<GrayImage> {
    let img = load_image(path, &LoadOptions::default()).map_err(|e| anyhow!("ignore mask: {e}"))?;
    if img.width() != width || img.height() != height {
        bail!(
            "ignore mask is {}×{}, but the before image is {width}×{height}: {}",
            img.width(),
            img.height(),
            path.display()
        );
    }
    Ok(image::DynamicImage::ImageRgb8(img.rgb).into_luma8())
}
