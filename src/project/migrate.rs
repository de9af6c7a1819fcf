//! Migration of older file layouts to the current schema.

use serde_json::Value;

use super::{MigrationError, SCHEMA_VERSION};

/// The schema version of a JSON document: its `version` field, or 0 when it has none.
///
/// # Errors
/// The document is not an object, or `version` is not a non-negative whole number.
pub fn schema_version(value: &Value) -> Result<u64, MigrationError> {
    let object = value.as_object().ok_or(MigrationError::NotAnObject)?;
    match object.get("version") {
        None | Some(Value::Null) => Ok(0),
        Some(v) => v.as_u64().ok_or_else(|| MigrationError::BadVersion {
            found: v.to_string(),
        }),
    }
}

/// Brings a project document of any earlier version to [`SCHEMA_VERSION`], one step at a
/// time. A current document is returned unchanged.
///
/// Version 0 is the earlier layout, with no `version` field (or `"version": 0`), each image a
/// bare path string, and each region only a box and a label (and optionally a note):
///
/// ```json
/// { "title": "Sverdlov Square",
///   "before": "before.jpg", "after": "after.jpg",
///   "regions": [ { "x": 10, "y": 20, "w": 30, "h": 40, "label": "Leon Trotsky" } ] }
/// ```
///
/// It becomes version 1 with each image an object `{ "path": … }` and each region numbered
/// from 1 in order, with the box as `bbox`, its four corners as the polygon, its area, and
/// origin `drawn`.
///
/// Version 1 holds exactly two images, `before` and `after`, and the alignment of the second
/// onto the first as `alignment`. Version 2 lists the versions of a chain in `versions`
/// (`before`, then `after` with its `alignment`), and gives every region its `step` (0: between
/// the first and second version).
///
/// # Errors
/// The version is newer than [`SCHEMA_VERSION`] or invalid, or a step finds a value it cannot
/// convert.
pub fn migrate(mut value: Value) -> Result<Value, MigrationError> {
    let found = schema_version(&value)?;
    if found > u64::from(SCHEMA_VERSION) {
        return Err(MigrationError::Newer {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let mut version = u32::try_from(found).unwrap_or(SCHEMA_VERSION);
    while version < SCHEMA_VERSION {
        value = match version {
            0 => migrate_0_to_1(value)?,
            1 => migrate_1_to_2(value)?,
            _ => {
                return Err(MigrationError::Step {
                    from: version,
                    reason: "no upgrade step".to_owned(),
                });
            }
        };
        version += 1;
    }
    Ok(value)
}

fn migrate_0_to_1(mut value: Value) -> Result<Value, MigrationError> {
    let step = |reason: String| MigrationError::Step { from: 0, reason };
    let object = value.as_object_mut().ok_or(MigrationError::NotAnObject)?;
    for key in ["before", "after"] {
        match object.get(key) {
            Some(Value::String(path)) => {
                let entry = serde_json::json!({ "path": path });
                object.insert(key.to_owned(), entry);
            }
            None | Some(Value::Null | Value::Object(_)) => {}
            Some(other) => return Err(step(format!("`{key}` is {other}, not a path"))),
        }
    }
    if let Some(regions) = object.get_mut("regions") {
        let regions = regions
            .as_array_mut()
            .ok_or_else(|| step("`regions` is not a list".to_owned()))?;
        for (index, region) in regions.iter_mut().enumerate() {
            let r = region
                .as_object_mut()
                .ok_or_else(|| step(format!("region {} is not an object", index + 1)))?;
            let mut number = |key: &str| -> Result<f64, MigrationError> {
                r.remove(key)
                    .and_then(|v| v.as_f64())
                    .ok_or_else(|| step(format!("region {} has no number `{key}`", index + 1)))
            };
            let (x, y, w, h) = (number("x")?, number("y")?, number("w")?, number("h")?);
            let id = u32::try_from(index + 1).unwrap_or(u32::MAX);
            r.entry("id").or_insert_with(|| Value::from(id));
            r.insert(
                "bbox".to_owned(),
                serde_json::json!({ "x": x, "y": y, "width": w, "height": h }),
            );
            r.insert(
                "polygon".to_owned(),
                serde_json::json!([[x, y], [x + w, y], [x + w, y + h], [x, y + h]]),
            );
            r.insert("area_px".to_owned(), Value::from(w * h));
            r.insert("origin".to_owned(), Value::from("drawn"));
        }
    }
    object.insert("version".to_owned(), Value::from(1));
    Ok(value)
}

fn migrate_1_to_2(mut value: Value) -> Result<Value, MigrationError> {
    let step = |reason: String| MigrationError::Step { from: 1, reason };
    let object = value.as_object_mut().ok_or(MigrationError::NotAnObject)?;
    let mut versions = Vec::with_capacity(2);
    for key in ["before", "after"] {
        let mut entry = match object.remove(key) {
            None | Some(Value::Null) => serde_json::Map::new(),
            Some(Value::Object(entry)) => entry,
            Some(other) => return Err(step(format!("`{key}` is {other}, not an image entry"))),
        };
        if key == "after"
            && let Some(alignment) = object.remove("alignment")
            && !alignment.is_null()
        {
            entry.insert("alignment".to_owned(), alignment);
        }
        versions.push(Value::Object(entry));
    }
    object.remove("alignment");
    object.insert("versions".to_owned(), Value::Array(versions));
    // Regions of the wrong shape are left for the schema check to name.
    if let Some(Value::Array(regions)) = object.get_mut("regions") {
        for region in regions.iter_mut().filter_map(Value::as_object_mut) {
            region.entry("step").or_insert_with(|| Value::from(0));
        }
    }
    object.insert("version".to_owned(), Value::from(2));
    Ok(value)
}
