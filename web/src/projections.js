// 预测 (projections): API calls of /api/projections and /api/scenarios, scenario parameter
// defaults and small helpers shared by the page and its components.
import { api, request, download } from './api.js'
import { t, tv } from './i18n.js'

export const STAGES = ['学前', '小学', '初中', '高中']
export const LEVELS = ['county', 'township', 'school']
export const BUILTIN = '基准'

/** The numeric fields of a projection row, in table order. */
export const NUM_FIELDS = [
  'school_age_pop', 'enrolled', 'classes_needed', 'places', 'place_gap', 'spare', 'big_classes',
  'teachers_needed', 'teachers_available', 'recruitment', 'cost', 'cost_operating', 'cost_construction',
]
/** Fields in 万元 (shown with one decimal). */
export const MONEY_FIELDS = new Set(['cost', 'cost_operating', 'cost_construction'])

/** Only admin and planner users may save or delete scenarios (as custom indicators and plans). */
export function mayEditScenarios(user) {
  return !!user && (user.role === 'admin' || user.role === 'planner')
}

// ------------------------------------------------------------------ API
/** GET /api/scenarios → [{ name, builtin, description, params, updated_at, updated_by }]. */
export function fetchScenarios(opts) {
  return api.get('/api/scenarios', null, opts).then((res) => {
    if (Array.isArray(res)) return res
    if (res && Array.isArray(res.scenarios)) return res.scenarios
    if (res && Array.isArray(res.items)) return res.items
    return []
  })
}

/** PUT /api/scenarios/{name} with the params object → the saved scenario. */
export function saveScenario(name, params, opts = {}) {
  return request(`/api/scenarios/${encodeURIComponent(name)}`, { ...opts, method: 'PUT', body: params })
}

/** DELETE /api/scenarios/{name} → 204. */
export function deleteScenario(name, opts) {
  return api.del(`/api/scenarios/${encodeURIComponent(name)}`, opts)
}

/** Query of GET /api/projections (and of its .xlsx export); from/to may be null (the API picks them). */
export function projectionParams({ scenario, from, to, level = 'all', region }) {
  return {
    scenario: scenario || undefined,
    from: from ?? undefined,
    to: to ?? undefined,
    region: region || undefined,
    level,
  }
}

/** GET /api/projections → { base_year, from, to, scenario, rows, population, warnings } (arrays never missing). */
export function fetchProjections(q, opts) {
  return api.get('/api/projections', projectionParams(q), opts).then(normaliseProjection)
}

export function normaliseProjection(res) {
  const r = res || {}
  const rows = (Array.isArray(r.rows) ? r.rows : []).filter(Boolean).map((x) => ({
    ...x,
    scope: x.scope == null ? '' : String(x.scope),
    parent: x.parent == null ? null : String(x.parent),
    year: x.year == null ? null : Number(x.year),
  }))
  const population = (Array.isArray(r.population) ? r.population : []).filter(Boolean).map((p) => ({
    ...p,
    scope: p.scope == null ? '' : String(p.scope),
    year: p.year == null ? null : Number(p.year),
    ages: Array.isArray(p.ages) ? p.ages : [],
  }))
  return {
    base_year: r.base_year == null ? null : Number(r.base_year),
    from: r.from == null ? null : Number(r.from),
    to: r.to == null ? null : Number(r.to),
    scenario: r.scenario || null,
    rows,
    population,
    warnings: Array.isArray(r.warnings) ? r.warnings.filter((w) => w != null && w !== '') : [],
  }
}

/** GET /api/projections/xlsx with the same query as the page's data, saved as a blob (auth header). */
export function exportProjections(q) {
  const name = `预测-${q.scenario || BUILTIN}-${q.from ?? ''}-${q.to ?? ''}.xlsx`
  return download('/api/projections/xlsx', projectionParams(q), name)
}

/** GET /api/projections/reach?scenario= → target rows. */
export function fetchReach(scenario, opts) {
  return api.get('/api/projections/reach', { scenario }, opts).then((res) => {
    if (Array.isArray(res)) return res
    if (res && Array.isArray(res.rows)) return res.rows
    if (res && Array.isArray(res.items)) return res.items
    return []
  })
}

/** GET /api/projections/backtest?base=&to=&scenario= → { base, to, rows }. */
export function fetchBacktest(base, to, scenario, opts) {
  return api.get('/api/projections/backtest', { base, to, scenario }, opts).then((res) => ({
    base: res && res.base != null ? Number(res.base) : base,
    to: res && res.to != null ? Number(res.to) : to,
    rows: (res && Array.isArray(res.rows) ? res.rows : []).filter(Boolean),
  }))
}

// ------------------------------------------------------------------ helpers
export function stageIndex(s) {
  const i = STAGES.indexOf(s)
  return i < 0 ? 99 : i
}
export function sortStages(list) {
  return [...new Set(list.filter((s) => s != null && s !== ''))].sort((a, b) => stageIndex(a) - stageIndex(b) || String(a).localeCompare(String(b), 'zh-CN'))
}
export function levelIndex(l) {
  const i = LEVELS.indexOf(l)
  return i < 0 ? 9 : i
}
export function stageLabel(s) {
  return s === '' || s == null ? t('common.all') : tv(s)
}
export function levelLabel(l) {
  return t('ind.level.' + l)
}
export function fieldLabel(f) {
  return t('proj.f.' + f)
}

export function isNum(v) {
  return v !== null && v !== undefined && v !== '' && Number.isFinite(Number(v))
}
/** Sum of a field over rows; null when no row has a number. */
export function sumField(rows, key) {
  let s = 0
  let any = false
  for (const r of rows || []) {
    if (r && isNum(r[key])) { s += Number(r[key]); any = true }
  }
  return any ? s : null
}

/** A row per year for `stage` ('' = sum over the stages) out of one region's rows. */
export function seriesByYear(rows, years, stage, fields) {
  return years.map((y) => {
    const at = rows.filter((r) => r.year === y && (!stage || r.stage === stage))
    const out = { year: y }
    for (const f of fields) out[f] = stage ? (at[0] ? (isNum(at[0][f]) ? Number(at[0][f]) : null) : null) : sumField(at, f)
    return out
  })
}

/** Percent change a → b, null without both. */
export function changePct(a, b) {
  if (!isNum(a) || !isNum(b) || Number(a) === 0) return null
  return (Number(b) - Number(a)) / Math.abs(Number(a)) * 100
}

// ------------------------------------------------------------------ scenario parameters
/** Used when the built-in scenario does not say (the contract's example values). */
export const FALLBACK_PARAMS = {
  description: '',
  births: { mode: 'trend', change_pct: 0, trend_years: 5, series: {} },
  mortality_scale: 1.0,
  migration: 'history',
  urbanisation_pct: 0.0,
  history_years: 3,
  intake_rate: null,
  pri_to_jun: null,
  jun_to_sen: null,
  pre_ger_target: null,
  sen_ger_target: null,
  class_size: { 小学: 45, 初中: 50, 高中: 50 },
  staff_ratio: { 学前: 7, 小学: 19, 初中: 13.5, 高中: 12.5 },
  retire_age_male: 60,
  retire_age_female: 55,
  cost_per_pupil: { 学前: 600, 小学: 720, 初中: 940, 高中: 1000 },
  cost_per_place: { 学前: 30000, 小学: 35000, 初中: 40000, 高中: 45000 },
  include_projects: true,
}

function isPlain(o) {
  return o !== null && typeof o === 'object' && !Array.isArray(o)
}
export function clone(v) {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v))
}
/** b over a, nested plain objects merged (a `series` is replaced, not merged). */
export function mergeParams(a, b) {
  const out = isPlain(a) ? clone(a) : {}
  if (!isPlain(b)) return out
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue
    if (k !== 'series' && isPlain(v) && isPlain(out[k])) out[k] = mergeParams(out[k], v)
    else out[k] = clone(v)
  }
  return out
}

/** The params the editor starts from: fallback ← built-in ← the scenario's own. */
export function editorParams(builtinParams, params) {
  return mergeParams(mergeParams(FALLBACK_PARAMS, builtinParams || {}), params || {})
}

/** The code prefix of a region: 360000 -> 36, 360700 -> 3607, 360721 -> 360721 (as the 指标 page). */
export function regionPrefixOf(code) {
  let p = String(code || '')
  while (p.length > 2 && p.length <= 6 && p.endsWith('00')) p = p.slice(0, -2)
  return p
}

/** Colours of the stages in the charts. */
export const STAGE_COLORS = { 学前: '#fac858', 小学: '#1f5fa8', 初中: '#3ba272', 高中: '#9a60b4' }
export function stageColor(s, i = 0) {
  const extra = ['#ee6666', '#73c0de', '#fc8452', '#91cc75']
  return STAGE_COLORS[s] || extra[i % extra.length]
}
