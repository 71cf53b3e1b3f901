//! Reading one typed cell from the text a user typed, the way Chinese Excel and WPS users type it:
//! full-width digits, numbers stored as text, stray spaces, 是/否 or Y/N, "2024年".

use crate::data::Value;
use crate::schema::ValueKind;

/// Why a cell could not be read, in Chinese and English.
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    /// Reason in Chinese.
    pub zh: String,
    /// Reason in English.
    pub en: String,
}

fn err(zh: impl Into<String>, en: impl Into<String>) -> CellError {
    CellError { zh: zh.into(), en: en.into() }
}

/// Normalises text: full-width ASCII to half-width, ideographic/non-breaking spaces removed at
/// the ends, and inner runs of whitespace kept as typed.
pub fn normalize(raw: &str) -> String {
    normalize_cow(raw).into_owned()
}

/// [`normalize`] without allocating when the text is already clean (plain ASCII with no space at
/// either end, which is nearly every cell of a large file).
pub fn normalize_cow(raw: &str) -> std::borrow::Cow<'_, str> {
    let b = raw.as_bytes();
    let clean = b.iter().all(|c| (0x21..0x7f).contains(c) || *c == b' ')
        && b.first().is_none_or(|c| *c != b' ')
        && b.last().is_none_or(|c| *c != b' ');
    if clean {
        return std::borrow::Cow::Borrowed(raw);
    }
    let mapped: String = raw
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' => ' ',
            '。' => '.',
            _ => c,
        })
        .collect();
    std::borrow::Cow::Owned(mapped.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}').to_string())
}

/// Reads a number typed as text: thousands separators and a trailing unit-free "." are accepted.
fn parse_number(s: &str) -> Option<f64> {
    if let Ok(v) = s.parse::<f64>() {
        return v.is_finite().then_some(v);
    }
    let t: String = s.chars().filter(|c| *c != ',' && *c != ' ').collect();
    if t.is_empty() {
        return None;
    }
    let v: f64 = t.parse().ok()?;
    v.is_finite().then_some(v)
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" | "√" | "✓" | "有" | "t" => Some(true),
        "否" | "n" | "no" | "false" | "0" | "×" | "✗" | "无" | "f" => Some(false),
        _ => None,
    }
}

/// Parses one cell (already normalised; empty means absent) into a value of a kind.
pub fn parse_cell(kind: ValueKind, text: &str) -> Result<Value, CellError> {
    let s = normalize_cow(text);
    let s: &str = &s;
    if s.is_empty() {
        return Ok(Value::Null);
    }
    match kind {
        ValueKind::Text => Ok(Value::Text(s.to_string())),
        ValueKind::Code(lens) => {
            // Excel may have turned a code into a number ("1.10101e+09" or "110101.0").
            let digits = if s.chars().all(|c| c.is_ascii_digit()) {
                s.to_string()
            } else if let Some(f) = parse_number(&s).filter(|f| f.fract() == 0.0 && *f >= 0.0) {
                format!("{}", f as u64)
            } else {
                s.to_string()
            };
            if digits.chars().all(|c| c.is_ascii_digit()) && lens.contains(&digits.len()) {
                Ok(Value::Text(digits))
            } else {
                let l = lens.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("或");
                let le = lens.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(" or ");
                Err(err(format!("应为{l}位数字代码"), format!("expected a code of {le} digits")))
            }
        }
        ValueKind::Int { min, max } => {
            let f = parse_number(&s).ok_or_else(|| err("应为整数", "expected an integer"))?;
            if f.fract() != 0.0 {
                return Err(err("应为整数，不能有小数", "expected a whole number"));
            }
            let i = f as i64;
            if i < min || i > max {
                return Err(err(format!("应在 {min} 到 {max} 之间"), format!("must be between {min} and {max}")));
            }
            Ok(Value::Int(i))
        }
        ValueKind::Year => {
            let head: String = s.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            let rest = &s[head.len()..];
            let rest_ok = rest.is_empty()
                || rest == "年"
                || rest.starts_with('-') && rest[1..].chars().all(|c| c.is_ascii_digit() || c == '年')
                || rest.starts_with("学年")
                || rest.starts_with("年度");
            match parse_number(&head) {
                Some(f) if rest_ok && f.fract() == 0.0 && (1900.0..=2100.0).contains(&f) => Ok(Value::Int(f as i64)),
                _ => Err(err("应为年份（如 2024）", "expected a year such as 2024")),
            }
        }
        ValueKind::Decimal { min, max } => {
            let f = parse_number(&s).ok_or_else(|| err("应为数字", "expected a number"))?;
            if f < min || f > max {
                return Err(err(
                    format!("应在 {} 到 {} 之间", crate::data::fmt_num(min), crate::data::fmt_num(max)),
                    format!("must be between {} and {}", crate::data::fmt_num(min), crate::data::fmt_num(max)),
                ));
            }
            Ok(Value::Num(f))
        }
        ValueKind::Enum(options) => {
            let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            if let Some(o) = options.iter().find(|o| **o == t) {
                return Ok(Value::Text(o.to_string()));
            }
            // common variants typed by users
            let alias = match t.as_str() {
                "初中" if options.contains(&"初级中学") => Some("初级中学"),
                "高中" if options.contains(&"高级中学") => Some("高级中学"),
                "九年制" | "九年一贯制" if options.contains(&"九年一贯制学校") => Some("九年一贯制学校"),
                "中职" if options.contains(&"中等职业学校") => Some("中等职业学校"),
                "特教" | "特殊教育" if options.contains(&"特殊教育学校") => Some("特殊教育学校"),
                "大专" | "专科及以下" if options.contains(&"专科") => Some("专科"),
                "硕士" | "博士" if options.contains(&"研究生") => Some("研究生"),
                _ => None,
            };
            alias.map(|a| Value::Text(a.to_string())).ok_or_else(|| {
                err(format!("应为以下之一：{}", options.join("、")), format!("must be one of: {}", options.join(", ")))
            })
        }
        ValueKind::Bool => parse_bool(&s).map(Value::Bool).ok_or_else(|| err("应为 是 或 否", "expected 是 or 否 (yes/no)")),
        ValueKind::Age => {
            let t = s.trim_end_matches('岁');
            // the open group is written "26+"; a bare 26 can only mean it too
            if t == "26+" || t == "26" || t == "26及以上" || t == "26岁及以上" {
                return Ok(Value::Int(26));
            }
            match parse_number(t) {
                Some(f) if f.fract() == 0.0 && (0.0..=25.0).contains(&f) => Ok(Value::Int(f as i64)),
                _ => Err(err("年龄应为 0–25 的整数或 26+", "age must be a whole number 0–25 or 26+")),
            }
        }
        ValueKind::AgeCounts => {
            parse_age_counts(&s).map(|_| Value::Text(s.replace('；', ";").replace('：', ":"))).ok_or_else(|| {
                err("应为“年龄:人数”列表，如 6:40;7:3", "expected age:count pairs such as 6:40;7:3")
            })
        }
    }
}

/// Parses "6:40;7:3" into pairs.
pub fn parse_age_counts(s: &str) -> Option<Vec<(u32, i64)>> {
    let s = s.replace('；', ";").replace('：', ":");
    s.split(';')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let (a, c) = p.split_once(':')?;
            Some((a.trim().parse().ok()?, c.trim().parse().ok()?))
        })
        .collect()
}

/// The header a user typed, matched to a column: Chinese name or English alias, with spaces,
/// full-width brackets and a trailing unit in brackets ignored ("体育运动场馆面积(m²)").
pub fn header_matches(header: &str, zh: &str, en: &str) -> bool {
    let h = normalize(header);
    let h: String = h.chars().filter(|c| !c.is_whitespace()).collect();
    let base = h.split(['(', '[']).next().unwrap_or("");
    base == zh || base.eq_ignore_ascii_case(en) || h == zh || h.eq_ignore_ascii_case(en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_wps_users_type() {
        assert_eq!(parse_cell(ValueKind::Int { min: 0, max: 100 }, "４２").unwrap(), Value::Int(42));
        assert_eq!(parse_cell(ValueKind::Int { min: 0, max: 10_000 }, " 1,234 ").unwrap(), Value::Int(1234));
        assert_eq!(parse_cell(ValueKind::Int { min: 0, max: 100 }, "42.0").unwrap(), Value::Int(42));
        assert!(parse_cell(ValueKind::Int { min: 0, max: 100 }, "4.5").is_err());
        assert!(parse_cell(ValueKind::Int { min: 0, max: 100 }, "-1").is_err());
        assert_eq!(parse_cell(ValueKind::Bool, "是").unwrap(), Value::Bool(true));
        assert_eq!(parse_cell(ValueKind::Bool, "Ｎ").unwrap(), Value::Bool(false));
        assert_eq!(parse_cell(ValueKind::Year, "2024年").unwrap(), Value::Int(2024));
        assert_eq!(parse_cell(ValueKind::Year, "2024-2025").unwrap(), Value::Int(2024));
        assert_eq!(parse_cell(ValueKind::Code(&[10]), "3607210001.0").unwrap(), Value::Text("3607210001".into()));
        assert!(parse_cell(ValueKind::Code(&[10]), "36072100").is_err());
        assert_eq!(parse_cell(ValueKind::Enum(crate::schema::enums::URBAN_RURAL), " 城区\u{3000}").unwrap(), Value::Text("城区".into()));
        assert_eq!(parse_cell(ValueKind::Age, "26+").unwrap(), Value::Int(26));
        assert_eq!(parse_cell(ValueKind::Text, "   ").unwrap(), Value::Null);
        assert!(header_matches("体育运动场馆面积（m²）", "体育运动场馆面积", "area_sport"));
        assert!(header_matches(" Area_Sport ", "体育运动场馆面积", "area_sport"));
    }
}
