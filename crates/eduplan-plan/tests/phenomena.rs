//! One test per phenomenon of planning language, on sentences written for these tests (in
//! the style of plans, not taken from any plan), with the targets worked out by hand.

use eduplan_plan::{extract, Cmp, Target};

/// (metric, value, unit, cmp, year) of each target, in document order.
fn ex(text: &str) -> Vec<(String, f64, String, &'static str, Option<i32>)> {
    extract("t.txt", text)
        .into_iter()
        .map(|t| (t.metric, t.value, t.unit, t.cmp.as_str(), t.year))
        .collect()
}

fn row(
    metric: &str,
    value: f64,
    unit: &str,
    cmp: &'static str,
    year: Option<i32>,
) -> (String, f64, String, &'static str, Option<i32>) {
    (metric.to_string(), value, unit.to_string(), cmp, year)
}

fn all(text: &str) -> Vec<Target> {
    extract("t.txt", text)
}

#[test]
fn several_targets_in_one_clause_with_fenbie() {
    let got = ex("小学适龄儿童入学率和初中巩固率分别稳定在100%和98%以上。");
    assert_eq!(
        got,
        vec![
            row("小学适龄儿童入学率", 100.0, "%", ">=", None),
            row("初中巩固率", 98.0, "%", ">=", None)
        ]
    );
    let t = all("小学适龄儿童入学率和初中巩固率分别稳定在100%和98%以上。");
    assert_eq!(t[0].indicator.as_deref(), Some("pri_ner"));
    assert_eq!(t[1].indicator.as_deref(), Some("jun_retention"));
}

#[test]
fn rates_listed_with_dun_share_a_value() {
    let got = ex("确保小学入学率、升学率均达100%,残疾儿童入学率95%以上。");
    assert_eq!(
        got,
        vec![
            row("小学入学率", 100.0, "%", "=", None),
            row("小学升学率", 100.0, "%", "=", None),
            row("残疾儿童入学率", 95.0, "%", ">=", None)
        ]
    );
}

#[test]
fn counts_listed_and_each() {
    let got = ex("新建、改扩建幼儿园6所、小学4所,新增学位2400个以上。");
    assert_eq!(
        got,
        vec![
            row("幼儿园", 6.0, "所", "=", None),
            row("小学", 4.0, "所", "=", None),
            row("新增学位", 2400.0, "个", ">=", None)
        ]
    );
    let got = ex("创建市级文明校园、书香校园各5所。");
    assert_eq!(
        got,
        vec![
            row("市级文明校园", 5.0, "所", "=", None),
            row("书香校园", 5.0, "所", "=", None)
        ]
    );
    let t = all("为东片和西片各新建1所寄宿制学校。");
    assert_eq!(t.len(), 2);
    assert_eq!(
        (t[0].metric.as_str(), t[0].scope.as_deref()),
        ("寄宿制学校", Some("东片"))
    );
    assert_eq!(t[1].scope.as_deref(), Some("西片"));
}

#[test]
fn yishang_binds_every_value_before_it() {
    let got = ex("全县小学、初中、高中教师中研究生学历教师比例分别达到5%、10%、20%以上。");
    assert_eq!(got.len(), 3);
    assert!(got
        .iter()
        .all(|g| g.3 == ">=" && g.0 == "研究生学历教师比例"));
    let scopes: Vec<Option<String>> =
        all("全县小学、初中、高中教师中研究生学历教师比例分别达到5%、10%、20%以上。")
            .into_iter()
            .map(|t| t.scope)
            .collect();
    assert_eq!(
        scopes,
        vec![
            Some("小学".into()),
            Some("初中".into()),
            Some("高中".into())
        ]
    );
    // Each value with its own comparator keeps it; "=" where there is none.
    let got = ex("培养县级名师8名以上、骨干教师40名,建成名师工作室3个以上。");
    assert_eq!(
        got,
        vec![
            row("县级名师", 8.0, "名", ">=", None),
            row("骨干教师", 40.0, "名", "=", None),
            row("名师工作室", 3.0, "个", ">=", None)
        ]
    );
}

#[test]
fn not_below_and_not_above() {
    let got = ex("普惠性幼儿园覆盖率不低于88%,小学班额不超过45人,初中大班额比例控制在3%以内。");
    assert_eq!(
        got,
        vec![
            row("普惠性幼儿园覆盖率", 88.0, "%", ">=", None),
            row("小学班额", 45.0, "人", "<=", None),
            row("初中大班额比例", 3.0, "%", "<=", None)
        ]
    );
    let got = ex("每名学生每天校内体育活动时间不少于一小时。");
    assert_eq!(
        got,
        vec![row("每名学生每天校内体育活动时间", 1.0, "小时", ">=", None)]
    );
}

const TABLE: &str = "某区教育发展“十四五”规划

表2 主要发展指标

指标

单位

2020年

2025年

属性

学前教育

学前三年毛入园率

%

90.5

95

预期性

在园幼儿

万人

1.3

1.5

预期性

义务教育

九年义务教育巩固率

%

97.2

≥98

约束性

三、主要任务";

#[test]
fn flattened_indicator_table_with_unit_column() {
    let t = all(TABLE);
    assert_eq!(t.len(), 3, "{t:#?}");
    assert_eq!(
        (
            t[0].metric.as_str(),
            t[0].value,
            t[0].unit.as_str(),
            t[0].year
        ),
        ("学前三年毛入园率", 95.0, "%", Some(2025))
    );
    assert_eq!(
        t[0].baseline.as_ref().map(|b| (b.year, b.value)),
        Some((Some(2020), 90.5))
    );
    assert_eq!(
        (
            t[0].kind.as_deref(),
            t[0].scope.as_deref(),
            t[0].indicator.as_deref()
        ),
        (Some("预期性"), Some("学前教育"), Some("pre_ger"))
    );
    // A count table in 万人 keeps 万人 and the written value.
    assert_eq!((t[1].value, t[1].unit.as_str()), (1.5, "万人"));
    assert_eq!(
        (t[2].cmp, t[2].kind.as_deref(), t[2].indicator.as_deref()),
        (Cmp::Ge, Some("约束性"), Some("ce_retention"))
    );
}

#[test]
fn table_header_units_in_metric_cells() {
    let text = "2021年\n2025年\n属性\n高中阶段教育\n毛入学率(%)\n91%\n95%\n预期性\n生师比\n14:1\n13:1\n约束性";
    let t = all(text);
    assert_eq!(t.len(), 2, "{t:#?}");
    assert_eq!(
        (
            t[0].metric.as_str(),
            t[0].unit.as_str(),
            t[0].indicator.as_deref()
        ),
        ("毛入学率", "%", Some("sen_ger"))
    );
    assert_eq!(
        (t[1].value, t[1].unit.as_str(), t[1].year),
        (13.0, "ratio", Some(2025))
    );
}

#[test]
fn past_table_and_past_section_are_not_targets() {
    let text = "某县“十四五”教育规划\n一、发展基础\n“十三五”期间,新建学校11所,毛入园率提高到88%。\n表1 “十三五”目标完成情况\n2015年\n2020年\n毛入园率(%)\n80\n88\n二、发展目标\n到2025年,毛入园率达到92%。";
    assert_eq!(ex(text), vec![row("毛入园率", 92.0, "%", "=", Some(2025))]);
}

#[test]
fn chinese_numerals() {
    let got = ex("建成十二个乡村少年宫,招聘教师两万人次,培育三所特色学校,资助一千二百名学生。");
    assert_eq!(
        got,
        vec![
            row("乡村少年宫", 12.0, "个", "=", None),
            row("教师", 20000.0, "人次", "=", None),
            row("特色学校", 3.0, "所", "=", None),
            row("学生", 1200.0, "名", "=", None)
        ]
    );
}

#[test]
fn wan_and_yi() {
    let got = ex("累计培训教师3.2万人次,新增学位1.5万个,投入教育经费12亿元,设立奖励基金500万元。");
    assert_eq!(
        got,
        vec![
            row("教师", 32000.0, "人次", "=", None),
            row("新增学位", 15000.0, "个", "=", None),
            row("教育经费", 12.0, "亿元", "=", None),
            row("奖励基金", 500.0, "万元", "=", None)
        ]
    );
}

#[test]
fn approximate_values() {
    let got = ex("新增床位600余个,高校录取率达到80%左右,改造校舍约30所,招聘教师近200名。");
    assert_eq!(
        got,
        vec![
            row("新增床位", 600.0, "个", "~", None),
            row("高校录取率", 80.0, "%", "~", None),
            row("校舍", 30.0, "所", "~", None),
            row("教师", 200.0, "名", "~", None)
        ]
    );
}

#[test]
fn year_scopes_a_paragraph_and_a_list() {
    // The year written later in the paragraph scopes the commitment before it.
    let got = ex("确保每个街道至少有一所公办园。到2026年,普惠性幼儿园覆盖率达到92%。");
    assert_eq!(
        got,
        vec![
            row("公办园", 1.0, "所", ">=", Some(2026)),
            row("普惠性幼儿园覆盖率", 92.0, "%", "=", Some(2026))
        ]
    );
    // A lead-in ending with a colon scopes the list under it.
    let got = ex("(二)主要目标\n到2027年,实现以下目标:\n1.学前三年毛入园率达到93%。\n2.新建中小学5所。\n三、保障措施");
    assert_eq!(
        got,
        vec![
            row("学前三年毛入园率", 93.0, "%", "=", Some(2027)),
            row("中小学", 5.0, "所", "=", Some(2027))
        ]
    );
    // A five-year plan's targets without a year hold by its last year; "十四五期间" too.
    let got = ex("某市“十四五”教育发展规划\n建设标准化食堂20个。“十四五”期间,新建高中2所。");
    assert_eq!(
        got,
        vec![
            row("标准化食堂", 20.0, "个", "=", Some(2025)),
            row("高中", 2.0, "所", "=", Some(2025))
        ]
    );
}

#[test]
fn yearly_work_plan_uses_its_year() {
    let got = ex("2025年全县教育工作要点\n一、重点任务\n确保到年底学前三年毛入园率达到95%,依托2024年建成的8个名师工作室开展研修。");
    assert_eq!(
        got,
        vec![row("学前三年毛入园率", 95.0, "%", "=", Some(2025))]
    );
}

#[test]
fn percent_written_baifenzhi() {
    let got = ex("乡村教师培训覆盖率达到百分之九十五。");
    assert_eq!(got, vec![row("乡村教师培训覆盖率", 95.0, "%", "=", None)]);
}

#[test]
fn ranges() {
    let got = ex("特殊教育学校生师比保持在3:1左右,普通高中专任教师中研究生比例达到15%-20%。");
    assert_eq!(
        got,
        vec![
            row("特殊教育学校生师比", 3.0, "ratio", "~", None),
            row("普通高中专任教师中研究生比例", 15.0, "%", ">=", None),
            row("普通高中专任教师中研究生比例", 20.0, "%", "<=", None)
        ]
    );
}

#[test]
fn keep_and_stabilise() {
    let got = ex("九年义务教育巩固率保持在99%,职普招生比例稳定在1:1。");
    assert_eq!(
        got,
        vec![
            row("九年义务教育巩固率", 99.0, "%", "=", None),
            row("职普招生比例", 1.0, "ratio", "=", None)
        ]
    );
    let t = all("九年义务教育巩固率保持在99%,职普招生比例稳定在1:1。");
    assert_eq!(t[1].indicator.as_deref(), Some("voc_gen_ratio"));
}

#[test]
fn eliminate_is_a_target_of_zero() {
    let got = ex(
        "基本消除66人以上超大班额,义务教育阶段失学辍学动态清零,确保全年不发生一起重大安全事故。",
    );
    assert_eq!(
        got,
        vec![
            row("66人以上超大班额", 0.0, "班", "=", None),
            row("义务教育阶段失学辍学动态清零", 0.0, "人", "=", None),
            row("重大安全事故", 0.0, "起", "=", None)
        ]
    );
    // A task named after elimination is not itself the commitment.
    assert!(ex("扎实做好消除大班额工作。").is_empty());
}

#[test]
fn baseline_in_prose() {
    let t = all("高中阶段毛入学率由2020年的88.6%提高到93%。");
    assert_eq!(t.len(), 1);
    assert_eq!(
        (t[0].value, t[0].metric.as_str()),
        (93.0, "高中阶段毛入学率")
    );
    assert_eq!(
        t[0].baseline.as_ref().map(|b| (b.year, b.value)),
        Some((Some(2020), 88.6))
    );
}

#[test]
fn not_targets() {
    // Document numbers, dates, ordinals, formulas, titles of other documents, slogans,
    // durations in names, described (uncommitted) counts, a share naming a group.
    let text = "某政发〔2023〕12号\n发布时间:2023-05-06 10:30\n举办第三届教学技能大赛,推进“1+X”证书试点,落实《教育规划纲要(2010-2020年)》,坚持“三个面向”,实施三年行动计划,甲区56所学校与乙区40所学校结对,关注后10%学生。";
    assert_eq!(ex(text), vec![]);
}

#[test]
fn stage_scopes_share_a_metric() {
    let t = all("生均公用经费小学达到800元/生·年、初中达到1000元/生·年。");
    assert_eq!(t.len(), 2);
    assert_eq!(
        (
            t[0].metric.as_str(),
            t[0].scope.as_deref(),
            t[0].indicator.as_deref()
        ),
        ("生均公用经费", Some("小学"), Some("public_funds_pp"))
    );
    assert_eq!(
        (t[1].metric.as_str(), t[1].value, t[1].scope.as_deref()),
        ("生均公用经费", 1000.0, Some("初中"))
    );
}

#[test]
fn full_width_text() {
    let got = ex("到２０２５年，全区学前三年毛入园率达到９５％以上，新建幼儿园３所。");
    assert_eq!(
        got,
        vec![
            row("学前三年毛入园率", 95.0, "%", ">=", Some(2025)),
            row("幼儿园", 3.0, "所", "=", Some(2025))
        ]
    );
}

#[test]
fn jsonl_has_one_object_per_line() {
    let t = all("到2025年,普惠性幼儿园覆盖率达到90%以上,新建幼儿园3所。");
    let s = eduplan_plan::to_jsonl(&t);
    assert_eq!(s.lines().count(), 2);
    for l in s.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        for k in [
            "doc",
            "sentence",
            "metric",
            "indicator",
            "value",
            "unit",
            "cmp",
            "year",
            "baseline",
            "kind",
            "scope",
        ] {
            assert!(v.get(k).is_some(), "missing {k} in {l}");
        }
    }
}

#[test]
fn per_capita_money_and_stage_scopes() {
    let t = all("生均公用经费标准小学、初中分别提高到每生每年700元、900元。");
    let got: Vec<(&str, f64, &str, Option<&str>)> = t
        .iter()
        .map(|t| {
            (
                t.metric.as_str(),
                t.value,
                t.unit.as_str(),
                t.scope.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("生均公用经费标准", 700.0, "元/生·年", Some("小学")),
            ("生均公用经费标准", 900.0, "元/生·年", Some("初中"))
        ]
    );
}

#[test]
fn at_least_across_a_verb() {
    let t = all("每所乡镇中心校至少配备3名专职心理教师。");
    assert_eq!(
        (
            t[0].metric.as_str(),
            t[0].value,
            t[0].cmp,
            t[0].scope.as_deref()
        ),
        ("专职心理教师", 3.0, Cmp::Ge, Some("每所乡镇中心校"))
    );
}

#[test]
fn head_count_bounds_define_a_metric() {
    let got = ex("45人以上大班额比例控制在5%以内。");
    assert_eq!(got, vec![row("45人以上大班额比例", 5.0, "%", "<=", None)]);
}

#[test]
fn tab_separated_table_rows() {
    let text = "指标\t2020年\t2025年\t属性\n学前三年毛入园率(%)\t88\t92\t预期性\n九年义务教育巩固率(%)\t96\t97\t约束性\n四、保障";
    let t = all(text);
    let got: Vec<(&str, f64, Option<f64>)> = t
        .iter()
        .map(|t| {
            (
                t.metric.as_str(),
                t.value,
                t.baseline.as_ref().map(|b| b.value),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("学前三年毛入园率", 92.0, Some(88.0)),
            ("九年义务教育巩固率", 97.0, Some(96.0))
        ]
    );
}

#[test]
fn status_sentences_are_not_targets() {
    assert!(ex("目前,全县共有幼儿园86所,已建成标准化学校40所。").is_empty());
    // "现有" (existing) also opens future commitments, so it is not a past marker.
    assert_eq!(
        ex("整合现有资源,新建实训基地2个。"),
        vec![row("实训基地", 2.0, "个", "=", None)]
    );
    let got = ex("生均图书达到小学25册、初中35册。");
    assert_eq!(
        got,
        vec![
            row("生均图书", 25.0, "册", "=", None),
            row("生均图书", 35.0, "册", "=", None)
        ]
    );
}

#[test]
fn comparator_before_unit_words_or_a_reference() {
    let got = ex("县中教师交流轮岗比例不低于10%,其中骨干教师不低于交流总数的20%;民办高中招生计划不超过招生总数的15%。");
    assert_eq!(
        got,
        vec![
            row("县中教师交流轮岗比例", 10.0, "%", ">=", None),
            row("骨干教师", 20.0, "%", ">=", None),
            row("民办高中招生计划", 15.0, "%", "<=", None)
        ]
    );
    let got = ex("中职生均拨款标准不低于每生每年1500元,2026年起提高到1800元/生·年。");
    assert_eq!(
        got,
        vec![
            row("中职生均拨款标准", 1500.0, "元/生·年", ">=", None),
            row("中职生均拨款标准", 1800.0, "元/生·年", "=", Some(2026))
        ]
    );
}

#[test]
fn thousands_separators() {
    assert_eq!(
        ex("招聘教师1,200名,培训教师12,000人次。"),
        vec![
            row("教师", 1200.0, "名", "=", None),
            row("教师", 12000.0, "人次", "=", None)
        ]
    );
}

#[test]
fn yearly_columns_inside_the_period_are_milestones() {
    let text = "某县教育发展规划(2023-2025年)\n指标\n2023年\n2024年\n2025年\n普惠性幼儿园覆盖率(%)\n88\n90\n92";
    let got: Vec<(f64, Option<i32>)> = all(text).into_iter().map(|t| (t.value, t.year)).collect();
    assert_eq!(
        got,
        vec![(88.0, Some(2023)), (90.0, Some(2024)), (92.0, Some(2025))]
    );
}

#[test]
fn a_heading_may_state_a_target() {
    let got =
        ex("某县教育规划\n二、到2026年学前三年毛入园率达到96%\n(一)消除大班额\n全面消除大班额。");
    assert_eq!(
        got,
        vec![
            row("学前三年毛入园率", 96.0, "%", "=", Some(2026)),
            row("大班额", 0.0, "班", "=", Some(2026))
        ]
    );
}
