//! Nothing is lost in a crash: a real app process is killed with `SIGKILL` in the middle of
//! editing, and the next start offers the autosave and restores the annotations made before it.
//!
//! The test runs headless. The "app process" is this test binary run again as a child, running
//! only [`child_edits_until_killed`]: the real `PalimpsestApp` in an `egui_kittest` harness
//! with its data folder in a temporary directory and a short autosave interval. It labels a
//! region, waits until the recovery file holds the label, adds a note (not yet autosaved),
//! prints a marker line and spins. The parent kills it at the marker and starts a fresh app on
//! the same data folder.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]
#![cfg(all(feature = "gui", unix))]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command as Process, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{MAX_FRAMES, answer_restore_offer, harness, settle};
use palimpsest::app::testing::FakeDialogs;
use palimpsest::app::{Command, PalimpsestApp, Start};
use palimpsest::project::{DataDir, Edit};

/// Set in the child's environment; the child test does nothing without it.
const CHILD_ENV: &str = "PALIMPSEST_RECOVERY_CHILD";

/// Printed by the child once the first edit is autosaved and the second made.
const MARKER: &str = "PALIMPSEST-CHILD-EDITED";

/// Autosave interval in the child. The second edit must not be autosaved between the marker
/// and the kill, which follows within milliseconds; four seconds leaves a wide margin.
const CHILD_AUTOSAVE_SECS: &str = "4";

const LABEL: &str = "Leon Trotsky, removed from the podium";
const NOTE: &str = "Typed after the last autosave.";

/// The child: edits, waits for the autosave, edits again, and spins until killed.
#[test]
#[ignore = "run by kill_mid_edit_then_restore in a child process"]
fn child_edits_until_killed() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let (before, after) = palimpsest::app::sample_pair().expect("bundled sample pair");
    // The data folder and the autosave interval come from the environment, as in the app.
    let app = PalimpsestApp::new_for_test(Start::Pair(before, after), FakeDialogs::default());
    let mut h = harness(app);
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    let data = DataDir::from_env();
    assert_eq!(h.state().data_dir(), &data);

    // First edit: label a region, through the same command the annotation editor sends.
    let id = h.state().regions().first().expect("a detected region").id;
    let ctx = h.ctx.clone();
    h.state_mut().send(
        &ctx,
        Command::Edit(Edit::SetLabel {
            id,
            label: LABEL.to_owned(),
        }),
    );
    let has_label = |data: &DataDir| {
        data.find_recovery().is_some_and(|r| {
            r.project
                .regions
                .iter()
                .any(|r| r.id == id && r.label == LABEL)
        })
    };
    let mut frames = 0;
    while !has_label(&data) {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
        frames += 1;
        assert!(frames < MAX_FRAMES, "the autosave never came");
    }

    // Second edit, not autosaved yet.
    h.state_mut().send(
        &ctx,
        Command::Edit(Edit::SetNote {
            id,
            note: NOTE.to_owned(),
        }),
    );
    h.step();
    println!("{MARKER} region {id}");
    // Spin like a live app until killed; give up after two minutes so no process is left over.
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(120) {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the child was not killed");
}

#[test]
// A plain thread reads the child process's output; the app's task registry is not for tests.
#[allow(clippy::disallowed_methods)]
fn kill_mid_edit_then_restore() {
    let data_dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut child = Process::new(exe)
        .args([
            "child_edits_until_killed",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .env("PALIMPSEST_DATA_DIR", data_dir.path())
        .env("PALIMPSEST_AUTOSAVE_SECS", CHILD_AUTOSAVE_SECS)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();

    // Read the child's output on a thread, so the wait can time out.
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(240);
    let region = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                if let Some(rest) = line.split(MARKER).nth(1) {
                    break rest
                        .trim()
                        .trim_start_matches("region ")
                        .parse::<u32>()
                        .unwrap();
                }
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the child never reported its edits ({e})");
            }
        }
    };

    // SIGKILL: no exit handler, no last autosave.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    {
        use std::os::unix::process::ExitStatusExt as _;
        assert_eq!(
            status.signal(),
            Some(9),
            "the child died of SIGKILL: {status:?}"
        );
    }

    // The next start, on the same data folder, offers the autosave before opening the sample.
    let data = DataDir::at(data_dir.path());
    assert!(
        data.find_recovery().is_some(),
        "the autosave survived the kill"
    );
    let app = PalimpsestApp::new_for_test(Start::Sample, FakeDialogs::default())
        .with_data_dir(DataDir::at(data_dir.path()));
    let mut h = harness(app);
    answer_restore_offer(&mut h, "Restore");
    assert_eq!(h.state().error(), None);

    let restored = h
        .state()
        .project()
        .region(region)
        .expect("the labelled region is back")
        .clone();
    assert_eq!(
        restored.label, LABEL,
        "the edit made before the autosave is recovered"
    );
    assert_eq!(
        restored.note, "",
        "the edit made after the last autosave was lost with the process"
    );
    assert!(
        h.state().is_dirty(),
        "the restored work is not in a project file yet"
    );
    assert!(h.state().window_title().starts_with('•'));
    assert!(
        data.find_recovery().is_some(),
        "the autosave stays until the work is saved or discarded"
    );
}
