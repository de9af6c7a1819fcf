//! Inline Markdown: emphasis, code and links split into styled spans.

/// A run of text with one style.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// The text, without markers.
    pub text: String,
    /// Strong emphasis (`**…**`).
    pub bold: bool,
    /// Emphasis (`*…*`).
    pub italic: bool,
    /// Inline code (`` `…` ``).
    pub code: bool,
}

/// Splits inline Markdown into styled spans: `**bold**`, `__bold__`, `*italic*`, `_italic_`,
/// `` `code` ``, backslash escapes, and links `[text](url)` kept as their text. Markers with
/// no partner stay as literal characters; the words themselves are never dropped.
///
/// ```
/// use palimpsest::essay::spans;
/// let s = spans("a **b** *c*");
/// assert_eq!(s.len(), 4);
/// assert!(s[1].bold && s[1].text == "b");
/// assert!(s[3].italic && s[3].text == "c");
/// ```
#[must_use]
pub fn spans(text: &str) -> Vec<Span> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = SpanBuilder::default();
    let mut bold = false;
    let mut italic = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                out.push(chars[i + 1], bold, italic, false);
                i += 2;
            }
            '`' => {
                let run = run_length(&chars, i, '`');
                if let Some(end) = find_code_close(&chars, i + run, run) {
                    let code: String = chars[i + run..end].iter().collect();
                    let code = strip_one_space(&code);
                    out.push_str(code, bold, italic, true);
                    i = end + run;
                } else {
                    for _ in 0..run {
                        out.push('`', bold, italic, false);
                    }
                    i += run;
                }
            }
            '[' => {
                if let Some((label_end, after)) = find_link(&chars, i) {
                    // The label may hold emphasis of its own.
                    let label: String = chars[i + 1..label_end].iter().collect();
                    for s in spans(&label) {
                        out.push_str(&s.text, bold || s.bold, italic || s.italic, s.code);
                    }
                    i = after;
                } else {
                    out.push(c, bold, italic, false);
                    i += 1;
                }
            }
            '*' | '_' => {
                let run = run_length(&chars, i, c);
                let prev = i.checked_sub(1).map(|j| chars[j]);
                let next = chars.get(i + run).copied();
                let can_open = next.is_some_and(|n| !n.is_whitespace())
                    && (c == '*' || prev.is_none_or(|p| !p.is_alphanumeric()));
                let can_close = prev.is_some_and(|p| !p.is_whitespace())
                    && (c == '*' || next.is_none_or(|n| !n.is_alphanumeric()));
                // Close what is open first (the inner style first), then open.
                let mut remaining = run;
                if can_close {
                    if remaining >= 2 && bold && (remaining == 2 || italic) {
                        bold = false;
                        remaining -= 2;
                    }
                    if remaining >= 1 && italic {
                        italic = false;
                        remaining -= 1;
                    }
                    if remaining >= 2 && bold {
                        bold = false;
                        remaining -= 2;
                    }
                }
                if can_open && remaining > 0 {
                    let rest = i + run;
                    if remaining >= 2 && !bold && has_closer(&chars, rest, c, 2) {
                        bold = true;
                        remaining -= 2;
                    }
                    if remaining >= 1 && !italic && has_closer(&chars, rest, c, 1) {
                        italic = true;
                        remaining -= 1;
                    }
                }
                for _ in 0..remaining {
                    out.push(c, bold, italic, false);
                }
                i += run;
            }
            _ => {
                out.push(c, bold, italic, false);
                i += 1;
            }
        }
    }
    out.finish()
}

/// The text without emphasis markers.
///
/// ```
/// assert_eq!(palimpsest::essay::plain_text("**Trotsky** erased"), "Trotsky erased");
/// ```
#[must_use]
pub fn plain_text(text: &str) -> String {
    spans(text).into_iter().map(|s| s.text).collect()
}

#[derive(Default)]
struct SpanBuilder {
    spans: Vec<Span>,
}

impl SpanBuilder {
    fn push(&mut self, c: char, bold: bool, italic: bool, code: bool) {
        match self.spans.last_mut() {
            Some(last) if last.bold == bold && last.italic == italic && last.code == code => {
                last.text.push(c);
            }
            _ => self.spans.push(Span {
                text: c.to_string(),
                bold,
                italic,
                code,
            }),
        }
    }

    fn push_str(&mut self, s: &str, bold: bool, italic: bool, code: bool) {
        for c in s.chars() {
            self.push(c, bold, italic, code);
        }
    }

    fn finish(self) -> Vec<Span> {
        self.spans
    }
}

fn run_length(chars: &[char], start: usize, c: char) -> usize {
    chars[start..].iter().take_while(|&&x| x == c).count()
}

fn find_code_close(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == '`' {
            let r = run_length(chars, j, '`');
            if r == run {
                return Some(j);
            }
            j += r;
        } else {
            j += 1;
        }
    }
    None
}

fn strip_one_space(code: &str) -> &str {
    if code.len() >= 2 && code.starts_with(' ') && code.ends_with(' ') && !code.trim().is_empty() {
        &code[1..code.len() - 1]
    } else {
        code
    }
}

/// For `[label](url)` starting at `start`: the index of `]` and the index after `)`.
fn find_link(chars: &[char], start: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut j = start;
    let label_end = loop {
        match chars.get(j)? {
            '\\' => j += 1,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    break j;
                }
            }
            _ => {}
        }
        j += 1;
    };
    if chars.get(label_end + 1) != Some(&'(') {
        return None;
    }
    let close = chars[label_end + 2..].iter().position(|&c| c == ')')?;
    Some((label_end, label_end + 2 + close + 1))
}

/// Whether a closing delimiter run of `c` with at least `len` characters follows `from`.
fn has_closer(chars: &[char], from: usize, c: char, len: usize) -> bool {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == c {
            let run = run_length(chars, j, c);
            let prev = chars[j - 1];
            let next = chars.get(j + run).copied();
            let closes =
                !prev.is_whitespace() && (c == '*' || next.is_none_or(|n| !n.is_alphanumeric()));
            if closes && run >= len && j > from {
                return true;
            }
            j += run;
        } else if chars[j] == '`' {
            // Emphasis does not close inside code.
            let run = run_length(chars, j, '`');
            j = find_code_close(chars, j + run, run).map_or(j + run, |end| end + run);
        } else {
            j += 1;
        }
    }
    false
}
