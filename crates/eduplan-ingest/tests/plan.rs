//! The plan workbook (指标目标, 项目, 资金): written and read back unchanged; a bad cell is named by
//! file, sheet, row and column, and every error is reported, not only the first.

use eduplan_core::plan::{Cmp, FundEntry, PlanBook, Project, TargetRow};
use eduplan_ingest::plan::{read_plan_workbook, write_plan_workbook};

fn book() -> PlanBook {
    PlanBook {
        targets: vec![TargetRow { row: 2, indicator: "pre_ger".into(), scope: "360721".into(), base_year: Some(2020), base_value: Some(88.5), target_year: 2025, target_value: 93.0, cmp: Cmp::Ge, unit: "%".into(), kind: "约束性".into(), source: "学前三年毛入园率达到93%以上".into() }],
        projects: vec![
            Project { row: 2, id: "XM01".into(), name: "城东幼儿园".into(), kind: "新建".into(), school_id: String::new(), new_places: 360, investment: 2400.0, start_year: 2023, end_year: 2024, status: "在建".into() },
            Project { row: 3, id: "XM02".into(), name: "实验小学扩建".into(), kind: "改扩建".into(), school_id: "3607210001".into(), new_places: 540, investment: 3100.5, start_year: 2024, end_year: 2025, status: "在建".into() },
        ],
        funds: vec![
            FundEntry { row: 2, project: "XM01".into(), date: "2024-03-15".into(), released: 800.0, spent: 120.0 },
            FundEntry { row: 3, project: "XM02".into(), date: "2024-06-30".into(), released: 0.0, spent: 300.25 },
        ],
    }
}

#[test]
fn written_and_read_back_unchanged() {
    let bytes = write_plan_workbook(&book()).unwrap();
    assert_eq!(read_plan_workbook("规划.xlsx", &bytes).unwrap(), book());
}

#[test]
fn errors_are_located_and_all_reported() {
    let mut b = book();
    b.funds[1].project = "XM99".into();
    b.projects[1].kind = "翻新".into();
    let bytes = write_plan_workbook(&b).unwrap();
    let issues = read_plan_workbook("规划.xlsx", &bytes).unwrap_err();
    let at: Vec<String> = issues.iter().map(|i| format!("{}|{}|{:?}|{}", i.file, i.sheet, i.row, i.column)).collect();
    assert!(at.contains(&"规划.xlsx|资金|Some(3)|项目编号".to_string()), "{at:?}");
    assert!(at.contains(&"规划.xlsx|项目|Some(3)|类型".to_string()), "{at:?}");
    assert!(issues.iter().all(|i| !i.zh.is_empty() && !i.en.is_empty()));

    // a text where a number belongs
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("资金").unwrap();
    for (c, h) in ["项目编号", "日期", "下达(万元)", "支出(万元)"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "XM01").unwrap();
    ws.write_string(1, 1, "2024-01-02").unwrap();
    ws.write_string(1, 2, "八百").unwrap();
    let issues = read_plan_workbook("f.xlsx", &wb.save_to_buffer().unwrap()).unwrap_err();
    let i = issues.iter().find(|i| i.column == "下达(万元)").expect("the bad amount");
    assert_eq!((i.sheet.as_str(), i.row, i.value.as_str()), ("资金", Some(2), "八百"));
    // and the unknown project of that row, in the same report
    assert!(issues.iter().any(|i| i.column == "项目编号"));
}

#[test]
fn a_workbook_without_plan_sheets_is_refused() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().set_name("学校").unwrap();
    let issues = read_plan_workbook("x.xlsx", &wb.save_to_buffer().unwrap()).unwrap_err();
    assert!(issues[0].zh.contains("指标目标"));
}
