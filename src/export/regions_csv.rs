//! The regions as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold
//! a comma, a quote, a line break or edge spaces, quotes doubled), one row per visible region,
//! for spreadsheets and scripts. The polygon is a single field of `x y` pairs separated by `;`.
//!
//! Safe to open in a spreadsheet: a text cell (label, note, tags, links) that begins with
//! `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula by Excel,
//! LibreOffice or Google Sheets (`=HYPERLINK(…)`, `-cmd|' /C calc'!A0`), so, following the
//! OWASP advice on CSV injection, it gets a leading `'` and is quoted. Numeric cells are
//! numbers written here and are left alone. No byte-order mark by default (scripts and
//! RFC 4180 readers do not want one); [`with_excel_bom`] adds it for Excel on Windows, which
//! otherwise reads UTF-8 as the local code page.

use super::content;
use crate::project::Project;

/// The header row's field names, in column order.
pub const CSV_COLUMNS: [&str; 14] = [
    "id",
    "label",
    "note",
    "tags",
    "links",
    "x",
    "y",
    "width",
    "height",
    "area_px",
    "score",
    "polygon",
    "step",
    "step_between",
];

/// The UTF-8 byte-order mark Excel needs to read a CSV file as UTF-8.
pub const UTF8_BOM: &str = "\u{feff}";

/// The CSV text with [`UTF8_BOM`] in front (`palimpsest export --csv-excel`).
#[must_use]
pub fn with_excel_bom(csv: &str) -> String {
    format!("{UTF8_BOM}{csv}")
}

/// True when a spreadsheet would read a cell starting like `s` as a formula.
#[must_use]
pub fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// One text field, neutralised when a spreadsheet would run it as a formula (a leading `'`,
/// and quoted), else quoted when it needs it.
#[must_use]
pub fn text_field(s: &str) -> String {
    if looks_like_formula(s) {
        format!("\"'{}\"", s.replace('"', "\"\""))
    } else {
        quote_field(s)
    }
}

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
/// pixels (the first version's). `step` is the step of the version chain at which the change
/// appears, from 1 (between the first and second version), and `step_between` names it
/// ("between 1929 and 1935").
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
            (r.step + 1).to_string(),
            project.step_name(r.step),
        ];
        let row: Vec<String> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if (1..=4).contains(&i) || i == 13 {
                    text_field(f)
                } else {
                    quote_field(f)
                }
            })
            .collect();
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

    #[test]
    fn formula_cells_are_neutralised() {
        for bad in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-cmd|' /C calc'!A0",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            let f = text_field(bad);
            assert!(f.starts_with("\"'"), "{f}");
            assert!(f.ends_with('"'), "{f}");
        }
        assert_eq!(text_field("Trotsky"), "Trotsky");
        assert_eq!(text_field("a \"b\""), "\"a \"\"b\"\"\"");
    }
}
