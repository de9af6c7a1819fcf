//! A three-version chain with a known answer: a staged photograph (version 1), a rescan of it
//! with one person painted out (version 2), and a rescan with a second person gone as well
//! (version 3), each print scanned its own way.

use std::path::{Path, PathBuf};

use image::GrayImage;
use palimpsest::synth::{self, Rescan, staged_photo};

/// The versions' files, in order, and the truth of each step in version 1's pixels (255 where
/// the person erased at that step stood).
pub struct Chain {
    pub versions: Vec<PathBuf>,
    pub truths: Vec<GrayImage>,
}

/// Writes the chain into `dir` as `1926.png`, `1929.jpg` and `1935.jpg`.
pub fn write_chain(dir: &Path, seed: u64) -> Chain {
    let scene = staged_photo(seed, 1200, 800);
    let off_tribune: Vec<usize> = (0..scene.figure_count())
        .filter(|&i| !scene.is_on_tribune(i))
        .collect();
    assert!(
        off_tribune.len() >= 2,
        "seed {seed}: too few people off the tribune"
    );
    let (a, b) = (off_tribune[0], off_tribune[off_tribune.len() - 1]);
    let first = scene.render(&[]);
    let (second, _) = synth::rescan(&scene.render(&[a]), &Rescan::typical(seed + 1), seed + 1);
    let (third, _) = synth::rescan(&scene.render(&[a, b]), &Rescan::typical(seed + 2), seed + 2);
    let paths = vec![
        dir.join("1926.png"),
        dir.join("1929.jpg"),
        dir.join("1935.jpg"),
    ];
    first.save(&paths[0]).expect("write version 1");
    second.save(&paths[1]).expect("write version 2");
    third.save(&paths[2]).expect("write version 3");
    Chain {
        versions: paths,
        truths: vec![scene.truth_mask(&[a]), scene.truth_mask(&[b])],
    }
}

/// The share of `truth`'s pixels inside any of `polygons`.
pub fn share_inside(truth: &GrayImage, polygons: &[Vec<[f64; 2]>]) -> f64 {
    let drawn = palimpsest::outline::fill(polygons, truth.width(), truth.height());
    let (mut all, mut inside) = (0_u64, 0_u64);
    for (t, d) in truth.as_raw().iter().zip(drawn.as_raw()) {
        if *t != 0 {
            all += 1;
            if *d != 0 {
                inside += 1;
            }
        }
    }
    inside as f64 / all.max(1) as f64
}
