//! Points the user gives the school-network planner (布局规划): candidate sites for new schools
//! (候选校址) and villages or communities where children live (村庄/社区生源点). Kept per county;
//! the planner reads them instead of (or besides) its generated grid.

use serde_json::{json, Value};

/// What a user point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PointKind {
    /// A site where a new school could be built (候选校址).
    Site,
    /// A village or community whose children need places (村庄/社区).
    Village,
}

impl PointKind {
    /// `site` or `village`, as stored.
    pub fn code(self) -> &'static str {
        match self {
            PointKind::Site => "site",
            PointKind::Village => "village",
        }
    }
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            PointKind::Site => "候选校址",
            PointKind::Village => "村庄/社区",
        }
    }
    /// From the stored code or the Chinese / English names users type.
    pub fn parse(s: &str) -> Option<PointKind> {
        match s.trim() {
            "site" | "candidate" | "候选校址" | "校址" | "新建校址" => Some(PointKind::Site),
            "village" | "community" | "村庄" | "社区" | "村" | "村庄/社区" | "生源点" => Some(PointKind::Village),
            _ => None,
        }
    }
}

/// A user point of a county.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutPoint {
    /// The county (区划代码) it belongs to.
    pub county: String,
    /// Site or village.
    pub kind: PointKind,
    /// Identifier, unique per county and kind (编号).
    pub id: String,
    /// 名称.
    pub name: String,
    /// 经度 (degrees).
    pub lon: f64,
    /// 纬度 (degrees).
    pub lat: f64,
    /// Site: the stage it is meant for (学前、小学、初中、高中); `None` = any.
    pub stage: Option<String>,
    /// Site: 学位 of the school it could hold; `None` = the planning standard's new school.
    pub capacity: Option<f64>,
    /// Site: construction cost (万元); `None` = places × the scenario's cost per place.
    pub cost: Option<f64>,
    /// Village: its people or children (常住人口 or 儿童数); the township's projected children are
    /// shared among its villages in proportion to it.
    pub weight: Option<f64>,
    /// 备注.
    pub note: String,
}

/// Stages a site may name.
pub const STAGES: [&str; 4] = ["学前", "小学", "初中", "高中"];

impl LayoutPoint {
    /// Problems with the point: (field, Chinese, English). Empty when it can be saved.
    pub fn problems(&self) -> Vec<(&'static str, String, String)> {
        let mut out = Vec::new();
        if self.id.trim().is_empty() || self.id.chars().count() > 40 {
            out.push(("编号", "编号应为 1–40 个字符".into(), "the id must have 1–40 characters".into()));
        }
        if self.name.trim().is_empty() {
            out.push(("名称", "名称不能为空".into(), "the name must not be empty".into()));
        }
        if !(self.lon.is_finite() && (-180.0..=180.0).contains(&self.lon)) {
            out.push(("经度", format!("经度 {} 应在 −180 到 180 之间", self.lon), format!("longitude {} must be between −180 and 180", self.lon)));
        }
        if !(self.lat.is_finite() && (-90.0..=90.0).contains(&self.lat)) {
            out.push(("纬度", format!("纬度 {} 应在 −90 到 90 之间", self.lat), format!("latitude {} must be between −90 and 90", self.lat)));
        }
        if let Some(s) = &self.stage {
            if !STAGES.contains(&s.as_str()) {
                out.push(("学段", format!("学段 {s} 应为 学前、小学、初中 或 高中"), format!("stage {s} must be 学前, 小学, 初中 or 高中")));
            }
        }
        for (field, v) in [("学位", self.capacity), ("造价(万元)", self.cost), ("人口", self.weight)] {
            if v.is_some_and(|x| !(x.is_finite() && x >= 0.0)) {
                out.push((field, format!("{field} 应为不小于 0 的数"), format!("{field} must be a number ≥ 0")));
            }
        }
        if self.kind == PointKind::Site && self.capacity == Some(0.0) {
            out.push(("学位", "候选校址的学位应大于 0".into(), "a candidate site needs more than 0 places".into()));
        }
        out
    }

    /// As JSON (the API's and the audit log's form).
    pub fn to_json(&self) -> Value {
        json!({"county": self.county, "kind": self.kind.code(), "id": self.id, "name": self.name, "lon": self.lon, "lat": self.lat,
            "stage": self.stage, "capacity": self.capacity, "cost": self.cost, "weight": self.weight, "note": self.note})
    }

    /// From the API's JSON; `Err` names the field (Chinese / English).
    pub fn from_json(v: &Value) -> Result<LayoutPoint, String> {
        let text = |k: &str| v.get(k).and_then(|x| match x {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let num = |k: &str, zh: &str| -> Result<Option<f64>, String> {
            match v.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => Ok(n.as_f64()),
                Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
                Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| format!("{zh}「{s}」应为数字 / {k} must be a number")),
                Some(_) => Err(format!("{zh}应为数字 / {k} must be a number")),
            }
        };
        let kind = text("kind").ok_or("缺少类型 kind（site 或 village）/ kind (site or village) is missing")?;
        let kind = PointKind::parse(&kind).ok_or_else(|| format!("类型「{kind}」应为 site 或 village / kind {kind} must be site or village"))?;
        let p = LayoutPoint {
            county: text("county").unwrap_or_default(),
            kind,
            id: text("id").unwrap_or_default(),
            name: text("name").unwrap_or_default(),
            lon: num("lon", "经度")?.ok_or("缺少经度 lon / lon is missing")?,
            lat: num("lat", "纬度")?.ok_or("缺少纬度 lat / lat is missing")?,
            stage: text("stage").filter(|s| !s.is_empty()),
            capacity: num("capacity", "学位")?,
            cost: num("cost", "造价")?,
            weight: num("weight", "人口")?,
            note: text("note").unwrap_or_default(),
        };
        if let Some((_, zh, en)) = p.problems().into_iter().next() {
            return Err(format!("{zh} / {en}"));
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_round_trips_and_bad_fields_are_named() {
        let p = LayoutPoint { county: "360721".into(), kind: PointKind::Site, id: "S1".into(), name: "城东地块".into(), lon: 115.1, lat: 25.2, stage: Some("小学".into()), capacity: Some(1080.0), cost: None, weight: None, note: String::new() };
        assert!(p.problems().is_empty());
        assert_eq!(LayoutPoint::from_json(&p.to_json()).unwrap(), p);
        let bad = LayoutPoint { lon: 200.0, stage: Some("大学".into()), ..p.clone() };
        let fields: Vec<&str> = bad.problems().iter().map(|x| x.0).collect();
        assert_eq!(fields, vec!["经度", "学段"]);
        let err = LayoutPoint::from_json(&json!({"kind": "village", "id": "V1", "name": "上村", "lon": "abc", "lat": 25})).unwrap_err();
        assert!(err.contains("经度") && err.contains("lon"), "{err}");
        assert_eq!(PointKind::parse("社区"), Some(PointKind::Village));
    }
}
