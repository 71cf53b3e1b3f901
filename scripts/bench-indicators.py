#!/usr/bin/env python3
"""The indicator catalogue on one year of a generated province: eduplan's engine (DataFusion)
against the equivalent SQL in DuckDB, on the same exported CSV files, in one run.

    python3 scripts/bench-indicators.py [--counties 100] [--year 2024] [--runs 3]

Needs a release build (cargo build --release --bin eduplan) and `pip install duckdb`.
Both sides are timed from raw interchange rows in memory to every figure of every school,
township and county: eduplan builds its fact tables and runs the catalogue;
DuckDB builds the same fact tables in SQL from the loaded CSV tables and runs the same
catalogue measures (read from catalogue/indicators.toml) with the same roll-up and division.
Reading the CSV files is not timed on either side. The figures are then compared one by one.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

GRADE_STAGE = """CASE
  WHEN grade IN ('小班','中班','大班','学前班') THEN '学前'
  WHEN grade IN ('一年级','二年级','三年级','四年级','五年级','六年级') THEN '小学'
  WHEN grade IN ('七年级','八年级','九年级') THEN '初中'
  WHEN grade IN ('高一','高二','高三') THEN '高中'
  WHEN grade IN ('中职一年级','中职二年级','中职三年级') THEN '中职' END"""

TOP_STAGE = """CASE type WHEN '幼儿园' THEN '学前' WHEN '小学' THEN '小学' WHEN '教学点' THEN '小学'
  WHEN '初级中学' THEN '初中' WHEN '九年一贯制学校' THEN '初中' WHEN '中等职业学校' THEN '中职'
  WHEN '特殊教育学校' THEN '特教' ELSE '高中' END"""

# The fact tables of crates/eduplan-engine/src/facts.rs, in DuckDB SQL over the raw sheets.
FACTS = [
    ("info", f"""
CREATE OR REPLACE TEMP TABLE info AS SELECT 学校标识码 AS school_id, 学校类型 AS type, 区划代码 AS township,
  substr(区划代码, 1, 6) AS county, 城乡分类 AS urban_rural, 办学性质 = '公办' AS public,
  (学校类型 = '幼儿园' AND (办学性质 = '公办' OR coalesce(普惠性, '') = '是')) AS puhui, 设计学位 AS design,
  (开办年份 IS NULL OR 开办年份 <= {{year}}) AND (撤并年份 IS NULL OR 撤并年份 > {{year}}) AS open
FROM raw_schools"""),
    ("enrol", f"""
CREATE OR REPLACE TEMP TABLE enrol AS SELECT s.学年 AS year, s.学校标识码 AS school_id, i.township, i.county,
  CASE WHEN i.type = '特殊教育学校' THEN '特教' ELSE coalesce({GRADE_STAGE.replace('grade', 's.年级')}, '其他') END AS stage,
  s.年级 AS grade, i.type, i.urban_rural, i.public, i.puhui, s.在校生 AS enrolled, s.招生 AS entrants, s.毕业生 AS graduates,
  s.随迁子女 AS migrant, s.农村留守儿童 AS left_behind, s.残疾学生 AS disabled, s.女生 AS female, s.辍学 AS dropouts,
  s.留级 AS repeaters, s.分年龄在校生 AS by_age
FROM raw_students s LEFT JOIN info i ON i.school_id = s.学校标识码"""),
    ("enrol_age", """
CREATE OR REPLACE TEMP TABLE enrol2 AS SELECT *, CASE WHEN by_age IS NULL OR stage NOT IN ('学前', '小学', '初中', '高中', '中职') THEN NULL ELSE coalesce(list_sum(list_transform(
    list_filter(string_split(by_age, ';'), lambda x: CAST(split_part(x, ':', 1) AS INT) BETWEEN
      (CASE stage WHEN '学前' THEN 3 WHEN '小学' THEN 6 WHEN '初中' THEN 12 ELSE 15 END) AND
      (CASE stage WHEN '学前' THEN 5 WHEN '小学' THEN 11 WHEN '初中' THEN 14 ELSE 17 END)),
    lambda x: CAST(split_part(x, ':', 2) AS BIGINT))), 0) END AS enrolled_official_age
FROM enrol;
DROP TABLE enrol; ALTER TABLE enrol2 RENAME TO enrol"""),
    ("class", f"""
CREATE OR REPLACE TEMP TABLE class AS SELECT c.学年 AS year, c.学校标识码 AS school_id, i.township, i.county,
  CASE WHEN i.type = '特殊教育学校' THEN '特教' ELSE coalesce({GRADE_STAGE.replace('grade', 'c.年级')}, '其他') END AS stage,
  c.年级 AS grade, i.type, i.urban_rural, i.public, c.人数 AS size,
  CASE WHEN i.type = '教学点' THEN 30 WHEN i.type = '特殊教育学校' THEN 12 WHEN c.年级 = '小班' THEN 25
       WHEN c.年级 = '中班' THEN 30 WHEN c.年级 IN ('大班', '学前班') THEN 35
       WHEN {GRADE_STAGE.replace('grade', 'c.年级')} = '小学' THEN 45 ELSE 50 END AS std_size
FROM raw_classes c LEFT JOIN info i ON i.school_id = c.学校标识码"""),
    ("staff", f"""
CREATE OR REPLACE TEMP TABLE staff AS SELECT f.学年 AS year, f.学校标识码 AS school_id, i.township, i.county,
  coalesce(f.学段, {TOP_STAGE.replace('type', 'i.type')}) AS stage, i.type, i.urban_rural, i.public,
  f.岗位 AS role, f.最高学历 AS degree, f.职称 AS title, f.骨干级别 AS backbone, f.任教学科 AS subject, f.性别 AS sex,
  f.出生年份 AS birth_year, f.五年培训学时 AS training_hours, f.本校任教起始年 AS since,
  f.教师资格证 = '是' AS certified, f.本年交流轮岗 = '是' AS rotated, f.在编 = '是' AS established,
  f.双师型 = '是' AS dual, f.专业课教师 = '是' AS specialty
FROM raw_staff f LEFT JOIN info i ON i.school_id = f.学校标识码"""),
    ("cond", """
CREATE OR REPLACE TEMP TABLE cond AS
WITH parts AS (SELECT school_id, stage, sum(coalesce(enrolled, 0)) AS n FROM enrol GROUP BY ALL),
w AS (SELECT *, n * CASE stage WHEN '初中' THEN 1.1 WHEN '高中' THEN 1.32 ELSE 1.0 END AS wn FROM parts),
tot AS (SELECT school_id, sum(wn) AS t FROM w GROUP BY ALL)
SELECT d.学年 AS year, d.学校标识码 AS school_id, i.township, i.county, w.stage, i.type, i.urban_rural, i.public,
  CASE WHEN tot.t > 0 THEN w.wn / tot.t ELSE 0 END AS share,
  d.教学及辅助用房面积 * share AS area_teaching, d.体育运动场馆面积 * share AS area_sport, d.校舍建筑面积 * share AS area_buildings,
  d.教学仪器设备值 * share AS equipment_value, d.网络多媒体教室 * share AS mm_rooms, d.图书 * share AS books,
  d.计算机 * share AS computers, d.公用经费 * share AS public_funds, CAST(w.n AS DOUBLE) AS students, d.智慧校园 = '是' AS smart_campus
FROM raw_cond d JOIN w ON w.school_id = d.学校标识码 JOIN tot ON tot.school_id = d.学校标识码 LEFT JOIN info i ON i.school_id = d.学校标识码"""),
    ("school", """
CREATE OR REPLACE TEMP TABLE school AS
WITH st AS (SELECT school_id, sum(coalesce(enrolled, 0)) AS students,
              sum(CASE WHEN stage IN ('小学', '初中') THEN coalesce(enrolled, 0) ELSE 0 END) AS comp FROM enrol GROUP BY ALL)
SELECT {year} AS year, i.school_id, i.township, i.county, '全部' AS stage, i.type, i.urban_rural, i.public, i.puhui, i.open,
  coalesce(st.students, 0) AS students, coalesce(st.comp, 0) AS students_compulsory, i.design AS design_places,
  d.智慧校园 = '是' AS smart_campus, d.学校标识码 IS NOT NULL AS has_conditions
FROM info i LEFT JOIN st ON st.school_id = i.school_id LEFT JOIN raw_cond d ON d.学校标识码 = i.school_id"""),
    ("place", f"""
CREATE OR REPLACE TEMP TABLE place AS
WITH sp AS (SELECT school_id, stage, sum(std_size) AS p FROM class GROUP BY ALL),
tot AS (SELECT school_id, sum(p) AS t FROM sp GROUP BY ALL)
SELECT {{year}} AS year, i.school_id, i.township, i.county, sp.stage, i.type, i.urban_rural, i.public,
  CASE WHEN i.design > 0 AND i.open THEN i.design * sp.p / tot.t ELSE sp.p END AS places
FROM sp JOIN tot USING (school_id) JOIN info i USING (school_id)
UNION ALL
SELECT {{year}}, i.school_id, i.township, i.county, {TOP_STAGE.replace('type', 'i.type')}, i.type, i.urban_rural, i.public, CAST(i.design AS DOUBLE)
FROM info i WHERE i.design > 0 AND i.open AND i.school_id NOT IN (SELECT school_id FROM sp)"""),
    ("pop", """
CREATE OR REPLACE TEMP TABLE pop AS SELECT p.年份 AS year, p.区划代码 AS township, substr(p.区划代码, 1, 6) AS county,
  r.城乡分类 AS urban_rural, CAST(replace(CAST(p.年龄 AS VARCHAR), '+', '') AS INT) AS age, p.人数 AS count, p.出生 AS births
FROM raw_pop p LEFT JOIN raw_regions r ON r.区划代码 = p.区划代码"""),
    ("disab", """
CREATE OR REPLACE TEMP TABLE disab AS SELECT 年份 AS year, CASE WHEN length(区划代码) = 9 THEN 区划代码 END AS township,
  substr(区划代码, 1, 6) AS county, 类别 AS category, 适龄人数 AS eligible, 在校 AS in_school, 送教上门 AS home_taught
FROM raw_disab"""),
    # exact bands only (the engine also chains adjacent bands; the generated data has exact ones)
    ("attain", """
CREATE OR REPLACE TEMP TABLE attain AS SELECT 年份 AS year, CASE WHEN length(区划代码) = 9 THEN 区划代码 END AS township,
  substr(区划代码, 1, 6) AS county, 受教育程度 AS level, 人数 AS count, 年龄下限 AS age_from, 年龄上限 AS age_to,
  (年龄下限 = 15 AND 年龄上限 IS NULL) AS in_15plus, (年龄下限 = 16 AND 年龄上限 = 59) AS in_16_59
FROM raw_attain"""),
]

SHEETS = {"raw_regions": "区划", "raw_schools": "学校", "raw_students": "学生", "raw_classes": "班级", "raw_staff": "教职工",
          "raw_cond": "办学条件", "raw_pop": "人口", "raw_attain": "受教育程度", "raw_disab": "残疾儿童"}


def duckdb_load(con, csv_dir, year):
    for table, sheet in SHEETS.items():
        path = os.path.join(csv_dir, sheet + ".csv")
        with open(path, encoding="utf-8-sig") as f:
            header = f.readline().rstrip("\n").split(",")
        text = [c for c in ("区划代码", "学校标识码", "上级代码", "年龄", "工号", "任教学科", "边界") if c in header]
        types = ", ".join(f"'{c}': 'VARCHAR'" for c in text)
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv('{path}', header = true, types = {{{types}}})")
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        ycol = "学年" if "学年" in cols else ("年份" if "年份" in cols else None)
        if ycol:
            con.execute(f"DELETE FROM {table} WHERE {ycol} <> {year}")
    # the plans' project funds (fund_exec): a generated province has no plan, so the table is empty
    con.execute("CREATE OR REPLACE TABLE fund (year BIGINT, school_id VARCHAR, township VARCHAR, county VARCHAR, "
                "stage VARCHAR, released DOUBLE, spent DOUBLE)")


def level_rows(measure, by_grade):
    """SQL turning a measure into sums per (level, unit, stage) like the engine's roll-up."""
    g = ", grade" if by_grade else ""
    st = "stage || '/' || grade" if by_grade else "stage"
    base = (f"SELECT year, school_id, township, coalesce(county, township) AS county, {st} AS stage, "
            f"sum(value) AS v, count(*) - count(value) AS miss FROM ({measure}) m WHERE stage IS NOT NULL GROUP BY ALL")
    keys = [("school", "school_id", "school_id IS NOT NULL AND school_id <> ''"),
            ("township", "township", "length(township) = 9"),
            ("county", "substr(county, 1, 6)", "county IS NOT NULL")]
    parts = []
    for lvl, key, cond in keys:
        parts.append(f"SELECT '{lvl}' AS level, year, {key} AS unit, stage, sum(v) AS v, sum(miss) AS miss FROM b WHERE {cond} GROUP BY ALL")
        if not by_grade:
            parts.append(f"SELECT '{lvl}' AS level, year, {key} AS unit, '全部' AS stage, sum(v) AS v, sum(miss) AS miss FROM b "
                         f"WHERE {cond} AND stage <> '全部' GROUP BY ALL")
    # a measure that itself says 全部 must not be counted twice
    return f"WITH b AS ({base}) SELECT level, year, unit, stage, sum(v) AS v, sum(miss) AS miss FROM ({' UNION ALL '.join(parts)}) GROUP BY ALL"


def terms(side):
    if side is None:
        return []
    if isinstance(side, str):
        return [{"measure": side, "lag": 0, "stage": None, "sign": 1}]
    if isinstance(side, dict):
        side = [side]
    return [{"measure": t["measure"], "lag": t.get("lag", 0), "stage": t.get("stage"), "sign": t.get("sign", 1)} for t in side]


def side_sql(ts, year, fig_stage_expr):
    """Σ sign × measure for each (level, unit, figure stage), with lags and stage overrides."""
    sel = []
    for k, t in enumerate(ts):
        y = year - t["lag"]
        if t["stage"]:
            sel.append(f"SELECT level, unit, {fig_stage_expr} AS stage, {t['sign']} * v AS v, miss FROM \"m_{t['measure']}\" "
                       f"WHERE year = {y} AND stage = '{t['stage']}'")
        else:
            sel.append(f"SELECT level, unit, stage, {t['sign']} * v AS v, miss FROM \"m_{t['measure']}\" WHERE year = {y}")
    return f"SELECT level, unit, stage, sum(v) AS v, sum(miss) AS miss FROM ({' UNION ALL '.join(sel)}) GROUP BY ALL"


def duckdb_run(con, cat, year):
    for name, sql in FACTS:
        con.execute(sql.replace("{year}", str(year)))
    used = {}
    for ind in cat["indicator"]:
        for t in terms(ind["numerator"]) + terms(ind.get("denominator")):
            used[t["measure"]] = cat["measure"][t["measure"]]
    for name, m in used.items():
        con.execute(f"CREATE OR REPLACE TEMP TABLE \"m_{name}\" AS {level_rows(m['sql'], m.get('by_grade', False))}")
    out = []
    for ind in cat["indicator"]:
        kind = ind.get("kind", "ratio")
        if kind == "survival":
            continue  # needs t+1: unavailable in one year on both sides
        num, den = terms(ind["numerator"]), terms(ind.get("denominator"))
        if any(year - t["lag"] != year for t in num + den):
            continue  # cohort and flow indicators: unavailable in one year on both sides
        stages = ind.get("stages", [])
        first = f"'{stages[0]}'" if stages else "stage"
        scale = ind.get("scale", 1)
        want = "TRUE" if not stages else "n.stage IN (" + ", ".join(f"'{s}'" for s in stages) + ")"
        if kind == "gap":
            # zones: townships (the school itself at school level), per stage; then summed
            z = (f"WITH n AS ({side_sql(num, year, first)}), d AS ({side_sql(den, year, first)}) "
                 "SELECT n.level, n.unit, n.stage, greatest(0, n.v - coalesce(d.v, 0)) AS gap FROM n LEFT JOIN d USING (level, unit, stage) "
                 "WHERE n.stage <> '全部' AND n.level IN ('school', 'township')")
            con.execute(f"CREATE OR REPLACE TEMP TABLE z AS {z}")
            parts = ["SELECT 'school', unit, stage, gap FROM z WHERE level = 'school'",
                     "SELECT 'school', unit, '全部', sum(gap) FROM z WHERE level = 'school' GROUP BY ALL"]
            for lvl, key in [("township", "unit"), ("county", "substr(unit, 1, 6)")]:
                parts.append(f"SELECT '{lvl}', {key}, stage, sum(gap) FROM z WHERE level = 'township' GROUP BY ALL")
                parts.append(f"SELECT '{lvl}', {key}, '全部', sum(gap) FROM z WHERE level = 'township' GROUP BY ALL")
            rows = con.execute(" UNION ALL ".join(parts)).fetchall()
            out += [(ind["code"], r[0], r[1], r[2], r[3] * scale) for r in rows]
            continue
        n = side_sql(num, year, first)
        if den:
            d = side_sql(den, year, first)
            expr = "(n.v - d.v)" if kind == "difference" else f"CASE WHEN d.v <> 0 AND d.miss = 0 AND n.miss = 0 THEN n.v / d.v * {scale} END"
            q = (f"WITH n AS ({n}), d AS ({d}) SELECT n.level, n.unit, n.stage, {expr} FROM n JOIN d USING (level, unit, stage) WHERE {want}")
        else:
            q = f"WITH n AS ({n}) SELECT n.level, n.unit, n.stage, CASE WHEN n.miss = 0 THEN n.v * {scale} END FROM n WHERE {want}"
        rows = con.execute(q).fetchall()
        out += [(ind["code"], r[0], r[1], r[2], r[3]) for r in rows]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=100)
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/eduplan-bench-indicators")
    ap.add_argument("--eduplan", default=os.path.join(ROOT, "target/release/eduplan"))
    ap.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: its default, all cores)")
    a = ap.parse_args()
    import duckdb

    csv_dir = os.path.join(a.work, f"csv-{a.counties}")
    if not os.path.exists(os.path.join(csv_dir, "学生.csv")):
        subprocess.run([a.eduplan, "generate", "--counties", str(a.counties), "--seed", "1", "--years", str(a.year), "--out", csv_dir], check=True)
    dump = os.path.join(a.work, "eduplan-figures.csv")
    r = subprocess.run([a.eduplan, "bench", "indicators", csv_dir, "--year", str(a.year), "--runs", str(a.runs), "--json", "--dump", dump],
                       check=True, capture_output=True, text=True)
    ours = json.loads(r.stdout.strip().splitlines()[-1])

    with open(os.path.join(ROOT, "catalogue/indicators.toml"), "rb") as f:
        cat = tomllib.load(f)
    con = duckdb.connect()
    if a.threads:
        con.execute(f"SET threads = {a.threads}")
    t0 = time.perf_counter()
    duckdb_load(con, csv_dir, a.year)
    load = time.perf_counter() - t0
    times, figs = [], []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        figs = duckdb_run(con, cat, a.year)
        times.append(time.perf_counter() - t0)
    theirs = statistics.median(times)

    # compare figure by figure where DuckDB computed one
    mine = {}
    with open(dump, encoding="utf-8") as f:
        next(f)
        for line in f:
            code, level, scope, stage, value = line.rstrip("\n").split(",")[:5]
            mine[(code, level, scope, stage)] = float(value) if value else None
    compared = mismatched = 0
    examples = []
    for code, level, unit, stage, v in figs:
        k = (code, level, unit, stage)
        if k not in mine or v is None or mine[k] is None:
            continue
        compared += 1
        if abs(mine[k] - v) > 1e-6 * max(1.0, abs(v)):
            mismatched += 1
            if len(examples) < 5:
                examples.append((k, mine[k], v))
    result = {"counties": a.counties, "year": a.year, "rows": ours["rows"], "indicators": ours["indicators"],
              "eduplan_figures": ours["figures"], "eduplan_seconds": ours["total_seconds"], "eduplan_fact_tables_seconds": ours["facts_seconds"],
              "duckdb_figures": len(figs), "duckdb_seconds": theirs, "duckdb_csv_load_seconds": load, "duckdb_version": duckdb.__version__,
              "ratio_duckdb_over_eduplan": theirs / ours["total_seconds"], "figures_compared": compared, "figures_mismatched": mismatched}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    for e in examples:
        print("mismatch:", e, file=sys.stderr)
    print(f"\neduplan {ours['total_seconds']:.2f} s ({ours['figures']} figures)   DuckDB {theirs:.2f} s ({len(figs)} figures)   "
          f"DuckDB / eduplan = {theirs / ours['total_seconds']:.2f}   compared {compared}, mismatched {mismatched}")


if __name__ == "__main__":
    main()
