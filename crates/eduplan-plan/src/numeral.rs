//! Numbers as plans write them: Arabic (1.5, 1500), Chinese (三, 十二, 两万, 一千二百),
//! 百分之 percentages, and the multipliers 万/亿.

/// Value of one Chinese digit (两 = 2, 〇/零 = 0).
pub fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// Whether `c` may be part of a Chinese number (digits, 十百千万亿, and 点 for decimals).
pub fn is_cn_num_char(c: char) -> bool {
    cn_digit(c).is_some() || matches!(c, '十' | '百' | '千' | '万' | '亿' | '拾' | '佰' | '仟')
}

fn small_unit(c: char) -> Option<f64> {
    match c {
        '十' | '拾' => Some(10.0),
        '百' | '佰' => Some(100.0),
        '千' | '仟' => Some(1000.0),
        _ => None,
    }
}

/// Parses a whole Chinese numeral ("十二" 12, "两万" 20000, "一千二百" 1200, "九十五" 95,
/// "二〇二五" read digit by digit as 2025). None when the string is not one numeral.
pub fn parse_cn(s: &str) -> Option<f64> {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() || !chars.iter().all(|&c| is_cn_num_char(c)) {
        return None;
    }
    // Digit-by-digit form (二〇二五): only digits, more than one of them.
    if chars.len() > 1 && chars.iter().all(|&c| cn_digit(c).is_some()) {
        if chars.iter().any(|&c| matches!(c, '〇' | '零')) || chars.len() >= 3 {
            let mut v = 0.0;
            for c in &chars {
                v = v * 10.0 + cn_digit(*c)? as f64;
            }
            return Some(v);
        }
        return None; // "三五" is a range word ("三五成群"), not a number
    }
    let mut total = 0.0; // completed 亿/万 sections
    let mut section = 0.0; // below 万
    let mut digit: Option<f64> = None;
    for &c in &chars {
        if let Some(d) = cn_digit(c) {
            if digit.is_some() && d != 0 {
                return None; // two digits in a row ("三五")
            }
            digit = Some(d as f64);
        } else if let Some(u) = small_unit(c) {
            let d = digit.take().unwrap_or(1.0); // "十二": a bare 十 means 一十
            section += d * u;
        } else {
            let big = if c == '万' { 1e4 } else { 1e8 };
            section += digit.take().unwrap_or(0.0);
            if section == 0.0 {
                section = 1.0;
            }
            total = (total + section) * big;
            section = 0.0;
        }
    }
    Some(total + section + digit.unwrap_or(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chinese_numerals() {
        assert_eq!(parse_cn("三"), Some(3.0));
        assert_eq!(parse_cn("十二"), Some(12.0));
        assert_eq!(parse_cn("两万"), Some(20000.0));
        assert_eq!(parse_cn("一千二百"), Some(1200.0));
        assert_eq!(parse_cn("九十五"), Some(95.0));
        assert_eq!(parse_cn("十"), Some(10.0));
        assert_eq!(parse_cn("三万五千"), Some(35000.0));
        assert_eq!(parse_cn("二〇二五"), Some(2025.0));
        assert_eq!(parse_cn("三五"), None);
    }
}
