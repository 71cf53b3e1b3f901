//! eduplan-report: documents a bureau hands on — the supervision self-assessment report (自评报告)
//! and the annual plan-monitoring report (年度规划实施监测报告), each as Word or PDF.
//!
//! A report is first a [`Document`] (blocks: title, headings, paragraphs, tables), then rendered:
//! [`Document::to_docx`] (docx-rs) or [`Document::to_pdf`] (typst). Reports read the JSON the
//! engines already produce (the same the API serves), so a report never computes a figure of its
//! own: what the document says is what the screen shows.
//! Invariant: no I/O but reading font files when asked ([`Fonts::search`]); a report is bytes.
#![deny(missing_docs)]

mod document;
mod pdf;
mod word;

pub use document::{Block, Document};
pub use pdf::{forget_typesetting_cache, Fonts, PdfError};

use std::collections::BTreeMap;

use serde_json::Value as J;

/// What a self-assessment report needs besides the assessment itself.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The county's name (e.g. 青山县).
    pub region_name: String,
    /// Date written on the report (YYYY-MM-DD).
    pub date: String,
    /// Indicator code → 中文名 (Q1–Q7, or the catalogue codes of 基本均衡).
    pub names: BTreeMap<String, String>,
    /// Q code → unit of what is missing (名教师, m², …).
    pub units: BTreeMap<String, String>,
    /// This year's problems: (problem, what it takes).
    pub problems: Vec<(String, String)>,
}

/// The report's title for an assessment method.
pub fn title(method: &str) -> &'static str {
    match method {
        "balance-quality" => "县域义务教育优质均衡发展督导评估自评报告",
        "balance-basic" => "县域义务教育基本均衡发展督导评估自评报告",
        "preschool" => "县域学前教育普及普惠督导评估自评报告",
        "class-size" => "大班额专项督导自查报告",
        "funds" => "项目资金执行进度督导报告",
        _ => "督导评估自评报告",
    }
}

fn num(v: &J) -> String {
    match v.as_f64() {
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        Some(x) => format!("{x}"),
        None => "—".into(),
    }
}

fn verdict(v: &J) -> &'static str {
    match v.as_bool() {
        Some(true) => "达标",
        Some(false) => "未达标",
        None => "待核查",
    }
}

/// The self-assessment report (自评报告) of an assessment: conclusion, the
/// coefficients of variation, every school's values and what it lacks, the items, this year's
/// problems and the rectification of earlier findings.
pub fn self_assessment(a: &J, ctx: &Context) -> Document {
    let method = a["method"].as_str().unwrap_or_default();
    let year = a["year"].as_i64().unwrap_or_default();
    let mut w = Document::new();
    w.title(&format!("{}{}", ctx.region_name, title(method)));
    w.centered(&format!("{year} 学年 · 评估范围 {} · 标准 {}", a["scope"].as_str().unwrap_or_default(), a["standards"].as_str().unwrap_or("national")));

    w.heading("一、总体结论");
    let passed = a["passed"].as_bool() == Some(true);
    w.para(&if passed {
        format!("经对照标准逐项自评，{}{year} 学年各项可量化指标均达到标准要求。需现场核查的项目另附佐证材料。", ctx.region_name)
    } else {
        format!("经对照标准逐项自评，{}{year} 学年尚未达到标准要求，未达标情况如下：", ctx.region_name)
    });
    for line in a["failing"].as_array().into_iter().flatten() {
        w.bullet(line.as_str().unwrap_or_default());
    }

    let mut section = 2;
    let cn = ["", "一", "二", "三", "四", "五", "六", "七", "八"];
    if let Some(levels) = a["levels"].as_object().filter(|l| !l.is_empty() && method != "class-size") {
        w.heading(&format!("{}、资源配置与校际差异", cn[section]));
        section += 1;
        for (level, l) in levels {
            w.subheading(&format!("{level}（差异系数标准 ≤ {}）", num(&l["cv_threshold"])));
            let mut rows = Vec::new();
            for (code, cv) in l["cv"].as_object().into_iter().flatten() {
                rows.push(vec![code.clone(), ctx.names.get(code).cloned().unwrap_or_default(), num(cv), verdict(&l["cv_passed"][code]).to_string()]);
            }
            w.table(&["指标", "名称", "差异系数", "结论"], &rows);
            for (code, ex) in l["cv_explain"].as_object().into_iter().flatten() {
                let tops: Vec<String> = ex["top"].as_array().into_iter().flatten().map(|t| format!("{}（{}）", t["name"].as_str().unwrap_or_default(), num(&t["value"]))).collect();
                w.para(&format!("{code} 差异系数偏高，主要来自 {}；这些学校达到全县均值后，差异系数可降至 {:.4}。", tops.join("、"), ex["cv_if_fixed"].as_f64().unwrap_or(0.0)));
            }
            let codes: Vec<String> = l["cv"].as_object().into_iter().flatten().map(|(c, _)| c.clone()).collect();
            let mut head: Vec<&str> = vec!["学校", "在校生"];
            head.extend(codes.iter().map(|c| c.as_str()));
            let per_school_pass = method == "balance-quality";
            if per_school_pass {
                head.push("结论");
            }
            let rows: Vec<Vec<String>> = l["schools"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| {
                    let mut r = vec![s["name"].as_str().unwrap_or_default().to_string(), num(&s["students"])];
                    r.extend(codes.iter().map(|c| num(&s["values"][c])));
                    if per_school_pass {
                        r.push(verdict(&s["passed"]).to_string());
                    }
                    r
                })
                .collect();
            w.table(&head, &rows);
            let short: Vec<Vec<String>> = l["schools"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|s| s["shortfalls"].as_object().is_some_and(|m| !m.is_empty()))
                .map(|s| {
                    let need: Vec<String> = s["shortfalls"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(c, v)| format!("{c} +{} {}", num(v), ctx.units.get(c).map(String::as_str).unwrap_or("")))
                        .collect();
                    vec![s["name"].as_str().unwrap_or_default().to_string(), need.join("；")]
                })
                .collect();
            if !short.is_empty() {
                w.para("达标尚需补齐：");
                w.table(&["学校", "差距（需增加）"], &short);
            }
        }
    }
    if method == "class-size" {
        w.heading(&format!("{}、大班额情况", cn[section]));
        section += 1;
        let rows: Vec<Vec<String>> = a["levels"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, l)| vec![k.clone(), num(&l["classes"]), num(&l["big"]), num(&l["big_share"]), num(&l["huge_share"]), num(&l["over_standard"])])
            .collect();
        w.table(&["学段", "班级数", "大班额", "大班额占比 %", "超大班额占比 %", "超标准班额"], &rows);
        let rows: Vec<Vec<String>> = a["schools"].as_array().into_iter().flatten().map(|s| vec![s["name"].as_str().unwrap_or_default().to_string(), num(&s["big"])]).collect();
        if !rows.is_empty() {
            w.table(&["学校", "大班额班级数"], &rows);
        }
    }
    if a["items"].as_array().is_some_and(|i| !i.is_empty()) {
        w.heading(&format!("{}、评估项目", cn[section]));
        section += 1;
        let rows: Vec<Vec<String>> = a["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| vec![i["code"].as_str().unwrap_or_default().into(), i["name"].as_str().unwrap_or_default().into(), verdict(&i["passed"]).into(), num(&i["value"]), num(&i["threshold"]), i["detail"].as_str().unwrap_or_default().into()])
            .collect();
        w.table(&["代码", "项目", "结论", "数值", "标准", "说明"], &rows);
    }
    w.heading(&format!("{}、存在问题与整改措施", cn[section]));
    section += 1;
    if ctx.problems.is_empty() {
        w.para("本年度评估未发现可量化的问题。");
    } else {
        let rows: Vec<Vec<String>> = ctx.problems.iter().enumerate().map(|(i, (p, r))| vec![(i + 1).to_string(), p.clone(), r.clone()]).collect();
        w.table(&["序号", "问题", "整改要求"], &rows);
    }
    let earlier = a["findings"].as_array().cloned().unwrap_or_default();
    if !earlier.is_empty() {
        w.heading(&format!("{}、往年问题整改情况", cn[section]));
        let rows: Vec<Vec<String>> = earlier
            .iter()
            .map(|f| {
                let now = match f["gone"].as_bool() {
                    Some(true) => "问题已消除，申请复查销号",
                    Some(false) => "问题仍存在",
                    None => "本年度未评估",
                };
                vec![f["year"].to_string(), f["problem"].as_str().unwrap_or_default().into(), f["state_zh"].as_str().unwrap_or_default().into(), f["deadline"].as_str().unwrap_or_default().into(), now.into()]
            })
            .collect();
        w.table(&["年度", "问题", "整改状态", "整改期限", "本年度数据"], &rows);
    }
    w.right(&format!("{}人民政府教育督导室", ctx.region_name));
    w.right(&ctx.date);
    w
}

/// The annual plan-monitoring report (年度规划实施监测报告) of one or more plans' tracking (the
/// JSON of `plan status`): the counts by status, every target with baseline, target, actual,
/// expected and status, and the targets behind or at risk named first.
pub fn monitoring_report(region_name: &str, year: i32, plans: &[J], date: &str) -> Document {
    let mut w = Document::new();
    w.title(&format!("{region_name}{year}年度规划实施监测报告"));
    w.centered(&format!("{} 个规划 · 监测年度 {year}", plans.len()));
    let cn = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    for (i, p) in plans.iter().enumerate() {
        w.heading(&format!("{}、{}", cn[i.min(9)], p["name"].as_str().unwrap_or_default()));
        let c = &p["counts"];
        let n = |k: &str| c[k].as_u64().unwrap_or(0);
        w.para(&format!(
            "共监测目标 {} 项：已达成 {} 项，按进度 {} 项，滞后 {} 项，预警 {} 项，无数据 {} 项。",
            p["targets"].as_array().map(|t| t.len()).unwrap_or(0),
            n("met"),
            n("on_track"),
            n("behind"),
            n("at_risk"),
            n("no_data")
        ));
        let late: Vec<&J> = p["targets"].as_array().into_iter().flatten().filter(|t| matches!(t["status_en"].as_str(), Some("behind" | "at_risk"))).collect();
        for t in &late {
            w.bullet(&format!("{}（{}）：实际 {}，按进度应为 {}，目标 {} {}{}（{} 年）", t["metric"].as_str().unwrap_or_default(), t["status"].as_str().unwrap_or_default(), num(&t["actual"]), num(&t["expected"]), t["cmp"].as_str().unwrap_or_default(), num(&t["target_value"]), t["unit"].as_str().unwrap_or_default(), t["target_year"]));
        }
        let rows: Vec<Vec<String>> = p["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                let base = t["baseline"].as_object().map(|b| format!("{}（{}）", num(&b["value"]), b["year"])).unwrap_or_else(|| "—".into());
                vec![
                    t["metric"].as_str().unwrap_or_default().into(),
                    base,
                    format!("{}{} {}（{}）", t["cmp"].as_str().unwrap_or_default(), num(&t["target_value"]), t["unit"].as_str().unwrap_or_default(), t["target_year"]),
                    num(&t["actual"]),
                    num(&t["expected"]),
                    t["status"].as_str().unwrap_or_default().into(),
                    t["kind"].as_str().unwrap_or_default().into(),
                ]
            })
            .collect();
        w.table(&["指标", "基期", "目标", "实际", "按进度应达", "状态", "属性"], &rows);
    }
    w.right(&format!("{region_name}教育局"));
    w.right(date);
    w
}
