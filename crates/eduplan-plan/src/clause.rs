//! Reading one clause (分句): its value mentions grouped into runs (values joined only by
//! 、/和, so that 以上 binds all of them), the metric before or after each run, 分别/各
//! distribution, baselines (由…提高到…), and zero targets (消除, 清零, 不发生).

use crate::lexicon::Lexicon;
use crate::mention::{self, Mention};
use crate::metric;
use crate::scope::{self, Period};
use crate::target::{Baseline, Cmp};
use regex::Regex;
use std::sync::LazyLock;

/// A target before its year is known: where it stands in the sentence, for year scoping.
pub(crate) struct Draft {
    pub(crate) clause: usize,
    pub(crate) pos: usize,
    pub(crate) metric: String,
    pub(crate) value: f64,
    pub(crate) unit: String,
    pub(crate) cmp: Cmp,
    pub(crate) scope: Option<String>,
    pub(crate) kind: Option<String>,
    pub(crate) baseline: Option<Baseline>,
    pub(crate) sentence: String,
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Units of counts (things built, people trained): these need a commitment verb.
pub(crate) fn is_count(unit: &str) -> bool {
    !matches!(
        unit,
        "%" | "ratio" | "个百分点" | "年" | "m²" | "元" | "万元" | "亿元" | "千元"
    ) && !unit.starts_with("元/")
}

/// Verbs that commit to a count ("新建6所", "招聘教师800名"); a count without one
/// ("甲区56所学校与乙区40所学校结对") is a description.
const COMMIT: &[&str] = &[
    "建",
    "培育",
    "培养",
    "招聘",
    "补充",
    "引进",
    "打造",
    "完成",
    "达到",
    "达",
    "举行",
    "举办",
    "新增",
    "增加",
    "回购",
    "启动",
    "评选",
    "遴选",
    "认定",
    "设立",
    "开设",
    "组建",
    "配备",
    "实现",
    "提供",
    "招收",
    "录取",
    "资助",
    "培训",
    "发放",
    "投入",
    "购置",
    "改造",
    "创设",
    "开发",
    "选派",
    "选拔",
    "评定",
    "命名",
    "争创",
    "扶持",
    "招录",
    "聘请",
    "保持",
    "稳定在",
    "控制在",
    "提高到",
    "提升至",
    "增至",
    "扩大到",
    "新招",
    "申报",
    "创成",
    "建成",
    "消化",
    "化解",
    "培植",
    "挂牌",
    "达标",
    "覆盖",
    "拟",
    "做好",
];

static CMP_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(不低于|不少于|不小于|不超过|不高于|不多于|超过|高于|低于|控制在)(?:[^,、]{1,10}的)?$",
    )
    .unwrap()
});

/// Per-capita words written before a money value, and the unit they make.
const PER_CAPITA: &[(&str, &str)] = &[
    ("每生每年", "元/生·年"),
    ("生均每年", "元/生·年"),
    ("每生/年", "元/生·年"),
    ("每人每年", "元/人·年"),
    ("每人每月", "元/人·月"),
    ("每生每月", "元/生·月"),
];

/// Verbs between a baseline and its target ("由89%提高到93%").
pub(crate) const TO_VERBS: &[&str] = &[
    "提高到",
    "提高至",
    "提升到",
    "提升至",
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
];

/// Reads clauses with a lexicon (zero-target units) and the plan period (past years).
pub(crate) struct ClauseReader<'a> {
    pub(crate) lex: &'a Lexicon,
    pub(crate) period: Period,
}

impl ClauseReader<'_> {
    /// Targets of one compact clause, and whether it committed to a count (so that a following
    /// verbless clause "三类园3所" continues the list).
    pub(crate) fn read(&self, cc: &str, carry: bool, in_heading: bool) -> (Vec<Draft>, bool) {
        let c: Vec<char> = cc.chars().collect();
        let mut drafts = Vec::new();
        let (zeros, suppressed) = self.zero_targets(&c);
        if !in_heading {
            drafts.extend(zeros);
        }
        let mentions: Vec<Mention> = mention::scan(&c)
            .into_iter()
            .filter(|m| {
                !suppressed
                    .iter()
                    .any(|(a, b)| m.start >= *a && m.start < *b)
            })
            // "56人以上大班额", "2000人以上学校": a head count bounding a noun defines it.
            .filter(|m| {
                !(m.unit == "人"
                    && m.end > m.unit_end
                    && c.get(m.end).is_some_and(|ch| is_han(*ch) && *ch != '的'))
            })
            .collect();
        let runs = runs(&c, &mentions);
        let mut counted = false;
        let mut prev_end = 0;
        let mut k = 0;
        while k < runs.len() {
            // A baseline then "提高到" then the target ("由2020年的89.2%提高到93%") is one unit.
            let mut target_idx = k;
            let mut is_base = false;
            if let (1, Some(next)) = (runs[k].len(), runs.get(k + 1)) {
                let between: String = c[runs[k][0].end..next[0].start].iter().collect();
                if next.len() == 1
                    && next[0].unit == runs[k][0].unit
                    && TO_VERBS.contains(&between.as_str())
                {
                    target_idx = k + 1;
                    is_base = true;
                }
            }
            let first = &runs[k][0];
            let target_run: &[Mention] = &runs[target_idx];
            let last = &target_run[target_run.len() - 1];
            let pre_cmp_len = mention::prefix_cmp(&c, first.start)
                .map(|(_, n)| n)
                .unwrap_or(0);
            let pre_end = first.start.saturating_sub(pre_cmp_len).max(prev_end);
            let mut pre: String = c[prev_end..pre_end].iter().collect();
            // Split the gap to the next run at its first list separator: the part before is
            // this run's noun ("9所公办幼儿园"), the part after the next run's metric.
            let next_start = runs
                .get(target_idx + 1)
                .map(|r| r[0].start)
                .unwrap_or(c.len());
            let gap: Vec<char> = c[last.end..next_start].to_vec();
            let split = gap
                .iter()
                .position(|&ch| ch == '、' || ch == ',')
                .unwrap_or(if target_idx + 1 < runs.len() {
                    0
                } else {
                    gap.len()
                });
            let post: String = gap[..split].iter().collect();
            let skip_sep = usize::from(split < gap.len());
            prev_end = (last.end + split + skip_sep).min(next_start).max(last.end);
            let baseline = is_base.then(|| Baseline {
                year: scope::years(&pre, self.period).last().map(|y| y.year),
                value: first.value,
            });
            let head_end = target_run[0].start;
            let committed = carry
                || target_run
                    .iter()
                    .any(|m| matches!(m.cmp, Some(Cmp::Ge | Cmp::Le)))
                || COMMIT
                    .iter()
                    .any(|v| c[..head_end].iter().collect::<String>().contains(v));
            let clause_start = pre.trim_start_matches(['、', ',']).is_empty()
                || (metric::trim(&pre).is_empty() && k == 0);
            let mut kind = None;
            let after: String = c[target_run[target_run.len() - 1].end..]
                .iter()
                .take(5)
                .collect();
            for w in ["(约束性)", "(预期性)"] {
                if after.starts_with(w) {
                    kind = Some(w.trim_matches(['(', ')']).to_string());
                }
            }
            pre = pre.trim_start_matches(['、', ',']).to_string();
            // "每生每年700元": the per-capita words before a money value are its unit.
            let mut target_run = target_run.to_vec();
            if target_run.iter().all(|m| m.unit == "元") {
                if let Some((w, unit)) = PER_CAPITA.iter().find(|(w, _)| pre.ends_with(w)) {
                    pre.truncate(pre.len() - w.len());
                    target_run
                        .iter_mut()
                        .for_each(|m| m.unit = unit.to_string());
                }
            }
            // A comparator before the unit words or a reference: "不低于每生每年1000元",
            // "不低于交流总数的20%".
            if target_run.iter().all(|m| m.cmp.is_none()) {
                if let Some(m) = CMP_REF.captures(&pre) {
                    if let Some(cmp) = mention::cmp_word(&m[1]) {
                        pre.truncate(m.get(0).map(|x| x.start()).unwrap_or(pre.len()));
                        target_run.iter_mut().for_each(|x| x.cmp = Some(cmp));
                    }
                }
            }
            let made = self.run_targets(&target_run, &pre, &post, clause_start, committed);
            for (metric, scope, m) in made {
                if is_count(&m.unit) {
                    counted = true;
                }
                let cmp = m.cmp.unwrap_or(if m.about { Cmp::About } else { Cmp::Eq });
                let mut push = |value: f64, cmp: Cmp| {
                    drafts.push(Draft {
                        clause: 0,
                        pos: m.start,
                        metric: metric.clone(),
                        value,
                        unit: m.unit.clone(),
                        cmp,
                        scope: scope.clone(),
                        kind: kind.clone(),
                        baseline: baseline.clone(),
                        sentence: String::new(),
                    })
                };
                match m.hi {
                    // A range commits to both ends.
                    Some(hi) => {
                        push(m.value, Cmp::Ge);
                        push(hi, Cmp::Le);
                    }
                    None => push(m.value, cmp),
                }
            }
            k = target_idx + 1;
        }
        stage_scopes(&mut drafts);
        (drafts, counted)
    }

    /// (metric, scope, mention with the run's comparator applied) for each target of a run.
    fn run_targets(
        &self,
        run: &[Mention],
        pre: &str,
        post: &str,
        clause_start: bool,
        committed: bool,
    ) -> Vec<(String, Option<String>, Mention)> {
        let unit = run[0].unit.as_str();
        let count = is_count(unit);
        if count && !committed {
            return Vec::new();
        }
        // 以上 after the last value and 不低于 before the first bind every value of the run.
        let last_cmp = run[run.len() - 1].cmp;
        let first_cmp = run[0].cmp;
        let mut ms: Vec<Mention> = run.to_vec();
        for m in &mut ms {
            if m.cmp.is_none() {
                m.cmp = last_cmp.or(first_cmp);
            }
        }
        let fenbie = pre.contains("分别");
        let pre_clean = pre.replace("分别", "");
        // 各/均 distributes the value over the list before it, also across a verb (各新建).
        let each_at = pre_clean
            .rfind(['各', '均'])
            .filter(|&b| metric::trim(&pre_clean[b + '各'.len_utf8()..]).is_empty());
        let each = each_at.is_some();
        let pre_list = match each_at {
            Some(b) => &pre_clean[..b],
            None => pre_clean.as_str(),
        };
        let pre_t = metric::trim(pre_list);
        let post_t = metric::trim_post(post);
        let post_is_word = post_t
            .chars()
            .next()
            .is_some_and(|ch| ch.is_alphabetic() || ch == '“');
        let money = matches!(unit, "元" | "万元" | "亿元" | "千元");
        let (metric, from_post) = if (count || money) && post_is_word {
            (metric::post_noun(post), true)
        } else if unit == "%" && post_is_word && run[run.len() - 1].cmp.is_none() {
            if clause_start {
                (post_t.clone(), true) // "100%中小学通过达标验收"
            } else {
                return Vec::new(); // "后20%学生": a share naming a group, not a target
            }
        } else if !pre_t.is_empty() {
            (pre_t.clone(), false)
        } else if post_is_word {
            (post_t.clone(), true)
        } else {
            let raw = pre_list.trim_start_matches(['、', ',']).to_string();
            if raw.is_empty() {
                return Vec::new();
            }
            if metric::is_predicate_only(&raw) {
                // Restates the metric before it ("2024年起提高到1200元"): filled in by the
                // sentence from the previous target with the same unit.
                return ms.into_iter().map(|m| (String::new(), None, m)).collect();
            }
            (raw, false)
        };
        if metric.is_empty() {
            return Vec::new();
        }
        if unit == "年" && !metric.contains("年限") {
            return Vec::new();
        }
        if unit == "ratio" && !metric.contains('比') {
            return Vec::new();
        }
        let n = ms.len();
        let mut out = Vec::new();
        if n == 1 {
            let m = ms.remove(0);
            if each && count && from_post {
                let scopes = metric::split_list(&pre_t);
                if scopes.len() >= 2 {
                    return scopes
                        .into_iter()
                        .map(|s| (metric.clone(), Some(s), m.clone()))
                        .collect();
                }
            }
            if each && count && !from_post {
                let items = metric::split_list(&metric);
                if items.len() >= 2 {
                    return items.into_iter().map(|s| (s, None, m.clone())).collect();
                }
            }
            if !from_post {
                if let Some(items) = metric::split_rates(&metric) {
                    return items.into_iter().map(|s| (s, None, m.clone())).collect();
                }
            }
            let scope = each_scope(&pre_t, from_post);
            out.push((metric, scope, m));
            return out;
        }
        let rates = metric::split_rates(&metric).filter(|r| r.len() == n);
        let lists = if fenbie {
            metric::split_shared_head(&metric, n)
                .or(Some(metric::split_list(&metric)).filter(|r| r.len() == n))
        } else {
            None
        };
        if let Some(items) = rates {
            return items
                .into_iter()
                .zip(ms)
                .map(|(s, m)| (s, None, m))
                .collect();
        }
        if let Some((scopes, head)) = metric::split_scopes(&metric, n) {
            return scopes
                .into_iter()
                .zip(ms)
                .map(|(s, m)| (head.clone(), Some(s), m))
                .collect();
        }
        if let Some(items) = lists {
            return items
                .into_iter()
                .zip(ms)
                .map(|(s, m)| (s, None, m))
                .collect();
        }
        ms.into_iter().map(|m| (metric.clone(), None, m)).collect()
    }

    /// Zero targets (目标为零) of a clause: 消除X / X清零 / 不发生X. Returns them and the char
    /// ranges of their objects, whose numbers ("56人以上大班额") are definitions, not values.
    fn zero_targets(&self, c: &[char]) -> (Vec<Draft>, Vec<(usize, usize)>) {
        let s: String = c.iter().collect();
        let mut drafts = Vec::new();
        let mut ranges = Vec::new();
        for trig in ["不发生", "消除", "清零", "杜绝", "零发生"] {
            let Some(b) = s.find(trig) else { continue };
            let at = s[..b].chars().count();
            let after = at + trig.chars().count();
            let tail: String = c[after..].iter().collect();
            let object_after = trig != "零发生"
                && !tail.is_empty()
                && !["成效", "成果", "工作", "机制", "行动"]
                    .iter()
                    .any(|w| tail.starts_with(w));
            let (object, range, metric_suffix) = if object_after {
                let o = tail
                    .trim_start_matches(['一', '任', '何'])
                    .trim_start_matches("起")
                    .to_string();
                if o.ends_with("工作") {
                    continue; // "消除大班额工作": a task, not a commitment
                }
                (o, (after, c.len()), "")
            } else {
                let before: String = c[..at].iter().collect();
                (
                    metric::trim(&before),
                    (0, at),
                    if trig == "清零" { "清零" } else { "" },
                )
            };
            let Some(unit) = self.lex.zero_unit(&object) else {
                continue;
            };
            let unit = unit.to_string();
            ranges.push(range);
            let objects: Vec<String> = if object.matches('“').count() >= 2 {
                object
                    .split('“')
                    .filter(|x| !x.is_empty())
                    .map(|x| x.trim_end_matches('”').to_string())
                    .collect()
            } else {
                vec![object.clone()]
            };
            for o in objects {
                let metric = format!("{o}{metric_suffix}");
                drafts.push(Draft {
                    clause: 0,
                    pos: at,
                    metric,
                    value: 0.0,
                    unit: unit.clone(),
                    cmp: Cmp::Eq,
                    scope: None,
                    kind: None,
                    baseline: None,
                    sentence: String::new(),
                });
            }
        }
        (drafts, ranges)
    }
}

/// "生均公用经费小学达到720元、初中达到940元": a metric that is only a stage or area takes
/// the metric before it, and both become scopes.
fn stage_scopes(drafts: &mut [Draft]) {
    for i in 1..drafts.len() {
        let stage = drafts[i].metric.clone();
        if !metric::STAGES.contains(&stage.as_str()) || drafts[i].unit != drafts[i - 1].unit {
            continue;
        }
        let prev = drafts[i - 1].metric.clone();
        let base = match metric::STAGES
            .iter()
            .filter(|w| prev.ends_with(*w) && prev.len() > w.len())
            .max_by_key(|w| w.len())
        {
            Some(w) => {
                let base = metric::trim(&prev[..prev.len() - w.len()]);
                // For counts of things built the stage is the thing ("城区小学6所、
                // 初中4所"); only a per-pupil or per-class measure has stages as scopes.
                let measure = ["生均", "人均", "每百名", "班额", "标准", "比例", "率"]
                    .iter()
                    .any(|m| base.contains(m));
                if is_count(&drafts[i].unit) && !measure {
                    continue;
                }
                if drafts[i - 1].scope.is_none() {
                    drafts[i - 1].scope = Some(w.to_string());
                    drafts[i - 1].metric = base;
                }
                drafts[i - 1].metric.clone()
            }
            None if drafts[i - 1].scope.is_some() => prev,
            None => continue,
        };
        drafts[i].metric = base;
        drafts[i].scope = Some(stage);
    }
}

/// "每个街道至少有一所": the 每个/各 group a count applies to, when the metric is the noun after it.
fn each_scope(pre_t: &str, from_post: bool) -> Option<String> {
    if !from_post {
        return None;
    }
    ["每个", "每所", "每一个", "各"]
        .iter()
        .find(|w| pre_t.starts_with(*w))?;
    let cut = ["至少", "建成", "建设", "新建", "有", "配备"]
        .iter()
        .filter_map(|w| pre_t.find(w))
        .min()
        .unwrap_or(pre_t.len());
    Some(pre_t[..cut].to_string()).filter(|s| !s.is_empty())
}

/// Groups mentions into runs: consecutive values joined only by 、/和/及/与/或 (or nothing,
/// "65%100%"), which share a metric and the comparator written after the last of them.
fn runs(c: &[char], ms: &[Mention]) -> Vec<Vec<Mention>> {
    let mut out: Vec<Vec<Mention>> = Vec::new();
    for m in ms {
        if let Some(last) = out.last_mut().and_then(|r| r.last().cloned()) {
            let gap: String = c[last.end..m.start].iter().collect();
            let joins = gap
                .chars()
                .all(|ch| matches!(ch, '、' | '和' | '及' | '与' | '或'));
            let same_kind = is_count(&last.unit) == is_count(&m.unit);
            if joins
                && same_kind
                && last
                    .cmp
                    .is_none_or(|_| gap.is_empty() || last.end == last.unit_end)
            {
                if let Some(r) = out.last_mut() {
                    r.push(m.clone());
                    continue;
                }
            }
        }
        out.push(vec![m.clone()]);
    }
    out
}
