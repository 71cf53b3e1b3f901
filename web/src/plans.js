// 规划 (plans): API calls of /api/plans, the indicator names of plan targets and small helpers.
import { api } from './api.js'
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
