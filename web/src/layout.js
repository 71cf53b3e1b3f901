// 布局 (school network planning): the GET /api/layout call, its query, the stages and their default
// 最远上学距离, site status labels and small helpers shared by the page and its components.
import { api } from './api.js'
import { lang } from './i18n.js'

/** The stages the solver plans, in toolbar order (小学 is the default). */
export const LAYOUT_STAGES = ['小学', '初中', '学前']
export const DEFAULT_STAGE = '小学'
/** 最远上学距离 (km) the page starts with for each stage. */
export const DEFAULT_MAX_KM = { 小学: 3, 初中: 5, 学前: 1.5 }
export const OBJECTIVES = ['capacitated', 'pmedian']
export const DEFAULT_OBJECTIVE = 'capacitated'
/** The before / after figures, in table order (every one: lower is better). */
export const FIGURES = ['mean_km', 'max_km', 'beyond_limit', 'place_gap', 'big_classes']
/** Figures in km (shown with two decimals); the others are counts. */
export const KM_FIGURES = new Set(['mean_km', 'max_km'])
/** Site statuses as the page shows them ('expanded' = kept with more children than places). */
export const STATUSES = ['new', 'closed', 'expanded', 'kept', 'unused']

export function defaultMaxKm(stage) {
  return DEFAULT_MAX_KM[stage] ?? DEFAULT_MAX_KM[DEFAULT_STAGE]
}

export function isNum(v) {
  return v !== null && v !== undefined && v !== '' && Number.isFinite(Number(v))
}
const numOrNull = (v) => (isNum(v) ? Number(v) : null)

/**
 * The query of GET /api/layout from the page's state: stage, scenario and objective as chosen,
 * year only once known (the first call lets the API pick base year + 5), add only when given
 * (empty = the solver decides), max_km and allow_close always (what the toolbar shows), exclude as
 * a comma list when there is any.
 */
export function layoutQuery({ stage, year, scenario, add, maxKm, allowClose, objective, exclude }) {
  const q = { stage: stage || DEFAULT_STAGE }
  if (year != null && year !== '') q.year = Number(year)
  if (scenario) q.scenario = scenario
  if (add != null && add !== '') q.add = Number(add)
  if (maxKm != null && maxKm !== '') q.max_km = Number(maxKm)
  q.allow_close = allowClose ? 'true' : 'false'
  q.objective = objective || DEFAULT_OBJECTIVE
  if (exclude && exclude.length) q.exclude = exclude.join(',')
  return q
}

/** The query as the URL's search string (the same encoding as api.js), for keys and test hooks. */
export function queryString(q) {
  const u = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue
    u.append(k, String(v))
  }
  return u.toString()
}

/** GET /api/layout → the normalised answer (arrays and objects never missing, ids as strings). */
export function fetchLayout(q, opts) {
  return api.get('/api/layout', q, opts).then(normaliseLayout)
}

function normaliseFigures(f) {
  const o = f && typeof f === 'object' ? f : {}
  const out = {}
  for (const k of FIGURES) out[k] = numOrNull(o[k])
  return out
}

export function normaliseLayout(res) {
  const r = res || {}
  const p = r.params && typeof r.params === 'object' ? r.params : {}
  const exclude = Array.isArray(p.exclude) ? p.exclude.map(String) : (typeof p.exclude === 'string' && p.exclude ? p.exclude.split(',') : [])
  const sites = (Array.isArray(r.sites) ? r.sites : []).filter((s) => s && s.id != null).map((s) => ({
    ...s,
    id: String(s.id),
    name: s.name == null || s.name === '' ? String(s.id) : String(s.name),
    kind: s.kind === 'candidate' ? 'candidate' : 'existing',
    lon: numOrNull(s.lon),
    lat: numOrNull(s.lat),
    township: s.township == null ? '' : String(s.township),
    capacity: numOrNull(s.capacity),
    status: s.status || (s.kind === 'candidate' ? 'unused' : 'kept'),
    load_before: numOrNull(s.load_before),
    load_after: numOrNull(s.load_after),
    cost: numOrNull(s.cost),
  }))
  const demand = (Array.isArray(r.demand) ? r.demand : []).filter(Boolean).map((d, i) => ({
    ...d,
    id: d.id == null ? String(i) : String(d.id),
    lon: numOrNull(d.lon),
    lat: numOrNull(d.lat),
    township: d.township == null ? '' : String(d.township),
    children: numOrNull(d.children),
    site_before: d.site_before == null ? null : String(d.site_before),
    site_after: d.site_after == null ? null : String(d.site_after),
    km_before: numOrNull(d.km_before),
    km_after: numOrNull(d.km_after),
  }))
  const zf = r.zones && Array.isArray(r.zones.features) ? r.zones.features : []
  const zones = {
    type: 'FeatureCollection',
    features: zf.filter((f) => f && f.geometry && Array.isArray(f.geometry.coordinates)).map((f) => ({
      ...f,
      properties: { ...(f.properties || {}), site: f.properties && f.properties.site != null ? String(f.properties.site) : '' },
    })),
  }
  const sol = r.solution && typeof r.solution === 'object' ? r.solution : {}
  return {
    stage: r.stage || null,
    year: numOrNull(r.year),
    base_year: numOrNull(r.base_year),
    scenario: typeof r.scenario === 'string' ? r.scenario : (r.scenario && r.scenario.name) || null,
    region: r.region == null ? '' : String(r.region),
    params: {
      add: numOrNull(p.add),
      max_km: numOrNull(p.max_km),
      allow_close: p.allow_close === true || p.allow_close === 'true',
      objective: p.objective || null,
      grid_km: numOrNull(p.grid_km),
      new_capacity: numOrNull(p.new_capacity), // places of one new school (not in the contract; shown when sent)
      exclude,
    },
    sites,
    demand,
    zones,
    before: normaliseFigures(r.before),
    after: normaliseFigures(r.after),
    solution: {
      kind: sol.kind || null,
      objective: numOrNull(sol.objective),
      lower_bound: numOrNull(sol.lower_bound),
      gap: numOrNull(sol.gap),
      seconds: numOrNull(sol.seconds),
    },
    warnings: Array.isArray(r.warnings) ? r.warnings.filter((w) => w != null && w !== '') : [],
  }
}

// ------------------------------------------------------------------ sites
/** More children than places after the plan (a kept school then needs 扩建). */
export function overCapacity(s) {
  return isNum(s.load_after) && isNum(s.capacity) && Number(s.load_after) > Number(s.capacity)
}

/** The status the page shows: the API's, with a kept school over capacity shown as 扩建. */
export function shownStatus(s) {
  if (s.status === 'kept' && overCapacity(s)) return 'expanded'
  return STATUSES.includes(s.status) ? s.status : 'kept'
}

/** Places a site lacks after the plan (load_after − capacity), null when it does not. */
export function extraPlaces(s) {
  return overCapacity(s) ? Number(s.load_after) - Number(s.capacity) : null
}

export const STATUS_TAG = { new: 'danger', closed: 'info', expanded: 'warning', kept: 'success', unused: 'info' }

/** A warning: a string ("中文 / English" split by language) or { message_zh, message_en }. */
export function warningText(w) {
  if (w && typeof w === 'object') return lang.value === 'en' ? (w.message_en || w.message_zh || JSON.stringify(w)) : (w.message_zh || w.message_en || JSON.stringify(w))
  const parts = String(w).split(' / ')
  if (parts.length === 2) return lang.value === 'en' ? parts[1] : parts[0]
  return String(w)
}

/** Colours of the attendance zones (and of the schools that serve them). */
export const ZONE_COLORS = [
  '#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc',
  '#2f7ed8', '#8bbc21', '#c9a227', '#1aadce', '#a05195', '#f28f43', '#77a1e5', '#4d9a6b', '#d4866b',
]
