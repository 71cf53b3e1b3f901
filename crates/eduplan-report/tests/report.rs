//! The self-assessment report says what the assessment says: verdict, every school, shortfalls
//! with their units, items, problems, and earlier findings.

use std::io::Read;

mod common;

use eduplan_report::{self_assessment, Context};
use serde_json::json;

fn text(bytes: &[u8]) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name("word/document.xml").unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_report_carries_the_assessment() {
    let (a, ctx) = common::assessment();
    let t = text(&self_assessment(&a, &ctx).to_docx());
    for want in [
        "青山县县域义务教育优质均衡发展督导评估自评报告",
        "尚未达到标准要求",
        "东风小学",
        "红旗小学",
        "Q7 +12 间网络多媒体教室",
        "0.4123",
        "教师交流轮岗比例",
        "往年问题整改情况",
        "问题已消除，申请复查销号",
        "2025-03-01",
    ] {
        assert!(t.contains(want), "the report lacks {want}");
    }
}

#[test]
fn a_passing_class_size_report_has_its_own_title_and_no_school_tables() {
    let a = json!({"method": "class-size", "year": 2024, "scope": "360721", "passed": true, "failing": [],
        "levels": {"全部": {"classes": 120, "big": 0, "big_share": 0.0, "huge_share": 0.0, "over_standard": 3}}, "schools": []});
    let t = text(&self_assessment(&a, &Context { region_name: "青山县".into(), ..Default::default() }).to_docx());
    assert!(t.contains("大班额专项督导自查报告"));
    assert!(t.contains("各项可量化指标均达到标准要求"));
    assert!(t.contains("本年度评估未发现可量化的问题"));
    assert!(!t.contains("资源配置与校际差异"));
}

#[test]
fn the_monitoring_report_names_late_targets_first() {
    let p = json!({"name": "十四五规划", "counts": {"met": 1, "at_risk": 1},
        "targets": [
            {"metric": "学前三年毛入园率", "baseline": {"year": 2020, "value": 88}, "cmp": "≥", "target_value": 93, "unit": "%", "target_year": 2025, "actual": 93.5, "expected": 92, "status": "已达成", "status_en": "met", "kind": "约束性"},
            {"metric": "大班额比例", "baseline": null, "cmp": "≤", "target_value": 0, "unit": "%", "target_year": 2025, "actual": 4.2, "expected": 0, "status": "预警", "status_en": "at_risk", "kind": "约束性"}]});
    let t = text(&eduplan_report::monitoring_report("青山县", 2024, &[p], "2025-03-01").to_docx());
    for want in ["青山县2024年度规划实施监测报告", "已达成 1 项", "预警 1 项", "大班额比例（预警）：实际 4.2", "学前三年毛入园率", "88（2020）"] {
        assert!(t.contains(want), "the report lacks {want}");
    }
}
