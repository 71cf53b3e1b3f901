//! Cross-sheet rules, merge semantics and diffs on small hand-made years.

use eduplan_core::data::{merge_year, Dataset, RowBuilder, YearData};
use eduplan_core::import::{plan_import, Stored};
use eduplan_core::schema::SheetKind::{self, *};

fn row(s: SheetKind, cells: &[(&str, eduplan_core::data::Value)], source: u32) -> eduplan_core::data::Row {
    let mut b = RowBuilder::new(s);
    for (k, v) in cells {
        b = b.set(k, v.clone());
    }
    let mut r = b.build();
    r.source = Some(source);
    r
}

macro_rules! cells {
    ($($k:expr => $v:expr),* $(,)?) => { &[$(($k, eduplan_core::data::Value::from($v))),*] };
}

/// One county, one township, two schools; 2024 with a 一年级 of 2 classes (40 + 42 = 82).
fn base() -> Dataset {
    let mut ds = Dataset::default();
    ds.table_mut(Regions).rows = vec![
        row(Regions, cells!("code" => "360721", "name" => "示例县"), 2),
        row(Regions, cells!("code" => "360721001", "name" => "城关镇", "parent" => "360721", "urban_rural" => "城区"), 3),
    ];
    ds.table_mut(Schools).rows = vec![
        row(Schools, cells!("school_id" => "3607210001", "name" => "城关小学", "type" => "小学", "ownership" => "公办", "region" => "360721001", "urban_rural" => "城区"), 2),
        row(Schools, cells!("school_id" => "3607210002", "name" => "城关幼儿园", "type" => "幼儿园", "ownership" => "公办", "puhui" => false, "region" => "360721001", "urban_rural" => "城区"), 3),
    ];
    ds.table_mut(Students).rows = vec![row(Students, cells!("year" => 2024, "school_id" => "3607210001", "grade" => "一年级", "enrolled" => 82, "female" => 40), 2)];
    ds.table_mut(Classes).rows = vec![
        row(Classes, cells!("year" => 2024, "school_id" => "3607210001", "grade" => "一年级", "class" => "1班", "size" => 40), 2),
        row(Classes, cells!("year" => 2024, "school_id" => "3607210001", "grade" => "一年级", "class" => "2班", "size" => 42), 3),
    ];
    ds
}

#[test]
fn a_consistent_year_passes_and_public_kindergartens_are_puhui() {
    let plan = plan_import(base(), vec![], &Stored::new());
    assert!(plan.ok(), "{:?}", plan.issues);
    let w: Vec<_> = plan.warnings().collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].column, "普惠性");
    let y = &plan.years[0].data;
    let t = y.table(Schools);
    assert_eq!(t.get(&t.rows[1], "puhui").as_bool(), Some(true));
    let d = &plan.years[0].diff;
    assert_eq!(d.schools_added.len(), 2);
    let students = d.figures.iter().find(|f| f.figure == "在校生").unwrap();
    assert_eq!((students.before, students.after), (0.0, 82.0));
}

#[test]
fn class_sizes_must_sum_to_enrolment_and_the_error_names_both_figures() {
    let mut ds = base();
    let i = Classes.col_index("size").unwrap();
    ds.table_mut(Classes).rows[1].cells[i] = 45.into();
    let plan = plan_import(ds, vec![], &Stored::new());
    assert!(!plan.ok());
    let e = plan.errors().next().unwrap();
    assert_eq!(e.sheet, "班级");
    assert!(e.zh.contains("85") && e.zh.contains("82"), "{}", e.zh);
    assert!(e.en.contains("sum to 85") && e.en.contains("82 enrolled"), "{}", e.en);
}

#[test]
fn references_parts_and_duplicates_are_checked() {
    let mut ds = base();
    ds.table_mut(Students).rows.push(row(Students, cells!("year" => 2024, "school_id" => "3607219999", "grade" => "二年级", "enrolled" => 5), 3));
    ds.table_mut(Students).rows.push(row(Students, cells!("year" => 2024, "school_id" => "3607210001", "grade" => "一年级", "enrolled" => 82), 4));
    let fi = Students.col_index("female").unwrap();
    ds.table_mut(Students).rows[0].cells[fi] = 90.into();
    ds.table_mut(Schools).rows[0].cells[Schools.col_index("region").unwrap()] = "360721009".into();
    let plan = plan_import(ds, vec![], &Stored::new());
    let errs: Vec<_> = plan.errors().collect();
    let has = |sheet: &str, row: u32, col: &str| errs.iter().any(|e| e.sheet == sheet && e.row == Some(row) && e.column == col);
    assert!(has("学生", 3, "学校标识码"), "unknown school: {errs:#?}");
    assert!(has("学生", 4, "年级"), "duplicate key reported on the second row: {errs:#?}");
    assert!(has("学生", 2, "女生"), "female > enrolled: {errs:#?}");
    assert!(has("学校", 2, "区划代码"), "region not in 区划: {errs:#?}");
}

#[test]
fn suspicious_figures_warn_but_never_block() {
    let mut ds = base();
    // one class of 120 in 二年级, consistent with the students sheet
    ds.table_mut(Students).rows.push(row(Students, cells!("year" => 2024, "school_id" => "3607210001", "grade" => "二年级", "enrolled" => 120), 3));
    ds.table_mut(Classes).rows.push(row(Classes, cells!("year" => 2024, "school_id" => "3607210001", "grade" => "二年级", "class" => "3班", "size" => 120), 4));
    ds.table_mut(Staff).rows.push(row(Staff, cells!("year" => 2024, "school_id" => "3607210001", "staff_id" => "T1", "role" => "专任教师", "birth_year" => 1930), 2));
    let plan = plan_import(ds, vec![], &Stored::new());
    assert!(plan.ok(), "{:?}", plan.errors().collect::<Vec<_>>());
    assert!(plan.warnings().any(|w| w.sheet == "班级" && w.row == Some(4)));
    assert!(plan.warnings().any(|w| w.sheet == "教职工" && w.column == "出生年份"));
}

#[test]
fn enrolment_falling_by_more_than_sixty_percent_warns() {
    let first = plan_import(base(), vec![], &Stored::new());
    let mut stored = Stored::new();
    stored.insert(2024, (1, first.years[0].data.clone()));
    let mut next = Dataset::default();
    next.table_mut(Students).rows = vec![row(Students, cells!("year" => 2025, "school_id" => "3607210001", "grade" => "一年级", "enrolled" => 30), 2)];
    next.table_mut(Classes).rows = vec![row(Classes, cells!("year" => 2025, "school_id" => "3607210001", "grade" => "一年级", "class" => "1班", "size" => 30), 2)];
    // 2025 is new: it starts from nothing, so it needs the lists too
    next.table_mut(Regions).rows = base().table(Regions).unwrap().rows.clone();
    next.table_mut(Schools).rows = base().table(Schools).unwrap().rows.clone();
    let plan = plan_import(next, vec![], &stored);
    assert!(plan.ok(), "{:?}", plan.errors().collect::<Vec<_>>());
    assert!(plan.warnings().any(|w| w.en.contains("fell from 82 to 30")), "{:?}", plan.issues);
}

#[test]
fn merge_replaces_rows_per_school_and_complete_lists_drop_schools() {
    let prev: YearData = YearData::from_dataset(&base(), 2024);
    // an upload of 办学条件 for one school adds its row; nothing else changes
    let mut up = Dataset::default();
    up.table_mut(Conditions).rows = vec![row(Conditions, cells!("year" => 2024, "school_id" => "3607210002", "books" => 100), 2)];
    let m = merge_year(Some(&prev), &up, 2024);
    assert_eq!(m.table(Conditions).rows.len(), 1);
    assert_eq!(m.table(Classes), prev.table(Classes));
    // a 学校 sheet without school 0001 drops it and its rows in every sheet
    let mut up = Dataset::default();
    up.table_mut(Schools).rows = vec![prev.table(Schools).rows[1].clone()];
    let m = merge_year(Some(&prev), &up, 2024);
    assert_eq!(m.table(Schools).rows.len(), 1);
    assert!(m.table(Students).rows.is_empty() && m.table(Classes).rows.is_empty());
    let d = eduplan_core::diff::diff_year(Some(&prev), &m);
    assert_eq!(d.schools_removed.len(), 1);
    assert_eq!(d.schools_removed[0].school_id, "3607210001");
    // rows of another year in the upload do not touch this one
    let mut up = Dataset::default();
    up.table_mut(Students).rows = vec![row(Students, cells!("year" => 2023, "school_id" => "3607210001", "grade" => "一年级", "enrolled" => 1), 2)];
    assert_eq!(merge_year(Some(&prev), &up, 2024), prev);
}

#[test]
fn an_upload_with_no_year_updates_the_latest_stored_year_or_fails() {
    let mut lists = Dataset::default();
    lists.table_mut(Regions).rows = base().table(Regions).unwrap().rows.clone();
    let plan = plan_import(lists.clone(), vec![], &Stored::new());
    assert!(!plan.ok(), "no year anywhere");
    assert!(plan.errors().next().unwrap().en.contains("nothing to import"));
    let mut stored = Stored::new();
    stored.insert(2024, (3, YearData::from_dataset(&base(), 2024)));
    let plan = plan_import(lists, vec![], &stored);
    assert_eq!(plan.years.len(), 1);
    assert_eq!((plan.years[0].year, plan.years[0].previous_version), (2024, Some(3)));
}
