//! `palimpsest project new`: loads, aligns and analyses a pair headless and saves it as a
//! project, which `palimpsest export` and the app then open as if it had been saved there.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use palimpsest::chain::Step;
use palimpsest::output::OutputSet;
use palimpsest::pipeline::{Analysis, Params};
use palimpsest::project::{Edit, ImageEntry, LaterVersion, Project, RegionNote};

use super::analyse::{AnalysisArgs, Use};

/// `palimpsest project …`.
#[derive(clap::Subcommand, Debug)]
pub enum ProjectCommand {
    /// Aligns each version onto the first, finds what changed at each step (V1 to V2, V2 to
    /// V3, …) and saves it all as a project file, for `palimpsest export` or the app.
    New(NewArgs),
}

/// Arguments of `palimpsest project new`.
#[derive(clap::Args, Debug)]
pub struct NewArgs {
    /// The project file to write (NAME.palimpsest.json).
    pub out: PathBuf,
    /// The versions in order: the original, then each later print (at least two).
    #[arg(value_name = "VERSION", required = true, num_args = 2..)]
    pub versions: Vec<PathBuf>,
    /// Title of the lesson or case (default: the name of the first version's folder, as the
    /// app gives).
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
    for path in &args.versions {
        outputs.input(path);
    }
    outputs.output(&args.out)?;
    let params = args.analysis.params();
    let project = if let [before, after] = args.versions.as_slice() {
        let loaded = args.analysis.load(before, after, Use::AnalysisOnly)?;
        let analysis = loaded.analyse(&params, None)?;
        project_of(before, after, args.title.as_deref(), params, &analysis)?
    } else {
        let loaded = args.analysis.load_chain(&args.versions)?;
        let steps = loaded.analyse(&params)?;
        chain_project_of(&args.versions, args.title.as_deref(), params, &steps)?
    };
    let bytes = project
        .to_json_for(&args.out)
        .with_context(|| format!("cannot serialise the project: {}", args.out.display()))?;
    outputs.write(&args.out, &bytes)?;
    outputs.commit()?;
    for index in 1..project.version_count() {
        let Some(a) = project.version_alignment(index) else {
            continue;
        };
        if let Some(warning) = &a.warning {
            eprintln!("warning: version {}: {warning}", index + 1);
        }
        let regions = project.regions_of_step(index as u32 - 1).count();
        eprintln!(
            "{}: {regions} region(s); alignment {} (confidence {:.2}, expected error {:.1} px)",
            project.step_name(index as u32 - 1),
            a.model,
            a.confidence,
            a.expected_error_px,
        );
    }
    eprintln!("saved {}", args.out.display());
    Ok(())
}

/// The project of an analysed chain of `versions`: as [`project_of`], with every later
/// version and its alignment onto the first, and the regions of every step.
///
/// # Errors
/// An image path cannot be made absolute.
pub fn chain_project_of(
    versions: &[PathBuf],
    title: Option<&str>,
    params: Params,
    steps: &[Step],
) -> Result<Project> {
    let [first, second, rest @ ..] = versions else {
        return Err(anyhow!("a chain needs at least two versions"));
    };
    let mut project = Project {
        title: title.map_or_else(|| palimpsest::project::title_for_pair(first), str::to_owned),
        before: ImageEntry::at(absolute(first)?),
        after: ImageEntry::at(absolute(second)?),
        later: rest
            .iter()
            .map(|p| {
                Ok(LaterVersion {
                    image: ImageEntry::at(absolute(p)?),
                    alignment: None,
                })
            })
            .collect::<Result<_>>()?,
        params,
        ..Project::default()
    };
    palimpsest::chain::apply_to_project(&mut project, steps);
    project
        .apply(Edit::Stamp)
        .map_err(|e| anyhow!("cannot stamp the project: {e}"))?;
    Ok(project)
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
