//! A mutation fuzzer on stable Rust (no nightly, no libFuzzer): starts from the corpus under
//! `fuzz/corpus/<target>/`, mutates inputs with a seeded generator (bit flips, byte and
//! block overwrites, insertions, deletions, splices, interesting values), and feeds them to
//! one of three targets, catching panics and timing each run:
//!
//! - `image`: [`palimpsest::io::load_image_from_bytes`] (every decoder, the size cap, the
//!   strict JPEG path), under a 16 MP cap;
//! - `project`: [`palimpsest::project::Project::parse`] (JSON, migration, value checks), and on
//!   success the CSV and Web Annotation exports of the document;
//! - `essay`: [`palimpsest::essay::Essay::parse`] and anchor look-ups.
//!
//! `cargo run --release -- TARGET SECONDS [SEED]`. An input that panics or takes over
//! 5 seconds is written to `fuzz/crashes/TARGET-N.bin`; inputs reaching a new outcome
//! (a new error message class) are kept in memory as further seeds. A summary line reports
//! executions, seconds, crashes and slow inputs.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use palimpsest::essay::Essay;
use palimpsest::export::{WebAnnotationOptions, csv, web_annotation};
use palimpsest::io::{LoadOptions, load_image_from_bytes};
use palimpsest::project::Project;

/// SplitMix64: small, fast, and the same sequence for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INTERESTING: [&[u8]; 12] = [
    &[0x00],
    &[0xFF],
    &[0x7F],
    &[0x80],
    &[0xFF, 0xFF, 0xFF, 0xFF],
    &[0x00, 0x00, 0x00, 0x00],
    &[0xFF, 0xD9],
    &[0xFF, 0xD8, 0xFF],
    b"1e308",
    b"-1e400",
    b"NaN",
    b"\"\xd0\x81\"",
];

fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        let len = out.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                out[i] = rng.next() as u8;
            }
            2 if len > 0 => {
                let i = rng.below(len);
                let n = (1 + rng.below(64)).min(len - i);
                for b in &mut out[i..i + n] {
                    *b = rng.next() as u8;
                }
            }
            3 => {
                let i = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                out.splice(i..i, bytes);
            }
            4 if len > 1 => {
                let i = rng.below(len);
                let n = (1 + rng.below(256)).min(len - i);
                out.drain(i..i + n);
            }
            5 if len > 1 => {
                // Cut short, as a truncated download is.
                out.truncate(rng.below(len));
            }
            6 => {
                let v = INTERESTING[rng.below(INTERESTING.len())];
                let i = rng.below(len + 1);
                if rng.below(2) == 0 || i + v.len() > len {
                    out.splice(i..i, v.iter().copied());
                } else {
                    out[i..i + v.len()].copy_from_slice(v);
                }
            }
            7 if !corpus.is_empty() => {
                // Splice with another corpus entry.
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let b = a + rng.below(other.len() - a);
                    let i = rng.below(len + 1);
                    out.splice(i..i, other[a..b].iter().copied());
                }
            }
            _ if len > 2 => {
                // Duplicate a block (repeated chunks, nested brackets).
                let i = rng.below(len);
                let n = (1 + rng.below(128)).min(len - i);
                let block = out[i..i + n].to_vec();
                let at = rng.below(len + 1);
                out.splice(at..at, block);
            }
            _ => {}
        }
    }
    out.truncate(1 << 20);
    out
}

/// A structure-aware mutation for JSON inputs: parses the input and changes one value deep
/// inside it (a number to an extreme, a string to an odd one, an array cut or repeated, a
/// field dropped), so that most inputs get past the parser into the value checks and the
/// exports. `None` when the input is not JSON.
fn mutate_json(rng: &mut Rng, input: &[u8]) -> Option<Vec<u8>> {
    let mut value: serde_json::Value = serde_json::from_slice(input).ok()?;
    // Choose a random path (as a JSON pointer), then change the value there.
    let mut pointer = String::new();
    let mut node = &value;
    for _ in 0..1 + rng.below(6) {
        let step = match node {
            serde_json::Value::Object(map) if !map.is_empty() => {
                let key = map.keys().nth(rng.below(map.len()))?;
                map.get(key)
                    .map(|n| (key.replace('~', "~0").replace('/', "~1"), n))
            }
            serde_json::Value::Array(items) if !items.is_empty() => {
                let i = rng.below(items.len());
                items.get(i).map(|n| (i.to_string(), n))
            }
            _ => None,
        };
        match step {
            Some((name, n)) if rng.below(4) != 0 => {
                pointer.push('/');
                pointer.push_str(&name);
                node = n;
            }
            _ => break,
        }
    }
    let node = value.pointer_mut(&pointer)?;
    const NUMBERS: [f64; 10] = [
        0.0,
        -1.0,
        1e308,
        -1e308,
        1e-308,
        4294967296.0,
        -0.0,
        0.5,
        1e12,
        65536.0,
    ];
    const STRINGS: [&str; 8] = [
        "",
        "=HYPERLINK(\"x\")",
        "\u{202e}ё😀",
        "../../etc/passwd",
        "a\u{0}b",
        "/dev/zero",
        "NaN",
        "\r\n\t",
    ];
    *node = match (rng.below(8), &*node) {
        (0, serde_json::Value::Array(items)) if !items.is_empty() => {
            let mut items = items.clone();
            let i = rng.below(items.len());
            let copy = items[i].clone();
            for _ in 0..1 + rng.below(300) {
                items.push(copy.clone());
            }
            serde_json::Value::Array(items)
        }
        (1, serde_json::Value::Array(_)) => serde_json::Value::Array(Vec::new()),
        (2, serde_json::Value::Object(map)) if !map.is_empty() => {
            let mut map = map.clone();
            let key = map.keys().nth(rng.below(map.len()))?.clone();
            map.remove(&key);
            serde_json::Value::Object(map)
        }
        (3, serde_json::Value::String(s)) => {
            serde_json::Value::String(s.repeat(1 + rng.below(5000)))
        }
        (4 | 5, _) => serde_json::json!(NUMBERS[rng.below(NUMBERS.len())]),
        (6, _) => serde_json::json!(STRINGS[rng.below(STRINGS.len())]),
        _ => serde_json::json!(rng.next() as i64),
    };
    serde_json::to_vec(&value).ok()
}

/// Runs one input through a target; returns a short class of the outcome.
fn run_target(target: &str, data: &[u8]) -> String {
    match target {
        "image" => {
            let options = LoadOptions {
                max_megapixels: 16.0,
            };
            match load_image_from_bytes(data, Path::new("fuzz.img"), &options) {
                Ok(img) => format!("ok {} {}", img.format, img.grayscale),
                Err(e) => class(&e.to_string()),
            }
        }
        "project" => match Project::parse(data, Path::new("fuzz.palimpsest.json")) {
            Ok((project, _)) => {
                let essay = Essay::bundled();
                let text = csv(&project);
                let value = web_annotation(&project, &essay, &WebAnnotationOptions::default());
                format!("ok {} {}", text.len() > 0, value.is_object())
            }
            Err(e) => class(&e.to_string()),
        },
        "essay" => {
            let text = String::from_utf8_lossy(data);
            let essay = Essay::parse(&text);
            let mut n = 0;
            for p in &essay.passages {
                if essay.find(&p.anchor).is_some() {
                    n += 1;
                }
                let _ = essay.section_title(&p.anchor);
                let _ = essay.subtree(&p.anchor);
            }
            let _ = essay.search("trotsky");
            format!("ok {}", n.min(4))
        }
        other => panic!("unknown target {other}"),
    }
}

/// The first few words of an error, without numbers: errors of one kind share a class.
fn class(message: &str) -> String {
    message
        .split_whitespace()
        .take(6)
        .map(|w| w.trim_matches(|c: char| c.is_ascii_digit() || c == ',' || c == ':'))
        .collect::<Vec<_>>()
        .join(" ")
}

fn load_corpus(dir: &Path) -> Vec<Vec<u8>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    entries
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let target = args.get(1).map_or("image", String::as_str).to_owned();
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut corpus = load_corpus(&root.join("corpus").join(&target));
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    let crashes = root.join("crashes");
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed);
    let mut seen = std::collections::HashSet::new();
    let (mut execs, mut crashed, mut slow) = (0_u64, 0_u64, 0_u64);
    let started = Instant::now();
    let budget = Duration::from_secs(seconds);
    while started.elapsed() < budget {
        let base = corpus[rng.below(corpus.len())].clone();
        let input = if execs < corpus.len() as u64 {
            base
        } else {
            let structured = (target == "project" && rng.below(4) != 0)
                .then(|| mutate_json(&mut rng, &base))
                .flatten();
            structured.unwrap_or_else(|| mutate(&mut rng, &base, &corpus))
        };
        let t = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| run_target(&target, &input)));
        let took = t.elapsed();
        execs += 1;
        let bad = match &outcome {
            Err(_) => {
                crashed += 1;
                Some("panic")
            }
            Ok(_) if took > Duration::from_secs(5) => {
                slow += 1;
                Some("slow")
            }
            Ok(_) => None,
        };
        if let Some(kind) = bad {
            let _ = std::fs::create_dir_all(&crashes);
            let name = crashes.join(format!("{target}-{kind}-{}.bin", crashed + slow));
            let _ = std::fs::write(&name, &input);
            eprintln!(
                "{kind} after {:.1} s: {}",
                took.as_secs_f64(),
                name.display()
            );
        }
        if let Ok(class) = outcome
            && seen.insert(class)
            && corpus.len() < 4096
        {
            corpus.push(input);
        }
    }
    if std::env::var_os("FUZZ_CLASSES").is_some() {
        let mut classes: Vec<_> = seen.iter().collect();
        classes.sort();
        for c in classes {
            eprintln!("class: {c}");
        }
    }
    println!(
        "target {target}: {execs} executions in {:.0} s, {crashed} crashes, {slow} over 5 s, {} outcome classes, seed {seed}",
        started.elapsed().as_secs_f64(),
        seen.len()
    );
}
