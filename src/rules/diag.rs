//! Rule-file diagnostics: every problem found, each tied to `file:line:column`.

use std::fmt;
use std::ops::Range;

/// One problem in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable kebab-case code, e.g. `invalid-regex`.
    pub code: &'static str,
    /// The file as the user named it.
    pub file: String,
    /// 1-based line and column of the offending value.
    pub line: usize,
    pub column: usize,
    /// The rule's id, when the problem belongs to one rule.
    pub rule: Option<String>,
    pub message: String,
    /// The source line, for the excerpt under the message.
    pub source_line: String,
}

impl Diagnostic {
    /// Builds a diagnostic at byte `offset` of `source`.
    pub fn at(
        code: &'static str,
        file: &str,
        source: &str,
        offset: usize,
        rule: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column, source_line) = locate(source, offset);
        Diagnostic {
            code,
            file: file.to_string(),
            line,
            column,
            rule: rule.map(str::to_string),
            message: message.into(),
            source_line,
        }
    }

    /// Builds a diagnostic at the start of `span` (or the file's start).
    pub fn spanned(
        code: &'static str,
        file: &str,
        source: &str,
        span: Option<Range<usize>>,
        rule: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Self::at(
            code,
            file,
            source,
            span.map_or(0, |s| s.start),
            rule,
            message,
        )
    }
}

/// 1-based line and column (in characters) of a byte offset, and that line's text.
fn locate(source: &str, offset: usize) -> (usize, usize, String) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    let line_end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    let text = source[line_start..line_end]
        .trim_end_matches('\r')
        .to_string();
    (line, column, text)
}

impl fmt::Display for Diagnostic {
    /// Compiler-style: a headline, the location, the source line and a caret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule {
            Some(id) => writeln!(f, "error[{}]: rule `{}`: {}", self.code, id, self.message)?,
            None => writeln!(f, "error[{}]: {}", self.code, self.message)?,
        }
        writeln!(f, "  --> {}:{}:{}", self.file, self.line, self.column)?;
        if !self.source_line.is_empty() {
            let gutter = self.line.to_string().len();
            writeln!(f, "{:gutter$} |", "")?;
            writeln!(f, "{} | {}", self.line, self.source_line)?;
            let pad: String = self
                .source_line
                .chars()
                .take(self.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{:gutter$} | {pad}^", "")?;
        }
        Ok(())
    }
}

/// All problems found while loading rule files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(
            f,
            "error: {n} problem{} in rule files; no input was read",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_and_column() {
        let src = "a = 1\nbb = 'x'\n";
        let d = Diagnostic::at("t", "f.toml", src, 11, Some("r"), "bad");
        assert_eq!((d.line, d.column), (2, 6));
        assert_eq!(d.source_line, "bb = 'x'");
        let shown = d.to_string();
        assert!(shown.contains("f.toml:2:6"), "{shown}");
        assert!(shown.contains("rule `r`: bad"), "{shown}");
    }

    #[test]
    fn offset_past_end_is_clamped() {
        let d = Diagnostic::at("t", "f", "abc", 99, None, "x");
        assert_eq!((d.line, d.column), (1, 4));
    }
}
