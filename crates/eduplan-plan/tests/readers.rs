//! Readers on small files built here: .docx (paragraphs and a table), .xlsx (an indicator
//! table), GBK .txt; and extraction over what they read.

use eduplan_plan::{extract, read_file};
use std::io::Write;
use std::path::PathBuf;

fn zip_file(name: &str, entries: &[(&str, String)]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("eduplan-plan-{}-{name}", std::process::id()));
    let f = std::fs::File::create(&path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    for (n, body) in entries {
        z.start_file(*n, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    path
}

fn para(text: &str) -> String {
    format!("<w:p><w:pPr/><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

fn cell(text: &str) -> String {
    format!("<w:tc><w:tcPr/>{}</w:tc>", para(text))
}

#[test]
fn docx_paragraphs_and_table_cells_in_order() {
    let rows = [
        ["指标", "2020年", "2025年", "属性"],
        ["学前三年毛入园率(%)", "88", "92", "预期性"],
        ["九年义务教育巩固率(%)", "96", "98", "约束性"],
    ];
    let table: String = rows
        .iter()
        .map(|r| {
            format!(
                "<w:tr>{}</w:tr>",
                r.iter().map(|c| cell(c)).collect::<String>()
            )
        })
        .collect();
    let body = format!(
        "{}{}<w:tbl><w:tblPr/>{table}</w:tbl>{}",
        para("某县“十四五”教育发展规划"),
        para("表1 主要指标"),
        // Split runs and an entity inside one paragraph.
        "<w:p><w:r><w:t>到2025年,新建幼儿园</w:t></w:r><w:r><w:t>5所&amp;小学2所。</w:t></w:r></w:p>"
    );
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let path = zip_file("plan.docx", &[("word/document.xml", xml)]);
    let text = read_file(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        &lines[..4],
        &["某县“十四五”教育发展规划", "表1 主要指标", "指标", "2020年"]
    );
    assert_eq!(*lines.last().unwrap(), "到2025年,新建幼儿园5所&小学2所。");
    let t = extract("plan.docx", &text);
    let got: Vec<(&str, f64, Option<i32>)> = t
        .iter()
        .map(|t| (t.metric.as_str(), t.value, t.year))
        .collect();
    assert_eq!(
        got,
        vec![
            ("学前三年毛入园率", 92.0, Some(2025)),
            ("九年义务教育巩固率", 98.0, Some(2025)),
            ("幼儿园", 5.0, Some(2025)),
            ("小学", 2.0, Some(2025))
        ]
    );
    assert_eq!(t[1].kind.as_deref(), Some("约束性"));
    let _ = std::fs::remove_file(path);
}

fn xlsx_cell(col: char, row: usize, v: &str) -> String {
    if v.parse::<f64>().is_ok() {
        format!("<c r=\"{col}{row}\"><v>{v}</v></c>")
    } else {
        format!("<c r=\"{col}{row}\" t=\"inlineStr\"><is><t>{v}</t></is></c>")
    }
}

#[test]
fn xlsx_indicator_table() {
    let rows: [&[&str]; 4] = [
        &["指标", "单位", "2020年", "2025年", "属性"],
        &["普惠性幼儿园覆盖率", "%", "85", "90", "约束性"],
        &["高中阶段毛入学率", "%", "0.915", "0.95", "预期性"],
        &["新增学位", "个", "", "6000", "预期性"], // no baseline: a blank cell between filled ones
    ];
    let sheet_rows: String = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let cells: String = r
                .iter()
                .enumerate()
                .filter(|(_, v)| !v.is_empty())
                .map(|(j, v)| xlsx_cell((b'A' + j as u8) as char, i + 1, v))
                .collect();
            format!("<row r=\"{}\">{cells}</row>", i + 1)
        })
        .collect();
    let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let entries = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>".to_string(),
        ),
        (
            "xl/workbook.xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{ns}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"主要指标\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>".to_string(),
        ),
        ("xl/worksheets/sheet1.xml", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"{ns}\"><sheetData>{sheet_rows}</sheetData></worksheet>")),
    ];
    let path = zip_file("targets.xlsx", &entries);
    let text = read_file(&path).unwrap();
    assert!(text.starts_with("主要指标\n指标\n单位\n2020年"), "{text}");
    let t = extract("targets.xlsx", &text);
    let got: Vec<(&str, f64, &str, Option<i32>)> = t
        .iter()
        .map(|t| (t.metric.as_str(), t.value, t.unit.as_str(), t.year))
        .collect();
    // 0.95 in a % row is a percentage cell's stored value.
    assert_eq!(
        got,
        vec![
            ("普惠性幼儿园覆盖率", 90.0, "%", Some(2025)),
            ("高中阶段毛入学率", 95.0, "%", Some(2025)),
            ("新增学位", 6000.0, "个", Some(2025))
        ]
    );
    assert!(t[2].baseline.is_none());
    assert_eq!(t[0].baseline.as_ref().map(|b| b.value), Some(85.0));
    let _ = std::fs::remove_file(path);
}

#[test]
fn gbk_text_file() {
    let path = std::env::temp_dir().join(format!("eduplan-plan-{}-gbk.txt", std::process::id()));
    let (bytes, _, _) = encoding_rs::GBK.encode("到2025年，九年义务教育巩固率达到97%以上。");
    std::fs::write(&path, &bytes).unwrap();
    let text = read_file(&path).unwrap();
    let t = extract("gbk.txt", &text);
    assert_eq!(
        (t[0].metric.as_str(), t[0].value, t[0].year),
        ("九年义务教育巩固率", 97.0, Some(2025))
    );
    let _ = std::fs::remove_file(path);
}

#[test]
fn broken_docx_names_the_file() {
    let path =
        std::env::temp_dir().join(format!("eduplan-plan-{}-broken.docx", std::process::id()));
    std::fs::write(&path, b"not a zip").unwrap();
    let e = read_file(&path).unwrap_err().to_string();
    assert!(e.contains("broken.docx"), "{e}");
    let _ = std::fs::remove_file(path);
}
