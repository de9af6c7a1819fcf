//! `palimpsest batch`: every pair of a manifest analysed headless, for an archive that wants
//! to know which of its prints were altered without opening each one.
//!
//! For each manifest row, OUT/rows holds a project file, the mask, the JSON report and an
//! annotated thumbnail, then a record of the outcome (`ID.row.json`), written last: a row is
//! done when its record exists. A bad pair is recorded with its error and the run goes on. Every
//! file is written atomically, so an interrupted run loses at most the rows in flight and
//! `--resume` skips the rows already done (a row that failed is tried again).
//!
//! The summary (`summary.csv`, `summary.json`) and the contact sheet (`contact.html`, a
//! self-contained page of thumbnails, the most changed first) are rebuilt from the records, so
//! they are the same whichever runs made them. `--shard I/N` takes every N-th row from the I-th,
//! for an array job (Slurm, a Kubernetes Indexed Job) on shared storage; `--merge` joins the
//! shards' folders into one, exactly as a single run would have written it.

use std::collections::{BTreeMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine;
use palimpsest::export::content::escape_html;
use palimpsest::export::regions_csv::{quote_field, text_field};
use palimpsest::output::{OutputSet, write_atomic};
use serde::{Deserialize, Serialize};

use super::UsageError;
use super::analyse::{AnalysisArgs, Use};

/// Arguments of `palimpsest batch`.
#[derive(clap::Args, Debug)]
pub struct BatchArgs {
    /// The manifest: a CSV row per pair, `id,before,after[,title]`, image paths relative to the
    /// manifest's folder; a first row starting `id,` is a header.
    #[arg(required_unless_present = "merge", conflicts_with = "merge")]
    pub manifest: Option<PathBuf>,
    /// Folder for the results (made when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Pairs analysed at once; each analysis uses every core already, so more only helps with
    /// small images or slow storage.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// Skip the rows already done in OUT (a row that failed is tried again).
    #[arg(long)]
    pub resume: bool,
    /// Process only the I-th of N slices of the manifest: rows I, I+N, I+2N, … (from 1).
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Join the results of the shard runs in these folders into OUT instead of running.
    #[arg(long, value_name = "DIR", num_args = 1..)]
    pub merge: Vec<PathBuf>,
    #[command(flatten)]
    pub analysis: AnalysisArgs,
}

/// The I-th of N slices, I from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// True when the manifest's data row `row` (from 1) belongs to this slice.
    fn holds(self, row: usize) -> bool {
        (row - 1) % self.count == self.index - 1
    }
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("expected I/N (such as 2/8), got {s}"))?;
    let parse = |v: &str| v.trim().parse::<usize>().ok().filter(|&v| v > 0);
    match (parse(i), parse(n)) {
        (Some(index), Some(count)) if index <= count => Ok(Shard { index, count }),
        _ => Err(format!("expected I/N with 1 ≤ I ≤ N, got {s}")),
    }
}

/// One manifest row.
#[derive(Clone, Debug)]
struct Row {
    /// Data row number, from 1.
    row: usize,
    id: String,
    /// File stem of the row's outputs.
    stem: String,
    title: Option<String>,
    /// The paths as the manifest gives them, and resolved.
    before_text: String,
    after_text: String,
    before: PathBuf,
    after: PathBuf,
    /// The versions after the second, for a chain, as given and resolved.
    later_text: Vec<String>,
    later: Vec<PathBuf>,
}

impl Row {
    /// Every version's path, in order.
    fn versions(&self) -> Vec<PathBuf> {
        let mut all = vec![self.before.clone(), self.after.clone()];
        all.extend(self.later.iter().cloned());
        all
    }
}

/// True when a manifest cell names an image file by its ending (so that it is a version of
/// the chain rather than the row's title).
fn names_an_image(cell: &str) -> bool {
    let ending = Path::new(cell)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    matches!(
        ending.as_deref(),
        Some("jpg" | "jpeg" | "png" | "tif" | "tiff" | "webp" | "bmp" | "gif")
    )
}

/// What became of a row: the summary's line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Record {
    row: usize,
    id: String,
    /// File stem of the row's outputs in `rows/`.
    stem: String,
    title: String,
    before: String,
    after: String,
    /// The versions after the second, for a chain, separated by `; `.
    #[serde(default)]
    later: String,
    /// "ok" or "error".
    status: String,
    regions: usize,
    /// Share of the before image marked changed, in per cent, to 3 decimals.
    changed_percent: f64,
    /// Alignment confidence, to 3 decimals.
    confidence: f64,
    model: String,
    /// Predicted corner error of the alignment, before-image pixels, to 2 decimals.
    expected_error_px: f64,
    warning: String,
    error: String,
}

impl Record {
    fn ok(&self) -> bool {
        self.status == "ok"
    }
}

/// The files of a row in `rows/`, the record last.
const ROW_FILES: [&str; 5] = [
    ".palimpsest.json",
    ".mask.png",
    ".json",
    ".thumb.jpg",
    ".row.json",
];

/// Longest side of a thumbnail, pixels.
const THUMB_SIDE: u32 = 360;

/// Runs `palimpsest batch`.
///
/// # Errors
/// The manifest cannot be read or is malformed, or OUT cannot be written. A pair that fails is
/// not an error of the run: it is recorded.
pub fn run(args: &BatchArgs) -> Result<()> {
    if !args.merge.is_empty() {
        return merge(&args.merge, &args.out);
    }
    let manifest = args
        .manifest
        .as_ref()
        .ok_or_else(|| UsageError("give a MANIFEST.csv, or --merge DIR…".to_owned()))?;
    let rows = read_manifest(manifest)?;
    let rows: Vec<Row> = match args.shard {
        Some(shard) => rows.into_iter().filter(|r| shard.holds(r.row)).collect(),
        None => rows,
    };
    let dir = args.out.join("rows");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot make {}", dir.display()))?;
    remove_stale_temporaries(&dir)?;
    let todo: Vec<&Row> = rows
        .iter()
        .filter(|r| !(args.resume && read_record(&dir, &r.stem).is_some_and(|rec| rec.ok())))
        .collect();
    let progress = Progress::new(todo.len(), rows.len() - todo.len());
    let next = AtomicUsize::new(0);
    let failure = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..usize::from(args.jobs).min(todo.len()) {
            scope.spawn(|| {
                while let Some(row) = todo.get(next.fetch_add(1, Ordering::Relaxed)) {
                    match process(row, &dir, &args.analysis) {
                        Ok(record) => progress.done(&record),
                        Err(e) => {
                            // Only a record that cannot be written stops the run.
                            if let Ok(mut f) = failure.lock() {
                                f.get_or_insert(e);
                            }
                            return;
                        }
                    }
                }
            });
        }
    });
    progress.finish();
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    let records: Vec<Record> = rows
        .iter()
        .filter_map(|r| read_record(&dir, &r.stem))
        .collect();
    write_summary(&args.out, &records, &[dir.as_path()])?;
    let failed = records.iter().filter(|r| !r.ok()).count();
    eprintln!(
        "{} pair(s): {} analysed, {failed} failed; summary in {}",
        records.len(),
        records.len() - failed,
        args.out.join("summary.csv").display()
    );
    Ok(())
}

/// Reads and checks the manifest: ids present and distinct (also as file names), two images
/// per row. Paths are resolved against the manifest's folder.
fn read_manifest(path: &Path) -> Result<Vec<Row>> {
    let bytes = std::fs::read(path).with_context(|| format!("manifest: {}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new(""));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let mut rows = Vec::new();
    let mut stems = HashSet::new();
    for (line, result) in reader.records().enumerate() {
        let record = result.with_context(|| format!("manifest: {}", path.display()))?;
        let cells: Vec<&str> = record.iter().collect();
        if line == 0 && cells.first().is_some_and(|c| c.eq_ignore_ascii_case("id")) {
            continue;
        }
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let at = || format!("manifest line {}", line + 1);
        let [id, before, after, rest @ ..] = cells.as_slice() else {
            bail!(
                "{}: expected id,before,after[,more versions…][,title]: {}",
                at(),
                path.display()
            );
        };
        if id.is_empty() || before.is_empty() || after.is_empty() {
            bail!(
                "{}: the id and both images are needed: {}",
                at(),
                path.display()
            );
        }
        // The cells after the second version are more versions, then an optional title: the
        // last cell is the title unless it names an image file.
        let (more, title) = match rest.split_last() {
            Some((last, more)) if !names_an_image(last) => (more, Some(*last)),
            _ => (rest, None),
        };
        if let Some(blank) = more.iter().position(|c| c.is_empty()) {
            bail!(
                "{}: version {} is empty: {}",
                at(),
                blank + 3,
                path.display()
            );
        }
        if more.len() + 2 > palimpsest::project::MAX_VERSIONS {
            bail!(
                "{}: {} versions, over the {} limit: {}",
                at(),
                more.len() + 2,
                palimpsest::project::MAX_VERSIONS,
                path.display()
            );
        }
        let stem = palimpsest::project::safe_file_stem(id);
        if !stems.insert(stem.to_lowercase()) {
            bail!(
                "{}: the id {id:?} names the same files as an earlier row: {}",
                at(),
                path.display()
            );
        }
        rows.push(Row {
            row: rows.len() + 1,
            id: (*id).to_owned(),
            stem,
            title: title.filter(|t| !t.is_empty()).map(str::to_owned),
            before_text: (*before).to_owned(),
            after_text: (*after).to_owned(),
            before: base.join(before),
            after: base.join(after),
            later_text: more.iter().map(|c| (*c).to_owned()).collect(),
            later: more.iter().map(|c| base.join(c)).collect(),
        });
    }
    if rows.is_empty() {
        bail!("manifest has no rows: {}", path.display());
    }
    Ok(rows)
}

/// Analyses one row and writes its files, then its record. A pair that cannot be read or
/// aligned gives a record of the error; only a failure to write the record is an error.
fn process(row: &Row, dir: &Path, options: &AnalysisArgs) -> Result<Record> {
    let mut record = Record {
        row: row.row,
        id: row.id.clone(),
        stem: row.stem.clone(),
        title: row.title.clone().unwrap_or_default(),
        before: row.before_text.clone(),
        after: row.after_text.clone(),
        later: row.later_text.join("; "),
        status: "ok".to_owned(),
        regions: 0,
        changed_percent: 0.0,
        confidence: 0.0,
        model: String::new(),
        expected_error_px: 0.0,
        warning: String::new(),
        error: String::new(),
    };
    if let Err(e) = analyse_row(row, dir, options, &mut record) {
        record.status = "error".to_owned();
        record.error = super::one_line(&format!("{e:#}"));
        // What an earlier run wrote for this row no longer describes it.
        for suffix in &ROW_FILES[..4] {
            let stale = dir.join(format!("{}{suffix}", row.stem));
            if stale.exists() {
                std::fs::remove_file(&stale)
                    .with_context(|| format!("cannot remove {}", stale.display()))?;
            }
        }
    }
    let path = dir.join(format!("{}.row.json", row.stem));
    let text = serde_json::to_vec_pretty(&record).context("serialising a record")?;
    write_atomic(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(record)
}

fn analyse_row(row: &Row, dir: &Path, options: &AnalysisArgs, record: &mut Record) -> Result<()> {
    let file = |suffix: &str| dir.join(format!("{}{suffix}", row.stem));
    let mut outputs = OutputSet::new();
    for version in row.versions() {
        outputs.input(&version);
    }
    for suffix in &ROW_FILES[..4] {
        outputs.output(&file(suffix))?;
    }
    if !row.later.is_empty() {
        return analyse_chain_row(row, dir, outputs, options, record);
    }
    let loaded = options.load(&row.before, &row.after, Use::AnalysisOnly)?;
    let params = options.params();
    let analysis = loaded.analyse(&params, None)?;
    let project = super::project::project_of(
        &row.before,
        &row.after,
        row.title.as_deref(),
        params,
        &analysis,
    )?;
    let project_path = file(ROW_FILES[0]);
    outputs.write(&project_path, &project.to_json_for(&project_path)?)?;
    outputs.write(
        &file(ROW_FILES[1]),
        &super::encode_full_mask_png(&analysis, &file(ROW_FILES[1]))?,
    )?;
    let report = palimpsest::report::Report::new(&loaded.before, &loaded.after, &analysis, 0.0);
    outputs.write(
        &file(ROW_FILES[2]),
        &serde_json::to_vec_pretty(&report).context("serialising the report")?,
    )?;
    write_thumbnail(&mut outputs, &project, &loaded.before, &file(ROW_FILES[3]))?;
    outputs.commit()?;
    let a = &analysis.alignment;
    record.title.clone_from(&project.title);
    record.regions = analysis.detection.regions.len();
    record.changed_percent = round(100.0 * report.changed_fraction, 3);
    record.confidence = round(a.confidence, 3);
    record.model = a.model.to_string();
    record.expected_error_px = round(a.expected_error_px, 2);
    record.warning = a.warning.clone().unwrap_or_default();
    Ok(())
}

/// The thumbnail: the handout's outlined overview, drawn at thumbnail size (the same outlines
/// and numbers as every export, and the photograph reduced once, not drawn on at full size).
fn write_thumbnail(
    outputs: &mut OutputSet,
    project: &palimpsest::project::Project,
    before: &palimpsest::io::LoadedImage,
    path: &Path,
) -> Result<()> {
    let essay = palimpsest::essay::Essay::bundled();
    // The regions are in the file's pixels; the overview is drawn on the copy as loaded.
    let mut in_copy = project.clone();
    let copy_from_full = palimpsest::imgops::level_from_full(before.reduction);
    for note in &mut in_copy.regions {
        palimpsest::chain::carry(note, &copy_from_full);
    }
    let thumb = palimpsest::export::pdf::outlined_image(
        &palimpsest::export::ExportInput {
            project: &in_copy,
            essay: &essay,
            before: &before.rgb,
            // Not read: the overview is drawn on the before image.
            after_aligned: &before.rgb,
        },
        palimpsest::export::Base::Before,
        THUMB_SIDE,
    );
    outputs.write(path, &palimpsest::export::encode_image(&thumb, path)?)?;
    Ok(())
}

/// [`analyse_row`] for a chain of more than two versions: the project holds every version,
/// the mask every step's regions (in the first version's pixels), and the report one entry
/// per step.
fn analyse_chain_row(
    row: &Row,
    dir: &Path,
    mut outputs: OutputSet,
    options: &AnalysisArgs,
    record: &mut Record,
) -> Result<()> {
    let file = |suffix: &str| dir.join(format!("{}{suffix}", row.stem));
    let versions = row.versions();
    let loaded = options.load_chain(&versions)?;
    let params = options.params();
    let steps = loaded.analyse(&params)?;
    let project =
        super::project::chain_project_of(&versions, row.title.as_deref(), params, &steps)?;
    let project_path = file(ROW_FILES[0]);
    outputs.write(&project_path, &project.to_json_for(&project_path)?)?;
    let first = &loaded.images[0];
    let outlines: Vec<Vec<[f64; 2]>> = project.regions.iter().map(|r| r.polygon.clone()).collect();
    let (w, h) = first.full_size;
    let mask = palimpsest::outline::fill(&outlines, w, h);
    outputs.write(
        &file(ROW_FILES[1]),
        &super::encode_mask_png(&mask, &file(ROW_FILES[1]))?,
    )?;
    let reports: Vec<serde_json::Value> = steps
        .iter()
        .zip(loaded.images.windows(2))
        .map(|(step, pair)| {
            let report = palimpsest::report::Report::new(&pair[0], &pair[1], &step.analysis, 0.0);
            serde_json::json!({
                "step": step.index + 1,
                "between": project.step_name(step.index),
                "alignment_onto_first": step.to_first,
                "report": report,
            })
        })
        .collect();
    let report = serde_json::json!({ "versions": versions, "steps": reports });
    outputs.write(
        &file(ROW_FILES[2]),
        &serde_json::to_vec_pretty(&report).context("serialising the report")?,
    )?;
    write_thumbnail(&mut outputs, &project, first, &file(ROW_FILES[3]))?;
    outputs.commit()?;
    let changed = mask.as_raw().iter().filter(|&&v| v != 0).count();
    let least_sure = steps
        .iter()
        .map(|s| &s.to_first)
        .min_by(|a, b| a.confidence.total_cmp(&b.confidence));
    record.title.clone_from(&project.title);
    record.regions = project.regions.len();
    record.changed_percent = round(
        100.0 * changed as f64 / mask.as_raw().len().max(1) as f64,
        3,
    );
    if let Some(a) = least_sure {
        record.confidence = round(a.confidence, 3);
        record.model = a.model.to_string();
    }
    record.expected_error_px = round(
        steps
            .iter()
            .map(|s| s.to_first.expected_error_px)
            .fold(0.0, f64::max),
        2,
    );
    let warnings: Vec<String> = steps
        .iter()
        .filter_map(|s| s.to_first.warning.clone())
        .collect();
    record.warning = warnings.join("; ");
    Ok(())
}

/// Removes the temporary files a killed run left in `rows/` (an atomic write's `.NAME.….tmp`,
/// never renamed into place): they belong to no pair and would stay for ever.
fn remove_stale_temporaries(rows: &Path) -> Result<()> {
    let entries =
        std::fs::read_dir(rows).with_context(|| format!("cannot read {}", rows.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot read {}", rows.display()))?
            .path();
        let stale = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') && n.ends_with(".tmp"));
        if stale && path.is_file() {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

fn round(v: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    (v * k).round() / k
}

fn read_record(dir: &Path, stem: &str) -> Option<Record> {
    let bytes = std::fs::read(dir.join(format!("{stem}.row.json"))).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Joins shard folders into `out`: their rows' files copied, and the summary and contact
/// sheet rebuilt from all their records.
fn merge(dirs: &[PathBuf], out: &Path) -> Result<()> {
    let out_rows = out.join("rows");
    std::fs::create_dir_all(&out_rows)
        .with_context(|| format!("cannot make {}", out_rows.display()))?;
    let mut records: BTreeMap<String, (Record, PathBuf)> = BTreeMap::new();
    for dir in dirs {
        let rows = dir.join("rows");
        let entries =
            std::fs::read_dir(&rows).with_context(|| format!("cannot read {}", rows.display()))?;
        for entry in entries {
            let path = entry
                .with_context(|| format!("cannot read {}", rows.display()))?
                .path();
            let Some(stem) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".row.json"))
            else {
                continue;
            };
            let record = read_record(&rows, stem)
                .ok_or_else(|| anyhow!("unreadable record: {}", path.display()))?;
            if let Some((_, other)) = records.get(&record.stem) {
                bail!(
                    "the row {:?} is in both {} and {}",
                    record.id,
                    other.display(),
                    dir.display()
                );
            }
            records.insert(record.stem.clone(), (record, rows.clone()));
        }
    }
    if records.is_empty() {
        bail!("no batch results to merge in the folders given");
    }
    let mut sources = Vec::new();
    for (record, rows) in records.values() {
        if rows != &out_rows {
            for suffix in ROW_FILES {
                let from = rows.join(format!("{}{suffix}", record.stem));
                if let Ok(bytes) = std::fs::read(&from) {
                    let to = out_rows.join(format!("{}{suffix}", record.stem));
                    write_atomic(&to, &bytes)
                        .with_context(|| format!("cannot write {}", to.display()))?;
                }
            }
        }
        sources.push(record.clone());
    }
    write_summary(out, &sources, &[out_rows.as_path()])?;
    eprintln!(
        "{} pair(s) from {} folder(s); summary in {}",
        sources.len(),
        dirs.len(),
        out.join("summary.csv").display()
    );
    Ok(())
}

/// Writes `summary.csv`, `summary.json` (manifest order) and `contact.html` (most changed
/// first) for `records`, reading the thumbnails from the first of `rows` that has them.
fn write_summary(out: &Path, records: &[Record], rows: &[&Path]) -> Result<()> {
    let mut sorted = records.to_vec();
    sorted.sort_by_key(|r| r.row);
    let columns = [
        "row",
        "id",
        "title",
        "before",
        "after",
        "status",
        "regions",
        "changed_percent",
        "confidence",
        "model",
        "expected_error_px",
        "warning",
        "error",
        "later",
    ];
    let mut csv = columns.join(",");
    csv.push_str("\r\n");
    for r in &sorted {
        let cells = [
            quote_field(&r.row.to_string()),
            text_field(&r.id),
            text_field(&r.title),
            text_field(&r.before),
            text_field(&r.after),
            quote_field(&r.status),
            quote_field(&r.regions.to_string()),
            quote_field(&format!("{:.3}", r.changed_percent)),
            quote_field(&format!("{:.3}", r.confidence)),
            text_field(&r.model),
            quote_field(&format!("{:.2}", r.expected_error_px)),
            text_field(&r.warning),
            text_field(&r.error),
            text_field(&r.later),
        ];
        csv.push_str(&cells.join(","));
        csv.push_str("\r\n");
    }
    let write = |name: &str, bytes: &[u8]| {
        let path = out.join(name);
        write_atomic(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    };
    write("summary.csv", csv.as_bytes())?;
    write(
        "summary.json",
        &serde_json::to_vec_pretty(&sorted).context("serialising the summary")?,
    )?;
    write("contact.html", contact_sheet(&sorted, rows).as_bytes())
}

/// The contact sheet: a card per row, the most changed first (failed rows last), each with its
/// annotated thumbnail inlined, so the page is one file.
fn contact_sheet(records: &[Record], rows: &[&Path]) -> String {
    let mut order: Vec<&Record> = records.iter().collect();
    order.sort_by(|a, b| {
        b.ok()
            .cmp(&a.ok())
            .then(b.changed_percent.total_cmp(&a.changed_percent))
            .then(a.row.cmp(&b.row))
    });
    let mut cards = String::new();
    for r in order {
        let thumb = rows
            .iter()
            .find_map(|dir| std::fs::read(dir.join(format!("{}.thumb.jpg", r.stem))).ok());
        let picture = match (r.ok(), thumb) {
            (true, Some(bytes)) => format!(
                "<img alt=\"{}\" src=\"data:image/jpeg;base64,{}\">",
                escape_html(&r.id),
                base64::engine::general_purpose::STANDARD.encode(bytes)
            ),
            _ => "<div class=\"none\">no picture</div>".to_owned(),
        };
        let facts = if r.ok() {
            format!(
                "{} region(s) · {:.2} % changed · confidence {:.2}",
                r.regions, r.changed_percent, r.confidence
            )
        } else {
            format!("error: {}", r.error)
        };
        let warning = if r.warning.is_empty() {
            String::new()
        } else {
            format!("<p class=\"warn\">{}</p>", escape_html(&r.warning))
        };
        let project = format!("rows/{}.palimpsest.json", r.stem);
        cards.push_str(&format!(
            "<figure class=\"{}\">{picture}<figcaption><b>{}</b> {}<br>{}{warning}<br>\
             <a href=\"{}\">project</a></figcaption></figure>\n",
            if r.ok() { "ok" } else { "error" },
            escape_html(&r.id),
            escape_html(&r.title),
            escape_html(&facts),
            escape_html(&project),
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Palimpsest batch: {} pair(s)</title><style>\
         body{{font-family:sans-serif;margin:1.5em;background:#f4f2ee;color:#222}}\
         main{{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:1em}}\
         figure{{margin:0;background:#fff;padding:.6em;border-radius:4px;box-shadow:0 1px 3px #0003}}\
         img{{width:100%;height:220px;object-fit:contain;display:block;background:#eee}}\
         .none{{height:220px;display:flex;align-items:center;justify-content:center;background:#ddd}}\
         .error figcaption{{color:#a00}} .warn{{color:#8a5a00;margin:.3em 0}}\
         figcaption{{font-size:.9em;margin-top:.4em}}</style></head>\n<body>\
         <h1>{} pair(s), the most changed first</h1>\n<main>\n{cards}</main></body></html>\n",
        records.len(),
        records.len()
    )
}

/// Progress on standard error: a bar with the time left on a terminal, a line per row
/// otherwise (a log, a cluster's job output).
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    count: AtomicUsize,
}

impl Progress {
    fn new(total: usize, skipped: usize) -> Self {
        if skipped > 0 {
            eprintln!("{skipped} row(s) already done, skipped");
        }
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} pairs, {eta} left  {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Self {
            bar,
            total,
            count: AtomicUsize::new(0),
        }
    }

    fn done(&self, r: &Record) {
        let n = self.count.fetch_add(1, Ordering::Relaxed) + 1;
        let what = if r.ok() {
            format!("{} region(s), confidence {:.2}", r.regions, r.confidence)
        } else {
            format!("error: {}", r.error)
        };
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                bar.set_message(format!("{}: {what}", r.id));
            }
            None => eprintln!("[{n}/{}] {}: {what}", self.total, r.id),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
