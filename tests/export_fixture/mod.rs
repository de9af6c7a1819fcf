//! A small annotated project drawn in memory for the export tests: a 400×300 "photograph" of
//! a podium with two figures, and an altered print where the right-hand figure is painted out
//! and a banner is retouched, with two annotated regions and a hidden third one.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the fixture"
)]

use image::{Rgb, RgbImage};
use imageproc::drawing::{draw_filled_circle_mut, draw_filled_rect_mut};
use imageproc::rect::Rect;
use palimpsest::essay::Essay;
use palimpsest::export::ExportInput;
use palimpsest::project::{ImageEntry, ImageMeta, Project, RegionNote, Tag};
use palimpsest::regions::BBox;

/// The essay the fixture links into.
pub const ESSAY: &str = "# How Stalin Outmaneuvered Trotsky\n\n\
Intro paragraph.\n\n\
## Control of Media and Historical Narrative\n\n\
### Historical Revisionism Under Stalin\n\n\
- Trotsky was *erased* from official photographs and records.\n\
- Histories were rewritten to credit Stalin with the victories of the Civil War.\n";

pub struct Fixture {
    pub project: Project,
    pub essay: Essay,
    pub before: RgbImage,
    pub after: RgbImage,
}

impl Fixture {
    pub fn input(&self) -> ExportInput<'_> {
        ExportInput {
            project: &self.project,
            essay: &self.essay,
            before: &self.before,
            after_aligned: &self.after,
        }
    }
}

fn scene(with_figure: bool, banner: Rgb<u8>) -> RgbImage {
    let (w, h) = (400, 300);
    let mut img = RgbImage::new(w, h);
    for (x, y, p) in img.enumerate_pixels_mut() {
        // A sky-to-ground tone ramp in bands of four rows (flat bands keep the goldens small).
        let y4 = y / 4 * 4;
        let base = if y4 < 170 {
            200 - y4 / 3
        } else {
            120 - (y4 - 170) / 4
        };
        let v = u8::try_from(base + x / 100).unwrap_or(u8::MAX);
        *p = Rgb([v, v.saturating_sub(6), v.saturating_sub(14)]);
    }
    // The podium and its steps.
    draw_filled_rect_mut(
        &mut img,
        Rect::at(60, 170).of_size(150, 90),
        Rgb([92, 70, 52]),
    );
    draw_filled_rect_mut(
        &mut img,
        Rect::at(210, 215).of_size(90, 45),
        Rgb([110, 86, 64]),
    );
    // The speaker on the podium.
    draw_filled_circle_mut(&mut img, (130, 112), 14, Rgb([60, 48, 40]));
    draw_filled_rect_mut(
        &mut img,
        Rect::at(114, 126).of_size(32, 46),
        Rgb([40, 36, 34]),
    );
    // The figure on the steps, painted out of the altered print.
    if with_figure {
        draw_filled_circle_mut(&mut img, (255, 160), 12, Rgb([70, 56, 46]));
        draw_filled_rect_mut(
            &mut img,
            Rect::at(241, 172).of_size(28, 44),
            Rgb([30, 30, 34]),
        );
    }
    // A banner, retouched in the altered print.
    draw_filled_rect_mut(&mut img, Rect::at(300, 40).of_size(80, 30), banner);
    img
}

pub fn fixture() -> Fixture {
    let before = scene(true, Rgb([170, 40, 40]));
    let after = scene(false, Rgb([150, 150, 150]));
    let essay = Essay::parse(ESSAY);
    let bullets: Vec<String> = essay
        .passages
        .iter()
        .filter(|p| p.kind == palimpsest::essay::PassageKind::Bullet)
        .map(|p| p.anchor.clone())
        .collect();
    let figure = vec![
        [238.0, 146.0],
        [272.0, 146.0],
        [274.0, 218.0],
        [238.0, 218.0],
    ];
    let banner = vec![[298.0, 38.0], [382.0, 38.0], [382.0, 72.0], [298.0, 72.0]];
    let regions = vec![
        RegionNote {
            id: 1,
            bbox: BBox::of_points(&figure).expect("points"),
            polygon: figure,
            area_px: 2400.0,
            score: 4.2,
            label: "Leon Trotsky".to_string(),
            note: "Stood on the steps beside the podium, in uniform. In the altered print the \
                   steps are empty: the figure was painted out and the wood grain continued \
                   across where he stood."
                .to_string(),
            tags: vec![Tag::FigureRemoved, Tag::BackgroundRetouched],
            links: vec![bullets[0].clone()],
            ..RegionNote::default()
        },
        RegionNote {
            id: 2,
            bbox: BBox::of_points(&banner).expect("points"),
            polygon: banner,
            area_px: 2856.0,
            score: 2.1,
            label: "Banner, \"retouched\"".to_string(),
            note: "The slogan on the banner was toned down to a plain grey field.".to_string(),
            tags: vec![Tag::TextAltered],
            links: vec![bullets[1].clone(), "no-such/anchor".to_string()],
            ..RegionNote::default()
        },
        RegionNote {
            id: 3,
            polygon: vec![[10.0, 10.0], [20.0, 10.0], [20.0, 20.0]],
            bbox: BBox {
                x: 10.0,
                y: 10.0,
                width: 10.0,
                height: 10.0,
            },
            hidden: true,
            label: "Hidden region".to_string(),
            ..RegionNote::default()
        },
    ];
    let project = Project {
        title: "Lenin addressing the troops, Sverdlov Square, 5 May 1920".to_string(),
        before: ImageEntry {
            path: "before.png".into(),
            meta: ImageMeta {
                source: "Drawn for the tests".to_string(),
                date: "1920".to_string(),
                archive: "Test archive".to_string(),
                credit: "G. P. Goldshtein".to_string(),
                licence: "Public domain".to_string(),
                note: String::new(),
            },
            ..ImageEntry::default()
        },
        after: ImageEntry {
            path: "after.png".into(),
            meta: ImageMeta {
                source: "Drawn for the tests".to_string(),
                date: "1930s".to_string(),
                credit: "Retouched state print".to_string(),
                licence: "Public domain".to_string(),
                ..ImageMeta::default()
            },
            ..ImageEntry::default()
        },
        regions,
        ..Project::default()
    };
    Fixture {
        project,
        essay,
        before,
        after,
    }
}
