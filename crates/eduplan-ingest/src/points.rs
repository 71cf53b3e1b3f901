//! Reads the user's points for the school-network planner (布局规划): candidate sites (候选校址)
//! and villages or communities (村庄/社区) from a CSV (UTF-8, GBK or GB18030) or an Excel
//! workbook's first sheet. Headers are matched by Chinese or English names; every problem is
//! located by file, sheet, row and column, in Chinese and English.

use std::io::Cursor;

use calamine::{Data, Reader};
use eduplan_core::issue::Issue;
use eduplan_core::layout::{LayoutPoint, PointKind};

/// Columns: the first alias is the name used in messages.
const COLS: &[&[&str]] = &[
    &["编号", "id"],
    &["名称", "name"],
    &["类型", "kind", "type"],
    &["经度", "lon", "longitude", "lng"],
    &["纬度", "lat", "latitude"],
    &["学段", "stage"],
    &["学位", "capacity", "places"],
    &["造价(万元)", "cost", "造价"],
    &["人口", "weight", "population", "儿童数", "children"],
    &["备注", "note"],
];
const ID: usize = 0;
const NAME: usize = 1;
const KIND: usize = 2;
const LON: usize = 3;
const LAT: usize = 4;
const STAGE: usize = 5;
const CAP: usize = 6;
const COST: usize = 7;
const WEIGHT: usize = 8;
const NOTE: usize = 9;

fn norm(h: &str) -> String {
    h.chars().filter(|c| !c.is_whitespace()).map(|c| match c {
        '（' => '(',
        '）' => ')',
        c => c.to_ascii_lowercase(),
    }).collect()
}

/// A file's rows as text, each with its 1-based number, and the sheet name for messages.
type Rows = (String, Vec<(u32, Vec<String>)>);

/// The rows of the file as text.
fn table(file: &str, bytes: &[u8]) -> Result<Rows, Box<Issue>> {
    let lower = file.to_lowercase();
    if lower.ends_with(".xlsx") || lower.ends_with(".xls") || lower.ends_with(".xlsm") || bytes.starts_with(b"PK\x03\x04") {
        let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|e| Issue::error("", None, "", "", format!("无法打开工作簿：{e}"), format!("cannot open workbook: {e}")))?;
        let name = wb.sheet_names().first().cloned().ok_or_else(|| Issue::error("", None, "", "", "工作簿没有工作表", "the workbook has no sheet"))?;
        let range = wb.worksheet_range(&name).map_err(|e| Issue::error(&name, None, "", "", format!("无法读取工作表：{e}"), format!("cannot read the sheet: {e}")))?;
        let start = range.start().map(|(r, _)| r).unwrap_or(0);
        let rows = range.rows().enumerate().map(|(i, r)| (start + i as u32 + 1, r.iter().map(|c: &Data| crate::read::cell_text(c).trim().to_string()).collect())).collect();
        Ok((name, rows))
    } else {
        let text = crate::read::decode_text(bytes);
        let mut rd = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut rows = Vec::new();
        for (i, rec) in rd.records().enumerate() {
            let rec = rec.map_err(|e| Issue::error("", Some(i as u32 + 1), "", "", format!("CSV 格式错误：{e}"), format!("malformed CSV: {e}")))?;
            rows.push((i as u32 + 1, rec.iter().map(|c| c.trim().to_string()).collect()));
        }
        Ok((String::new(), rows))
    }
}

/// Reads points of `county`. `default_kind` is used when the file has no 类型 column. `Err`
/// holds every error found, never only the first.
pub fn read_points(file: &str, bytes: &[u8], county: &str, default_kind: Option<PointKind>) -> Result<Vec<LayoutPoint>, Vec<Issue>> {
    let located = |mut v: Vec<Issue>| {
        for i in &mut v {
            i.file = file.to_string();
        }
        v
    };
    let (sheet, rows) = table(file, bytes).map_err(|e| located(vec![*e]))?;
    let mut it = rows.into_iter().filter(|(_, r)| r.iter().any(|c| !c.is_empty()));
    let Some((hrow, header)) = it.next() else {
        return Err(located(vec![Issue::error(&sheet, None, "", "", "文件是空的", "the file is empty")]));
    };
    let map: Vec<Option<usize>> = COLS.iter().map(|aliases| header.iter().position(|h| aliases.iter().any(|a| norm(a) == norm(h)))).collect();
    let mut issues = Vec::new();
    let mut required = vec![NAME, LON, LAT];
    if default_kind.is_none() {
        required.push(KIND);
    }
    for i in required {
        if map[i].is_none() {
            issues.push(Issue::error(&sheet, Some(hrow), COLS[i][0], "", format!("缺少必填列「{}」", COLS[i][0]), format!("required column {} ({}) is missing", COLS[i][0], COLS[i][1])));
        }
    }
    if !issues.is_empty() {
        return Err(located(issues));
    }
    let mut out: Vec<LayoutPoint> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    let mut counter = std::collections::HashMap::new();
    for (row, cells) in it {
        let get = |c: usize| map[c].and_then(|k| cells.get(k)).cloned().unwrap_or_default();
        let given = get(ID);
        if !given.is_empty() {
            if let Some(first) = seen.insert(given.clone(), row) {
                issues.push(Issue::error(&sheet, Some(row), COLS[ID][0], &given, format!("编号与第 {first} 行重复"), format!("the id repeats row {first}")));
            }
        }
        let before = issues.len();
        let mut num = |c: usize, required: bool| -> Option<f64> {
            let v = get(c).replace([',', '，'], "");
            if v.is_empty() {
                if required {
                    issues.push(Issue::error(&sheet, Some(row), COLS[c][0], "", "必填项为空", "required value is empty"));
                }
                return None;
            }
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() => Some(x),
                _ => {
                    issues.push(Issue::error(&sheet, Some(row), COLS[c][0], &v, "应为数字", "must be a number"));
                    None
                }
            }
        };
        let (lon, lat, capacity, cost, weight) = (num(LON, true), num(LAT, true), num(CAP, false), num(COST, false), num(WEIGHT, false));
        let kind = match map[KIND].map(|_| get(KIND)).filter(|s| !s.is_empty()) {
            Some(k) => match PointKind::parse(&k) {
                Some(k) => Some(k),
                None => {
                    issues.push(Issue::error(&sheet, Some(row), COLS[KIND][0], &k, "类型应为 候选校址 或 村庄/社区", "kind must be 候选校址 (site) or 村庄/社区 (village)"));
                    None
                }
            },
            None => match default_kind {
                Some(k) => Some(k),
                None => {
                    issues.push(Issue::error(&sheet, Some(row), COLS[KIND][0], "", "必填项为空", "required value is empty"));
                    None
                }
            },
        };
        let name = get(NAME);
        if name.is_empty() {
            issues.push(Issue::error(&sheet, Some(row), COLS[NAME][0], "", "必填项为空", "required value is empty"));
        }
        if issues.len() > before {
            continue;
        }
        let (Some(kind), Some(lon), Some(lat)) = (kind, lon, lat) else { continue };
        // an id the user left empty: S1, S2 … / V1, V2 … in file order
        let id = match given {
            s if s.is_empty() => {
                let n = counter.entry(kind).or_insert(0);
                *n += 1;
                format!("{}{}", if kind == PointKind::Site { "S" } else { "V" }, n)
            }
            s => s,
        };
        let p = LayoutPoint { county: county.to_string(), kind, id: id.clone(), name, lon, lat, stage: Some(get(STAGE)).filter(|s| !s.is_empty()), capacity, cost, weight, note: get(NOTE) };
        for (field, zh, en) in p.problems() {
            let col = COLS.iter().find(|a| a[0].starts_with(field) || field.starts_with(a[0])).map(|a| a[0]).unwrap_or(field);
            issues.push(Issue::error(&sheet, Some(row), col, "", zh, en));
        }
        out.push(p);
    }
    if !issues.is_empty() {
        return Err(located(issues));
    }
    if out.is_empty() {
        return Err(located(vec![Issue::error(&sheet, None, "", "", "文件中没有数据行", "the file has no data rows")]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gbk_csv_reads_with_ids_given_and_generated() {
        let text = "名称,类型,经度,纬度,学段,学位,人口\n城东地块,候选校址,115.10,25.20,小学,1080,\n上村,村庄,115.00,25.10,,,820\n下村,村庄,115.02,25.12,,,410\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let pts = read_points("点位.csv", &gbk, "360721", None).unwrap();
        assert_eq!(pts.len(), 3);
        assert_eq!((pts[0].id.as_str(), pts[0].kind, pts[0].capacity, pts[0].stage.as_deref()), ("S1", PointKind::Site, Some(1080.0), Some("小学")));
        assert_eq!((pts[2].id.as_str(), pts[2].kind, pts[2].weight), ("V2", PointKind::Village, Some(410.0)));
        assert_eq!(pts[1].county, "360721");
    }

    #[test]
    fn errors_name_file_row_and_column_in_both_languages() {
        let text = "编号,名称,经度,纬度,学位\nA,甲,abc,25.1,\nA,乙,115,95,10\n";
        let err = read_points("sites.csv", text.as_bytes(), "360721", Some(PointKind::Site)).unwrap_err();
        let lines: Vec<String> = err.iter().map(|i| format!("{}|{:?}|{}|{}|{}", i.file, i.row, i.column, i.zh, i.en)).collect();
        assert!(lines.contains(&"sites.csv|Some(2)|经度|应为数字|must be a number".to_string()), "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("sites.csv|Some(3)|纬度|") && l.contains("latitude")), "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("sites.csv|Some(3)|编号|") && l.contains("重复")), "{lines:?}");
        let err = read_points("v.csv", "名称,经度\n甲,115\n".as_bytes(), "360721", None).unwrap_err();
        assert!(err.iter().any(|i| i.column == "纬度" && i.en.contains("missing")));
        assert!(err.iter().any(|i| i.column == "类型"), "no kind column and no default kind");
    }

    #[test]
    fn an_excel_sheet_reads_with_english_headers_and_located_errors() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("sites").unwrap();
        for (c, h) in ["id", "name", "kind", "lon", "lat", "capacity"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "N1").unwrap();
        ws.write_string(1, 1, "新城地块").unwrap();
        ws.write_string(1, 2, "site").unwrap();
        ws.write_number(1, 3, 115.25).unwrap();
        ws.write_number(1, 4, 25.5).unwrap();
        ws.write_number(1, 5, 1350.0).unwrap();
        ws.write_string(2, 1, "河边村").unwrap();
        ws.write_string(2, 2, "水库").unwrap();
        ws.write_number(2, 3, 115.3).unwrap();
        ws.write_number(2, 4, 25.6).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let err = read_points("校址.xlsx", &bytes, "360721", None).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!((err[0].file.as_str(), err[0].sheet.as_str(), err[0].row, err[0].column.as_str(), err[0].value.as_str()), ("校址.xlsx", "sites", Some(3), "类型", "水库"));
    }

    #[test]
    fn a_clean_excel_sheet_with_chinese_headers_reads() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["编号", "名称", "类型", "经度", "纬度", "学位"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (c, v) in ["N1", "新城地块", "候选校址"].iter().enumerate() {
            ws.write_string(1, c as u16, *v).unwrap();
        }
        ws.write_number(1, 3, 115.25).unwrap();
        ws.write_number(1, 4, 25.5).unwrap();
        ws.write_number(1, 5, 1350.0).unwrap();
        let pts = read_points("校址.xlsx", &wb.save_to_buffer().unwrap(), "360721", None).unwrap();
        assert_eq!((pts[0].id.as_str(), pts[0].kind, pts[0].lon, pts[0].capacity), ("N1", PointKind::Site, 115.25, Some(1350.0)));
    }
}
