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
