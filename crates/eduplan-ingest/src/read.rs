//! Reading an upload (an .xlsx workbook, a folder of CSV files, a .zip of CSV files, or one
//! CSV named after its sheet) into a [`Dataset`] and the cell-level problems found on the way.
//!
//! Never panics on bad bytes: a file that cannot be read at all becomes one file-level error.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader};
use csv::StringRecord;
use eduplan_core::cell::{header_matches, parse_cell};
use eduplan_core::data::{Dataset, Row, Table};
use eduplan_core::issue::Issue;
use eduplan_core::schema::SheetKind;

/// How to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Drop columns the format does not know instead of failing (the typo guard is off).
    pub ignore_unknown_columns: bool,
}

/// What was read: the data and every problem found reading cells.
#[derive(Debug, Default)]
pub struct ReadResult {
    /// Sheets found.
    pub dataset: Dataset,
    /// Problems, located.
    pub issues: Vec<Issue>,
}

impl ReadResult {
    fn fatal(file: &str, zh: String, en: String) -> ReadResult {
        let mut i = Issue::error("", None, "", "", zh, en);
        i.file = file.to_string();
        ReadResult { dataset: Dataset::default(), issues: vec![i] }
    }
}

/// Reads a path: a folder of `<sheet>.csv` files, an .xlsx file, a .zip, or a single .csv.
pub fn read_path(path: &Path, opts: ReadOptions) -> ReadResult {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    if path.is_dir() {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let entries = match std::fs::read_dir(path) {
            Ok(e) => e,
            Err(e) => return ReadResult::fatal(&name, format!("无法读取文件夹：{e}"), format!("cannot read folder: {e}")),
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().and_then(|x| x.to_str()).map(|x| x.eq_ignore_ascii_case("csv")) == Some(true) {
                let fname = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                match std::fs::read(&p) {
                    Ok(b) => files.push((fname, b)),
                    Err(e) => return ReadResult::fatal(&fname, format!("无法读取文件：{e}"), format!("cannot read file: {e}")),
                }
            }
        }
        files.sort();
        if files.is_empty() {
            return ReadResult::fatal(&name, "文件夹中没有 CSV 文件".into(), "the folder has no CSV files".into());
        }
        return read_csv_files(files, opts);
    }
    match std::fs::read(path) {
        Ok(bytes) => read_bytes(&name, &bytes, opts),
        Err(e) => ReadResult::fatal(&name, format!("无法读取文件：{e}"), format!("cannot read file: {e}")),
    }
}

/// Reads an uploaded file from memory; the name's extension picks the format.
pub fn read_bytes(name: &str, bytes: &[u8], opts: ReadOptions) -> ReadResult {
    let lower = name.to_lowercase();
    // calamine and zip are robust, but a panic deep in a parser must not take the server down.
    let r = std::panic::catch_unwind(|| {
        if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") || lower.ends_with(".xls") || lower.ends_with(".ods") {
            read_workbook(name, bytes, opts)
        } else if lower.ends_with(".zip") {
            read_zip(name, bytes, opts)
        } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
            read_csv_files(vec![(name.to_string(), bytes.to_vec())], opts)
        } else {
            ReadResult::fatal(
                name,
                "不支持的文件类型：请上传 .xlsx 工作簿、.csv 文件或 CSV 的 .zip 压缩包".into(),
                "unsupported file type: upload an .xlsx workbook, a .csv file or a .zip of CSV files".into(),
            )
        }
    });
    r.unwrap_or_else(|_| ReadResult::fatal(name, "文件已损坏，无法读取".into(), "the file is corrupted and cannot be read".into()))
}

fn read_zip(name: &str, bytes: &[u8], opts: ReadOptions) -> ReadResult {
    let mut z = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => return ReadResult::fatal(name, format!("无法打开压缩包：{e}"), format!("cannot open zip: {e}")),
    };
    let mut files = Vec::new();
    for i in 0..z.len() {
        let mut f = match z.by_index(i) {
            Ok(f) => f,
            Err(e) => return ReadResult::fatal(name, format!("压缩包已损坏：{e}"), format!("corrupted zip: {e}")),
        };
        let fname = f.name().rsplit('/').next().unwrap_or("").to_string();
        if !fname.to_lowercase().ends_with(".csv") {
            continue;
        }
        let mut b = Vec::new();
        if let Err(e) = f.read_to_end(&mut b) {
            return ReadResult::fatal(&fname, format!("压缩包已损坏：{e}"), format!("corrupted zip: {e}"));
        }
        files.push((fname, b));
    }
    if files.is_empty() {
        return ReadResult::fatal(name, "压缩包中没有 CSV 文件".into(), "the zip has no CSV files".into());
    }
    read_csv_files(files, opts)
}

/// Decodes CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of
/// GBK, what Chinese Excel and WPS write).
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (s, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return s.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

fn read_csv_files(files: Vec<(String, Vec<u8>)>, opts: ReadOptions) -> ReadResult {
    let mut out = ReadResult::default();
    for (fname, bytes) in files {
        let stem = fname.rsplit_once('.').map(|(s, _)| s).unwrap_or(&fname);
        let Some(sheet) = SheetKind::from_name(stem) else {
            let mut i = Issue::warning(
                "",
                None,
                "",
                "",
                format!("文件名“{stem}”不是已知工作表，已跳过"),
                format!("file name \"{stem}\" is not a known sheet; skipped"),
            );
            i.file = fname.clone();
            out.issues.push(i);
            continue;
        };
        let text = decode_text(&bytes);
        let delim = if text.lines().next().map(|l| l.contains('\t') && !l.contains(',')) == Some(true) { b'\t' } else { b',' };
        let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).from_reader(text.as_bytes());
        let mut rows: Vec<(u32, StringRecord)> = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            match rec {
                Ok(r) => rows.push((i as u32 + 1, r)),
                Err(e) => {
                    let mut is = Issue::error(sheet.zh(), Some(i as u32 + 1), "", "", format!("CSV 格式错误：{e}"), format!("malformed CSV: {e}"));
                    is.file = fname.clone();
                    out.issues.push(is);
                    break;
                }
            }
        }
        let before = out.issues.len();
        let t = parse_sheet(sheet, rows, opts, &mut out.issues);
        for i in &mut out.issues[before..] {
            i.file = fname.clone();
        }
        merge_table(&mut out.dataset, t);
    }
    out
}

/// A sheet without data rows (a template's, or a header only) counts as absent: an empty 学校
/// sheet must not read as "the county has no schools".
fn merge_table(ds: &mut Dataset, t: Table) {
    if !t.rows.is_empty() {
        ds.table_mut(t.sheet).rows.extend(t.rows);
    }
}

pub(crate) fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => eduplan_core::data::fmt_num(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(d) => eduplan_core::data::fmt_num(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn read_workbook(name: &str, bytes: &[u8], opts: ReadOptions) -> ReadResult {
    let mut wb = match calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())) {
        Ok(wb) => wb,
        Err(e) => {
            return ReadResult::fatal(name, format!("无法打开工作簿（文件不完整或已损坏）：{e}"), format!("cannot open workbook (truncated or corrupted): {e}"))
        }
    };
    let mut out = ReadResult::default();
    let names = wb.sheet_names().to_vec();
    let mut found = 0;
    for sn in names {
        if sn.starts_with('_') {
            continue; // helper sheets of the template (drop-down lists)
        }
        let Some(sheet) = SheetKind::from_name(&sn) else {
            out.issues.push(Issue::warning(&sn, None, "", "", format!("工作表“{sn}”不是已知工作表，已跳过"), format!("sheet \"{sn}\" is not a known sheet; skipped")));
            continue;
        };
        found += 1;
        let range = match wb.worksheet_range(&sn) {
            Ok(r) => r,
            Err(e) => {
                out.issues.push(Issue::error(sheet.zh(), None, "", "", format!("工作表无法读取：{e}"), format!("cannot read sheet: {e}")));
                continue;
            }
        };
        let start_row = range.start().map(|(r, _)| r).unwrap_or(0);
        let start_col = range.start().map(|(_, c)| c).unwrap_or(0) as usize;
        let rows: Vec<(u32, StringRecord)> = range
            .rows()
            .enumerate()
            .map(|(i, r)| {
                let mut cells = vec![String::new(); start_col];
                cells.extend(r.iter().map(cell_text));
                (start_row + i as u32 + 1, StringRecord::from(cells))
            })
            .collect();
        let t = parse_sheet(sheet, rows, opts, &mut out.issues);
        merge_table(&mut out.dataset, t);
    }
    if found == 0 {
        out.issues.push(Issue::error(
            "",
            None,
            "",
            "",
            "工作簿中没有可识别的工作表（区划、学校、学生……）",
            "the workbook has no known sheet (区划, 学校, 学生 …)",
        ));
    }
    for i in &mut out.issues {
        if i.file.is_empty() {
            i.file = name.to_string();
        }
    }
    out
}

/// Parses the rows of one sheet (row numbers as in the file; the first non-empty row is the
/// header; help rows whose cells all start with 说明 are skipped).
fn parse_sheet(sheet: SheetKind, rows: Vec<(u32, StringRecord)>, opts: ReadOptions, issues: &mut Vec<Issue>) -> Table {
    let mut table = Table::new(sheet);
    let cols = sheet.columns();
    let mut it = rows.into_iter().filter(|(_, cells)| cells.iter().any(|c| !eduplan_core::cell::normalize_cow(c).is_empty()));
    let Some((hrow, header)) = it.next() else {
        return table;
    };
    // map file column → schema column
    let mut map: Vec<Option<usize>> = Vec::with_capacity(header.len());
    let mut seen: HashMap<usize, usize> = HashMap::new();
    for (fi, h) in header.iter().enumerate() {
        let hn = eduplan_core::cell::normalize(h);
        if hn.is_empty() {
            map.push(None);
            continue;
        }
        match cols.iter().position(|c| header_matches(&hn, c.zh, c.en)) {
            Some(ci) => {
                if seen.insert(ci, fi).is_some() {
                    issues.push(Issue::error(sheet.zh(), Some(hrow), cols[ci].zh, &hn, "列重复", "duplicate column"));
                }
                map.push(Some(ci));
            }
            None => {
                if !opts.ignore_unknown_columns {
                    issues.push(Issue::error(
                        sheet.zh(),
                        Some(hrow),
                        &hn,
                        &hn,
                        format!("未知列“{hn}”（列名拼写错误？如确需忽略，请勾选“忽略未知列”或使用 --ignore-unknown-columns）"),
                        format!("unknown column \"{hn}\" (a typo? to drop it on purpose, tick \"ignore unknown columns\" or pass --ignore-unknown-columns)"),
                    ));
                }
                map.push(None);
            }
        }
    }
    for c in cols.iter().filter(|c| c.required) {
        if !map.iter().flatten().any(|ci| cols[*ci].en == c.en) {
            issues.push(Issue::error(sheet.zh(), Some(hrow), c.zh, "", "缺少必填列", "required column is missing"));
        }
    }
    let data: Vec<(u32, StringRecord)> = it.collect();
    // rows are independent: parse them on every core, in order-preserving chunks
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8);
    let chunk = data.len().div_ceil(threads).max(4096);
    let parts: Vec<(Vec<Row>, Vec<Issue>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = data.chunks(chunk).map(|part| scope.spawn(|| parse_rows(sheet, &map, part))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    });
    for (rows, iss) in parts {
        table.rows.extend(rows);
        issues.extend(iss);
    }
    table
}

/// Parses data rows given the map from file column to schema column.
fn parse_rows(sheet: SheetKind, map: &[Option<usize>], rows: &[(u32, StringRecord)]) -> (Vec<Row>, Vec<Issue>) {
    let cols = sheet.columns();
    let mut out = Vec::with_capacity(rows.len());
    let mut issues = Vec::new();
    for (rn, cells) in rows {
        let rn = *rn;
        if cells.iter().filter(|c| !c.trim().is_empty()).all(|c| c.trim_start().starts_with("说明")) {
            continue;
        }
        let mut vals = vec![eduplan_core::data::Value::Null; cols.len()];
        for (fi, text) in cells.iter().enumerate() {
            let Some(Some(ci)) = map.get(fi) else { continue };
            match parse_cell(cols[*ci].kind, text) {
                Ok(v) => vals[*ci] = v,
                Err(e) => issues.push(Issue::error(sheet.zh(), Some(rn), cols[*ci].zh, text.trim(), e.zh, e.en)),
            }
        }
        for (ci, c) in cols.iter().enumerate() {
            if c.required && vals[ci].is_null() {
                if let Some(fi) = map.iter().position(|m| *m == Some(ci)) {
                    if cells.get(fi).map(|s| s.trim()).unwrap_or("").is_empty() {
                        issues.push(Issue::error(sheet.zh(), Some(rn), c.zh, "", "必填项为空", "required value is empty"));
                    }
                }
            }
        }
        out.push(Row { cells: vals, source: Some(rn) });
    }
    (out, issues)
}

/// Baseline for benchmarks: opens a workbook with calamine and reads every sheet's cells,
/// nothing more. Returns the number of cells.
pub fn calamine_cells(bytes: &[u8]) -> Result<usize, calamine::Error> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))?;
    let mut n = 0;
    for name in wb.sheet_names().to_vec() {
        let r = wb.worksheet_range(&name)?;
        n += r.get_size().0 * r.get_size().1;
    }
    Ok(n)
}
