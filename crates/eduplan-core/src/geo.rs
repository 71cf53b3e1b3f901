//! Region boundaries (区划边界): GeoJSON polygons in WGS84 longitude/latitude, as GIS tools
//! export them, checked on import so the map never receives a broken shape.

use serde_json::Value as J;

/// Checks that `text` is a GeoJSON Polygon or MultiPolygon (a bare geometry, or a Feature
/// holding one) whose rings have at least four positions inside China's bounding box.
/// The error is (Chinese, English).
pub fn check_boundary(text: &str) -> Result<(), (String, String)> {
    let bad = |zh: &str, en: &str| Err((format!("边界不是有效的 GeoJSON 多边形：{zh}"), format!("boundary is not a valid GeoJSON polygon: {en}")));
    let v: J = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return bad(&format!("JSON 格式错误（第 {} 列）", e.column()), &format!("bad JSON at column {}", e.column())),
    };
    let g = if v.get("type").and_then(J::as_str) == Some("Feature") { v.get("geometry").cloned().unwrap_or(J::Null) } else { v };
    let polygons: Vec<&J> = match (g.get("type").and_then(J::as_str), g.get("coordinates")) {
        (Some("Polygon"), Some(c)) => vec![c],
        (Some("MultiPolygon"), Some(J::Array(ps))) => ps.iter().collect(),
        _ => return bad("type 应为 Polygon 或 MultiPolygon", "type must be Polygon or MultiPolygon"),
    };
    for p in polygons {
        let Some(rings) = p.as_array().filter(|r| !r.is_empty()) else {
            return bad("缺少坐标环", "no coordinate ring");
        };
        for ring in rings {
            let Some(pts) = ring.as_array().filter(|r| r.len() >= 4) else {
                return bad("每个环至少 4 个点", "a ring needs at least 4 positions");
            };
            for pt in pts {
                let xy = pt.as_array().map(|a| (a.first().and_then(J::as_f64), a.get(1).and_then(J::as_f64)));
                match xy {
                    Some((Some(lon), Some(lat))) if (73.0..=136.0).contains(&lon) && (3.0..=54.0).contains(&lat) => {}
                    _ => return bad(&format!("坐标 {pt} 不是中国境内的经纬度"), &format!("position {pt} is not a longitude/latitude in China")),
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygons_pass_and_broken_shapes_say_why() {
        let ok = r#"{"type":"Polygon","coordinates":[[[114.1,25.1],[114.2,25.1],[114.2,25.2],[114.1,25.1]]]}"#;
        assert!(check_boundary(ok).is_ok());
        let feature = format!(r#"{{"type":"Feature","properties":{{}},"geometry":{ok}}}"#);
        assert!(check_boundary(&feature).is_ok());
        let (zh, en) = check_boundary(r#"{"type":"Polygon","coordinates":[[[25.1,114.1],[25.2,114.1],[25.2,114.2],[25.1,114.1]]]}"#).unwrap_err();
        assert!(zh.contains("经纬度") && en.contains("longitude"), "swapped lat/lon is caught: {en}");
        assert!(check_boundary(r#"{"type":"Point","coordinates":[114,25]}"#).is_err());
        assert!(check_boundary("{not json").unwrap_err().1.contains("column"));
    }
}
