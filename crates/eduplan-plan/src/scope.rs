//! Time scoping: the plan period (规划期: 十四五 → 2021–2025, a yearly 工作要点 → its year),
//! the year expressions of a sentence (到2025年, 2024年底, 十四五期间), and past passages
//! (发展基础, 十三五期间, 截至2020年) whose numbers are achievements, not targets.

use regex::Regex;
use std::sync::LazyLock;

/// The period a plan covers; `end` is the default target year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    pub start: Option<i32>,
    pub end: Option<i32>,
}

/// How a year is written, which decides whether it scopes a target or dates a past fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearKind {
    /// 到2025年, 2024年底, 力争2025年, 十四五期间: the year a target holds by.
    By,
    /// A bare 2023年: the target's year if in the period, a past fact if before it.
    Bare,
    /// 截至2020年, 2016年以来: a past fact.
    Since,
}

/// A year expression at a char position of a compact clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearExpr {
    pub pos: usize,
    pub year: i32,
    pub kind: YearKind,
}

/// The five-year plan (五年规划) named 十X五 → (start, end): 十三五 → 2016–2020.
fn five_year(s: &str) -> Option<(i32, i32)> {
    for (name, start) in [
        ("十一五", 2006),
        ("十二五", 2011),
        ("十三五", 2016),
        ("十四五", 2021),
        ("十五五", 2026),
        ("十六五", 2031),
    ] {
        if s.contains(name) {
            return Some((start, start + 4));
        }
    }
    None
}

static RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)\d\d)年?\s*[-~至到]\s*((?:19|20)\d\d)年").unwrap());
static WORK_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"((?:19|20)\d\d)年.*(?:工作要点|工作计划|工作安排|工作思路|工作任务|重点工作|工作方案)",
    )
    .unwrap()
});
static WORK_OPENING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:19|20)\d\d)年(?:是|全[市区县州旗省镇]|我[市区县])?[^。,规划]{0,12}工作")
        .unwrap()
});

/// The plan period from the title lines (十四五规划, 2021-2025年, 2024年工作要点) or, for a
/// yearly work plan without a title, from an opening like "2023年全县教育工作的主要任务".
pub fn plan_period(lines: &[&str]) -> Period {
    let folded: Vec<String> = lines
        .iter()
        .map(|l| crate::normalize::compact(l))
        .filter(|l| !l.is_empty())
        .collect();
    let titles = folded.iter().take(40).filter(|l| {
        l.chars().count() <= 60
            && ["规划", "计划", "要点", "方案", "纲要", "意见"]
                .iter()
                .any(|w| l.contains(w))
    });
    for t in titles {
        if let Some((s, e)) = five_year(t) {
            return Period {
                start: Some(s),
                end: Some(e),
            };
        }
        if let Some(m) = RANGE.captures(t) {
            let (s, e): (i32, i32) = (m[1].parse().unwrap_or(0), m[2].parse().unwrap_or(0));
            if s <= e {
                return Period {
                    start: Some(s),
                    end: Some(e),
                };
            }
        }
        if let Some(m) = WORK_TITLE.captures(t) {
            let y = m[1].parse().ok();
            return Period { start: y, end: y };
        }
    }
    for l in folded.iter().filter(|l| l.chars().count() > 10).take(5) {
        if let Some(m) = WORK_OPENING.captures(l) {
            let y = m[1].parse().ok();
            return Period { start: y, end: y };
        }
    }
    Period::default()
}

static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(到|至|力争到|力争|争取到|争取|截至|截止到|截止|于|在)?((?:19|20)\d\d)年(底|末|前|内|以来|年底|度)?").unwrap()
});
static PERIOD_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"“?(十[一二三四五六]五)”?(期间|时期|末|以来)?").unwrap());

/// Year expressions of a compact clause (positions in chars). Years inside 《》 are titles of
/// other documents and are left out.
pub fn years(clause: &str, period: Period) -> Vec<YearExpr> {
    let chars: Vec<char> = clause.chars().collect();
    let mask = crate::mention::masked(&chars);
    let pos_of = |byte: usize| clause[..byte].chars().count();
    let mut out = Vec::new();
    for m in YEAR.captures_iter(clause) {
        let whole = m.get(0).unwrap();
        let pos = pos_of(whole.start());
        // A year range (2024-2026年) or a longer number is not a year expression.
        let after = clause[whole.end()..].chars().next();
        let before = clause[..whole.start()].chars().last();
        if mask.get(pos).copied().unwrap_or(false)
            || before.is_some_and(|b| b.is_ascii_digit() || b == '-')
            || after == Some('-')
        {
            continue;
        }
        let year: i32 = m[2].parse().unwrap_or(0);
        let pre = m.get(1).map(|x| x.as_str()).unwrap_or("");
        let post = m.get(3).map(|x| x.as_str()).unwrap_or("");
        let kind = if pre.starts_with("截") || post == "以来" {
            YearKind::Since
        } else if !pre.is_empty() && pre != "于" && pre != "在"
            || matches!(post, "底" | "末" | "前" | "年底")
        {
            YearKind::By
        } else {
            YearKind::Bare
        };
        out.push(YearExpr {
            pos: pos + pre.chars().count(),
            year,
            kind,
        });
    }
    for m in PERIOD_WORD.captures_iter(clause) {
        let Some((_, e)) = five_year(&m[1]) else {
            continue;
        };
        let pos = pos_of(m.get(0).unwrap().start());
        let kind = if period.start.is_some_and(|ps| e < ps)
            || m.get(2).is_some_and(|w| w.as_str() == "以来")
        {
            YearKind::Since
        } else {
            YearKind::By
        };
        out.push(YearExpr { pos, year: e, kind });
    }
    // 年底, 今年: the plan's own year in a yearly work plan.
    if period.start.is_some() && period.start == period.end {
        for w in ["到年底", "年底前", "年底", "今年", "当年", "本年度"] {
            if let Some(b) = clause.find(w) {
                let pos = pos_of(b);
                if !out.iter().any(|y| y.pos <= pos && pos <= y.pos + 6) {
                    out.push(YearExpr {
                        pos,
                        year: period.end.unwrap_or(0),
                        kind: YearKind::By,
                    });
                }
                break;
            }
        }
    }
    out.sort_by_key(|y| y.pos);
    out
}

/// Words that mark a sentence as a report of the past (近年来, 过去五年, 已建成).
pub fn is_past_sentence(compact: &str) -> bool {
    [
        "近年来",
        "近几年来",
        "过去五年",
        "五年来",
        "多年来",
        "已累计",
        "已建成",
        "已完成",
        "已实现",
        "取得了",
        "目前,",
        "共有",
        "已有",
        "现已",
        "截至目前",
    ]
    .iter()
    .any(|w| compact.contains(w))
}

static PAST_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(发展|工作|现实|良好)基础|成就|回顾|现状|基本情况|主要成绩|取得的成绩|完成情况|进展情况|工作总结").unwrap()
});

/// Whether a heading opens a section about the past (发展基础, 主要成就, 工作回顾).
pub fn is_past_heading(compact: &str) -> bool {
    PAST_HEADING.is_match(compact)
}

/// Whether a year expression dates a past fact in this plan's period.
pub fn is_past(y: &YearExpr, period: Period) -> bool {
    match y.kind {
        YearKind::Since => true,
        YearKind::Bare => period.start.is_some_and(|s| y.year < s),
        YearKind::By => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(
            plan_period(&["某市“十四五”教育事业发展规划"]),
            Period {
                start: Some(2021),
                end: Some(2025)
            }
        );
        assert_eq!(
            plan_period(&["某县教育发展规划(2023-2027年)"]),
            Period {
                start: Some(2023),
                end: Some(2027)
            }
        );
        assert_eq!(
            plan_period(&["某县教育局2024年工作要点"]),
            Period {
                start: Some(2024),
                end: Some(2024)
            }
        );
        assert_eq!(
            plan_period(&["2023年全县教育工作的主要任务是:稳中求进,提质增效。"]),
            Period {
                start: Some(2023),
                end: Some(2023)
            }
        );
        assert_eq!(
            plan_period(&["2022年某县学前教育发展中长期规划"]),
            Period::default()
        );
    }

    #[test]
    fn year_expressions() {
        let p = Period {
            start: Some(2021),
            end: Some(2025),
        };
        let y = years("到2025年,入园率达到90%", p);
        assert_eq!((y[0].year, y[0].kind), (2025, YearKind::By));
        let y = years("依托2020年建成的基地", p);
        assert!(is_past(&y[0], p));
        let y = years("“十三五”期间,共投入", p);
        assert!(is_past(&y[0], p));
        let y = years("“十四五”期间,新建学校", p);
        assert_eq!((y[0].year, y[0].kind), (2025, YearKind::By));
        assert!(years("《规划(2021-2025年)》", p).is_empty());
        let w = Period {
            start: Some(2024),
            end: Some(2024),
        };
        assert_eq!(years("确保到年底入学率达到95%", w)[0].year, 2024);
    }
}
