// Foundation browser test for the eduplan web UI against a running backend.
//
//   EDUPLAN_URL=http://127.0.0.1:18080 EDUPLAN_USER=admin EDUPLAN_PASSWORD=... \
//   [SCREENSHOT_DIR=/tmp/shots] [CHROMIUM=/usr/bin/chromium] node e2e/foundation.mjs
//
// Exits 0 and prints "e2e ok" on success, exits 1 with a message on the first failure.
import { chromium } from 'playwright-core'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeXlsx } from './xlsx.mjs'

const BASE = (process.env.EDUPLAN_URL || '').replace(/\/+$/, '')
const USER = process.env.EDUPLAN_USER
const PASSWORD = process.env.EDUPLAN_PASSWORD
const SHOTS = process.env.SCREENSHOT_DIR || ''
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 20000)

const COND_HEADER = '学年,学校标识码,教学及辅助用房面积,体育运动场馆面积,校舍建筑面积,教学仪器设备值,网络多媒体教室,计算机,图书,公用经费,智慧校园'
const COND_FIELDS = ['area_teaching', 'area_sport', 'area_buildings', 'equipment_value', 'mm_rooms', 'computers', 'books', 'public_funds', 'smart_campus']

class StepError extends Error {}
function fail(msg) { throw new StepError(msg) }
function assert(cond, msg) { if (!cond) fail(msg) }

let stepName = ''
function step(name) {
  stepName = name
  console.log(`- ${name}`)
}

async function shot(page, name) {
  if (!SHOTS) return
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: join(SHOTS, name), fullPage: false })
  console.log(`  saved ${join(SHOTS, name)}`)
}

function condRow(year, schoolId, cond, overrides = {}) {
  const c = { ...(cond || {}), ...overrides }
  return [year, schoolId, ...COND_FIELDS.map((k) => c[k])].map((v) => (typeof v === 'boolean' ? (v ? '是' : '否') : v))
}

function round2(x) { return Math.round(x * 100) / 100 }

async function main() {
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

  try {
    // 1. redirect to /login and log in
    step('open app, expect redirect to /login')
    await page.goto(`${BASE}/`)
    await page.waitForURL(/\/login(\?|$)/, { timeout: TIMEOUT }).catch(() => fail(`not redirected to /login (at ${page.url()})`))
    step('log in')
    await page.locator('[data-testid="login-username"]').fill(USER)
    await page.locator('[data-testid="login-password"]').fill(PASSWORD)
    await page.locator('[data-testid="login-submit"]').click()
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: TIMEOUT })
      .catch(() => fail('login did not leave /login (wrong credentials or backend error?)'))

    // 2. overview shows a stat card
    step('overview shows stat cards')
    await page.locator('[data-testid="stat-card"]').first().waitFor({ state: 'visible' })
      .catch(() => fail('no stat card on the overview page (is there imported data?)'))
    await page.waitForLoadState('networkidle').catch(() => {})
    await page.waitForTimeout(600) // let charts finish their animation for the screenshot
    await shot(page, 'overview.png')

    // 3. pick a 小学 with conditions through the API
    step('pick a 小学 with 办学条件 via the API')
    const token = await page.evaluate(() => localStorage.getItem('eduplan.token'))
    assert(token, 'no token in localStorage eduplan.token after login')
    const headers = { Authorization: `Bearer ${token}` }
    const getJson = async (path) => {
      const r = await page.request.get(`${BASE}${path}`, { headers })
      assert(r.ok(), `GET ${path} -> HTTP ${r.status()}: ${(await r.text()).slice(0, 300)}`)
      return r.json()
    }
    const meta = await getJson('/api/meta')
    const year = meta.current_year ?? (meta.years && meta.years.length ? Math.max(...meta.years) : null)
    assert(year != null, '/api/meta has no current_year / years: import data first')
    const list = await getJson(`/api/schools?year=${year}`)
    const items = list.items || []
    assert(items.length >= 2, `need at least 2 schools in ${year}, got ${items.length}`)
    const primaries = items.filter((s) => s.type === '小学')
    assert(primaries.length, `no school of type 小学 in ${year}`)

    let chosen = null
    for (const s of primaries.slice(0, 40)) {
      const d = await getJson(`/api/schools/${encodeURIComponent(s.school_id)}?year=${year}`)
      if (d.conditions && d.conditions.area_sport != null) { chosen = d; break }
    }
    assert(chosen, `no 小学 with 办学条件 (area_sport) among the first schools of ${year}`)
    const schoolId = chosen.school.school_id
    const oldSport = Number(chosen.conditions.area_sport)
    console.log(`  chose ${schoolId} ${chosen.school.name}, area_sport=${oldSport}, year=${year}`)

    const schoolUrl = `${BASE}/schools/${encodeURIComponent(schoolId)}?year=${year}&tab=conditions`
    step('school page shows cond-area_sport')
    await page.goto(schoolUrl)
    const hook = page.locator('[data-testid="cond-area_sport"]')
    await hook.waitFor({ state: 'visible' }).catch(() => fail('cond-area_sport not visible on the school page'))
    const shown = Number((await hook.textContent()).trim())
    assert(Math.abs(shown - oldSport) < 0.01, `cond-area_sport shows ${shown}, API says ${oldSport}`)
    await page.locator('[data-testid="school-students"]').waitFor({ state: 'attached' })
      .catch(() => fail('school-students hook missing'))

    // 4. upload a CSV with one bad row
    step('upload a workbook (.xlsx) with an error on row 3 of 办学条件')
    const other = items.find((s) => s.school_id !== schoolId)
    const otherDetail = await getJson(`/api/schools/${encodeURIComponent(other.school_id)}?year=${year}`)
    const newSport = round2(oldSport + 1234.5)
    const goodRow = condRow(year, schoolId, chosen.conditions, { area_sport: newSport })
    const badRow = condRow(year, other.school_id, otherDetail.conditions, { mm_rooms: 'abc' })
    const header = COND_HEADER.split(',')
    const tmp = mkdtempSync(join(tmpdir(), 'eduplan-e2e-'))
    const badFile = join(tmp, '办学条件-有错.xlsx')
    const goodFile = join(tmp, '办学条件-已改.xlsx')
    writeXlsx(badFile, { 办学条件: [header, goodRow, badRow] })
    writeXlsx(goodFile, { 办学条件: [header, goodRow] })

    await page.goto(`${BASE}/data`)
    await page.locator('[data-testid="upload-input"]').setInputFiles(badFile)
    await page.locator('[data-testid="upload-submit"]').click()
    const errTable = page.locator('[data-testid="error-table"]')
    await errTable.waitFor({ state: 'visible' }).catch(() => fail('error table did not appear after uploading the bad workbook'))
    const errRows = await errTable.locator('.el-table__body tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())))
    const hit = errRows.find((cells) => cells[1] === '3' && cells.some((c) => c.includes('网络多媒体教室')))
    assert(hit, `error table has no row 3 / 网络多媒体教室 entry: ${JSON.stringify(errRows)}`)
    await shot(page, 'data-error.png')

    // 5. upload only the good row and apply
    step('upload the corrected workbook and apply')
    await page.locator('[data-testid="upload-input"]').setInputFiles(goodFile)
    await page.locator('[data-testid="upload-submit"]').click()
    await page.locator('[data-testid="apply-button"], [data-testid="error-table"]').first().waitFor({ state: 'visible' })
      .catch(() => fail('neither apply button nor error table appeared after uploading the good workbook'))
    if (await errTable.isVisible()) {
      const rows = await errTable.locator('.el-table__body tr').evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())))
      fail(`the corrected CSV was rejected: ${JSON.stringify(rows)}`)
    }
    await page.locator('[data-testid="apply-button"]').click()
    await page.locator('[data-testid="apply-success"]').waitFor({ state: 'visible' })
      .catch(() => fail('apply-success did not appear after clicking apply'))

    // 6. the school page shows the new value
    step('school page shows the imported area_sport')
    await page.goto(schoolUrl)
    await hook.waitFor({ state: 'visible' }).catch(() => fail('cond-area_sport not visible after import'))
    const after = Number((await hook.textContent()).trim())
    assert(Math.abs(after - newSport) < 0.01, `cond-area_sport shows ${after} after import, expected ${newSport}`)
    await page.waitForTimeout(300)
    await shot(page, 'school.png')

    await browser.close()
    console.log('e2e ok')
    return 0
  } catch (e) {
    console.error(`e2e FAILED at step "${stepName}": ${e instanceof StepError ? e.message : (e && e.stack) || e}`)
    console.error(`  url: ${page.url()}`)
    if (pageErrors.length) console.error(`  page errors:\n    ${pageErrors.slice(-10).join('\n    ')}`)
    try { await shot(page, 'failure.png') } catch (_) { /* ignore */ }
    await browser.close().catch(() => {})
    return 1
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(`e2e FAILED: ${(e && e.stack) || e}`)
  process.exit(1)
})
