//! UI tests of what the app remembers between runs and what it shows of itself, headless: the
//! recent pairs (newest first, each once, at most `MAX_RECENT`) and the File menu's entries that
//! reopen them; the theme and view settings saved the way eframe saves them and read back by a
//! new app; the Light and Dark themes chosen from the View menu, seen in the colours drawn; and
//! the analysis's progress in the status bar, shown while it runs and gone once it ends.
//!
//! The pairs are the bundled sample at a quarter of its size, one copy per folder, so that each
//! opens and analyses in a moment and the recent list's entries differ by folder.

#![allow(
    clippy::unwrap_used,
    clippy::type_complexity,
    reason = "test code: a failed unwrap is a failed test"
)]
#![cfg(feature = "gui")]

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::{settle, steps};
use egui::accesskit::{Role, Toggled};
use egui::epaint::Shape;
use egui::{Color32, Pos2, Rect};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use palimpsest::app::settings::{MAX_RECENT, Theme};
use palimpsest::app::testing::FakeDialogs;
use palimpsest::app::{DockTab, PalimpsestApp, Settings, Start, ViewMode};

type Pair = (PathBuf, PathBuf);

/// Writes `n` small pairs (the bundled sample at a quarter of its size) into folders `pair-0`,
/// `pair-1`, … under `dir`, as `before.png` and `after.png`.
fn small_pairs(dir: &Path, n: usize) -> Vec<Pair> {
    let (b, a) = palimpsest::app::sample_pair().expect("bundled sample");
    let quarter = |p: &Path| {
        let img = image::open(p).unwrap();
        img.resize(
            img.width() / 4,
            img.height() / 4,
            image::imageops::FilterType::Triangle,
        )
    };
    let (b, a) = (quarter(&b), quarter(&a));
    (0..n)
        .map(|i| {
            let d = dir.join(format!("pair-{i}"));
            std::fs::create_dir_all(&d).unwrap();
            let (bp, ap) = (d.join("before.png"), d.join("after.png"));
            b.save(&bp).unwrap();
            a.save(&ap).unwrap();
            (bp, ap)
        })
        .collect()
}

/// The label of a pair's entry in File > Open recent.
fn entry(i: usize) -> String {
    format!("pair-{i}: before.png ↔ after.png")
}

/// A harness on `start`, settled, with no error shown.
fn started(app: PalimpsestApp) -> Harness<'static, PalimpsestApp> {
    let mut h = common::harness(app);
    settle(&mut h);
    assert_eq!(h.state().error(), None, "the pair opens without an error");
    assert!(h.state().analysed(), "the pair is analysed");
    h
}

/// Opens the next pair the fake dialog holds through the toolbar's Open button.
fn open_through_dialog(h: &mut Harness<'_, PalimpsestApp>) {
    h.get_by_label("📂 Open…").click();
    h.step();
    settle(h);
    assert_eq!(h.state().error(), None, "the pair opens without an error");
}

/// Opens File > Open recent and returns its entries, top to bottom; leaves the menu open.
fn recent_menu(h: &mut Harness<'_, PalimpsestApp>) -> Vec<String> {
    h.get_by_label("File").click();
    steps(h, 2);
    h.get_by_label("Open recent").hover();
    steps(h, 3);
    let mut rows: Vec<(f32, String)> = h
        .query_all_by(|n| n.label().is_some_and(|l| l.contains(" ↔ ")))
        .map(|n| {
            (
                n.rect().min.y,
                n.accesskit_node().label().unwrap_or_default(),
            )
        })
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    rows.into_iter().map(|(_, l)| l).collect()
}

fn close_menu(h: &mut Harness<'_, PalimpsestApp>) {
    h.get_by_label("File").click();
    steps(h, 2);
    assert!(
        h.query_by_label("Open recent").is_none(),
        "the File menu is closed"
    );
}

/// The recent list, newest first, as the File menu shows it and as the settings hold it.
fn assert_recent(h: &mut Harness<'_, PalimpsestApp>, pairs: &[Pair], expected: &[usize]) {
    let shown = recent_menu(h);
    close_menu(h);
    let labels: Vec<String> = expected.iter().map(|&i| entry(i)).collect();
    assert_eq!(shown, labels, "File > Open recent");
    let held: Vec<Pair> = expected.iter().map(|&i| pairs[i].clone()).collect();
    assert_eq!(
        h.state().recent_pairs(),
        held.as_slice(),
        "the settings' list"
    );
}

/// Each pair opened goes to the top of the recent list; one opened again moves up instead of
/// coming twice; past `MAX_RECENT` pairs the oldest drop off.
#[test]
fn opened_pairs_go_first_in_the_recent_list_once_each_and_at_most_max_recent() {
    let dir = tempfile::tempdir().unwrap();
    let n = MAX_RECENT + 2;
    let pairs = small_pairs(dir.path(), n);
    let mut dialogs = FakeDialogs::default();
    for i in [1, 0].into_iter().chain(2..n) {
        dialogs
            .answers
            .push_back(vec![pairs[i].0.clone(), pairs[i].1.clone()]);
    }
    let (b, a) = pairs[0].clone();
    let mut h = started(PalimpsestApp::new_for_test(Start::Pair(b, a), dialogs));
    assert_recent(&mut h, &pairs, &[0]);

    open_through_dialog(&mut h);
    assert_eq!(h.state().pair_paths(), Some(pairs[1].clone()));
    assert_recent(&mut h, &pairs, &[1, 0]);

    // The first pair again: it moves to the top and is listed once.
    open_through_dialog(&mut h);
    assert_eq!(h.state().pair_paths(), Some(pairs[0].clone()));
    assert_recent(&mut h, &pairs, &[0, 1]);

    for pair in &pairs[2..] {
        open_through_dialog(&mut h);
        assert_eq!(h.state().pair_paths().as_ref(), Some(pair));
    }
    // MAX_RECENT + 2 different pairs opened: the newest MAX_RECENT are kept, newest first.
    let newest: Vec<usize> = (2..n).rev().collect();
    assert_eq!(newest.len(), MAX_RECENT);
    assert_recent(&mut h, &pairs, &newest);
}

/// Clicking an entry of File > Open recent opens that pair again, and it becomes the newest.
#[test]
fn a_recent_entry_in_the_file_menu_reopens_its_pair() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = small_pairs(dir.path(), 2);
    let dialogs = FakeDialogs {
        answers: [vec![pairs[1].0.clone(), pairs[1].1.clone()]]
            .into_iter()
            .collect(),
    };
    let (b, a) = pairs[0].clone();
    let mut h = started(PalimpsestApp::new_for_test(Start::Pair(b, a), dialogs));
    open_through_dialog(&mut h);
    assert_eq!(h.state().pair_paths(), Some(pairs[1].clone()));

    assert_eq!(recent_menu(&mut h), vec![entry(1), entry(0)]);
    h.get_by_label(&entry(0)).click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    assert_eq!(
        h.state().pair_paths(),
        Some(pairs[0].clone()),
        "the entry reopened its pair"
    );
    assert!(h.state().analysed(), "and analysed it");
    assert!(
        h.query_by_label("Open recent").is_none(),
        "the menu closed on the click"
    );
    assert_recent(&mut h, &pairs, &[0, 1]);
}

/// An in-memory stand-in for eframe's settings file.
#[derive(Default)]
struct MemoryStorage(HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }

    fn flush(&mut self) {}
}

/// Opens the View menu of the menu bar (the Analysis tab has a "View" section too).
fn view_menu(h: &mut Harness<'_, PalimpsestApp>) {
    h.get_all_by_label("View")
        .next()
        .expect("View menu")
        .click();
    steps(h, 2);
}

/// Opens View > Theme and clicks `theme`'s entry.
fn choose_theme(h: &mut Harness<'_, PalimpsestApp>, theme: Theme) {
    view_menu(h);
    h.get_by_label("Theme").hover();
    steps(h, 3);
    h.get_by_label(theme.label()).click();
    steps(h, 3);
}

/// The onion skin's "After opacity" slider, in the Analysis tab.
fn opacity_slider<'h>(h: &'h Harness<'_, PalimpsestApp>) -> egui_kittest::Node<'h> {
    h.get_by(|n| n.role() == Role::Slider && n.label().as_deref() == Some("After opacity"))
}

/// The value of the onion skin's "After opacity" slider.
fn onion_opacity(h: &Harness<'_, PalimpsestApp>) -> f64 {
    opacity_slider(h)
        .accesskit_node()
        .numeric_value()
        .expect("the slider has a value")
}

/// The theme, the mode, the onion skin's opacity, the outlines and the dock's tab chosen in
/// the app are saved through eframe's storage and come back in a new app built from it; so
/// does the recent list.
#[test]
fn theme_and_view_settings_saved_by_the_app_come_back_in_a_new_app() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = small_pairs(dir.path(), 1);
    let (b, a) = pairs[0].clone();
    let mut h = started(PalimpsestApp::new_for_test(
        Start::Pair(b.clone(), a.clone()),
        FakeDialogs::default(),
    ));
    assert!(
        h.ctx.global_style().visuals.dark_mode,
        "the harness starts dark"
    );
    choose_theme(&mut h, Theme::Light);
    assert!(!h.ctx.global_style().visuals.dark_mode);
    h.get_by_label(ViewMode::OnionSkin.label()).click();
    steps(&mut h, 2);
    view_menu(&mut h);
    h.get_by_label("Analysis tab").click();
    steps(&mut h, 2);
    assert_eq!(h.state().dock_tab(), DockTab::Analysis);
    assert!(
        (onion_opacity(&h) - 0.5).abs() < 1e-6,
        "the default opacity"
    );
    opacity_slider(&h).set_value_accesskit(0.8);
    steps(&mut h, 2);
    assert!((onion_opacity(&h) - 0.8).abs() < 1e-6, "the slider moved");
    let outlines = |h: &Harness<'_, PalimpsestApp>| {
        h.get_by_label("Region outlines").accesskit_node().toggled()
    };
    assert_eq!(outlines(&h), Some(Toggled::True), "outlines shown at first");
    h.get_by_label("Region outlines").click();
    steps(&mut h, 2);
    assert_eq!(
        outlines(&h),
        Some(Toggled::False),
        "and hidden by the click"
    );
    assert_eq!(h.state().mode(), ViewMode::OnionSkin);

    let mut storage = MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    assert!(!storage.0.is_empty(), "the app wrote its settings");
    drop(h);

    let settings = Settings::load(Some(&storage));
    assert_eq!(settings.theme, Theme::Light);
    let h = started(PalimpsestApp::new_for_test_with_settings(
        Start::Pair(b.clone(), a.clone()),
        FakeDialogs::default(),
        settings,
    ));
    assert!(
        !h.ctx.global_style().visuals.dark_mode,
        "the new app is light although the harness starts dark"
    );
    assert_eq!(h.state().mode(), ViewMode::OnionSkin);
    assert_eq!(h.state().dock_tab(), DockTab::Analysis);
    assert!(
        (onion_opacity(&h) - 0.8).abs() < 1e-6,
        "the opacity came back: {}",
        onion_opacity(&h)
    );
    assert_eq!(
        outlines(&h),
        Some(Toggled::False),
        "the outlines stay hidden"
    );
    assert_eq!(h.state().recent_pairs(), [(b, a)].as_slice());

    // And nothing saved gives the defaults.
    assert_eq!(
        Settings::load(Some(&MemoryStorage::default())),
        Settings::default()
    );
}

/// The fill of the largest filled rectangle drawn around `p` on the last frame, inside `within`
/// (a panel's background).
fn fill_at(h: &Harness<'_, PalimpsestApp>, p: Pos2, within: Rect) -> Option<Color32> {
    fn rects(shape: &Shape, out: &mut Vec<(Rect, Color32)>) {
        match shape {
            Shape::Rect(r) if r.fill.a() > 0 => out.push((r.rect, r.fill)),
            Shape::Vec(v) => v.iter().for_each(|s| rects(s, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for clipped in &h.output().shapes {
        rects(&clipped.shape, &mut found);
    }
    found
        .into_iter()
        .filter(|(r, _)| r.contains(p) && within.expand(1.0).contains_rect(*r))
        .max_by(|a, b| a.0.area().total_cmp(&b.0.area()))
        .map(|(_, c)| c)
}

/// Light and Dark from View > Theme switch egui's visuals, and the status bar and the image
/// area are drawn in that theme's panel and background colours.
#[test]
fn light_and_dark_from_the_view_menu_recolour_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = small_pairs(dir.path(), 1);
    let (b, a) = pairs[0].clone();
    let mut h = started(PalimpsestApp::new_for_test(
        Start::Pair(b, a),
        FakeDialogs::default(),
    ));
    assert_ne!(
        egui::Visuals::light().panel_fill,
        egui::Visuals::dark().panel_fill,
        "the two themes' panels differ"
    );
    for (theme, visuals) in [
        (Theme::Light, egui::Visuals::light()),
        (Theme::Dark, egui::Visuals::dark()),
        (Theme::Light, egui::Visuals::light()),
    ] {
        choose_theme(&mut h, theme);
        assert_eq!(
            h.ctx.global_style().visuals.dark_mode,
            visuals.dark_mode,
            "{theme:?}"
        );
        let status = h.state().layout().status.expect("status bar drawn");
        assert_eq!(
            fill_at(&h, status.center(), status),
            Some(visuals.panel_fill),
            "the status bar's background in {theme:?}"
        );
    }
}

/// While an analysis runs the status bar shows its stage and how far it got (here held after
/// decoding, at "Loading 60 %"), with a spinner; once it ends that is gone and the region
/// count and analysis time are shown instead.
#[test]
fn the_status_bar_shows_the_analysis_progress_until_it_ends() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = small_pairs(dir.path(), 1);
    let (b, a) = pairs[0].clone();
    let mut app =
        PalimpsestApp::new_for_test(Start::Pair(b.clone(), a.clone()), FakeDialogs::default());
    let hold = app.hold_analysis_after_loading();
    let mut h = common::harness(app);
    // The status bar's job label: "<stage> <percent> % · <seconds> s".
    let progress = |h: &Harness<'_, PalimpsestApp>| -> Vec<String> {
        h.query_all_by(|n| {
            n.role() == Role::Label && n.value().is_some_and(|v| v.contains(" % · "))
        })
        .filter_map(|n| n.accesskit_node().value())
        .collect()
    };
    // The harness has drawn the first frame, which started the job: it shows at once, as
    // "Opening", or as the worker's first stage if that was quick to report.
    let first = progress(&h);
    assert!(
        first.len() == 1
            && (first[0].starts_with("Opening 0 % · ") || first[0].starts_with("Loading ")),
        "the job shows from the first frame: {first:?}"
    );

    for _ in 0..common::MAX_FRAMES {
        if h.state().pair_paths().is_some() {
            break;
        }
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(h.state().pair_paths(), Some((b, a)), "the pair was decoded");
    for _ in 0..10 {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
        let shown = progress(&h);
        assert!(
            shown.len() == 1 && shown[0].starts_with("Loading 60 % · ") && shown[0].ends_with(" s"),
            "the held analysis's progress: {shown:?}"
        );
        assert!(h.state().busy() && !h.state().analysed());
    }
    assert!(
        h.query_by(|n| n.role() == Role::ProgressIndicator && n.label().is_none())
            .is_some(),
        "a spinner turns"
    );
    assert!(h.query_by_label_contains("analysed in").is_none());

    hold.release();
    settle(&mut h);
    assert!(h.state().analysed());
    assert_eq!(progress(&h), Vec::<String>::new(), "the progress is gone");
    assert!(
        h.query_by(|n| n.role() == Role::ProgressIndicator && n.label().is_none())
            .is_none(),
        "the spinner is gone"
    );
    let n = h.state().regions().iter().filter(|r| !r.hidden).count();
    h.get_by_label_contains(&format!("{n} region(s) · analysed in "));
}
