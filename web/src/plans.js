// 规划 (plans): API calls of /api/plans, the indicator names of plan targets and small helpers.
import { api, download } from './api.js'
import { lang } from './i18n.js'
import { fetchIndicators, peekIndicators } from './indicators.js'

/** Only admin and planner users may import plans (POST /api/plans answers 403 otherwise). */
export function mayImportPlans(user) {
  return !!user && (user.role === 'admin' || user.role === 'planner')
}

/** GET /api/plans → every plan version, newest first. */
export function fetchPlans(opts) {
  return api.get('/api/plans', null, opts).then((res) => (res && Array.isArray(res.plans) ? res.plans : []))
}

/** GET /api/plans/{id} → the version with targets, projects and funds. */
export function fetchPlan(id, opts) {
  return api.get(`/api/plans/${encodeURIComponent(id)}`, null, opts)
}

/**
 * POST /api/plans, multipart: file (the workbook), name, issuer, region, period_start, period_end,
 * doc (optional). A 400 carries the located workbook errors in err.body.error.errors.
 */
export function importPlan({ file, name, issuer, region, periodStart, periodEnd, doc }, opts) {
  const form = new FormData()
  form.append('name', name || '')
  if (issuer) form.append('issuer', issuer)
  if (region) form.append('region', region)
  if (periodStart) form.append('period_start', String(periodStart))
  if (periodEnd) form.append('period_end', String(periodEnd))
  form.append('file', file, file.name)
  if (doc) form.append('doc', doc, doc.name)
  return api.upload('/api/plans', form, opts)
}

/** The located errors of a failed import (400), [] otherwise. */
export function importErrors(err) {
  const e = err && err.body && err.body.error
  return e && Array.isArray(e.errors) ? e.errors : []
}

/**
 * Plans grouped by name: [{ name, current (latest version), versions (newest first) }], the groups
 * in the order of their newest version.
 */
export function groupPlans(plans) {
  const groups = new Map()
  for (const p of plans || []) {
    if (!groups.has(p.name)) groups.set(p.name, { name: p.name, current: null, versions: [] })
    groups.get(p.name).versions.push(p)
  }
  for (const g of groups.values()) {
    g.versions.sort((a, b) => (Number(b.version) || 0) - (Number(a.version) || 0))
    g.current = g.versions.find((v) => v.current) || g.versions[0]
  }
  return [...groups.values()]
}

/** A catalogue code (pre_ger, jun_migrant_share…) rather than a free indicator name. */
export function looksLikeCode(s) {
  return typeof s === 'string' && /^[a-z][a-z0-9_]*$/.test(s)
}

const catalogueNames = new Map() // code -> { name, name_en, unit }
let catalogueLoaded = false

function remember(catalogue) {
  for (const c of catalogue || []) if (c && c.code) catalogueNames.set(c.code, c)
  if ((catalogue || []).length) catalogueLoaded = true
}

/**
 * The indicator catalogue, for naming the targets of a plan. GET /api/indicators sends the whole
 * catalogue with any answer, so it asks for one county figure of a code the plan uses (cheap), or
 * reuses a response already in the indicator cache. Returns a Map code → catalogue entry; an empty
 * one when nothing can be had (the page then shows the codes).
 */
export async function loadCatalogue(year, codes) {
  if (catalogueLoaded) return catalogueNames
  if (year != null) {
    const seen = peekIndicators(year, 'all')
    if (seen) { remember(seen.catalogue); if (catalogueLoaded) return catalogueNames }
  }
  // An unknown code makes the server answer 400: try a few of the plan's codes one by one.
  for (const code of (codes || []).filter(looksLikeCode).slice(0, 3)) {
    try {
      const res = await fetchIndicators(year, 'county', [code], { silent: true })
      remember(res && res.catalogue)
      if (catalogueLoaded) break
    } catch (_) { /* unknown code or no data: try the next one */ }
  }
  return catalogueNames
}

/** Name of a target's indicator: the catalogue name of a code, else the text as written in the plan. */
export function indicatorName(names, indicator) {
  const c = names && names.get(indicator)
  if (!c) return indicator || ''
  return lang.value === 'en' ? (c.name_en || c.name || indicator) : (c.name || indicator)
}

/** Sum of a numeric field over rows (nulls ignored), 0 for none. */
export function total(rows, key) {
  let s = 0
  for (const r of rows || []) {
    const v = Number(r && r[key])
    if (r && r[key] != null && Number.isFinite(v)) s += v
  }
  return s
}

/** % of spent in released, null without released funds. */
export function spentShare(spent, released) {
  const r = Number(released)
  if (!Number.isFinite(r) || r <= 0) return null
  return (Number(spent) || 0) / r * 100
}

/** Cumulative released and spent by date: [{ date, released, spent }] in date order. */
export function cumulativeFunds(funds) {
  const byDate = new Map()
  for (const f of funds || []) {
    const d = String(f.date || '')
    if (!byDate.has(d)) byDate.set(d, { released: 0, spent: 0 })
    const x = byDate.get(d)
    x.released += Number(f.released) || 0
    x.spent += Number(f.spent) || 0
  }
  let r = 0
  let s = 0
  return [...byDate.keys()].sort().map((d) => {
    r += byDate.get(d).released
    s += byDate.get(d).spent
    return { date: d, released: Math.round(r * 100) / 100, spent: Math.round(s * 100) / 100 }
  })
}

// ------------------------------------------------------------------ 规划监测 (yearly target tracking)

/** The target statuses in display order (status_en), with their tag type and colour. */
export const TARGET_STATUSES = ['met', 'on_track', 'behind', 'at_risk', 'no_data']
export const STATUS_TAG = { met: 'success', on_track: 'primary', behind: 'warning', at_risk: 'danger', no_data: 'info' }
export const STATUS_COLOR = { met: '#3ba272', on_track: '#1f5fa8', behind: '#e6a23c', at_risk: '#d9363e', no_data: '#909399' }

/**
 * GET /api/plans/{id}/status?year=&history=true → the plan with `year`, `counts` (by status_en,
 * absent keys 0) and one tracked row per target (actual, expected, status, history).
 */
export function fetchPlanStatus(id, year, opts) {
  return api.get(`/api/plans/${encodeURIComponent(id)}/status`, { year, history: true }, opts)
}

/** POST /api/plans/{id}/actuals {indicator, year, value, note}: a target's actual entered by hand. */
export function recordActual(id, { indicator, year, value, note }, opts) {
  return api.post(`/api/plans/${encodeURIComponent(id)}/actuals`, { indicator, year, value, note }, opts)
}

/** GET /api/plans/report?year=&format= → the 年度规划实施监测报告 of every current plan, as Word (docx) or PDF. */
export function downloadMonitoringReport(year, format = 'docx') {
  return download('/api/plans/report', { year, format }, `${year || ''}年度规划实施监测报告.${format}`)
}

/** counts of a status answer as a full object: every status, absent ones 0. */
export function statusCounts(counts) {
  const out = {}
  for (const s of TARGET_STATUSES) out[s] = Number(counts && counts[s]) || 0
  return out
}

/**
 * The plan's targets (GET /api/plans/{id}) joined with their tracked rows of the status answer, by
 * row number (`row` = the status row's `target`), else by position, as
 * [{ ...target, idx (its index in the plan), track, untracked }]: track null while the status is not
 * loaded, and for a target the status leaves out (a rejected extraction: untracked true).
 */
export function joinTracking(targets, tracked) {
  const loaded = Array.isArray(tracked)
  const rows = loaded ? tracked : []
  const byRow = new Map()
  for (const r of rows) if (r && r.target != null) byRow.set(Number(r.target), r)
  return (targets || []).map((t, i) => {
    let tr = null
    if (t.row != null && byRow.size) tr = byRow.get(Number(t.row)) || null
    else {
      tr = rows[i] || null
      // guard against a different order: the row must be about the same indicator
      if (tr && !sameIndicator(t, tr)) tr = rows.find((r) => sameIndicator(t, r) && r.target_value === t.target_value) || null
    }
    return { ...t, idx: i, track: tr, untracked: loaded && !tr }
  })
}
function sameIndicator(t, tr) {
  return tr.indicator === t.indicator || tr.metric === t.indicator
}

function num(v) {
  const n = Number(v)
  return v == null || v === '' || !Number.isFinite(n) ? null : n
}

/** Axis bounds around values with a margin, on a 1/2/5×10^k step: { min, max, interval }. */
export function niceRange(values) {
  const vs = (values || []).filter((v) => v != null && Number.isFinite(v))
  if (!vs.length) return {}
  let lo = Math.min(...vs)
  let hi = Math.max(...vs)
  const pad = (hi - lo) * 0.12 || Math.abs(hi) * 0.05 || 1
  lo -= pad
  hi += pad
  const raw = (hi - lo) / 5
  const k = Math.pow(10, Math.floor(Math.log10(raw)))
  const step = [1, 2, 5, 10].map((m) => m * k).find((x) => x >= raw) || 10 * k
  let min = Math.floor(lo / step) * step
  const max = Math.ceil(hi / step) * step
  if (min < 0 && Math.min(...vs) >= 0) min = 0 // no negative axis for values that cannot be negative
  const r = (x) => Math.round(x * 1e6) / 1e6
  return { min: r(min), max: r(max), interval: r(step) }
}

/** A tiny line of a target's history: actuals solid, the expected path dashed (no axes). */
export function sparkOption(track, color = '#1f5fa8') {
  const h = (track && Array.isArray(track.history) ? track.history : []).slice().sort((a, b) => a.year - b.year)
  const vals = []
  for (const r of h) { if (num(r.actual) != null) vals.push(num(r.actual)); if (num(r.expected) != null) vals.push(num(r.expected)) }
  const lo = vals.length ? Math.min(...vals) : 0
  const hi = vals.length ? Math.max(...vals) : 1
  const pad = (hi - lo) * 0.15 || Math.abs(hi) * 0.05 || 1
  return {
    animation: false,
    grid: { left: 3, right: 3, top: 4, bottom: 4 },
    xAxis: { type: 'category', show: false, boundaryGap: false, data: h.map((r) => r.year) },
    yAxis: { type: 'value', show: false, min: lo - pad, max: hi + pad },
    tooltip: { show: false },
    series: [
      {
        type: 'line', data: h.map((r) => num(r.expected)), showSymbol: false, silent: true,
        lineStyle: { type: 'dashed', width: 1, color: '#a8abb2' },
      },
      {
        type: 'line', data: h.map((r) => num(r.actual)), connectNulls: true, symbol: 'circle', symbolSize: 4, silent: true,
        lineStyle: { width: 1.5, color }, itemStyle: { color },
      },
    ],
  }
}

/**
 * The chart of one target: the baseline point, the straight path to the target (dashed), the
 * target point and the actuals by year. `labels`: { baseline, path, target, actual, unit }.
 */
export function targetChartOption(track, labels) {
  const h = (track && Array.isArray(track.history) ? track.history : []).slice().sort((a, b) => a.year - b.year)
  const base = track && track.baseline && track.baseline.year != null && num(track.baseline.value) != null
    ? [Number(track.baseline.year), num(track.baseline.value)] : null
  const ty = num(track && track.target_year)
  const tv = num(track && track.target_value)
  const target = ty != null && tv != null ? [ty, tv] : null
  const actuals = h.filter((r) => num(r.actual) != null).map((r) => [Number(r.year), num(r.actual)])
  // the current year's actual may not be in the history (no history asked, or a manual value)
  if (track && num(track.actual) != null && track.year != null && !actuals.some((a) => a[0] === Number(track.year))) {
    actuals.push([Number(track.year), num(track.actual)])
    actuals.sort((a, b) => a[0] - b[0])
  }
  let path = []
  if (base && target && target[0] > base[0]) path = [base, target]
  else if (h.length) path = h.filter((r) => num(r.expected) != null).map((r) => [Number(r.year), num(r.expected)])
  const xs = [...path, ...actuals, ...(base ? [base] : []), ...(target ? [target] : [])].map((p) => p[0])
  const minX = xs.length ? Math.min(...xs) : 0
  const maxX = xs.length ? Math.max(...xs) : 1
  const unit = labels.unit ? ` ${labels.unit}` : ''
  const ys = [...path, ...actuals, ...(base ? [base] : []), ...(target ? [target] : [])].map((p) => p[1])
  const axis = niceRange(ys)
  const point = (name, p, color, symbol, position) => ({
    name, type: 'line', data: p ? [p] : [], symbol, symbolSize: symbol === 'pin' ? 20 : 12, itemStyle: { color },
    label: { show: true, position, color, formatter: (x) => `${x.value[1]}` },
  })
  return {
    animation: false,
    legend: { top: 0 },
    tooltip: {
      trigger: 'item',
      formatter: (x) => `${x.seriesName}<br/>${x.value[0]}：<b>${x.value[1]}</b>${unit}`,
    },
    grid: { left: 56, right: 44, top: 44, bottom: 32 },
    xAxis: {
      type: 'value', min: minX === maxX ? minX - 1 : minX, max: minX === maxX ? maxX + 1 : maxX, interval: 1,
      axisLabel: { formatter: (v) => String(v) }, splitLine: { show: false },
    },
    yAxis: { type: 'value', name: labels.unit || '', ...axis },
    series: [
      {
        name: labels.path, type: 'line', data: path, showSymbol: false,
        lineStyle: { type: 'dashed', width: 2, color: '#909399' }, itemStyle: { color: '#909399' },
      },
      {
        name: labels.actual, type: 'line', data: actuals, symbol: 'circle', symbolSize: 8,
        lineStyle: { width: 2.5, color: '#1f5fa8' }, itemStyle: { color: '#1f5fa8' },
        label: { show: true, position: 'top', color: '#1f5fa8', formatter: (x) => `${x.value[1]}` },
      },
      point(labels.baseline, base, '#606266', 'diamond', 'bottom'),
      point(labels.target, target, '#d9363e', 'pin', 'right'),
    ],
  }
}

// ------------------------------------------------------------------ 审核 (review of a draft plan's extracted targets)

/** The review states of a target (`review` of GET /api/plans/{id}; null = pending), in display order. */
export const REVIEW_STATES = ['pending', 'accepted', 'edited', 'rejected']
export const REVIEW_TAG = { pending: 'warning', accepted: 'success', edited: 'primary', rejected: 'info' }

/** A target's review state: pending (not yet), accepted, edited or rejected. */
export function reviewState(target) {
  const r = target && target.review
  return r === 'accepted' || r === 'edited' || r === 'rejected' ? r : 'pending'
}

/** How many targets are in each review state: { pending, accepted, edited, rejected }. */
export function reviewCounts(targets) {
  const out = { pending: 0, accepted: 0, edited: 0, rejected: 0 }
  for (const x of targets || []) out[reviewState(x)]++
  return out
}

/**
 * POST /api/plans/{id}/targets/{row}/review {decision: accept|reject|edit, …the fields of an edit}
 * → { ok: true }; 409 once the plan is published, 400 for a bad decision or comparison.
 */
export function reviewTarget(id, row, decision, fields, opts) {
  const body = { decision }
  if (decision === 'edit') {
    for (const k of ['indicator', 'target_value', 'target_year', 'cmp', 'unit', 'kind', 'scope', 'base_year', 'base_value']) {
      const v = fields && fields[k]
      if (v !== undefined && v !== null) body[k] = v
    }
  }
  return api.post(`/api/plans/${encodeURIComponent(id)}/targets/${encodeURIComponent(row)}/review`, body, opts)
}

/** POST /api/plans/{id}/publish → the plan, now published (targets not reviewed count as accepted). */
export function publishPlan(id, opts) {
  return api.post(`/api/plans/${encodeURIComponent(id)}/publish`, {}, opts)
}
