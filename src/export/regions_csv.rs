//! The regions as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold
//! a comma, a quote, a line break or edge spaces, quotes doubled), one row per visible region,
//! for spreadsheets and scripts. The polygon is a single field of `x y` pairs separated by `;`.

use super::content;
use crate::project::Project;

/// The header row's field names, in column order.
pub const CSV_COLUMNS: [&str; 12] = [
    "id", "label", "note", "tags", "links", "x", "y", "width", "height", "area_px", "score",
    "polygon",
];

/// Quotes one CSV field when it needs it.
#[must_use]
pub fn quote_field(s: &str) -> String {
    let needs = s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ');
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// The visible regions as CSV with a header row ([`CSV_COLUMNS`]); the note keeps its line
/// breaks and Markdown, tags and links are separated by `; `, coordinates are before-image
/// pixels.
#[must_use]
pub fn csv(project: &Project) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for r in content::visible_regions(project) {
        let tags: Vec<&str> = r.tags.iter().map(|t| t.label()).collect();
        let polygon: Vec<String> = r
            .polygon
            .iter()
            .map(|p| format!("{} {}", num(p[0]), num(p[1])))
            .collect();
        let fields = [
            r.id.to_string(),
            r.label.clone(),
            r.note.clone(),
            tags.join("; "),
            r.links.join("; "),
            num(r.bbox.x),
            num(r.bbox.y),
            num(r.bbox.width),
            num(r.bbox.height),
            num(r.area_px),
            num(r.score),
            polygon.join(";"),
        ];
        let row: Vec<String> = fields.iter().map(|f| quote_field(f)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(quote_field("plain"), "plain");
        assert_eq!(quote_field("a,b"), "\"a,b\"");
        assert_eq!(quote_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(quote_field(" edge"), "\" edge\"");
    }
}
