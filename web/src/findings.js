// 问题整改: the findings (督导问题) of the assessments and their rectification workflow
// 待整改 → 整改中 → 待复查 → 已销号. API calls of /api/findings and the labels of states,
// severities, escalations, actions and history events.
import { t, lang } from './i18n.js'
import { api, download } from './api.js'
import { Q_CODES, BB_CODES, qName, bbName } from './supervision.js'

/** Workflow states in board order. */
export const STATES = ['open', 'in_progress', 'pending_review', 'closed']
export const SEVERITIES = ['minor', 'major', 'critical']
export const ESCALATIONS = ['interview', 'notice', 'accountability']
/** Workflow steps in the order their buttons are shown. */
export const ACTIONS = ['start', 'submit', 'close', 'reject']
/** Steps that must say something (the measures taken, or why re-inspection failed). */
const TEXT_ACTIONS = ['submit', 'reject']

export function needsText(action) {
  return TEXT_ACTIONS.includes(action)
}

/** Label in the current language; in Chinese the server's own *_zh wins when it sends one. */
function label(prefix, value, zh) {
  if (value == null || value === '') return ''
  if (lang.value !== 'en' && zh) return zh
  const k = `${prefix}.${value}`
  const s = t(k)
  return s === k ? (zh || String(value)) : s
}

export function stateLabel(s, zh) { return label('fnd.state', s, zh) }
export function severityLabel(s, zh) { return label('fnd.severity', s, zh) }
export function escalationLabel(e, zh) { return label('fnd.escalation', e, zh) }
export function actionLabel(a) { return label('fnd.action', a) }
export function eventLabel(kind) { return label('fnd.event', kind) }

/** What a finding's `code` refers to: 资源配置 of a school, a CV (Q1…, a 基本均衡 indicator), an item, 大班额. */
export function codeLabel(code) {
  if (!code) return ''
  const k = 'fnd.code.' + code
  const own = t(k)
  if (own !== k) return own
  if (Q_CODES.includes(code)) return `${code} ${qName(code)}`
  if (BB_CODES.includes(code)) return bbName(code)
  const item = t('sup.item.' + code)
  return item === 'sup.item.' + code ? code : `${code} ${item}`
}

export function severityTag(s) {
  return s === 'critical' ? 'danger' : s === 'major' ? 'warning' : 'info'
}
export function stateTag(s) {
  return { open: 'danger', in_progress: 'warning', pending_review: 'primary', closed: 'success' }[s] || 'info'
}
/** Button type of a workflow step. */
export function actionType(a) {
  return { start: 'primary', submit: 'primary', close: 'success', reject: 'danger' }[a] || 'default'
}
/** Timeline dot colour of an event. */
export function eventColor(kind) {
  return {
    create: '#909399', start: '#e6a23c', submit: '#409eff', close: '#3ba272', reject: '#d03050',
    escalate: '#c45a00', deadline: '#8e6bbf', check: '#1f5fa8',
  }[kind] || '#c0c4cc'
}

/** Admins and the supervision office generate findings, check them and re-inspect. */
export function maySupervise(user) {
  return !!user && (user.role === 'admin' || user.role === 'supervisor')
}
/** The public role gets 403 on /api/findings: no menu item for it. */
export function maySeeFindings(user) {
  return !!user && user.role !== 'public'
}

/** YYYY-MM-DD of a Date (local time). */
export function isoDate(d) {
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}
/** Today plus `n` months as YYYY-MM-DD (the end of a shorter month when the day does not exist). */
export function monthsFromToday(n) {
  const d = new Date()
  const day = d.getDate()
  d.setDate(1)
  d.setMonth(d.getMonth() + n)
  const last = new Date(d.getFullYear(), d.getMonth() + 1, 0).getDate()
  d.setDate(Math.min(day, last))
  return isoDate(d)
}

/** Whole days from `from` to `to` (YYYY-MM-DD); positive when `to` is later. */
export function daysBetween(from, to) {
  if (!from || !to) return null
  const a = Date.parse(`${from}T00:00:00Z`)
  const b = Date.parse(`${to}T00:00:00Z`)
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null
  return Math.round((b - a) / 86400000)
}

/** "2026-11-23T10:01:02Z" → "2026-11-23 10:01". */
export function timeText(s) {
  if (!s) return ''
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(String(s))
  return m ? `${m[1]} ${m[2]}` : String(s)
}

/** "12.3 KB". */
export function sizeText(n) {
  const v = Number(n)
  if (!Number.isFinite(v)) return ''
  if (v < 1024) return `${v} B`
  if (v < 1024 * 1024) return `${(v / 1024).toFixed(1)} KB`
  return `${(v / 1024 / 1024).toFixed(1)} MB`
}

// ------------------------------------------------------------------ API

/** GET /api/findings?state=&year=&method=&overdue=true → { today, counts, findings }. */
export function fetchFindings({ state, year, method, overdue } = {}, opts) {
  return api.get('/api/findings', { state, year, method, overdue: overdue ? 'true' : undefined }, opts)
}

/** GET /api/findings/{id}: the finding with events, attachments, actions, may_comment, may_manage. */
export function fetchFinding(id, opts) {
  return api.get(`/api/findings/${encodeURIComponent(id)}`, null, opts)
}

/** POST /api/findings/{id}/act {action, text}. */
export function actOn(id, action, text = '', opts) {
  return api.post(`/api/findings/${encodeURIComponent(id)}/act`, { action, text }, opts)
}

export function commentOn(id, text, opts) {
  return api.post(`/api/findings/${encodeURIComponent(id)}/comment`, { text }, opts)
}

export function escalate(id, escalation, text = '', opts) {
  return api.post(`/api/findings/${encodeURIComponent(id)}/escalate`, { escalation, text }, opts)
}

export function setDeadline(id, deadline, reason = '', opts) {
  return api.post(`/api/findings/${encodeURIComponent(id)}/deadline`, { deadline, reason }, opts)
}

/** POST /api/findings/{id}/attachments, multipart field `file` → { id, name, size, mime }. */
export function uploadAttachment(id, file, opts) {
  const form = new FormData()
  form.append('file', file, file.name)
  return api.upload(`/api/findings/${encodeURIComponent(id)}/attachments`, form, opts)
}

/** Saves an evidence file (fetched with the token header as a blob). */
export function downloadAttachment(id, att) {
  return download(`/api/findings/${encodeURIComponent(id)}/attachments/${encodeURIComponent(att.id)}`, null, att.name || `attachment-${att.id}`)
}

/** POST /api/findings/generate {method, year, region?, deadline, responsible?} → { problems, created, skipped }. */
export function generateFindings({ method, year, region, deadline, responsible }, opts) {
  const body = { method, year, deadline }
  if (region) body.region = region
  if (responsible && responsible.trim()) body.responsible = responsible.trim()
  return api.post('/api/findings/generate', body, opts)
}

/** POST /api/findings/check {method, year, region?} → { checked: [{id, gone}] }. */
export function checkFindings({ method, year, region }, opts) {
  const body = { method, year }
  if (region) body.region = region
  return api.post('/api/findings/check', body, opts)
}
