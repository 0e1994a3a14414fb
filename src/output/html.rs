//! The report of a results folder: `report.html` (one self-contained file: charts as
//! embedded PNG, every table, the manifest, the assumptions the scenario declares) and
//! `report.md` (the same text, charts referenced from `charts/`), made from the folder's
//! files only, plus the scenario for names and assumptions when it is still unchanged.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use crate::diag::{Error, Result};
use crate::model::{BuildSpec, Model};
use crate::output::charts::{self, Chart, Lang, Names};
pub use crate::output::folder::write_atomic;
use crate::scenario::Scenario;

/// Tables a results folder may hold, with their titles, in report order.
const TABLES: &[(&str, &str, &str)] = &[
    (
        "ministries.csv",
        "Ministries right after the quake",
        "地震直後の各府省",
    ),
    (
        "kansai_ministries.csv",
        "Number of ministries able to work from Kansai right after the quake",
        "地震直後に関西から業務継続できる府省数の分布",
    ),
    (
        "summary.csv",
        "Every service right after the quake",
        "地震直後の全サービス",
    ),
    (
        "restoration.csv",
        "Restoration of every service",
        "各サービスの復旧",
    ),
    (
        "availability.csv",
        "Availability over time",
        "時間経過に伴う稼働確率",
    ),
    (
        "kansai_over_time.csv",
        "Number of ministries able to work from Kansai over time",
        "関西から業務継続できる府省数の推移",
    ),
    ("crews.csv", "Repair crews", "復旧要員"),
    (
        "power.csv",
        "Grid power lost at the quake",
        "地震直後の商用電源の喪失",
    ),
    (
        "site_failures.csv",
        "Sites that failed at the quake",
        "地震直後に被災した拠点",
    ),
    (
        "intensity_grid.csv",
        "Median JMA intensity on a grid (drawn on the map)",
        "格子点の震度中央値（地図に表示）",
    ),
    ("sites.csv", "Ground motion at the sites", "各拠点の揺れ"),
    ("mail.csv", "LGWAN mail", "LGWANメール"),
    ("compare.csv", "Countermeasure comparison", "対策の比較"),
    ("sensitivity.csv", "Sensitivity", "感度分析"),
    (
        "factors.csv",
        "Factors swung in the sensitivity analysis",
        "感度分析で振った要因",
    ),
    ("table7.csv", "Table 7 (computed)", "表7（計算結果）"),
];

/// Markdown reports written by other commands, shown as they are.
const MARKDOWN: &[&str] = &["table7.md", "compare.md", "sensitivity.md"];

/// Tables longer than this are not copied into the report: it names the file instead.
const MAX_ROWS: usize = 1000;

/// Tables longer than this are folded (still all in the file).
const FOLD_ROWS: usize = 40;

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A table read back: file, title, header, rows.
type Table = (String, String, Vec<String>, Vec<Vec<String>>);

/// One folder's part of the report.
struct Section {
    dir: PathBuf,
    manifest: charts::ManifestInfo,
    manifest_text: String,
    charts: Vec<Chart>,
    tables: Vec<Table>,
    markdown: Vec<(String, String)>,
    assumptions: Option<Assumptions>,
    scenario_note: Option<String>,
    names: Names,
}

impl Section {
    /// The scenario's title in `lang` (its id where the scenario cannot be read).
    fn display_name(&self, lang: Lang) -> String {
        self.names.title(lang, &self.manifest.scenario_id)
    }
}

/// What the scenario declares that the answer rests on.
struct Assumptions {
    factors: Vec<crate::study::sensitivity::Factor>,
    sites: Vec<(String, String, f64, f64, String)>,
    options: Vec<(String, String, String)>,
}

fn load_scenario(
    m: &charts::ManifestInfo,
    lang: Lang,
) -> (Names, Option<Assumptions>, Option<String>) {
    let path = PathBuf::from(&m.scenario);
    let scenario = match Scenario::load(&path) {
        Ok(s) => s,
        Err(_) => {
            return (
                Names::default(),
                None,
                Some(format!(
                    "{} {} {}",
                    lang.t("The scenario", "シナリオ"),
                    m.scenario,
                    lang.t(
                        "cannot be read from here: names are shown as ids and its assumptions are not listed.",
                        "をここから読めないため、名称はIDで示し、前提条件は一覧にしていない。"
                    )
                )),
            )
        }
    };
    if !m.scenario_sha256.is_empty() && scenario.sha256 != m.scenario_sha256 {
        return (
            Names::default(),
            None,
            Some(format!(
                "{} {} {}",
                lang.t("The scenario", "シナリオ"),
                m.scenario,
                lang.t(
                    "has changed since this run (SHA-256 differs): its assumptions are not listed.",
                    "は実行後に変更されている（SHA-256が異なる）ため、前提条件は一覧にしていない。"
                )
            )),
        );
    }
    // Compare and sensitivity record option sets, not applied options.
    let options = if m.command == "run" || m.command == "merge" {
        m.options.clone()
    } else {
        Vec::new()
    };
    let model = match Model::build(
        &scenario,
        &BuildSpec {
            options,
            ..BuildSpec::default()
        },
    ) {
        Ok(model) => model,
        Err(_) => match Model::build(&scenario, &BuildSpec::default()) {
            Ok(model) => model,
            Err(e) => return (Names::default(), None, Some(format!("{e}"))),
        },
    };
    let names = Names::from_model(&model);
    let factors = crate::study::sensitivity::factors(&scenario).unwrap_or_default();
    let sites = scenario
        .content
        .sites
        .iter()
        .map(|s| {
            (
                s.item.id.get_ref().clone(),
                if lang == Lang::Ja && !s.item.name_ja.is_empty() {
                    s.item.name_ja.clone()
                } else {
                    s.item.name_en.clone()
                },
                *s.item.lat.get_ref(),
                *s.item.lon.get_ref(),
                s.item.source.get_ref().clone(),
            )
        })
        .collect();
    let options = scenario
        .content
        .options
        .iter()
        .map(|o| {
            (
                o.item.id.get_ref().clone(),
                if lang == Lang::Ja {
                    o.item.name_ja.clone()
                } else {
                    o.item.name_en.clone()
                },
                o.item.source.clone(),
            )
        })
        .collect();
    (
        names,
        Some(Assumptions {
            factors,
            sites,
            options,
        }),
        None,
    )
}

fn read_table(p: &Path) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut r = csv::Reader::from_path(p)
        .map_err(|e| Error::Usage(format!("{}: cannot read ({e})", p.display())))?;
    let header = r
        .headers()
        .map_err(|e| Error::Usage(format!("{}: {e}", p.display())))?
        .iter()
        .map(String::from)
        .collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| Error::Usage(format!("{}: {e}", p.display())))?;
        rows.push(rec.iter().map(String::from).collect());
    }
    Ok((header, rows))
}

fn section(dir: &Path, lang: Lang) -> Result<Section> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{}: no such results folder",
            dir.display()
        )));
    }
    let manifest = charts::read_manifest(dir)?;
    let manifest_text = std::fs::read_to_string(dir.join("manifest.json")).map_err(|e| {
        Error::io(
            format!("reading {}", dir.join("manifest.json").display()),
            e,
        )
    })?;
    let (names, assumptions, scenario_note) = load_scenario(&manifest, lang);
    let charts = charts::make_all(dir, &names, lang)?;
    let mut tables = Vec::new();
    for (file, en, ja) in TABLES {
        let p = dir.join(file);
        if p.exists() {
            let (h, rows) = read_table(&p)?;
            tables.push((file.to_string(), lang.t(en, ja).to_string(), h, rows));
        }
    }
    let mut markdown = Vec::new();
    for file in MARKDOWN {
        if let Ok(t) = std::fs::read_to_string(dir.join(file)) {
            markdown.push((file.to_string(), t));
        }
    }
    Ok(Section {
        dir: dir.to_path_buf(),
        manifest,
        manifest_text,
        charts,
        tables,
        markdown,
        assumptions,
        scenario_note,
        names,
    })
}

/// The files of a report: charts (SVG and PNG), `report.html`, `report.md`.
pub struct Report {
    /// Charts of every folder, in order (file stems made unique across folders).
    pub charts: Vec<Chart>,
    /// The HTML page.
    pub html: String,
    /// The Markdown page.
    pub markdown: String,
}

/// Makes the report of `dir`, folding in the folders of `with` (compare, sensitivity,
/// Table 7 results of the same scenario, for example).
pub fn build(dir: &Path, with: &[PathBuf], lang: Lang) -> Result<Report> {
    let mut sections = vec![section(dir, lang)?];
    for w in with {
        sections.push(section(w, lang)?);
    }
    // Runs overlaid (Case 1 against Case 2, for example).
    let overlay = {
        let runs: Vec<(&Path, &Names)> = sections
            .iter()
            .map(|s| (s.dir.as_path(), &s.names))
            .collect();
        charts::make_overlay(&runs, lang)?
    };
    unique_chart_names(&mut sections);
    let mut page = Page {
        html: String::new(),
        md: String::new(),
        lang,
    };
    page.head(&sections);
    page.overlay(&overlay);
    for (k, s) in sections.iter().enumerate() {
        page.section(k, s);
    }
    let _ = writeln!(page.html, "</body>\n</html>");
    let charts = overlay
        .into_iter()
        .chain(sections.into_iter().flat_map(|s| s.charts))
        .collect();
    Ok(Report {
        charts,
        html: page.html,
        markdown: page.md,
    })
}

/// Chart file names made unique across folders (a later folder's `map` becomes `map_2`).
fn unique_chart_names(sections: &mut [Section]) {
    let mut seen = std::collections::BTreeSet::new();
    for (k, s) in sections.iter_mut().enumerate() {
        for c in s.charts.iter_mut() {
            if !seen.insert(c.name.clone()) {
                c.name = format!("{}_{}", c.name, k + 1);
                seen.insert(c.name.clone());
            }
        }
    }
}

/// The report being written, as HTML and as Markdown side by side.
struct Page {
    html: String,
    md: String,
    lang: Lang,
}

impl Page {
    /// The document head, title, introduction and contents.
    fn head(&mut self, sections: &[Section]) {
        let (html, md, lang) = (&mut self.html, &mut self.md, self.lang);
        let mut ids: Vec<&str> = Vec::new();
        for s in sections {
            if !ids.contains(&s.manifest.scenario_id.as_str()) {
                ids.push(&s.manifest.scenario_id);
            }
        }
        let title = format!(
            "{} — {}",
            lang.t("bcpsim report", "bcpsim レポート"),
            ids.join(", ")
        );
        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{}\n</style>\n</head>\n<body>\n<h1>{}</h1>\n",
            if lang == Lang::Ja { "ja" } else { "en" },
            html_escape(&title),
            CSS,
            html_escape(&title)
        );
        let _ = writeln!(md, "# {title}\n");
        let intro = lang.t(
            "Made by `bcpsim report` from the results folder(s) below: every probability has a 95 % interval (Wilson), every comparison is a paired difference on common random numbers. Charts are embedded; the tables are the folder's CSV files.",
            "以下の結果フォルダから `bcpsim report` で作成。確率には95%信頼区間（Wilson）を付し、比較はすべて共通乱数による対応のある差である。図は埋め込み、表は各フォルダのCSVファイルそのもの。",
        );
        let _ = writeln!(html, "<p>{}</p>", html_escape(intro).replace('`', ""));
        let _ = writeln!(md, "{intro}\n");
        let _ = writeln!(html, "<nav><ul>");
        for (k, s) in sections.iter().enumerate() {
            let _ = writeln!(
                html,
                "<li><a href=\"#sec{k}\">{} — {} ({})</a></li>",
                html_escape(&s.display_name(lang)),
                html_escape(&s.dir.display().to_string()),
                html_escape(&s.manifest.command)
            );
        }
        let _ = writeln!(html, "</ul></nav>");
    }

    /// The charts overlaying the runs, when there are any.
    fn overlay(&mut self, overlay: &[Chart]) {
        if overlay.is_empty() {
            return;
        }
        let h = self.lang.t("The runs compared", "実行結果の比較");
        let _ = writeln!(self.html, "<section id=\"runs-compared\">\n<h2>{h}</h2>");
        let _ = writeln!(self.md, "## {h}\n");
        self.figures(overlay);
        let _ = writeln!(self.html, "</section>");
    }

    /// Charts: embedded PNG in HTML, a link to `charts/` in Markdown.
    fn figures(&mut self, charts: &[Chart]) {
        for c in charts {
            let b64 = base64::engine::general_purpose::STANDARD.encode(&c.png);
            let _ = writeln!(
                self.html,
                "<figure id=\"chart-{}\"><img alt=\"{}\" src=\"data:image/png;base64,{b64}\"><figcaption>{}</figcaption></figure>",
                html_escape(&c.name),
                html_escape(&c.title),
                html_escape(&c.title)
            );
            let _ = writeln!(self.md, "![{}](charts/{}.png)\n", md_cell(&c.title), c.name);
        }
    }

    /// One folder's part: heading and facts, charts, other commands' reports, tables,
    /// assumptions, manifest.
    fn section(&mut self, k: usize, s: &Section) {
        self.section_head(k, s);
        if !s.charts.is_empty() {
            let h = self.lang.t("Charts", "図");
            let _ = writeln!(self.html, "<h3>{h}</h3>");
            let _ = writeln!(self.md, "### {h}\n");
        }
        self.figures(&s.charts);
        // Reports of other commands, as written.
        for (file, text) in &s.markdown {
            let _ = writeln!(
                self.html,
                "<h3><code>{file}</code></h3>\n<div class=\"md\">{}</div>",
                markdown_to_html(text)
            );
            let _ = writeln!(self.md, "### `{file}`\n\n{}\n", demote(text));
        }
        if !s.tables.is_empty() {
            let h = self.lang.t("Tables", "表");
            let _ = writeln!(self.html, "<h3>{h}</h3>");
            let _ = writeln!(self.md, "### {h}\n");
        }
        for t in &s.tables {
            self.table(t);
        }
        if let Some(a) = &s.assumptions {
            self.assumptions(a);
        }
        let h = self.lang.t("Manifest", "実行記録");
        let _ = writeln!(
            self.html,
            "<h3>{h} <code>manifest.json</code></h3>\n<pre>{}</pre>\n</section>",
            html_escape(&s.manifest_text)
        );
        let _ = writeln!(
            self.md,
            "### {h} `manifest.json`\n\n```json\n{}```\n",
            s.manifest_text
        );
    }

    /// The folder's heading, the run's facts and the note on the scenario.
    fn section_head(&mut self, k: usize, s: &Section) {
        let (html, md, lang) = (&mut self.html, &mut self.md, self.lang);
        let _ = writeln!(
            html,
            "<section id=\"sec{k}\">\n<h2>{} — {} <code>{}</code> ({})</h2>",
            html_escape(&s.display_name(lang)),
            lang.t("results folder", "結果フォルダ"),
            html_escape(&s.dir.display().to_string()),
            html_escape(&s.manifest.command)
        );
        let _ = writeln!(
            md,
            "## {} — {} `{}` ({})\n",
            s.display_name(lang),
            lang.t("results folder", "結果フォルダ"),
            s.dir.display(),
            s.manifest.command
        );
        let facts = format!(
            "{}: {} — {}: {} — {}: {}{}",
            lang.t("scenario", "シナリオ"),
            s.manifest.scenario,
            lang.t("trials", "試行回数"),
            s.manifest.trials,
            lang.t("seed", "乱数シード"),
            s.manifest.seed,
            if s.manifest.options.is_empty() {
                String::new()
            } else {
                format!(
                    " — {}: {}",
                    lang.t("options", "対策"),
                    s.manifest.options.join(", ")
                )
            }
        );
        let _ = writeln!(html, "<p class=\"facts\">{}</p>", html_escape(&facts));
        let _ = writeln!(md, "{facts}\n");
        if let Some(note) = &s.scenario_note {
            let _ = writeln!(html, "<p class=\"note\">{}</p>", html_escape(note));
            let _ = writeln!(md, "> {note}\n");
        }
    }

    /// One table of the folder: in full, folded when long, or only named when very long.
    fn table(&mut self, (file, title, header, rows): &Table) {
        let (html, md, lang) = (&mut self.html, &mut self.md, self.lang);
        if rows.len() > MAX_ROWS {
            let note = format!(
                "{} {} ({})",
                rows.len(),
                lang.t("rows: see the file", "行：ファイルを参照"),
                header.join(", ")
            );
            let _ = writeln!(
                html,
                "<h4 id=\"table-{}\">{} <code>{file}</code></h4>\n<p>{}</p>",
                html_escape(file),
                html_escape(title),
                html_escape(&note)
            );
            let _ = writeln!(md, "#### {title} (`{file}`)\n\n{note}\n");
            return;
        }
        let fold = rows.len() > FOLD_ROWS;
        let _ = writeln!(
            html,
            "<h4 id=\"table-{}\">{} <code>{file}</code></h4>",
            html_escape(file),
            html_escape(title)
        );
        if fold {
            let _ = writeln!(
                html,
                "<details><summary>{} {}</summary>",
                rows.len(),
                lang.t("rows (click to show)", "行（クリックで表示）")
            );
        }
        let _ = write!(html, "<table>\n<tr>");
        html_table_rows(html, header, rows);
        if fold {
            let _ = writeln!(html, "</details>");
        }
        let _ = writeln!(md, "#### {title} (`{file}`)\n");
        let _ = writeln!(
            md,
            "| {} |",
            header
                .iter()
                .map(|h| md_cell(h))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let _ = writeln!(md, "|{}", "---|".repeat(header.len()));
        md_table_rows(md, rows);
    }

    /// What the scenario declares: the factors sensitivity swings, the sites, the options.
    fn assumptions(&mut self, a: &Assumptions) {
        let (html, md, lang) = (&mut self.html, &mut self.md, self.lang);
        let h = lang.t(
            "Assumptions the scenario declares",
            "シナリオが宣言する前提条件",
        );
        let _ = writeln!(html, "<h3>{h}</h3>");
        let _ = writeln!(md, "### {h}\n");
        let sub = lang.t(
            "Unknown facts, existence probabilities and uncertain parameters (what `bcpsim sensitivity` swings)",
            "不明な事実・存在確率・不確かなパラメータ（`bcpsim sensitivity` が振る要因）",
        );
        let header = [
            lang.t("factor", "要因"),
            lang.t("what", "内容"),
            lang.t("as declared", "宣言値"),
            lang.t("values swung", "振る値"),
            lang.t("source", "出典・根拠"),
        ];
        let rows: Vec<Vec<String>> = a
            .factors
            .iter()
            .map(|f| {
                vec![
                    f.id.clone(),
                    lang.t(&f.name_en, &f.name_ja).to_string(),
                    f.as_declared.clone(),
                    f.variant_labels().join(" | "),
                    f.source.clone(),
                ]
            })
            .collect();
        table_both(html, md, sub, &header, &rows);
        let sub = lang.t(
            "Sites and where their positions come from",
            "拠点とその位置の出典",
        );
        let header = [
            lang.t("site", "拠点"),
            lang.t("name", "名称"),
            lang.t("lat", "緯度"),
            lang.t("lon", "経度"),
            lang.t("source", "出典・根拠"),
        ];
        let rows: Vec<Vec<String>> = a
            .sites
            .iter()
            .map(|s| {
                vec![
                    s.0.clone(),
                    s.1.clone(),
                    s.2.to_string(),
                    s.3.to_string(),
                    s.4.clone(),
                ]
            })
            .collect();
        table_both(html, md, sub, &header, &rows);
        let sub = lang.t("Countermeasure options", "対策案");
        let header = [
            lang.t("option", "対策"),
            lang.t("name", "名称"),
            lang.t("source", "出典・根拠"),
        ];
        let rows: Vec<Vec<String>> = a
            .options
            .iter()
            .map(|o| vec![o.0.clone(), o.1.clone(), o.2.clone()])
            .collect();
        table_both(html, md, sub, &header, &rows);
    }
}

fn table_both(
    html: &mut String,
    md: &mut String,
    title: &str,
    header: &[&str],
    rows: &[Vec<String>],
) {
    let _ = writeln!(
        html,
        "<h4>{}</h4>\n<table>\n<tr>",
        html_escape(title).replace('`', "")
    );
    html_table_rows(html, header, rows);
    let _ = writeln!(
        md,
        "#### {title}\n\n| {} |\n|{}",
        header.join(" | "),
        "---|".repeat(header.len())
    );
    md_table_rows(md, rows);
}

/// Writes the header cells (after an open `<tr>`), the rows and the closing `</table>`.
fn html_table_rows<H: AsRef<str>>(html: &mut String, header: &[H], rows: &[Vec<String>]) {
    for h in header {
        let _ = write!(html, "<th>{}</th>", html_escape(h.as_ref()));
    }
    let _ = writeln!(html, "</tr>");
    for r in rows {
        let _ = write!(html, "<tr>");
        for c in r {
            let _ = write!(html, "<td>{}</td>", html_escape(c));
        }
        let _ = writeln!(html, "</tr>");
    }
    let _ = writeln!(html, "</table>");
}

/// Writes the Markdown table rows (after the header and rule) and the blank line that ends it.
fn md_table_rows(md: &mut String, rows: &[Vec<String>]) {
    for r in rows {
        let _ = writeln!(
            md,
            "| {} |",
            r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
        );
    }
    let _ = writeln!(md);
}

/// Headings of an embedded Markdown report moved three levels down.
fn demote(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with('#') {
                format!("###{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The small Markdown the other commands write (headings, pipe tables, paragraphs,
/// `<br>` inside cells) as HTML.
fn markdown_to_html(text: &str) -> String {
    let mut out = String::new();
    let mut in_table = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('|') {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            if cells
                .iter()
                .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
            {
                continue;
            }
            if !in_table {
                out += "<table>\n";
                in_table = true;
                out += "<tr>";
                for c in &cells {
                    let _ = write!(out, "<th>{}</th>", cell_html(c));
                }
                out += "</tr>\n";
                continue;
            }
            out += "<tr>";
            for c in &cells {
                let _ = write!(out, "<td>{}</td>", cell_html(c));
            }
            out += "</tr>\n";
            continue;
        }
        if in_table {
            out += "</table>\n";
            in_table = false;
        }
        if l.is_empty() {
            continue;
        }
        let level = l.chars().take_while(|&c| c == '#').count();
        if level > 0 {
            let _ = writeln!(
                out,
                "<h{n}>{}</h{n}>",
                html_escape(l[level..].trim()),
                n = (level + 3).min(6)
            );
        } else {
            let _ = writeln!(out, "<p>{}</p>", cell_html(l));
        }
    }
    if in_table {
        out += "</table>\n";
    }
    out
}

fn cell_html(c: &str) -> String {
    html_escape(c)
        .replace("&lt;br&gt;", "<br>")
        .replace('`', "")
}

const CSS: &str = "body{font-family:'IPAexGothic','Noto Sans CJK JP','Hiragino Sans','Yu Gothic',Meiryo,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
h1{font-size:1.6em;border-bottom:2px solid #1f77b4}h2{margin-top:2em;border-bottom:1px solid #ccc}
figure{margin:1.5em 0}figure img{max-width:100%;border:1px solid #ddd}figcaption{color:#555;font-size:.9em}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.85em}th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}th{background:#eef2f8}
pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:.8em}.facts{color:#444}.note{background:#fff4e0;padding:.5em}
code{background:#f3f3f3;padding:0 3px}";

/// Writes the charts (into `charts/`), `report.html` and `report.md` into `dir`. Refuses to
/// replace an existing report without `force`.
pub fn write(dir: &Path, report: &Report, force: bool) -> Result<PathBuf> {
    let target = dir.join("report.html");
    if !force && (target.exists() || dir.join("report.md").exists()) {
        return Err(Error::OutputExists(target));
    }
    let charts_dir = dir.join("charts");
    std::fs::create_dir_all(&charts_dir)
        .map_err(|e| Error::io(format!("creating {}", charts_dir.display()), e))?;
    for c in &report.charts {
        write_atomic(
            &charts_dir.join(format!("{}.svg", c.name)),
            c.svg.as_bytes(),
        )?;
        write_atomic(&charts_dir.join(format!("{}.png", c.name)), &c.png)?;
    }
    write_atomic(&dir.join("report.md"), report.markdown.as_bytes())?;
    write_atomic(&target, report.html.as_bytes())?;
    Ok(target)
}

/// Writes only the charts of `dir` into `dir/charts`, refusing to replace them without
/// `force`.
pub fn write_charts(dir: &Path, charts: &[Chart], force: bool) -> Result<PathBuf> {
    let charts_dir = dir.join("charts");
    if !force && charts_dir.exists() {
        return Err(Error::OutputExists(charts_dir));
    }
    std::fs::create_dir_all(&charts_dir)
        .map_err(|e| Error::io(format!("creating {}", charts_dir.display()), e))?;
    for c in charts {
        write_atomic(
            &charts_dir.join(format!("{}.svg", c.name)),
            c.svg.as_bytes(),
        )?;
        write_atomic(&charts_dir.join(format!("{}.png", c.name)), &c.png)?;
    }
    Ok(charts_dir)
}
