import { lang } from './i18n.js'

/** Display number with thousands separators; '—' for null. */
export function fmt(v, digits) {
  if (v === null || v === undefined || v === '') return '—'
  const n = Number(v) + 0 // -0 (a sum of nothing on the server) shows as 0
  if (!Number.isFinite(n)) return String(v)
  const opts = digits != null ? { maximumFractionDigits: digits } : { maximumFractionDigits: 2 }
  return n.toLocaleString(lang.value === 'en' ? 'en-US' : 'zh-CN', opts)
}

/** Plain value for test hooks: digits as given, no separators. */
export function plain(v) {
  if (v === null || v === undefined) return ''
  return String(v)
}

export function sum(list, key) {
  let s = 0
  let any = false
  for (const x of list || []) {
    const v = x && x[key]
    if (v !== null && v !== undefined && Number.isFinite(Number(v))) { s += Number(v); any = true }
  }
  return any ? s : null
}

/** Compare for client-side sorting: nulls last, numbers numerically, strings with zh collation. */
export function compare(a, b) {
  const an = a === null || a === undefined || a === ''
  const bn = b === null || b === undefined || b === ''
  if (an && bn) return 0
  if (an) return 1
  if (bn) return -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b)
  return String(a).localeCompare(String(b), 'zh-CN')
}
