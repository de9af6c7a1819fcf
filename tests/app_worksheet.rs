//! UI test of File > Export > Worksheet (PDF)…, headless (no display, no GPU): through a fake
//! file dialog the sample project's worksheet is written, a PDF with its questions and answers.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]
#![cfg(feature = "gui")]

mod common;

use common::{settle, steps};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use palimpsest::app::testing::FakeDialogs;
use palimpsest::app::{PalimpsestApp, Start};

#[test]
fn file_export_worksheet_writes_a_pdf_of_questions_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("podium-worksheet.pdf");
    let mut dialogs = FakeDialogs::default();
    dialogs.answers.push_back(vec![out.clone()]);
    let app = PalimpsestApp::new_for_test(Start::Sample, dialogs);
    let mut h = Harness::builder()
        .with_size([1600.0, 900.0])
        .build_ui_state(|ui, app: &mut PalimpsestApp| app.show(ui), app);
    settle(&mut h);
    assert_eq!(h.state().error(), None, "the sample should open cleanly");
    h.get_by_label("File").click();
    steps(&mut h, 2);
    h.get_by_label("Export").hover();
    steps(&mut h, 3);
    h.get_by_label("Worksheet (PDF)…").click();
    h.step();
    settle(&mut h);
    assert_eq!(h.state().error(), None);
    let message = h.state().export_message().expect("a message says so");
    assert!(message.contains("podium-worksheet.pdf"), "{message}");
    let bytes = std::fs::read(&out).expect("the worksheet is written");
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    let text = doc.extract_text(&pages).unwrap();
    assert!(text.contains("Worksheet"), "{text}");
    assert!(
        text.contains("Questions") && text.contains("Answers"),
        "{text}"
    );
}
