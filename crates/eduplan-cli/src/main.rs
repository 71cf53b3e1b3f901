//! The `eduplan` command: parses flags, calls the library crates, prints, sets the exit code.
//! Logic lives in the crates; this file is glue.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use eduplan_core::import::{needed_years, plan_import, ImportPlan};
use eduplan_ingest::ReadOptions;
use eduplan_store::{Role, ScopeKind, Store};

// Imports allocate millions of small strings; glibc's allocator spent ~40% of a province import
// in malloc/free, mimalloc a fraction of that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "eduplan", version, about = "eduplan: education planning and supervision for Chinese county bureaus (教育规划与督导)")]
struct Cli {
    /// Store: a SQLite file path (created if missing) or a postgres:// URL.
    /// Default ./eduplan.db (the demo uses ./eduplan-demo.db, which it recreates).
    #[arg(long, global = true, env = "EDUPLAN_DB")]
    db: Option<String>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Import an .xlsx workbook, a folder of CSV files, a .zip of CSVs or one <sheet>.csv.
    Import {
        /// The file or folder.
        path: PathBuf,
        /// Check and print the diff without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// Drop unknown columns instead of failing.
        #[arg(long)]
        ignore_unknown_columns: bool,
        /// Who is importing (recorded in the version history and audit log).
        #[arg(long, default_value = "cli")]
        user: String,
        /// Print every warning (by default the first 20).
        #[arg(long)]
        all_warnings: bool,
    },
    /// Export a school year (current version, or --version N) as an interchange workbook.
    Export {
        /// School year, e.g. 2024.
        #[arg(long)]
        year: i32,
        /// Version number within the year (default: current).
        #[arg(long)]
        version: Option<i64>,
        /// Output .xlsx path (or a folder, with --csv).
        path: PathBuf,
        /// Write a folder of CSV files instead of .xlsx.
        #[arg(long)]
        csv: bool,
    },
    /// Write the empty interchange workbook: every sheet, header, help row and drop-down.
    Template {
        /// Output .xlsx path.
        path: PathBuf,
    },
    /// List stored school years and their versions.
    Versions,
    /// Generate interchange data for a realistic region.
    Generate {
        /// Output folder (CSV files) or .xlsx path.
        #[arg(long)]
        out: PathBuf,
        /// Number of counties (100 makes a province).
        #[arg(long, default_value_t = 1)]
        counties: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// School years written, e.g. 2015-2024 or 2024.
        #[arg(long, default_value = "2015-2024")]
        years: String,
    },
    /// Generate a demo county into a fresh store, create an admin and serve the web UI.
    Demo {
        /// Port on 127.0.0.1.
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Random seed of the demo county.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Keep an existing store instead of starting fresh.
        #[arg(long)]
        keep: bool,
    },
    /// Serve the web UI and the JSON API.
    Serve {
        /// Address to bind.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port.
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// Compute catalogue indicators (指标) for a school year at school, township, county, city
    /// and province level.
    Indicators {
        /// School year.
        #[arg(long)]
        year: i32,
        /// Only this region (a county or township code) and what lies under it.
        #[arg(long)]
        region: Option<String>,
        /// school | township | county | city | province | all (city and province are added to
        /// all when the data holds several counties).
        #[arg(long, default_value = "all")]
        level: String,
        /// Comma-separated indicator codes or aliases such as GER (default: the whole catalogue).
        #[arg(long)]
        codes: Option<String>,
        /// table | json | csv | xlsx.
        #[arg(long, default_value = "table")]
        format: String,
        /// Output file (required for xlsx; default standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// A province's catalogue file added to the built-in one.
        #[arg(long)]
        catalogue: Option<PathBuf>,
    },
    /// Run a supervision assessment (督导评估): balance-quality (优质均衡), preschool (普及普惠),
    /// class-size (大班额).
    Assess {
        /// balance-quality | preschool | class-size.
        method: String,
        /// School year.
        #[arg(long)]
        year: i32,
        /// County code (needed when the data holds several counties).
        #[arg(long)]
        region: Option<String>,
        /// table | json | xlsx.
        #[arg(long, default_value = "table")]
        format: String,
        /// Output file (required for xlsx).
        #[arg(long)]
        out: Option<PathBuf>,
        /// A province's standards file merged over the national ones.
        #[arg(long)]
        standards: Option<PathBuf>,
    },
    /// User-defined indicators (自定义指标): define, list, delete.
    Indicator {
        #[command(subcommand)]
        cmd: IndicatorCmd,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Benchmarks (figures go to docs/benchmarks.md).
    Bench {
        #[command(subcommand)]
        cmd: BenchCmd,
    },
}

#[derive(Subcommand)]
enum IndicatorCmd {
    /// Define an indicator from formulas over data elements, e.g.
    /// --numerator 'students.migrant[level=初中]' --denominator 'population[age=12..14]'.
    Define {
        /// Code (letters, digits, _).
        code: String,
        /// 中文名.
        #[arg(long)]
        name: String,
        /// English name.
        #[arg(long, default_value = "")]
        name_en: String,
        /// Unit (%, 人, …).
        #[arg(long, default_value = "")]
        unit: String,
        /// Multiplier (100 for a percentage).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Numerator formula.
        #[arg(long)]
        numerator: String,
        /// Denominator formula (none: a count or sum).
        #[arg(long, default_value = "")]
        denominator: String,
        /// Who defines it (for the audit log).
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// List the catalogue (built-in and user-defined).
    List,
    /// Delete a user-defined indicator (its formulas stay in the audit log).
    Delete {
        /// Code.
        code: String,
        /// Who deletes it.
        #[arg(long, default_value = "cli")]
        user: String,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create a user or reset their password, role and scope.
    Add {
        /// Login name.
        username: String,
        /// Password (at least 6 characters).
        #[arg(long)]
        password: String,
        /// admin | planner | supervisor | finance | personnel | school | public.
        #[arg(long, default_value = "planner")]
        role: String,
        /// A region code or a school id; empty for everything.
        #[arg(long, default_value = "")]
        scope: String,
        /// Name shown in the UI.
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum BenchCmd {
    /// Time reading an .xlsx with calamine alone (every sheet's cells) against eduplan's reader
    /// (calamine plus typed, located parsing) on the same file.
    Xlsx {
        /// The .xlsx file.
        path: PathBuf,
    },
    /// Time importing a path into a fresh store (prints seconds and peak memory).
    Import {
        /// Folder of CSV files or .xlsx file.
        path: PathBuf,
    },
    /// Time the whole indicator catalogue for every school, township, county, city and province
    /// of one year read from a path (reading is not timed; building the fact tables is).
    Indicators {
        /// Folder of CSV files or .xlsx file.
        path: PathBuf,
        /// School year (default: the latest in the data).
        #[arg(long)]
        year: Option<i32>,
        /// Timed runs (the median is reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Write the figures of the last run as CSV (for cross-checking another engine).
        #[arg(long)]
        dump: Option<PathBuf>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn parse_years(s: &str) -> Result<(i32, i32)> {
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (a.trim().parse()?, b.trim().parse()?),
        None => {
            let y = s.trim().parse()?;
            (y, y)
        }
    };
    if a > b || a < 2012 || b > 2040 {
        bail!("years must be like 2015-2024 (between 2012 and 2040)");
    }
    Ok((a, b))
}

/// Reads and checks a path against the store; prints the report. Returns the plan.
async fn check(store: &Store, path: &Path, opts: ReadOptions, all_warnings: bool) -> Result<ImportPlan> {
    let read = eduplan_ingest::read_path(path, opts);
    let stored_years = store.years().await?;
    let stored = store.stored(&needed_years(&read.dataset, &stored_years)).await?;
    let plan = plan_import(read.dataset, read.issues, &stored);
    let errors: Vec<_> = plan.errors().collect();
    let warnings: Vec<_> = plan.warnings().collect();
    for e in &errors {
        eprintln!("{}", e.one_line());
    }
    let shown = if all_warnings { warnings.len() } else { warnings.len().min(20) };
    for w in &warnings[..shown] {
        eprintln!("{}", w.one_line());
    }
    if shown < warnings.len() {
        eprintln!("… 另有 {} 条警告 / {} more warnings (--all-warnings)", warnings.len() - shown, warnings.len() - shown);
    }
    for y in &plan.years {
        let d = &y.diff;
        let prev = y.previous_version.map(|v| format!("v{v} → v{}", v + 1)).unwrap_or_else(|| "新学年/new year → v1".into());
        println!("学年/year {} ({prev})", y.year);
        println!(
            "  学校/schools: +{} −{} ~{}",
            d.schools_added.len(),
            d.schools_removed.len(),
            d.schools_changed.len()
        );
        for s in d.sheets.iter().filter(|s| s.rows_before != s.rows_after) {
            println!("  {}: {} → {} 行/rows", s.sheet, s.rows_before, s.rows_after);
        }
        for f in d.figures.iter().filter(|f| f.before != f.after) {
            println!("  {}: {} → {}", f.figure, eduplan_core::data::fmt_num(f.before), eduplan_core::data::fmt_num(f.after));
        }
        for c in d.schools_changed.iter().take(10) {
            let ch: Vec<String> = c.changes.iter().take(4).map(|f| format!("{} {}→{}", f.field, f.before, f.after)).collect();
            println!("  ~ {} {}: {}", c.school_id, c.name, ch.join("; "));
        }
        if d.schools_changed.len() > 10 {
            println!("  … {} more changed schools", d.schools_changed.len() - 10);
        }
    }
    Ok(plan)
}

async fn import(store: &Store, path: &Path, dry_run: bool, opts: ReadOptions, user: &str, all_warnings: bool) -> Result<()> {
    let plan = check(store, path, opts, all_warnings).await?;
    let n_err = plan.errors().count();
    if n_err > 0 {
        bail!("{n_err} 个错误，未导入任何数据 / {n_err} errors; nothing was imported");
    }
    if dry_run {
        println!("试运行，未写入 / dry run: nothing written");
        return Ok(());
    }
    let source = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let written = store.apply(&plan, user, &source).await?;
    for v in written {
        println!("已导入 / imported: {} v{}", v.year, v.version);
    }
    Ok(())
}

async fn demo(db: &str, port: u16, seed: u64, keep: bool) -> Result<()> {
    if !keep && !db.starts_with("postgres") {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{db}{ext}"));
        }
    }
    let store = Store::open(db).await?;
    if store.years().await?.is_empty() {
        let dir = tempdir_path("eduplan-demo");
        let t = Instant::now();
        let ds = eduplan_synth::generate(&eduplan_synth::Options { counties: 1, seed, years: (2015, 2024) });
        eduplan_ingest::write_csv_dir(&dir, &eduplan_ingest::write::combine_dataset(&ds))?;
        println!("生成演示县数据 / generated the demo county in {:.1}s: {}", t.elapsed().as_secs_f64(), dir.display());
        // through the normal importer, as a bureau would
        import(&store, &dir, false, ReadOptions::default(), "demo", false).await?;
        let _ = std::fs::remove_dir_all(&dir);
    }
    store.upsert_user("admin", "系统管理员", "admin123", Role::Admin, ScopeKind::All, "").await?;
    println!();
    println!("eduplan 演示 / demo: http://127.0.0.1:{port}/");
    println!("登录 / log in: 用户名 admin  密码 admin123");
    eduplan_server::serve(store, &format!("127.0.0.1:{port}")).await
}

fn tempdir_path(prefix: &str) -> PathBuf {
    std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()))
}

fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli).await {
        eprintln!("eduplan: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<()> {
    // the demo recreates its store, so it never defaults to the user's ./eduplan.db
    let demo_db = cli.db.clone().unwrap_or_else(|| "eduplan-demo.db".into());
    let db = cli.db.unwrap_or_else(|| "eduplan.db".into());
    match cli.cmd {
        Cmd::Import { path, dry_run, ignore_unknown_columns, user, all_warnings } => {
            let store = Store::open(&db).await.context("opening the store")?;
            import(&store, &path, dry_run, ReadOptions { ignore_unknown_columns }, &user, all_warnings).await
        }
        Cmd::Export { year, version, path, csv } => {
            let store = Store::open(&db).await?;
            let data = match version {
                None => store.load_year(year).await?.with_context(|| format!("no data for school year {year}"))?,
                Some(n) => {
                    let v = store
                        .versions()
                        .await?
                        .into_iter()
                        .find(|v| v.year == year && v.version == n)
                        .with_context(|| format!("school year {year} has no version {n}"))?;
                    store.load_version(v.id).await?
                }
            };
            if csv {
                eduplan_ingest::write_csv_dir(&path, &eduplan_ingest::write::combine_years(&[data]))?;
            } else {
                eduplan_ingest::write_xlsx(&path, &[data])?;
            }
            println!("已导出 / exported {year} → {}", path.display());
            Ok(())
        }
        Cmd::Template { path } => {
            std::fs::write(&path, eduplan_ingest::template_bytes()?)?;
            println!("模板已写入 / template written: {}", path.display());
            Ok(())
        }
        Cmd::Versions => {
            let store = Store::open(&db).await?;
            println!("{:>6} {:>4} {:>4}  {:<20} {:<10} source", "year", "ver", "cur", "created_at", "by");
            for v in store.versions().await? {
                println!("{:>6} {:>4} {:>4}  {:<20} {:<10} {}", v.year, v.version, if v.current { "*" } else { "" }, v.created_at, v.created_by, v.source);
            }
            Ok(())
        }
        Cmd::Generate { out, counties, seed, years } => {
            let t = Instant::now();
            let ds = eduplan_synth::generate(&eduplan_synth::Options { counties, seed, years: parse_years(&years)? });
            let tables = eduplan_ingest::write::combine_dataset(&ds);
            let is_xlsx = out.extension().and_then(|e| e.to_str()).map(|e| e.eq_ignore_ascii_case("xlsx")) == Some(true);
            if is_xlsx {
                std::fs::write(&out, eduplan_ingest::xlsx_bytes(&tables)?)?;
            } else {
                eduplan_ingest::write_csv_dir(&out, &tables)?;
            }
            for t in &tables {
                println!("{:<8} {:>9} rows", t.sheet.zh(), t.rows.len());
            }
            println!("written to {} in {:.1}s", out.display(), t.elapsed().as_secs_f64());
            Ok(())
        }
        Cmd::Indicators { year, region, level, codes, format, out, catalogue } => {
            let store = Store::open(&db).await?;
            indicators(&store, year, region.as_deref(), &level, codes.as_deref(), &format, out.as_deref(), catalogue.as_deref()).await
        }
        Cmd::Assess { method, year, region, format, out, standards } => {
            let store = Store::open(&db).await?;
            assess(&store, &method, year, region.as_deref(), &format, out.as_deref(), standards.as_deref()).await
        }
        Cmd::Indicator { cmd } => {
            let store = Store::open(&db).await?;
            indicator_cmd(&store, cmd).await
        }
        Cmd::Demo { port, seed, keep } => demo(&demo_db, port, seed, keep).await,
        Cmd::Serve { bind, port } => {
            let store = Store::open(&db).await?;
            println!("eduplan: http://{bind}:{port}/");
            eduplan_server::serve(store, &format!("{bind}:{port}")).await
        }
        Cmd::User { cmd: UserCmd::Add { username, password, role, scope, name } } => {
            let store = Store::open(&db).await?;
            let role = Role::parse(&role).with_context(|| format!("unknown role {role}"))?;
            let kind = if scope.is_empty() {
                ScopeKind::All
            } else if scope.len() == 10 {
                ScopeKind::School
            } else {
                ScopeKind::Region
            };
            let u = store.upsert_user(&username, name.as_deref().unwrap_or(&username), &password, role, kind, &scope).await?;
            println!("user {} ({}, {}:{})", u.username, u.role.as_str(), u.scope_kind.as_str(), u.scope);
            Ok(())
        }
        Cmd::Bench { cmd: BenchCmd::Xlsx { path } } => {
            let bytes = std::fs::read(&path)?;
            let t0 = Instant::now();
            let cells = eduplan_ingest::read::calamine_cells(&bytes)?;
            let t_cal = t0.elapsed().as_secs_f64();
            let t1 = Instant::now();
            let read = eduplan_ingest::read_bytes(&path.to_string_lossy(), &bytes, ReadOptions::default());
            let t_ours = t1.elapsed().as_secs_f64();
            let rows: usize = read.dataset.tables.values().map(|t| t.rows.len()).sum();
            println!(
                "cells {cells}  calamine alone {t_cal:.2}s  eduplan read {t_ours:.2}s ({rows} rows, {} issues)  ratio {:.2}",
                read.issues.len(),
                t_ours / t_cal
            );
            Ok(())
        }
        Cmd::Bench { cmd: BenchCmd::Indicators { path, year, runs, dump, json } } => bench_indicators(&path, year, runs, dump.as_deref(), json).await,
        Cmd::Bench { cmd: BenchCmd::Import { path } } => {
            let dir = tempdir_path("eduplan-bench");
            std::fs::create_dir_all(&dir)?;
            let db = dir.join("bench.db");
            let store = Store::open(db.to_str().context("path")?).await?;
            let t0 = Instant::now();
            let read = eduplan_ingest::read_path(&path, ReadOptions::default());
            let t_read = t0.elapsed().as_secs_f64();
            let rows: usize = read.dataset.tables.values().map(|t| t.rows.len()).sum();
            let stored = store.stored(&[]).await?;
            let plan = plan_import(read.dataset, read.issues, &stored);
            let t_check = t0.elapsed().as_secs_f64() - t_read;
            if !plan.ok() {
                for e in plan.errors().take(10) {
                    eprintln!("{}", e.one_line());
                }
                bail!("the benchmark input has errors");
            }
            let t1 = Instant::now();
            store.apply(&plan, "bench", "bench").await?;
            let t_write = t1.elapsed().as_secs_f64();
            println!(
                "rows {rows}  read {t_read:.2}s  check {t_check:.2}s  write {t_write:.2}s  total {:.2}s  peak RSS {:.0} MB",
                t0.elapsed().as_secs_f64(),
                peak_rss_mb().unwrap_or(0.0)
            );
            let _ = std::fs::remove_dir_all(&dir);
            Ok(())
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn indicators(
    store: &Store,
    year: i32,
    region: Option<&str>,
    level: &str,
    codes: Option<&str>,
    format: &str,
    out: Option<&Path>,
    catalogue: Option<&Path>,
) -> Result<()> {
    use eduplan_server::indicators::{catalogue as load_catalogue, compute, figure_json, figures_xlsx, parse_levels, FIGURE_COLUMNS};
    let levels = parse_levels(level).with_context(|| format!("--level must be school, township, county, city, province or all (not {level})"))?;
    let cat = load_catalogue(store, catalogue).await?;
    let codes: Option<Vec<String>> = codes.map(|c| c.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect());
    if let Some(cs) = &codes {
        if let Err(bad) = cat.resolve(cs) {
            bail!("unknown indicator code(s): {} (eduplan indicator list shows the catalogue)", bad.join(", "));
        }
    }
    let mut computed = compute(store, &cat, year, &levels, codes.as_deref()).await?;
    if let Some(r) = region {
        computed.retain_region(r);
    }
    let rows: Vec<serde_json::Value> = computed.figures.iter().map(figure_json).collect();
    const COLS: [&str; 12] = FIGURE_COLUMNS;
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let text = match format {
        "json" => serde_json::to_string_pretty(&rows)?,
        "csv" => {
            let mut s = COLS.join(",") + "\n";
            for r in &rows {
                let line: Vec<String> = COLS
                    .iter()
                    .map(|c| {
                        let t = cell(&r[*c]);
                        if t.contains([',', '"', '\n']) { format!("\"{}\"", t.replace('"', "\"\"")) } else { t }
                    })
                    .collect();
                s.push_str(&line.join(","));
                s.push('\n');
            }
            s
        }
        "table" => {
            let mut s = format!("{:<18} {:<12} {:<9} {:<5} {:>12} {:<8} {:>14} {:>14}  {}\n", "code", "scope", "level", "stage", "value", "unit", "numerator", "denominator", "name / reason");
            for r in &rows {
                s.push_str(&format!(
                    "{:<18} {:<12} {:<9} {:<5} {:>12} {:<8} {:>14} {:>14}  {}{}\n",
                    cell(&r["code"]), cell(&r["scope"]), cell(&r["level"]), cell(&r["stage"]), cell(&r["value"]), cell(&r["unit"]),
                    cell(&r["numerator"]), cell(&r["denominator"]), cell(&r["name"]),
                    r["reason"].as_str().map(|x| format!(" — {x}")).unwrap_or_default()
                ));
            }
            s
        }
        "xlsx" => {
            let path = out.context("--format xlsx needs --out FILE.xlsx")?;
            std::fs::write(path, figures_xlsx(&computed.figures)?)?;
            println!("{} figures → {}", rows.len(), path.display());
            return Ok(());
        }
        other => bail!("--format must be table, json, csv or xlsx (not {other})"),
    };
    match out {
        Some(p) => std::fs::write(p, text)?,
        None => print!("{text}"),
    }
    Ok(())
}

async fn indicator_cmd(store: &Store, cmd: IndicatorCmd) -> Result<()> {
    use eduplan_engine::formula::{check_code, compile, CustomDef};
    match cmd {
        IndicatorCmd::Define { code, name, name_en, unit, scale, numerator, denominator, user } => {
            check_code(&code).map_err(|(zh, en)| anyhow::anyhow!("{zh} / {en}"))?;
            let def = CustomDef { code: code.clone(), name: name.clone(), name_en: name_en.clone(), unit: unit.clone(), scale, numerator: numerator.clone(), denominator: denominator.clone() };
            let compiled = compile(&def).map_err(|e| {
                let text = if e.side == eduplan_engine::formula::FormulaSide::Numerator { &numerator } else { &denominator };
                let caret: String = " ".repeat(text.chars().take(e.start).map(|c| if c.is_ascii() { 1 } else { 2 }).sum()) + &"^".repeat(text.chars().skip(e.start).take((e.end - e.start).max(1)).map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>().max(1));
                anyhow::anyhow!("{}\n{}\n  {text}\n  {caret}", e.zh, e.en)
            })?;
            let cat = eduplan_server::indicators::catalogue(store, None).await?;
            if cat.get(&code).is_some() {
                bail!("指标代码 {code} 已存在 / indicator code {code} exists");
            }
            let c = eduplan_store::CustomIndicator { code, name, name_en, unit, scale, numerator, denominator, created_by: String::new(), created_at: String::new() };
            let saved = store.add_custom_indicator(&c, &user).await?;
            println!("已定义 / defined {} ({}), 学段 {}", saved.code, saved.name, compiled.stage);
            Ok(())
        }
        IndicatorCmd::List => {
            let cat = eduplan_server::indicators::catalogue(store, None).await?;
            for i in &cat.indicator {
                let aliases = if i.aliases.is_empty() { String::new() } else { format!(" [{}]", i.aliases.join(", ")) };
                println!("{:<22} {:<8} {}{}{}  — {}", i.code, i.unit, i.name, aliases, if i.custom { " (自定义)" } else { "" }, i.formula);
            }
            Ok(())
        }
        IndicatorCmd::Delete { code, user } => {
            if store.delete_custom_indicator(&code, &user).await? {
                println!("已删除 / deleted {code}");
                Ok(())
            } else {
                bail!("没有自定义指标 {code} / no user-defined indicator {code}")
            }
        }
    }
}

async fn bench_indicators(path: &Path, year: Option<i32>, runs: usize, dump: Option<&Path>, json: bool) -> Result<()> {
    use eduplan_core::data::YearData;
    use eduplan_engine::{Catalogue, Engine, Level};
    let read = eduplan_ingest::read_path(path, ReadOptions::default());
    if let Some(e) = read.issues.iter().find(|i| i.is_error()) {
        bail!("the benchmark input has errors: {}", e.one_line());
    }
    let years = read.dataset.years();
    let year = year.or(years.last().copied()).context("the data holds no school year")?;
    let data = vec![YearData::from_dataset(&read.dataset, year)];
    let rows: usize = data[0].tables.values().map(|t| t.rows.len()).sum();
    let cat = Catalogue::builtin();
    let (mut facts, mut totals) = (Vec::new(), Vec::new());
    let mut figures = Vec::new();
    // school, township and county, as the issue's benchmark says (city and province add a few
    // hundred small units)
    let levels = [Level::School, Level::Township, Level::County];
    for _ in 0..runs.max(1) {
        drop(std::mem::take(&mut figures)); // freeing the last run's figures is not this run's work
        let t0 = Instant::now();
        let engine = Engine::new(&data);
        facts.push(t0.elapsed().as_secs_f64());
        figures = engine.compute(&cat, year, &levels, None).await?;
        totals.push(t0.elapsed().as_secs_f64());
        drop(engine);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let (f, t) = (median(&mut facts), median(&mut totals));
    let ok = figures.iter().filter(|x| x.value.is_some()).count();
    if let Some(p) = dump {
        let mut s = String::from("code,level,scope,stage,value,numerator,denominator\n");
        for x in &figures {
            let o = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
            s.push_str(&format!("{},{},{},{},{},{},{}\n", x.code, x.level.as_str(), x.scope, x.stage, o(x.value), o(x.numerator), o(x.denominator)));
        }
        std::fs::write(p, s)?;
    }
    if json {
        println!("{}", serde_json::json!({"year": year, "rows": rows, "figures": figures.len(), "available": ok, "indicators": cat.indicator.len(),
            "facts_seconds": f, "total_seconds": t, "runs": totals}));
    } else {
        println!("year {year}: {rows} rows, {} indicators → {} figures ({ok} available); fact tables {f:.2}s, total {t:.2}s (median of {})", cat.indicator.len(), figures.len(), totals.len());
    }
    Ok(())
}

async fn assess(store: &Store, method: &str, year: i32, region: Option<&str>, format: &str, out: Option<&Path>, standards: Option<&Path>) -> Result<()> {
    use eduplan_core::data::Value as V;
    use serde_json::Value as J;
    let std = eduplan_server::assess::standards(standards)?;
    let a = eduplan_server::assess::run(store, method, year, region, &std).await?;
    let num = |v: &J| v.as_f64().map(|x| format!("{x}")).unwrap_or_else(|| "—".into());
    let yes = |v: &J| match v.as_bool() {
        Some(true) => "达标",
        Some(false) => "未达标",
        None => "待核查",
    };
    // the per-school rows of every level (balance-quality), for table and xlsx
    let mut school_rows: Vec<Vec<V>> = Vec::new();
    let mut cv_rows: Vec<Vec<V>> = Vec::new();
    let codes: Vec<String> = std.balance_quality.indicator.iter().map(|q| q.code.clone()).collect();
    if let Some(levels) = a["levels"].as_object() {
        for (level, l) in levels {
            for code in &codes {
                cv_rows.push(vec![V::Text(level.clone()), V::Text(code.clone()), l["cv"][code].as_f64().map(V::Num).unwrap_or(V::Null),
                                  l["cv_threshold"].as_f64().map(V::Num).unwrap_or(V::Null), V::Text(yes(&l["cv_passed"][code]).into())]);
            }
            for sch in l["schools"].as_array().into_iter().flatten() {
                let mut r = vec![V::Text(level.clone()), V::Text(sch["school_id"].as_str().unwrap_or("").into()), V::Text(sch["name"].as_str().unwrap_or("").into()),
                                 sch["students"].as_f64().map(V::Num).unwrap_or(V::Null)];
                for code in &codes {
                    r.push(sch["values"][code].as_f64().map(V::Num).unwrap_or(V::Null));
                }
                r.push(V::Text(yes(&sch["passed"]).into()));
                let short: Vec<String> = sch["shortfalls"].as_object().into_iter().flatten().map(|(k, v)| {
                    let unit = std.balance_quality.indicator.iter().find(|q| &q.code == k).map(|q| q.unit.as_str()).unwrap_or("");
                    format!("{k} +{} {unit}", num(v))
                }).collect();
                r.push(V::Text(short.join("；")));
                school_rows.push(r);
            }
        }
    }
    let item_rows: Vec<Vec<V>> = a["items"].as_array().into_iter().flatten().map(|i| vec![
        V::Text(i["code"].as_str().unwrap_or("").into()), V::Text(i["name"].as_str().unwrap_or("").into()), V::Text(yes(&i["passed"]).into()),
        i["value"].as_f64().map(V::Num).unwrap_or(V::Null), i["threshold"].as_f64().map(V::Num).unwrap_or(V::Null), V::Text(i["detail"].as_str().unwrap_or("").into())]).collect();
    match format {
        "json" => println!("{}", serde_json::to_string_pretty(&a)?),
        "table" => {
            println!("{} {} {} — {}", a["method"].as_str().unwrap_or(method), a["scope"].as_str().unwrap_or(""), year, if a["passed"].as_bool() == Some(true) { "通过 / passed" } else { "未通过 / not passed" });
            if !cv_rows.is_empty() {
                println!("\n差异系数 (CV)");
                for r in &cv_rows {
                    println!("  {} {:<3} {:>8} ≤ {:<5} {}", r[0].display(), r[1].display(), r[2].display(), r[3].display(), r[4].display());
                }
                println!("\n学校 (Q1–Q7, 达标, 差距)");
                for r in &school_rows {
                    let vals: Vec<String> = r[4..11].iter().map(|v| format!("{:>8}", v.display())).collect();
                    println!("  {} {} {:<16} {:>6} {} {} {}", r[0].display(), r[1].display(), r[2].display(), r[3].display(), vals.join(""), r[11].display(), r[12].display());
                }
            }
            if let Some(levels) = a["levels"].as_object().filter(|_| method == "class-size") {
                for (k, l) in levels {
                    println!("  {k}: 班级 {} 大班额 {} ({}%) 超大班额 {}% 超标准班额 {}", num(&l["classes"]), num(&l["big"]), num(&l["big_share"]), num(&l["huge_share"]), num(&l["over_standard"]));
                }
            }
            println!("\n项目");
            for r in &item_rows {
                println!("  {:<4} {} [{}] {}", r[0].display(), r[1].display(), r[2].display(), r[5].display());
            }
            if let Some(f) = a["failing"].as_array().filter(|f| !f.is_empty()) {
                println!("\n未通过 / failing:");
                for x in f {
                    println!("  - {}", x.as_str().unwrap_or(""));
                }
            }
        }
        "xlsx" => {
            let path = out.context("--format xlsx needs --out FILE.xlsx")?;
            let mut sh: Vec<String> = ["学段", "学校标识码", "学校名称", "在校生"].map(String::from).to_vec();
            sh.extend(codes.iter().cloned());
            sh.extend(["达标", "差距"].map(String::from));
            let tables = vec![
                ("学校".to_string(), sh, school_rows),
                ("差异系数".to_string(), ["学段", "指标", "差异系数", "标准", "达标"].map(String::from).to_vec(), cv_rows),
                ("项目".to_string(), ["代码", "项目", "结果", "数值", "标准", "说明"].map(String::from).to_vec(), item_rows),
            ];
            std::fs::write(path, eduplan_ingest::write::tables_xlsx(&tables)?)?;
            println!("→ {}", path.display());
        }
        other => bail!("--format must be table, json or xlsx (not {other})"),
    }
    Ok(())
}
