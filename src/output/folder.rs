//! The results folder: written into a hidden temporary folder and renamed into place, CSV
//! bytes of `Serialize` rows, and single files replaced atomically.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diag::{Error, Result};

/// A results folder being written: files go to a hidden temporary folder beside the target,
/// which is renamed into place by [`OutDir::commit`]. Dropped uncommitted, it is removed, so
/// an interrupted run never leaves a folder that looks complete.
#[derive(Debug)]
pub struct OutDir {
    target: PathBuf,
    tmp: PathBuf,
    force: bool,
    committed: bool,
}

impl OutDir {
    /// Refuses an existing target without `force`; creates the temporary folder.
    pub fn prepare(target: &Path, force: bool) -> Result<OutDir> {
        if target.exists() && !force {
            return Err(Error::OutputExists(target.to_path_buf()));
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "results".into());
        let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if tmp.exists() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        std::fs::create_dir_all(&tmp)
            .map_err(|e| Error::io(format!("creating {}", tmp.display()), e))?;
        Ok(OutDir {
            target: target.to_path_buf(),
            tmp,
            force,
            committed: false,
        })
    }

    /// Writes one file into the temporary folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let p = self.tmp.join(name);
        std::fs::write(&p, bytes).map_err(|e| Error::io(format!("writing {}", p.display()), e))
    }

    /// Writes rows as CSV (header from the struct's fields).
    pub fn write_csv<T: Serialize>(&self, name: &str, rows: &[T]) -> Result<()> {
        self.write(name, &csv_bytes(rows)?)
    }

    /// Writes a value as pretty JSON.
    pub fn write_json<T: Serialize>(&self, name: &str, v: &T) -> Result<()> {
        let mut s = serde_json::to_string_pretty(v)
            .map_err(|e| Error::Run(format!("serialising {name}: {e}")))?;
        s.push('\n');
        self.write(name, s.as_bytes())
    }

    /// The temporary folder the files are written to before [`OutDir::commit`].
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Moves the finished folder into place (replacing an old one only with `force`).
    pub fn commit(mut self) -> Result<PathBuf> {
        let old = self
            .tmp
            .with_extension(format!("old-{}", std::process::id()));
        let replaced = if self.target.exists() {
            if !self.force {
                return Err(Error::OutputExists(self.target.clone()));
            }
            std::fs::rename(&self.target, &old)
                .map_err(|e| Error::io(format!("moving aside {}", self.target.display()), e))?;
            true
        } else {
            false
        };
        std::fs::rename(&self.tmp, &self.target)
            .map_err(|e| Error::io(format!("renaming into {}", self.target.display()), e))?;
        if replaced {
            let _ = if old.is_dir() {
                std::fs::remove_dir_all(&old)
            } else {
                std::fs::remove_file(&old)
            };
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// CSV bytes of rows.
pub fn csv_bytes<T: Serialize>(rows: &[T]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)
            .map_err(|e| Error::Run(format!("writing CSV: {e}")))?;
    }
    w.into_inner()
        .map_err(|e| Error::Run(format!("writing CSV: {e}")))
}

/// Writes `bytes` to `path` atomically (temporary name in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(format!("writing {}", tmp.display()), e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(format!("renaming into {}", path.display()), e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_folder_is_removed_and_existing_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        {
            let o = OutDir::prepare(&target, false).unwrap();
            o.write("a.csv", b"x").unwrap();
        }
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let o = OutDir::prepare(&target, false).unwrap();
        o.write("a.csv", b"1").unwrap();
        o.commit().unwrap();
        assert!(matches!(
            OutDir::prepare(&target, false),
            Err(Error::OutputExists(_))
        ));
        let o = OutDir::prepare(&target, true).unwrap();
        o.write("b.csv", b"2").unwrap();
        o.commit().unwrap();
        assert!(!target.join("a.csv").exists());
        assert_eq!(std::fs::read(target.join("b.csv")).unwrap(), b"2");
    }
}
