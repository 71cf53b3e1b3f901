// Tiny global state: logged-in user, /api/meta, the selected school year.
import { reactive, computed } from 'vue'
import { api, request, setToken, getToken } from './api.js'
import { clearIndicatorCache } from './indicators.js'

const YEAR_KEY = 'eduplan.year'

export const store = reactive({
  user: null,
  meta: null,
  year: null,
  loaded: false,
})

export const townships = computed(() =>
  ((store.meta && store.meta.regions) || []).filter((r) => r.level === 'township'),
)

export const years = computed(() => {
  const ys = (store.meta && store.meta.years) || []
  return [...ys].sort((a, b) => b - a)
})

export const hasData = computed(() => years.value.length > 0)

export function setYear(y) {
  const n = y == null || y === '' ? null : Number(y)
  store.year = Number.isFinite(n) ? n : null
  try {
    if (store.year != null) localStorage.setItem(YEAR_KEY, String(store.year))
  } catch (_) { /* ignore */ }
}

function pickYear() {
  const ys = years.value
  if (!ys.length) { store.year = null; return }
  if (store.year != null && ys.includes(store.year)) return
  let saved = null
  try { saved = Number(localStorage.getItem(YEAR_KEY)) } catch (_) { /* ignore */ }
  if (saved && ys.includes(saved)) store.year = saved
  else if (store.meta.current_year && ys.includes(store.meta.current_year)) store.year = store.meta.current_year
  else store.year = ys[0]
}

export async function loadMeta() {
  store.meta = await api.get('/api/meta')
  clearIndicatorCache() // new data may have been imported
  pickYear()
  return store.meta
}

/** Called by the router guard: load user + meta once per page load/login. */
export async function loadSession() {
  if (store.loaded) return
  const [me] = await Promise.all([api.get('/api/me'), loadMeta()])
  store.user = me
  store.loaded = true
}

export async function login(username, password) {
  const res = await request('/api/auth/login', { method: 'POST', body: { username, password } })
  setToken(res.token)
  clearIndicatorCache()
  store.user = res.user
  store.loaded = false
  return res
}

export async function logout() {
  if (getToken()) {
    try { await request('/api/auth/logout', { method: 'POST', body: {}, silent: true }) } catch (_) { /* ignore */ }
  }
  clearSession()
}

export function clearSession() {
  setToken(null)
  clearIndicatorCache()
  store.user = null
  store.meta = null
  store.loaded = false
}
