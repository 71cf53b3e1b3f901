// 布局 (school network planning): the GET /api/layout call, its query, the stages and their default
// 最远上学距离, site status labels and small helpers shared by the page and its components.
import { api, saveBlob } from './api.js'
import { lang } from './i18n.js'

/** The stages the solver plans, in toolbar order (小学 is the default). */
export const LAYOUT_STAGES = ['小学', '初中', '学前']
export const DEFAULT_STAGE = '小学'
/** 最远上学距离 (km) the page starts with for each stage. */
export const DEFAULT_MAX_KM = { 小学: 3, 初中: 5, 学前: 1.5 }
export const OBJECTIVES = ['capacitated', 'pmedian', 'pcenter', 'mclp', 'lscp']
export const DEFAULT_OBJECTIVE = 'capacitated'
/** The before / after figures, in table order (every one: lower is better). */
export const FIGURES = ['mean_km', 'max_km', 'beyond_limit', 'place_gap', 'big_classes']
/** Figures in km (shown with two decimals); the others are counts. */
export const KM_FIGURES = new Set(['mean_km', 'max_km'])
/** Site statuses as the page shows them: the API's ('expanded' = 扩建 by the plan), and 'over' =
 *  a kept school with more children than places (超容量; the plan does not expand it). */
export const STATUSES = ['new', 'closed', 'expanded', 'over', 'kept', 'unused']
/** 候选校址 sources (auto: the county's stored sites when it has any, else a generated grid). */
export const CANDIDATE_SOURCES = ['auto', 'user', 'grid', 'both']
/** 生源点 sources (auto: the stored villages of the townships that have any). */
export const DEMAND_SOURCES = ['auto', 'grid']
/** 扩建: at most this many steps per school. */
export const EXPAND_MAX = 10
/** Classes per 扩建 step the API assumes (小学 6, other stages 3). */
export function defaultExpandClasses(stage) {
  return stage === '小学' ? 6 : 3
}
/** Child-km an added place must save (the API's default). */
export const DEFAULT_EXPAND_KM = 1

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
 * a comma list when there is any. The other options only when they differ from the API's default:
 * candidates / demand when not auto, expand when > 0 (with expand_classes / expand_km when given),
 * enforce_max / roads when on; add_km (new schools chosen by cost) only when add is empty.
 */
/** Longest MIP the page asks for, and its default (seconds; the API allows up to 600). */
export const EXACT_MAX = 300
export const DEFAULT_EXACT = 30

export function layoutQuery({
  stage, year, scenario, add, maxKm, allowClose, objective, exclude,
  candidates, demand, expand, expandClasses, expandKm, enforceMax, roads, addKm, exact,
}) {
  const q = { stage: stage || DEFAULT_STAGE }
  if (year != null && year !== '') q.year = Number(year)
  if (scenario) q.scenario = scenario
  if (add != null && add !== '') q.add = Number(add)
  if (maxKm != null && maxKm !== '') q.max_km = Number(maxKm)
  q.allow_close = allowClose ? 'true' : 'false'
  q.objective = objective || DEFAULT_OBJECTIVE
  if (exclude && exclude.length) q.exclude = exclude.join(',')
  if (candidates && candidates !== 'auto' && CANDIDATE_SOURCES.includes(candidates)) q.candidates = candidates
  if (demand && demand !== 'auto' && DEMAND_SOURCES.includes(demand)) q.demand = demand
  if (isNum(expand) && Number(expand) > 0) {
    q.expand = Number(expand)
    if (isNum(expandClasses) && Number(expandClasses) > 0) q.expand_classes = Number(expandClasses)
    if (isNum(expandKm) && Number(expandKm) >= 0) q.expand_km = Number(expandKm)
  }
  if (enforceMax) q.enforce_max = 'true'
  if (roads) q.roads = 'true'
  if ((add == null || add === '') && isNum(addKm) && Number(addKm) >= 0) q.add_km = Number(addKm)
  // 精确求解: the MIP (HiGHS) for at most this many seconds, on servers built with it
  if (isNum(exact) && Number(exact) > 0) q.exact = Math.min(EXACT_MAX, Number(exact))
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
    added_places: numOrNull(s.added_places) ?? 0,
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
    name: d.name == null ? '' : String(d.name),
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
      candidates: typeof p.candidates === 'string' ? p.candidates : null, // what was used: user | grid | both
      villages: numOrNull(p.villages), // villages stored for the county
      demand: typeof p.demand === 'string' ? p.demand : null,
      expand: numOrNull(p.expand),
      expand_classes: numOrNull(p.expand_classes),
      expand_km: numOrNull(p.expand_km),
      add_km: numOrNull(p.add_km),
      enforce_max: p.enforce_max === true || p.enforce_max === 'true',
      roads: p.roads === true || p.roads === 'true',
      exact: numOrNull(p.exact),
    },
    exact_available: r.exact_available === true,
    expanded: numOrNull(r.expanded),
    added_places: numOrNull(r.added_places),
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
      method: sol.method || 'heuristic',
      mip_status: sol.mip_status || null,
      heuristic: Array.isArray(sol.heuristic) ? { objective: numOrNull(sol.heuristic[0]), lower_bound: numOrNull(sol.heuristic[1]) } : null,
      distances: sol.distances === 'road' ? 'road' : (sol.distances ? String(sol.distances) : null),
    },
    warnings: Array.isArray(r.warnings) ? r.warnings.filter((w) => w != null && w !== '') : [],
  }
}

// ------------------------------------------------------------------ sites
/** More children than places after the plan (a kept school then needs 扩建). */
export function overCapacity(s) {
  return isNum(s.load_after) && isNum(s.capacity) && Number(s.load_after) > Number(s.capacity)
}

/** The status the page shows: the API's, with a kept school over capacity shown as 超容量. */
export function shownStatus(s) {
  if (s.status === 'kept' && overCapacity(s)) return 'over'
  return STATUSES.includes(s.status) ? s.status : 'kept'
}

/** A candidate site the user stored (候选校址 S1…), not one of the generated grid (C…). */
export function isUserSite(s) {
  return !!s && s.kind === 'candidate' && !/^C/i.test(String(s.id))
}

/** Places a site lacks after the plan (load_after − capacity), null when it does not. */
export function extraPlaces(s) {
  return overCapacity(s) ? Number(s.load_after) - Number(s.capacity) : null
}

export const STATUS_TAG = { new: 'danger', closed: 'info', expanded: 'warning', over: 'warning', kept: 'success', unused: 'info' }

/** Colours of the attendance zones (and of the schools that serve them). */
export const ZONE_COLORS = [
  '#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc',
  '#2f7ed8', '#8bbc21', '#c9a227', '#1aadce', '#a05195', '#f28f43', '#77a1e5', '#4d9a6b', '#d4866b',
]

// ------------------------------------------------------------------ the county's points (候选校址, 村庄/社区)
export const POINT_KINDS = ['site', 'village']
/** Stages a stored site may be meant for (none = any). */
export const POINT_STAGES = ['学前', '小学', '初中', '高中']

/** Whether the user may add, change, import and delete points (the API: admin or planner). */
export function mayEditPoints(user) {
  return !!user && (user.role === 'admin' || user.role === 'planner')
}

function normalisePoint(p) {
  const o = p || {}
  return {
    county: o.county == null ? '' : String(o.county),
    kind: o.kind === 'village' ? 'village' : 'site',
    id: o.id == null ? '' : String(o.id),
    name: o.name == null ? '' : String(o.name),
    lon: numOrNull(o.lon),
    lat: numOrNull(o.lat),
    stage: o.stage == null || o.stage === '' ? null : String(o.stage),
    capacity: numOrNull(o.capacity),
    cost: numOrNull(o.cost),
    weight: numOrNull(o.weight),
    note: o.note == null ? '' : String(o.note),
  }
}

/** GET /api/layout/points?region= → { region, points } (points normalised). */
export function fetchPoints(region, opts) {
  return api.get('/api/layout/points', region ? { region } : null, opts).then((r) => ({
    region: r && r.region != null ? String(r.region) : '',
    points: (r && Array.isArray(r.points) ? r.points : []).filter(Boolean).map(normalisePoint),
  }))
}

/** POST /api/layout/points: add (empty id: the server numbers it) or change one point. */
export function savePoint(p, opts) {
  const body = {
    kind: p.kind === 'village' ? 'village' : 'site',
    id: p.id ? String(p.id).trim() : '',
    name: p.name == null ? '' : String(p.name).trim(),
    lon: numOrNull(p.lon),
    lat: numOrNull(p.lat),
    stage: p.kind === 'village' ? null : (p.stage || null),
    capacity: p.kind === 'village' ? null : numOrNull(p.capacity),
    cost: p.kind === 'village' ? null : numOrNull(p.cost),
    weight: p.kind === 'village' ? numOrNull(p.weight) : null,
    note: p.note == null ? '' : String(p.note),
  }
  if (p.county) body.county = p.county
  return api.post('/api/layout/points', body, opts).then(normalisePoint)
}

/** DELETE /api/layout/points/{kind}/{id}?region= */
export function deletePoint(kind, id, region, opts) {
  const q = region ? `?region=${encodeURIComponent(region)}` : ''
  return api.del(`/api/layout/points/${encodeURIComponent(kind)}/${encodeURIComponent(id)}${q}`, opts)
}

/**
 * POST /api/layout/points/import, multipart: file, kind (site | village, for files without 类型),
 * replace (the file replaces the list of its kinds), region. A 400 carries the located errors in
 * err.body.error.errors.
 */
export function importPoints({ file, kind, replace, region }, opts) {
  const form = new FormData()
  form.append('file', file, file.name)
  if (kind) form.append('kind', kind)
  if (replace) form.append('replace', 'true')
  if (region) form.append('region', region)
  return api.upload('/api/layout/points/import', form, opts)
}

/** The located errors of a failed import (400), [] otherwise. */
export function pointImportErrors(err) {
  const e = err && err.body && err.body.error
  return e && Array.isArray(e.errors) ? e.errors : []
}

/** The import template's columns (the names the importer reads). */
export const POINT_COLUMNS = ['编号', '名称', '类型', '经度', '纬度', '学段', '学位', '造价(万元)', '人口', '备注']
const TEMPLATE_ROWS = [
  ['S1', '城东地块', '候选校址', '115.123456', '25.123456', '小学', '1080', '3500', '', '规划教育用地'],
  ['V1', '上村', '村庄', '115.101234', '25.101234', '', '', '', '820', '常住人口'],
]

function csvCell(v) {
  const s = v == null ? '' : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The import template as CSV text (UTF-8 with a BOM, so that Excel reads the Chinese). */
export function pointTemplateCsv() {
  return '\ufeff' + [POINT_COLUMNS, ...TEMPLATE_ROWS].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

/** Saves the template (client-side, no request). */
export function downloadPointTemplate(name = '校址与村庄模板.csv') {
  saveBlob(new Blob([pointTemplateCsv()], { type: 'text/csv;charset=utf-8' }), name)
  return name
}
