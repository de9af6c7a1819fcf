//! Block Markdown: headings, paragraphs, list items, quotes and fences read into blocks, and
//! the blocks given their anchors (see the module documentation of [`super`]).

use std::collections::HashSet;

use super::{Essay, Passage, PassageKind, plain_text, slug};

#[derive(Debug)]
pub(super) enum Block {
    Heading(u8, String),
    Paragraph(String),
    Bullet(String),
}

fn heading(line: &str) -> Option<(u8, String)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let body = &rest[hashes..];
    if !(body.is_empty() || body.starts_with([' ', '\t'])) {
        return None;
    }
    let mut body = body.trim();
    // An optional closing run of `#` preceded by a space.
    let trimmed = body.trim_end_matches('#');
    if trimmed.is_empty() {
        body = "";
    } else if trimmed.ends_with([' ', '\t']) {
        body = trimmed.trim_end();
    }
    let level = u8::try_from(hashes).unwrap_or(6);
    Some((level, body.to_owned()))
}

/// The text after a bullet or number marker, and the indentation of the marker.
fn list_item(line: &str) -> Option<(usize, &str)> {
    let indent = line.len() - line.trim_start().len();
    let rest = line.trim_start();
    let after = if let Some(r) = rest.strip_prefix(['-', '*', '+']) {
        r
    } else {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || digits > 9 {
            return None;
        }
        rest[digits..].strip_prefix(['.', ')'])?
    };
    if after.is_empty() {
        return Some((indent, ""));
    }
    if !after.starts_with([' ', '\t']) {
        return None;
    }
    Some((indent, after.trim()))
}

fn thematic_break(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    t.len() >= 3
        && (t.chars().all(|c| c == '-')
            || t.chars().all(|c| c == '*')
            || t.chars().all(|c| c == '_'))
        && line.len() - line.trim_start().len() <= 3
}

fn setext_level(line: &str) -> Option<u8> {
    let t = line.trim();
    if line.len() - line.trim_start().len() > 3 || t.is_empty() {
        return None;
    }
    if t.chars().all(|c| c == '=') {
        Some(1)
    } else if t.chars().all(|c| c == '-') {
        Some(2)
    } else {
        None
    }
}

fn fence(line: &str) -> Option<String> {
    let t = line.trim_start();
    if line.len() - t.len() > 3 {
        return None;
    }
    for c in ['`', '~'] {
        let run = t.chars().take_while(|&x| x == c).count();
        if run >= 3 {
            return Some(c.to_string().repeat(run));
        }
    }
    None
}

/// Strips block-quote markers (`> `) from the start of a line.
fn unquote(mut line: &str) -> &str {
    loop {
        let t = line.trim_start();
        if line.len() - t.len() > 3 {
            return line;
        }
        match t.strip_prefix('>') {
            Some(rest) => line = rest.strip_prefix(' ').unwrap_or(rest),
            None => return line,
        }
    }
}

pub(super) fn parse_blocks(markdown: &str) -> Vec<Block> {
    let text = markdown.strip_prefix('\u{feff}').unwrap_or(markdown);
    let mut blocks = Vec::new();
    let mut para: Vec<String> = Vec::new();
    // The open bullet and whether a blank line followed it.
    let mut bullet: Option<(String, bool)> = None;
    let mut lines = text.lines();

    fn flush(blocks: &mut Vec<Block>, para: &mut Vec<String>, bullet: &mut Option<(String, bool)>) {
        if !para.is_empty() {
            blocks.push(Block::Paragraph(para.join(" ")));
            para.clear();
        }
        if let Some((b, _)) = bullet.take() {
            blocks.push(Block::Bullet(b));
        }
    }

    while let Some(raw) = lines.next() {
        let line = unquote(raw.trim_end_matches('\r'));
        if line.trim().is_empty() {
            if !para.is_empty() {
                flush(&mut blocks, &mut para, &mut bullet);
            }
            if let Some((_, blank)) = bullet.as_mut() {
                *blank = true;
            }
            continue;
        }
        if let Some(marker) = fence(line) {
            flush(&mut blocks, &mut para, &mut bullet);
            let mut code = Vec::new();
            for l in lines.by_ref() {
                let l = unquote(l.trim_end_matches('\r'));
                let t = l.trim();
                if t.starts_with(&marker) && t.chars().all(|c| marker.starts_with(c)) {
                    break;
                }
                code.push(l.to_owned());
            }
            if !code.is_empty() {
                blocks.push(Block::Paragraph(code.join("\n")));
            }
            continue;
        }
        if let Some((level, body)) = heading(line) {
            flush(&mut blocks, &mut para, &mut bullet);
            blocks.push(Block::Heading(level, body));
            continue;
        }
        if !para.is_empty()
            && bullet.is_none()
            && let Some(level) = setext_level(line)
        {
            let body = para.join(" ");
            para.clear();
            blocks.push(Block::Heading(level, body));
            continue;
        }
        if thematic_break(line) {
            flush(&mut blocks, &mut para, &mut bullet);
            continue;
        }
        if let Some((_, item)) = list_item(line) {
            flush(&mut blocks, &mut para, &mut bullet);
            bullet = Some((item.to_owned(), false));
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if let Some((b, blank)) = bullet.as_mut()
            && (!*blank || indent >= 2)
        {
            // A continuation of the bullet (lazy, or indented after a blank line).
            if !b.is_empty() {
                b.push(' ');
            }
            b.push_str(line.trim());
            *blank = false;
            continue;
        }
        if bullet.is_some() {
            flush(&mut blocks, &mut para, &mut bullet);
        }
        para.push(line.trim().to_owned());
    }
    flush(&mut blocks, &mut para, &mut bullet);
    blocks
        .into_iter()
        .filter(|b| match b {
            Block::Heading(..) => true,
            Block::Paragraph(t) | Block::Bullet(t) => !t.trim().is_empty(),
        })
        .collect()
}

/// A heading open while assigning anchors.
struct Open {
    level: u8,
    anchor: String,
    bullets: usize,
    paragraphs: usize,
}

fn unique(used: &mut HashSet<String>, parent: &str, segment: &str) -> String {
    let join = |seg: &str| {
        if parent.is_empty() {
            seg.to_owned()
        } else {
            format!("{parent}/{seg}")
        }
    };
    let mut anchor = join(segment);
    let mut n = 2;
    while used.contains(&anchor) {
        anchor = join(&format!("{segment}-{n}"));
        n += 1;
    }
    used.insert(anchor.clone());
    anchor
}

pub(super) fn assign_anchors(blocks: Vec<Block>) -> Essay {
    let mut essay = Essay::default();
    let mut used = HashSet::new();
    let mut root = Open {
        level: 0,
        anchor: String::new(),
        bullets: 0,
        paragraphs: 0,
    };
    let mut stack: Vec<Open> = Vec::new();
    let mut seen_heading = false;
    for block in blocks {
        match block {
            Block::Heading(level, text) => {
                let mut segment = slug(&text);
                if segment.is_empty() {
                    segment = "section".to_owned();
                }
                if level == 1 && !seen_heading {
                    seen_heading = true;
                    essay.title = plain_text(&text);
                    let anchor = unique(&mut used, "", &segment);
                    essay.passages.push(Passage {
                        anchor,
                        kind: PassageKind::Heading(1),
                        text,
                    });
                    continue;
                }
                seen_heading = true;
                while stack.last().is_some_and(|o| o.level >= level) {
                    stack.pop();
                }
                let parent = stack.last().map_or("", |o| o.anchor.as_str());
                let anchor = unique(&mut used, parent, &segment);
                essay.passages.push(Passage {
                    anchor: anchor.clone(),
                    kind: PassageKind::Heading(level),
                    text,
                });
                stack.push(Open {
                    level,
                    anchor,
                    bullets: 0,
                    paragraphs: 0,
                });
            }
            Block::Paragraph(text) => {
                let open = stack.last_mut().unwrap_or(&mut root);
                open.paragraphs += 1;
                let segment = format!("p{}", open.paragraphs);
                let anchor = unique(&mut used, &open.anchor, &segment);
                essay.passages.push(Passage {
                    anchor,
                    kind: PassageKind::Paragraph,
                    text,
                });
            }
            Block::Bullet(text) => {
                let open = stack.last_mut().unwrap_or(&mut root);
                open.bullets += 1;
                let segment = open.bullets.to_string();
                let anchor = unique(&mut used, &open.anchor, &segment);
                essay.passages.push(Passage {
                    anchor,
                    kind: PassageKind::Bullet,
                    text,
                });
            }
        }
    }
    essay
}
