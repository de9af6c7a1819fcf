//! `palimpsest project new`: loads, aligns and analyses a pair headless and saves it as a
//! project, which `palimpsest export` and the app then open as if it had been saved there.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use palimpsest::output::OutputSet;
use palimpsest::pipeline::{Analysis, Params};
use palimpsest::project::{Edit, ImageEntry, Project, RegionNote};

use super::analyse::AnalysisArgs;

/// `palimpsest project …`.
#[derive(clap::Subcommand, Debug)]
pub enum ProjectCommand {
    /// Aligns AFTER onto BEFORE, finds what changed and saves it all as a project file, for
    /// `palimpsest export` or the app.
    New(NewArgs),
}

/// Arguments of `palimpsest project new`.
#[derive(clap::Args, Debug)]
pub struct NewArgs {
    /// The project file to write (NAME.palimpsest.json).
    pub out: PathBuf,
    /// The original image.
    pub before: PathBuf,
    /// The doctored (or rescanned) image.
    pub after: PathBuf,
    /// Title of the lesson or case (default: the name of BEFORE's folder, as the app gives).
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub analysis: AnalysisArgs,
}

/// Runs a `palimpsest project` command.
///
/// # Errors
/// An image cannot be read or aligned, or the project cannot be written.
pub fn run(command: &ProjectCommand) -> Result<()> {
    match command {
        ProjectCommand::New(args) => new(args),
    }
}

fn new(args: &NewArgs) -> Result<()> {
    let mut outputs = OutputSet::new();
    outputs.input(&args.before);
    outputs.input(&args.after);
    outputs.output(&args.out)?;
    let loaded = args.analysis.load(&args.before, &args.after)?;
    let params = args.analysis.params();
    let analysis = loaded.analyse(&params, None)?;
    let project = project_of(
        &args.before,
        &args.after,
        args.title.as_deref(),
        params,
        &analysis,
    )?;
    let bytes = project
        .to_json_for(&args.out)
        .with_context(|| format!("cannot serialise the project: {}", args.out.display()))?;
    outputs.write(&args.out, &bytes)?;
    outputs.commit()?;
    let a = &analysis.alignment;
    if let Some(warning) = &a.warning {
        eprintln!("warning: {warning}");
    }
    eprintln!(
        "{} region(s); alignment {} (confidence {:.2}); saved {}",
        project.regions.len(),
        a.model,
        a.confidence,
        args.out.display()
    );
    Ok(())
}

/// The project of an analysed pair, as the app would save it: the images (their SHA-256
/// computed), the alignment, the parameters and the detected regions, titled `title` or after
/// BEFORE's folder.
///
/// # Errors
/// An image path cannot be made absolute.
pub fn project_of(
    before: &Path,
    after: &Path,
    title: Option<&str>,
    params: Params,
    analysis: &Analysis,
) -> Result<Project> {
    let mut project = Project {
        title: title.map_or_else(
            || palimpsest::project::title_for_pair(before),
            str::to_owned,
        ),
        before: ImageEntry::at(absolute(before)?),
        after: ImageEntry::at(absolute(after)?),
        alignment: Some(analysis.alignment.clone()),
        params,
        regions: analysis
            .detection
            .regions
            .iter()
            .map(RegionNote::from_region)
            .collect(),
        ..Project::default()
    };
    // The images' SHA-256 and the document's UUID, as a save from the app records them.
    project
        .apply(Edit::Stamp)
        .map_err(|e| anyhow!("cannot stamp the project: {e}"))?;
    Ok(project)
}

/// `path` made absolute, so the project stores it relative to the project file's folder.
fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))
}
