//! What the reader accepts (the files Chinese Excel and WPS users really produce), what it
//! refuses (with sheet, row, column and reason), and that bad bytes never panic.

use eduplan_core::data::Value;
use eduplan_core::schema::SheetKind;
use eduplan_ingest::{read_bytes, read_path, template_bytes, ReadOptions};
use rust_xlsxwriter::{Format, Workbook};

const REGIONS_CSV: &str = "区划代码,名称,上级代码,城乡分类\n360721,示例县,,\n360721001,城关镇,360721,城区\n";

#[test]
fn gbk_csv_with_wps_habits_is_read() {
    // GBK bytes, full-width digits, trailing spaces, numbers with thousands separators, Y/N
    let text = "学校标识码,学校名称,学校类型,办学性质,普惠性,区划代码,城乡分类,设计学位\r\n\
                ３６０７２１０００１ ,城关第一幼儿园 ,幼儿园,公办,Y,360721001,城区,\"1,080\"\r\n\
                3607210002,城关小学,小学,公办,,360721001, 城区 ,２７００\r\n\
                ,,,,,,,\r\n,,,,,,,\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let r = read_bytes("学校.csv", &gbk, ReadOptions::default());
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    let t = r.dataset.table(SheetKind::Schools).unwrap();
    assert_eq!(t.rows.len(), 2, "empty trailing rows are skipped");
    assert_eq!(t.get(&t.rows[0], "school_id"), &Value::Text("3607210001".into()));
    assert_eq!(t.get(&t.rows[0], "name"), &Value::Text("城关第一幼儿园".into()));
    assert_eq!(t.get(&t.rows[0], "puhui"), &Value::Bool(true));
    assert_eq!(t.get(&t.rows[0], "design_places"), &Value::Int(1080));
    assert_eq!(t.get(&t.rows[1], "urban_rural"), &Value::Text("城区".into()));
    assert_eq!(t.get(&t.rows[1], "design_places"), &Value::Int(2700));
    assert_eq!(t.rows[1].source, Some(3), "rows are numbered as in the file (header = 1)");
}

#[test]
fn utf8_bom_and_english_headers_are_read() {
    let text = "\u{FEFF}code,name,parent,urban_rural\n360721,示例县,,\n";
    let r = read_bytes("regions.csv", text.as_bytes(), ReadOptions::default());
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    assert_eq!(r.dataset.table(SheetKind::Regions).unwrap().rows.len(), 1);
}

#[test]
fn every_error_is_listed_with_its_place_and_reason() {
    let text = "学年,学校标识码,年级,在校生,女生,未知列\n\
                2024,3607210002,一年级,abc,10,x\n\
                2024,36072100,二年级,40,,y\n\
                2024,3607210002,十年级,-1,,z\n";
    let r = read_bytes("学生.csv", text.as_bytes(), ReadOptions::default());
    let errs: Vec<_> = r.issues.iter().filter(|i| i.is_error()).collect();
    let at = |row: Option<u32>, col: &str| errs.iter().find(|e| e.row == row && e.column == col).unwrap_or_else(|| panic!("no error at {row:?} {col}: {errs:#?}"));
    let unknown = at(Some(1), "未知列");
    assert!(unknown.zh.contains("未知列") && unknown.en.contains("unknown column"));
    let e = at(Some(2), "在校生");
    assert_eq!(e.value, "abc");
    assert_eq!(e.en, "expected an integer");
    assert_eq!(e.sheet, "学生");
    assert_eq!(e.file, "学生.csv");
    assert!(at(Some(3), "学校标识码").en.contains("10 digits"));
    assert!(at(Some(4), "年级").zh.contains("应为以下之一"));
    assert!(at(Some(4), "在校生").en.contains("between 0"));
    assert_eq!(errs.len(), 5);
    // with the explicit flag the unknown column is dropped, the rest still reported
    let r = read_bytes("学生.csv", text.as_bytes(), ReadOptions { ignore_unknown_columns: true });
    assert_eq!(r.issues.iter().filter(|i| i.is_error()).count(), 4);
}

#[test]
fn a_missing_required_column_is_an_error() {
    let r = read_bytes("学生.csv", "学年,学校标识码,年级\n2024,3607210002,一年级\n".as_bytes(), ReadOptions::default());
    let e = r.issues.iter().find(|i| i.column == "在校生").expect("missing column reported");
    assert!(e.is_error());
    assert_eq!(e.row, Some(1));
    assert!(e.en.contains("required column"));
}

#[test]
fn xlsx_with_numbers_as_text_and_trailing_formatted_rows() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("区划").unwrap();
    for (c, h) in ["区划代码 ", "名称", "上级代码", "城乡分类（城区/镇区/乡村）"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // a code typed as a number, one as text; a help row; formatted empty rows at the end
    ws.write_number(1, 0, 360721.0).unwrap();
    ws.write_string(1, 1, "示例县").unwrap();
    ws.write_string(2, 0, "说明：县6位").unwrap();
    ws.write_string(3, 0, "360721001").unwrap();
    ws.write_string(3, 1, "城关镇 ").unwrap();
    ws.write_number(3, 2, 360721.0).unwrap();
    ws.write_string(3, 3, "城区").unwrap();
    let f = Format::new().set_bold();
    for r in 4..40 {
        ws.write_blank(r, 0, &f).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let r = read_bytes("county.xlsx", &bytes, ReadOptions::default());
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    let t = r.dataset.table(SheetKind::Regions).unwrap();
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.get(&t.rows[0], "code"), &Value::Text("360721".into()));
    assert_eq!(t.get(&t.rows[1], "parent"), &Value::Text("360721".into()));
    assert_eq!(t.get(&t.rows[1], "name"), &Value::Text("城关镇".into()));
    assert_eq!(t.rows[1].source, Some(4));
}

#[test]
fn the_template_has_every_sheet_header_and_help_row_and_reads_as_empty() {
    let bytes = template_bytes().unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    use calamine::Reader;
    for s in SheetKind::ALL {
        let range = wb.worksheet_range(s.zh()).unwrap_or_else(|_| panic!("sheet {} missing", s.zh()));
        let header: Vec<String> = range.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
        let expected: Vec<&str> = s.columns().iter().map(|c| c.zh).collect();
        assert_eq!(header, expected, "{}", s.zh());
        let help: Vec<String> = range.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
        assert!(help.iter().all(|h| h.starts_with("说明")), "{}: {help:?}", s.zh());
    }
    // drop-down lists live on a hidden sheet referenced by data validations
    assert!(wb.sheet_names().contains(&"_lists".to_string()));
    let raw = String::from_utf8_lossy(&unzip(&bytes, "xl/worksheets/sheet2.xml")).to_string();
    assert!(raw.contains("dataValidation") && raw.contains("_lists!"), "学校 has drop-downs");
    // an untouched template holds no data and no errors (so it can never wipe a year)
    let r = read_bytes("template.xlsx", &bytes, ReadOptions::default());
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    assert!(r.dataset.tables.is_empty());
}

fn unzip(bytes: &[u8], name: &str) -> Vec<u8> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut out = vec![];
    f.read_to_end(&mut out).unwrap();
    out
}

#[test]
fn truncated_and_corrupted_workbooks_and_random_bytes_give_errors_not_panics() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("区划").unwrap();
    ws.write_string(0, 0, "区划代码").unwrap();
    ws.write_string(0, 1, "名称").unwrap();
    ws.write_string(1, 0, "360721").unwrap();
    ws.write_string(1, 1, "示例县").unwrap();
    let good = wb.save_to_buffer().unwrap();
    let mut seed: u64 = 42;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut cases: Vec<Vec<u8>> = (1..12).map(|k| good[..good.len() * k / 12].to_vec()).collect();
    for _ in 0..40 {
        let mut b = good.clone();
        for _ in 0..(1 + next() % 20) {
            let i = (next() as usize) % b.len();
            b[i] = next() as u8;
        }
        cases.push(b);
    }
    for (k, b) in cases.iter().enumerate() {
        let r = read_bytes("county.xlsx", b, ReadOptions::default());
        // a flipped byte inside stored text may still read; any other outcome must be an error
        if r.issues.iter().all(|i| !i.is_error()) {
            continue;
        }
        let e = r.issues.iter().find(|i| i.is_error()).unwrap();
        assert!(!e.zh.is_empty() && !e.en.is_empty(), "case {k}");
    }
    for k in 0..11 {
        let r = read_bytes("county.xlsx", &good[..good.len() * k / 12], ReadOptions::default());
        assert!(r.issues.iter().any(|i| i.is_error() && i.file == "county.xlsx"), "truncated at {k}/12 must fail");
    }
    for n in [0usize, 1, 7, 100, 5000] {
        let bytes: Vec<u8> = (0..n).map(|_| next() as u8).collect();
        for name in ["学生.csv", "x.zip", "x.xlsx", "学生.txt"] {
            let r = read_bytes(name, &bytes, ReadOptions::default());
            let _ = r.issues.len(); // reaching here without a panic is the point; errors are expected
        }
    }
    let r = read_bytes("notes.docx", b"hello", ReadOptions::default());
    assert!(r.issues[0].en.contains("unsupported file type"));
    let r = read_path(std::path::Path::new("/nonexistent/eduplan.xlsx"), ReadOptions::default());
    assert!(r.issues[0].is_error());
}

#[test]
fn a_folder_and_a_zip_of_csv_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("区划.csv"), REGIONS_CSV).unwrap();
    std::fs::write(dir.path().join("readme.md"), "not a sheet").unwrap();
    let r = read_path(dir.path(), ReadOptions::default());
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    assert_eq!(r.dataset.table(SheetKind::Regions).unwrap().rows.len(), 2);

    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("data/区划.csv", zip::write::SimpleFileOptions::default()).unwrap();
        use std::io::Write;
        z.write_all(REGIONS_CSV.as_bytes()).unwrap();
        z.finish().unwrap();
    }
    let r = read_bytes("county.zip", buf.get_ref(), ReadOptions::default());
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    assert_eq!(r.dataset.table(SheetKind::Regions).unwrap().rows.len(), 2);
}
