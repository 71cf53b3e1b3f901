//! The `eduplan` binary end to end: generate → import → export → import, versions, dry runs,
//! and bad files refused with a non-zero exit and the store unchanged.

use std::path::Path;
use std::process::{Command, Output};

fn eduplan(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eduplan")).arg("--db").arg(db).args(args).output().expect("run eduplan")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn versions(db: &Path) -> String {
    let o = eduplan(db, &["versions"]);
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[test]
fn generate_import_export_reimport_and_refuse_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let gen = dir.path().join("gen");
    let o = eduplan(&db, &["generate", "--out", gen.to_str().unwrap(), "--years", "2023-2024", "--seed", "9"]);
    assert!(o.status.success(), "{}", text(&o));

    // dry run: the diff is printed, nothing is written
    let o = eduplan(&db, &["import", gen.to_str().unwrap(), "--dry-run"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("学年/year 2024"));
    assert!(!versions(&db).contains("2024"));

    let o = eduplan(&db, &["import", gen.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let v = versions(&db);
    assert!(v.contains("2023") && v.contains("2024"), "{v}");

    // export then import: a new version with no changes
    let x = dir.path().join("2024.xlsx");
    let o = eduplan(&db, &["export", "--year", "2024", x.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let o = eduplan(&db, &["import", x.to_str().unwrap(), "--dry-run"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("学校/schools: +0 −0 ~0"), "{}", text(&o));

    // a GBK CSV with one bad row and one bad column: exit 1, every error listed, store unchanged
    let before = versions(&db);
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    let csv = "学年,学校标识码,网络多媒体教室,图书,错列\n2024,3607210001,十,100,\n2024,3607210002,5,很多,\n";
    std::fs::write(bad.join("办学条件.csv"), encoding_rs::GBK.encode(csv).0).unwrap();
    let o = eduplan(&db, &["import", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("第2行/row 2 [网络多媒体教室] \"十\""), "{t}");
    assert!(t.contains("第3行/row 3 [图书] \"很多\""), "{t}");
    assert!(t.contains("未知列“错列”"), "{t}");
    assert!(t.contains("3 个错误"), "{t}");
    assert_eq!(versions(&db), before);

    // a truncated workbook: an error, not a panic, and nothing written
    let bytes = std::fs::read(&x).unwrap();
    let cut = dir.path().join("cut.xlsx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let o = eduplan(&db, &["import", cut.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("cut.xlsx"));
    assert_eq!(versions(&db), before);

    // the template reads back as nothing to import
    let tpl = dir.path().join("t.xlsx");
    assert!(eduplan(&db, &["template", tpl.to_str().unwrap()]).status.success());
    let o = eduplan(&db, &["import", tpl.to_str().unwrap()]);
    assert_eq!(versions(&db), before, "{}", text(&o));
}

#[test]
fn generated_data_is_deterministic_for_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let run = |name: &str, seed: &str| {
        let out = dir.path().join(name);
        let o = eduplan(&db, &["generate", "--out", out.to_str().unwrap(), "--years", "2024", "--seed", seed]);
        assert!(o.status.success(), "{}", text(&o));
        std::fs::read(out.join("教职工.csv")).unwrap()
    };
    assert_eq!(run("a", "4"), run("b", "4"));
    assert_ne!(run("a", "4"), run("c", "5"));
}

#[test]
fn indicators_json_fields_levels_formats_and_user_defined() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("i.db");
    let gen = dir.path().join("gen");
    assert!(eduplan(&db, &["generate", "--out", gen.to_str().unwrap(), "--years", "2024", "--seed", "4", "--counties", "2"]).status.success());
    let o = eduplan(&db, &["import", gen.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));

    // JSON: the fields, and city and province figures because there are two counties
    let o = eduplan(&db, &["indicators", "--year", "2024", "--codes", "pri_ger,ptr", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let items = v.as_array().unwrap();
    for f in items {
        for k in ["code", "name", "scope", "level", "year", "value", "unit", "numerator", "denominator", "status", "reason", "stage"] {
            assert!(f.get(k).is_some(), "field {k} missing in {f}");
        }
    }
    let levels: std::collections::BTreeSet<&str> = items.iter().map(|f| f["level"].as_str().unwrap()).collect();
    assert_eq!(levels.into_iter().collect::<Vec<_>>(), vec!["city", "county", "province", "school", "township"]);
    let prov = items.iter().find(|f| f["code"] == "pri_ger" && f["level"] == "province").unwrap();
    let counties: Vec<&serde_json::Value> = items.iter().filter(|f| f["code"] == "pri_ger" && f["level"] == "county").collect();
    assert_eq!(counties.len(), 2);
    let n: f64 = counties.iter().map(|f| f["numerator"].as_f64().unwrap()).sum();
    assert_eq!(prov["numerator"].as_f64().unwrap(), n, "the province sums its counties");

    // --region keeps one county and what lies under it; --level one level
    let county = counties[0]["scope"].as_str().unwrap().to_string();
    let o = eduplan(&db, &["indicators", "--year", "2024", "--codes", "ptr", "--level", "township", "--region", &county, "--format", "csv"]);
    let csv = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(csv.starts_with("code,name,scope,level,year,stage,value"), "{csv}");
    assert!(csv.lines().skip(1).all(|l| l.contains(&format!(",{county}")) && l.contains(",township,")), "{csv}");

    // a wrong code and a wrong level are refused with the reason
    let o = eduplan(&db, &["indicators", "--year", "2024", "--codes", "nope"]);
    assert!(!o.status.success() && text(&o).contains("nope"));
    let o = eduplan(&db, &["indicators", "--year", "2024", "--level", "village"]);
    assert!(!o.status.success() && text(&o).contains("--level"));

    // a user-defined indicator: a bad formula points at the token; a good one computes
    let o = eduplan(&db, &["indicator", "define", "x1", "--name", "测试", "--numerator", "students.enrolled[lvl=初中]"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("lvl") && text(&o).contains("^^^"), "{}", text(&o));
    let o = eduplan(&db, &["indicator", "define", "jun_female_share", "--name", "初中女生占比", "--unit", "%", "--scale", "100",
                           "--numerator", "students.female[level=初中]", "--denominator", "students[level=初中]"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&eduplan(&db, &["indicator", "list"]).stdout).contains("jun_female_share"));
    let o = eduplan(&db, &["indicators", "--year", "2024", "--codes", "jun_female_share", "--level", "county", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for f in v.as_array().unwrap() {
        let want = f["numerator"].as_f64().unwrap() / f["denominator"].as_f64().unwrap() * 100.0;
        assert!((f["value"].as_f64().unwrap() - want).abs() < 0.005 + 1e-9, "{f}");
        assert_eq!(f["stage"], "初中");
    }
    let xlsx = dir.path().join("f.xlsx");
    let o = eduplan(&db, &["indicators", "--year", "2024", "--codes", "jun_female_share", "--format", "xlsx", "--out", xlsx.to_str().unwrap()]);
    assert!(o.status.success() && std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    assert!(eduplan(&db, &["indicator", "delete", "jun_female_share"]).status.success());
    assert!(!eduplan(&db, &["indicator", "delete", "jun_female_share"]).status.success());
}

#[test]
fn assess_reports_each_school_with_the_engine_s_own_figures() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let gen = dir.path().join("gen");
    assert!(eduplan(&db, &["generate", "--out", gen.to_str().unwrap(), "--years", "2024", "--seed", "6"]).status.success());
    assert!(eduplan(&db, &["import", gen.to_str().unwrap()]).status.success());
    let o = eduplan(&db, &["assess", "balance-quality", "--year", "2024", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o));
    let a: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(a["method"], "balance-quality");
    let s = &a["levels"]["小学"]["schools"][0];
    let id = s["school_id"].as_str().unwrap();
    // Q4 of a school is the catalogue's 生均教学及辅助用房面积 of its 小学 part
    let o = eduplan(&db, &["indicators", "--year", "2024", "--codes", "area_teach_pp", "--level", "school", "--format", "json"]);
    let figs: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = figs.as_array().unwrap().iter().find(|f| f["scope"] == id && f["stage"] == "小学").unwrap();
    assert_eq!(s["values"]["Q4"], f["value"]);
    // passed follows from the values and the thresholds the JSON names
    let th = &a["levels"]["小学"]["thresholds"];
    let reached = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"].iter().filter(|q| s["values"][**q].as_f64().unwrap_or(-1.0) >= th[**q].as_f64().unwrap()).count();
    assert_eq!(s["reached"].as_u64().unwrap() as usize, reached);
    // a wrong method is refused
    let o = eduplan(&db, &["assess", "nope", "--year", "2024"]);
    assert!(!o.status.success() && text(&o).contains("unknown method"));

    // the Word report and the tables
    let docx = dir.path().join("r.docx");
    let o = eduplan(&db, &["assess", "balance-quality", "--year", "2024", "--format", "docx", "--out", docx.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(&std::fs::read(&docx).unwrap()[..2], b"PK");
    // the same report as PDF, typeset with the system's Chinese fonts (and any --font-dir)
    let pdf = dir.path().join("r.pdf");
    let fonts = tempfile::tempdir().unwrap();
    let o = eduplan(&db, &["assess", "balance-quality", "--year", "2024", "--format", "pdf", "--out", pdf.to_str().unwrap(), "--font-dir", fonts.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(&std::fs::read(&pdf).unwrap()[..5], b"%PDF-");
    let o = eduplan(&db, &["assess", "balance-quality", "--year", "2024", "--format", "pdf"]);
    assert!(!o.status.success() && text(&o).contains("--format pdf needs --out FILE.pdf"), "{}", text(&o));
    let missing = dir.path().join("没有这个文件夹");
    let o = eduplan(&db, &["assess", "balance-quality", "--year", "2024", "--format", "pdf", "--out", pdf.to_str().unwrap(), "--font-dir", missing.to_str().unwrap()]);
    assert!(!o.status.success() && text(&o).contains("没有这个文件夹") && text(&o).contains("is not a folder"), "{}", text(&o));
    let o = eduplan(&db, &["assess", "balance-basic", "--year", "2024", "--format", "table"]);
    assert!(o.status.success() && text(&o).contains("B1"), "{}", text(&o));

    // an item judged on site
    let o = eduplan(&db, &["evidence", "balance-quality", "--year", "2024", "--code", "G9", "--passed", "no"]);
    assert!(!o.status.success() && text(&o).contains("needs a note"), "{}", text(&o));
    let o = eduplan(&db, &["evidence", "balance-quality", "--year", "2024", "--code", "G9", "--passed", "no", "--note", "两所村小未按 100 人拨付"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = eduplan(&db, &["assess", "balance-quality", "--year", "2024", "--format", "json"]);
    let a: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let g9 = a["items"].as_array().unwrap().iter().find(|i| i["code"] == "G9").unwrap();
    assert_eq!(g9["passed"], false);
    assert!(a["failing"].as_array().unwrap().iter().any(|l| l.as_str().unwrap().contains("两所村小")));

    // findings: one per problem, listed, moved through the workflow, illegal steps refused
    let o = eduplan(&db, &["findings", "generate", "--method", "balance-quality", "--year", "2024", "--deadline", "2020-06-30"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(&format!("{} findings created", a["problems"])), "{}", text(&o));
    let o = eduplan(&db, &["findings", "list", "--overdue", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len() as u64, a["problems"].as_u64().unwrap(), "all overdue");
    let id = list[0]["id"].to_string();
    let o = eduplan(&db, &["findings", "act", &id, "close"]);
    assert!(!o.status.success() && text(&o).contains("cannot take action close"), "{}", text(&o));
    assert!(eduplan(&db, &["findings", "act", &id, "start"]).status.success());
    let o = eduplan(&db, &["findings", "show", &id]);
    assert!(text(&o).contains("整改中") && text(&o).contains("start"), "{}", text(&o));
}

#[test]
fn a_plan_workbook_is_imported_versioned_and_assessed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let book = dir.path().join("规划.xlsx");
    assert!(eduplan(&db, &["plan", "template", book.to_str().unwrap(), "--demo"]).status.success());
    for v in 1..=2 {
        let o = eduplan(&db, &["plan", "import", book.to_str().unwrap(), "--name", "十四五规划", "--region", "360721", "--period", "2021-2025"]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains(&format!("v{v}")), "{}", text(&o));
    }
    let o = eduplan(&db, &["plan", "show", "2", "--format", "json"]);
    let p: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(p["version"], 2);
    assert_eq!(p["projects"].as_array().unwrap().len(), 7);
    // funds of the demo plan: one project spends late in 2024
    let o = eduplan(&db, &["assess", "funds", "--year", "2024", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o));
    let a: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let late: Vec<&str> = a["projects"].as_array().unwrap().iter().filter(|p| p["passed"] == false).map(|p| p["project"].as_str().unwrap()).collect();
    assert_eq!(late, ["XM05"]);
    // tracking: no school-year data stored here, so every computed target has no actual yet
    let o = eduplan(&db, &["plan", "status", "--plan", "2", "--year", "2024", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 6);
    assert!(rows.as_array().unwrap().iter().all(|r| r["status"] == "无数据" && r["plan"] == 2));
    let o = eduplan(&db, &["plan", "actual", "--plan", "2", "--indicator", "pre_ger", "--year", "2024", "--value", "93.5", "--note", "县统计公报"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = eduplan(&db, &["plan", "status", "--plan", "2", "--year", "2024", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ger = rows.as_array().unwrap().iter().find(|r| r["indicator"] == "pre_ger").unwrap();
    assert_eq!((ger["actual"].as_f64(), ger["status"].as_str()), (Some(93.5), Some("已达成")), "93.5 ≥ 93");
    let docx = dir.path().join("监测.docx");
    let o = eduplan(&db, &["plan", "status", "--year", "2024", "--format", "docx", "--out", docx.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(&std::fs::read(&docx).unwrap()[..2], b"PK");
    let pdf = dir.path().join("监测.pdf");
    let o = eduplan(&db, &["plan", "status", "--year", "2024", "--format", "pdf", "--out", pdf.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(&std::fs::read(&pdf).unwrap()[..5], b"%PDF-");

    // a broken workbook: every error located, nothing stored
    let empty = dir.path().join("空.xlsx");
    assert!(eduplan(&db, &["plan", "template", empty.to_str().unwrap()]).status.success());
    let o = eduplan(&db, &["plan", "import", dir.path().join("nope.xlsx").to_str().unwrap(), "--name", "x"]);
    assert!(!o.status.success());
    let o = eduplan(&db, &["plan", "list"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2, "two versions, nothing else");
}

#[test]
fn plan_extract_prints_the_spec_s_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let plan = dir.path().join("计划.txt");
    // our own wording, in the style of plans
    std::fs::write(&plan, "到2027年，全县学前三年毛入园率达到95%以上，新建、改扩建公办幼儿园6所，新增学位2160个。\n").unwrap();
    let o = eduplan(&db, &["plan", "extract", plan.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    let ger = lines.iter().find(|t| t["indicator"] == "pre_ger").expect("毛入园率 linked to pre_ger");
    assert_eq!((ger["value"].as_f64(), ger["year"].as_i64()), (Some(95.0), Some(2027)));
    assert!(lines.iter().any(|t| t["value"] == 2160.0));
    let o = eduplan(&db, &["plan", "extract", dir.path().join("无.txt").to_str().unwrap()]);
    assert!(!o.status.success());
    // importing the text makes a draft plan with the extracted targets, the document kept
    let o = eduplan(&db, &["plan", "import", plan.to_str().unwrap(), "--name", "学前行动计划"]);
    assert!(o.status.success() && text(&o).contains("草稿"), "{}", text(&o));
    let o = eduplan(&db, &["plan", "show", "1", "--format", "json"]);
    let p: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((p["draft"].as_bool(), p["doc_name"].as_str()), (Some(true), Some("计划.txt")));
    let targets = p["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 3);
    let ger = targets.iter().find(|t| t["indicator"] == "pre_ger").unwrap();
    assert_eq!((ger["target_value"].as_f64(), ger["target_year"].as_i64(), ger["cmp"].as_str()), (Some(95.0), Some(2027), Some("≥")));
    assert!(ger["source"].as_str().unwrap().contains("毛入园率"));
}

#[test]
fn layout_orlib_reaches_the_known_optimum_of_pmed1() {
    let dir = tempfile::tempdir().unwrap();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench/location/orlib-pmed/pmed1.txt");
    let o = eduplan(&dir.path().join("x.db"), &["layout", "orlib", file, "--kind", "pmedian"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // pmedopt.txt: pmed1 (n = 100, p = 5) has optimum 5819
    assert_eq!(v["objective"].as_f64(), Some(5819.0));
    assert!(v["lower_bound"].as_f64().unwrap() <= 5819.0);
    assert_eq!(v["open_sites"].as_array().unwrap().len(), 5);
    let o = eduplan(&dir.path().join("x.db"), &["layout", "orlib", file, "--kind", "nope"]);
    assert!(!o.status.success());
}

#[test]
fn layout_with_the_users_points_and_road_distances() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("l.db");
    let gen = dir.path().join("gen");
    let o = eduplan(&db, &["generate", "--out", gen.to_str().unwrap(), "--years", "2022-2024", "--seed", "5"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = eduplan(&db, &["import", gen.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let solve = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["layout", "solve", "--year", "2027", "--format", "json"];
        args.extend_from_slice(extra);
        let o = eduplan(&db, &args);
        assert!(o.status.success(), "{}", text(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let base = solve(&[]);
    assert_eq!(base["solution"]["distances"], "great-circle");
    let sites = base["sites"].as_array().unwrap();
    // a road lattice 1 km apart over the county, every school joined to its nearest crossing
    let xs: Vec<f64> = sites.iter().map(|s| s["lon"].as_f64().unwrap()).chain(base["demand"].as_array().unwrap().iter().map(|d| d["lon"].as_f64().unwrap())).collect();
    let ys: Vec<f64> = sites.iter().map(|s| s["lat"].as_f64().unwrap()).chain(base["demand"].as_array().unwrap().iter().map(|d| d["lat"].as_f64().unwrap())).collect();
    let (x0, y0) = (xs.iter().cloned().fold(f64::MAX, f64::min) - 0.02, ys.iter().cloned().fold(f64::MAX, f64::min) - 0.02);
    let (nx, ny) = (((xs.iter().cloned().fold(f64::MIN, f64::max) - x0) / 0.01) as i64 + 4, ((ys.iter().cloned().fold(f64::MIN, f64::max) - y0) / 0.01) as i64 + 4);
    let id = |i: i64, j: i64| 1 + i * ny + j;
    let mut nodes = Vec::new();
    let mut ways: Vec<(i64, Vec<i64>, Vec<(String, String)>)> = Vec::new();
    for i in 0..nx {
        for j in 0..ny {
            nodes.push((id(i, j), x0 + i as f64 * 0.01, y0 + j as f64 * 0.01));
            if i + 1 < nx {
                ways.push((ways.len() as i64 + 1, vec![id(i, j), id(i + 1, j)], vec![("highway".into(), "unclassified".into())]));
            }
            if j + 1 < ny {
                ways.push((ways.len() as i64 + 1, vec![id(i, j), id(i, j + 1)], vec![("highway".into(), "unclassified".into())]));
            }
        }
    }
    let pbf = dir.path().join("county.osm.pbf");
    eduplan_roads::write::write_pbf(&pbf, &nodes, &ways).unwrap();
    let road = solve(&["--roads", pbf.to_str().unwrap()]);
    assert_eq!(road["solution"]["distances"], "road");
    // on a lattice a trip is never shorter than the straight line (rounding: 0.01 km)
    let at: std::collections::HashMap<&str, (f64, f64)> = road["sites"].as_array().unwrap().iter().map(|s| (s["id"].as_str().unwrap(), (s["lon"].as_f64().unwrap(), s["lat"].as_f64().unwrap()))).collect();
    let mut longer = 0;
    for d in road["demand"].as_array().unwrap() {
        let (lon, lat) = at[d["site_after"].as_str().unwrap()];
        let straight = eduplan_layout::haversine_km(d["lat"].as_f64().unwrap(), d["lon"].as_f64().unwrap(), lat, lon);
        let km = d["km_after"].as_f64().unwrap();
        assert!(km >= straight - 0.011, "{km} < {straight}");
        longer += usize::from(km > straight * 1.05);
    }
    assert!(longer > 0, "some trips follow the lattice");
    assert!(road["after"]["mean_km"].as_f64().unwrap() > base["after"]["mean_km"].as_f64().unwrap());
    // the matrix is cached beside the database; the same question gives the same answer
    let cache = dir.path().join("l.db.cache").join("roads");
    assert!(std::fs::read_dir(&cache).unwrap().any(|e| e.unwrap().path().extension().is_some_and(|x| x == "mat")));
    assert_eq!(solve(&["--roads", pbf.to_str().unwrap()])["solution"]["objective"], road["solution"]["objective"]);
    // a road file that is not one: a clear error naming it
    let bad = dir.path().join("bad.osm.pbf");
    std::fs::write(&bad, "not a pbf").unwrap();
    let o = eduplan(&db, &["layout", "solve", "--roads", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(text(&o).contains("bad.osm.pbf") && text(&o).contains("cannot read road network"), "{}", text(&o));

    // the user's candidate site where the plan put its first new school; a bad file changes nothing
    let new = sites.iter().find(|s| s["status"] == "new").expect("a new school");
    let csv = format!("编号,名称,经度,纬度,学段\nA1,城南地块,{},{},小学\n", new["lon"], new["lat"]);
    let f = dir.path().join("sites.csv");
    std::fs::write(&f, encoding_rs::GBK.encode(&csv).0).unwrap();
    let o = eduplan(&db, &["layout", "points", "import", f.to_str().unwrap(), "--kind", "site"]);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::write(&f, "编号,名称,经度,纬度\nA2,乙,abc,25\n").unwrap();
    let o = eduplan(&db, &["layout", "points", "import", f.to_str().unwrap(), "--kind", "site"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("第2行/row 2 [经度] \"abc\""), "{}", text(&o));
    let o = eduplan(&db, &["layout", "points", "list", "--format", "json"]);
    let pts: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(pts.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect::<Vec<_>>(), ["A1"]);
    let with = solve(&[]);
    assert_eq!(with["params"]["candidates"], "user");
    assert!(with["sites"].as_array().unwrap().iter().any(|s| s["id"] == "A1" && s["status"] == "new"), "{}", with["sites"]);
    let o = eduplan(&db, &["layout", "points", "delete", "site", "A1"]);
    assert!(o.status.success(), "{}", text(&o));
}

/// `layout orlib --exact`: pmedcap01's optimum (713) proven by the MIP.
#[cfg(feature = "highs")]
#[test]
fn layout_orlib_exact_proves_pmedcap01() {
    let dir = tempfile::tempdir().unwrap();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench/location/orlib-pmedcap/pmedcap01.txt");
    let o = eduplan(&dir.path().join("x.db"), &["layout", "orlib", file, "--exact", "60"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((v["objective"].as_f64(), v["lower_bound"].as_f64(), v["gap"].as_f64()), (Some(713.0), Some(713.0), Some(0.0)));
    assert_eq!(v["mip"]["status"], "Optimal");
    let o = eduplan(&dir.path().join("x.db"), &["layout", "orlib", file, "--exact", "0"]);
    assert!(!o.status.success() && text(&o).contains("--exact"), "{}", text(&o));
}

/// `layout solve --exact` on a generated county: the plan goes through the MIP, is no worse than
/// the heuristic's and its bound no lower; the table says what HiGHS did.
#[cfg(feature = "highs")]
#[test]
fn layout_solve_exact_on_a_generated_county() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("l.db");
    let gen = dir.path().join("gen");
    let o = eduplan(&db, &["generate", "--out", gen.to_str().unwrap(), "--years", "2023-2024", "--seed", "5"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = eduplan(&db, &["import", gen.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let solve = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["layout", "solve", "--stage", "初中", "--year", "2027", "--format", "json"];
        args.extend_from_slice(extra);
        let o = eduplan(&db, &args);
        assert!(o.status.success(), "{}", text(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let heur = solve(&[]);
    let exact = solve(&["--exact", "20"]);
    assert_eq!(heur["solution"]["method"], "heuristic");
    assert_eq!(exact["solution"]["method"], "heuristic+mip");
    assert_eq!(exact["exact_available"], true);
    let f = |v: &serde_json::Value, k: &str| v["solution"][k].as_f64().unwrap();
    assert!(f(&exact, "objective") <= f(&heur, "objective") + 1e-6);
    assert!(f(&exact, "lower_bound") >= f(&heur, "lower_bound") - 1e-6);
    assert_eq!(exact["solution"]["heuristic"][0].as_f64(), Some(f(&heur, "objective")));
    assert!(exact["solution"]["mip_status"].is_string());
    let o = eduplan(&db, &["layout", "solve", "--stage", "初中", "--year", "2027", "--exact", "20"]);
    assert!(o.status.success() && text(&o).contains("精确求解 / MIP (HiGHS)"), "{}", text(&o));
}

/// A build without the `highs` feature refuses `--exact` and says how to get it.
#[cfg(not(feature = "highs"))]
#[test]
fn layout_exact_needs_the_highs_feature() {
    let dir = tempfile::tempdir().unwrap();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench/location/orlib-pmedcap/pmedcap01.txt");
    let o = eduplan(&dir.path().join("x.db"), &["layout", "orlib", file, "--exact"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("--features highs"), "{}", text(&o));
}
