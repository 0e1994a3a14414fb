//! Reading a scenario: the top file, its includes (depth first, cycles refused) and the
//! prefectures CSV of `[lgwan]`, merged into one [`Merged`].

use std::path::{Path, PathBuf};

use super::file::{Located, Merged, RawFile, Scenario};
use super::lgwan::LgwanDef;
use super::lgwan_expand::read_prefectures;
use crate::diag::{Error, Result, SourceFile, SourceMap, Span};

impl Scenario {
    /// Reads a scenario file and everything it includes.
    pub fn load(path: &Path) -> Result<Scenario> {
        let mut sources = SourceMap::default();
        let mut content = Merged::default();
        let mut stack = Vec::new();
        load_file(path, &mut sources, &mut content, &mut stack, None)?;
        if content.meta.is_none() {
            return Err(sources.error(
                Span::default(),
                "missing [scenario] table",
                Some("add [scenario] with id, name_en and name_ja to the top file".into()),
            ));
        }
        let sha256 = {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            for f in &sources.files {
                h.update(f.text.as_bytes());
            }
            hex(&h.finalize())
        };
        Ok(Scenario {
            sources,
            sha256,
            content,
        })
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads one file and, depth first, the files it includes, into `out`.
fn load_file(
    path: &Path,
    sources: &mut SourceMap,
    out: &mut Merged,
    stack: &mut Vec<PathBuf>,
    included_from: Option<Span>,
) -> Result<()> {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if stack.contains(&canonical) {
        let span = included_from.unwrap_or_default();
        return Err(sources.error(
            span,
            format!("include cycle: {} includes itself", path.display()),
            None,
        ));
    }
    let file = read_source(path, sources, included_from)?;
    let mut raw = parse_raw(sources, file)?;
    stack.push(canonical);
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    for inc in &raw.include {
        let span = Span {
            file,
            start: inc.span().start,
        };
        load_file(&dir.join(inc.get_ref()), sources, out, stack, Some(span))?;
    }
    stack.pop();

    let at = Place {
        sources,
        file,
        is_top: included_from.is_none(),
    };
    merge_singles(&at, &mut raw, out)?;
    merge_lists(&at, &mut raw, out)?;
    merge_lgwan(sources, file, &dir, raw.lgwan, out)
}

/// Reads a file's text into the source map and returns its index.
fn read_source(path: &Path, sources: &mut SourceMap, included_from: Option<Span>) -> Result<usize> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            return Err(match included_from {
                Some(span) => sources.error(
                    span,
                    format!("cannot read included file {}: {e}", path.display()),
                    Some("include paths are relative to the including file".into()),
                ),
                None => Error::Input(Box::new(crate::diag::InputError {
                    file: path.to_path_buf(),
                    line: 0,
                    column: 0,
                    message: format!("cannot read scenario: {e}"),
                    hint: None,
                })),
            })
        }
    };
    sources.files.push(SourceFile {
        path: path.to_path_buf(),
        text,
    });
    Ok(sources.files.len() - 1)
}

/// Parses a file already in the source map.
fn parse_raw(sources: &SourceMap, file: usize) -> Result<RawFile> {
    toml::from_str(&sources.files[file].text).map_err(|e| {
        let start = e.span().map(|s| s.start).unwrap_or(0);
        let msg = e.message().trim().to_string();
        let hint = toml_hint(&msg);
        sources.error(Span { file, start }, msg, hint)
    })
}

/// The file being merged, and the rules on where a table may appear.
struct Place<'a> {
    sources: &'a SourceMap,
    file: usize,
    is_top: bool,
}

impl Place<'_> {
    fn at(&self, start: usize) -> Span {
        Span {
            file: self.file,
            start,
        }
    }

    /// A table that may appear in only one file.
    fn once(&self, what: &str, present: bool, start: usize) -> Result<()> {
        if !present {
            return Ok(());
        }
        Err(self.sources.error(
            self.at(start),
            format!("[{what}] is defined in more than one file"),
            Some("define it once, in the top scenario file or one included file".into()),
        ))
    }

    /// A table that may appear only in the top file.
    fn top_only(&self, what: &str, start: usize) -> Result<()> {
        if self.is_top {
            return Ok(());
        }
        Err(self.sources.error(
            self.at(start),
            format!("[{what}] may only appear in the top file"),
            Some("move it to the file given on the command line".into()),
        ))
    }

    fn located<T>(&self, item: T) -> Located<T> {
        Located {
            file: self.file,
            item,
        }
    }

    fn extend<T>(&self, to: &mut Vec<Located<T>>, items: Vec<T>) {
        to.extend(items.into_iter().map(|item| self.located(item)));
    }
}

/// Tables that appear once: in the top file, or in exactly one file.
fn merge_singles(at: &Place, raw: &mut RawFile, out: &mut Merged) -> Result<()> {
    if let Some(m) = raw.scenario.take() {
        at.top_only("scenario", m.id.span().start)?;
        out.meta = Some(at.located(m));
    }
    if let Some(s) = raw.simulation.take() {
        // The top file's defaults win over an included file's.
        out.simulation = Some(at.located(s));
    }
    if let Some(g) = raw.gnet.take() {
        at.once("gnet", out.gnet.is_some(), g.operation_center.span().start)?;
        out.gnet = Some(at.located(g));
    }
    if let Some(k) = raw.kansai.take() {
        at.once(
            "kansai",
            out.kansai.is_some(),
            k.alternate_site.span().start,
        )?;
        out.kansai = Some(at.located(k));
    }
    if let Some(x) = raw.expansion.take() {
        at.once(
            "expansion",
            out.expansion.is_some(),
            x.hq_class.span().start,
        )?;
        out.expansion = Some(at.located(x));
    }
    if let Some(r) = raw.recovery.take() {
        at.once("recovery", out.recovery.is_some(), r.start.span().start)?;
        out.recovery = Some(at.located(r));
    }
    if let Some(c) = raw.calendar.take() {
        at.top_only("calendar", c.start.span().start)?;
        out.calendar = Some(at.located(c));
    }
    if let Some(t) = raw.table7.take() {
        // The top file may override an included file's placements.
        if !at.is_top {
            at.once(
                "table7",
                out.table7.is_some(),
                t.capital_region.span().start,
            )?;
        }
        out.table7 = Some(at.located(t));
    }
    Ok(())
}

/// Lists (concatenated in reading order) and the parts of `[hazard]`.
fn merge_lists(at: &Place, raw: &mut RawFile, out: &mut Merged) -> Result<()> {
    use std::mem::take;
    at.extend(&mut out.regions, take(&mut raw.regions));
    at.extend(&mut out.sites, take(&mut raw.sites));
    at.extend(&mut out.classes, take(&mut raw.classes));
    at.extend(&mut out.unknowns, take(&mut raw.unknowns));
    at.extend(&mut out.nodes, take(&mut raw.nodes));
    at.extend(&mut out.links, take(&mut raw.links));
    at.extend(&mut out.groups, take(&mut raw.groups));
    at.extend(&mut out.ministries, take(&mut raw.ministries));
    at.extend(&mut out.services, take(&mut raw.services));
    if let Some(h) = raw.hazard.take() {
        at.extend(&mut out.zones, h.zones);
        if let Some(g) = h.ground_motion {
            at.once(
                "hazard.ground_motion",
                out.ground_motion.is_some(),
                g.mw.span().start,
            )?;
            out.ground_motion = Some(at.located(g));
        }
        at.extend(&mut out.fragility, h.fragility);
        if let Some(pw) = h.power {
            at.once("hazard.power", out.power.is_some(), pw.source.span().start)?;
            out.power = Some(at.located(pw));
        }
    }
    at.extend(&mut out.options, take(&mut raw.options));
    at.extend(&mut out.uncertain, take(&mut raw.uncertain));
    Ok(())
}

/// `[lgwan]`, with its prefectures CSV read into the source map.
fn merge_lgwan(
    sources: &mut SourceMap,
    file: usize,
    dir: &Path,
    lgwan: Option<LgwanDef>,
    out: &mut Merged,
) -> Result<()> {
    let Some(mut l) = lgwan else {
        return Ok(());
    };
    if out.lgwan.is_some() {
        return Err(sources.error(
            Span {
                file,
                start: l.source.span().start,
            },
            "[lgwan] is defined in more than one file",
            Some("define it once, in the top scenario file or one included file".into()),
        ));
    }
    l.prefectures_file = Some(read_prefectures(sources, file, dir, &l)?);
    out.lgwan = Some(Located { file, item: l });
    Ok(())
}

fn toml_hint(msg: &str) -> Option<String> {
    if msg.contains("unknown field") {
        Some("check the spelling against docs/scenario-format.md; the expected keys are listed above".into())
    } else if msg.contains("missing field") {
        Some("add the key; docs/scenario-format.md lists the required keys of each table".into())
    } else if msg.contains("did not match any variant") {
        Some("a placement is a site id, { unknown = \"…\", sites = { … } } or { alternatives = [ { site = \"…\", p = … } ] }".into())
    } else {
        None
    }
}
