//! W3C Web Annotation export: the regions as a JSON-LD `AnnotationCollection` whose first (and
//! only) `AnnotationPage` holds one `Annotation` per visible region, as Annotorious and Mirador
//! read them.
//!
//! Each annotation targets the before image (`target.source`) through two selectors that name
//! the same area: a `FragmentSelector` (`xywh=pixel:x,y,w,h`, Media Fragments) for the
//! bounding box and an `SvgSelector` (`<svg><polygon points='…'/></svg>`) for the outline.
//! Bodies: the label (`TextualBody`, purpose `describing`), the note (`TextualBody`, purpose
//! `commenting`, Markdown), one `tagging` body per tag, and one `SpecificResource` per essay
//! link (purpose `linking`), naming the passage by its anchor and quoting it
//! (`TextQuoteSelector`). Nothing here reads annotations back in.

use serde_json::{Value, json};

use super::content;
use crate::essay::Essay;
use crate::project::Project;

/// The JSON-LD context of the Web Annotation model.
pub const ANNO_CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// The Media Fragments specification a `FragmentSelector` conforms to.
pub const MEDIA_FRAGMENTS: &str = "http://www.w3.org/TR/media-frags/";

/// Where the annotations point.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebAnnotationOptions {
    /// IRI of the before image (for Mirador, the canvas id); default: the image's file name,
    /// a reference relative to wherever the JSON is served from.
    pub image_iri: Option<String>,
    /// IRI of the essay; default: its file name, or `urn:palimpsest:essay:bundled`.
    pub essay_iri: Option<String>,
    /// Base IRI of the collection and annotation ids; default: `urn:palimpsest:` and a slug of
    /// the title.
    pub base_iri: Option<String>,
}

fn file_name(path: &std::path::Path) -> Option<String> {
    path.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// Percent-encodes what may not appear in an IRI reference (spaces and the like).
fn iri_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() || "-._~/:#?@!$&'()*+,;=%".contains(ch) || !ch.is_ascii() {
            out.push(ch);
        } else {
            let mut buf = [0_u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The polygon as an SVG selector value.
#[must_use]
pub fn svg_polygon(points: &[[f64; 2]]) -> String {
    let pts: Vec<String> = points
        .iter()
        .map(|p| format!("{},{}", round2(p[0]), round2(p[1])))
        .collect();
    format!(
        "<svg xmlns='http://www.w3.org/2000/svg'><polygon points='{}'/></svg>",
        pts.join(" ")
    )
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The bounding box as a Media Fragments value, in whole pixels covering the box.
#[must_use]
pub fn xywh(b: &crate::regions::BBox) -> String {
    let x0 = b.x.floor().max(0.0);
    let y0 = b.y.floor().max(0.0);
    let x1 = (b.x + b.width).ceil();
    let y1 = (b.y + b.height).ceil();
    format!(
        "xywh=pixel:{},{},{},{}",
        x0 as i64,
        y0 as i64,
        ((x1 - x0) as i64).max(1),
        ((y1 - y0) as i64).max(1)
    )
}

/// The visible regions of `project` as a W3C Web Annotation `AnnotationCollection`.
#[must_use]
pub fn web_annotation(project: &Project, essay: &Essay, options: &WebAnnotationOptions) -> Value {
    let title = content::title(project);
    let base = options.base_iri.clone().unwrap_or_else(|| {
        let slug = crate::essay::slug(&title);
        format!(
            "urn:palimpsest:{}",
            if slug.is_empty() {
                "project".to_string()
            } else {
                slug
            }
        )
    });
    let image = options
        .image_iri
        .clone()
        .or_else(|| file_name(&project.before.path).map(|n| iri_escape(&n)))
        .unwrap_or_else(|| "before".to_string());
    let essay_iri = options.essay_iri.clone().unwrap_or_else(|| {
        project.essay.as_deref().and_then(file_name).map_or_else(
            || "urn:palimpsest:essay:bundled".to_string(),
            |n| iri_escape(&n),
        )
    });
    let regions = content::visible_regions(project);
    let items: Vec<Value> = regions
        .iter()
        .map(|r| {
            let c = content::region_content(essay, r);
            let mut body = vec![json!({
                "type": "TextualBody",
                "purpose": "describing",
                "value": c.label,
                "format": "text/plain",
            })];
            if !r.note.trim().is_empty() {
                body.push(json!({
                    "type": "TextualBody",
                    "purpose": "commenting",
                    "value": r.note,
                    "format": "text/markdown",
                }));
            }
            for t in &r.tags {
                body.push(json!({
                    "type": "TextualBody",
                    "purpose": "tagging",
                    "value": t.label(),
                }));
            }
            for p in &c.passages {
                let mut selectors = vec![json!({
                    "type": "FragmentSelector",
                    "value": p.anchor,
                })];
                if p.found && !p.text.is_empty() {
                    selectors.push(json!({
                        "type": "TextQuoteSelector",
                        "exact": p.text,
                    }));
                }
                body.push(json!({
                    "type": "SpecificResource",
                    "purpose": "linking",
                    "source": essay_iri,
                    "selector": selectors,
                }));
            }
            json!({
                "id": format!("{base}/region/{}", r.id),
                "type": "Annotation",
                "motivation": if r.note.trim().is_empty() { "describing" } else { "commenting" },
                "body": body,
                "target": {
                    "source": image,
                    "selector": [
                        {
                            "type": "FragmentSelector",
                            "conformsTo": MEDIA_FRAGMENTS,
                            "value": xywh(&r.bbox),
                        },
                        {
                            "type": "SvgSelector",
                            "value": svg_polygon(&r.polygon),
                        },
                    ],
                },
            })
        })
        .collect();
    json!({
        "@context": ANNO_CONTEXT,
        "id": format!("{base}/annotations"),
        "type": "AnnotationCollection",
        "label": title,
        "total": items.len(),
        "first": {
            "id": format!("{base}/annotations/page/1"),
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regions::BBox;

    #[test]
    fn xywh_covers_fractional_boxes() {
        let b = BBox {
            x: 10.4,
            y: 5.0,
            width: 20.2,
            height: 7.5,
        };
        assert_eq!(xywh(&b), "xywh=pixel:10,5,21,8");
    }

    #[test]
    fn svg_polygon_lists_points() {
        assert_eq!(
            svg_polygon(&[[1.0, 2.0], [3.5, 4.0], [5.0, 6.25]]),
            "<svg xmlns='http://www.w3.org/2000/svg'><polygon points='1,2 3.5,4 5,6.25'/></svg>"
        );
    }

    #[test]
    fn iri_escape_encodes_spaces() {
        assert_eq!(iri_escape("my scan.jpg"), "my%20scan.jpg");
    }
}
