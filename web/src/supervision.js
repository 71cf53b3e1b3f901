// 督导评估: the assessment methods, the seven 优质均衡 resource indicators (Q1..Q7), their national
// thresholds (used when the response carries none), the eight 基本均衡 indicators and small
// formatting helpers.
import { t, lang } from './i18n.js'
import { fmt } from './format.js'
import { api, download } from './api.js'

export const METHODS = ['balance-quality', 'balance-basic', 'preschool', 'class-size', 'funds']

/** 县域义务教育发展基本均衡县督导评估暂行办法 (2012): the eight catalogue indicators, in display order. */
export const BB_CODES = [
  'area_teach_pp', 'area_sport_pp', 'equip_pp', 'computers_per100',
  'books_pp', 'teachers_per100', 'tq_above_per100', 'senior_title_per100',
]
/** 基本均衡 综合差异系数 maxima (2012), used when the response carries none. */
export const BB_CV_MAX = { 小学: 0.65, 初中: 0.55 }

/** Name of a 基本均衡 indicator (catalogue code); the code itself when unknown. */
export function bbName(code) {
  const k = 'sup.bb.' + code
  const s = t(k)
  return s === k ? code : s
}
/** Short axis label of a 基本均衡 indicator. */
export function bbShort(code) {
  const k = 'sup.bbShort.' + code
  const s = t(k)
  return s === k ? code : s
}
/** Unit of a 基本均衡 indicator value. */
export function bbUnit(code) {
  const k = 'sup.bbUnit.' + code
  const s = t(k)
  return s === k ? '' : s
}
/** The indicator codes of a 基本均衡 level: the known ones in order, then any others the response has. */
export function bbCodes(levelData) {
  const cv = (levelData && levelData.cv) || {}
  const have = Object.keys(cv)
  if (!have.length) return BB_CODES
  return [...BB_CODES.filter((c) => have.includes(c)), ...have.filter((c) => !BB_CODES.includes(c)).sort()]
}

/** The two compulsory levels of the 优质均衡 resource part, in display order. */
export const BQ_LEVELS = ['小学', '初中']
/** Stage order of the 大班额 response. */
export const CLASS_STAGES = ['全部', '小学', '初中', '高中']

export const Q_CODES = ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'Q7']

/** 县域义务教育优质均衡发展督导评估办法 (2017) §1.1, national values. */
export const NATIONAL_THRESHOLDS = {
  小学: { Q1: 4.2, Q2: 1.0, Q3: 0.9, Q4: 4.5, Q5: 7.5, Q6: 2000, Q7: 2.3 },
  初中: { Q1: 5.3, Q2: 1.0, Q3: 0.9, Q4: 5.8, Q5: 10.2, Q6: 2500, Q7: 2.4 },
}
export const NATIONAL_CV_MAX = { 小学: 0.5, 初中: 0.45 }

/** Unit of a shortfall (what must be added), as an i18n key suffix. */
const SHORTFALL_UNIT = { Q1: 'teachers', Q2: 'teachers', Q3: 'teachers', Q4: 'm2', Q5: 'm2', Q6: 'yuan', Q7: 'rooms' }
/** Unit of a value (per student / per 100 students). */
const VALUE_UNIT = { Q1: 'per100', Q2: 'per100', Q3: 'per100', Q4: 'm2pp', Q5: 'm2pp', Q6: 'yuanpp', Q7: 'roomsPer100' }

export function qName(code) {
  return t('sup.q.' + code)
}
export function qValueUnit(code) {
  return VALUE_UNIT[code] ? t('sup.vunit.' + VALUE_UNIT[code]) : ''
}
export function shortfallUnit(code) {
  return SHORTFALL_UNIT[code] ? t('sup.unit.' + SHORTFALL_UNIT[code]) : ''
}

/** "Q5 +1,200 m²" (thousands separators; the unit of what is missing). */
export function shortfallText(code, v) {
  const u = shortfallUnit(code)
  return `${code} +${fmt(v)}${u ? ' ' + u : ''}`
}

/** Q → threshold of a level: the response's own (province standards) or the national ones. */
export function thresholdsOf(levelName, levelData) {
  const own = levelData && levelData.thresholds
  if (own && typeof own === 'object' && Object.keys(own).length) return own
  return NATIONAL_THRESHOLDS[levelName] || {}
}

/** passed true / false / null -> 'pass' | 'fail' | 'pending' (待核查). */
export function stateOf(passed) {
  if (passed === true) return 'pass'
  if (passed === false) return 'fail'
  return 'pending'
}

/** A coefficient of variation with four decimals, '—' for null. */
export function cvText(v) {
  if (v === null || v === undefined || !Number.isFinite(Number(v))) return '—'
  return Number(v).toFixed(4)
}

/**
 * Item group of a code: G 政府保障程度, E 教育质量, S 社会认可度, P 普及普惠, B 综合差异系数 (基本均衡),
 * F 资金执行进度 (checkpoints F1…).
 */
export function itemGroup(code) {
  const c = String(code || '').charAt(0)
  return ['G', 'E', 'S', 'P', 'B', 'F'].includes(c) ? c : 'X'
}

/** Item name in the current language: the response's name in Chinese, a known translation in English. */
export function itemName(item) {
  if (!item) return ''
  if (lang.value === 'en') {
    if (item.name_en) return item.name_en
    const k = 'sup.item.' + item.code
    const s = t(k)
    if (s !== k) return s
  }
  return item.name || item.code
}

/** Item detail in the current language (detail_en when the server sends one). */
export function itemDetail(item) {
  if (!item) return ''
  if (lang.value === 'en' && item.detail_en) return item.detail_en
  return item.detail || ''
}

/** Sort rows: nulls last in both directions. */
export function numCompare(a, b) {
  const an = a === null || a === undefined || !Number.isFinite(Number(a))
  const bn = b === null || b === undefined || !Number.isFinite(Number(b))
  if (an && bn) return 0
  if (an) return 1
  if (bn) return -1
  return Number(a) - Number(b)
}

// ------------------------------------------------------------------ 现场核查 (on-site checks)

/** Items that take an on-site result: those the data cannot decide (待核查) and those already checked. */
export function mayRecordEvidence(item) {
  return !!item && (item.passed == null || !!item.evidence)
}

/**
 * POST /api/assess/{method}/evidence, one multipart form: year, region (optional), code, passed,
 * note, file (optional) → { id, code, passed, note, file, scope, year }.
 */
export function recordEvidence({ method, year, region, code, passed, note, file }, opts) {
  const form = new FormData()
  form.append('year', String(year))
  if (region) form.append('region', region)
  form.append('code', code)
  form.append('passed', passed ? 'true' : 'false')
  form.append('note', note || '')
  if (file) form.append('file', file, file.name)
  return api.upload(`/api/assess/${encodeURIComponent(method)}/evidence`, form, opts)
}

/** GET /api/evidence/{id}: the evidence file of an on-site result (token header, saved as a blob). */
export function downloadEvidence(ev) {
  return download(`/api/evidence/${encodeURIComponent(ev.id)}`, null, ev.file || `evidence-${ev.id}`)
}

// ------------------------------------------------------------------ 资金执行进度 (funds)

/**
 * The checkpoints of a funds assessment in order: [{ code (F1…), date ("2024-06-30"), label
 * ("06-30"), share (required %), value (county %), passed (true / false / null: not yet due) }].
 * Dates and shares come from the projects' checkpoints, the county values from the items F1…
 * (same order); the item's name gives the date when no project has funds.
 */
export function fundCheckpoints(res) {
  if (!res) return []
  const items = Array.isArray(res.items) ? res.items.filter((it) => /^F\d+$/.test(String(it.code || ''))) : []
  const projects = Array.isArray(res.projects) ? res.projects : []
  const first = projects.find((p) => Array.isArray(p.checkpoints) && p.checkpoints.length)
  const cps = first ? first.checkpoints : []
  const n = Math.max(items.length, cps.length)
  const out = []
  for (let i = 0; i < n; i++) {
    const it = items[i] || null
    const cp = cps[i] || null
    let date = cp ? String(cp.date || '') : ''
    if (!date && it) {
      const m = /(\d{2}-\d{2})/.exec(String(it.name || ''))
      if (m) date = `${res.year}-${m[1]}`
    }
    out.push({
      code: it ? it.code : `F${i + 1}`,
      date,
      label: date.length >= 10 ? date.slice(5) : date,
      share: cp && cp.share != null ? cp.share : it ? it.threshold : null,
      value: it ? it.value : null,
      passed: it ? it.passed : null,
    })
  }
  return out
}

/** The checkpoint of a project at `date`, or null. */
export function projectCheckpoint(project, date) {
  const cps = (project && project.checkpoints) || []
  return cps.find((c) => c.date === date) || null
}
