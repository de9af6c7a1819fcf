//! Background work: decoding a pair, analysing it, and re-running detection when a control
//! moves: the analysis task of the registry ([`super::tasks`]). Each request runs on its own
//! named thread and reports typed [`Event`]s on a bounded
//! channel, asking for a repaint after each send.
//!
//! Every request gets a generation number; a newer request sets the older one's cancel flag,
//! and events from older generations are dropped unread, so only the newest result is shown.
//! The analysis itself is the core's ([`crate::pipeline`]); this module only schedules it and
//! prepares display textures.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::time::{Duration, Instant};

use image::GrayImage;

use super::textures::TiledImage;
use crate::align::Alignment;
use crate::io::{AnalysisCopy, LoadOptions, LoadedImage, load_image};
use crate::job::{Job, Stage};
use crate::params::Params;
use crate::pipeline::{Analysis, Detection, analyze_aligned, detect};
use crate::project::Project;

/// Capacity of the event channel. Progress events are dropped when it is full; results wait.
const CHANNEL_CAPACITY: usize = 64;

/// How long a test's hold ([`Worker::hold_after_loading`]) keeps an analysis waiting at most,
/// so a hold never released fails the test instead of hanging it.
const HOLD_LIMIT: Duration = Duration::from_secs(30);

/// A decoded pair with its textures.
#[derive(Clone)]
pub struct LoadedPair {
    /// The original.
    pub before: Arc<LoadedImage>,
    /// The doctored print.
    pub after: Arc<LoadedImage>,
    /// The original, uploaded.
    pub before_tex: TiledImage,
    /// The doctored print, uploaded.
    pub after_tex: TiledImage,
    /// A title for a fresh document.
    pub title: String,
    /// A saved document to restore instead of a fresh one.
    pub project: Option<Box<Project>>,
    /// Two versions of the open document's chain, shown in its place: the document stays.
    pub versions: Option<(usize, usize)>,
    /// The reduced copies the analysis works on, when `before` and `after` are the images
    /// decoded whole but the analysis needs less (see [`crate::io::AnalysisCopy`]).
    pub copies: Option<(Arc<LoadedImage>, Arc<LoadedImage>)>,
}

impl LoadedPair {
    /// True while the images shown are reduced copies and the whole images are still being
    /// decoded ([`Event::FullSize`] brings them).
    #[must_use]
    pub fn is_preview(&self) -> bool {
        self.before.reduction > 1 || self.after.reduction > 1
    }

    /// The images the analysis works on: the reduced copies when there are any.
    #[must_use]
    pub fn for_analysis(&self) -> (Arc<LoadedImage>, Arc<LoadedImage>) {
        match &self.copies {
            Some((b, a)) => (Arc::clone(b), Arc::clone(a)),
            None => (Arc::clone(&self.before), Arc::clone(&self.after)),
        }
    }
}

/// Display textures derived from an analysis.
#[derive(Clone)]
pub struct Overlays {
    /// Heat-map of the change strength (working resolution).
    pub heat: TiledImage,
    /// Changed pixels (working resolution), white on transparent.
    pub mask: TiledImage,
    /// Parameters and ignore areas the mask was made with.
    pub detection_params: Option<(Params, Vec<Vec<[f64; 2]>>)>,
}

/// What the worker is asked to do.
pub enum Request {
    /// Decode two files, then analyse them.
    Open {
        /// The original.
        before: PathBuf,
        /// The doctored print.
        after: PathBuf,
        /// A saved document to restore instead of a fresh one.
        project: Option<Box<Project>>,
    },
    /// Decode two versions of the open document's chain and compare them in the first
    /// version's frame, keeping the document's regions.
    Versions {
        /// Their numbers in the chain, from 0.
        shown: (usize, usize),
        /// The earlier version's file.
        from: PathBuf,
        /// How the earlier version maps onto the first (`None` for the first itself).
        first_from_from: Option<crate::geometry::Transform>,
        /// The size of the first version.
        first_size: (u32, u32),
        /// The later version's file.
        to: PathBuf,
        /// The later version's alignment onto the first.
        alignment: Alignment,
        /// Detection parameters.
        params: Params,
    },
    /// Analyse the current pair again (new alignment or parameters).
    Analyze {
        /// The pair.
        before: Arc<LoadedImage>,
        /// The pair.
        after: Arc<LoadedImage>,
        /// A fixed alignment, or `None` to align automatically.
        alignment: Option<Alignment>,
        /// Detection parameters.
        params: Params,
        /// Ignore areas, before-image polygons.
        ignore: Vec<Vec<[f64; 2]>>,
        /// Keep the document's regions instead of taking the detected ones.
        keep_regions: bool,
    },
    /// Threshold and outline again on the existing change map.
    Detect {
        /// The analysis whose change map is reused.
        analysis: Arc<Analysis>,
        /// Detection parameters.
        params: Params,
        /// Ignore areas, before-image polygons.
        ignore: Vec<Vec<[f64; 2]>>,
        /// Replace the document's detected regions with the result.
        apply_regions: bool,
    },
}

/// What the worker reports. Results are shared, not copied, when an event is cloned, and two
/// events are equal when they carry the same result.
#[derive(Clone)]
pub enum Event {
    /// Progress of the current stage.
    Progress {
        /// The stage.
        stage: Stage,
        /// Fraction of the stage done.
        fraction: f32,
    },
    /// Both images decoded and uploaded (as reduced copies first, when they are large).
    Loaded(LoadedPair),
    /// The images of an opened pair decoded whole, after it was shown from reduced copies.
    /// Sent whatever job runs by then: it belongs to the pair whose paths it names.
    FullSize {
        /// The original, whole.
        before: Arc<LoadedImage>,
        /// The doctored print, whole.
        after: Arc<LoadedImage>,
        /// The original, uploaded.
        before_tex: TiledImage,
        /// The doctored print, uploaded.
        after_tex: TiledImage,
    },
    /// An analysis finished.
    Analyzed {
        /// The result.
        analysis: Arc<Analysis>,
        /// Display textures of its heat-map and mask.
        overlays: Overlays,
        /// Keep the document's regions.
        keep_regions: bool,
    },
    /// A detection finished.
    Detected {
        /// The result.
        detection: Arc<Detection>,
        /// Its mask, uploaded.
        mask: TiledImage,
        /// Replace the document's detected regions.
        apply_regions: bool,
    },
    /// The request failed; the message is for the user.
    Failed {
        /// One readable sentence.
        message: String,
    },
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Event::Progress { stage, fraction },
                Event::Progress {
                    stage: s,
                    fraction: f,
                },
            ) => stage == s && fraction == f,
            (Event::Loaded(a), Event::Loaded(b)) => {
                Arc::ptr_eq(&a.before, &b.before) && Arc::ptr_eq(&a.after, &b.after)
            }
            (
                Event::Analyzed {
                    analysis,
                    keep_regions,
                    ..
                },
                Event::Analyzed {
                    analysis: a,
                    keep_regions: k,
                    ..
                },
            ) => Arc::ptr_eq(analysis, a) && keep_regions == k,
            (
                Event::Detected {
                    detection,
                    apply_regions,
                    ..
                },
                Event::Detected {
                    detection: d,
                    apply_regions: a,
                    ..
                },
            ) => Arc::ptr_eq(detection, d) && apply_regions == a,
            (Event::Failed { message }, Event::Failed { message: m }) => message == m,
            (
                Event::FullSize { before, after, .. },
                Event::FullSize {
                    before: b,
                    after: a,
                    ..
                },
            ) => Arc::ptr_eq(before, b) && Arc::ptr_eq(after, a),
            _ => false,
        }
    }
}

impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Event::Progress { stage, fraction } => f
                .debug_struct("Progress")
                .field("stage", stage)
                .field("fraction", fraction)
                .finish(),
            Event::Loaded(pair) => f
                .debug_tuple("Loaded")
                .field(&pair.before.path)
                .field(&pair.after.path)
                .finish(),
            Event::Analyzed { keep_regions, .. } => f
                .debug_struct("Analyzed")
                .field("keep_regions", keep_regions)
                .finish_non_exhaustive(),
            Event::Detected { apply_regions, .. } => f
                .debug_struct("Detected")
                .field("apply_regions", apply_regions)
                .finish_non_exhaustive(),
            Event::Failed { message } => {
                f.debug_struct("Failed").field("message", message).finish()
            }
            Event::FullSize { before, after, .. } => f
                .debug_tuple("FullSize")
                .field(&before.path)
                .field(&after.path)
                .finish(),
        }
    }
}

/// Starts jobs and collects their events.
pub struct Worker {
    tx: SyncSender<(u64, Event)>,
    rx: Receiver<(u64, Event)>,
    generation: u64,
    cancel: Option<Arc<AtomicBool>>,
    ctx: Option<egui::Context>,
    /// Largest texture side to upload in, under the GPU's own limit (`None`: the GPU's).
    tile_side_limit: Option<usize>,
    /// For tests: set while opening jobs wait after decoding ([`Worker::hold_after_loading`]).
    hold: Option<Arc<AtomicBool>>,
}

/// For tests: keeps the analysis of opened pairs waiting after decoding until released (or
/// dropped), from [`Worker::hold_after_loading`].
pub struct Hold(Arc<AtomicBool>);

impl Hold {
    /// Lets waiting and later analyses go on.
    pub fn release(&self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        self.release();
    }
}

impl Default for Worker {
    fn default() -> Self {
        let (tx, rx) = sync_channel(CHANNEL_CAPACITY);
        Self {
            tx,
            rx,
            generation: 0,
            cancel: None,
            ctx: None,
            tile_side_limit: None,
            hold: None,
        }
    }
}

/// Sends events of one generation and wakes the UI.
struct Sender {
    tx: SyncSender<(u64, Event)>,
    generation: u64,
    ctx: egui::Context,
    tile_side_limit: Option<usize>,
    hold: Option<Arc<AtomicBool>>,
}

impl Sender {
    fn send(&self, event: Event) {
        // The receiver only goes away when the app closes; nothing to do then.
        let _ = self.tx.send((self.generation, event));
        self.ctx.request_repaint();
    }

    fn progress(&self, stage: Stage, fraction: f32) {
        match self
            .tx
            .try_send((self.generation, Event::Progress { stage, fraction }))
        {
            Ok(()) => self.ctx.request_repaint(),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {}
        }
    }
}

impl Worker {
    /// Starts `request` on a new thread, cancelling whatever ran before. Returns its generation.
    pub fn submit(&mut self, ctx: &egui::Context, request: Request) -> u64 {
        self.cancel();
        self.generation += 1;
        let cancel = Arc::new(AtomicBool::new(false));
        self.cancel = Some(Arc::clone(&cancel));
        self.ctx = Some(ctx.clone());
        let sender = Sender {
            tx: self.tx.clone(),
            generation: self.generation,
            ctx: ctx.clone(),
            tile_side_limit: self.tile_side_limit,
            hold: self.hold.clone(),
        };
        let name = format!("palimpsest-job-{}", self.generation);
        let spawned = super::tasks::spawn::named(&name, move || run(&request, &sender, &cancel));
        if let Err(e) = spawned {
            let _ = self.tx.try_send((
                self.generation,
                Event::Failed {
                    message: format!("could not start a background thread: {e}"),
                },
            ));
        }
        self.generation
    }

    /// Uploads images in textures of at most `side` pixels from the next job on, even where
    /// the GPU allows larger ones (tests use it to tile a modest image).
    pub fn limit_tile_side(&mut self, side: usize) {
        self.tile_side_limit = Some(side);
    }

    /// For tests: from the next job on, opening a pair waits once both images are decoded and
    /// sent (the pair is shown and the progress stays at the loading stage) until the returned
    /// [`Hold`] is released or dropped, the job is cancelled, or [`HOLD_LIMIT`] passes.
    pub fn hold_after_loading(&mut self) -> Hold {
        let flag = Arc::new(AtomicBool::new(true));
        self.hold = Some(Arc::clone(&flag));
        Hold(flag)
    }

    /// Cancels the running job, if any.
    pub fn cancel(&mut self) {
        if let Some(flag) = self.cancel.take() {
            flag.store(true, Ordering::Relaxed);
        }
    }

    /// The events of the newest generation received since the last call.
    pub fn poll(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        while let Ok((generation, event)) = self.rx.try_recv() {
            if generation == self.generation || matches!(event, Event::FullSize { .. }) {
                out.push(event);
            }
        }
        out
    }
}

fn run(request: &Request, out: &Sender, cancel: &AtomicBool) {
    let progress = |stage: Stage, fraction: f32| out.progress(stage, fraction);
    let job = Job::new(Some(&progress), Some(cancel));
    let gpu_side = out.ctx.input(|i| i.max_texture_side);
    let max_side = out
        .tile_side_limit
        .map_or(gpu_side, |side| side.min(gpu_side));
    match request {
        Request::Open {
            before,
            after,
            project,
        } => {
            job.report(Stage::Loading, 0.0);
            let started = Instant::now();
            // Large scans are shown, and analysed, from the reduced copies the analysis
            // needs, which decode in a fraction of the time; the whole images follow.
            let copy = |frame: bool| LoadOptions {
                analysis_copy: Some(AnalysisCopy {
                    work_max_side: Params::default().work_max_side,
                    frame,
                }),
                ..LoadOptions::default()
            };
            let (b, a) = rayon::join(
                || load_image(before, &copy(true)),
                || load_image(after, &copy(false)),
            );
            let (b, a) = match (b, a) {
                (Ok(b), Ok(a)) => (Arc::new(b), Arc::new(a)),
                (Err(e), _) => return out.send(failed("Could not open the before image", &e)),
                (_, Err(e)) => return out.send(failed("Could not open the after image", &e)),
            };
            if job.check().is_err() {
                return;
            }
            job.report(Stage::Loading, 0.6);
            let upload = |name: &str, img: &LoadedImage| {
                let size = [img.full_size.0, img.full_size.1];
                TiledImage::from_rgb_as(&out.ctx, name, &img.rgb, max_side, img.reduction, size)
            };
            let before_tex = upload("before", &b);
            let after_tex = upload("after", &a);
            let title = crate::project::title_for_pair(before);
            let (alignment, params, ignore, keep) = match project.as_deref() {
                Some(p) => (
                    p.alignment.clone(),
                    p.params.clone(),
                    p.ignore_areas.clone(),
                    true,
                ),
                None => (None, Params::default(), Vec::new(), false),
            };
            let pair = LoadedPair {
                before: Arc::clone(&b),
                after: Arc::clone(&a),
                before_tex,
                after_tex,
                title,
                project: project.clone(),
                versions: None,
                copies: None,
            };
            let preview = pair.is_preview();
            out.send(Event::Loaded(pair));
            crate::job::trace("open: pair shown", started);
            if let Some(hold) = &out.hold {
                wait_while_held(hold, cancel);
            }
            analyze(
                out, &job, &b, &a, alignment, &params, &ignore, keep, max_side,
            );
            crate::job::trace("open: analysed", started);
            if preview {
                decode_whole(out, before.clone(), after.clone(), max_side);
            }
        }
        Request::Versions {
            shown,
            from,
            first_from_from,
            first_size,
            to,
            alignment,
            params,
        } => {
            job.report(Stage::Loading, 0.0);
            let opts = LoadOptions::default();
            let (b, a) = rayon::join(|| load_image(from, &opts), || load_image(to, &opts));
            let (mut b, a) = match (b, a) {
                (Ok(b), Ok(a)) => (b, Arc::new(a)),
                (Err(e), _) | (_, Err(e)) => {
                    return out.send(failed("Could not open a version", &e));
                }
            };
            if let Some(t) = first_from_from {
                // The earlier version is shown in the first version's frame, where every
                // region of the chain is outlined.
                b.rgb = crate::align::warp::warp_rgb(&b.rgb, t, first_size.0, first_size.1).0;
            }
            let b = Arc::new(b);
            if job.check().is_err() {
                return;
            }
            let before_tex = TiledImage::from_rgb(&out.ctx, "before", &b.rgb, max_side);
            let after_tex = TiledImage::from_rgb(&out.ctx, "after", &a.rgb, max_side);
            out.send(Event::Loaded(LoadedPair {
                before: Arc::clone(&b),
                after: Arc::clone(&a),
                before_tex,
                after_tex,
                title: String::new(),
                project: None,
                versions: Some(*shown),
                copies: None,
            }));
            analyze(
                out,
                &job,
                &b,
                &a,
                Some(alignment.clone()),
                params,
                &[],
                true,
                max_side,
            );
        }
        Request::Analyze {
            before,
            after,
            alignment,
            params,
            ignore,
            keep_regions,
        } => analyze(
            out,
            &job,
            before,
            after,
            alignment.clone(),
            params,
            ignore,
            *keep_regions,
            max_side,
        ),
        Request::Detect {
            analysis,
            params,
            ignore,
            apply_regions,
        } => {
            job.report(Stage::Regions, 0.0);
            let (w, h) = analysis.change.before_size;
            let mask = ignore_mask(ignore, w, h);
            match detect(&analysis.change, params, mask.as_ref()) {
                Ok(detection) => {
                    if job.check().is_err() {
                        return;
                    }
                    let mask = TiledImage::from_mask(&out.ctx, "mask", &detection.mask, max_side);
                    out.send(Event::Detected {
                        detection: Arc::new(detection),
                        mask,
                        apply_regions: *apply_regions,
                    });
                }
                Err(e) => out.send(failed("Detection failed", &e)),
            }
        }
    }
}

/// Decodes an opened pair whole on a thread of its own (a later job does not cancel it) and
/// sends it as [`Event::FullSize`].
fn decode_whole(out: &Sender, before: PathBuf, after: PathBuf, max_side: usize) {
    let (tx, ctx) = (out.tx.clone(), out.ctx.clone());
    let generation = out.generation;
    let spawned = super::tasks::spawn::named("palimpsest-full-size", move || {
        let started = Instant::now();
        let opts = LoadOptions::default();
        let (b, a) = rayon::join(|| load_image(&before, &opts), || load_image(&after, &opts));
        // The files were read a moment ago; should one have gone since, the copies stay.
        let (Ok(b), Ok(a)) = (b, a) else {
            return;
        };
        let event = Event::FullSize {
            before_tex: TiledImage::from_rgb(&ctx, "before", &b.rgb, max_side),
            after_tex: TiledImage::from_rgb(&ctx, "after", &a.rgb, max_side),
            before: Arc::new(b),
            after: Arc::new(a),
        };
        let _ = tx.send((generation, event));
        ctx.request_repaint();
        crate::job::trace("open: whole images uploaded", started);
    });
    if let Err(e) = spawned {
        out.send(failed("Could not decode the images whole", &e));
    }
}

#[expect(clippy::too_many_arguments, reason = "one call site per request kind")]
fn analyze(
    out: &Sender,
    job: &Job<'_>,
    before: &LoadedImage,
    after: &LoadedImage,
    alignment: Option<Alignment>,
    params: &Params,
    ignore: &[Vec<[f64; 2]>],
    keep_regions: bool,
    max_side: usize,
) {
    let mask = ignore_mask(ignore, before.full_size.0, before.full_size.1);
    let result = match alignment {
        Some(a) => analyze_aligned(before, after, a, params, mask.as_ref(), *job),
        None => crate::pipeline::analyze(before, after, params, mask.as_ref(), *job),
    };
    match result {
        Ok(analysis) => {
            let heat = TiledImage::from_rgb(&out.ctx, "heat", &analysis.heatmap(), max_side);
            let mask = TiledImage::from_mask(&out.ctx, "mask", &analysis.detection.mask, max_side);
            let overlays = Overlays {
                heat,
                mask,
                detection_params: Some((params.clone(), ignore.to_vec())),
            };
            out.send(Event::Analyzed {
                analysis: Arc::new(analysis),
                overlays,
                keep_regions,
            });
        }
        Err(crate::pipeline::PipelineError::Cancelled) => {}
        Err(e) => out.send(failed("Analysis failed", &e)),
    }
}

/// Waits while a test holds the job ([`Worker::hold_after_loading`]), at most [`HOLD_LIMIT`].
fn wait_while_held(hold: &AtomicBool, cancel: &AtomicBool) {
    let since = Instant::now();
    while hold.load(Ordering::Relaxed)
        && !cancel.load(Ordering::Relaxed)
        && since.elapsed() < HOLD_LIMIT
    {
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn failed(what: &str, e: &dyn std::fmt::Display) -> Event {
    Event::Failed {
        message: format!("{what}: {e}"),
    }
}

/// Rasterises the ignore polygons into a before-size mask (255 = ignore), or `None` for none.
fn ignore_mask(polygons: &[Vec<[f64; 2]>], width: u32, height: u32) -> Option<GrayImage> {
    (!polygons.is_empty()).then(|| crate::outline::fill(polygons, width, height))
}
