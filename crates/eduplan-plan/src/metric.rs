//! Metric naming (指标名): the words before or after a value with the plan's verbs, adverbs,
//! time and place words trimmed off, and the splitting of metric lists
//! ("入学率和升学率", "小学、初中、高中教师中……").

use regex::Regex;
use std::sync::LazyLock;

/// Leading words that are not part of a metric's name: adverbs, commitment verbs, place of
/// the whole area, list separators. Longest first within each group is not needed: the loop
/// strips repeatedly.
const LEAD: &[&str] = &[
    "确保",
    "每年",
    "每学年",
    "全年",
    "力争",
    "争取",
    "努力",
    "全面",
    "进一步",
    "逐步",
    "逐年",
    "持续",
    "继续",
    "积极",
    "大力",
    "着力",
    "重点",
    "全力",
    "稳步",
    "加快",
    "深入",
    "切实",
    "不断",
    "不折不扣",
    "落实",
    "做好",
    "同时",
    "并且",
    "其中",
    "共计",
    "累计",
    "巩固",
    "新建、改扩建",
    "新建、改建",
    "改扩建",
    "新建",
    "改建",
    "扩建",
    "建设",
    "建成",
    "建立",
    "创建",
    "培育",
    "培养",
    "招聘",
    "补充",
    "引进",
    "打造",
    "完成",
    "实现",
    "举行",
    "举办",
    "回购",
    "启动",
    "评选",
    "遴选",
    "认定",
    "设立",
    "开设",
    "组建",
    "配备",
    "提供",
    "组织",
    "培训",
    "投入",
    "改造",
    "资助",
    "发放",
    "购置",
    "安排",
    "招收",
    "选派",
    "推动",
    "推进",
    "确定",
    "择址",
    "拟",
    "计划",
    "规划",
    "保持在",
    "保持",
    "稳定在",
    "达到",
    "提高到",
    "提升到",
    "提升至",
    "控制在",
    "将",
    "把",
    "为",
    "并",
    "再",
    "要",
    "全区",
    "全市",
    "全县",
    "全州",
    "全省",
    "全镇",
    "全旗",
    "我区",
    "我市",
    "我县",
    "本区",
    "本市",
    "本县",
    "区内",
    "市内",
    "县内",
    "现有",
    "、",
    "和",
    "及",
    "与",
    "或",
    "的",
];

/// Trailing words that belong to the predicate, not the metric (达到, 保持在, 不低于).
const TRAIL: &[&str] = &[
    "达到",
    "达",
    "保持在",
    "保持",
    "稳定在",
    "稳定",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "提高",
    "提升",
    "增加到",
    "增加至",
    "增长到",
    "增至",
    "降低到",
    "降低至",
    "降至",
    "下降到",
    "下降至",
    "减少到",
    "减少至",
    "控制在",
    "控制",
    "为",
    "在",
    "均",
    "都",
    "分别",
    "要",
    "应",
    "应当",
    "须",
    "必须",
    "原则上",
    "力争",
    "确保",
    "有",
    "约",
    "近",
    "大约",
    "共计",
    "总计",
    "累计",
    "达成",
    "不低于",
    "不少于",
    "不小于",
    "至少",
    "超过",
    "高于",
    "多于",
    "不超过",
    "不高于",
    "不多于",
    "低于",
    "少于",
    "各",
    "的",
    "占",
    "由",
    "从",
    "、",
    "和",
    "及",
    "与",
];

static LEAD_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:到|至|力争到|力争|争取到|争取|于|在)?(?:(?:19|20)\d\d年(?:底|末|前|内|起)?|年底|年末|今年|当年|届时|“?十[一二三四五六]五”?(?:期间|时期|末)?)")
        .unwrap()
});
static LEAD_BUILD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^新?\([^)]{1,6}\)建").unwrap());
static LEAD_NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{1,2}[.、]|\(\d{1,2}\)|[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]是)").unwrap()
});
static TRAIL_BASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?:由|从)(?:(?:19|20)\d\d年(?:底|末)?)?|(?:较|比)(?:19|20)\d\d年(?:底|末)?)的?$",
    )
    .unwrap()
});

/// Words after which a metric is a rate whose list items each get the value ("入学率、升学率均达98%").
const RATE_HEADS: &[&str] = &["率", "比", "比例", "占比", "指数"];

/// Words of the predicate alone ("提高到", "2024年起达到"): a value after them restates the
/// metric of the value before it.
pub fn is_predicate_only(s: &str) -> bool {
    const PRED: &[&str] = &[
        "达到",
        "达",
        "保持在",
        "保持",
        "稳定在",
        "控制在",
        "为",
        "起",
        "要",
        "应",
        "原则上",
        "再",
        "进一步",
        "逐步",
        "力争",
        "确保",
        "均",
        "分别",
    ];
    let mut t = s.trim().to_string();
    if let Some(m) = LEAD_TIME.find(&t) {
        t = t[m.end()..].to_string();
    }
    loop {
        let before = t.len();
        // the baseline-to-target verbs ("提高到") are predicates too: one list, in clause.rs
        for w in PRED.iter().chain(crate::clause::TO_VERBS) {
            if let Some(rest) = t.strip_prefix(w) {
                t = rest.to_string();
            }
        }
        if t.len() == before {
            break;
        }
    }
    t.is_empty() && !s.trim().is_empty()
}

/// Trims a metric candidate: leading adverbs/verbs/time/place, trailing predicate words.
/// A word is not stripped when what remains would be shorter than two chars or would start
/// with the head of a rate (率, 比), so "培训率" stays whole.
pub fn trim(s: &str) -> String {
    let mut t = s.trim().to_string();
    loop {
        let before = t.clone();
        if let Some(m) = LEAD_TIME.find(&t) {
            if m.end() > 0 {
                t = t[m.end()..].to_string();
            }
        }
        if let Some(m) = LEAD_NUMBERING.find(&t) {
            t = t[m.end()..].to_string();
        }
        if let Some(m) = LEAD_BUILD.find(&t) {
            t = t[m.end()..].to_string();
        }
        for w in LEAD {
            if let Some(rest) = t.strip_prefix(w) {
                let ok = rest.chars().count() >= 2
                    && !["率", "比", "数", "量", "额", "上", "下"]
                        .iter()
                        .any(|h| rest.starts_with(h));
                if ok || rest.is_empty() {
                    t = rest.to_string();
                    break;
                }
            }
        }
        if let Some(m) = TRAIL_BASE.find(&t) {
            if m.start() > 0 {
                t.truncate(m.start());
            }
        }
        for w in TRAIL {
            if let Some(rest) = t.strip_suffix(w) {
                if rest.chars().count() >= 2 {
                    t = rest.to_string();
                    break;
                }
            }
        }
        if t == before {
            break;
        }
    }
    let t = t.trim_matches(|c: char| c == ',' || c == ':' || c.is_whitespace());
    // An opening quote whose closing one lies beyond the metric ("“资金下达……执行50%”").
    // A quotation mark whose partner lies outside the metric ("事故“零发生”").
    let t = t.strip_suffix('“').unwrap_or(t);
    let t = if t.starts_with('“') && !t.contains('”') {
        &t['“'.len_utf8()..]
    } else {
        t
    };
    t.to_string()
}

/// The noun after a value in the count-noun form ("6所公办幼儿园", "3万人次以上的培训").
pub fn trim_post(s: &str) -> String {
    let t = s.trim_start_matches('的');
    t.trim_end_matches(['、', '和', '及', '与']).to_string()
}

/// Verbs that end the noun after a count ("一个龙头企业建立合作关系" → "龙头企业").
const POST_VERBS: &[&str] = &[
    "建立", "开展", "实现", "达到", "通过", "参与", "参加", "签订", "结对", "合作", "形成", "纳入",
    "完成", "用于", "投向",
];

/// The noun of a count-noun phrase, cut before the verb that follows it.
pub fn post_noun(s: &str) -> String {
    let t = trim_post(s);
    let cut = POST_VERBS
        .iter()
        .filter_map(|v| t.find(v))
        .filter(|&b| b >= 6)
        .min();
    match cut {
        Some(b) => t[..b].to_string(),
        None => t,
    }
}

/// Whether a metric names a rate or ratio (ends in 率, 比, 比例, 占比).
pub fn is_rate(s: &str) -> bool {
    let s = s.trim_end_matches(['”', '"']);
    RATE_HEADS.iter().any(|h| s.ends_with(h))
}

/// Splits a list of names at 、/和/及/与, keeping "及以上" and words such as 和谐 whole.
pub fn split_list(s: &str) -> Vec<String> {
    let c: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    for (i, &ch) in c.iter().enumerate() {
        match ch {
            '(' | '“' | '《' => depth += 1,
            ')' | '”' | '》' => depth -= 1,
            _ => {}
        }
        let next = c.get(i + 1).copied();
        let sep = depth == 0
            && match ch {
                '、' => true,
                '和' => !matches!(next, Some('谐' | '平')) && !cur.is_empty(),
                '及' | '与' => !matches!(next, Some('以' | '其' | '时')) && !cur.is_empty(),
                _ => false,
            };
        if sep {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(ch);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A list of rates sharing a value or zipped with 分别 values: "小学入学率、升学率" →
/// ["初中入学率", "初中巩固率"] (a short later item takes the first item's qualifier).
pub fn split_rates(s: &str) -> Option<Vec<String>> {
    let items = split_list(s);
    if items.len() < 2 || !items.iter().all(|i| is_rate(i)) {
        return None;
    }
    let first = items[0].clone();
    let fc: Vec<char> = first.chars().collect();
    let mut out = vec![first.clone()];
    for it in &items[1..] {
        let n = it.chars().count();
        if n <= 4 && fc.len() > n && fc.last() == it.chars().last().as_ref() {
            let prefix: String = fc[..fc.len() - n].iter().collect();
            out.push(format!("{prefix}{it}"));
        } else {
            out.push(it.clone());
        }
    }
    Some(out)
}

/// A 分别 list whose last item carries the shared head: "小学、初中班额" → ["小学班额",
/// "初中班额"]. Items other than the last must be short names (学段, 地区) without that head.
pub fn split_shared_head(s: &str, n: usize) -> Option<Vec<String>> {
    let items = split_list(s);
    if items.len() != n || n < 2 {
        return None;
    }
    // The head is what follows the last item's stage word ("初中班额" → "班额"); items
    // ending in a stage word take it ("城区小学" → "城区小学班额").
    let last_item = &items[n - 1];
    if let Some(w) = STAGES
        .iter()
        .filter(|w| last_item.starts_with(*w))
        .max_by_key(|w| w.len())
    {
        let head = &last_item[w.len()..];
        if head.chars().count() >= 2
            && items[..n - 1]
                .iter()
                .all(|it| STAGES.iter().any(|s| it.ends_with(s)))
        {
            let mut out: Vec<String> = items[..n - 1]
                .iter()
                .map(|it| format!("{it}{head}"))
                .collect();
            out.push(last_item.clone());
            return Some(out);
        }
    }
    let last: Vec<char> = items[n - 1].chars().collect();
    let mut out = Vec::new();
    for it in &items[..n - 1] {
        let k = it.chars().count();
        if k > 4 || last.len() < k + 2 {
            return None;
        }
        let head: String = last[k..].iter().collect();
        if it.ends_with(&head) {
            return None;
        }
        out.push(format!("{it}{head}"));
    }
    out.push(items[n - 1].clone());
    Some(out)
}

/// School stages and areas that name the group a value applies to (小学达到720元、初中达到940元).
pub const STAGES: &[&str] = &[
    "幼儿园",
    "学前",
    "小学",
    "初中",
    "高中",
    "普通高中",
    "中职",
    "中职学校",
    "职业学校",
    "特殊教育学校",
    "城区",
    "城镇",
    "农村",
    "乡村",
    "乡镇",
    "县城",
];

/// Groups named before a metric, zipped with 分别 values: "小学、初中、高中教师中研究生
/// 学历教师比例" → (["小学","初中","高中"], "研究生学历教师比例"); "A和B、C的X率" →
/// (["A", "B、C"], "X率"). None unless the groups number `n`.
pub fn split_scopes(s: &str, n: usize) -> Option<(Vec<String>, String)> {
    const ROLES: &[&str] = &[
        "教职工中",
        "教师中",
        "学生中",
        "学校中",
        "幼儿园中",
        "人员中",
    ];
    for r in ROLES {
        if let Some(p) = s.find(r) {
            let head = &s[p + r.len()..];
            let groups = &s[..p];
            let items = split_list(groups);
            if items.len() == n && !head.is_empty() {
                return Some((items, head.to_string()));
            }
        }
    }
    if let Some(p) = s.rfind('的') {
        let (groups, head) = (&s[..p], &s[p + '的'.len_utf8()..]);
        if head.is_empty() {
            return None;
        }
        let by_and: Vec<String> = groups
            .split('和')
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect();
        if by_and.len() == n {
            return Some((by_and, head.to_string()));
        }
        let all = split_list(groups);
        if all.len() == n {
            return Some((all, head.to_string()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_predicates_and_adverbs() {
        assert_eq!(trim("到2026年学前三年毛入园率达到"), "学前三年毛入园率");
        assert_eq!(trim("确保全县保育员持证上岗率达"), "保育员持证上岗率");
        assert_eq!(
            trim("力争2027年中职学校专业教师培训比例达到"),
            "中职学校专业教师培训比例"
        );
        assert_eq!(trim("新建、改扩建"), "");
        assert_eq!(trim("培训率达到"), "培训率");
        assert_eq!(trim("(改、扩)建公办小学"), "公办小学");
        assert_eq!(trim("入园率由2020年的"), "入园率");
    }

    #[test]
    fn lists() {
        assert_eq!(
            split_rates("小学入学率、升学率").unwrap(),
            vec!["小学入学率", "小学升学率"]
        );
        assert_eq!(
            split_rates("特殊教育入学率和巩固率").unwrap(),
            vec!["特殊教育入学率", "特殊教育巩固率"]
        );
        assert!(split_rates("骨干教师和学科带头人").is_none());
        assert_eq!(split_list("专科及以上学历"), vec!["专科及以上学历"]);
        let (g, h) = split_scopes("小学、初中教师中研究生学历教师比例", 2).unwrap();
        assert_eq!(
            (g, h.as_str()),
            (
                vec!["小学".to_string(), "初中".to_string()],
                "研究生学历教师比例"
            )
        );
    }
}
