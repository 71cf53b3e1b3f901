//! Readers: a plan file to plain text with one paragraph or table cell per line, the form the
//! extractor reads. `.txt` (UTF-8, UTF-16 with BOM, else GB18030/GBK), `.docx` (paragraphs
//! and table cells in document order), `.xlsx` (indicator tables, each row's cells in order).

use calamine::{Data, Reader};
use quick_xml::events::Event;
use std::io::{Cursor, Read};
use std::path::Path;

/// A file that cannot be read; every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Format { path: String, message: String },
    #[error("{path}: unsupported file type (expected .txt, .docx or .xlsx)")]
    Unsupported { path: String },
}

/// Reads a plan file as text (see the module doc for the formats).
pub fn read_file(path: impl AsRef<Path>) -> Result<String, Error> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: name.clone(),
        source: e,
    })?;
    read_bytes(&name, &bytes)
}

/// Reads an uploaded plan (the name's extension picks the format) as text.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<String, Error> {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let fmt = |message: String| Error::Format {
        path: name.to_string(),
        message,
    };
    match ext.as_str() {
        "txt" | "text" | "md" | "" => Ok(decode_text(bytes)),
        "docx" => docx_text(bytes).map_err(fmt),
        "xlsx" | "xlsm" | "xls" | "ods" => xlsx_text(bytes).map_err(fmt),
        _ => Err(Error::Unsupported { path: name.to_string() }),
    }
}

/// Decodes text bytes: a BOM decides; else UTF-8 if valid; else GB18030 (a superset of GBK,
/// what Chinese Windows editors save).
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Text of a .docx: each body paragraph on a line; each table cell (its paragraphs joined) on
/// its own line, row after row, like the flattened tables of text exports.
pub fn docx_text(bytes: &[u8]) -> Result<String, String> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a .docx (zip): {e}"))?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .map_err(|e| format!("no word/document.xml: {e}"))?
        .read_to_string(&mut xml)
        .map_err(|e| format!("word/document.xml: {e}"))?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut lines: Vec<String> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut para = String::new();
    let mut cell = String::new();
    let mut cell_depth = 0usize;
    let mut in_text = false;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| format!("word/document.xml at {}: {e}", reader.buffer_position()))?;
        match ev {
            Event::Start(e) => match e.local_name().as_ref() {
                b"t" => in_text = true,
                b"tc" => {
                    cell_depth += 1;
                    if cell_depth == 1 {
                        cell.clear();
                    }
                }
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" => para.push('\t'),
                b"br" | b"cr" => para.push(' '),
                _ => {}
            },
            Event::Text(t) if in_text => para.push_str(&t.decode().map_err(|e| e.to_string())?),
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(ch)) = r.resolve_char_ref() {
                    para.push(ch);
                } else {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    para.push_str(match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => {
                    let p = std::mem::take(&mut para);
                    if cell_depth == 0 {
                        lines.push(p);
                    } else {
                        cell.push_str(&p);
                    }
                }
                b"tc" => {
                    cell_depth = cell_depth.saturating_sub(1);
                    if cell_depth == 0 {
                        row.push(std::mem::take(&mut cell));
                    }
                }
                b"tr" if cell_depth == 0 => lines.extend(row_cells(std::mem::take(&mut row))),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(lines
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n"))
}

/// A table row's cells for the flattened form: blank cells before the first filled one are
/// merged group cells and are left out, as are trailing blanks; a blank between filled cells
/// becomes "-" so that the cells after it keep their columns.
fn row_cells(cells: Vec<String>) -> Vec<String> {
    let cells: Vec<String> = cells.into_iter().map(|c| c.trim().to_string()).collect();
    let Some(first) = cells.iter().position(|c| !c.is_empty()) else {
        return Vec::new();
    };
    let last = cells.iter().rposition(|c| !c.is_empty()).unwrap_or(first);
    cells[first..=last]
        .iter()
        .map(|c| {
            if c.is_empty() {
                "-".to_string()
            } else {
                c.clone()
            }
        })
        .collect()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Float(f) => fmt_num(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => fmt_num(d.as_f64()),
        Data::Error(_) => String::new(),
    }
}

fn fmt_num(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        let s = format!("{:.6}", f);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Text of a workbook: per sheet, its name, then each non-empty row's cells one per line
/// (blank cells as [`row_cells`] treats them). A fraction below 1 in a row whose label
/// says % is a percentage cell's stored value (0.93 shown as 93%) and is written as "93%".
pub fn xlsx_text(bytes: &[u8]) -> Result<String, String> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| format!("cannot open workbook: {e}"))?;
    let mut lines = Vec::new();
    for name in wb.sheet_names().to_vec() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| format!("sheet {name}: {e}"))?;
        lines.push(name.clone());
        for row in range.rows() {
            let label_pct = row
                .iter()
                .any(|d| matches!(d, Data::String(s) if s.contains('%') || s.contains('％')));
            let cells = row
                .iter()
                .map(|d| match d {
                    Data::Float(f) if label_pct && f.abs() < 1.0 && f.fract() != 0.0 => {
                        format!("{}%", fmt_num(f * 100.0))
                    }
                    _ => cell_text(d),
                })
                .collect();
            lines.extend(row_cells(cells));
        }
    }
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_gbk_and_utf8() {
        let (gbk, _, _) = encoding_rs::GBK.encode("到2026年,毛入园率达到92%以上");
        assert_eq!(decode_text(&gbk), "到2026年,毛入园率达到92%以上");
        assert_eq!(decode_text("巩固率".as_bytes()), "巩固率");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("规划".as_bytes());
        assert_eq!(decode_text(&bom), "规划");
    }

    #[test]
    fn missing_and_unsupported_files_name_the_file() {
        let e = read_file("/nonexistent/plan.txt").unwrap_err();
        assert!(e.to_string().contains("/nonexistent/plan.txt"));
        let dir = std::env::temp_dir().join("eduplan-plan-read-test.pdf");
        std::fs::write(&dir, b"%PDF").unwrap();
        let e = read_file(&dir).unwrap_err();
        assert!(
            matches!(e, Error::Unsupported { .. })
                && e.to_string().contains("eduplan-plan-read-test.pdf")
        );
        let _ = std::fs::remove_file(dir);
    }
}
