//! Segmentation: headings (一、 / (一) / 1.), sentences (句, split at 。！？), pieces (split at
//! ；) and clauses (分句, split at ，：). Ranges are char positions in the paragraph, which
//! are the same in the original and the width-folded text.

use regex::Regex;
use std::sync::LazyLock;

static H1: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章节部分篇])").unwrap()
});
static H2: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\([一二三四五六七八九十]+\)").unwrap());
static H3: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\d{1,2}[.、](?:[^\d]|$)|\(\d{1,2}\))").unwrap());

/// Heading level of a folded line: 1 for 一、, 2 for (一), 3 for 1. / (1); None otherwise.
pub fn heading_level(folded: &str) -> Option<u8> {
    let t = folded.trim_start();
    if H1.is_match(t) {
        Some(1)
    } else if H2.is_match(t) {
        Some(2)
    } else if H3.is_match(t) {
        Some(3)
    } else {
        None
    }
}

/// Whether a line is only a heading (short, no sentence inside), not a paragraph that starts
/// with one ("(一)增强德育实效。深入贯彻……").
pub fn is_heading_line(folded: &str) -> bool {
    let t = folded.trim();
    let n = t.chars().count();
    let inner_stop = t.trim_end_matches(['。', '.']).contains('。');
    heading_level(t).is_some_and(|l| l <= 2) && n <= 40 && !inner_stop
}

/// Char ranges of `chars` split after any char in `stops` (the stop stays with its part).
fn split_ranges(
    chars: &[char],
    from: usize,
    to: usize,
    stop: impl Fn(&[char], usize) -> bool,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = from;
    for i in from..to {
        if stop(chars, i) {
            if i + 1 > s {
                out.push((s, i + 1));
            }
            s = i + 1;
        }
    }
    if to > s {
        out.push((s, to));
    }
    out
}

/// Sentences of a paragraph (folded chars).
pub fn sentences(c: &[char]) -> Vec<(usize, usize)> {
    split_ranges(c, 0, c.len(), |c, i| {
        matches!(c[i], '。' | '!' | '?' | '\n')
    })
}

/// Pieces of a sentence, split at semicolons.
pub fn pieces(c: &[char], from: usize, to: usize) -> Vec<(usize, usize)> {
    split_ranges(c, from, to, |c, i| matches!(c[i], ';' | '；'))
}

/// Clauses of a piece, split at commas and at colons that are not inside a ratio (1:1).
pub fn clauses(c: &[char], from: usize, to: usize) -> Vec<(usize, usize)> {
    split_ranges(c, from, to, |c, i| match c[i] {
        // Not a thousands separator (1,200名).
        ',' => {
            !(i > 0
                && c[i - 1].is_ascii_digit()
                && c.get(i + 1..i + 4)
                    .is_some_and(|d| d.iter().all(|x| x.is_ascii_digit()))
                && !c.get(i + 4).is_some_and(|x| x.is_ascii_digit()))
        }
        '，' => true,
        ':' => {
            !(i > 0
                && c[i - 1].is_ascii_digit()
                && c.get(i + 1).is_some_and(|n| n.is_ascii_digit()))
        }
        _ => false,
    })
}

/// Text of a range without its trailing stop char and surrounding whitespace.
pub fn text_of(c: &[char], r: (usize, usize)) -> String {
    let s: String = c[r.0..r.1].iter().collect();
    s.trim()
        .trim_end_matches(['。', ';', '；', ',', '，', ':', '：', '!', '?'])
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_clauses() {
        assert_eq!(heading_level("一、总体目标"), Some(1));
        assert_eq!(heading_level("(二)发展目标"), Some(2));
        assert_eq!(heading_level("3.完善机制。"), Some(3));
        assert_eq!(heading_level("2025年目标"), None);
        assert!(is_heading_line("(一)发展成就"));
        assert!(!is_heading_line("(一)增强德育实效。深入贯彻纲要。"));
        let c: Vec<char> = "职普比保持1:1,入学率达99%;巩固率达98%。其次"
            .chars()
            .collect();
        let s = sentences(&c);
        assert_eq!(s.len(), 2);
        let p = pieces(&c, s[0].0, s[0].1);
        assert_eq!(p.len(), 2);
        let cl = clauses(&c, p[0].0, p[0].1);
        assert_eq!(text_of(&c, cl[0]), "职普比保持1:1");
    }
}
