//! Writing the interchange format: the export workbook, the empty template (with help rows and
//! drop-downs), and folders of CSV files (what the generator writes).

use std::io::Write;
use std::path::Path;

use eduplan_core::data::{Table, Value, YearData};
use eduplan_core::schema::{SheetKind, ValueKind};
use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, XlsxError};

/// A write failure (file system or workbook encoder).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Workbook encoder.
    #[error("xlsx: {0}")]
    Xlsx(#[from] XlsxError),
    /// File system.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

/// The tables of several years as one workbook's sheets: the region and school lists of the
/// last year, and every year's rows of the year-bearing sheets.
pub fn combine_years(years: &[YearData]) -> Vec<Table> {
    SheetKind::ALL
        .iter()
        .map(|s| {
            let mut t = Table::new(*s);
            if s.has_year() {
                for y in years {
                    t.rows.extend(y.table(*s).rows.iter().cloned());
                }
            } else if let Some(last) = years.last() {
                t.rows = last.table(*s).rows.clone();
            }
            t.sort();
            t
        })
        .collect()
}

fn header_format() -> Format {
    Format::new().set_bold().set_background_color(0xDDEBF7).set_border(rust_xlsxwriter::FormatBorder::Thin)
}

/// Writes tables as an .xlsx workbook in memory.
pub fn xlsx_bytes(tables: &[Table]) -> Result<Vec<u8>, WriteError> {
    let mut wb = Workbook::new();
    let hf = header_format();
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.sheet.zh())?;
        for (ci, c) in t.sheet.columns().iter().enumerate() {
            ws.write_string_with_format(0, ci as u16, c.zh, &hf)?;
            ws.set_column_width(ci as u16, (c.zh.chars().count() as f64 * 2.2).max(10.0))?;
        }
        for (ri, r) in t.rows.iter().enumerate() {
            let row = ri as u32 + 1;
            for (ci, v) in r.cells.iter().enumerate() {
                let col = ci as u16;
                match v {
                    Value::Null => {}
                    Value::Int(26) if t.sheet.columns()[ci].kind == ValueKind::Age => {
                        ws.write_string(row, col, "26+")?;
                    }
                    Value::Int(i) => {
                        ws.write_number(row, col, *i as f64)?;
                    }
                    Value::Num(f) => {
                        ws.write_number(row, col, *f)?;
                    }
                    Value::Text(s) => {
                        ws.write_string(row, col, s)?;
                    }
                    Value::Bool(b) => {
                        ws.write_string(row, col, if *b { "是" } else { "否" })?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// Exports school years to an .xlsx file in the interchange format.
pub fn write_xlsx(path: &Path, years: &[YearData]) -> Result<(), WriteError> {
    std::fs::write(path, xlsx_bytes(&combine_years(years))?)?;
    Ok(())
}

/// The empty template: every sheet and header, a help row (说明) per column, and drop-down
/// validation on enumerated and 是/否 columns (lists kept on a hidden sheet, because Excel caps
/// inline lists at 255 characters).
pub fn template_bytes() -> Result<Vec<u8>, WriteError> {
    let mut wb = Workbook::new();
    let hf = header_format();
    let help = Format::new().set_italic().set_font_color(0x7F7F7F).set_text_wrap();
    // collect lists first: one column per distinct enumeration on the hidden sheet
    let mut lists: Vec<Vec<&'static str>> = Vec::new();
    let list_of = |kind: ValueKind| -> Option<Vec<&'static str>> {
        match kind {
            ValueKind::Enum(o) => Some(o.to_vec()),
            ValueKind::Bool => Some(vec!["是", "否"]),
            _ => None,
        }
    };
    for s in SheetKind::ALL {
        for c in s.columns() {
            if let Some(l) = list_of(c.kind) {
                if !lists.contains(&l) {
                    lists.push(l);
                }
            }
        }
    }
    for s in SheetKind::ALL {
        let ws = wb.add_worksheet();
        ws.set_name(s.zh())?;
        for (ci, c) in s.columns().iter().enumerate() {
            let col = ci as u16;
            ws.write_string_with_format(0, col, c.zh, &hf)?;
            let req = if c.required { "必填。" } else { "" };
            ws.write_string_with_format(1, col, format!("说明：{req}{} [{}]", c.help, c.en), &help)?;
            ws.set_column_width(col, (c.zh.chars().count() as f64 * 2.2).max(14.0))?;
            if let Some(l) = list_of(c.kind) {
                let li = lists.iter().position(|x| *x == l).expect("list");
                let letter = col_letter(li);
                let f = Formula::new(format!("=_lists!${letter}$1:${letter}${}", l.len()));
                let dv = DataValidation::new().allow_list_formula(f).set_error_message(format!("请从下拉列表选择：{}", l.join("、")))?;
                ws.add_data_validation(2, col, 100_000, col, &dv)?;
            }
        }
        ws.set_row_height(1, 45)?;
        ws.set_freeze_panes(2, 0)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("_lists")?;
    for (li, l) in lists.iter().enumerate() {
        for (i, v) in l.iter().enumerate() {
            ws.write_string(i as u32, li as u16, *v)?;
        }
    }
    ws.set_hidden(true);
    Ok(wb.save_to_buffer()?)
}

fn col_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

/// Writes tables as a folder of `<sheet>.csv` files (UTF-8 with BOM, so Excel reads it).
pub fn write_csv_dir(dir: &Path, tables: &[Table]) -> Result<(), WriteError> {
    std::fs::create_dir_all(dir)?;
    for t in tables {
        let f = std::fs::File::create(dir.join(format!("{}.csv", t.sheet.zh())))?;
        let mut w = std::io::BufWriter::new(f);
        w.write_all("\u{FEFF}".as_bytes())?;
        let mut cw = csv::Writer::from_writer(w);
        cw.write_record(t.sheet.columns().iter().map(|c| c.zh)).map_err(csv_err)?;
        let mut rec: Vec<String> = Vec::with_capacity(t.sheet.columns().len());
        for r in &t.rows {
            rec.clear();
            rec.extend(r.cells.iter().zip(t.sheet.columns()).map(|(v, c)| cell_text(c.kind, v)));
            cw.write_record(&rec).map_err(csv_err)?;
        }
        cw.flush()?;
    }
    Ok(())
}

fn csv_err(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// The sheets of a dataset in workbook order (absent sheets written empty, so a folder always
/// has every file).
pub fn combine_dataset(ds: &eduplan_core::data::Dataset) -> Vec<Table> {
    SheetKind::ALL.iter().map(|s| ds.table(*s).cloned().unwrap_or_else(|| Table::new(*s))).collect()
}

/// Text of a cell as written to CSV (the open age group as "26+").
fn cell_text(kind: ValueKind, v: &Value) -> String {
    match (kind, v) {
        (ValueKind::Age, Value::Int(26)) => "26+".to_string(),
        _ => v.display(),
    }
}

/// A result table (indicator figures, assessment detail) as a one-sheet workbook.
pub fn result_xlsx(sheet: &str, headers: &[&str], rows: &[Vec<Value>]) -> Result<Vec<u8>, WriteError> {
    let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    tables_xlsx(&[(sheet.to_string(), headers, rows.to_vec())])
}

/// Result tables as one workbook, a sheet each: (sheet name, headers, rows).
pub fn tables_xlsx(tables: &[(String, Vec<String>, Vec<Vec<Value>>)]) -> Result<Vec<u8>, WriteError> {
    let mut wb = Workbook::new();
    let hf = header_format();
    for (sheet, headers, rows) in tables {
        let ws = wb.add_worksheet();
        ws.set_name(sheet)?;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &hf)?;
            ws.set_column_width(c as u16, 14)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match v {
                    Value::Null => {}
                    Value::Int(i) => {
                        ws.write_number(r, c, *i as f64)?;
                    }
                    Value::Num(f) => {
                        ws.write_number(r, c, *f)?;
                    }
                    Value::Text(s) => {
                        ws.write_string(r, c, s)?;
                    }
                    Value::Bool(b) => {
                        ws.write_string(r, c, if *b { "是" } else { "否" })?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(wb.save_to_buffer()?)
}
