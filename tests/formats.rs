//! Every input format the README promises, decoded from small fixtures that this file writes
//! (nothing binary is committed): TIFF 8- and 16-bit, colour and grey; lossless WebP; the first
//! frame of an animated GIF; 16-bit PNG; a CMYK JPEG (written by a minimal encoder here, as the
//! `image` crate encodes no CMYK); and JPEGs carrying EXIF orientations 3, 6 and 8, which come
//! out upright, with `palimpsest diff`'s mask in the displayed orientation too.
//!
//! The fixtures are 48 × 32 pictures of four flat quadrants (red, green, blue, yellow, left to
//! right and top to bottom), so a flip, a turn or a dropped channel shows in the quadrant
//! colours; lossless formats are also compared pixel for pixel.

#![allow(
    clippy::unwrap_used,
    clippy::type_complexity,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::path::{Path, PathBuf};

use image::{ImageBuffer, Luma, Rgb, RgbImage, Rgba};
use palimpsest::io::{LoadOptions, LoadedImage, load_image};

const W: u32 = 48;
const H: u32 = 32;
const RED: [u8; 3] = [220, 30, 30];
const GREEN: [u8; 3] = [30, 200, 40];
const BLUE: [u8; 3] = [30, 40, 210];
const YELLOW: [u8; 3] = [230, 220, 30];

/// The fixture generator: the quadrant picture and the files made from it.
mod fixtures {
    use super::*;

    /// Quadrants red, green / blue, yellow, with a faint ramp so no two pixels of a lossless
    /// copy are equal by accident of a flat fill.
    pub fn quadrants() -> RgbImage {
        RgbImage::from_fn(W, H, |x, y| {
            let q = match (x < W / 2, y < H / 2) {
                (true, true) => RED,
                (false, true) => GREEN,
                (true, false) => BLUE,
                (false, false) => YELLOW,
            };
            let d = ((x + y) % 8) as u8;
            Rgb(q.map(|v| v.saturating_sub(d)))
        })
    }

    /// The quadrant picture at 16 bits per channel (each 8-bit value times 257, plus a low
    /// byte that an 8-bit reduction must drop).
    pub fn quadrants16() -> ImageBuffer<Rgb<u16>, Vec<u16>> {
        let q = quadrants();
        ImageBuffer::from_fn(W, H, |x, y| {
            Rgb(q.get_pixel(x, y).0.map(|v| u16::from(v) * 257 + 100))
        })
    }

    /// The luminance of the quadrant picture.
    pub fn grey() -> image::GrayImage {
        image::DynamicImage::ImageRgb8(quadrants()).to_luma8()
    }

    /// `img` as a JPEG at quality 95 with an EXIF block (APP1) declaring `orientation`,
    /// written by hand right after the start-of-image marker: a big-endian TIFF header and one
    /// IFD with the Orientation tag (0x0112, SHORT).
    pub fn jpeg_with_orientation(img: &RgbImage, orientation: u16) -> Vec<u8> {
        let jpeg = palimpsest::synth::encode_jpeg(img, 95, false).unwrap();
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG starts with SOI");
        let mut tiff = Vec::new();
        tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // header, IFD0 at offset 8
        tiff.extend_from_slice(&1_u16.to_be_bytes()); // one entry
        tiff.extend_from_slice(&0x0112_u16.to_be_bytes()); // Orientation
        tiff.extend_from_slice(&3_u16.to_be_bytes()); // SHORT
        tiff.extend_from_slice(&1_u32.to_be_bytes()); // one value
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0]); // the value field's padding
        tiff.extend_from_slice(&0_u32.to_be_bytes()); // no next IFD
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    /// A baseline JPEG of 16 × 8 pixels in four components (CMYK, with Adobe's APP14 marker
    /// saying "no colour transform"), each 8 × 8 block one flat colour, from `blocks`' stored
    /// component values (Adobe's convention: 255 is no ink). The `image` crate writes no CMYK
    /// JPEG, so this writes one by hand: quantisation all ones, so a flat block's only
    /// coefficient is DC = 8 × (value − 128); the standard luminance DC Huffman table; an AC
    /// table holding only end-of-block.
    pub fn cmyk_jpeg(blocks: [[u8; 4]; 2]) -> Vec<u8> {
        fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) {
            out.extend_from_slice(&[0xFF, marker]);
            out.extend_from_slice(&u16::try_from(body.len() + 2).unwrap().to_be_bytes());
            out.extend_from_slice(body);
        }
        // Standard DC luminance table (ITU T.81 Annex K.3): code lengths, then values.
        let dc_bits: [u8; 16] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
        let dc_vals: Vec<u8> = (0..12).collect();
        // Canonical codes: (code, length) of each value in order.
        let mut codes = Vec::new();
        let mut code = 0_u32;
        for (i, &n) in dc_bits.iter().enumerate() {
            for _ in 0..n {
                codes.push((code, i as u32 + 1));
                code += 1;
            }
            code <<= 1;
        }
        let mut out = vec![0xFF, 0xD8];
        segment(&mut out, 0xEE, b"Adobe\0\x64\0\0\0\0\0");
        let mut dqt = vec![0];
        dqt.extend_from_slice(&[1; 64]);
        segment(&mut out, 0xDB, &dqt);
        let mut sof = vec![8, 0, 8, 0, 16, 4];
        for id in 1..=4 {
            sof.extend_from_slice(&[id, 0x11, 0]);
        }
        segment(&mut out, 0xC0, &sof);
        let mut dht = vec![0x00];
        dht.extend_from_slice(&dc_bits);
        dht.extend_from_slice(&dc_vals);
        dht.push(0x10);
        let mut ac_bits = [0_u8; 16];
        ac_bits[0] = 1;
        dht.extend_from_slice(&ac_bits);
        dht.push(0x00); // end of block, code "0"
        segment(&mut out, 0xC4, &dht);
        let mut sos = vec![4];
        for id in 1..=4 {
            sos.extend_from_slice(&[id, 0x00]);
        }
        sos.extend_from_slice(&[0, 63, 0]);
        segment(&mut out, 0xDA, &sos);
        // The scan: per block, per component, the DC difference and end-of-block.
        let mut bits: Vec<bool> = Vec::new();
        let put = |value: u32, len: u32, bits: &mut Vec<bool>| {
            for i in (0..len).rev() {
                bits.push(value >> i & 1 == 1);
            }
        };
        let mut previous = [0_i32; 4];
        for block in blocks {
            for c in 0..4 {
                let dc = 8 * (i32::from(block[c]) - 128);
                let diff = dc - previous[c];
                previous[c] = dc;
                let category = 32 - diff.unsigned_abs().leading_zeros();
                let (code, len) = codes[category as usize];
                put(code, len, &mut bits);
                let extra = if diff < 0 {
                    diff - 1 + (1 << category)
                } else {
                    diff
                };
                put(extra as u32, category, &mut bits);
                put(0, 1, &mut bits);
            }
        }
        while !bits.len().is_multiple_of(8) {
            bits.push(true);
        }
        for byte in bits.chunks(8) {
            let b = byte.iter().fold(0_u8, |acc, &bit| acc << 1 | u8::from(bit));
            out.push(b);
            if b == 0xFF {
                out.push(0);
            }
        }
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }

    /// An animated GIF of two frames: the quadrant picture, then a flat grey frame.
    pub fn gif(path: &Path) {
        use image::codecs::gif::GifEncoder;
        let first = image::DynamicImage::ImageRgb8(quadrants()).to_rgba8();
        let second = ImageBuffer::from_pixel(W, H, Rgba([128, 128, 128, 255]));
        let file = std::fs::File::create(path).unwrap();
        let mut enc = GifEncoder::new(file);
        enc.encode_frames([image::Frame::new(first), image::Frame::new(second)])
            .unwrap();
    }
}

fn load(path: &Path) -> LoadedImage {
    load_image(path, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{} should load: {e}", path.display()))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The colour at the centre of each quadrant: top left, top right, bottom left, bottom right.
fn quadrant_colours(img: &RgbImage) -> [[u8; 3]; 4] {
    let (w, h) = (img.width(), img.height());
    [
        (w / 4, h / 4),
        (3 * w / 4, h / 4),
        (w / 4, 3 * h / 4),
        (3 * w / 4, 3 * h / 4),
    ]
    .map(|(x, y)| img.get_pixel(x, y).0)
}

fn assert_near(actual: [[u8; 3]; 4], expected: [[u8; 3]; 4], tolerance: u8, what: &str) {
    for (a, e) in actual.iter().zip(expected) {
        assert!(
            a.iter().zip(e).all(|(a, e)| a.abs_diff(e) <= tolerance),
            "{what}: quadrants {actual:?}, expected about {expected:?}"
        );
    }
}

#[test]
fn tiff_8_bit_colour_decodes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("q.tiff");
    fixtures::quadrants().save(&p).unwrap();
    let img = load(&p);
    assert_eq!(img.format, "tiff");
    assert_eq!(img.source_bits, 8);
    assert!(!img.grayscale);
    assert_eq!(img.rgb, fixtures::quadrants());
}

#[test]
fn tiff_16_bit_colour_decodes_to_its_high_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("q16.tiff");
    fixtures::quadrants16().save(&p).unwrap();
    let img = load(&p);
    assert_eq!(img.source_bits, 16);
    assert!(!img.grayscale);
    // v × 257 + 100 is v and a bit: rounding to 8 bits gives v back.
    assert_eq!(img.rgb, fixtures::quadrants());
}

#[test]
fn tiff_grey_8_and_16_bit_decode_as_grayscale() {
    let dir = tempfile::tempdir().unwrap();
    let grey = fixtures::grey();
    let p8 = dir.path().join("g.tiff");
    grey.save(&p8).unwrap();
    let p16 = dir.path().join("g16.tiff");
    ImageBuffer::<Luma<u16>, Vec<u16>>::from_fn(W, H, |x, y| {
        Luma([u16::from(grey.get_pixel(x, y)[0]) * 257])
    })
    .save(&p16)
    .unwrap();
    for (p, bits) in [(p8, 8), (p16, 16)] {
        let img = load(&p);
        assert!(img.grayscale, "{} is grey", p.display());
        assert_eq!(img.source_bits, bits);
        let expected = RgbImage::from_fn(W, H, |x, y| {
            let v = grey.get_pixel(x, y)[0];
            Rgb([v, v, v])
        });
        assert_eq!(img.rgb, expected, "{}", p.display());
    }
}

#[test]
fn webp_lossless_decodes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("q.webp");
    fixtures::quadrants().save(&p).unwrap();
    let img = load(&p);
    assert_eq!(img.format, "webp");
    assert_eq!(img.rgb, fixtures::quadrants());
}

#[test]
fn gif_decodes_its_first_frame() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("two-frames.gif");
    fixtures::gif(&p);
    let img = load(&p);
    assert_eq!(img.format, "gif");
    assert_eq!((img.width(), img.height()), (W, H));
    // The first frame's 32 colours fit a GIF palette exactly.
    assert_eq!(
        img.rgb,
        fixtures::quadrants(),
        "the first frame, not the grey second"
    );
}

/// A CMYK JPEG comes out as RGB with its inks applied: no ink is white, magenta and yellow
/// make red, and black ink is black (stored values inverted, as Adobe writes them).
#[test]
fn cmyk_jpeg_decodes_to_rgb() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [([u8; 4], [u8; 4], [u8; 3], [u8; 3]); 2] = [
        // No ink | magenta and yellow in full.
        (
            [255, 255, 255, 255],
            [255, 0, 0, 255],
            [255, 255, 255],
            [255, 0, 0],
        ),
        // Black in full | cyan in full.
        (
            [255, 255, 255, 0],
            [0, 255, 255, 255],
            [0, 0, 0],
            [0, 255, 255],
        ),
    ];
    for (i, (left, right, want_left, want_right)) in cases.into_iter().enumerate() {
        let p = write(
            dir.path(),
            &format!("cmyk{i}.jpg"),
            &fixtures::cmyk_jpeg([left, right]),
        );
        let img = load(&p);
        assert_eq!((img.width(), img.height()), (16, 8));
        for (x, want) in [(3, want_left), (12, want_right)] {
            let got = img.rgb.get_pixel(x, 4).0;
            assert!(
                got.iter().zip(want).all(|(g, w)| g.abs_diff(w) <= 3),
                "CMYK {:?} should show as {want:?}, got {got:?}",
                if x < 8 { left } else { right }
            );
        }
    }
}

#[test]
fn png_16_bit_decodes_to_its_high_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("q16.png");
    fixtures::quadrants16().save(&p).unwrap();
    let img = load(&p);
    assert_eq!(img.format, "png");
    assert_eq!(img.source_bits, 16);
    assert_eq!(img.rgb, fixtures::quadrants());
}

/// The quadrants of the displayed picture for a stored quadrant picture with EXIF
/// `orientation`, worked out by hand: 3 turns it half round, 6 a quarter clockwise, 8 a
/// quarter anticlockwise.
fn displayed(orientation: u16) -> ([[u8; 3]; 4], (u32, u32)) {
    match orientation {
        1 => ([RED, GREEN, BLUE, YELLOW], (W, H)),
        3 => ([YELLOW, BLUE, GREEN, RED], (W, H)),
        6 => ([BLUE, RED, YELLOW, GREEN], (H, W)),
        8 => ([GREEN, YELLOW, RED, BLUE], (H, W)),
        _ => unreachable!("not used here"),
    }
}

#[test]
fn exif_orientations_3_6_and_8_come_out_upright() {
    let dir = tempfile::tempdir().unwrap();
    for orientation in [1, 3, 6, 8] {
        let bytes = fixtures::jpeg_with_orientation(&fixtures::quadrants(), orientation);
        let p = write(dir.path(), &format!("o{orientation}.jpg"), &bytes);
        let img = load(&p);
        let (quads, size) = displayed(orientation);
        assert_eq!(
            (img.width(), img.height()),
            size,
            "orientation {orientation}"
        );
        // JPEG's colour subsampling blurs the quadrant edges, not their centres.
        assert_near(
            quadrant_colours(&img.rgb),
            quads,
            24,
            &format!("orientation {orientation}"),
        );
    }
}

/// `palimpsest diff` on a pair stored turned (EXIF orientation 3, 6 or 8 on both files) works
/// on the upright pictures: the mask has the displayed size, and its changed pixels lie on the
/// erased figure where the upright picture shows it.
#[test]
fn the_mask_of_an_exif_rotated_pair_is_in_the_displayed_orientation() {
    let dir = tempfile::tempdir().unwrap();
    let scene = palimpsest::synth::staged_photo(42, 480, 320);
    let (before, after) = (scene.render(&[]), scene.render(&[1]));
    let truth = scene.truth_mask(&[1]);
    let truth_px = truth.pixels().filter(|p| p[0] > 0).count();
    assert!(truth_px > 500, "figure 1 is visible: {truth_px} px");
    // Stored so that applying the orientation gives the upright picture back.
    let stored = |img: &RgbImage, orientation: u16| match orientation {
        3 => image::imageops::rotate180(img),
        6 => image::imageops::rotate270(img),
        8 => image::imageops::rotate90(img),
        _ => unreachable!("not used here"),
    };
    for orientation in [3, 6, 8] {
        let b = write(
            dir.path(),
            &format!("before{orientation}.jpg"),
            &fixtures::jpeg_with_orientation(&stored(&before, orientation), orientation),
        );
        let a = write(
            dir.path(),
            &format!("after{orientation}.jpg"),
            &fixtures::jpeg_with_orientation(&stored(&after, orientation), orientation),
        );
        let m = dir.path().join(format!("mask{orientation}.png"));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_palimpsest"))
            .args(["diff".as_ref(), b.as_os_str(), a.as_os_str()])
            .args(["--mask".as_ref(), m.as_os_str()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "orientation {orientation}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mask = image::open(&m).unwrap().to_luma8();
        assert_eq!(
            mask.dimensions(),
            (480, 320),
            "orientation {orientation}: the mask has the upright size"
        );
        let (mut on, mut on_truth) = (0, 0);
        for (x, y, p) in mask.enumerate_pixels() {
            if p[0] > 0 {
                on += 1;
                // Near the figure: the outline may reach a few pixels past its silhouette.
                let near = (x.saturating_sub(6)..(x + 7).min(480)).any(|xx| {
                    (y.saturating_sub(6)..(y + 7).min(320)).any(|yy| truth.get_pixel(xx, yy)[0] > 0)
                });
                on_truth += usize::from(near);
            }
        }
        assert!(
            on > truth_px / 2,
            "orientation {orientation}: the erased figure is found ({on} px of {truth_px})"
        );
        assert!(
            on_truth * 10 >= on * 9,
            "orientation {orientation}: the mask lies on the figure as displayed \
             ({on_truth} of {on} px near it)"
        );
    }
}

/// A picture of smooth shading and fine stripes, large enough to be loaded reduced.
fn large_picture(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let stripes = 40.0 * (fx / 9.0).sin() * (fy / 13.0).cos();
        let shade = 100.0 + 80.0 * (fx / w as f32) + 30.0 * (fy / h as f32);
        let v = |o: f32| (shade + stripes + o).clamp(0.0, 255.0) as u8;
        Rgb([v(0.0), v(-20.0), v(25.0)])
    })
}

/// A large JPEG or PNG loaded as an analysis copy is the picture reduced: a JPEG decoded at
/// half scale (in the DCT domain) is within a grey level or two of the full decode box-reduced,
/// a PNG's copy is the box reduction exactly, both know the file's size, and a small picture
/// or a full-size load is not reduced.
#[test]
fn an_analysis_copy_is_the_picture_reduced_and_knows_its_full_size() {
    use palimpsest::io::AnalysisCopy;
    let dir = tempfile::tempdir().unwrap();
    // 3072 px is worked on at 1536 px, as is a half-size copy of it; the odd height leaves a
    // last row of blocks cut short.
    let (w, h) = (3072, 2049);
    let picture = large_picture(w, h);
    let copy = LoadOptions {
        analysis_copy: Some(AnalysisCopy {
            work_max_side: 1536,
            frame: true,
        }),
        ..LoadOptions::default()
    };
    for (name, format, tolerance) in [
        ("large.jpg", image::ImageFormat::Jpeg, 2.0),
        ("large.png", image::ImageFormat::Png, 0.0),
    ] {
        let path = dir.path().join(name);
        picture.save_with_format(&path, format).unwrap();
        let full = load(&path);
        assert_eq!((full.reduction, full.full_size), (1, (w, h)), "{name}");
        let reduced = load_image(&path, &copy).unwrap();
        assert_eq!(reduced.reduction, 2, "{name}");
        assert_eq!(reduced.full_size, (w, h), "{name}");
        assert_eq!(reduced.rgb.dimensions(), (1536, 1025), "{name}");
        let boxed = palimpsest::imgops::reduce_rgb(&full.rgb, 2);
        let total: u64 = boxed
            .as_raw()
            .iter()
            .zip(reduced.rgb.as_raw())
            .map(|(a, b)| u64::from(a.abs_diff(*b)))
            .sum();
        let mean = total as f64 / boxed.as_raw().len() as f64;
        assert!(
            mean <= tolerance,
            "{name}: the copy differs from the reduced picture by {mean:.2} levels on average"
        );
        // The copy maps back onto the file's pixels: a copy pixel's centre is the centre of
        // the block it averages.
        let (fx, fy) = reduced.full_from_copy().apply_lossy(10.0, 20.0);
        assert!((fx - 20.5).abs() < 1e-9 && (fy - 40.5).abs() < 1e-9);
    }
    // A picture already at its working size is loaded whole.
    let small = dir.path().join("small.jpg");
    large_picture(1400, 900).save(&small).unwrap();
    let loaded = load_image(&small, &copy).unwrap();
    assert_eq!(
        (loaded.reduction, loaded.rgb.dimensions()),
        (1, (1400, 900))
    );
}
