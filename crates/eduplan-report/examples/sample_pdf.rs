//! Writes a sample self-assessment report as PDF and Word, to look at the layout:
//! `cargo run -p eduplan-report --example sample_pdf -- OUT_DIR`.

use eduplan_report::{self_assessment, Context, Fonts};
use serde_json::json;

fn main() {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let a = json!({
        "method": "balance-quality", "year": 2024, "scope": "360721", "standards": "national-2017", "passed": false,
        "failing": ["小学 东风小学（3607210001）资源配置未达标：5 项达标"],
        "levels": {"小学": {"cv": {"Q1": 0.31, "Q7": 0.52}, "cv_threshold": 0.5, "cv_passed": {"Q1": true, "Q7": false},
            "cv_explain": {"Q7": {"mean": 2.5, "top": [{"name": "东风小学", "value": 0.8}], "cv_if_fixed": 0.4123}},
            "schools": [{"name": "东风小学", "students": 820, "values": {"Q1": 4.5, "Q7": 0.8}, "passed": false, "shortfalls": {"Q7": 12}},
                        {"name": "红旗小学", "students": 640, "values": {"Q1": 5.1, "Q7": 2.6}, "passed": true, "shortfalls": {}}]}},
        "items": [{"code": "G5", "name": "教师交流轮岗比例", "passed": false, "value": 6.5, "threshold": 10, "detail": "6.5 %，标准 ≥ 10 %"}],
        "findings": [{"year": 2023, "problem": "红旗小学 有 2 个大班额", "state_zh": "整改中", "deadline": "2024-06-30", "gone": true}]
    });
    let ctx = Context { region_name: "青山县".into(), date: "2025-03-01".into(), ..Default::default() };
    let doc = self_assessment(&a, &ctx);
    let t = std::time::Instant::now();
    let fonts = Fonts::search(&[]);
    println!("fonts: {:?} ({:.2} s)", fonts.families(), t.elapsed().as_secs_f64());
    let t = std::time::Instant::now();
    let pdf = doc.to_pdf(&fonts).unwrap_or_else(|e| panic!("{e}"));
    println!("pdf: {} bytes ({:.2} s)", pdf.len(), t.elapsed().as_secs_f64());
    std::fs::write(out.join("sample.pdf"), pdf).unwrap();
    std::fs::write(out.join("sample.docx"), doc.to_docx()).unwrap();
}
