//! Runs overlaid on one chart (`overlay_continuity`, `overlay_kansai_fan`).

use std::collections::BTreeMap;
use std::path::Path;

use plotters::prelude::*;

use super::common::{fit, read_csv, render, Chart, Context, Lang, Names, BLUE, GREEN, RED};
use super::continuity::{checkpoint_note, read_availability, Continuity, TimeSeries};
use super::kansai_fan::{read_fan, Fan, FanData, FanRun};
use crate::diag::Result;
use crate::output::manifest::{read_manifest, ManifestInfo};
use crate::output::rows::MinistryRow;

/// Colours of runs overlaid on one chart.
const RUN_COLOURS: [RGBColor; 5] = [
    BLUE,
    RED,
    GREEN,
    RGBColor(130, 60, 170),
    RGBColor(120, 90, 40),
];

fn colour(i: usize) -> RGBColor {
    RUN_COLOURS[i % RUN_COLOURS.len()]
}

/// One run's files the overlay reads.
struct Run {
    name: String,
    manifest: ManifestInfo,
    ministries: Vec<MinistryRow>,
    series: BTreeMap<String, TimeSeries>,
    fan: Option<FanData>,
}

/// Charts overlaying the `run` (or `merge`) results folders among `runs` (each with the
/// names of its scenario): per-ministry work-from-Kansai curves of every run, and the
/// spread and mean of the number of ministries able to work from Kansai. Empty unless at
/// least two of the folders have the recovery files.
pub fn make_overlay(runs: &[(&Path, &Names)], lang: Lang) -> Result<Vec<Chart>> {
    let loaded = load(runs, lang)?;
    if loaded.len() < 2 {
        return Ok(Vec::new());
    }
    let ctx = Context {
        lang,
        caption: loaded
            .iter()
            .map(|r| {
                format!(
                    "{}: {}{}{}",
                    fit(&r.name, 420.0, 15.0),
                    r.manifest.trials,
                    lang.t(" trials, seed ", " 試行, シード "),
                    r.manifest.seed
                )
            })
            .collect::<Vec<_>>()
            .join("　／　"),
    };
    let mut out = vec![continuity(&loaded, &ctx)?];
    out.extend(kansai_fan(&loaded, &ctx)?);
    Ok(out)
}

/// The folders among `runs` written by `run` or `merge` with the recovery files, named by
/// their scenario (and options; the same name twice gets the folder's position).
fn load(runs: &[(&Path, &Names)], lang: Lang) -> Result<Vec<Run>> {
    let mut loaded: Vec<Run> = Vec::new();
    for (dir, names) in runs {
        let manifest = read_manifest(dir)?;
        if manifest.command != "run" && manifest.command != "merge" {
            continue;
        }
        let (Some(ministries), Some(series)) = (
            read_csv::<MinistryRow>(dir, "ministries.csv")?,
            read_availability(dir)?,
        ) else {
            continue;
        };
        let mut name = names.title(lang, &manifest.scenario_id);
        if !manifest.options.is_empty() {
            name = format!("{name} [{}]", manifest.options.join(", "));
        }
        loaded.push(Run {
            name,
            fan: read_fan(dir)?,
            manifest,
            ministries,
            series,
        });
    }
    if loaded.len() < 2 {
        return Ok(loaded);
    }
    for i in 0..loaded.len() {
        if loaded.iter().filter(|r| r.name == loaded[i].name).count() > 1 {
            loaded[i].name = format!("{} ({})", loaded[i].name, i + 1);
        }
    }
    Ok(loaded)
}

/// `overlay_continuity`: per ministry, the work-from-Kansai curve of every run.
fn continuity(loaded: &[Run], ctx: &Context) -> Result<Chart> {
    let lang = ctx.lang;
    // Ministries in the order of the first run that has them.
    let mut ids: Vec<(String, String)> = Vec::new();
    for r in loaded {
        for m in &r.ministries {
            if !ids.iter().any(|x| x.0 == m.ministry) {
                ids.push((
                    m.ministry.clone(),
                    lang.t(&m.name_en, &m.name_ja).to_string(),
                ));
            }
        }
    }
    let panels = ids
        .iter()
        .map(|(id, name)| {
            (
                name.clone(),
                loaded
                    .iter()
                    .map(|r| r.series.get(&format!("{id}.work_from_kansai")).cloned())
                    .collect(),
            )
        })
        .collect();
    let title = lang
        .t(
            "By when each ministry can work from Kansai: the runs compared (95 % bands)",
            "各府省が関西から業務継続できる時期：実行結果の比較（95%区間の帯）",
        )
        .to_string();
    let d = Continuity {
        title: title.clone(),
        note: checkpoint_note(lang),
        panels,
        series: loaded
            .iter()
            .enumerate()
            .map(|(i, r)| (fit(&r.name, 560.0, 19.0), colour(i)))
            .collect(),
    };
    render("overlay_continuity", &title, &d, ctx)
}

/// `overlay_kansai_fan`: the spread and mean of the number of ministries of every run that
/// has `kansai_over_time.csv` (none unless two have).
fn kansai_fan(loaded: &[Run], ctx: &Context) -> Result<Option<Chart>> {
    let lang = ctx.lang;
    let fans: Vec<FanRun> = loaded
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.fan.as_ref().map(|f| FanRun {
                name: fit(&r.name, 300.0, 17.0),
                colour: colour(i),
                hours: f.hours.clone(),
                dist: f.dist.clone(),
            })
        })
        .collect();
    if fans.len() < 2 {
        return Ok(None);
    }
    let max = loaded
        .iter()
        .filter_map(|r| r.fan.as_ref().map(|f| f.ministries))
        .max()
        .unwrap_or(0);
    // Distributions padded to the largest number of ministries.
    let fans = fans
        .into_iter()
        .map(|mut f| {
            for p in f.dist.iter_mut() {
                p.resize(max + 1, 0.0);
            }
            f
        })
        .collect();
    let title = lang
        .t(
            "Ministries able to work from Kansai over time: the runs compared",
            "関西から業務継続できる府省数の推移：実行結果の比較",
        )
        .to_string();
    let d = Fan {
        title: title.clone(),
        ministries: max,
        runs: fans,
    };
    Ok(Some(render("overlay_kansai_fan", &title, &d, ctx)?))
}
