//! IIIF Presentation 3 manifest (<https://iiif.io/api/presentation/3.0/>): one `Canvas` per
//! image of the pair, each painted with its image file, and the regions as an
//! `AnnotationPage` on the original's canvas, so IIIF viewers (Mirador, Universal Viewer) open
//! the pair with the outlines and notes, as archives publish.
//!
//! Every id is an http(s) URL under a base folder the user serves (`--iiif-base`, default
//! [`DEFAULT_BASE`]): `BASE/MANIFEST-NAME`, `BASE/canvas/before`, `BASE/canvas/after`, and
//! the images at `BASE/FILE-NAME` (percent-encoded). The region annotations are those of the
//! Web Annotation export ([`super::web_annotation`]) with the canvas as their source. Labels
//! are language maps in the project's language. No image service is described: viewers show
//! the files as they are. The outline's `SvgSelector` is a `<path>` rather than the Web
//! Annotation export's `<polygon>`: Mirador draws only the `path` elements of an SVG selector,
//! and does not fall back to the `FragmentSelector` when an SVG selector is present.

use serde_json::{Value, json};

use super::LoadedProject;
use super::content;
use super::web_annotation::{essay_iri, region_annotations, software, utc_date_time};

/// The base URL used when none is given: a server on this machine.
pub const DEFAULT_BASE: &str = "http://127.0.0.1:8000/";

/// The IIIF Presentation 3 JSON-LD context.
pub const IIIF_CONTEXT: &str = "http://iiif.io/api/presentation/3/context.json";

/// A name percent-encoded for use in a URL path segment.
fn segment(name: &str) -> String {
    super::web_annotation::percent_encode(name, b"")
}

fn media_type(path: &std::path::Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("tif" | "tiff") => "image/tiff",
        Some("webp") => "image/webp",
        Some("bmp") => "image/bmp",
        Some("gif") => "image/gif",
        _ => "image/png",
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The manifest of a loaded project, its ids under `base` (an http(s) URL of the folder the
/// manifest and the images are served from); `created` as in the Web Annotation export
/// (default: now).
#[must_use]
pub fn manifest(
    loaded: &LoadedProject,
    base: &str,
    manifest_name: &str,
    created: Option<&str>,
) -> Value {
    let project = &loaded.project;
    let base = format!("{}/", base.trim_end_matches('/'));
    let language = project.language.as_str();
    let title = content::title(project);
    let created = created.map_or_else(
        || utc_date_time(std::time::SystemTime::now()),
        str::to_string,
    );
    let lang_map = |text: &str| json!({ language: [text] });
    let canvas = |key: &str,
                  kind: &str,
                  meta: &crate::project::ImageMeta,
                  path: &std::path::Path,
                  (w, h): (u32, u32),
                  annotations: Option<Value>| {
        let id = format!("{base}canvas/{key}");
        let mut c = json!({
            "id": id,
            "type": "Canvas",
            "label": { "en": [content::image_title(kind, meta)] },
            "width": w,
            "height": h,
            "items": [{
                "id": format!("{id}/page/painting"),
                "type": "AnnotationPage",
                "items": [{
                    "id": format!("{id}/annotation/painting"),
                    "type": "Annotation",
                    "motivation": "painting",
                    "body": {
                        "id": format!("{base}{}", segment(&file_name(path))),
                        "type": "Image",
                        "format": media_type(path),
                        "width": w,
                        "height": h,
                    },
                    "target": id,
                }],
            }],
        });
        let credit = content::credit_line(meta);
        if !credit.is_empty() {
            c["requiredStatement"] = json!({
                "label": { "en": ["Credit"] },
                "value": { "none": [credit] },
            });
        }
        if let Some(a) = annotations {
            c["annotations"] = json!([a]);
        }
        c
    };
    let before_id = format!("{base}canvas/before");
    let essay_iri = essay_iri(project, None);
    let mut items = region_annotations(
        project,
        &loaded.essay,
        &before_id,
        &essay_iri,
        &created,
        &|id| format!("{before_id}/annotation/region-{id}"),
    );
    // The same regions in the same order: the SVG selector (first) as a path, and the note as
    // HTML, for Mirador, which shows a Markdown body as raw text.
    for (a, r) in items.iter_mut().zip(content::visible_regions(project)) {
        a["target"]["selector"][0]["value"] =
            Value::String(super::web_annotation::svg_path(&r.polygon));
        if let Some(bodies) = a["body"].as_array_mut() {
            for b in bodies.iter_mut().filter(|b| b["format"] == "text/markdown") {
                let html = b["value"]
                    .as_str()
                    .map(content::note_html)
                    .unwrap_or_default();
                b["value"] = Value::String(html);
                b["format"] = Value::String("text/html".into());
            }
        }
    }
    let metadata: Vec<Value> = [
        ("Original", &project.before.meta),
        ("Altered print", &project.after.meta),
    ]
    .into_iter()
    .filter_map(|(kind, meta)| {
        let credit = content::credit_line(meta);
        (!credit.is_empty()).then(|| {
            json!({
                "label": { "en": [kind] },
                "value": { "none": [credit] },
            })
        })
    })
    .collect();
    let provider = software()["name"]
        .as_str()
        .unwrap_or("Palimpsest")
        .to_string();
    let page = json!({
        "id": format!("{before_id}/page/regions"),
        "type": "AnnotationPage",
        "label": { "en": [content::count_regions(items.len())] },
        "items": items,
    });
    json!({
        "@context": IIIF_CONTEXT,
        "id": format!("{base}{}", segment(manifest_name)),
        "type": "Manifest",
        "label": lang_map(&title),
        "summary": { "en": ["An original photograph and an altered print of it, with what was changed outlined and annotated."] },
        "metadata": metadata,
        "provider": [{
            "id": format!("{base}#provider"),
            "type": "Agent",
            "label": { "none": [provider] },
        }],
        "items": [
            canvas(
                "before",
                "Original",
                &project.before.meta,
                &loaded.before_path,
                loaded.before.dimensions(),
                Some(page),
            ),
            canvas(
                "after",
                "Altered print",
                &project.after.meta,
                &loaded.after_path,
                loaded.after_size,
                None,
            ),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(segment("my scan ё.jpg"), "my%20scan%20%D1%91.jpg");
    }

    #[test]
    fn svg_path_closes_the_outline() {
        assert_eq!(
            super::super::web_annotation::svg_path(&[[1.0, 2.0], [3.5, 4.0], [5.0, 6.254]]),
            "<svg xmlns='http://www.w3.org/2000/svg'><path d='M1,2 L3.5,4 L5,6.25 Z'/></svg>"
        );
    }
}
