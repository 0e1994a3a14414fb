//! Errors of the library: bad input (exit code 2) and failures while running (exit code 1).

use std::fmt;
use std::path::{Path, PathBuf};

/// Everything that can go wrong in bcpsim.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The scenario or a command-line value is wrong; the message says where and how to fix it.
    #[error("{0}")]
    Input(Box<InputError>),
    /// A command-line usage problem that has no file position (e.g. `--trials 0`).
    #[error("{0}")]
    Usage(String),
    /// An output folder exists and `--force` was not given.
    #[error("{0} already exists; pass --force to replace it (nothing was written)")]
    OutputExists(PathBuf),
    /// Reading or writing a file failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A failure while running that is not the input's fault.
    #[error("{0}")]
    Run(String),
}

impl Error {
    /// Exit code for the command line: 2 for bad input or usage, 1 for failures while running.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Usage(_) | Error::OutputExists(_) => 2,
            Error::Io { .. } | Error::Run(_) => 1,
        }
    }

    /// An I/O error with what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A located input error: file, line, column, what was wrong and a hint.
#[derive(Debug, Clone)]
pub struct InputError {
    /// File the problem is in (or `<command line>`).
    pub file: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// What is wrong, including what was expected and what was found.
    pub message: String,
    /// How to fix it, e.g. "did you mean `gnet_op`?".
    pub hint: Option<String>,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                self.line,
                self.column,
                self.message
            )?;
        } else {
            write!(f, "{}: {}", self.file.display(), self.message)?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// The text of one input file, kept to turn byte offsets into lines and columns.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as given (or resolved from an include).
    pub path: PathBuf,
    /// Full text.
    pub text: String,
}

impl SourceFile {
    /// 1-based (line, column) of a byte offset; columns count characters.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }
}

/// All files read for one scenario; spans refer to a file by index.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    /// Files in the order they were read.
    pub files: Vec<SourceFile>,
}

/// A position in the scenario's files: file index and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Index into [`SourceMap::files`].
    pub file: usize,
    /// Byte offset of the start.
    pub start: usize,
}

impl SourceMap {
    /// Builds an input error at a span.
    pub fn error(&self, span: Span, message: impl Into<String>, hint: Option<String>) -> Error {
        let (path, line, column) = match self.files.get(span.file) {
            Some(f) => {
                let (l, c) = f.line_col(span.start);
                (f.path.clone(), l, c)
            }
            None => (PathBuf::from("<scenario>"), 0, 0),
        };
        Error::Input(Box::new(InputError {
            file: path,
            line,
            column,
            message: message.into(),
            hint,
        }))
    }

    /// Path of a file by index.
    pub fn path(&self, file: usize) -> &Path {
        self.files
            .get(file)
            .map(|f| f.path.as_path())
            .unwrap_or(Path::new("<scenario>"))
    }
}

/// A "did you mean" hint: the known name closest to `wrong` by edit distance, if close enough.
pub fn did_you_mean<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for k in known {
        let d = edit_distance(wrong, k);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    match best {
        Some((d, k)) if d <= (wrong.chars().count().max(3) / 2).max(2) => {
            Some(format!("did you mean `{k}`?"))
        }
        _ => None,
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let f = SourceFile {
            path: "x.toml".into(),
            text: "a = 1\n名前 = 2\n".into(),
        };
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(6), (2, 1));
        // "名前 " is 7 bytes (3+3+1), so byte 13 is the '=' in column 4.
        assert_eq!(f.line_col(13), (2, 4));
    }

    #[test]
    fn hint_finds_close_names() {
        let known = ["gnet_op", "gnet_backup", "mof_core"];
        assert_eq!(
            did_you_mean("gnet_po", known).as_deref(),
            Some("did you mean `gnet_op`?")
        );
        assert_eq!(did_you_mean("completely_else", known), None);
    }
}
