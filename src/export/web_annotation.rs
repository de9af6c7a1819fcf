//! W3C Web Annotation export: the regions as a JSON-LD `AnnotationCollection` whose first (and
//! only) `AnnotationPage` holds one `Annotation` per visible region, following the Web
//! Annotation Data Model (<https://www.w3.org/TR/annotation-model/>).
//!
//! Each annotation targets the before image (`target.source`, an absolute IRI: the image's
//! `file://` URI, or the IRI given in [`WebAnnotationOptions::image_iri`]) through two
//! selectors that name the same area: an `SvgSelector` (`<svg><polygon points='…'/></svg>`) for
//! the outline, first because readers that keep one selector keep the first, and a
//! `FragmentSelector` (`xywh=pixel:x,y,w,h`, Media Fragments) for the bounding box. Bodies: the
//! label (`TextualBody`, purpose `describing`, `text/plain`), the note (`TextualBody`, purpose
//! `commenting`, `text/markdown`), one `tagging` body per tag, all in the project's language,
//! for a chain of more than two versions the step at which the change appears (`TextualBody`,
//! purpose `classifying`, "gone between 1929 and 1935"),
//! and one `SpecificResource` per essay link (purpose `linking`), naming the passage by its
//! anchor (`FragmentSelector` conforming to HTML fragment identifiers, RFC 3236) and quoting it
//! (`TextQuoteSelector`) when the essay has it.
//!
//! Ids are ASCII `urn:uuid:` URNs: the collection's is the project's UUID ([`Project::uuid`],
//! kept in the project file), and each page's and annotation's is a UUID derived from it and
//! the region's number, so they are stable across exports and unique across projects. The
//! collection names its `first` and `last` page, the page names the collection it is `partOf`,
//! and each annotation has `created` (the project file's time when known), a `creator` and a
//! `generator`. Nothing here reads annotations back in.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::content;
use crate::essay::Essay;
use crate::project::{Project, uuid_from_name};

/// The JSON-LD context of the Web Annotation model.
pub const ANNO_CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// The Media Fragments specification a `FragmentSelector` conforms to.
pub const MEDIA_FRAGMENTS: &str = "http://www.w3.org/TR/media-frags/";
/// The specification of HTML fragment identifiers, which essay anchors are.
pub const HTML_FRAGMENTS: &str = "http://tools.ietf.org/rfc/rfc3236";
/// The IRI of the bundled essay.
pub const BUNDLED_ESSAY_IRI: &str = "urn:palimpsest:essay:bundled";

/// Where the annotations point, and when they were made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebAnnotationOptions {
    /// IRI of the before image (for Mirador, the canvas id); default: the image's `file://`
    /// URI. Must be an absolute IRI ([`is_absolute_iri`]).
    pub image_iri: Option<String>,
    /// IRI of the essay; default: its `file://` URI, or [`BUNDLED_ESSAY_IRI`].
    pub essay_iri: Option<String>,
    /// Base IRI of the collection and annotation ids (`BASE/annotations`,
    /// `BASE/region/N`); default: `urn:uuid:` URNs from the project's UUID.
    pub base_iri: Option<String>,
    /// When the annotations were created (`xsd:dateTime`, UTC); default: now.
    pub created: Option<String>,
}

/// True for an absolute IRI (RFC 3987): a scheme (a letter, then letters, digits, `+`, `-`
/// or `.`), a colon, and a non-empty rest with no space, control character, or any of
/// `<>"{}|\^` and the backtick.
#[must_use]
pub fn is_absolute_iri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut sc = scheme.chars();
    sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        && sc.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !rest
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c))
}

/// The `file://` URI of a path, made absolute, every byte outside the unreserved set and `/`
/// percent-encoded (so the URI is ASCII).
#[must_use]
pub fn file_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let text = abs.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    out.push_str(&percent_encode(&text, b"/"));
    out
}

/// `text` with every byte outside RFC 3986's unreserved set and `keep` percent-encoded.
#[must_use]
pub(crate) fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `t` as an `xsd:dateTime` in UTC, to the second: `2026-12-03T08:30:00Z`.
#[must_use]
pub fn utc_date_time(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The software that writes the annotations, as their `creator` and `generator`.
pub(crate) fn software() -> Value {
    json!({
        "type": "Software",
        "name": format!("Palimpsest {}", env!("CARGO_PKG_VERSION")),
    })
}

/// The polygon's points as `x,y` pairs to two decimals.
fn svg_points(points: &[[f64; 2]]) -> Vec<String> {
    points
        .iter()
        .map(|p| format!("{},{}", round2(p[0]), round2(p[1])))
        .collect()
}

/// The polygon as an SVG selector value.
#[must_use]
pub fn svg_polygon(points: &[[f64; 2]]) -> String {
    format!(
        "<svg xmlns='http://www.w3.org/2000/svg'><polygon points='{}'/></svg>",
        svg_points(points).join(" ")
    )
}

/// The polygon as an SVG selector value made of one closed `<path>` (`M x,y L x,y … Z`), the
/// only SVG element Mirador draws.
#[must_use]
pub(crate) fn svg_path(points: &[[f64; 2]]) -> String {
    format!(
        "<svg xmlns='http://www.w3.org/2000/svg'><path d='M{} Z'/></svg>",
        svg_points(points).join(" L")
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

/// The ids of an export: collection, page, and one per region number.
struct Ids {
    collection: String,
    page: String,
    base: Option<String>,
    project_uuid: String,
}

impl Ids {
    fn new(project: &Project, base: Option<&str>) -> Self {
        let project_uuid = project.uuid();
        match base {
            Some(b) => {
                let b = b.trim_end_matches('/');
                Self {
                    collection: format!("{b}/annotations"),
                    page: format!("{b}/annotations/page/1"),
                    base: Some(b.to_string()),
                    project_uuid,
                }
            }
            None => Self {
                collection: format!("urn:uuid:{project_uuid}"),
                page: format!(
                    "urn:uuid:{}",
                    uuid_from_name(format!("{project_uuid}/annotations/page/1").as_bytes())
                ),
                base: None,
                project_uuid,
            },
        }
    }

    fn region(&self, id: u32) -> String {
        match &self.base {
            Some(b) => format!("{b}/region/{id}"),
            None => format!(
                "urn:uuid:{}",
                uuid_from_name(format!("{}/region/{id}", self.project_uuid).as_bytes())
            ),
        }
    }
}

/// One annotation per visible region of `project`, targeting `source` (an image IRI, or a
/// IIIF canvas id), in the order of [`content::visible_regions`]. Shared by [`web_annotation`]
/// and the IIIF manifest.
pub(crate) fn region_annotations(
    project: &Project,
    essay: &Essay,
    source: &str,
    essay_iri: &str,
    created: &str,
    id_of: &dyn Fn(u32) -> String,
) -> Vec<Value> {
    let language = project.language.as_str();
    content::visible_regions(project)
        .iter()
        .map(|r| {
            let c = content::region_content(essay, r);
            let mut body = vec![json!({
                "type": "TextualBody",
                "purpose": "describing",
                "value": c.label,
                "format": "text/plain",
                "language": language,
            })];
            if !r.note.trim().is_empty() {
                body.push(json!({
                    "type": "TextualBody",
                    "purpose": "commenting",
                    "value": content::shorten(&r.note, crate::project::MAX_NOTE_CHARS, " …"),
                    "format": "text/markdown",
                    "language": language,
                }));
            }
            for t in &r.tags {
                body.push(json!({
                    "type": "TextualBody",
                    "purpose": "tagging",
                    "value": t.label(),
                    "format": "text/plain",
                    "language": "en",
                }));
            }
            if project.is_chain() {
                body.push(json!({
                    "type": "TextualBody",
                    "purpose": "classifying",
                    "value": format!("gone {}", project.step_name(r.step)),
                    "format": "text/plain",
                    "language": "en",
                }));
            }
            for p in &c.passages {
                let mut selectors = vec![json!({
                    "type": "FragmentSelector",
                    "conformsTo": HTML_FRAGMENTS,
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
                "id": id_of(r.id),
                "type": "Annotation",
                "motivation": if r.note.trim().is_empty() { "describing" } else { "commenting" },
                "created": created,
                "creator": software(),
                "generator": software(),
                "body": body,
                "target": {
                    "type": "SpecificResource",
                    "source": source,
                    "selector": [
                        {
                            "type": "SvgSelector",
                            "value": svg_polygon(&r.polygon),
                        },
                        {
                            "type": "FragmentSelector",
                            "conformsTo": MEDIA_FRAGMENTS,
                            "value": xywh(&r.bbox),
                        },
                    ],
                },
            })
        })
        .collect()
}

/// The essay's IRI in exports: `options.essay_iri`, else the essay file's URI, else
/// [`BUNDLED_ESSAY_IRI`].
pub(crate) fn essay_iri(project: &Project, given: Option<&str>) -> String {
    given.map_or_else(
        || {
            project
                .essay
                .as_deref()
                .map_or_else(|| BUNDLED_ESSAY_IRI.to_string(), file_uri)
        },
        str::to_string,
    )
}

/// The visible regions of `project` as a W3C Web Annotation `AnnotationCollection`.
#[must_use]
pub fn web_annotation(project: &Project, essay: &Essay, options: &WebAnnotationOptions) -> Value {
    let title = content::title(project);
    let ids = Ids::new(project, options.base_iri.as_deref());
    let image = options
        .image_iri
        .clone()
        .unwrap_or_else(|| file_uri(&project.before.path));
    let essay_iri = essay_iri(project, options.essay_iri.as_deref());
    let created = options
        .created
        .clone()
        .unwrap_or_else(|| utc_date_time(SystemTime::now()));
    let items = region_annotations(project, essay, &image, &essay_iri, &created, &|id| {
        ids.region(id)
    });
    json!({
        "@context": ANNO_CONTEXT,
        "id": ids.collection,
        "type": "AnnotationCollection",
        "label": title,
        "total": items.len(),
        "created": created,
        "generator": software(),
        "first": {
            "id": ids.page,
            "type": "AnnotationPage",
            "partOf": ids.collection,
            "startIndex": 0,
            "items": items,
        },
        "last": ids.page,
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
    fn file_uris_are_absolute_and_ascii() {
        let uri = file_uri(Path::new("/photos/my scan ёж.jpg"));
        assert_eq!(uri, "file:///photos/my%20scan%20%D1%91%D0%B6.jpg");
        assert!(is_absolute_iri(&uri));
    }

    #[test]
    fn absolute_iris_are_told_apart() {
        assert!(is_absolute_iri("https://example.org/iiif/canvas/1"));
        assert!(is_absolute_iri(
            "urn:uuid:0b5c1d2e-0000-8000-8000-000000000000"
        ));
        assert!(!is_absolute_iri("not an iri with spaces"));
        assert!(!is_absolute_iri("before.jpg"));
        assert!(!is_absolute_iri("1http://x"));
        assert!(!is_absolute_iri("http:"));
    }

    #[test]
    fn dates_are_xsd_date_times() {
        assert_eq!(utc_date_time(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_795_595_400);
        assert_eq!(utc_date_time(t), "2026-11-25T08:30:00Z");
    }
}
