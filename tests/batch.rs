//! `palimpsest batch` on a small manifest: a record and files per pair, a bad pair recorded
//! while the run goes on, the summary and the contact sheet; four shards run as separate
//! processes and merged give exactly the single run's summary, sheet and files; `--resume`
//! redoes only what is missing.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use palimpsest::synth::{Rescan, rescan, staged_photo};

fn batch(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palimpsest"))
        .arg("batch")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Five rows in `dir`: three doctored rescans, an unchanged rescan and a pair whose after
/// image is missing. Paths are relative to the manifest, one title has a comma.
fn manifest(dir: &Path) -> PathBuf {
    let images = dir.join("images");
    std::fs::create_dir(&images).unwrap();
    let mut rows = vec!["id,before,after,title".to_owned()];
    for seed in 1..=4_u64 {
        let scene = staged_photo(40 + seed, 480, 360);
        let before = scene.render(&[]);
        let after = if seed == 4 {
            before.clone()
        } else {
            scene.render(&[1])
        };
        let (after, _) = rescan(&after, &Rescan::typical(seed), seed);
        before
            .save(images.join(format!("{seed}-before.png")))
            .unwrap();
        after
            .save(images.join(format!("{seed}-after.jpg")))
            .unwrap();
        rows.push(format!(
            "print {seed},images/{seed}-before.png,images/{seed}-after.jpg,\"Case {seed}, 1937\""
        ));
    }
    rows.push("lost,images/1-before.png,images/missing.jpg,".to_owned());
    let path = dir.join("manifest.csv");
    std::fs::write(&path, rows.join("\n")).unwrap();
    path
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file of `a` is in `b` with the same bytes, and the other way round.
fn same_results(a: &Path, b: &Path) {
    for name in ["summary.csv", "summary.json", "contact.html"] {
        assert!(read(&a.join(name)) == read(&b.join(name)), "{name} differs");
    }
    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d.join("rows"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(a), names(b));
    for name in names(a) {
        // The reports carry timings; everything else must match to the byte.
        if name.ends_with(".row.json") || name.ends_with(".mask.png") {
            assert!(
                read(&a.join("rows").join(&name)) == read(&b.join("rows").join(&name)),
                "{name} differs"
            );
        }
    }
}

#[test]
fn a_manifest_gives_a_record_per_pair_and_shards_merge_to_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path());
    let single = dir.path().join("single");
    let out = batch(&[m.as_os_str(), "--out".as_ref(), single.as_os_str()]);
    ok(&out);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("[5/5]"),
        "a plain line per pair off a terminal: {log}"
    );

    let summary = String::from_utf8(read(&single.join("summary.csv"))).unwrap();
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(lines.len(), 6, "{summary}");
    assert!(lines[0].starts_with("row,id,title,before,after,status,regions"));
    let records: Vec<serde_json::Value> =
        serde_json::from_slice(&read(&single.join("summary.json"))).unwrap();
    assert_eq!(records.len(), 5);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r["row"].as_u64().unwrap(), i as u64 + 1, "manifest order");
    }
    for r in &records[..3] {
        assert_eq!(r["status"], "ok", "{r}");
        assert!(r["regions"].as_u64().unwrap() >= 1, "a doctored pair: {r}");
        assert!(r["changed_percent"].as_f64().unwrap() > 0.1, "{r}");
    }
    assert_eq!(records[3]["status"], "ok");
    assert_eq!(
        records[3]["regions"], 0,
        "the unchanged rescan: {}",
        records[3]
    );
    assert_eq!(records[2]["title"], "Case 3, 1937");
    assert_eq!(records[4]["status"], "error");
    assert!(
        records[4]["error"].as_str().unwrap().contains("not found"),
        "{}",
        records[4]
    );
    // Each analysed pair has its project, mask, report and thumbnail; the project opens.
    for stem in ["print_1", "print_2", "print_3", "print_4"] {
        for suffix in [".palimpsest.json", ".mask.png", ".json", ".thumb.jpg"] {
            assert!(single.join("rows").join(format!("{stem}{suffix}")).exists());
        }
        let p = palimpsest::project::Project::load(
            &single.join("rows").join(format!("{stem}.palimpsest.json")),
        )
        .unwrap();
        assert!(p.problems.is_empty(), "{:?}", p.problems);
    }
    assert!(!single.join("rows/lost.palimpsest.json").exists());
    // The contact sheet: one self-contained page, the most changed first, the failure last.
    let sheet = String::from_utf8(read(&single.join("contact.html"))).unwrap();
    assert_eq!(sheet.matches("data:image/jpeg;base64,").count(), 4);
    let mut by_change: Vec<&serde_json::Value> = records[..4].iter().collect();
    by_change.sort_by(|a, b| {
        b["changed_percent"]
            .as_f64()
            .unwrap()
            .total_cmp(&a["changed_percent"].as_f64().unwrap())
    });
    let mut at = 0;
    for r in by_change.iter().chain([&&records[4]]) {
        let id = format!("<b>{}</b>", r["id"].as_str().unwrap());
        let found = sheet[at..].find(&id).map(|i| i + at);
        at = found.unwrap_or_else(|| panic!("{id} out of order in the contact sheet"));
    }

    // Four shards as separate processes at once, then merged.
    let shards: Vec<PathBuf> = (1..=4)
        .map(|i| dir.path().join(format!("shard{i}")))
        .collect();
    let children: Vec<_> = shards
        .iter()
        .enumerate()
        .map(|(i, d)| {
            Command::new(env!("CARGO_BIN_EXE_palimpsest"))
                .arg("batch")
                .arg(&m)
                .arg("--out")
                .arg(d)
                .arg("--shard")
                .arg(format!("{}/4", i + 1))
                .output()
        })
        .collect();
    for child in children {
        ok(&child.unwrap());
    }
    let one: Vec<serde_json::Value> =
        serde_json::from_slice(&read(&shards[0].join("summary.json"))).unwrap();
    let rows: Vec<u64> = one.iter().map(|r| r["row"].as_u64().unwrap()).collect();
    assert_eq!(rows, [1, 5], "shard 1 of 4 holds rows 1 and 5");
    let merged = dir.path().join("merged");
    let mut args: Vec<&std::ffi::OsStr> = vec!["--merge".as_ref()];
    args.extend(shards.iter().map(|s| s.as_os_str()));
    args.extend(["--out".as_ref(), merged.as_os_str()]);
    ok(&batch(&args));
    same_results(&single, &merged);

    // Resume: only the rows whose record is missing, or that failed, run again.
    std::fs::remove_file(single.join("rows/print_2.row.json")).unwrap();
    std::fs::remove_file(single.join("summary.csv")).unwrap();
    // What a run killed in the middle of a write leaves behind goes at the next run.
    let stale = single.join("rows/.print_2.mask.png.4242-7-0badcafe.tmp");
    std::fs::write(&stale, b"half a mask").unwrap();
    let out = batch(&[
        m.as_os_str(),
        "--out".as_ref(),
        single.as_os_str(),
        "--resume".as_ref(),
    ]);
    ok(&out);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("3 row(s) already done"), "{log}");
    assert!(log.contains("[1/2] ") && log.contains("[2/2] "), "{log}");
    assert!(!stale.exists(), "a killed run's temporary file is removed");
    same_results(&single, &merged);

    // A pair that fails where an earlier run succeeded keeps no outputs of that run.
    std::fs::rename(
        dir.path().join("images/4-after.jpg"),
        dir.path().join("images/4-gone.jpg"),
    )
    .unwrap();
    ok(&batch(&[
        m.as_os_str(),
        "--out".as_ref(),
        single.as_os_str(),
    ]));
    let record: serde_json::Value =
        serde_json::from_slice(&read(&single.join("rows/print_4.row.json"))).unwrap();
    assert_eq!(record["status"], "error");
    for suffix in [".palimpsest.json", ".mask.png", ".json", ".thumb.jpg"] {
        assert!(
            !single
                .join("rows")
                .join(format!("print_4{suffix}"))
                .exists()
        );
    }
}

#[test]
fn a_bad_manifest_or_shard_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path());
    let out_dir = dir.path().join("out");
    let dup = dir.path().join("dup.csv");
    std::fs::write(&dup, "a b,x.png,y.png\na_b,x.png,z.png\n").unwrap();
    let out = batch(&[dup.as_os_str(), "--out".as_ref(), out_dir.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("same files as an earlier row"), "{err}");
    assert!(!out_dir.exists(), "nothing written");
    for bad in ["0/4", "5/4", "2", "x/y"] {
        let out = batch(&[
            m.as_os_str(),
            "--out".as_ref(),
            out_dir.as_os_str(),
            "--shard".as_ref(),
            bad.as_ref(),
        ]);
        assert_eq!(out.status.code(), Some(2), "--shard {bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--shard"));
    }
}
