//! The lesson page and the spot-the-change quiz in a real headless Chromium (Debian's
//! `chromium`), driven over the Chrome DevTools Protocol: the page is exported from a copy of
//! the bundled sample by `palimpsest export --html`, opened from `file://` with the network
//! off, and must load with no console error, no exception and no request but its own; the
//! regions are stepped through with the arrow keys, the modes switched with 1–4, the
//! screenshot must show a picture, a `<script>` in a note must stay text, and a played quiz
//! must score what was marked.
//!
//! Chromium is a system package: without it these tests fail (they do not skip), and
//! `.ci/run` installs it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

const SAMPLE: &str = "sample_images/podium";
const PROJECT: &str = "podium.palimpsest.json";
const WINDOW: (u32, u32) = (1400, 1000);

/// A second region added to the sample for the tests that need two: a box over the crowd at
/// the lower left, far from the sample's own region (x 700–901, y 225–681).
const SECOND_BOX: [f64; 4] = [150.0, 640.0, 200.0, 160.0];

/// The sample copied into a temporary folder, its project changed by `edit`.
fn sample_copy(edit: impl FnOnce(&mut Value)) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE);
    for name in ["before.jpg", "after.jpg"] {
        std::fs::copy(src.join(name), dir.path().join(name)).unwrap();
    }
    let mut project: Value =
        serde_json::from_str(&std::fs::read_to_string(src.join(PROJECT)).unwrap()).unwrap();
    edit(&mut project);
    let path = dir.path().join(PROJECT);
    std::fs::write(&path, serde_json::to_string_pretty(&project).unwrap()).unwrap();
    (dir, path)
}

fn add_second_region(project: &mut Value) {
    let [x, y, w, h] = SECOND_BOX;
    let regions = project["regions"].as_array_mut().unwrap();
    let mut second = regions[0].clone();
    second["id"] = json!(2);
    second["polygon"] = json!([[x, y], [x + w, y], [x + w, y + h], [x, y + h]]);
    second["bbox"] = json!({ "x": x, "y": y, "width": w, "height": h });
    second["area_px"] = json!(w * h);
    second["origin"] = json!("drawn");
    second["label"] = json!("A man in the front row");
    second["note"] = json!("Painted over with *more crowd*: compare the two prints.");
    second["links"] = json!([]);
    regions.push(second);
}

/// Runs `palimpsest export PROJECT --html OUT [extra…]` and returns the page's path.
fn export_html(project: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = project.with_file_name(name);
    let run = Command::new(env!("CARGO_BIN_EXE_palimpsest"))
        .arg("export")
        .arg(project)
        .arg("--html")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

/// A headless Chromium and one page of it, attached over CDP (flat sessions).
struct Browser {
    child: Child,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    session: String,
    next_id: u64,
    /// Every event received so far, in order.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch() -> Self {
        let binary = ["chromium", "chromium-browser"]
            .into_iter()
            .find(|b| {
                Command::new(b)
                    .arg("--version")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            })
            .unwrap_or_else(|| {
                panic!(
                    "chromium is not installed: these tests need Debian's `chromium` package \
                     (apt-get install -y chromium; .ci/run installs it)"
                )
            });
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(binary)
            .args([
                "--headless=new",
                "--remote-debugging-port=0",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                &format!("--window-size={},{}", WINDOW.0, WINDOW.1),
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        // Chromium keeps writing to stderr: read it to the end so it never blocks.
        let reader = std::thread::Builder::new().name("chromium-stderr".into());
        #[expect(
            clippy::disallowed_methods,
            reason = "a test's reader of a child's stderr, not app work"
        )]
        let _ = reader.spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if !sent && let Some(at) = line.find("ws://") {
                    let _ = tx.send(line[at..].trim().to_string());
                    sent = true;
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("chromium printed no \"DevTools listening on ws://…\" within 30 s");
        let (socket, _) = tungstenite::connect(url.as_str()).unwrap();
        if let MaybeTlsStream::Plain(s) = socket.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        }
        let mut browser = Browser {
            child,
            socket,
            session: String::new(),
            next_id: 1,
            events: Vec::new(),
            _profile: profile,
        };
        let target = browser.call("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = browser.call(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        browser.session = attached["sessionId"].as_str().unwrap().to_string();
        for method in [
            "Page.enable",
            "Runtime.enable",
            "Log.enable",
            "Network.enable",
        ] {
            browser.call(method, json!({}));
        }
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": WINDOW.0, "height": WINDOW.1, "deviceScaleFactor": 1, "mobile": false }),
        );
        browser.call(
            "Network.emulateNetworkConditions",
            json!({ "offline": true, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 }),
        );
        browser
    }

    fn read(&mut self) -> Value {
        loop {
            match self
                .socket
                .read()
                .expect("the DevTools connection broke or timed out")
            {
                Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
                Message::Close(_) => panic!("chromium closed the DevTools connection"),
                _ => {}
            }
        }
    }

    /// Sends a command (to the page's session once attached) and returns its result.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .unwrap();
        loop {
            let v = self.read();
            if v["id"] == json!(id) {
                assert!(v.get("error").is_none(), "{method} failed: {v}");
                return v["result"].clone();
            }
            self.events.push(v);
        }
    }

    /// Waits for the event `method`, at most `secs` seconds.
    fn wait_for(&mut self, method: &str, secs: u64) {
        let since = Instant::now();
        if self.events.iter().any(|e| e["method"] == method) {
            return;
        }
        while since.elapsed() < Duration::from_secs(secs) {
            let v = self.read();
            let done = v["method"] == method;
            self.events.push(v);
            if done {
                return;
            }
        }
        panic!("no {method} within {secs} s");
    }

    fn open(&mut self, page: &Path) -> String {
        let url = format!("file://{}", page.canonicalize().unwrap().display());
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_for("Page.loadEventFired", 30);
        // Let the page's script run its start-up and any late errors arrive.
        self.eval("new Promise(r => setTimeout(() => r(1), 300))");
        url
    }

    /// The value of a JavaScript expression (promises awaited).
    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        assert!(
            r.get("exceptionDetails").is_none(),
            "{expression} threw: {r}"
        );
        r["result"]["value"].clone()
    }

    fn key(&mut self, key: &str, code: &str, key_code: u32) {
        let text = if key.chars().count() == 1 { key } else { "" };
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({
                    "type": kind, "key": key, "code": code, "text": if kind == "keyDown" { text } else { "" },
                    "windowsVirtualKeyCode": key_code, "nativeVirtualKeyCode": key_code
                }),
            );
        }
    }

    fn click(&mut self, x: f64, y: f64) {
        self.call(
            "Input.dispatchMouseEvent",
            json!({ "type": "mouseMoved", "x": x, "y": y }),
        );
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "buttons": 1, "clickCount": 1 }),
            );
        }
    }

    fn screenshot(&mut self) -> image::RgbImage {
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        image::load_from_memory(&bytes).unwrap().to_rgb8()
    }

    /// Console errors and warnings, exceptions, error log entries, and requests for anything
    /// but `page_url`, as lines.
    fn problems(&self, page_url: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in &self.events {
            let p = &e["params"];
            match e["method"].as_str().unwrap_or_default() {
                "Runtime.exceptionThrown" => out.push(format!("exception: {p}")),
                "Runtime.consoleAPICalled"
                    if matches!(p["type"].as_str(), Some("error" | "warning" | "assert")) =>
                {
                    out.push(format!("console {}: {}", p["type"], p["args"]));
                }
                "Log.entryAdded"
                    if matches!(p["entry"]["level"].as_str(), Some("error" | "warning")) =>
                {
                    out.push(format!("log: {}", p["entry"]));
                }
                "Network.requestWillBeSent" => {
                    let url = p["request"]["url"].as_str().unwrap_or_default();
                    if url != page_url && !url.starts_with("data:") {
                        out.push(format!("request: {url}"));
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// Distinct colours and the spread of brightness in a screenshot: a blank or one-colour page
/// has few of one and none of the other.
fn assert_not_blank(img: &image::RgbImage, what: &str) {
    let mut colours = std::collections::HashSet::new();
    let (mut sum, mut sum2, n) = (0.0f64, 0.0f64, f64::from(img.width() * img.height()));
    for p in img.pixels() {
        colours.insert(p.0);
        let l = f64::from(p[0]) * 0.299 + f64::from(p[1]) * 0.587 + f64::from(p[2]) * 0.114;
        sum += l;
        sum2 += l * l;
    }
    let sd = (sum2 / n - (sum / n).powi(2)).max(0.0).sqrt();
    assert!(
        colours.len() > 2000 && sd > 20.0,
        "{what}: the screenshot looks blank ({} colours, brightness sd {sd:.1})",
        colours.len()
    );
}

/// Keeps a screenshot as `NAME.png` in the folder `LESSON_SCREENSHOTS` names, when set, to look
/// at.
fn keep(img: &image::RgbImage, name: &str) {
    if let Some(dir) = std::env::var_os("LESSON_SCREENSHOTS") {
        img.save(Path::new(&dir).join(format!("{name}.png")))
            .unwrap();
    }
}

/// Links within the page whose target is not on it.
fn assert_links_resolve(browser: &mut Browser, what: &str) {
    let broken = browser.eval(
        "[...document.querySelectorAll('a[href^=\"#\"]')].map(a => a.getAttribute('href')) \
         .filter(h => !document.getElementById(decodeURIComponent(h.slice(1))))",
    );
    assert_eq!(broken, json!([]), "{what}: links to nothing on the page");
}

fn shown_region(browser: &mut Browser) -> Value {
    browser.eval(
        "(() => { const d = [...document.querySelectorAll('.region-detail')].filter(d => !d.hidden); \
         return { count: d.length, id: d[0] && d[0].dataset.region, \
         label: d[0] && d[0].querySelector('.label').textContent, \
         note: d[0] && d[0].querySelector('.note').textContent, \
         position: document.getElementById('position').textContent, \
         focused: document.activeElement && document.activeElement.id }; })()",
    )
}

#[test]
fn the_lesson_page_works_offline_by_keyboard_in_chromium() {
    let (_dir, project) = sample_copy(add_second_region);
    let page = export_html(&project, "lesson.html", &[]);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&project).unwrap()).unwrap();
    let regions = saved["regions"].as_array().unwrap().clone();
    assert_eq!(regions.len(), 2);

    let mut browser = Browser::launch();
    let url = browser.open(&page);
    assert_links_resolve(&mut browser, "lesson page");
    let first = shown_region(&mut browser);
    assert_eq!(first["count"], 1, "{first}");
    assert_eq!(first["id"], "1", "{first}");
    // Step through every region with the right arrow, then once more past the end.
    for (i, region) in regions.iter().enumerate() {
        if i > 0 {
            browser.key("ArrowRight", "ArrowRight", 39);
        }
        let shown = shown_region(&mut browser);
        let id = region["id"].as_u64().unwrap();
        assert_eq!(shown["count"], 1, "{shown}");
        assert_eq!(shown["id"], id.to_string(), "{shown}");
        assert_eq!(shown["label"], region["label"], "{shown}");
        // The note is rendered from Markdown: compare its words without the markers.
        let note = region["note"].as_str().unwrap().replace(['*', '_'], "");
        let first_sentence = note.split(['.', ':']).next().unwrap().trim();
        let shown_note = shown["note"].as_str().unwrap();
        assert!(
            shown_note.contains(first_sentence),
            "region {id}: note {shown_note:?} lacks {first_sentence:?}"
        );
        assert_eq!(
            shown["position"],
            format!("Region {id} ({} of {})", i + 1, regions.len())
        );
        if i > 0 {
            assert_eq!(shown["focused"], format!("outline-{id}"), "{shown}");
        }
    }
    browser.key("ArrowLeft", "ArrowLeft", 37);
    assert_eq!(shown_region(&mut browser)["id"], "1");

    // Keys 1–4 switch the modes.
    for (n, mode) in ["side", "swipe", "onion", "blink"].iter().enumerate() {
        let digit = char::from(b'1' + u8::try_from(n).unwrap()).to_string();
        browser.key(
            &digit,
            &format!("Digit{digit}"),
            49 + u32::try_from(n).unwrap(),
        );
        let state = browser.eval(&format!(
            "[document.getElementById('stage').classList.contains('mode-{mode}'), \
             document.querySelector('.mode[aria-pressed=true]').dataset.mode]"
        ));
        assert_eq!(state, json!([true, mode]), "key {digit}");
    }
    browser.key("1", "Digit1", 49);
    let shot = browser.screenshot();
    assert_eq!(shot.dimensions(), WINDOW);
    assert_not_blank(&shot, "lesson page");
    keep(&shot, "lesson");
    browser.key("2", "Digit2", 50);
    keep(&browser.screenshot(), "lesson-swipe");
    browser.key("1", "Digit1", 49);
    // The pictures decoded (a data: URI the policy blocked would leave them empty).
    let sizes = browser.eval("[...document.images].map(i => i.naturalWidth)");
    assert!(
        sizes
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w.as_u64() > Some(0)),
        "{sizes}"
    );
    let problems = browser.problems(&url);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        browser
            .events
            .iter()
            .any(|e| e["method"] == "Network.requestWillBeSent"),
        "no request seen at all: the network log is not being watched"
    );
}

#[test]
fn a_script_in_a_note_does_not_run_in_chromium() {
    let evil = "<script>window.__pwned=1</script>";
    let (_dir, project) = sample_copy(|p| {
        p["regions"][0]["note"] = json!(evil);
        p["regions"][0]["label"] = json!(format!("Label {evil}"));
    });
    for (name, extra) in [("lesson.html", &[][..]), ("quiz.html", &["--quiz"][..])] {
        let page = export_html(&project, name, extra);
        let mut browser = Browser::launch();
        let url = browser.open(&page);
        let v = browser.eval(
            "[typeof window.__pwned, document.querySelector('.note').textContent, \
             document.querySelector('.region-title .label').textContent]",
        );
        assert_eq!(v[0], "undefined", "{name}: {v}");
        assert_eq!(v[1], evil, "{name}: {v}");
        assert_eq!(v[2], format!("Label {evil}"), "{name}: {v}");
        let problems = browser.problems(&url);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
    }
}

#[test]
fn the_quiz_scores_two_found_none_missed_one_false_in_chromium() {
    let (_dir, project) = sample_copy(add_second_region);
    let page = export_html(&project, "quiz.html", &["--quiz"]);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&project).unwrap()).unwrap();
    let first_vertex = &saved["regions"][0]["polygon"][0];
    let [x, y, w, h] = SECOND_BOX;
    let marks = [
        // On the sample region's outline.
        (
            first_vertex[0].as_f64().unwrap(),
            first_vertex[1].as_f64().unwrap(),
        ),
        // Inside the added box.
        (x + w / 2.0, y + h / 2.0),
        // The sky at the upper right, far from both.
        (1300.0, 90.0),
    ];

    let mut browser = Browser::launch();
    let url = browser.open(&page);
    browser.eval("document.getElementById('quiz-frame').scrollIntoView({block: 'start'}), 1");
    let frame = browser.eval(
        "(() => { const r = document.getElementById('quiz-frame').getBoundingClientRect(); \
         const d = JSON.parse(document.getElementById('lesson-data').textContent); \
         return [r.left, r.top, r.width, r.height, d.width, d.height]; })()",
    );
    let f: Vec<f64> = frame
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(f[2] > 100.0 && f[3] > 100.0, "{frame}");
    for (ix, iy) in marks {
        let (cx, cy) = (f[0] + ix / f[4] * f[2], f[1] + iy / f[5] * f[3]);
        assert!(cy < f64::from(WINDOW.1), "mark below the window: {cy}");
        browser.click(cx, cy);
    }
    assert_links_resolve(&mut browser, "quiz page");
    let count = browser.eval("document.getElementById('mark-count').textContent");
    assert_eq!(count, "3 marks.");
    // The result stays hidden until the reveal.
    assert_eq!(
        browser.eval("document.getElementById('result').hidden"),
        true
    );
    browser.eval("document.getElementById('reveal').scrollIntoView(), 1");
    let at = browser.eval(
        "(() => { const r = document.getElementById('reveal').getBoundingClientRect(); \
         return [r.left + r.width / 2, r.top + r.height / 2]; })()",
    );
    browser.click(at[0].as_f64().unwrap(), at[1].as_f64().unwrap());
    let result = browser.eval(
        "['found-count', 'missed-count', 'false-count'].map(id => \
         document.getElementById(id).textContent).concat([document.getElementById('result').hidden, \
         document.getElementById('status-1').textContent, document.getElementById('status-2').textContent, \
         document.querySelectorAll('#false-list li').length, \
         document.body.classList.contains('revealed')])",
    );
    assert_eq!(
        result,
        json!([
            "2",
            "0",
            "1",
            false,
            "Found (mark 1)",
            "Found (mark 2)",
            1,
            true
        ]),
        "{result}"
    );
    // The marks are kept in the browser only: a reload shows the same result.
    browser.events.clear();
    browser.call("Page.reload", json!({}));
    browser.wait_for("Page.loadEventFired", 30);
    let again = browser.eval("document.getElementById('found-count').textContent");
    assert_eq!(again, "2");
    // The reveal shows a picture with the outlines and the marks.
    browser.eval("document.getElementById('quiz-frame').scrollIntoView({block: 'start'}), 1");
    let shot = browser.screenshot();
    assert_not_blank(&shot, "quiz reveal");
    keep(&shot, "quiz-reveal");
    browser.eval("document.getElementById('result').scrollIntoView({block: 'start'}), 1");
    keep(&browser.screenshot(), "quiz-result");
    let problems = browser.problems(&url);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// `--quiz` and `--html-max-side` need `--html`; the long side must lie in its range and sets
/// the embedded pictures' size; the bundled sample's page stays a few megabytes.
#[test]
fn the_html_flags_are_checked_and_size_the_page() {
    let (_dir, project) = sample_copy(|_| {});
    for bad in [
        &["--quiz"][..],
        &["--html-max-side", "800"][..],
        &["--html", "x.html", "--html-max-side", "10"][..],
    ] {
        let run = Command::new(env!("CARGO_BIN_EXE_palimpsest"))
            .arg("export")
            .arg(&project)
            .args(bad)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{bad:?}: {stderr}");
        assert!(stderr.starts_with("error:"), "{bad:?}: {stderr}");
    }
    let full = export_html(&project, "full.html", &[]);
    let bytes = std::fs::metadata(&full).unwrap().len();
    assert!(
        bytes < 4_000_000,
        "the sample's lesson page is {bytes} bytes"
    );
    assert!(
        std::fs::read_to_string(&full)
            .unwrap()
            .contains("width=\"1440\" height=\"960\""),
        "the 1440 × 960 sample is under the default long side and keeps its size"
    );
    let small = export_html(&project, "small.html", &["--html-max-side", "480"]);
    let html = std::fs::read_to_string(&small).unwrap();
    assert!(html.contains("width=\"480\" height=\"320\""));
    assert!(std::fs::metadata(&small).unwrap().len() < bytes / 3);
}
