//! Items the data cannot decide (G9–G13, E3, E4, S1, P6, P7: teacher pay, 就近入学, 社会认可度 …)
//! are judged on site (现场核查). A recorded result replaces the item's "待核查", and a failing one
//! fails the assessment like any computed item.

use serde_json::{json, Value as J};

/// An on-site result of one item.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// Record id (for its evidence file).
    pub id: i64,
    /// Item code.
    pub code: String,
    /// Meets the standard.
    pub passed: bool,
    /// What was found.
    pub note: String,
    /// Evidence file name (empty: none).
    pub file: String,
    /// Who recorded it.
    pub by: String,
    /// When.
    pub at: String,
}

/// Applies on-site results to an assessment's JSON: only to items whose `passed` is null (a
/// computed item is the data's to decide); a failing result fails the assessment and adds its
/// line to `failing`.
pub fn apply_evidence(a: &mut J, checked: &[Checked]) {
    let mut failing = Vec::new();
    for item in a["items"].as_array_mut().into_iter().flatten() {
        if !item["passed"].is_null() {
            continue;
        }
        let Some(c) = checked.iter().find(|c| item["code"] == c.code.as_str()) else { continue };
        item["passed"] = json!(c.passed);
        let file = if c.file.is_empty() { String::new() } else { format!("；佐证：{}", c.file) };
        item["detail"] = json!(format!("现场核查{}：{}{file}（{} {}）", if c.passed { "达标" } else { "未达标" }, c.note, c.by, c.at.get(..10).unwrap_or(&c.at)));
        item["evidence"] = json!({"id": c.id, "file": c.file, "by": c.by, "at": c.at, "note": c.note});
        if !c.passed {
            failing.push(format!("{} {}：{}", item["code"].as_str().unwrap_or_default(), item["name"].as_str().unwrap_or_default(), item["detail"].as_str().unwrap_or_default()));
        }
    }
    if !failing.is_empty() {
        a["passed"] = json!(false);
        if let Some(f) = a["failing"].as_array_mut() {
            f.extend(failing.into_iter().map(J::String));
        } else {
            a["failing"] = json!(failing);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(code: &str, passed: bool) -> Checked {
        Checked { id: 7, code: code.into(), passed, note: "抽查 3 校".into(), file: "核查表.pdf".into(), by: "dudao".into(), at: "2025-05-01T08:00:00Z".into() }
    }

    #[test]
    fn evidence_decides_only_undecided_items_and_a_failure_fails_the_whole() {
        let mut a = json!({"passed": true, "failing": [], "items": [
            {"code": "G4", "name": "培训", "passed": true, "detail": "100 %"},
            {"code": "G9", "name": "公用经费", "passed": null, "detail": "需现场核查"},
            {"code": "S1", "name": "社会认可度", "passed": null, "detail": "需现场核查"}]});
        apply_evidence(&mut a, &[checked("G4", false), checked("G9", true)]);
        assert_eq!(a["items"][0]["passed"], true, "a computed item stays the data's");
        assert_eq!(a["items"][1]["passed"], true);
        assert!(a["items"][1]["detail"].as_str().unwrap().contains("核查表.pdf"));
        assert!(a["items"][2]["passed"].is_null(), "not yet checked");
        assert_eq!(a["passed"], true);
        apply_evidence(&mut a, &[checked("S1", false)]);
        assert_eq!(a["passed"], false);
        assert_eq!(a["failing"].as_array().unwrap().len(), 1);
        assert!(a["failing"][0].as_str().unwrap().starts_with("S1 社会认可度：现场核查未达标"));
    }
}
