//! The assessment both report tests print: one failing county with two schools, a CV explained,
//! an item, a problem and an earlier finding.

use eduplan_report::Context;
use serde_json::{json, Value};

/// An assessment's JSON (as the API serves it) and the report's context.
pub fn assessment() -> (Value, Context) {
    let a = json!({
        "method": "balance-quality", "year": 2024, "scope": "360721", "standards": "national-2017", "passed": false,
        "failing": ["小学 东风小学（3607210001）资源配置未达标：5 项达标"],
        "levels": {"小学": {"cv": {"Q1": 0.31, "Q7": 0.52}, "cv_threshold": 0.5, "cv_passed": {"Q1": true, "Q7": false},
            "cv_explain": {"Q7": {"mean": 2.5, "top": [{"school_id": "3607210001", "name": "东风小学", "value": 0.8, "contribution": 1.0}], "cv_if_fixed": 0.4123}},
            "schools": [{"school_id": "3607210001", "name": "东风小学", "students": 820, "values": {"Q1": 4.5, "Q7": 0.8}, "passed": false, "shortfalls": {"Q7": 12}, "reached": 5},
                        {"school_id": "3607210002", "name": "红旗小学", "students": 640, "values": {"Q1": 5.1, "Q7": 2.6}, "passed": true, "shortfalls": {}, "reached": 7}]}},
        "items": [{"code": "G5", "name": "教师交流轮岗比例", "passed": false, "value": 6.5, "threshold": 10, "detail": "6.5 %，标准 ≥ 10 %"}],
        "findings": [{"year": 2023, "problem": "红旗小学 有 2 个大班额", "state_zh": "整改中", "deadline": "2024-06-30", "gone": true}]
    });
    let ctx = Context {
        region_name: "青山县".into(),
        date: "2025-03-01".into(),
        names: [("Q7".to_string(), "每百名学生拥有网络多媒体教室数".to_string())].into(),
        units: [("Q7".to_string(), "间网络多媒体教室".to_string())].into(),
        problems: vec![("东风小学（小学）资源配置未达标".into(), "Q7 网络多媒体教室：+12 间网络多媒体教室".into())],
    };
    (a, ctx)
}
