//! The checks every value read from a file goes through.

use super::{
    MAX_COORDINATE, MAX_FIELD_CHARS, MAX_LABEL_CHARS, MAX_NOTE_CHARS, MAX_POINTS, MAX_REGIONS,
    MAX_VERSIONS, Project, Which, is_language_tag, is_uuid,
};

fn shorten_for_message(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Checks the values a file may hold but a document must not: see the `MAX_` constants.
///
/// # Errors
/// What is wrong, and where, in a few words.
pub fn validate(project: &Project) -> Result<(), String> {
    let chars = |s: &str, max: usize, what: &str| -> Result<(), String> {
        let n = s.chars().count();
        if n > max {
            Err(format!("{what} has {n} characters, over the {max} limit"))
        } else {
            Ok(())
        }
    };
    let coord = |v: f64, what: &str| -> Result<(), String> {
        if v.is_finite() && v.abs() <= MAX_COORDINATE {
            Ok(())
        } else {
            Err(format!(
                "{what} is {v}, not a finite coordinate within ±{MAX_COORDINATE}"
            ))
        }
    };
    let points = |pts: &[[f64; 2]], what: &str| -> Result<(), String> {
        if pts.len() > MAX_POINTS {
            return Err(format!(
                "{what} has {} points, over the {MAX_POINTS} limit",
                pts.len()
            ));
        }
        pts.iter()
            .flatten()
            .try_for_each(|v| coord(*v, &format!("a point of {what}")))
    };
    chars(&project.title, MAX_LABEL_CHARS, "the title")?;
    if !project.id.is_empty() && !is_uuid(&project.id) {
        return Err("the id is not a UUID (8-4-4-4-12 hexadecimal digits)".to_owned());
    }
    if !is_language_tag(&project.language) {
        return Err(format!(
            "the language {:?} is not a BCP 47 tag such as \"en\" or \"ru\"",
            shorten_for_message(&project.language)
        ));
    }
    if project.version_count() > MAX_VERSIONS {
        return Err(format!(
            "{} versions, over the {MAX_VERSIONS} limit",
            project.version_count()
        ));
    }
    for (version, e) in project.version_images().enumerate() {
        let m = &e.meta;
        let name = match version {
            0 => Which::Before.name().to_owned(),
            1 => Which::After.name().to_owned(),
            _ => format!("version {}", version + 1),
        };
        let path_text = e.path.to_string_lossy();
        for (field, value) in [
            ("path", &*path_text),
            ("source", m.source.as_str()),
            ("date", m.date.as_str()),
            ("archive", m.archive.as_str()),
            ("credit", m.credit.as_str()),
            ("licence", m.licence.as_str()),
            ("note", m.note.as_str()),
        ] {
            chars(
                value,
                MAX_FIELD_CHARS,
                &format!("the {name} image's {field}"),
            )?;
        }
        if let Some(h) = &e.sha256
            && (h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()))
        {
            return Err(format!("the {name} image's sha256 is not 64 hex digits"));
        }
    }
    let alignments = std::iter::once(("the alignment".to_owned(), project.alignment.as_ref()))
        .chain(project.later.iter().enumerate().map(|(i, v)| {
            (
                format!("the alignment of version {}", i + 3),
                v.alignment.as_ref(),
            )
        }));
    for (name, a) in alignments {
        let Some(a) = a else { continue };
        let m = &a.before_from_after.matrix;
        if !m.iter().all(|v| v.is_finite()) {
            return Err(format!("{name} matrix holds a non-finite number"));
        }
        let det = m.determinant();
        if !det.is_finite() || det.abs() < 1e-12 || a.before_from_after.inverse().is_none() {
            return Err(format!(
                "{name} matrix cannot be inverted (determinant {det:e})"
            ));
        }
        for (v, what) in [(a.residual_px, "residual"), (a.confidence, "confidence")] {
            if !v.is_finite() || v < 0.0 {
                return Err(format!(
                    "{name} {what} is {v}, not a finite non-negative number"
                ));
            }
        }
    }
    let p = &project.params;
    for (v, what, max) in [
        (p.sensitivity, "sensitivity", 1.0),
        (p.noise_suppression, "noise suppression", 1.0),
        (p.min_area_fraction, "minimum area", 1.0),
    ] {
        if !v.is_finite() || !(0.0..=max).contains(&v) {
            return Err(format!(
                "the {what} parameter is {v}, not between 0 and {max}"
            ));
        }
    }
    for (a, b) in &project.manual_points {
        points(&[*a, *b], "a manual alignment point")?;
    }
    if project.manual_points.len() > MAX_POINTS {
        return Err("too many manual alignment points".to_owned());
    }
    if project.ignore_areas.len() > MAX_POINTS {
        return Err("too many ignore areas".to_owned());
    }
    for area in &project.ignore_areas {
        points(area, "an ignore area")?;
    }
    if project.regions.len() > MAX_REGIONS {
        return Err(format!(
            "{} regions, over the {MAX_REGIONS} limit",
            project.regions.len()
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for r in &project.regions {
        let what = format!("region {}", r.id);
        if !seen.insert(r.id) {
            return Err(format!("two regions have the number {}", r.id));
        }
        chars(&r.label, MAX_LABEL_CHARS, &format!("the label of {what}"))?;
        chars(&r.note, MAX_NOTE_CHARS, &format!("the note of {what}"))?;
        points(&r.polygon, &format!("the outline of {what}"))?;
        let b = &r.bbox;
        for v in [b.x, b.y, b.width, b.height] {
            coord(v, &format!("the box of {what}"))?;
        }
        if b.width < 0.0 || b.height < 0.0 {
            return Err(format!("the box of {what} has a negative size"));
        }
        let max_area = MAX_COORDINATE * MAX_COORDINATE;
        if !r.area_px.is_finite() || !(0.0..=max_area).contains(&r.area_px) {
            return Err(format!("the area of {what} is {}", r.area_px));
        }
        if !r.score.is_finite() {
            return Err(format!("the score of {what} is not a finite number"));
        }
        if r.step >= project.step_count() {
            return Err(format!(
                "{what} is at step {}, but the chain has {} step(s)",
                r.step,
                project.step_count()
            ));
        }
        if r.links.len() > MAX_POINTS {
            return Err(format!("{what} has too many essay links"));
        }
        for l in &r.links {
            chars(l, MAX_FIELD_CHARS, &format!("an essay link of {what}"))?;
        }
    }
    Ok(())
}
