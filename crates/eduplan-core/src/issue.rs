//! Located, bilingual problems found in an upload (错误 and 警告).

/// How bad a problem is: errors block an import, warnings never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Blocks the import (错误).
    Error,
    /// Legal but suspicious (警告).
    Warning,
}

/// One problem, located in the file: sheet, row (1-based, header = 1), column, value.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// Error or warning.
    pub severity: Severity,
    /// File name (for folders of CSV files and zips) or empty.
    pub file: String,
    /// Sheet name (Chinese) or empty when the whole file is at fault.
    pub sheet: String,
    /// Row in the sheet; `None` for sheet-level problems or rows carried over from the store.
    pub row: Option<u32>,
    /// Column header (Chinese).
    pub column: String,
    /// The offending value as typed.
    pub value: String,
    /// Reason in Chinese.
    pub zh: String,
    /// Reason in English.
    pub en: String,
}

impl Issue {
    /// A new error.
    pub fn error(sheet: &str, row: Option<u32>, column: &str, value: &str, zh: impl Into<String>, en: impl Into<String>) -> Issue {
        Issue {
            severity: Severity::Error,
            file: String::new(),
            sheet: sheet.to_string(),
            row,
            column: column.to_string(),
            value: value.to_string(),
            zh: zh.into(),
            en: en.into(),
        }
    }
    /// A new warning.
    pub fn warning(sheet: &str, row: Option<u32>, column: &str, value: &str, zh: impl Into<String>, en: impl Into<String>) -> Issue {
        Issue { severity: Severity::Warning, ..Issue::error(sheet, row, column, value, zh, en) }
    }
    /// Whether it blocks.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
    /// One line for a terminal: `学生!R12 在校生 "abc": 应为整数 / expected an integer`.
    pub fn one_line(&self) -> String {
        let mut loc = String::new();
        if !self.file.is_empty() {
            loc.push_str(&self.file);
            loc.push(':');
        }
        loc.push_str(if self.sheet.is_empty() { "-" } else { &self.sheet });
        match self.row {
            Some(r) => loc.push_str(&format!(" 第{r}行/row {r}")),
            None if !self.sheet.is_empty() => loc.push_str(" (已存数据/stored data)"),
            None => {}
        }
        if !self.column.is_empty() {
            loc.push_str(&format!(" [{}]", self.column));
        }
        let kind = match self.severity {
            Severity::Error => "错误/error",
            Severity::Warning => "警告/warning",
        };
        let val = if self.value.is_empty() { String::new() } else { format!(" \"{}\"", self.value) };
        format!("{kind} {loc}{val}: {} / {}", self.zh, self.en)
    }
}
