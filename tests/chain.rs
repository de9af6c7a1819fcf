//! Version chains end to end from the command line: `project new` on three versions assigns
//! each erased person to the step at which they vanish, never reports one twice, and
//! `export` carries the step of each region into its outputs.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "common/chain.rs"]
mod chain_case;

use std::process::Command;

use palimpsest::project::Project;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_palimpsest"))
}

#[test]
fn project_new_on_three_versions_assigns_each_erased_person_to_their_step() {
    let dir = tempfile::tempdir().unwrap();
    let chain = chain_case::write_chain(dir.path(), 1931);
    let out = dir.path().join("canal.palimpsest.json");
    let run = bin()
        .arg("project")
        .arg("new")
        .arg(&out)
        .args(&chain.versions)
        .args(["--title", "On the canal"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("between 1926 and 1929"), "{stderr}");

    let loaded = Project::load(&out).unwrap();
    assert!(loaded.problems.is_empty());
    let p = loaded.project;
    assert_eq!(p.version_count(), 3);
    assert_eq!(p.title, "On the canal");
    assert!(
        p.later[0].alignment.is_some(),
        "version 3 is aligned onto version 1"
    );
    for step in 0..2_u32 {
        let outlines: Vec<Vec<[f64; 2]>> =
            p.regions_of_step(step).map(|r| r.polygon.clone()).collect();
        assert!(!outlines.is_empty(), "step {step} has no region");
        let own = chain_case::share_inside(&chain.truths[step as usize], &outlines);
        let other = chain_case::share_inside(&chain.truths[1 - step as usize], &outlines);
        assert!(
            own > 0.6,
            "step {step} outlines only {own:.2} of its person"
        );
        assert!(
            other < 0.1,
            "step {step} outlines {other:.2} of the other step's person"
        );
    }
    // Regions are numbered by step: every region of step 0 comes before those of step 1.
    let steps: Vec<u32> = p.regions.iter().map(|r| r.step).collect();
    assert!(steps.is_sorted(), "{steps:?}");

    // The whole flow is scriptable: export reads the chain and carries each region's step.
    let csv = dir.path().join("regions.csv");
    let annotations = dir.path().join("annotations.jsonld");
    let export = bin()
        .arg("export")
        .arg(&out)
        .arg("--csv")
        .arg(&csv)
        .arg("--web-annotation")
        .arg(&annotations)
        .arg("--png")
        .arg(dir.path().join("annotated.png"))
        .arg("--gif")
        .arg(dir.path().join("reveal.gif"))
        .output()
        .unwrap();
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let table = std::fs::read_to_string(&csv).unwrap();
    let mut rows = csv_rows(&table);
    let header = rows.remove(0);
    let col = header
        .iter()
        .position(|h| h == "step")
        .expect("a step column");
    let when = header
        .iter()
        .position(|h| h == "step_between")
        .expect("a step_between column");
    assert_eq!(rows.len(), p.regions.len());
    for (row, region) in rows.iter().zip(&p.regions) {
        assert_eq!(row[col], (region.step + 1).to_string());
        assert_eq!(row[when], p.step_name(region.step));
    }
    // The animated reveal runs through every version: each held, then faded into the next
    // (the last back into the first).
    let options = palimpsest::export::RevealOptions::default();
    let gif = std::fs::File::open(dir.path().join("reveal.gif")).unwrap();
    let frames = image::AnimationDecoder::into_frames(
        image::codecs::gif::GifDecoder::new(std::io::BufReader::new(gif)).unwrap(),
    )
    .collect_frames()
    .unwrap();
    assert_eq!(frames.len(), 3 * (1 + options.fade_frames as usize));
    let held = |k: usize| {
        frames[k * (1 + options.fade_frames as usize)]
            .buffer()
            .clone()
    };
    assert_ne!(held(1), held(2), "versions 2 and 3 are both shown");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&annotations).unwrap()).unwrap();
    let text = json.to_string();
    assert!(
        text.contains("between 1929 and 1935"),
        "the web annotations name the step"
    );
}

#[test]
fn a_chain_with_an_unrelated_version_is_refused_with_its_step() {
    let dir = tempfile::tempdir().unwrap();
    let chain = chain_case::write_chain(dir.path(), 1931);
    let noise = dir.path().join("noise.png");
    let mut rng = palimpsest::synth::SplitMix64::new(5);
    image::RgbImage::from_fn(900, 600, |_, _| {
        let v = (rng.next_u64() & 0xff) as u8;
        image::Rgb([v, v, v])
    })
    .save(&noise)
    .unwrap();
    let out = dir.path().join("bad.palimpsest.json");
    let run = bin()
        .args(["project", "new"])
        .arg(&out)
        .arg(&chain.versions[0])
        .arg(&chain.versions[1])
        .arg(&noise)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(stderr.contains("version 3 onto version 2"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(!out.exists(), "nothing is saved");
}

/// Rows of a CSV table (quoted fields with doubled quotes), enough for the export's table.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows = vec![
        reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect(),
    ];
    for record in reader.records() {
        rows.push(record.unwrap().iter().map(str::to_owned).collect());
    }
    rows
}

/// A manifest row may hold a chain (`id,v1,v2,v3[,title]`): its project holds the three
/// versions, its mask both steps' people, its report one entry per step; a pair row and a
/// chain with a missing version in the same manifest are handled alongside.
#[test]
fn batch_runs_a_chain_row_beside_a_pair_row_and_a_broken_chain() {
    let dir = tempfile::tempdir().unwrap();
    let chain = chain_case::write_chain(dir.path(), 1931);
    let name = |i: usize| {
        chain.versions[i]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    let manifest = dir.path().join("manifest.csv");
    std::fs::write(
        &manifest,
        format!(
            "id,before,after,more,title\n\
             canal,{a},{b},{c},\"On the canal, three prints\"\n\
             pair,{a},{b}\n\
             broken,{a},{b},missing.jpg\n",
            a = name(0),
            b = name(1),
            c = name(2)
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = bin()
        .arg("batch")
        .arg(&manifest)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let rows = summary.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["status"], "ok", "{}", rows[0]);
    assert_eq!(rows[0]["title"], "On the canal, three prints");
    assert_eq!(rows[0]["later"], name(2));
    assert_eq!(rows[1]["status"], "ok");
    assert_eq!(rows[2]["status"], "error");
    assert!(
        rows[2]["error"].as_str().unwrap().contains("missing.jpg"),
        "{}",
        rows[2]
    );

    let project = Project::load(&out.join("rows/canal.palimpsest.json"))
        .unwrap()
        .project;
    assert_eq!(project.version_count(), 3);
    assert!(project.regions_of_step(1).count() >= 1);
    let mask = image::open(out.join("rows/canal.mask.png"))
        .unwrap()
        .to_luma8();
    for truth in &chain.truths {
        let (mut all, mut marked) = (0_u64, 0_u64);
        for (t, m) in truth.as_raw().iter().zip(mask.as_raw()) {
            if *t != 0 {
                all += 1;
                marked += u64::from(*m != 0);
            }
        }
        assert!(marked as f64 > 0.6 * all as f64, "{marked} of {all} marked");
    }
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("rows/canal.json")).unwrap()).unwrap();
    assert_eq!(report["steps"].as_array().unwrap().len(), 2);
    assert_eq!(
        report["steps"][1]["between"],
        format!(
            "between {} and {}",
            chain.versions[1].file_stem().unwrap().to_string_lossy(),
            chain.versions[2].file_stem().unwrap().to_string_lossy()
        )
    );
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",later"), "{csv}");
}
