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
    /// A folder of Chinese fonts for PDF reports (.ttf/.otf/.ttc), searched before the system's
    /// font folders; repeat for several.
    #[arg(long, global = true, env = "EDUPLAN_FONT_DIR")]
    font_dir: Vec<PathBuf>,
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
        /// Road network for network planning's road distances (OpenStreetMap .osm.pbf).
        #[arg(long)]
        roads: Option<PathBuf>,
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
        /// balance-quality | balance-basic | preschool | class-size | funds.
        method: String,
        /// School year.
        #[arg(long)]
        year: i32,
        /// County code (needed when the data holds several counties).
        #[arg(long)]
        region: Option<String>,
        /// table | json | xlsx | docx | pdf (docx and pdf: the 自评报告).
        #[arg(long, default_value = "table")]
        format: String,
        /// Output file (required for xlsx, docx and pdf).
        #[arg(long)]
        out: Option<PathBuf>,
        /// A province's standards file merged over the national ones.
        #[arg(long)]
        standards: Option<PathBuf>,
    },
    /// Record an assessment item's on-site result (现场核查), with its evidence file.
    Evidence {
        /// Assessment method.
        method: String,
        /// School year.
        #[arg(long)]
        year: i32,
        /// County code (needed when the data holds several counties).
        #[arg(long)]
        region: Option<String>,
        /// Item code (G9, S1, P6 …).
        #[arg(long)]
        code: String,
        /// yes | no.
        #[arg(long)]
        passed: String,
        /// What was found (required when not passed).
        #[arg(long, default_value = "")]
        note: String,
        /// Evidence file (佐证材料).
        #[arg(long)]
        file: Option<PathBuf>,
        /// Who.
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// Projections (预测): school-age population, enrolment, classes, places, teachers and costs by
    /// school, township and county, every year to the horizon, under a scenario.
    Project(ProjectArgs),
    /// School-network planning solvers (布局规划): facility location.
    Layout {
        #[command(subcommand)]
        cmd: LayoutCmd,
    },
    /// Plans (规划): extract targets from a plan's text, import a plan workbook, list, show.
    Plan {
        #[command(subcommand)]
        cmd: PlanCmd,
    },
    /// Supervision findings (督导问题) and their rectification (整改).
    Findings {
        #[command(subcommand)]
        cmd: FindingsCmd,
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
enum LayoutCmd {
    /// Solve an OR-Library instance (pmed1–40, pmedcap1–20): prints objective, lower_bound, gap,
    /// open_sites (1-based, as the files number vertices) and seconds.
    Orlib {
        /// The instance file.
        file: PathBuf,
        /// pmedian | pcenter | pmedcap (default: pmedcap for pmedcap files, else pmedian).
        #[arg(long, default_value = "auto")]
        kind: String,
        /// Number of sites to open (default: the file's).
        #[arg(long)]
        p: Option<usize>,
        /// After the heuristic, prove or improve its answer with the MIP (HiGHS) for at most
        /// this many seconds (default 60 when given without a value). Needs a build with
        /// `--features highs`.
        #[arg(long, num_args = 0..=1, default_missing_value = "60", value_name = "SECONDS")]
        exact: Option<f64>,
        /// json | table.
        #[arg(long, default_value = "json")]
        format: String,
    },
    /// Plan the county's school network for a stage and projection year (布局规划): where to
    /// build, which schools to keep or close, the attendance zones, before/after figures.
    Solve {
        /// 学前 | 小学 | 初中 | 高中.
        #[arg(long, default_value = "小学")]
        stage: String,
        /// Projection year planned for (default: base year + 5).
        #[arg(long)]
        year: Option<i32>,
        /// Projection scenario (default 基准).
        #[arg(long)]
        scenario: Option<String>,
        /// County (default: the data's first).
        #[arg(long)]
        region: Option<String>,
        /// New schools to open (default: the fewest that give every child a place).
        #[arg(long)]
        add: Option<usize>,
        /// 最远上学距离 in km (default by stage: 1.5, 3, 5, 10).
        #[arg(long)]
        max_km: Option<f64>,
        /// Existing schools may close (撤并).
        #[arg(long)]
        allow_close: bool,
        /// capacitated (child-km, places respected) | pmedian (child-km) | pcenter (the farthest
        /// child) | mclp (most children within --max-km) | lscp (fewest schools with every
        /// child within --max-km; the count is the plan's).
        #[arg(long, default_value = "capacitated")]
        objective: String,
        /// Site ids ruled out, comma-separated.
        #[arg(long)]
        exclude: Option<String>,
        /// Demand grid spacing in km.
        #[arg(long)]
        grid_km: Option<f64>,
        /// Candidate sites: auto (the county's stored sites if any, else a grid) | user | grid | both.
        #[arg(long, default_value = "auto")]
        candidates: String,
        /// Demand points: auto (the county's stored villages where a township has any) | grid.
        #[arg(long, default_value = "auto")]
        demand: String,
        /// Expansion steps (扩建) an existing school may take (0 = none).
        #[arg(long, default_value_t = 0)]
        expand: usize,
        /// Classes of one expansion step (default one per grade: 小学 6, others 3).
        #[arg(long)]
        expand_classes: Option<f64>,
        /// Child-km an added place must save to be built (default 1).
        #[arg(long)]
        expand_km: Option<f64>,
        /// Impose --max-km: no child is assigned farther (else it is only reported).
        #[arg(long)]
        enforce_max: bool,
        /// Without --add: the plan chooses how many new schools, a new place costing this many
        /// child-km (capacitated facility location).
        #[arg(long)]
        add_km: Option<f64>,
        /// Road distances: an OpenStreetMap extract (.osm.pbf); matrices are cached beside the
        /// database.
        #[arg(long)]
        roads: Option<PathBuf>,
        /// After the heuristic, prove or improve the plan with the MIP (HiGHS) for at most this
        /// many seconds (精确求解; default 60 when given without a value). Needs a build with
        /// `--features highs`.
        #[arg(long, num_args = 0..=1, default_missing_value = "60", value_name = "SECONDS")]
        exact: Option<f64>,
        /// table | json | geojson (the zones).
        #[arg(long, default_value = "table")]
        format: String,
        /// Output file (default standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The county's candidate sites (候选校址) and villages (村庄/社区) the planner uses.
    Points {
        #[command(subcommand)]
        cmd: PointsCmd,
    },
}

#[derive(Subcommand)]
enum PointsCmd {
    /// List the points of a county.
    List {
        /// County (default: the data's first).
        #[arg(long)]
        region: Option<String>,
        /// table | json.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Import points from a CSV (UTF-8/GBK) or Excel file: 编号, 名称, 类型, 经度, 纬度, 学段,
    /// 学位, 造价(万元), 人口, 备注. All or nothing.
    Import {
        /// The file.
        file: PathBuf,
        /// site | village, for a file without a 类型 column.
        #[arg(long)]
        kind: Option<String>,
        /// The file is the whole new list of its kinds: points not in it are deleted.
        #[arg(long)]
        replace: bool,
        /// County (default: the data's first).
        #[arg(long)]
        region: Option<String>,
        /// Who (for the audit log).
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// Delete a point.
    Delete {
        /// site | village.
        kind: String,
        /// Its id.
        id: String,
        /// County (default: the data's first).
        #[arg(long)]
        region: Option<String>,
        /// Who (for the audit log).
        #[arg(long, default_value = "cli")]
        user: String,
    },
}

#[derive(Subcommand)]
enum PlanCmd {
    /// Print the targets a plan's own text commits to (.txt, .docx, or an .xlsx indicator
    /// table), one JSON object per line as in the plan-targets spec, or as a table.
    Extract {
        /// The plan document.
        file: PathBuf,
        /// jsonl | table.
        #[arg(long, default_value = "jsonl")]
        format: String,
    },
    /// Import a plan as a new version of the plan named --name: a plan workbook (.xlsx with sheets
    /// 指标目标, 项目, 资金; every error is listed with sheet, row and column, and nothing is stored),
    /// or the plan document itself (.txt, .docx, an .xlsx indicator table), whose extracted
    /// targets become a draft to review.
    Import {
        /// The workbook.
        file: PathBuf,
        /// 规划名称 (the same name again makes a new version).
        #[arg(long)]
        name: String,
        /// 发文单位.
        #[arg(long, default_value = "")]
        issuer: String,
        /// Region code the plan governs.
        #[arg(long, default_value = "")]
        region: String,
        /// 规划期, e.g. 2021-2025.
        #[arg(long)]
        period: Option<String>,
        /// The plan document itself (.docx, .pdf, .txt), kept with the plan.
        #[arg(long)]
        doc: Option<PathBuf>,
        /// Who.
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// Write an empty plan workbook (the template: 指标目标, 项目, 资金), or with --demo the demo
    /// county's plan for the stored data.
    Template {
        /// Output .xlsx.
        out: PathBuf,
        /// The demo plan of the generated county (seed 7) instead of empty sheets.
        #[arg(long)]
        demo: bool,
    },
    /// Track the targets of the current plans (or --plan ID) in a year: actual, expected on the
    /// straight path from baseline, status 已达成 / 按进度 / 滞后 / 预警.
    Status {
        /// Plan id (default: the current version of every plan).
        #[arg(long)]
        plan: Option<i64>,
        /// Year (default: the latest stored).
        #[arg(long)]
        year: Option<i32>,
        /// table | json | docx | pdf (docx and pdf: the 年度规划实施监测报告).
        #[arg(long, default_value = "table")]
        format: String,
        /// Output file (docx, pdf).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Enter a target's actual value by hand (counts the data cannot give), with its evidence.
    Actual {
        /// Plan id.
        #[arg(long)]
        plan: i64,
        /// The target's indicator (code or the plan's metric name).
        #[arg(long)]
        indicator: String,
        /// Year.
        #[arg(long)]
        year: i32,
        /// Value.
        #[arg(long)]
        value: f64,
        /// Evidence.
        #[arg(long)]
        note: String,
        /// Who.
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// Review an extracted target of a draft plan: accept, reject, or edit (with the fields to
    /// change).
    Review {
        /// Plan id.
        plan: i64,
        /// The target's row (as `plan show --format json` gives it).
        row: u32,
        /// accept | reject | edit.
        decision: String,
        /// New indicator (a catalogue code links it).
        #[arg(long)]
        indicator: Option<String>,
        /// New target value.
        #[arg(long)]
        value: Option<f64>,
        /// New target year.
        #[arg(long)]
        year: Option<i32>,
        /// New comparison (≥ ≤ =).
        #[arg(long)]
        cmp: Option<String>,
        /// Who.
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// Publish a reviewed draft plan: its targets are tracked from now on.
    Publish {
        /// Plan id.
        plan: i64,
        /// Who.
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// Stored plans (every version).
    List,
    /// One plan version: targets, projects, funds.
    Show {
        /// Plan id.
        id: i64,
        /// table | json.
        #[arg(long, default_value = "table")]
        format: String,
    },
}

#[derive(Subcommand)]
enum FindingsCmd {
    /// Turn every problem of an assessment into a finding (one open finding per problem).
    Generate {
        /// balance-quality | balance-basic | preschool | class-size.
        #[arg(long)]
        method: String,
        /// School year assessed.
        #[arg(long)]
        year: i32,
        /// County code (needed when the data holds several counties).
        #[arg(long)]
        region: Option<String>,
        /// 整改期限, YYYY-MM-DD.
        #[arg(long)]
        deadline: String,
        /// 责任单位 for all (default: the school, or 县教育局 for county-wide problems).
        #[arg(long)]
        responsible: Option<String>,
        /// Who (for the history and the audit log).
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// List findings.
    List {
        /// open | in_progress | pending_review | closed (or 待整改 …).
        #[arg(long)]
        state: Option<String>,
        /// Only overdue (逾期) ones.
        #[arg(long)]
        overdue: bool,
        /// Only findings of this school.
        #[arg(long)]
        school: Option<String>,
        /// table | json.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// One finding with its history.
    Show {
        /// Finding id.
        id: i64,
        /// table | json.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// A workflow step: start | submit | close | reject (as the supervision office).
    Act {
        /// Finding id.
        id: i64,
        /// start | submit | close | reject.
        action: String,
        /// What was done (submit) or why not enough (reject).
        #[arg(long, default_value = "")]
        text: String,
        /// Who.
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// Add a comment.
    Comment {
        /// Finding id.
        id: i64,
        /// The comment.
        text: String,
        /// Who.
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// Record 约谈 (interview), 通报 (notice) or 问责 (accountability).
    Escalate {
        /// Finding id.
        id: i64,
        /// interview | notice | accountability (or 约谈 | 通报 | 问责).
        kind: String,
        /// Details.
        #[arg(long, default_value = "")]
        text: String,
        /// Who.
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// Change the deadline.
    Deadline {
        /// Finding id.
        id: i64,
        /// New deadline, YYYY-MM-DD.
        date: String,
        /// Why.
        #[arg(long, default_value = "")]
        reason: String,
        /// Who.
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// Attach an evidence file (佐证材料).
    Attach {
        /// Finding id.
        id: i64,
        /// The file.
        file: PathBuf,
        /// Who.
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// Check open findings of earlier years against a later year's assessment.
    Check {
        /// Assessment method.
        #[arg(long)]
        method: String,
        /// The later school year.
        #[arg(long)]
        year: i32,
        /// County code.
        #[arg(long)]
        region: Option<String>,
        /// Who.
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

/// `eduplan project`: the projection itself, or one of its subcommands.
#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = false)]
struct ProjectArgs {
    #[command(subcommand)]
    cmd: Option<ProjectCmd>,
    /// Scenario name (default 基准, the built-in baseline).
    #[arg(long, global = true)]
    scenario: Option<String>,
    /// First year shown; the base year is the latest stored year not after it (default: the latest).
    #[arg(long, global = true)]
    from: Option<i32>,
    /// The horizon (default: base year + 15).
    #[arg(long, global = true)]
    to: Option<i32>,
    /// A county or township code: it and what lies below it.
    #[arg(long, global = true)]
    region: Option<String>,
    /// school | township | county | all.
    #[arg(long, default_value = "all")]
    level: String,
    /// table | json | csv | xlsx.
    #[arg(long, default_value = "table")]
    format: String,
    /// Output file (required for xlsx; default standard output).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ProjectCmd {
    /// Project from an earlier base year with the data up to it and compare with the recorded
    /// years: MAPE by stage, level and horizon.
    Backtest {
        /// Base year of the test (compared up to --to, a recorded year).
        #[arg(long)]
        base: i32,
        /// table | json.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Every current plan target linked to a projectable indicator: projected value in the target
    /// year and whether it is reached.
    Reach {
        /// table | json.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Scenarios side by side (county rows, or the --region's).
    Compare {
        /// Two or more scenario names, comma-separated.
        #[arg(long)]
        scenarios: String,
        /// table | json.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Saved scenarios.
    Scenario {
        #[command(subcommand)]
        cmd: ScenarioCmd,
    },
}

#[derive(Subcommand)]
enum ScenarioCmd {
    /// List the scenarios.
    List,
    /// Print a scenario with every parameter (defaults included) as JSON.
    Show {
        /// Name.
        name: String,
    },
    /// Save a scenario from a JSON file (replacing one of the same name; audited).
    Save {
        /// Name.
        name: String,
        /// The parameters as JSON (see docs/projections.md).
        file: PathBuf,
        /// Who saves it.
        #[arg(long, default_value = "cli")]
        user: String,
    },
    /// Delete a saved scenario (its parameters stay in the audit log).
    Delete {
        /// Name.
        name: String,
        /// Who deletes it.
        #[arg(long, default_value = "cli")]
        user: String,
    },
}

#[derive(Subcommand)]
enum BenchCmd {
    /// Time the self-assessment report (自评报告) of a stored year as Word and as PDF (the
    /// assessment is not timed; reading the fonts is timed apart, once).
    Report {
        /// Assessment method.
        #[arg(long, default_value = "balance-quality")]
        method: String,
        /// School year.
        #[arg(long)]
        year: i32,
        /// County code (needed when the data holds several counties).
        #[arg(long)]
        region: Option<String>,
        /// Timed runs (the median is reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Time a projection (15 years by default) of every school and township of a generated
    /// province: reading the inputs from the school years in memory and the run itself
    /// (generating the province is not timed).
    Project {
        /// Counties in the generated province.
        #[arg(long, default_value_t = 100)]
        counties: usize,
        /// Years projected.
        #[arg(long, default_value_t = 15)]
        years: i32,
        /// Timed runs (the median is reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
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
        /// Run every measure as its own query (to measure what fusing measures saves).
        #[arg(long)]
        no_fuse: bool,
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

async fn demo(db: &str, port: u16, seed: u64, keep: bool, font_dirs: &[PathBuf]) -> Result<()> {
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
        // the county's five-year plan, through the plan workbook
        let book = eduplan_synth::demo_plan(&ds, 2024, seed);
        let bytes = eduplan_ingest::plan::write_plan_workbook(&book)?;
        let book = eduplan_ingest::plan::read_plan_workbook("规划.xlsx", &bytes).map_err(|e| anyhow::anyhow!("demo plan: {}", e[0].one_line()))?;
        let county: String = book.targets.first().map(|t| t.scope.clone()).unwrap_or_default();
        let meta = eduplan_store::PlanMeta { name: "教育事业发展第十四个五年规划（演示）".into(), issuer: "县人民政府".into(), region: county, period: Some((2021, 2025)), draft: false };
        store.import_plan(&meta, &book, None, "demo").await?;
        // and the same plan as published text, through extraction: a draft to review
        let text = eduplan_synth::demo_plan_text("湖清县");
        let (book, draft) = eduplan_server::plans::read_plan("规划文本.txt", text.as_bytes()).map_err(|e| anyhow::anyhow!("demo plan text: {}", e[0].one_line()))?;
        let meta = eduplan_store::PlanMeta { name: "教育事业发展“十四五”规划文本（演示）".into(), draft, ..meta };
        store.import_plan(&meta, &book, Some(("规划文本.txt", text.as_bytes())), "demo").await?;
    }
    store.upsert_user("admin", "系统管理员", "admin123", Role::Admin, ScopeKind::All, "").await?;
    store.upsert_user("dudao", "督导室", "dudao123", Role::Supervisor, ScopeKind::All, "").await?;
    // projection scenarios to compare with the baseline (基准)
    if store.scenarios().await?.is_empty() {
        for (name, params) in [
            ("低生育", r#"{"description":"出生人口每年减少 5%","births":{"mode":"change","change_pct":-5}}"#),
            ("城镇化加速", r#"{"description":"每年 3% 的乡村儿童随迁进城","urbanisation_pct":3}"#),
            ("普及攻坚", r#"{"description":"2027 年学前三年毛入园率、高中阶段毛入学率均达到 95%","pre_ger_target":{"value":95,"year":2027},"sen_ger_target":{"value":95,"year":2027}}"#),
        ] {
            eduplan_project::Scenario::from_json(params).map_err(|e| anyhow::anyhow!("demo scenario {name}: {e}"))?;
            store.save_scenario(name, params, "demo").await?;
        }
    }
    if store.findings(&Default::default()).await?.is_empty() {
        if let Err(e) = demo_findings(&store).await {
            eprintln!("演示整改问题未生成 / demo findings not created: {e:#}");
        }
    }
    // a road network of the county for network planning's road distances (a real bureau
    // gives an OpenStreetMap extract: `eduplan serve --roads FILE.osm.pbf`)
    let roads_file = PathBuf::from(if db.starts_with("postgres") { std::env::temp_dir().join("eduplan-demo-roads.osm.pbf").display().to_string() } else { format!("{db}.roads.osm.pbf") });
    let roads = match demo_roads(&store, &roads_file).await.and_then(|_| road_network(&roads_file, db)) {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!("演示路网未生成 / demo road network not made: {e:#}");
            None
        }
    };
    println!();
    println!("eduplan 演示 / demo: http://127.0.0.1:{port}/");
    println!("登录 / log in: 用户名 admin  密码 admin123（督导室 dudao / dudao123，学校 school / school123）");
    eduplan_server::serve_with(store, &format!("127.0.0.1:{port}"), eduplan_server::ServerOptions { roads, font_dirs: font_dirs.to_vec() }).await
}

/// Writes a synthetic road network of the stored county as an OpenStreetMap extract: a lattice
/// of village roads about 1 km apart over the county (a fifth of them missing, so that roads
/// wind), trunk roads every 5 km that are never missing, and a lane from every school to the
/// nearest crossing.
async fn demo_roads(store: &Store, path: &std::path::Path) -> Result<()> {
    let years = store.years().await?;
    let y = *years.last().context("no school year")?;
    let data = store.load_year(y).await?.context("no data")?;
    let mut pts: Vec<(f64, f64)> = Vec::new();
    let schools = data.table(eduplan_core::schema::SheetKind::Schools);
    let mut school_xy = Vec::new();
    for r in &schools.rows {
        if let (Some(lon), Some(lat)) = (schools.get(r, "lon").as_f64(), schools.get(r, "lat").as_f64()) {
            school_xy.push((lon, lat));
            pts.push((lon, lat));
        }
    }
    let regions = data.table(eduplan_core::schema::SheetKind::Regions);
    for r in &regions.rows {
        let b = regions.get(r, "boundary").display();
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&b) {
            // every coordinate pair, whatever the nesting (Polygon or MultiPolygon)
            fn walk(v: &serde_json::Value, out: &mut Vec<(f64, f64)>) {
                if let Some(a) = v.as_array() {
                    if let (Some(x), Some(y)) = (a.first().and_then(|x| x.as_f64()), a.get(1).and_then(|x| x.as_f64())) {
                        out.push((x, y));
                    } else {
                        a.iter().for_each(|x| walk(x, out));
                    }
                }
            }
            walk(&v["coordinates"], &mut pts);
        }
    }
    if pts.is_empty() {
        bail!("no coordinates in the data");
    }
    let (x0, x1) = pts.iter().fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.0), a.1.max(p.0)));
    let (y0, y1) = pts.iter().fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.1), a.1.max(p.1)));
    let step = 0.01;
    let (nx, ny) = (((x1 - x0) / step).ceil() as i64 + 3, ((y1 - y0) / step).ceil() as i64 + 3);
    // a fixed pseudo-random stream (SplitMix64) so the demo is the same every time
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let id = |i: i64, j: i64| 1 + i * ny + j;
    let mut nodes = Vec::new();
    for i in 0..nx {
        for j in 0..ny {
            let jitter = (next() - 0.5) * 0.004;
            let jitter2 = (next() - 0.5) * 0.004;
            nodes.push((id(i, j), x0 - step + i as f64 * step + jitter, y0 - step + j as f64 * step + jitter2));
        }
    }
    let mut ways: Vec<(i64, Vec<i64>, Vec<(String, String)>)> = Vec::new();
    let tag = |h: &str| vec![("highway".to_string(), h.to_string())];
    for i in 0..nx {
        for j in 0..ny {
            for (di, dj) in [(1, 0), (0, 1)] {
                let (a, b) = (i + di, j + dj);
                if a >= nx || b >= ny {
                    continue;
                }
                let trunk = (di == 1 && j % 5 == 0) || (dj == 1 && i % 5 == 0);
                if !trunk && next() < 0.2 {
                    continue;
                }
                let wid = ways.len() as i64 + 1;
                ways.push((wid, vec![id(i, j), id(a, b)], tag(if trunk { "secondary" } else { "unclassified" })));
            }
        }
    }
    let mut next_node = nx * ny + 1;
    for (lon, lat) in school_xy {
        let (i, j) = (((lon - x0 + step) / step).round() as i64, ((lat - y0 + step) / step).round() as i64);
        nodes.push((next_node, lon, lat));
        let wid = ways.len() as i64 + 1;
        ways.push((wid, vec![next_node, id(i.clamp(0, nx - 1), j.clamp(0, ny - 1))], tag("service")));
        next_node += 1;
    }
    eduplan_roads::write::write_pbf(path, &nodes, &ways).with_context(|| path.display().to_string())?;
    Ok(())
}

/// A road network from an OpenStreetMap extract, its distance matrices cached in a folder
/// beside the database (`<db>.cache/roads`, or the system's temporary folder for PostgreSQL).
fn road_network(pbf: &std::path::Path, db: &str) -> Result<std::sync::Arc<dyn eduplan_layout::Distances>> {
    let cache = if db.starts_with("postgres") { std::env::temp_dir().join("eduplan-cache").join("roads") } else { PathBuf::from(format!("{db}.cache")).join("roads") };
    let t = Instant::now();
    let net = eduplan_roads::CachedRoads::open(pbf, &cache)?;
    eprintln!("路网 / road network {}: {} nodes, {} edges, {:.1}s", pbf.display(), net.network().nodes(), net.network().edges(), t.elapsed().as_secs_f64());
    Ok(std::sync::Arc::new(net))
}

async fn points_cmd(store: &Store, cmd: PointsCmd) -> Result<()> {
    use eduplan_core::layout::PointKind;
    // the county: the one named, else the data's first
    async fn county(store: &Store, region: Option<String>) -> Result<String> {
        match region {
            Some(r) => Ok(r),
            None => store.counties().await?.into_iter().next().context("数据中没有县 / no county in the data"),
        }
    }
    match cmd {
        PointsCmd::List { region, format } => {
            let county = county(store, region).await?;
            let pts = store.layout_points(Some(&county)).await?;
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&pts.iter().map(|p| p.to_json()).collect::<Vec<_>>())?),
                "table" => {
                    println!("{county}: {} 个候选校址 / sites, {} 个村庄/社区 / villages", pts.iter().filter(|p| p.kind == PointKind::Site).count(), pts.iter().filter(|p| p.kind == PointKind::Village).count());
                    let o = |x: Option<f64>| x.map(eduplan_core::data::fmt_num).unwrap_or_else(|| "-".into());
                    for p in &pts {
                        println!("{:<10} {:<8} {:<20} ({:.5}, {:.5}) 学段 {:<4} 学位 {:>6} 造价 {:>8} 人口 {:>8} {}", p.kind.zh(), p.id, p.name, p.lon, p.lat, p.stage.as_deref().unwrap_or("-"), o(p.capacity), o(p.cost), o(p.weight), p.note);
                    }
                }
                other => bail!("--format must be table or json (not {other})"),
            }
        }
        PointsCmd::Import { file, kind, replace, region, user } => {
            let county = county(store, region).await?;
            let kind = kind.map(|k| PointKind::parse(&k).with_context(|| format!("--kind must be site or village (not {k})"))).transpose()?;
            let bytes = std::fs::read(&file).with_context(|| file.display().to_string())?;
            let name = file.display().to_string();
            let pts = match eduplan_ingest::points::read_points(&name, &bytes, &county, kind) {
                Ok(p) => p,
                Err(issues) => {
                    for i in &issues {
                        eprintln!("{}", i.one_line());
                    }
                    bail!("{} 处错误，未导入 / {} errors, nothing imported", issues.len(), issues.len());
                }
            };
            let (saved, deleted) = store.save_layout_points(&pts, replace, &user).await?;
            println!("{county}: 导入 {saved} 个点，删除 {deleted} 个 / imported {saved} points, deleted {deleted}");
        }
        PointsCmd::Delete { kind, id, region, user } => {
            let county = county(store, region).await?;
            let k = PointKind::parse(&kind).with_context(|| format!("kind must be site or village (not {kind})"))?;
            store.delete_layout_point(&county, k, &id, &user).await?;
            println!("{county}: 已删除 {} {id} / deleted", k.zh());
        }
    }
    Ok(())
}

/// The demo's supervision history: last year's assessment turned into findings, some of them
/// under way, one summoned (约谈), and this year's data checked against them; plus a school
/// user for the first school with a finding (password school123).
async fn demo_findings(store: &Store) -> Result<()> {
    use eduplan_core::finding::{Action, Actor, Escalation};
    use eduplan_server::findings::{check, generate};
    let years = store.years().await?;
    let (Some(&last), Some(&prev)) = (years.last(), years.iter().rev().nth(1)) else { return Ok(()) };
    for method in ["balance-quality", "class-size"] {
        generate(store, method, prev, None, &format!("{}-06-30", last + 1), None, "dudao").await?;
    }
    let mut all = store.findings(&Default::default()).await?;
    all.reverse();
    for (i, f) in all.iter().enumerate() {
        match i % 5 {
            0 => {
                store.act_on_finding(f.id, Action::Start, Actor::Supervisor, "dudao", "").await?;
            }
            1 => {
                store.act_on_finding(f.id, Action::Start, Actor::Supervisor, "dudao", "").await?;
                store.act_on_finding(f.id, Action::Submit, Actor::Supervisor, "dudao", "已按要求补充配置，见佐证材料").await?;
            }
            2 => {
                store.escalate_finding(f.id, Escalation::Interview, Actor::Supervisor, "dudao", "逾期未整改，约谈校长").await?;
            }
            3 if i % 2 == 1 => {
                store.act_on_finding(f.id, Action::Start, Actor::Supervisor, "dudao", "").await?;
                store.act_on_finding(f.id, Action::Submit, Actor::Supervisor, "dudao", "已完成整改，提交验收材料").await?;
                store.act_on_finding(f.id, Action::Close, Actor::Supervisor, "dudao", "现场复查合格").await?;
            }
            _ => {}
        }
    }
    for method in ["balance-quality", "class-size"] {
        check(store, method, last, None, "dudao").await?;
    }
    generate(store, "funds", last, None, &format!("{}-03-31", last + 2), None, "dudao").await?;
    generate(store, "balance-quality", last, None, &format!("{}-12-31", last + 2), None, "dudao").await?;
    if let Some(f) = store.findings(&Default::default()).await?.into_iter().find(|f| !f.new.school_id.is_empty()) {
        store.upsert_user("school", &format!("{}填报员", f.new.responsible), "school123", Role::School, ScopeKind::School, &f.new.school_id).await?;
    }
    Ok(())
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
    let font_dirs = cli.font_dir;
    // a mistyped font folder would otherwise be skipped without a word and the system's fonts
    // used instead of the user's
    for d in &font_dirs {
        if !d.is_dir() {
            bail!("--font-dir {}：不是文件夹或不存在 / is not a folder or does not exist", d.display());
        }
    }
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
            assess(&store, &method, year, region.as_deref(), &format, out.as_deref(), standards.as_deref(), &font_dirs).await
        }
        Cmd::Indicator { cmd } => {
            let store = Store::open(&db).await?;
            indicator_cmd(&store, cmd).await
        }
        Cmd::Evidence { method, year, region, code, passed, note, file, user } => {
            let store = Store::open(&db).await?;
            let passed = match passed.as_str() {
                "yes" | "true" | "是" | "达标" => true,
                "no" | "false" | "否" | "未达标" => false,
                other => bail!("--passed must be yes or no (not {other})"),
            };
            let std = eduplan_server::assess::standards(None)?;
            let run = eduplan_server::assess::run_full(&store, &method, year, region.as_deref(), &std).await?;
            if !run.json["items"].as_array().into_iter().flatten().any(|i| i["code"] == code.as_str()) {
                bail!("{method} 没有项目 {code} / {method} has no item {code}");
            }
            let content = file.as_ref().map(|f| std::fs::read(f).with_context(|| f.display().to_string())).transpose()?;
            let name = file.as_ref().and_then(|f| f.file_name()).map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let mime = file.as_ref().map(|f| mime_of(f)).unwrap_or("application/octet-stream");
            let e = store.record_evidence(&method, year, &run.scope, &code, passed, &note, content.as_deref().map(|c| (name.as_str(), mime, c)), &user).await?;
            println!("{code} {} 已记录（#{}）/ recorded", if e.passed { "达标" } else { "未达标" }, e.id);
            Ok(())
        }
        Cmd::Layout { cmd: LayoutCmd::Orlib { file, kind, p, exact, format } } => {
            let kind: eduplan_layout::Kind = kind.parse()?;
            if let Some(x) = exact.filter(|x| !(x.is_finite() && *x > 0.0)) {
                bail!("--exact 应为大于 0 的秒数（不是 {x}）/ --exact must be a number of seconds > 0 (not {x})");
            }
            let v = eduplan_layout::orlib_json(&file, kind, p, exact)?;
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&v)?),
                "table" => {
                    println!("{} {} n={} p={} objective={} lower_bound={} gap={} seconds={}", v["instance"], v["kind"], v["n"], v["p"], v["objective"], v["lower_bound"], v["gap"], v["seconds"]);
                    if v.get("mip").is_some() {
                        println!("heuristic objective={} lower_bound={} seconds={}; mip status={} seconds={}", v["heuristic"]["objective"], v["heuristic"]["lower_bound"], v["heuristic"]["seconds"], v["mip"]["status"], v["mip"]["seconds"]);
                    }
                }
                other => bail!("--format must be json or table (not {other})"),
            }
            Ok(())
        }
        Cmd::Project(args) => {
            let store = Store::open(&db).await?;
            project_cmd(&store, args).await
        }
        Cmd::Layout { cmd: LayoutCmd::Points { cmd } } => {
            let store = Store::open(&db).await?;
            points_cmd(&store, cmd).await
        }
        Cmd::Layout { cmd: LayoutCmd::Solve { stage, year, scenario, region, add, max_km, allow_close, objective, exclude, grid_km, candidates, demand, expand, expand_classes, expand_km, enforce_max, add_km, roads, exact, format, out } } => {
            let store = Store::open(&db).await?;
            let net = roads.as_deref().map(|r| road_network(r, &db)).transpose()?;
            let q = eduplan_server::layout::LayoutQuery {
                stage: Some(stage),
                year,
                scenario,
                region,
                add,
                max_km,
                allow_close: Some(allow_close),
                objective: Some(objective),
                exclude,
                grid_km,
                candidates: Some(candidates),
                demand: Some(demand),
                expand: Some(expand),
                expand_classes,
                expand_km,
                enforce_max: Some(enforce_max),
                roads: Some(net.is_some()),
                add_km,
                exact,
            };
            let v = eduplan_server::layout::solve(&store, &q, net).await?;
            let text = match format.as_str() {
                "json" => serde_json::to_string_pretty(&v)? + "\n",
                "geojson" => serde_json::to_string_pretty(&v["zones"])? + "\n",
                "table" => {
                    let f = |x: &serde_json::Value| x.as_f64().map(eduplan_core::data::fmt_num).unwrap_or_default();
                    let mut s = format!(
                        "{} {} 年 · 情景 {} · 县 {} · 新建 {} 所 · 最远 {} km · 求解 {} 目标 {:.1} 下界 {:.1} 间隙 {:.2}% {:.2} s\n",
                        v["stage"].as_str().unwrap_or(""), v["year"], v["scenario"].as_str().unwrap_or(""), v["region"].as_str().unwrap_or(""), v["params"]["add"], v["params"]["max_km"],
                        v["solution"]["kind"].as_str().unwrap_or(""), v["solution"]["objective"].as_f64().unwrap_or(0.0), v["solution"]["lower_bound"].as_f64().unwrap_or(0.0),
                        v["solution"]["gap"].as_f64().unwrap_or(0.0) * 100.0, v["solution"]["seconds"].as_f64().unwrap_or(0.0)
                    );
                    if let Some(st) = v["solution"]["mip_status"].as_str() {
                        let h = &v["solution"]["heuristic"];
                        s.push_str(&format!(
                            "精确求解 / MIP (HiGHS): {st} · 启发式 heuristic {:.1} 下界 {:.1}\n",
                            h[0].as_f64().unwrap_or(0.0), h[1].as_f64().unwrap_or(0.0)
                        ));
                    }
                    s.push_str(&format!("{:<16} {:>10} {:>10}\n", "", "现状 before", "方案 after"));
                    for (k, zh) in [("mean_km", "平均距离 km"), ("max_km", "最远距离 km"), ("beyond_limit", "超距儿童"), ("place_gap", "学位缺口"), ("big_classes", "大班额班级")] {
                        s.push_str(&format!("{:<16} {:>10} {:>10}\n", zh, f(&v["before"][k]), f(&v["after"][k])));
                    }
                    s.push_str(&format!("距离 / distances: {} · 扩建 {} 所 {} 个学位 / expanded {} schools, {} places\n", v["solution"]["distances"].as_str().unwrap_or(""), v["expanded"], f(&v["added_places"]), v["expanded"], f(&v["added_places"])));
                    for site in v["sites"].as_array().into_iter().flatten().filter(|x| x["status"] != "unused") {
                        s.push_str(&format!(
                            "{:<8} {:<12} {:<20} 学位 {:>6} 现状 {:>7} 方案 {:>7} ({:.4}, {:.4})\n",
                            site["status"].as_str().unwrap_or(""), site["id"].as_str().unwrap_or(""), site["name"].as_str().unwrap_or(""), f(&site["capacity"]),
                            f(&site["load_before"]), f(&site["load_after"]), site["lon"].as_f64().unwrap_or(0.0), site["lat"].as_f64().unwrap_or(0.0)
                        ));
                    }
                    for w in v["warnings"].as_array().into_iter().flatten() {
                        s.push_str(&format!("注意 / note: {}\n", w.as_str().unwrap_or("")));
                    }
                    s
                }
                other => bail!("--format must be table, json or geojson (not {other})"),
            };
            match out {
                Some(p) => std::fs::write(p, text)?,
                None => print!("{text}"),
            }
            Ok(())
        }
        Cmd::Plan { cmd } => {
            let store = Store::open(&db).await?;
            plan_cmd(&store, cmd, &font_dirs).await
        }
        Cmd::Findings { cmd } => {
            let store = Store::open(&db).await?;
            findings_cmd(&store, cmd).await
        }
        Cmd::Demo { port, seed, keep } => demo(&demo_db, port, seed, keep, &font_dirs).await,
        Cmd::Serve { bind, port, roads } => {
            let store = Store::open(&db).await?;
            let roads = roads.as_deref().map(|r| road_network(r, &db)).transpose()?;
            println!("eduplan: http://{bind}:{port}/");
            eduplan_server::serve_with(store, &format!("{bind}:{port}"), eduplan_server::ServerOptions { roads, font_dirs }).await
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
        Cmd::Bench { cmd: BenchCmd::Report { method, year, region, runs } } => {
            let store = Store::open(&db).await?;
            bench_report(&store, &method, year, region.as_deref(), runs, &font_dirs).await
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
        Cmd::Bench { cmd: BenchCmd::Project { counties, years, runs, json } } => bench_project(counties, years, runs, json),
        Cmd::Bench { cmd: BenchCmd::Indicators { path, year, runs, dump, json, no_fuse } } => bench_indicators(&path, year, runs, dump.as_deref(), json, no_fuse).await,
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
        "csv" => csv_of(&rows, &COLS),
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

/// JSON rows as CSV with the given columns (text quoted where it must be).
fn csv_of(rows: &[serde_json::Value], cols: &[&str]) -> String {
    let mut s = cols.join(",") + "\n";
    for r in rows {
        let line: Vec<String> = cols
            .iter()
            .map(|c| {
                let t = match &r[*c] {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if t.contains([',', '"', '\n']) { format!("\"{}\"", t.replace('"', "\"\"")) } else { t }
            })
            .collect();
        s.push_str(&line.join(","));
        s.push('\n');
    }
    s
}

async fn project_cmd(store: &Store, args: ProjectArgs) -> Result<()> {
    use eduplan_server::projections as pj;
    let write = |text: String, out: Option<&Path>| -> Result<()> {
        match out {
            Some(p) => std::fs::write(p, text)?,
            None => print!("{text}"),
        }
        Ok(())
    };
    let num = |v: &serde_json::Value| v.as_f64().map(|x| eduplan_core::data::fmt_num(x)).unwrap_or_default();
    match args.cmd {
        None => {
            let q = pj::Request { scenario: args.scenario, from: args.from, to: args.to, region: args.region, level: Some(args.level) };
            let a = pj::project(store, &q).await?;
            for w in &a.projection.warnings {
                eprintln!("注意 / note: {w}");
            }
            let rows: Vec<serde_json::Value> = pj::selected(&a, &q).iter().map(|r| serde_json::to_value(r).expect("a row")).collect();
            let cols: Vec<&str> = pj::COLUMNS.iter().map(|c| c.0).collect();
            match args.format.as_str() {
                "json" => write(serde_json::to_string_pretty(&rows)? + "\n", args.out.as_deref()),
                "csv" => write(csv_of(&rows, &cols), args.out.as_deref()),
                "xlsx" => {
                    let path = args.out.context("--format xlsx needs --out FILE.xlsx")?;
                    std::fs::write(&path, pj::answer_xlsx(&a, &q)?)?;
                    println!("{} rows → {}", rows.len(), path.display());
                    Ok(())
                }
                "table" => {
                    let mut s = format!(
                        "情景 {} · 基期 {} · {}–{}\n{:<12} {:<9} {:<5} {:<5} {:>8} {:>8} {:>6} {:>8} {:>7} {:>5} {:>6} {:>6} {:>9}\n",
                        a.name, a.projection.base_year, a.from, a.projection.to, "scope", "level", "year", "stage", "pop", "enrolled", "class", "places", "gap", "big", "need", "avail", "cost万元"
                    );
                    for r in &rows {
                        s.push_str(&format!(
                            "{:<12} {:<9} {:<5} {:<5} {:>8} {:>8} {:>6} {:>8} {:>7} {:>5} {:>6} {:>6} {:>9}\n",
                            r["scope"].as_str().unwrap_or(""), r["level"].as_str().unwrap_or(""), r["year"], r["stage"].as_str().unwrap_or(""), num(&r["school_age_pop"]), num(&r["enrolled"]),
                            num(&r["classes_needed"]), num(&r["places"]), num(&r["place_gap"]), num(&r["big_classes"]), num(&r["teachers_needed"]), num(&r["teachers_available"]), num(&r["cost"])
                        ));
                    }
                    write(s, args.out.as_deref())
                }
                other => bail!("--format must be table, json, csv or xlsx (not {other})"),
            }
        }
        Some(ProjectCmd::Backtest { base, format }) => {
            let to = args.to.context("project backtest needs --to, the last recorded year compared")?;
            let v = pj::backtest_json(store, args.scenario.as_deref(), base, to).await?;
            match format.as_str() {
                "json" => write(serde_json::to_string_pretty(&v["rows"])? + "\n", None),
                "table" => {
                    let mut s = format!("回测 / backtest {base} → {to}\n{:<15} {:<5} {:<9} {:>7} {:>8} {:>4}\n", "measure", "stage", "level", "horizon", "MAPE %", "n");
                    for r in v["rows"].as_array().into_iter().flatten() {
                        s.push_str(&format!("{:<15} {:<5} {:<9} {:>7} {:>8} {:>4}\n", r["measure"].as_str().unwrap_or(""), r["stage"].as_str().unwrap_or(""), r["level"].as_str().unwrap_or(""), r["horizon"], num(&r["mape"]), r["n"]));
                    }
                    write(s, None)
                }
                other => bail!("--format must be table or json (not {other})"),
            }
        }
        Some(ProjectCmd::Reach { format }) => {
            let (a, v) = pj::reach_answer(store, args.scenario).await?;
            match format.as_str() {
                "json" => write(serde_json::to_string_pretty(&v)? + "\n", None),
                "table" => {
                    let mut s = format!("情景 {} · 基期 {}\n", a.name, a.projection.base_year);
                    for r in v.as_array().into_iter().flatten() {
                        let verdict = match r["reached"].as_bool() {
                            Some(true) => "可达成",
                            Some(false) => "难以达成",
                            None => "无法预测",
                        };
                        s.push_str(&format!(
                            "{:<8} {:<16} {} {}{} {} → {}  {}\n",
                            verdict, r["indicator"].as_str().unwrap_or(""), r["target_year"], r["cmp"].as_str().unwrap_or(""), num(&r["target_value"]), r["scope"].as_str().unwrap_or(""), num(&r["projected"]), r["reason"].as_str().unwrap_or("")
                        ));
                    }
                    write(s, None)
                }
                other => bail!("--format must be table or json (not {other})"),
            }
        }
        Some(ProjectCmd::Compare { scenarios, format }) => {
            let names: Vec<String> = scenarios.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
            if names.len() < 2 {
                bail!("--scenarios needs two or more names, e.g. 基准,低生育");
            }
            let mut rows = Vec::new();
            for n in &names {
                let q = pj::Request { scenario: Some(n.clone()), from: args.from, to: args.to, region: args.region.clone(), level: Some("county".into()) };
                let q = if args.region.is_some() { pj::Request { level: Some("all".into()), ..q } } else { q };
                let a = pj::project(store, &q).await?;
                for r in pj::selected(&a, &q).into_iter().filter(|r| r.level != "school" && args.region.as_deref().is_none_or(|x| r.scope == x)) {
                    let mut j = serde_json::to_value(r)?;
                    j["scenario"] = serde_json::json!(n);
                    rows.push(j);
                }
            }
            match format.as_str() {
                "json" => write(serde_json::to_string_pretty(&rows)? + "\n", None),
                "table" => {
                    // one line per scope, year and stage; each scenario's enrolled / place gap / staff shortage
                    let mut keys: Vec<(String, i64, String)> = rows.iter().map(|r| (r["scope"].as_str().unwrap_or("").to_string(), r["year"].as_i64().unwrap_or(0), r["stage"].as_str().unwrap_or("").to_string())).collect();
                    keys.dedup();
                    keys.sort();
                    keys.dedup();
                    let mut s = format!("{:<12} {:<5} {:<5}", "scope", "year", "stage");
                    for n in &names {
                        s.push_str(&format!(" | {n}: enrolled gap need-avail"));
                    }
                    s.push('\n');
                    for (scope, year, stage) in keys {
                        s.push_str(&format!("{scope:<12} {year:<5} {stage:<5}"));
                        for n in &names {
                            if let Some(r) = rows.iter().find(|r| r["scenario"] == n.as_str() && r["scope"] == scope.as_str() && r["year"] == year && r["stage"] == stage.as_str()) {
                                let short = r["teachers_needed"].as_f64().unwrap_or(0.0) - r["teachers_available"].as_f64().unwrap_or(0.0);
                                s.push_str(&format!(" | {:>8} {:>6} {:>6}", num(&r["enrolled"]), num(&r["place_gap"]), short));
                            }
                        }
                        s.push('\n');
                    }
                    write(s, None)
                }
                other => bail!("--format must be table or json (not {other})"),
            }
        }
        Some(ProjectCmd::Scenario { cmd }) => match cmd {
            ScenarioCmd::List => {
                println!("{} (内置 / built in)", eduplan_project::scenario::BASELINE);
                for s in store.scenarios().await? {
                    let d = eduplan_project::Scenario::from_json(&s.params).map(|x| x.description).unwrap_or_else(|e| format!("(invalid: {e})"));
                    println!("{}\t{}\t{} {}", s.name, d, s.updated_by, s.updated_at);
                }
                Ok(())
            }
            ScenarioCmd::Show { name } => {
                let (_, sc) = pj::scenario(store, Some(&name)).await?;
                println!("{}", serde_json::to_string_pretty(&sc)?);
                Ok(())
            }
            ScenarioCmd::Save { name, file, user } => {
                if name == eduplan_project::scenario::BASELINE {
                    bail!("基准情景为内置情景，请另存为新名称 / the baseline scenario is built in: save under another name");
                }
                let text = std::fs::read_to_string(&file).with_context(|| file.display().to_string())?;
                let sc = eduplan_project::Scenario::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
                store.save_scenario(&name, &serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&text)?)?, &user).await?;
                println!("情景 {name} 已保存 / saved ({})", if sc.description.is_empty() { "-" } else { &sc.description });
                Ok(())
            }
            ScenarioCmd::Delete { name, user } => {
                store.delete_scenario(&name, &user).await?;
                println!("情景 {name} 已删除 / deleted");
                Ok(())
            }
        },
    }
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

fn bench_project(counties: usize, horizon: i32, runs: usize, json: bool) -> Result<()> {
    use eduplan_core::data::YearData;
    // the years a baseline projection reads: three years of rates and the year before them
    let (first, base) = (2020, 2024);
    let t0 = Instant::now();
    let ds = eduplan_synth::generate(&eduplan_synth::Options { counties, seed: 1, years: (first, base) });
    let data: Vec<YearData> = (first..=base).map(|y| YearData::from_dataset(&ds, y)).collect();
    drop(ds);
    let t_gen = t0.elapsed().as_secs_f64();
    let sc = eduplan_project::Scenario::default();
    let (mut t_in, mut t_run, mut t_all) = (Vec::new(), Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..runs.max(1) {
        drop(last.take());
        let t = Instant::now();
        let inputs = eduplan_project::Inputs::from_years(&data, base, Vec::new()).map_err(|e| anyhow::anyhow!(e))?;
        let a = t.elapsed().as_secs_f64();
        let p = eduplan_project::run(&inputs, &sc, base + horizon);
        let b = t.elapsed().as_secs_f64();
        t_in.push(a);
        t_run.push(b - a);
        t_all.push(b);
        last = Some((inputs, p));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let (inputs, p) = last.expect("one run");
    let schools = inputs.schools.len();
    let townships = inputs.townships().len();
    let (i, r, t) = (median(&mut t_in), median(&mut t_run), median(&mut t_all));
    if json {
        println!(
            "{}",
            serde_json::json!({"counties": counties, "townships": townships, "schools": schools, "years": horizon, "rows": p.rows.len(),
                "inputs_seconds": i, "run_seconds": r, "total_seconds": t, "generate_seconds": t_gen, "peak_rss_mb": peak_rss_mb()})
        );
    } else {
        println!(
            "projection of {counties} counties, {townships} townships, {schools} schools, {horizon} years: {} rows; inputs {i:.3} s + run {r:.3} s = {t:.3} s (median of {runs}; generating took {t_gen:.1} s; peak {:.0} MB)",
            p.rows.len(),
            peak_rss_mb().unwrap_or(0.0)
        );
    }
    Ok(())
}

async fn bench_indicators(path: &Path, year: Option<i32>, runs: usize, dump: Option<&Path>, json: bool, no_fuse: bool) -> Result<()> {
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
        let engine = if no_fuse { Engine::new(&data).without_fusion() } else { Engine::new(&data) };
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

#[allow(clippy::too_many_arguments)]
async fn assess(store: &Store, method: &str, year: i32, region: Option<&str>, format: &str, out: Option<&Path>, standards: Option<&Path>, font_dirs: &[PathBuf]) -> Result<()> {
    use serde_json::Value as J;
    let std = eduplan_server::assess::standards(standards)?;
    let run = eduplan_server::assess::run_full(store, method, year, region, &std).await?;
    let a = &run.json;
    let num = |v: &J| v.as_f64().map(|x| format!("{x}")).unwrap_or_else(|| "—".into());
    match format {
        "json" => println!("{}", serde_json::to_string_pretty(a)?),
        "table" => {
            println!("{} {} {} — {}", a["method"].as_str().unwrap_or(method), a["scope"].as_str().unwrap_or(""), year, if a["passed"].as_bool() == Some(true) { "通过 / passed" } else { "未通过 / not passed" });
            for (name, head, rows) in eduplan_server::assess::tables(a, &std) {
                println!("\n{name}");
                println!("  {}", head.join(" | "));
                for r in rows {
                    println!("  {}", r.iter().map(|v| v.display()).collect::<Vec<_>>().join(" | "));
                }
            }
            if let Some(levels) = a["levels"].as_object().filter(|_| method == "class-size") {
                for (k, l) in levels {
                    println!("  {k}: 班级 {} 大班额 {} ({}%) 超大班额 {}% 超标准班额 {}", num(&l["classes"]), num(&l["big"]), num(&l["big_share"]), num(&l["huge_share"]), num(&l["over_standard"]));
                }
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
            std::fs::write(path, eduplan_ingest::write::tables_xlsx(&eduplan_server::assess::tables(a, &std))?)?;
            println!("→ {}", path.display());
        }
        "docx" | "pdf" => write_report(&eduplan_server::assess::report(store, &run, &std).await?, format, out, font_dirs)?,
        other => bail!("--format must be table, json, xlsx, docx or pdf (not {other})"),
    }
    Ok(())
}

async fn findings_cmd(store: &Store, cmd: FindingsCmd) -> Result<()> {
    use eduplan_core::finding::{Action, Actor, Escalation, FindingState};
    use eduplan_server::findings as f;
    // the CLI runs on the bureau's own machine, as the supervision office
    let actor = Actor::Supervisor;
    let today = f::today();
    match cmd {
        FindingsCmd::Generate { method, year, region, deadline, responsible, user } => {
            let g = f::generate(store, &method, year, region.as_deref(), &deadline, responsible.as_deref(), &user).await?;
            println!("问题 {} 个，新建整改问题 {} 个，已有未销号问题 {} 个 / {} problems, {} findings created, {} already open", g.problems, g.created.len(), g.skipped, g.problems, g.created.len(), g.skipped);
        }
        FindingsCmd::List { state, overdue, school, format } => {
            let state = match state {
                Some(s) => Some(FindingState::parse(&s).with_context(|| format!("unknown state {s}; open | in_progress | pending_review | closed"))?),
                None => None,
            };
            let all = store.findings(&eduplan_store::FindingFilter { state, school_id: school, ..Default::default() }).await?;
            let shown: Vec<_> = all.iter().filter(|x| !overdue || x.overdue(&today)).collect();
            if format == "json" {
                println!("{}", serde_json::to_string_pretty(&shown.iter().map(|x| f::to_json(x, &today)).collect::<Vec<_>>())?);
            } else {
                for x in shown {
                    let late = if x.overdue(&today) { " 逾期" } else { "" };
                    let esc = x.escalation.map(|e| format!(" [{}]", e.zh())).unwrap_or_default();
                    println!("{:>5} {} {}{late}{esc} 期限 {} {} — {}", x.id, x.new.year, x.state.zh(), x.new.deadline, x.new.responsible, x.new.problem);
                }
            }
        }
        FindingsCmd::Show { id, format } => {
            let x = store.finding(id).await?;
            let events = store.finding_events(id).await?;
            let files = store.finding_attachments(id).await?;
            if format == "json" {
                let mut v = f::to_json(&x, &today);
                v["events"] = events.iter().map(|e| serde_json::json!({"at": e.at, "actor": e.actor, "kind": e.kind, "from_state": e.from_state, "to_state": e.to_state, "text": e.text})).collect();
                v["attachments"] = files.iter().map(|a| serde_json::json!({"id": a.id, "name": a.name, "size": a.size})).collect();
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!("#{} {} · {} · {} · 期限 {}{}", x.id, x.state.zh(), x.new.severity.zh(), x.new.responsible, x.new.deadline, if x.overdue(&today) { " · 逾期" } else { "" });
                println!("问题：{}\n整改要求：{}", x.new.problem, x.new.requirement);
                for e in events {
                    println!("  {} {} {} {}", e.at, e.actor, e.kind, e.text);
                }
                for a in files {
                    println!("  附件 {} {} ({} bytes)", a.id, a.name, a.size);
                }
            }
        }
        FindingsCmd::Act { id, action, text, user } => {
            let a = Action::parse(&action).with_context(|| format!("unknown action {action}; start | submit | close | reject"))?;
            let x = store.act_on_finding(id, a, actor, &user, &text).await?;
            println!("#{id} → {}", x.state.zh());
        }
        FindingsCmd::Comment { id, text, user } => {
            store.comment_finding(id, actor, &user, &text).await?;
            println!("#{id} 已记录意见 / comment recorded");
        }
        FindingsCmd::Escalate { id, kind, text, user } => {
            let e = Escalation::parse(&kind).with_context(|| format!("unknown escalation {kind}; interview | notice | accountability"))?;
            store.escalate_finding(id, e, actor, &user, &text).await?;
            println!("#{id} 已记录{} / {} recorded", e.zh(), e.as_str());
        }
        FindingsCmd::Deadline { id, date, reason, user } => {
            let x = store.set_finding_deadline(id, &date, actor, &user, &reason).await?;
            println!("#{id} 期限 {}", x.new.deadline);
        }
        FindingsCmd::Attach { id, file, user } => {
            let bytes = std::fs::read(&file).with_context(|| format!("{}", file.display()))?;
            let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "附件".into());
            let a = store.attach_to_finding(id, &name, mime_of(&file), &bytes, actor, &user).await?;
            println!("#{id} 附件 {} {} ({} bytes)", a.id, a.name, a.size);
        }
        FindingsCmd::Check { method, year, region, user } => {
            let r = f::check(store, &method, year, region.as_deref(), &user).await?;
            for (id, gone) in &r {
                println!("#{id} {}", if *gone { "问题已消除，建议复查销号 / gone: propose closing" } else { "问题仍存在 / still there" });
            }
            println!("{} 个往年问题已核对 / checked", r.len());
        }
    }
    Ok(())
}

/// The MIME type of an evidence file, from its extension.
fn mime_of(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("pdf") => "application/pdf",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("txt") => "text/plain; charset=utf-8",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

async fn bench_report(store: &Store, method: &str, year: i32, region: Option<&str>, runs: usize, font_dirs: &[PathBuf]) -> Result<()> {
    let std = eduplan_server::assess::standards(None)?;
    let run = eduplan_server::assess::run_full(store, method, year, region, &std).await?;
    let doc = eduplan_server::assess::report(store, &run, &std).await?;
    let t = std::time::Instant::now();
    let fonts = eduplan_report::Fonts::search(font_dirs);
    let fonts_s = t.elapsed().as_secs_f64();
    let median = |f: &dyn Fn() -> Result<usize>| -> Result<(f64, usize)> {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..runs.max(1) {
            let t = std::time::Instant::now();
            bytes = f()?;
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        Ok((times[times.len() / 2], bytes))
    };
    let (docx_s, docx_bytes) = median(&|| Ok(doc.to_docx().len()))?;
    // each run from scratch: typst memoises, and a second run of the same document is nearly free
    let (pdf_s, pdf_bytes) = median(&|| {
        eduplan_report::forget_typesetting_cache();
        Ok(doc.to_pdf(&fonts).map_err(|e| anyhow::anyhow!("{e}"))?.len())
    })?;
    let pages = doc.pdf_pages(&fonts).map_err(|e| anyhow::anyhow!("{e}"))?;
    let rows: usize = doc.blocks.iter().map(|b| if let eduplan_report::Block::Table { rows, .. } = b { rows.len() } else { 0 }).sum();
    println!("report {method} {year}: {} blocks, {rows} table rows", doc.blocks.len());
    println!("fonts: {} families read in {fonts_s:.2} s", fonts.families().len());
    println!("docx: {docx_s:.3} s (median of {runs}), {docx_bytes} bytes");
    println!("pdf:  {pdf_s:.3} s (median of {runs}), {pdf_bytes} bytes, {pages} pages");
    Ok(())
}

/// Writes a report as Word (`docx`) or PDF (`pdf`, with the Chinese fonts of `font_dirs` and the
/// system's) to `out`.
fn write_report(doc: &eduplan_report::Document, format: &str, out: Option<&Path>, font_dirs: &[PathBuf]) -> Result<()> {
    let path = out.with_context(|| format!("--format {format} needs --out FILE.{format}"))?;
    let bytes = if format == "pdf" { doc.to_pdf(&eduplan_report::Fonts::search(font_dirs)).map_err(|e| anyhow::anyhow!("{e}"))? } else { doc.to_docx() };
    std::fs::write(path, bytes)?;
    println!("→ {}", path.display());
    Ok(())
}

async fn plan_cmd(store: &Store, cmd: PlanCmd, font_dirs: &[PathBuf]) -> Result<()> {
    match cmd {
        PlanCmd::Import { file, name, issuer, region, period, doc, user } => {
            let bytes = std::fs::read(&file).with_context(|| file.display().to_string())?;
            let fname = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let period = match period {
                Some(p) => {
                    let (a, b) = p.split_once(['-', '–', '~']).with_context(|| format!("--period {p}: expected e.g. 2021-2025"))?;
                    Some((a.trim().parse::<i32>().with_context(|| format!("--period {p}"))?, b.trim().parse::<i32>().with_context(|| format!("--period {p}"))?))
                }
                None => None,
            };
            let (book, draft) = match eduplan_server::plans::read_plan(&fname, &bytes) {
                Ok(b) => b,
                Err(issues) => {
                    for i in &issues {
                        eprintln!("{}", i.one_line());
                    }
                    bail!("{} 个错误，未导入 / {} errors, nothing imported", issues.len(), issues.len());
                }
            };
            // an extracted plan keeps its own document
            let (docb, dname) = match &doc {
                Some(d) => (Some(std::fs::read(d).with_context(|| d.display().to_string())?), d.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()),
                None if draft => (Some(bytes.clone()), fname.clone()),
                None => (None, String::new()),
            };
            let meta = eduplan_store::PlanMeta { name, issuer, region, period, draft };
            let p = store.import_plan(&meta, &book, docb.as_deref().map(|b| (dname.as_str(), b)), &user).await?;
            println!("规划 #{} {} v{}{}：{} 个目标、{} 个项目、{} 条资金 / imported", p.id, p.meta.name, p.version, if p.meta.draft { "（草稿，目标由文本提取，待审核）" } else { "" }, p.counts.0, p.counts.1, p.counts.2);
        }
        PlanCmd::Extract { file, format } => {
            let text = eduplan_plan::read_file(&file).with_context(|| file.display().to_string())?;
            let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let targets = eduplan_plan::extract(&name, &text);
            match format.as_str() {
                "jsonl" => print!("{}", eduplan_plan::to_jsonl(&targets)),
                "table" => {
                    for t in &targets {
                        println!("{} {} {}{} {} {}", t.year.map(|y| y.to_string()).unwrap_or_else(|| "—".into()), t.metric, t.cmp.as_str(), t.value, t.unit, t.indicator.as_deref().unwrap_or(""));
                    }
                    eprintln!("{} 个目标 / targets", targets.len());
                }
                other => bail!("--format must be jsonl or table (not {other})"),
            }
        }
        PlanCmd::Template { out, demo } => {
            let book = if demo {
                let ds = eduplan_synth::generate(&eduplan_synth::Options { counties: 1, seed: 7, years: (2024, 2024) });
                eduplan_synth::demo_plan(&ds, 2024, 7)
            } else {
                Default::default()
            };
            std::fs::write(&out, eduplan_ingest::plan::write_plan_workbook(&book)?)?;
            println!("→ {}", out.display());
        }
        PlanCmd::Status { plan, year, format, out } => {
            let ids: Vec<i64> = match plan {
                Some(id) => vec![id],
                None => store.plans().await?.into_iter().filter(|p| p.current).map(|p| p.id).collect(),
            };
            let mut all = Vec::new();
            for id in ids {
                all.push(eduplan_server::plans::status(store, id, year, false).await?);
            }
            match format.as_str() {
                "json" => {
                    let rows: Vec<serde_json::Value> = all
                        .iter()
                        .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default().into_iter().map(move |mut t| {
                            t["plan"] = p["id"].clone();
                            t["year"] = p["year"].clone();
                            t
                        }))
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&rows)?);
                }
                "table" => {
                    for p in &all {
                        println!("#{} {} — {} 年: {}", p["id"], p["name"].as_str().unwrap_or(""), p["year"], p["counts"]);
                        for t in p["targets"].as_array().into_iter().flatten() {
                            let f = |v: &serde_json::Value| v.as_f64().map(|x| x.to_string()).unwrap_or_else(|| "—".into());
                            println!("  {:<4} {} {}{} {}（{}）实际 {} 应达 {}", t["status"].as_str().unwrap_or(""), t["metric"].as_str().unwrap_or(""), t["cmp"].as_str().unwrap_or(""), f(&t["target_value"]), t["unit"].as_str().unwrap_or(""), t["target_year"], f(&t["actual"]), f(&t["expected"]));
                        }
                    }
                }
                "docx" | "pdf" => {
                    let region = all.first().and_then(|p| p["region"].as_str()).unwrap_or("").to_string();
                    let y = all.first().and_then(|p| p["year"].as_i64()).unwrap_or_default() as i32;
                    write_report(&eduplan_report::monitoring_report(&region, y, &all, &eduplan_store::today()), &format, out.as_deref(), font_dirs)?;
                }
                other => bail!("--format must be table, json, docx or pdf (not {other})"),
            }
        }
        PlanCmd::Actual { plan, indicator, year, value, note, user } => {
            let p = store.plan(plan).await?;
            if !store.plan_book(plan).await?.targets.iter().any(|t| t.indicator == indicator) {
                bail!("规划中没有指标 {indicator} / the plan has no target on {indicator}");
            }
            store.record_actual(&p.meta.name, &indicator, year, value, &note, &user).await?;
            println!("{indicator} {year} = {value} 已记录 / recorded");
        }
        PlanCmd::Review { plan, row, decision, indicator, value, year, cmp, user } => {
            let r = match decision.as_str() {
                "accept" => eduplan_store::TargetReview::Accept,
                "reject" => eduplan_store::TargetReview::Reject,
                "edit" => {
                    let mut t = store.plan_book(plan).await?.targets.into_iter().find(|t| t.row == row).with_context(|| format!("no target {row} in plan {plan}"))?;
                    if let Some(x) = indicator { t.indicator = x; }
                    if let Some(x) = value { t.target_value = x; }
                    if let Some(x) = year { t.target_year = x; }
                    if let Some(x) = cmp { t.cmp = eduplan_core::plan::Cmp::parse(&x).with_context(|| format!("--cmp {x}: ≥, ≤ or ="))?; }
                    eduplan_store::TargetReview::Edit(t)
                }
                other => bail!("decision must be accept, reject or edit (not {other})"),
            };
            store.review_target(plan, row, &r, &user).await?;
            println!("#{plan} 第 {row} 项：{decision}");
        }
        PlanCmd::Publish { plan, user } => {
            let p = store.publish_plan(plan, &user).await?;
            println!("#{} {} v{} 已发布 / published", p.id, p.meta.name, p.version);
        }
        PlanCmd::List => {
            for p in store.plans().await? {
                println!("{:>4} {} v{}{} {} {} 目标 {} 项目 {} 资金 {}", p.id, p.meta.name, p.version, if p.current { "（当前）" } else { "" }, p.meta.region,
                         p.meta.period.map(|(a, b)| format!("{a}–{b}")).unwrap_or_default(), p.counts.0, p.counts.1, p.counts.2);
            }
        }
        PlanCmd::Show { id, format } => {
            let p = store.plan(id).await?;
            let book = store.plan_book(id).await?;
            let v = eduplan_server::plans::book_json(&p, &book);
            if format == "json" {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!("#{} {} v{} {} {}", p.id, p.meta.name, p.version, p.meta.issuer, p.meta.region);
                for t in &book.targets {
                    println!("  目标 {} {} {} {}（{}）", t.indicator, t.cmp.symbol(), t.target_value, t.unit, t.target_year);
                }
                for j in &book.projects {
                    println!("  项目 {} {} {} 学位 {} 投资 {} 万元 {}–{}", j.id, j.name, j.kind, j.new_places, j.investment, j.start_year, j.end_year);
                }
                println!("  资金 {} 条", book.funds.len());
            }
        }
    }
    Ok(())
}
