// The harness the browser tests share: settings from the environment, steps and located
// failures, screenshots, a headless Debian chromium, log-in through the login page, and API calls
// with the app's own session token.
import { chromium } from 'playwright-core'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const BASE = (process.env.EDUPLAN_URL || '').replace(/\/+$/, '')
export const USER = process.env.EDUPLAN_USER
export const PASSWORD = process.env.EDUPLAN_PASSWORD
export const SHOTS = process.env.SCREENSHOT_DIR || ''
export const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 20000)
// Computing every indicator of a year (or an assessment) takes a while on a cold server.
export const SLOW = Number(process.env.E2E_SLOW_MS || Math.max(90000, TIMEOUT))

export class StepError extends Error {}
export function fail(msg) { throw new StepError(msg) }
export function assert(cond, msg) { if (!cond) fail(msg) }

let stepName = ''
export function step(name) {
  stepName = name
  console.log(`- ${name}`)
}
export function currentStep() { return stepName }

export async function shot(page, name) {
  if (!SHOTS) return
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: join(SHOTS, name), fullPage: false })
  console.log(`  saved ${join(SHOTS, name)}`)
}

/** A headless chromium page (Chinese locale) collecting the page's errors. */
export async function openPage() {
  assert(BASE, 'EDUPLAN_URL is not set')
  assert(USER && PASSWORD, 'EDUPLAN_USER / EDUPLAN_PASSWORD are not set')
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  })
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(TIMEOUT)
  const pageErrors = []
  page.on('pageerror', (e) => pageErrors.push(String(e)))
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`) })
  return { browser, context, page, pageErrors }
}

/** API calls through the page's request context; `headers` is filled in by logIn. */
/** Clicks a download button and checks the file: its name ends with `ext` and its bytes start
 *  with `magic` (%PDF-, PK …). Returns the suggested file name. */
export async function downloads(page, testid, ext, magic) {
  const button = page.locator(`[data-testid="${testid}"]`)
  assert(await button.count(), `no ${testid} button`)
  const [dl] = await Promise.all([
    page.waitForEvent('download', { timeout: SLOW }),
    button.first().click(),
  ]).catch((e) => fail(`${testid} gave no download: ${e.message}`))
  const name = dl.suggestedFilename()
  assert(name.endsWith(ext), `${testid} downloads ${name}, not a ${ext} file`)
  const head = readFileSync(await dl.path()).subarray(0, magic.length).toString('latin1')
  assert(head === magic, `${name} does not start with ${JSON.stringify(magic)} (${JSON.stringify(head)})`)
  return name
}

export function apiClient(page) {
  const client = { headers: {} }
  client.api = async (method, path, data) => {
    const r = await page.request.fetch(`${BASE}${path}`, { method, headers: client.headers, data, timeout: SLOW })
    let body = null
    const text = await r.text()
    try { body = text ? JSON.parse(text) : null } catch (_) { body = text }
    return { status: r.status(), body }
  }
  client.getJson = async (path) => {
    const r = await client.api('GET', path)
    assert(r.status === 200, `GET ${path} -> HTTP ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`)
    return r.body
  }
  return client
}

/** Logs in through the login page; the API client then sends the same Bearer token as the app. */
export async function logIn(page, client) {
  await page.goto(`${BASE}/login`)
  await page.locator('[data-testid="login-username"]').fill(USER)
  await page.locator('[data-testid="login-password"]').fill(PASSWORD)
  await page.locator('[data-testid="login-submit"]').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: TIMEOUT })
    .catch(() => fail('login did not leave /login (wrong credentials or backend error?)'))
  const token = await page.evaluate(() => localStorage.getItem('eduplan.token'))
  assert(token, 'no token in localStorage eduplan.token after login')
  client.headers = { Authorization: `Bearer ${token}` }
  return client.getJson('/api/me')
}

/** Ends a test that passed: prints non-fatal page errors, closes the browser; returns exit code 0. */
export async function passed({ browser, pageErrors }) {
  const errs = pageErrors.filter((e) => !/Failed to load resource/.test(e))
  if (errs.length) console.log(`  page errors (not fatal):\n    ${errs.slice(-10).join('\n    ')}`)
  await browser.close()
  console.log('e2e ok')
  return 0
}

/** Ends a test that failed: the step, URL, page errors and a screenshot; returns exit code 1. */
export async function failed({ browser, page, pageErrors }, e) {
  console.error(`e2e FAILED at step "${currentStep()}": ${e instanceof StepError ? e.message : (e && e.stack) || e}`)
  console.error(`  url: ${page.url()}`)
  if (pageErrors.length) console.error(`  page errors:\n    ${pageErrors.slice(-10).join('\n    ')}`)
  try { await shot(page, 'failure.png') } catch (_) { /* ignore */ }
  await browser.close().catch(() => {})
  return 1
}

/** Runs a test's main and exits with its code. */
export function run(main) {
  main().then((code) => process.exit(code), (e) => {
    console.error(`e2e FAILED: ${(e && e.stack) || e}`)
    process.exit(1)
  })
}
