//! Width folding (全角 → 半角) that keeps one output char per input char, so positions found
//! in the folded text point at the same characters of the original.

/// Folds full-width ASCII forms (，％１２：) to ASCII, ideographic and no-break spaces to a
/// space, and dash variants to `-`. Every other char is kept.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\u{2002}' | '\u{2003}' => ' ',
        '\u{FE6A}' => '%',
        '\u{2014}' | '\u{2013}' | '\u{2012}' | '\u{2212}' => '-',
        '\u{33A1}' => '㎡',
        _ => c,
    }
}

/// [`fold_char`] over a string.
pub fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Folded and without whitespace: the form the parsers read ("提升至 10.5年" → "提升至10.5年").
pub fn compact(s: &str) -> String {
    s.chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_and_keeps_length() {
        let s = "达到９５．５％，保持１：１";
        assert_eq!(fold(s), "达到95.5%,保持1:1");
        assert_eq!(fold(s).chars().count(), s.chars().count());
        assert_eq!(compact("提升至　10.5 年"), "提升至10.5年");
    }
}
