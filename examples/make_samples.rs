//! Writes the bundled sample pairs into `sample_images/`: `before.*`, `after.*` and `truth.png`
//! (before-image size, 255 = changed) for each pair.
//!
//! ```text
//! cargo run --release --example make_samples
//! ```
//!
//! It ends by writing the annotated sample project `podium/podium.palimpsest.json`: the regions
//! the pipeline detects on the podium pair, with labels, notes, tags and links into the essay's
//! section on historical revisionism. `cargo run --release --example make_samples -- project`
//! writes only that file, from the images already on disk.
//!
//! The staged pairs are drawn by `palimpsest::synth`; the `astronaut` pair starts from the
//! committed public-domain photograph `sample_images/astronaut/before.jpg` and paints the model
//! space shuttle out of it. Everything is deterministic: running it twice writes the same files.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use image::{GrayImage, Luma, Rgb, RgbImage};
use palimpsest::synth::{self, Halftone, Palette, Rescan, ToneShift, staged_photo};

const JPEG_QUALITY: u8 = 85;

fn main() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_images");
    fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
    if std::env::args().nth(1).as_deref() == Some("project") {
        return podium_project(&root);
    }
    if std::env::args().nth(1).as_deref() == Some("chain") {
        return canal(&root);
    }
    podium(&root)?;
    grayscale(&root)?;
    unchanged(&root)?;
    book(&root)?;
    astronaut(&root)?;
    canal(&root)?;
    podium_project(&root)
}

/// A chain of three prints: the staged photograph (1926), a reprint with one man on the
/// steps painted out (1929), and a third with a second man gone as well (1935), each
/// rescanned its own way; a truth mask per step, in the first print's pixels.
fn canal(root: &Path) -> Result<()> {
    let d = dir(root, "canal")?;
    let scene = staged_photo(1931, 1200, 800).with_palette(Palette::Sepia);
    let off_tribune: Vec<usize> = (0..scene.figure_count())
        .filter(|&i| !scene.is_on_tribune(i))
        .collect();
    let (Some(&a), Some(&b)) = (off_tribune.first(), off_tribune.last()) else {
        bail!("scene has nobody off the tribune");
    };
    if a == b {
        bail!("scene has only one person off the tribune");
    }
    let (second, _) = synth::rescan(&scene.render(&[a]), &Rescan::typical(1929), 1929);
    let (third, _) = synth::rescan(&scene.render(&[a, b]), &Rescan::typical(1935), 1935);
    write_jpeg(&d.join("1926.jpg"), &scene.render(&[]), false)?;
    write_jpeg(&d.join("1929.jpg"), &second, false)?;
    write_jpeg(&d.join("1935.jpg"), &third, false)?;
    write_png(&d.join("truth-1.png"), &scene.truth_mask(&[a]))?;
    write_png(&d.join("truth-2.png"), &scene.truth_mask(&[b]))
}

fn dir(root: &Path, name: &str) -> Result<PathBuf> {
    let d = root.join(name);
    fs::create_dir_all(&d).with_context(|| format!("creating {}", d.display()))?;
    Ok(d)
}

fn write_jpeg(path: &Path, img: &RgbImage, grayscale: bool) -> Result<()> {
    let bytes = synth::encode_jpeg(img, JPEG_QUALITY, grayscale)
        .with_context(|| format!("encoding {}", path.display()))?;
    fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
    report(path)
}

fn write_png(path: &Path, img: &GrayImage) -> Result<()> {
    img.save(path)
        .with_context(|| format!("writing {}", path.display()))?;
    report(path)
}

fn report(path: &Path) -> Result<()> {
    let len = fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    eprintln!("{:>6} KB  {}", len.div_ceil(1024), path.display());
    Ok(())
}

/// The items standing on the steps (not on the tribune), front-most last.
fn on_steps(scene: &synth::Scene) -> Vec<usize> {
    (0..scene.figure_count())
        .filter(|&i| !scene.is_on_tribune(i))
        .collect()
}

/// Before: the staged photograph. After: two people on the steps painted out, then a
/// typical rescan (rotated, smaller, cropped, lighter and yellowed, grain, JPEG).
fn podium(root: &Path) -> Result<()> {
    let d = dir(root, "podium")?;
    let scene = staged_photo(1920, 1440, 960).with_palette(Palette::Sepia);
    let steps = on_steps(&scene);
    let removed: Vec<usize> = steps.iter().take(2).copied().collect();
    if removed.is_empty() {
        bail!("scene has nobody on the steps");
    }
    let before = scene.render(&[]);
    let doctored = scene.render(&removed);
    let r = Rescan {
        scale: 0.9,
        angle_deg: 3.5,
        shift: [0.0, 0.0],
        crop: [0.04, 0.03, 0.06, 0.05],
        tone: ToneShift {
            gamma: 0.9,
            gain: 1.02,
            offset: 0.02,
            fade: 0.12,
            sepia: 0.35,
            uneven: 0.08,
            vignette: 0.15,
        },
        grain_sigma: 4.0,
        halftone: None,
        grayscale: false,
        jpeg_quality: None,
    };
    let (after, _) = synth::rescan(&doctored, &r, 1920);
    write_jpeg(&d.join("before.jpg"), &before, false)?;
    write_jpeg(&d.join("after.jpg"), &after, false)?;
    write_png(&d.join("truth.png"), &scene.truth_mask(&removed))
}

/// Before: a hand-tinted colour print. After: one person painted out, rescanned in grayscale.
fn grayscale(root: &Path) -> Result<()> {
    let d = dir(root, "grayscale")?;
    let scene = staged_photo(1917, 1440, 960).with_palette(Palette::HandTinted);
    let removed = vec![on_steps(&scene).first().copied().unwrap_or(0)];
    let before = scene.render(&[]);
    let r = Rescan {
        scale: 1.1,
        angle_deg: -2.5,
        crop: [0.08, 0.06, 0.05, 0.07],
        grayscale: true,
        jpeg_quality: None,
        ..Rescan::typical(1917)
    };
    let (after, _) = synth::rescan(&scene.render(&removed), &r, 1917);
    write_jpeg(&d.join("before.jpg"), &before, false)?;
    write_jpeg(&d.join("after.jpg"), &after, true)?;
    write_png(&d.join("truth.png"), &scene.truth_mask(&removed))
}

/// A rescan with no edit at all: nothing should be reported.
fn unchanged(root: &Path) -> Result<()> {
    let d = dir(root, "unchanged")?;
    let scene = staged_photo(1924, 1440, 960);
    let before = scene.render(&[]);
    let r = Rescan {
        jpeg_quality: None,
        ..Rescan::typical(1924)
    };
    let (after, _) = synth::rescan(&before, &r, 1924);
    write_jpeg(&d.join("before.jpg"), &before, false)?;
    write_jpeg(&d.join("after.jpg"), &after, false)?;
    write_png(
        &d.join("truth.png"),
        &GrayImage::new(before.width(), before.height()),
    )
}

/// After: the doctored print as a book reproduction, printed through a 45° dot screen and
/// scanned in grayscale.
fn book(root: &Path) -> Result<()> {
    let d = dir(root, "book")?;
    let scene = staged_photo(1937, 1080, 720).with_palette(Palette::Neutral);
    let steps = on_steps(&scene);
    let removed = vec![steps.last().copied().unwrap_or(0)];
    let before = scene.render(&[]);
    let r = Rescan {
        scale: 1.0,
        halftone: Some(Halftone {
            period_px: 5.0,
            angle_deg: 45.0,
        }),
        jpeg_quality: None,
        grain_sigma: 0.0,
        ..Rescan::book(1937)
    };
    let (after, _) = synth::rescan(&scene.render(&removed), &r, 1937);
    write_jpeg(&d.join("before.jpg"), &before, false)?;
    write_jpeg(&d.join("after.jpg"), &after, true)?;
    write_png(&d.join("truth.png"), &scene.truth_mask(&removed))
}

// ---------------------------------------------------------------------------------------------
// A real photograph: the model space shuttle painted out of NASA's portrait of Eileen Collins
// ---------------------------------------------------------------------------------------------

/// The model shuttle, its stand and base, traced by hand with a few pixels' margin (before
/// pixels).
const SHUTTLE: [[f64; 2]; 23] = [
    [396.0, 0.0],
    [437.0, 0.0],
    [441.0, 28.0],
    [450.0, 36.0],
    [458.0, 55.0],
    [462.0, 180.0],
    [465.0, 205.0],
    [465.0, 240.0],
    [461.0, 262.0],
    [471.0, 268.0],
    [476.0, 283.0],
    [432.0, 291.0],
    [366.0, 289.0],
    [360.0, 273.0],
    [376.0, 262.0],
    [373.0, 249.0],
    [350.0, 237.0],
    [347.0, 214.0],
    [362.0, 189.0],
    [374.0, 172.0],
    [374.0, 52.0],
    [383.0, 35.0],
    [394.0, 28.0],
];

/// Top edge of the dark table the model stands on, and its left end (before pixels).
const TABLE_TOP: f64 = 273.5;
const TABLE_LEFT: f64 = 367.0;

fn astronaut(root: &Path) -> Result<()> {
    let d = dir(root, "astronaut")?;
    let src = d.join("before.jpg");
    let before = image::open(&src)
        .with_context(|| format!("reading the committed photograph {}", src.display()))?
        .to_rgb8();
    let (w, h) = before.dimensions();
    let mut mask = GrayImage::new(w, h);
    for (x, y, m) in mask.enumerate_pixels_mut() {
        if palimpsest::geometry::point_in_polygon(&SHUTTLE, f64::from(x), f64::from(y)) {
            *m = Luma([255]);
        }
    }
    let edited = paint_out(&before, &mask);
    // The truth is the painted area where the picture visibly changed (the hand-traced margin
    // over plain backdrop is repainted with the same backdrop and does not count).
    let truth = visible_change(&before, &edited, &mask);
    let r = Rescan {
        scale: 1.6,
        angle_deg: -4.0,
        shift: [0.0, 0.0],
        crop: [0.05, 0.04, 0.03, 0.06],
        tone: ToneShift {
            gamma: 1.1,
            gain: 0.97,
            offset: 0.02,
            fade: 0.1,
            sepia: 0.25,
            uneven: 0.06,
            vignette: 0.1,
        },
        grain_sigma: 3.0,
        halftone: None,
        grayscale: false,
        jpeg_quality: None,
    };
    let (after, _) = synth::rescan(&edited, &r, 1995);
    write_jpeg(&d.join("after.jpg"), &after, false)?;
    write_png(&d.join("truth.png"), &truth)
}

/// Fills the masked pixels with plausible surroundings: the table's texture below its top
/// edge, and elsewhere a smooth membrane between the surrounding backdrop colours with the
/// backdrop's own mottling and grain added back.
fn paint_out(img: &RgbImage, mask: &GrayImage) -> RgbImage {
    let (w, h) = img.dimensions();
    let mut out = img.clone();
    let inside = |x: u32, y: u32| mask.get_pixel(x, y)[0] > 0;
    let is_table = |x: u32, y: u32| f64::from(y) >= TABLE_TOP && f64::from(x) >= TABLE_LEFT;
    // 1. The table: copy its texture from rows just below the model's base.
    for y in 0..h {
        for x in 0..w {
            if inside(x, y) && is_table(x, y) {
                let sy = (y + 24).min(h - 1);
                out.put_pixel(x, y, *img.get_pixel(x, sy));
            }
        }
    }
    // 2. The backdrop: start from an inverse-distance blend of the nearest known pixels in the
    //    four directions, then relax toward a harmonic (membrane) fill.
    let fill = |x: u32, y: u32| inside(x, y) && !is_table(x, y);
    let known = |x: i64, y: i64| {
        x >= 0 && y >= 0 && x < i64::from(w) && y < i64::from(h) && !inside(x as u32, y as u32)
    };
    let mut field: Vec<[f32; 3]> = img
        .pixels()
        .map(|p| [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])])
        .collect();
    let idx = |x: u32, y: u32| (y * w + x) as usize;
    for y in 0..h {
        for x in 0..w {
            if !fill(x, y) {
                continue;
            }
            let mut acc = [0.0f32; 3];
            let mut wsum = 0.0f32;
            for (dx, dy) in [(-1i64, 0i64), (1, 0), (0, -1), (0, 1)] {
                let (mut px, mut py, mut dist) = (i64::from(x), i64::from(y), 0.0f32);
                while !known(px, py) && px >= 0 && py >= 0 && px < i64::from(w) && py < i64::from(h)
                {
                    px += dx;
                    py += dy;
                    dist += 1.0;
                }
                if known(px, py) && !is_table(px as u32, py as u32) {
                    let p = img.get_pixel(px as u32, py as u32);
                    let wt = 1.0 / (dist * dist);
                    for k in 0..3 {
                        acc[k] += wt * f32::from(p[k]);
                    }
                    wsum += wt;
                }
            }
            if wsum > 0.0 {
                field[idx(x, y)] = [acc[0] / wsum, acc[1] / wsum, acc[2] / wsum];
            }
        }
    }
    for _ in 0..400 {
        let prev = field.clone();
        for y in 0..h {
            for x in 0..w {
                if !fill(x, y) {
                    continue;
                }
                let mut acc = [0.0f32; 3];
                let mut n = 0.0f32;
                for (dx, dy) in [(-1i64, 0i64), (1, 0), (0, -1), (0, 1)] {
                    let (nx, ny) = (i64::from(x) + dx, i64::from(y) + dy);
                    if nx < 0 || ny < 0 || nx >= i64::from(w) || ny >= i64::from(h) {
                        continue;
                    }
                    if is_table(nx as u32, ny as u32) {
                        continue;
                    }
                    let q = prev[idx(nx as u32, ny as u32)];
                    for k in 0..3 {
                        acc[k] += q[k];
                    }
                    n += 1.0;
                }
                if n > 0.0 {
                    field[idx(x, y)] = [acc[0] / n, acc[1] / n, acc[2] / n];
                }
            }
        }
    }
    // 3. Texture: the backdrop's mottling and grain, as measured around the hole.
    let sigma = backdrop_grain(img, mask);
    let mut rng = synth::SplitMix64::new(1995);
    for y in 0..h {
        for x in 0..w {
            if !fill(x, y) {
                continue;
            }
            let f = field[idx(x, y)];
            let mottle = 6.0
                * ((f64::from(x) * 0.045).sin() * (f64::from(y) * 0.035 + 1.3).sin()
                    + 0.5 * (f64::from(x + y) * 0.021).cos()) as f32;
            let g = (rng.range(-1.0, 1.0) + rng.range(-1.0, 1.0) + rng.range(-1.0, 1.0)) as f32
                * sigma
                * 0.58;
            let v = |k: usize| (f[k] + mottle + g).round().clamp(0.0, 255.0) as u8;
            out.put_pixel(x, y, Rgb([v(0), v(1), v(2)]));
        }
    }
    out
}

/// Typical deviation of backdrop pixels from their 3×3 mean in a band around the mask.
fn backdrop_grain(img: &RgbImage, mask: &GrayImage) -> f32 {
    let (w, h) = img.dimensions();
    let (mut sum, mut n) = (0.0f64, 0.0f64);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            if mask.get_pixel(x, y)[0] > 0 || f64::from(y) >= TABLE_TOP {
                continue;
            }
            let near = (1..=8).any(|d| x + d < w && mask.get_pixel(x + d, y)[0] > 0)
                || (1..=8).any(|d| d <= x && mask.get_pixel(x - d, y)[0] > 0);
            if !near {
                continue;
            }
            let l = |xx: u32, yy: u32| f64::from(img.get_pixel(xx, yy)[1]);
            let mean = (0..3)
                .flat_map(|j| (0..3).map(move |i| (x + i - 1, y + j - 1)))
                .map(|(xx, yy)| l(xx, yy))
                .sum::<f64>()
                / 9.0;
            sum += (l(x, y) - mean).powi(2);
            n += 1.0;
        }
    }
    if n > 0.0 {
        (sum / n).sqrt() as f32
    } else {
        2.0
    }
}

/// 255 inside `mask` where the 3×3-smoothed luminance changed by more than 12 levels, with
/// holes filled; 0 elsewhere.
fn visible_change(a: &RgbImage, b: &RgbImage, mask: &GrayImage) -> GrayImage {
    let (w, h) = a.dimensions();
    let luma = |img: &RgbImage, x: u32, y: u32| {
        let p = img.get_pixel(x, y);
        0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2])
    };
    let smooth = |img: &RgbImage, x: u32, y: u32| {
        let mut s = 0.0;
        let mut n = 0.0;
        for yy in y.saturating_sub(1)..=(y + 1).min(h - 1) {
            for xx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                s += luma(img, xx, yy);
                n += 1.0;
            }
        }
        s / n
    };
    let mut out = GrayImage::new(w, h);
    for (x, y, m) in out.enumerate_pixels_mut() {
        if mask.get_pixel(x, y)[0] > 0 && (smooth(a, x, y) - smooth(b, x, y)).abs() > 12.0 {
            *m = Luma([255]);
        }
    }
    // Close small gaps (3×3), then fill holes not reachable from the border.
    let dilated = GrayImage::from_fn(w, h, |x, y| {
        let any = (y.saturating_sub(1)..=(y + 1).min(h - 1)).any(|yy| {
            (x.saturating_sub(1)..=(x + 1).min(w - 1)).any(|xx| out.get_pixel(xx, yy)[0] > 0)
        });
        Luma([if any { 255 } else { 0 }])
    });
    let closed = GrayImage::from_fn(w, h, |x, y| {
        let all = (y.saturating_sub(1)..=(y + 1).min(h - 1)).all(|yy| {
            (x.saturating_sub(1)..=(x + 1).min(w - 1)).all(|xx| dilated.get_pixel(xx, yy)[0] > 0)
        });
        Luma([if all && mask.get_pixel(x, y)[0] > 0 {
            255
        } else {
            0
        }])
    });
    fill_holes(&closed)
}

fn fill_holes(mask: &GrayImage) -> GrayImage {
    let (w, h) = mask.dimensions();
    let mut outside = vec![false; (w * h) as usize];
    let mut stack = Vec::new();
    for x in 0..w {
        stack.push((x, 0));
        stack.push((x, h - 1));
    }
    for y in 0..h {
        stack.push((0, y));
        stack.push((w - 1, y));
    }
    while let Some((x, y)) = stack.pop() {
        let i = (y * w + x) as usize;
        if outside[i] || mask.get_pixel(x, y)[0] > 0 {
            continue;
        }
        outside[i] = true;
        if x > 0 {
            stack.push((x - 1, y));
        }
        if x + 1 < w {
            stack.push((x + 1, y));
        }
        if y > 0 {
            stack.push((x, y - 1));
        }
        if y + 1 < h {
            stack.push((x, y + 1));
        }
    }
    GrayImage::from_fn(w, h, |x, y| {
        Luma([if outside[(y * w + x) as usize] {
            0
        } else {
            255
        }])
    })
}

/// The scene of the `podium` pair and the items painted out of it, as [`podium`] draws them.
fn podium_scene() -> Result<(synth::Scene, Vec<usize>)> {
    let scene = staged_photo(1920, 1440, 960).with_palette(Palette::Sepia);
    let removed: Vec<usize> = on_steps(&scene).into_iter().take(2).collect();
    if removed.len() < 2 {
        bail!("scene has fewer than two people on the steps");
    }
    Ok((scene, removed))
}

/// What the note says about each removed figure, front-most (the lower steps) first.
const FIGURES: [&str; 2] = [
    "a man in a light coat and peaked cap on the lower steps",
    "a man in a dark coat and cap at the top of the stairs",
];

/// The annotated sample project of the `podium` pair: the regions the pipeline detects, each
/// annotated with the removed figures it covers, and the provenance of both (generated) images.
fn podium_project(root: &Path) -> Result<()> {
    use palimpsest::essay::{Essay, REVISIONISM_ANCHOR};
    use palimpsest::project::{ImageEntry, ImageMeta, Project, RegionNote, sha256_file};

    let d = root.join("podium");
    let (before_path, after_path) = (d.join("before.jpg"), d.join("after.jpg"));
    let opts = palimpsest::io::LoadOptions::default();
    let before = palimpsest::io::load_image(&before_path, &opts)
        .with_context(|| format!("loading {}", before_path.display()))?;
    let after = palimpsest::io::load_image(&after_path, &opts)
        .with_context(|| format!("loading {}", after_path.display()))?;
    let params = palimpsest::pipeline::Params::default();
    let analysis =
        palimpsest::pipeline::analyze(&before, &after, &params, None, palimpsest::job::Job::none())
            .context("analysing the podium pair")?;

    let essay = Essay::bundled();
    let photographs = format!("{REVISIONISM_ANCHOR}/1");
    let aftermath = format!("{REVISIONISM_ANCHOR}/p1");
    for anchor in [&photographs, &aftermath] {
        if essay.find(anchor).is_none() {
            bail!("the bundled essay has no passage {anchor}");
        }
    }

    let (scene, removed) = podium_scene()?;
    let boxes: Vec<[f64; 4]> = removed
        .iter()
        .map(|&i| scene.item_bbox(i).context("removed item has no box"))
        .collect::<Result<_>>()?;
    let mut regions = Vec::new();
    for region in &analysis.detection.regions {
        let mut note = RegionNote::from_region(region);
        let b = region.bbox;
        let covered: Vec<usize> = boxes
            .iter()
            .enumerate()
            .filter(|(_, f)| overlap_fraction(f, [b.x, b.y, b.x + b.width, b.y + b.height]) > 0.3)
            .map(|(k, _)| k)
            .collect();
        annotate(&mut note, &covered, &photographs, &aftermath);
        regions.push(note);
    }
    if regions.iter().all(|r| r.label.is_empty()) {
        bail!("no detected region covers a removed figure");
    }

    let date = "undated"; // a generated image has no date of its own
    let archive = "Palimpsest sample images (sample_images/podium)";
    let licence = "MIT OR Apache-2.0, like the rest of the Palimpsest repository";
    let entry = |path: &Path, meta: ImageMeta| -> Result<ImageEntry> {
        Ok(ImageEntry {
            path: path.to_path_buf(),
            sha256: Some(sha256_file(path).with_context(|| format!("hashing {}", path.display()))?),
            meta,
        })
    };
    let project = Project {
        title: "Painted out of the podium (staged sample)".to_owned(),
        before: entry(
            &before_path,
            ImageMeta {
                source: "Drawn by palimpsest::synth::staged_photo (seed 1920, 1440×960, sepia) \
                         in examples/make_samples.rs"
                    .to_owned(),
                date: date.to_owned(),
                archive: archive.to_owned(),
                credit: "Generated by the Palimpsest sample generator; no photographer".to_owned(),
                licence: licence.to_owned(),
                note: "An illustrative reconstruction, not a historical document: a staged \
                       rally with speakers on a tribune and two men on its steps. No real \
                       person is shown."
                    .to_owned(),
            },
        )?,
        after: entry(
            &after_path,
            ImageMeta {
                source: "The same scene with the two men on the steps painted out, then \
                         rescanned by palimpsest::synth::rescan in examples/make_samples.rs"
                    .to_owned(),
                date: date.to_owned(),
                archive: archive.to_owned(),
                credit: "Generated by the Palimpsest sample generator; no photographer".to_owned(),
                licence: licence.to_owned(),
                note: "Imitates a doctored print known only from a second scan: 0.9× scale, \
                       3.5° rotation, 3–6 % cropped per side, lighter, faded and yellowed, \
                       uneven fading, grain, JPEG."
                    .to_owned(),
            },
        )?,
        alignment: Some(analysis.alignment.clone()),
        params,
        regions,
        ..Project::default()
    };
    let path = d.join("podium.palimpsest.json");
    project
        .save(&path)
        .with_context(|| format!("writing {}", path.display()))?;
    report(&path)
}

/// The fraction of box `a` (`x0, y0, x1, y1`) that box `b` covers.
fn overlap_fraction(a: &[f64; 4], b: [f64; 4]) -> f64 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let area = (a[2] - a[0]) * (a[3] - a[1]);
    if area > 0.0 { w * h / area } else { 0.0 }
}

/// Writes the label, note, tags and links of a region covering the removed figures `covered`
/// (indices into [`FIGURES`]).
fn annotate(
    note: &mut palimpsest::project::RegionNote,
    covered: &[usize],
    photographs: &str,
    aftermath: &str,
) {
    use palimpsest::project::Tag;
    let who: Vec<&str> = covered
        .iter()
        .filter_map(|&k| FIGURES.get(k).copied())
        .collect();
    let (label, what, gone) = match who.as_slice() {
        [] => return,
        [one] => (
            if covered[0] == 0 {
                "The man on the lower steps"
            } else {
                "The man at the top of the stairs"
            },
            format!("In the original print {one} stands on the tribune's steps."),
            "he is",
        ),
        [a, b, ..] => (
            "Two men on the tribune steps",
            format!("In the original print two men stand on the tribune's steps: {a}, and {b}."),
            "they are",
        ),
    };
    note.label = label.to_owned();
    note.note = format!(
        "{what} In the doctored print {gone} **gone**: the stairs, the side of the tribune \
         and the crowd behind were painted in.\n\n\
         The same was done to the photograph of Lenin addressing troops in Sverdlov Square \
         (5 May 1920), where *Trotsky and Kamenev* stood on the steps of the tribune and were \
         later painted out.\n\n\
         - A staged sample: no real person is shown.\n\
         - Compare the pair in Swipe or Blink to see the stairs redrawn."
    );
    note.tags = vec![Tag::FigureRemoved, Tag::BackgroundRetouched];
    note.links = vec![photographs.to_owned(), aftermath.to_owned()];
}
