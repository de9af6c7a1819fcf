//! Timing of every stage on a generated 24-megapixel pair (6000×4000 JPEG), the size of a
//! modern archive scan, and of the whole `diff` (decoding, analysis and the full-size mask) on
//! it and on a 96-megapixel pair (12000×8000, a print scanned at 1200 dpi): from the reduced
//! copies `palimpsest diff` loads, and from the images loaded whole. Inputs are built once,
//! outside the timed loops. (The command line also tunes glibc's allocator, which a bench
//! does not.)
//!
//! `cargo bench --bench pipeline` (`-- 24MP` or `-- 100MP` for one group)

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use palimpsest::align::{AlignOptions, align};
use palimpsest::diff::{Cleanup, clean_mask, hysteresis};
use palimpsest::imgops::{halftone_period, luma_f32};
use palimpsest::io::{AnalysisCopy, LoadOptions, LoadedImage, load_image_from_bytes};
use palimpsest::job::Job;
use palimpsest::pipeline::{Params, analyze, analyze_aligned, detect};
use palimpsest::synth::{Rescan, encode_jpeg, rescan, staged_photo};

struct Pair {
    before_jpeg: Vec<u8>,
    after_jpeg: Vec<u8>,
    before: LoadedImage,
    after: LoadedImage,
}

fn pair() -> Pair {
    pair_of(6000, 4000)
}

fn pair_of(width: u32, height: u32) -> Pair {
    let scene = staged_photo(24, width, height);
    let before_rgb = scene.render(&[]);
    let doctored = scene.render(&[1]);
    let (after_rgb, _) = rescan(&doctored, &Rescan::typical(24), 24);
    let before_jpeg = encode_jpeg(&before_rgb, 90, false).expect("encodes");
    let after_jpeg = encode_jpeg(&after_rgb, 85, false).expect("encodes");
    let opts = LoadOptions::default();
    let before =
        load_image_from_bytes(&before_jpeg, Path::new("before.jpg"), &opts).expect("decodes");
    let after = load_image_from_bytes(&after_jpeg, Path::new("after.jpg"), &opts).expect("decodes");
    Pair {
        before_jpeg,
        after_jpeg,
        before,
        after,
    }
}

fn stages(c: &mut Criterion) {
    let p = pair();
    let params = Params::default();
    let mut g = c.benchmark_group("24MP");
    g.sample_size(10);
    g.measurement_time(std::time::Duration::from_secs(8));
    let opts = LoadOptions::default();
    g.bench_function("decode both (parallel)", |b| {
        b.iter(|| {
            rayon::join(
                || load_image_from_bytes(black_box(&p.before_jpeg), Path::new("b.jpg"), &opts),
                || load_image_from_bytes(black_box(&p.after_jpeg), Path::new("a.jpg"), &opts),
            )
        });
    });
    g.bench_function("decode both as analysis copies (parallel)", |b| {
        let (ob, oa) = (load_options(true, true), load_options(true, false));
        b.iter(|| {
            rayon::join(
                || load_image_from_bytes(black_box(&p.before_jpeg), Path::new("b.jpg"), &ob),
                || load_image_from_bytes(black_box(&p.after_jpeg), Path::new("a.jpg"), &oa),
            )
        });
    });
    g.bench_function("luminance both", |b| {
        b.iter(|| rayon::join(|| luma_f32(&p.before.rgb), || luma_f32(&p.after.rgb)));
    });
    let (lb, la) = (luma_f32(&p.before.rgb), luma_f32(&p.after.rgb));
    g.bench_function("halftone screens both", |b| {
        b.iter(|| rayon::join(|| halftone_period(&lb), || halftone_period(&la)));
    });
    // As `analyze` does: the screens are measured once and handed to the alignment.
    let screens = rayon::join(|| halftone_period(&lb), || halftone_period(&la));
    let align_options = AlignOptions {
        screen_periods: Some([screens.0, screens.1]),
        ..AlignOptions::default()
    };
    g.bench_function("align", |b| {
        b.iter(|| align(black_box(&lb), black_box(&la), &align_options, Job::none()));
    });
    let analysis = analyze(&p.before, &p.after, &params, None, Job::none()).expect("aligns");
    g.bench_function("warp + tone + change map + regions", |b| {
        b.iter(|| {
            analyze_aligned(
                &p.before,
                &p.after,
                analysis.alignment.clone(),
                &params,
                None,
                Job::none(),
            )
        });
    });
    g.bench_function("threshold + cleanup + regions", |b| {
        b.iter(|| detect(black_box(&analysis.change), &params, None));
    });
    // The cleanup `detect` applies (radii as it derives them from the working size).
    let side = f64::from(
        analysis
            .change
            .strength
            .width()
            .max(analysis.change.strength.height()),
    );
    // The radii the pipeline uses at this size.
    let cleanup = Cleanup::for_side(side);
    let seeds = hysteresis(&analysis.change.strength, 0.7, 1.5);
    g.bench_function("mask cleanup (open, close, fill)", |b| {
        b.iter(|| clean_mask(black_box(&seeds), cleanup));
    });
    g.bench_function("full-size mask", |b| b.iter(|| analysis.full_mask()));
    g.bench_function("whole analysis (decoded pair)", |b| {
        b.iter(|| analyze(&p.before, &p.after, &params, None, Job::none()));
    });
    g.bench_function("whole diff (decode, analysis, full-size mask)", |b| {
        b.iter(|| whole_diff(&p, &params, true));
    });
    g.bench_function("whole diff, images loaded whole", |b| {
        b.iter(|| whole_diff(&p, &params, false));
    });
    g.finish();
}

/// The load options of the before (`frame`) or the after image: the analysis copy
/// `palimpsest diff` loads, or the image whole.
fn load_options(reduced: bool, frame: bool) -> LoadOptions {
    LoadOptions {
        analysis_copy: reduced.then_some(AnalysisCopy {
            work_max_side: Params::default().work_max_side,
            frame,
        }),
        ..LoadOptions::default()
    }
}

/// What `palimpsest diff --mask` does between reading the files and encoding the mask, from
/// the reduced analysis copies it loads or from the images loaded whole.
fn whole_diff(p: &Pair, params: &Params, reduced: bool) -> image::GrayImage {
    let (ob, oa) = (load_options(reduced, true), load_options(reduced, false));
    let (before, after) = rayon::join(
        || load_image_from_bytes(black_box(&p.before_jpeg), Path::new("b.jpg"), &ob),
        || load_image_from_bytes(black_box(&p.after_jpeg), Path::new("a.jpg"), &oa),
    );
    let (before, after) = (before.expect("decodes"), after.expect("decodes"));
    analyze(&before, &after, params, None, Job::none())
        .expect("aligns")
        .full_mask()
}

fn hundred_megapixels(c: &mut Criterion) {
    let p = pair_of(12_000, 8000);
    let params = Params::default();
    let mut g = c.benchmark_group("100MP");
    g.sample_size(10);
    g.measurement_time(std::time::Duration::from_secs(30));
    g.bench_function("whole diff (decode, analysis, full-size mask)", |b| {
        b.iter(|| whole_diff(&p, &params, true));
    });
    g.finish();
}

criterion_group!(benches, stages, hundred_megapixels);
criterion_main!(benches);
