//! Value mentions (数值) in one clause: the number, its unit (单位) and the comparator words
//! around it (以上, 不低于, 左右, 余). Works on compact folded text (see [`crate::normalize`]).

use crate::numeral::{cn_digit, is_cn_num_char, parse_cn};
use crate::target::Cmp;

/// One number with its unit and comparator, as found in a clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Char index of the first char of the number (or of 百分之 / a prefix comparator's number).
    pub start: usize,
    /// Char index after the unit.
    pub unit_end: usize,
    /// Char index after any suffix comparator (以上, 左右); where the next words begin.
    pub end: usize,
    pub value: f64,
    /// Upper end of a range ("90%-95%").
    pub hi: Option<f64>,
    /// Unit as the spec reports it ("%", "所", "元/生·年", "ratio").
    pub unit: String,
    /// Comparator from a suffix (以上) or prefix (不低于) word; None when there is neither.
    pub cmp: Option<Cmp>,
    /// 余, 多, 约, 近: an approximate value.
    pub about: bool,
    /// Written in Chinese numerals (三所, 两名).
    pub chinese: bool,
}

/// Units in the order they must be tried (longest first), with the unit reported.
const UNITS: &[(&str, &str)] = &[
    ("个百分点", "个百分点"),
    ("人次", "人次"),
    ("平方米", "m²"),
    ("㎡", "m²"),
    ("m²", "m²"),
    ("m2", "m²"),
    ("亿元", "亿元"),
    ("万元", "万元"),
    ("千元", "千元"),
    ("小时", "小时"),
    ("学时", "学时"),
    ("课时", "课时"),
    ("分钟", "分钟"),
    ("学位", "学位"),
    ("%", "%"),
    ("所", "所"),
    ("个", "个"),
    ("人", "人"),
    ("名", "名"),
    ("项", "项"),
    ("班", "班"),
    ("间", "间"),
    ("起", "起"),
    ("次", "次"),
    ("场", "场"),
    ("套", "套"),
    ("台", "台"),
    ("册", "册"),
    ("张", "张"),
    ("座", "座"),
    ("条", "条"),
    ("支", "支"),
    ("户", "户"),
    ("天", "天"),
    ("年", "年"),
    ("元", "元"),
];

/// Chars that, right after a unit, show it was the start of another word ("所以", "名师",
/// "年级", "项目"): then the number is not a quantity.
fn unit_continues_word(unit: &str, next: Option<char>) -> bool {
    let Some(n) = next else { return false };
    // A duration in years is a target only at the end of its phrase ("提高到10.5年。"):
    // "三年行动计划", "九年义务教育", "提前两年通过" are names and past facts.
    if unit == "年" {
        return !(",;。、)".contains(n) || matches!(n, '以' | '左' | '及' | '上'));
    }
    let bad: &str = match unit {
        "所" => "有属在得谓",
        "名" => "师校园优牌额称单",
        "人" => "均口民大事",
        "次" => "性序",
        "起" => "点步来草",
        "间" => "隔断",
        "天" => "然地津",
        "条" => "件例",
        "支" => "持出付部",
        "场" => "所地馆景",
        "班" => "级主额子",
        "项" => "目",
        "户" => "籍口",
        "台" => "阶账",
        "张" => "力",
        "个" => "性体案别不",
        "元" => "旦素",
        _ => "",
    };
    bad.contains(n)
}

/// Suffix comparator words, longest first.
const SUFFIX_CMP: &[(&str, Cmp)] = &[
    ("及以上", Cmp::Ge),
    ("以上", Cmp::Ge),
    ("及以下", Cmp::Le),
    ("以下", Cmp::Le),
    ("以内", Cmp::Le),
    ("之内", Cmp::Le),
    ("左右", Cmp::About),
    ("上下", Cmp::About),
];

/// Prefix comparator words (the text right before the number ends with one of them).
const PREFIX_CMP: &[(&str, Cmp)] = &[
    ("不低于", Cmp::Ge),
    ("不少于", Cmp::Ge),
    ("不小于", Cmp::Ge),
    ("至少有", Cmp::Ge),
    ("至少", Cmp::Ge),
    ("超过", Cmp::Ge),
    ("高于", Cmp::Ge),
    ("多于", Cmp::Ge),
    ("不超过", Cmp::Le),
    ("不高于", Cmp::Le),
    ("不多于", Cmp::Le),
    ("不大于", Cmp::Le),
    ("控制在", Cmp::Le),
    ("低于", Cmp::Le),
    ("少于", Cmp::Le),
    ("大约", Cmp::About),
    ("接近", Cmp::About),
    ("约", Cmp::About),
    ("近", Cmp::About),
];

/// The comparator a prefix word such as 不低于 or 控制在 states.
pub fn cmp_word(w: &str) -> Option<Cmp> {
    PREFIX_CMP.iter().find(|(x, _)| *x == w).map(|(_, c)| *c)
}

/// Prefix comparator ending at `start`, if any; returns it and its length in chars.
pub fn prefix_cmp(c: &[char], start: usize) -> Option<(Cmp, usize)> {
    // "至少与一个企业", "至少配备2名": 至少 binds across a short verb or preposition.
    for gap in 1..=3 {
        if start >= gap + 2
            && c[start - gap - 2] == '至'
            && c[start - gap - 1] == '少'
            && c[start - gap..start]
                .iter()
                .all(|ch| ch.is_alphabetic() && !ch.is_ascii())
        {
            return Some((Cmp::Ge, gap + 2));
        }
    }
    let mut words: Vec<&(&str, Cmp)> = PREFIX_CMP.iter().collect();
    words.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count())); // 不超过 before 超过
    for (w, cmp) in words {
        let wc: Vec<char> = w.chars().collect();
        if start >= wc.len() && c[start - wc.len()..start] == wc[..] {
            return Some((*cmp, wc.len()));
        }
    }
    None
}

fn starts_with(c: &[char], i: usize, w: &str) -> bool {
    let n = w.chars().count();
    i + n <= c.len() && c[i..i + n].iter().copied().eq(w.chars())
}

/// A bare number at `i`: (value, end, chinese). Arabic numbers take a following 万/亿 as a
/// multiplier unless it starts a money unit (万元); 余/多 between number and multiplier mark
/// the value approximate.
fn scan_number(c: &[char], i: usize) -> Option<(f64, usize, bool, bool)> {
    let mut about = false;
    if c[i].is_ascii_digit() {
        let mut j = i;
        let mut digits = String::new();
        while j < c.len() && c[j].is_ascii_digit() {
            digits.push(c[j]);
            j += 1;
            // Thousands separators: 1,200 / 12,000.
            if c.get(j) == Some(&',')
                && c.get(j + 1..j + 4)
                    .is_some_and(|d| d.iter().all(|x| x.is_ascii_digit()))
                && !c.get(j + 4).is_some_and(|x| x.is_ascii_digit())
            {
                j += 1;
            }
        }
        if j + 1 < c.len() && c[j] == '.' && c[j + 1].is_ascii_digit() {
            digits.push('.');
            j += 1;
            while j < c.len() && c[j].is_ascii_digit() {
                digits.push(c[j]);
                j += 1;
            }
        }
        let mut v: f64 = digits.parse().ok()?;
        if j < c.len() && (c[j] == '余' || c[j] == '多') {
            about = true;
            j += 1;
        }
        if j < c.len() && (c[j] == '万' || c[j] == '亿') && !starts_with(c, j + 1, "元") {
            v *= if c[j] == '万' { 1e4 } else { 1e8 };
            j += 1;
        }
        return Some((v, j, false, about));
    }
    if !is_cn_num_char(c[i]) || matches!(c[i], '万' | '亿' | '百' | '千' | '佰' | '仟') {
        return None;
    }
    let mut j = i;
    while j < c.len() && is_cn_num_char(c[j]) {
        j += 1;
    }
    // Keep 万/亿 of a money unit (两万元) for the unit.
    if j > i + 1 && matches!(c[j - 1], '万' | '亿') && starts_with(c, j, "元") {
        j -= 1;
    }
    let mut v = parse_cn(&c[i..j].iter().collect::<String>())?;
    // Decimal part: 九十五点五.
    if j + 1 < c.len() && c[j] == '点' && cn_digit(c[j + 1]).is_some() {
        let mut k = j + 1;
        let mut scale = 0.1;
        while k < c.len() {
            match cn_digit(c[k]) {
                Some(d) => {
                    v += d as f64 * scale;
                    scale /= 10.0;
                    k += 1;
                }
                None => break,
            }
        }
        j = k;
    }
    if j < c.len() && (c[j] == '余' || c[j] == '多') && j + 1 < c.len() && !is_cn_num_char(c[j + 1])
    {
        about = true;
        j += 1;
    }
    Some((v, j, true, about))
}

/// The unit starting at `j`: (reported unit, end).
fn scan_unit(c: &[char], j: usize) -> Option<(String, usize)> {
    // Per-capita money: 元/生·年, 元/人·年, 元/生.
    if starts_with(c, j, "元/") && j + 2 < c.len() && matches!(c[j + 2], '生' | '人') {
        let mut k = j + 3;
        if k + 1 < c.len() && matches!(c[k], '·' | '・' | '•' | '.' | '/') && c[k + 1] == '年'
        {
            k += 2;
        } else if k < c.len() && c[k] == '年' {
            k += 1;
        }
        return Some((c[j..k].iter().collect(), k));
    }
    for (w, unit) in UNITS {
        if starts_with(c, j, w) {
            let end = j + w.chars().count();
            return Some((unit.to_string(), end));
        }
    }
    None
}

/// Whether char `i` lies inside 《》 (titles of other documents) or a short quotation
/// (“三个面向”: slogans, not quantities).
pub fn masked(c: &[char]) -> Vec<bool> {
    let mut m = vec![false; c.len()];
    let mut i = 0;
    while i < c.len() {
        let close = match c[i] {
            '《' => Some(('》', usize::MAX)),
            '“' => Some(('”', 8)),
            '"' => Some(('"', 8)),
            _ => None,
        };
        if let Some((cl, max)) = close {
            if let Some(len) = c[i + 1..].iter().position(|&x| x == cl) {
                if len <= max {
                    for x in m.iter_mut().skip(i).take(len + 2) {
                        *x = true;
                    }
                }
                i += len + 2;
                continue;
            }
        }
        i += 1;
    }
    m
}

/// Whether the 4-digit number at `i..j` is a calendar year (2025年, 2024-2026年).
fn is_year(c: &[char], i: usize, j: usize, v: f64) -> bool {
    j - i == 4
        && (1900.0..=2100.0).contains(&v)
        && (j >= c.len() || matches!(c[j], '年' | '-' | '~' | '至' | '.' | '/'))
}

/// All value mentions of a compact clause, left to right.
pub fn scan(c: &[char]) -> Vec<Mention> {
    let mask = masked(c);
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let pct_words = starts_with(c, i, "百分之");
        let num_at = if pct_words { i + 3 } else { i };
        if mask[i] || num_at >= c.len() {
            i += 1;
            continue;
        }
        let prev = if i > 0 { Some(c[i - 1]) } else { None };
        let Some((mut v, mut j, chinese, mut about)) = scan_number(c, num_at) else {
            i += 1;
            continue;
        };
        // Ordinals (第三), per-unit rates (每一名), formulas (2+1), versions (2.0), codes (G20).
        let skip = matches!(prev, Some('第' | '每' | '+' | '.' | '/' | '-'))
            || prev.is_some_and(|p| p.is_ascii_alphanumeric())
            || (j < c.len() && c[j] == '+')
            || (!chinese && is_year(c, num_at, j, v));
        if skip {
            // Jump over the whole year range or formula so its second number is skipped too.
            while j < c.len() && (c[j].is_ascii_digit() || matches!(c[j], '-' | '~' | '+' | '.')) {
                j += 1;
            }
            i = j.max(i + 1);
            continue;
        }
        let start = i;
        let mut hi = None;
        let mut unit: Option<(String, usize)> = if pct_words {
            Some(("%".to_string(), j))
        } else {
            None
        };
        // Ratio x:y (职普比 1:1).
        if unit.is_none() && j + 1 < c.len() && c[j] == ':' && c[j + 1].is_ascii_digit() {
            if let Some((b, k, _, _)) = scan_number(c, j + 1) {
                if b != 0.0 {
                    v /= b;
                    unit = Some(("ratio".to_string(), k));
                    j = k;
                }
            }
        }
        if unit.is_none() {
            // A range: 90%-95%, 90-95%, 3至5所.
            let mut k = j;
            let first_unit = scan_unit(c, k);
            if let Some((_, e)) = &first_unit {
                k = *e;
            }
            if k + 1 < c.len()
                && matches!(c[k], '-' | '~' | '至')
                && (c[k + 1].is_ascii_digit() || cn_digit(c[k + 1]).is_some())
            {
                if let Some((b, e, _, _)) = scan_number(c, k + 1) {
                    if let Some(u) = scan_unit(c, e) {
                        if first_unit.as_ref().is_none_or(|f| f.0 == u.0) {
                            hi = Some(b);
                            unit = Some(u);
                        }
                    }
                }
            }
            if unit.is_none() {
                unit = first_unit;
            }
        }
        let Some((unit, unit_end)) = unit else {
            i = j.max(i + 1);
            continue;
        };
        let next = c.get(unit_end).copied();
        if unit_continues_word(&unit, next)
            || (chinese && next.is_some_and(|n| cn_digit(n).is_some()))
        {
            i = unit_end;
            continue;
        }
        let mut end = unit_end;
        let mut cmp = None;
        for (w, cm) in SUFFIX_CMP {
            if starts_with(c, end, w) {
                cmp = Some(*cm);
                end += w.chars().count();
                break;
            }
        }
        if cmp.is_none() {
            if let Some((cm, _)) = prefix_cmp(c, start) {
                if cm == Cmp::About {
                    about = true;
                } else {
                    cmp = Some(cm);
                }
            }
        }
        out.push(Mention {
            start,
            unit_end,
            end,
            value: v,
            hi,
            unit,
            cmp,
            about,
            chinese,
        });
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Vec<(f64, String, Option<Cmp>, bool)> {
        let c: Vec<char> = s.chars().collect();
        scan(&c)
            .into_iter()
            .map(|m| (m.value, m.unit, m.cmp, m.about))
            .collect()
    }

    #[test]
    fn numbers_units_and_comparators() {
        assert_eq!(
            one("入学率达到98%以上"),
            vec![(98.0, "%".into(), Some(Cmp::Ge), false)]
        );
        assert_eq!(
            one("新增床位300余个"),
            vec![(300.0, "个".into(), None, true)]
        );
        assert_eq!(
            one("培训教师两万人次"),
            vec![(20000.0, "人次".into(), None, false)]
        );
        assert_eq!(
            one("完成2.5万人持证"),
            vec![(25000.0, "人".into(), None, false)]
        );
        assert_eq!(one("投入8.5亿元"), vec![(8.5, "亿元".into(), None, false)]);
        assert_eq!(
            one("标准达到650元/生·年"),
            vec![(650.0, "元/生·年".into(), None, false)]
        );
        assert_eq!(one("建成十二个"), vec![(12.0, "个".into(), None, false)]);
        assert_eq!(
            one("比例达到百分之九十五"),
            vec![(95.0, "%".into(), None, false)]
        );
        assert_eq!(
            one("控制在45人以内"),
            vec![(45.0, "人".into(), Some(Cmp::Le), false)]
        );
        assert_eq!(
            one("每天活动不少于一小时"),
            vec![(1.0, "小时".into(), Some(Cmp::Ge), false)]
        );
        assert_eq!(
            one("保持在2:1左右"),
            vec![(2.0, "ratio".into(), Some(Cmp::About), false)]
        );
        assert_eq!(
            one("两所以上"),
            vec![(2.0, "所".into(), Some(Cmp::Ge), false)]
        );
    }

    #[test]
    fn not_quantities() {
        assert!(one("第三届比赛").is_empty());
        assert!(one("到2025年底").is_empty());
        assert!(one("体育、艺术2+1项目").is_empty());
        assert!(one("坚持“三个面向”").is_empty());
        assert!(one("依据《规划(2021-2025年)》").is_empty());
        assert!(one("三年行动计划").is_empty());
        assert!(one("4-9年级").is_empty());
        assert!(one("一人一案").is_empty());
        assert!(one("所以说").is_empty());
        assert!(one("3-6岁儿童").is_empty());
    }

    #[test]
    fn ranges_and_several_values() {
        let c: Vec<char> = "达到90%-95%".chars().collect();
        let m = scan(&c);
        assert_eq!((m[0].value, m[0].hi), (90.0, Some(95.0)));
        assert_eq!(one("分别达到70%100%").len(), 2);
        assert_eq!(one("分别达到50%、80%、90%以上").len(), 3);
    }
}
