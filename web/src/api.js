// fetch wrapper: token handling, JSON, error bodies, 401 -> /login, blob downloads.
import { ElMessage } from 'element-plus'
import { lang, t } from './i18n.js'

const TOKEN_KEY = 'eduplan.token'

export function getToken() {
  try { return localStorage.getItem(TOKEN_KEY) } catch (_) { return null }
}
export function setToken(tok) {
  try {
    if (tok) localStorage.setItem(TOKEN_KEY, tok)
    else localStorage.removeItem(TOKEN_KEY)
  } catch (_) { /* ignore */ }
}

let onUnauthorized = () => {}
export function setUnauthorizedHandler(fn) { onUnauthorized = fn }

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {}
    super(e.message_zh || e.message_en || `HTTP ${status}`)
    this.status = status
    this.code = e.code || `http_${status}`
    this.message_zh = e.message_zh || e.message_en || `请求失败（HTTP ${status}）`
    this.message_en = e.message_en || e.message_zh || `Request failed (HTTP ${status})`
    this.body = body || null
    // Formula errors (POST /api/indicators/custom[/check]) point at the offending token.
    this.position = e.position || null
  }
  localized() {
    return lang.value === 'en' ? this.message_en : this.message_zh
  }
}

export function errorText(err) {
  if (err instanceof ApiError) return err.localized()
  if (err && err.message) return lang.value === 'en' ? `Network error: ${err.message}` : `网络错误：${err.message}`
  return String(err)
}

/** A warning of an answer in the user's language: "中文 / English" or {message_zh, message_en}. */
export function warningText(w) {
  if (w && typeof w === 'object') return lang.value === 'en' ? (w.message_en || w.message_zh || JSON.stringify(w)) : (w.message_zh || w.message_en || JSON.stringify(w))
  const parts = String(w).split(' / ')
  if (parts.length === 2) return lang.value === 'en' ? parts[1] : parts[0]
  return String(w)
}

export function showError(err) {
  ElMessage({ type: 'error', message: errorText(err), grouping: true, duration: 5000 })
}

function qs(params) {
  if (!params) return ''
  const u = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    u.append(k, String(v))
  }
  const s = u.toString()
  return s ? `?${s}` : ''
}

/**
 * request(path, { method, params, body, form, raw, silent })
 *  - body: JSON-encoded; form: FormData sent as multipart.
 *  - raw: return the Response (for blobs) instead of parsed JSON.
 *  - silent: do not show ElMessage on error (the error is still thrown).
 */
export async function request(path, opts = {}) {
  const { method = 'GET', params, body, form, raw = false, silent = false } = opts
  const headers = {}
  const tok = getToken()
  if (tok) headers.Authorization = `Bearer ${tok}`
  let payload
  if (form) payload = form
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  let res
  try {
    res = await fetch(path + qs(params), { method, headers, body: payload })
  } catch (err) {
    if (!silent) showError(err)
    throw err
  }
  if (!res.ok) {
    let data = null
    try { data = await res.json() } catch (_) { /* not json */ }
    const err = new ApiError(res.status, data)
    if (res.status === 401 && path !== '/api/auth/login') {
      setToken(null)
      onUnauthorized()
      throw err
    }
    if (!silent) showError(err)
    throw err
  }
  if (raw) return res
  if (res.status === 204) return {}
  const text = await res.text()
  return text ? JSON.parse(text) : {}
}

export const api = {
  get: (path, params, o) => request(path, { ...o, params }),
  post: (path, body, o) => request(path, { ...o, method: 'POST', body }),
  upload: (path, form, o) => request(path, { ...o, method: 'POST', form }),
  del: (path, o) => request(path, { ...o, method: 'DELETE' }),
}

function filenameFrom(res, fallback) {
  const cd = res.headers.get('Content-Disposition') || ''
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(cd)
  if (star) {
    try { return decodeURIComponent(star[1].trim().replace(/^"|"$/g, '')) } catch (_) { /* fall through */ }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(cd)
  if (plain) return plain[1].trim()
  return fallback
}

/** Saves a blob as a file through an object URL. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10000)
}

/** GET a file with the auth header and save it through an object URL. */
export async function download(path, params, fallbackName) {
  const res = await request(path, { params, raw: true })
  const blob = await res.blob()
  const name = filenameFrom(res, fallbackName)
  saveBlob(blob, name)
  ElMessage({ type: 'success', message: `${lang.value === 'en' ? 'Downloaded' : '已下载'} ${name}` })
  return name
}

export { t }
