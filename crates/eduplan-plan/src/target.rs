//! A plan target (规划目标) and its JSON-lines form (shared/spec/plan-targets.md).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Comparator (比较关系) of a target: 以上/不低于 (`>=`), 以下/不超过 (`<=`), 达到/保持在 (`=`),
/// 左右/约/余 (`~`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Cmp {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "~")]
    About,
}

impl Cmp {
    pub fn as_str(self) -> &'static str {
        match self {
            Cmp::Ge => ">=",
            Cmp::Le => "<=",
            Cmp::Eq => "=",
            Cmp::About => "~",
        }
    }
}

/// Baseline (基期值) a table or sentence gives for the target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub year: Option<i32>,
    #[serde(serialize_with = "ser_num")]
    pub value: f64,
}

/// One quantitative commitment of a plan. Field names and meaning follow plan-targets.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// File name of the document.
    pub doc: String,
    /// The sentence (句) stating the target, verbatim.
    pub sentence: String,
    /// The metric (指标名) as written.
    pub metric: String,
    /// Catalogue indicator code when the metric is one (毛入园率 → pre_ger), else null.
    #[serde(default)]
    pub indicator: Option<String>,
    #[serde(serialize_with = "ser_num", deserialize_with = "de_num")]
    pub value: f64,
    pub unit: String,
    pub cmp: Cmp,
    /// Year by which it holds (到2025年, 2024年底); a yearly work plan's own year.
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(default)]
    pub baseline: Option<Baseline>,
    /// 预期性 or 约束性 when the document says so.
    #[serde(default)]
    pub kind: Option<String>,
    /// Who it applies to when narrower than the whole area (城区, 4-9年级).
    #[serde(default)]
    pub scope: Option<String>,
}

/// Whole numbers print without a fraction ("99", not "99.0"), as in the spec's examples.
fn ser_num<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

fn de_num<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    f64::deserialize(d)
}

/// One JSON object per line, each line ending in `\n`.
pub fn to_jsonl(targets: &[Target]) -> String {
    let mut out = String::new();
    for t in targets {
        out.push_str(&serde_json::to_string(t).expect("a target always serialises"));
        out.push('\n');
    }
    out
}

/// Reads JSON lines (blank lines ignored); the error names the 1-based line.
pub fn from_jsonl(text: &str) -> Result<Vec<Target>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_matches_the_spec() {
        let t = Target {
            doc: "a.txt".into(),
            sentence: "到2025年,学前三年毛入园率达到90%以上".into(),
            metric: "学前三年毛入园率".into(),
            indicator: Some("pre_ger".into()),
            value: 90.0,
            unit: "%".into(),
            cmp: Cmp::Ge,
            year: Some(2025),
            baseline: Some(Baseline {
                year: Some(2020),
                value: 89.2,
            }),
            kind: None,
            scope: None,
        };
        let line = to_jsonl(std::slice::from_ref(&t));
        assert!(line.contains("\"value\":90,"), "{line}");
        assert!(line.contains("\"cmp\":\">=\""), "{line}");
        assert!(
            line.contains("\"baseline\":{\"year\":2020,\"value\":89.2}"),
            "{line}"
        );
        assert_eq!(from_jsonl(&line).unwrap(), vec![t]);
    }
}
