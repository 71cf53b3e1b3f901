// In-memory cache of GET /api/indicators (per year, level and codes), GET /api/schools (per year)
// and GET /api/regions/geo (township boundaries).
// Computing indicators takes a few seconds, so each response is kept for the session. The cache is
// cleared on login/logout (another user sees another scope) and after an import is applied.
import { api, ApiError } from './api.js'

// key -> { promise, value } ; value is set once the response has arrived.
const indicatorCache = new Map()
const schoolCache = new Map()
const geoCache = new Map()

export function clearIndicatorCache() {
  indicatorCache.clear()
  schoolCache.clear()
  geoCache.clear()
}

function cached(map, key, load) {
  const hit = map.get(key)
  if (hit) return hit.promise
  const entry = { promise: null, value: undefined }
  entry.promise = load().then(
    (res) => { entry.value = res; return res },
    (err) => { if (map.get(key) === entry) map.delete(key); throw err }, // retry next time
  )
  map.set(key, entry)
  return entry.promise
}

function codesKey(codes) {
  return Array.isArray(codes) ? codes.join(',') : (codes || '')
}

/**
 * GET /api/indicators?year=&level=&codes= (cached).
 * level: school | township | county | city | province | all; codes: optional array or comma list.
 */
export function fetchIndicators(year, level = 'all', codes = null, opts = {}) {
  const c = codesKey(codes)
  return cached(indicatorCache, `${year}|${level}|${c}`, () =>
    api.get('/api/indicators', { year, level, codes: c || undefined }, opts))
}

/** The response for (year, level, codes) if it has already arrived, else null. */
export function peekIndicators(year, level = 'all', codes = null) {
  const hit = indicatorCache.get(`${year}|${level}|${codesKey(codes)}`)
  return (hit && hit.value) || null
}

/** GET /api/schools?year= items (cached): school_id, name, type, region, region_name… */
export function fetchSchools(year) {
  return cached(schoolCache, String(year), () =>
    api.get('/api/schools', { year }).then((res) => res.items || []))
}

/**
 * Figures of `code` in `year` at one aggregate level (county, city or province; every stage).
 * Reuses an arrived level=all response, otherwise asks for `codes=<code>&level=<level>` (cached).
 * Errors are not shown (silent).
 */
export async function regionFigures(year, code, level = 'county') {
  const all = peekIndicators(year, 'all')
  const res = all || await fetchIndicators(year, level, [code], { silent: true })
  return (res.items || []).filter((x) => x.code === code && x.level === level)
}

/** County-level figures of `code` in `year` (every stage). */
export function countyFigures(year, code) {
  return regionFigures(year, code, 'county')
}

/**
 * GET /api/regions/geo (cached): a GeoJSON FeatureCollection of township boundaries,
 * features[].properties = { code, name, parent, urban_rural }. A 404 (no such route, or no
 * boundaries) gives an empty collection; other errors are thrown (silent).
 */
export function fetchGeo() {
  return cached(geoCache, 'townships', () =>
    api.get('/api/regions/geo', null, { silent: true }).then(
      (fc) => ({ type: 'FeatureCollection', features: (fc && Array.isArray(fc.features)) ? fc.features : [] }),
      (err) => {
        if (err instanceof ApiError && err.status === 404) return { type: 'FeatureCollection', features: [] }
        throw err
      },
    ))
}

/** GET /api/indicators/custom items (not cached: the dialog lists them fresh). */
export function fetchCustomIndicators() {
  return api.get('/api/indicators/custom').then((res) => res.items || [])
}
