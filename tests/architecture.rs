//! The layers of the library, checked from its sources: no import cycle between the modules
//! of `src/` outside the app, and the orchestrator imported only from above.
//!
//! The graph is read from the code itself: every `crate::NAME` path outside comments, doc
//! comments and `#[cfg(test)]` modules is an edge from the file's top-level module to `NAME`.
//! The app (`src/app/`) is a layer of its own above everything here; within it, the graph of
//! its modules (file by file, `super::` and `crate::app::` paths resolved) has no cycle either:
//! the modules that extend the app's root type import the root, which never imports them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Modules that may use `pipeline`: the document, the version chains, the report, and the app
/// above them all (the binary is outside the graph).
const PIPELINE_USERS: &[&str] = &["project", "chain", "report", "app"];

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The source with comments (line, block and doc) and `#[cfg(test)]` modules removed.
fn code_only(text: &str) -> String {
    let mut out = String::new();
    let mut skip_depth: Option<i32> = None;
    let mut depth = 0i32;
    let mut pending_test = false;
    let mut in_block_comment = false;
    for line in text.lines() {
        let mut line = line.to_owned();
        if in_block_comment {
            match line.find("*/") {
                Some(i) => {
                    line = line[i + 2..].to_owned();
                    in_block_comment = false;
                }
                None => continue,
            }
        }
        if let Some(i) = line.find("/*") {
            if let Some(j) = line[i..].find("*/") {
                line = format!("{}{}", &line[..i], &line[i + j + 2..]);
            } else {
                line.truncate(i);
                in_block_comment = true;
            }
        }
        if let Some(i) = line.find("//") {
            line.truncate(i);
        }
        let trimmed = line.trim();
        if trimmed.starts_with("#[cfg(test)]") {
            pending_test = true;
            continue;
        }
        let opens = line.matches('{').count() as i32;
        let closes = line.matches('}').count() as i32;
        if pending_test && trimmed.starts_with("mod ") && skip_depth.is_none() {
            skip_depth = Some(depth);
        }
        if !trimmed.is_empty() && !trimmed.starts_with("#[") {
            pending_test = false;
        }
        depth += opens - closes;
        match skip_depth {
            Some(d) if depth <= d && closes > 0 => skip_depth = None,
            Some(_) => {}
            None => {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

/// The names `crate::NAME` refers to in `code`, including inside `use crate::{a, b::c}`.
fn crate_refs(code: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name = ident(part.trim());
                if !name.is_empty() {
                    refs.insert(name);
                }
            }
        } else {
            let name = ident(after);
            if !name.is_empty() {
                refs.insert(name);
            }
        }
        rest = after;
    }
    refs
}

/// Every `.rs` file under `dir`, at any depth.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("the sources are readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// The import graph of the library's top-level modules outside `app`.
fn library_graph(src: &Path) -> Graph {
    let mut graph = Graph::new();
    for path in rust_files(src) {
        let rel = path.strip_prefix(src).expect("under src");
        let first = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .expect("a file name");
        let module = first.trim_end_matches(".rs").to_owned();
        // The binary and its command-line parts are not the library; the app is above it.
        if ["main", "lib", "cli", "app"].contains(&module.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a source file");
        let refs = crate_refs(&code_only(&text));
        let node = graph.entry(module.clone()).or_default();
        node.extend(refs.into_iter().filter(|r| *r != module));
    }
    graph
}

/// Every cycle's strongly connected component (Tarjan), each sorted, with more than one
/// module.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        let targets = s.graph.get(v).into_iter().flatten();
        for w in targets {
            let w = w.as_str();
            if !s.graph.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// The module path of a file under `root` (`panels/essay.rs` → `panels::essay`, a `mod.rs`
/// → its folder, the root's `mod.rs` → the empty path).
fn module_path(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).expect("under the root");
    let mut parts: Vec<String> = rel
        .components()
        .filter_map(|c| c.as_os_str().to_str().map(str::to_owned))
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if stem != "mod" {
            parts.push(stem.to_owned());
        }
    }
    parts
}

/// The paths of `code` that start with `prefix` (`super::`, `crate::app::`), as segment lists,
/// groups (`{a, b::c}`) expanded one level.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before_ok = i == 0
            || !rest[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
        let after = &rest[i + prefix.len()..];
        rest = after;
        if !before_ok {
            continue;
        }
        let head: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let base: Vec<String> = head
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let tail = &after[head.len()..];
        if let Some(group) = tail.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let mut path = base.clone();
                path.extend(
                    part.trim()
                        .split("::")
                        .map(|s| {
                            s.chars()
                                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                                .collect::<String>()
                        })
                        .filter(|s| !s.is_empty()),
                );
                out.push(path);
            }
        } else {
            out.push(base);
        }
    }
    out
}

/// The import graph of the app's modules, each named by its path under `app` (`""` is the
/// root). An edge goes to the longest module that a path names.
fn app_graph(app: &Path) -> Graph {
    let files = rust_files(app);
    let modules: BTreeMap<Vec<String>, &Path> = files
        .iter()
        .map(|f| (module_path(app, f), f.as_path()))
        .collect();
    let resolve = |path: &[String]| -> Vec<String> {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| modules.contains_key(p))
            .unwrap_or_default()
    };
    let mut graph = Graph::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).expect("a source file");
        let code = code_only(&text);
        // `super` of `a/b.rs` is `a`; of `a/b/mod.rs`, also `a`.
        let parent: Vec<String> = module[..module.len().saturating_sub(1)].to_vec();
        let mut targets = BTreeSet::new();
        for path in paths_after(&code, "crate::app::") {
            targets.insert(resolve(&path).join("::"));
        }
        for path in paths_after(&code, "super::") {
            let mut full = parent.clone();
            let mut segments = path.as_slice();
            while let Some(("super", rest)) = segments.split_first().map(|(s, r)| (s.as_str(), r)) {
                full.pop();
                segments = rest;
            }
            full.extend(segments.iter().cloned());
            targets.insert(resolve(&full).join("::"));
        }
        let name = module.join("::");
        targets.remove(&name);
        graph.entry(name).or_default().extend(targets);
    }
    graph
}

fn src() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn describe(graph: &Graph, component: &[String]) -> String {
    let mut edges = Vec::new();
    for a in component {
        for b in &graph[a] {
            if component.contains(b) {
                edges.push(format!("{a} → {b}"));
            }
        }
    }
    edges.join(", ")
}

#[test]
fn the_library_has_no_import_cycle() {
    let graph = library_graph(&src());
    assert!(
        graph.len() >= 15,
        "the graph holds only {} modules: {graph:?}",
        graph.len()
    );
    let found = cycles(&graph);
    let text: Vec<String> = found.iter().map(|c| describe(&graph, c)).collect();
    assert!(found.is_empty(), "import cycles: {}", text.join("; "));
}

#[test]
fn only_the_layers_above_use_the_pipeline() {
    let graph = library_graph(&src());
    let users: Vec<&String> = graph
        .iter()
        .filter(|(m, refs)| refs.contains("pipeline") && !PIPELINE_USERS.contains(&m.as_str()))
        .map(|(m, _)| m)
        .collect();
    assert!(
        users.is_empty(),
        "these modules import the pipeline from below: {users:?}"
    );
}

#[test]
fn the_app_has_no_import_cycle() {
    let app = src().join("app");
    if !app.is_dir() {
        return;
    }
    let graph = app_graph(&app);
    assert!(
        graph.len() >= 30 && graph.contains_key("command") && graph.contains_key("worker"),
        "the app's graph holds only {} modules: {graph:?}",
        graph.len()
    );
    assert!(
        graph["command_handling"].contains(""),
        "the command handler extends the root: {graph:?}"
    );
    let found = cycles(&graph);
    let text: Vec<String> = found.iter().map(|c| describe(&graph, c)).collect();
    assert!(
        found.is_empty(),
        "import cycles in app: {}",
        text.join("; ")
    );
    // The same check sees a back-import: the worker reaching for the command handler.
    let mut broken = graph.clone();
    broken
        .get_mut("worker")
        .expect("worker is a module")
        .insert("command_handling".to_owned());
    assert!(!cycles(&broken).is_empty());
}

/// The check fails on a reintroduced back-import: the leaf importing the orchestrator, as it
/// once did, closes a cycle through every stage.
#[test]
fn a_back_import_is_caught() {
    let mut graph = library_graph(&src());
    assert!(cycles(&graph).is_empty());
    graph
        .get_mut("imgops")
        .expect("imgops is a module")
        .insert("pipeline".to_owned());
    let found = cycles(&graph);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains(&"imgops".to_owned()) && found[0].contains(&"pipeline".to_owned()));
}

/// What counts as an import: code paths, grouped uses; not comments, doc links or tests.
#[test]
fn imports_are_read_from_code_only() {
    let text = "//! See [`crate::pipeline`].\n\
                use crate::{imgops::GrayF, geometry};\n\
                /// Uses [`crate::tone::normalise`].\n\
                fn f() { crate::diff::erode(); } /* crate::report */\n\
                #[cfg(test)]\n\
                mod tests {\n    use crate::synth;\n    fn g() {}\n}\n\
                fn h() { crate::regions::extract(); }\n";
    let refs = crate_refs(&code_only(text));
    let want: BTreeSet<String> = ["imgops", "geometry", "diff", "regions"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(refs, want);
}
