//! The Markdown report of a sensitivity analysis.

use super::types::Sensitivity;
use crate::base::lang::Lang;

impl Sensitivity {
    /// A report: for each headline metric, the factors ranked by swing.
    pub fn markdown(&self, lang: Lang, scenario_name: &str) -> String {
        let ja = lang.is_ja();
        let mut s = String::new();
        s += if ja {
            "# 感度分析（不明な事実と不確かなパラメータ、共通乱数による対応のある差）\n\n"
        } else {
            "# Sensitivity (unknown facts and uncertain parameters, paired differences on common random numbers)\n\n"
        };
        s += &format!(
            "{scenario_name} — {} {} / seed {}\n\n",
            if ja { "試行回数" } else { "trials:" },
            self.trials,
            self.seed
        );
        s += if ja {
            "各要因を両端（選択肢は各選択肢を確率1、存在確率は0と1、パラメータは下限と上限）に振り、他の乱数は同じ試行で比較した。振れ幅 = 上端 − 下端。\n\n"
        } else {
            "Each factor is set to its extremes (each alternative at probability 1, an existence probability at 0 and 1, a parameter at its low and high bounds), every other draw the same trial by trial. Swing = high end − low end.\n\n"
        };
        for m in &self.metrics {
            s += &format!("## {}\n\n", if ja { &m.name_ja } else { &m.name_en });
            s += if ja {
                "| 順位 | 要因 | 下端 | 上端 | 下端での値 | 上端での値 | 振れ幅 | 95%区間 |\n|---|---|---|---|---|---|---|---|\n"
            } else {
                "| Rank | Factor | Low end | High end | At low | At high | Swing | 95% interval |\n|---|---|---|---|---|---|---|---|\n"
            };
            let baseline = self
                .rows
                .iter()
                .find(|r| r.metric == m.id)
                .map(|r| r.baseline);
            for r in self.rows.iter().filter(|r| r.metric == m.id) {
                let f = self.factors.iter().find(|f| f.id == r.factor);
                let name = f
                    .map(|f| if ja { &f.name_ja } else { &f.name_en })
                    .unwrap_or(&r.factor);
                s += &format!(
                    "| {} | {name} (`{}`) | {} | {} | {:.3} | {:.3} | {:+.3} | [{:+.3}, {:+.3}] |\n",
                    r.rank,
                    r.factor,
                    r.low_value,
                    r.high_value,
                    r.at_low,
                    r.at_high,
                    r.swing,
                    r.swing_ci_low,
                    r.swing_ci_high
                );
            }
            if let Some(b) = baseline {
                s += &format!(
                    "\n{} {b:.3}\n\n",
                    if ja {
                        "宣言どおりの値での平均:"
                    } else {
                        "Mean as declared:"
                    }
                );
            }
        }
        s
    }
}
