// Browser test of the 指标 page against a running backend: county value vs the API, the township
// map, and a custom indicator created through the dialog (formula error marking, save, select).
//
//   EDUPLAN_URL=http://127.0.0.1:18080 EDUPLAN_USER=admin EDUPLAN_PASSWORD=... \
//   [SCREENSHOT_DIR=/tmp/shots] [CHROMIUM=/usr/bin/chromium] [E2E_KEEP_CUSTOM=1] node e2e/indicators.mjs
//
// The user must be admin or planner (creating a custom indicator). The data needs a year with
// 学前三年毛入园率 (pre_ger) figures and 初中 students. The custom indicator jun_migrant_share is
// deleted first if it exists, and again at the end unless E2E_KEEP_CUSTOM=1.
// Exits 0 and prints "e2e ok" on success, exits 1 with a message on the first failure.
import { BASE, TIMEOUT, SLOW, USER, fail, assert, step, shot, openPage, apiClient, logIn, passed, failed, run } from './lib.mjs'

const KEEP_CUSTOM = process.env.E2E_KEEP_CUSTOM === '1'

const CUSTOM = {
  code: 'jun_migrant_share',
  name: '初中随迁子女占比',
  name_en: 'Share of migrant children, junior secondary',
  unit: '%',
  scale: '100',
  badNumerator: 'students.migrnt[level=初中]',
  numerator: 'students.migrant[level=初中]',
  denominator: 'students.enrolled[level=初中]',
}


const approx = (a, b, tol) => Math.abs(a - b) <= tol

async function main() {
  const session = await openPage()
  const { page } = session

  const client = apiClient(page)
  const { api, getJson } = client

  const card = page.locator('[data-testid="county-card"]')
  const dialog = page.locator('[data-testid="custom-indicator-dialog"]')

  /** Picks an indicator in the toolbar select (typing its code to filter), waits for its card. */
  async function chooseIndicator(code) {
    // The card appears once the catalogue (GET /api/indicators, computed on the server) has arrived.
    await card.waitFor({ state: 'visible', timeout: SLOW })
      .catch(() => fail('the indicator card did not appear (GET /api/indicators failed or is too slow?)'))
    const option = page.locator(`[data-testid="indicator-option-${code}"]`)
    await page.locator('[data-testid="indicator-select"]').click()
    await page.keyboard.type(code)
    await option.waitFor({ state: 'visible', timeout: SLOW })
      .catch(() => fail(`indicator ${code} is not in the indicator select (catalogue of /api/indicators)`))
    await option.click()
    await page.locator(`[data-testid="county-card"][data-code="${code}"]`).waitFor({ state: 'visible', timeout: SLOW })
      .catch(() => fail(`the card does not show ${code} after choosing it`))
    await page.waitForTimeout(300) // let the dropdown close
  }

  /** Makes sure the headline card shows a county (level-select only exists with city/province figures). */
  async function ensureCountyLevel() {
    if ((await card.getAttribute('data-level')) === 'county') return
    const radio = page.locator('[data-testid="level-select"] label[data-level="county"]')
    await radio.click()
    await page.locator('[data-testid="county-card"][data-level="county"]').waitFor({ state: 'visible' })
  }

  /** The card's selection: { code, stage, year, level, scope }. */
  async function cardSel() {
    const attr = async (a) => (await card.getAttribute(`data-${a}`)) || ''
    return { code: await attr('code'), stage: await attr('stage'), year: Number(await attr('year')), level: await attr('level'), scope: await attr('scope') }
  }

  /** The shown indicator-value as a number, or null when the card shows 无数据. */
  async function shownValue() {
    const v = page.locator('[data-testid="indicator-value"]')
    if (!(await v.count())) return null
    const txt = (await v.textContent()).trim()
    const n = Number(txt)
    assert(txt !== '' && Number.isFinite(n), `indicator-value is not a plain number: "${txt}"`)
    return n
  }

  try {
    // 1. log in
    step('log in')
    const me = await logIn(page, client)
    assert(['admin', 'planner'].includes(me.role), `user ${USER} has role ${me.role}; this test needs admin or planner`)

    // A previous run may have left the custom indicator behind.
    step(`remove an existing custom indicator ${CUSTOM.code} (API)`)
    const before = await getJson('/api/indicators/custom')
    if ((before.items || []).some((x) => x.code === CUSTOM.code)) {
      const d = await api('DELETE', `/api/indicators/custom/${CUSTOM.code}`)
      assert(d.status === 204 || d.status === 200, `DELETE /api/indicators/custom/${CUSTOM.code} -> HTTP ${d.status}`)
      console.log('  deleted the one left by a previous run')
    }

    // 2. open 指标 and choose pre_ger
    step('open 指标')
    await page.locator('.el-menu-item', { hasText: '指标' }).first().click()
    await page.waitForURL(/\/indicators(\?|$)/).catch(() => fail(`the 指标 menu did not open /indicators (at ${page.url()})`))
    await page.locator('[data-testid="indicators-page"]').waitFor({ state: 'visible' })

    step('choose pre_ger (学前三年毛入园率)')
    await chooseIndicator('pre_ger')
    await ensureCountyLevel()

    step('county value equals GET /api/indicators')
    const sel = await cardSel()
    assert(sel.year && sel.scope && sel.stage, `county-card lacks year/scope/stage: ${JSON.stringify(sel)}`)
    const pre = await getJson(`/api/indicators?year=${sel.year}&level=county&codes=pre_ger`)
    const preFig = (pre.items || []).find((x) => x.code === 'pre_ger' && x.level === 'county' && x.scope === sel.scope && x.stage === sel.stage)
    assert(preFig, `GET /api/indicators has no county figure of pre_ger for ${sel.scope} / ${sel.stage} in ${sel.year}`)
    const preShown = await shownValue()
    if (preFig.value == null) {
      assert(preShown === null, `API says pre_ger is unavailable (${preFig.reason}) but the page shows ${preShown}`)
      console.log(`  pre_ger unavailable for ${sel.scope}: ${preFig.reason}`)
    } else {
      assert(preShown !== null, `the page shows no value, API says ${preFig.value}`)
      assert(approx(preShown, Number(preFig.value), 1e-9), `page shows pre_ger ${preShown}, API says ${preFig.value} (${sel.scope}, ${sel.stage}, ${sel.year})`)
      console.log(`  pre_ger ${sel.scope} ${sel.stage} ${sel.year} = ${preShown}`)
    }

    // 3. township map
    step('township map renders (or the no-boundaries note)')
    const geoRes = await api('GET', '/api/regions/geo')
    const features = geoRes.status === 200 && geoRes.body && Array.isArray(geoRes.body.features) ? geoRes.body.features : []
    if (!features.length) {
      console.log(`  /api/regions/geo: HTTP ${geoRes.status}, no features -> expecting the note`)
      await page.locator('[data-testid="township-map-none"]').waitFor({ state: 'visible' })
        .catch(() => fail('no township boundaries, but the "数据未提供乡镇边界" note is not shown'))
      assert(!(await page.locator('[data-testid="township-map"]').count()), 'township-map is shown without boundaries')
    } else {
      const canvas = page.locator('[data-testid="township-map"] canvas').first()
      await canvas.waitFor({ state: 'visible' }).catch(() => fail('no canvas inside data-testid="township-map"'))
      const box = await canvas.boundingBox()
      assert(box && box.width > 100 && box.height > 100, `township map canvas too small: ${JSON.stringify(box)}`)
      const nFeat = Number(await page.locator('[data-testid="township-map"]').getAttribute('data-features'))
      assert(nFeat > 0, `the map shows ${nFeat} townships, /api/regions/geo has ${features.length}`)
      console.log(`  map canvas ${Math.round(box.width)}×${Math.round(box.height)}, ${nFeat} of ${features.length} townships`)
      await page.locator('[data-testid="township-map"]').scrollIntoViewIfNeeded()
      await page.waitForTimeout(700)
      await shot(page, 'indicators-map.png')
    }

    step('a township row opens the drawer with the township value')
    const firstRow = page.locator('[data-testid="township-table"] .el-table__body tr').first()
    if (await firstRow.count()) {
      await firstRow.click()
      const drawerFig = page.locator('[data-testid="figure-drawer"] .drawer-figure')
      await drawerFig.waitFor({ state: 'visible' }).catch(() => fail('the figure drawer did not open on a township row click'))
      const twScope = await drawerFig.getAttribute('data-scope')
      const tw = await getJson(`/api/indicators?year=${sel.year}&level=township&codes=pre_ger`)
      const twFig = (tw.items || []).find((x) => x.level === 'township' && x.scope === twScope && x.stage === sel.stage)
      assert(twFig, `GET /api/indicators has no township figure for ${twScope} / ${sel.stage}`)
      const dv = page.locator('[data-testid="figure-drawer"] [data-testid="drawer-value"]')
      if (twFig.value == null) assert(!(await dv.count()), `township ${twScope}: API has no value, the drawer shows one`)
      else assert(approx(Number((await dv.textContent()).trim()), Number(twFig.value), 1e-9), `drawer value ≠ API ${twFig.value} for ${twScope}`)
      await page.keyboard.press('Escape')
      await drawerFig.waitFor({ state: 'hidden' }).catch(() => {})
    } else {
      console.log('  no township rows (skipped)')
    }

    // 4. custom indicator dialog
    step('open the custom indicator dialog')
    await page.locator('[data-testid="custom-indicator-button"]').click()
    await dialog.waitFor({ state: 'visible' }).catch(() => fail('custom-indicator-dialog did not open'))
    const numerator = dialog.locator('[data-testid="custom-numerator"]')
    const denominator = dialog.locator('[data-testid="custom-denominator"]')
    await numerator.waitFor({ state: 'visible' }).catch(() => fail('custom-numerator is missing (is the user admin/planner?)'))

    step(`wrong numerator ${CUSTOM.badNumerator} marks "migrnt"`)
    await denominator.fill(CUSTOM.denominator)
    await numerator.fill(CUSTOM.badNumerator)
    const mark = dialog.locator('[data-testid="formula-error-numerator"] [data-testid="formula-error-token"]')
    await mark.waitFor({ state: 'visible' }).catch(() => fail('no error token marked in the numerator after a wrong field name'))
    const marked = (await mark.textContent()).trim()
    assert(marked === 'migrnt', `the marked token is "${marked}", expected "migrnt"`)
    const msg = (await dialog.locator('[data-testid="formula-error-numerator"] [data-testid="formula-error"]').textContent()).trim()
    assert(msg.length > 0, 'the formula error has no message')
    console.log(`  error: ${msg}`)
    await shot(page, 'custom-error.png')

    step('fix the numerator; the error goes away')
    await numerator.fill(CUSTOM.numerator)
    await mark.waitFor({ state: 'detached' }).catch(() => fail('the error mark stays after fixing the numerator'))
    await dialog.locator('[data-testid="formula-ok"]').waitFor({ state: 'visible' })
      .catch(() => fail('the fixed formula is not reported valid (formula-ok)'))

    step('fill code, names, unit, scale and save')
    await dialog.locator('[data-testid="custom-code"]').fill(CUSTOM.code)
    await dialog.locator('[data-testid="custom-name"]').fill(CUSTOM.name)
    await dialog.locator('[data-testid="custom-name-en"]').fill(CUSTOM.name_en)
    await dialog.locator('[data-testid="custom-unit"]').fill(CUSTOM.unit)
    await dialog.locator('[data-testid="custom-scale"]').fill(CUSTOM.scale)
    await dialog.locator('[data-testid="custom-save"]').click()
    // Success closes the dialog; a refusal shows custom-error or a formula error in the dialog.
    const deadline = Date.now() + TIMEOUT
    for (;;) {
      if (!(await dialog.isVisible())) break
      const errBox = dialog.locator('[data-testid="custom-error"], [data-testid="formula-error"]')
      if (await errBox.first().isVisible()) fail(`saving was refused: ${(await errBox.first().textContent()).trim()}`)
      if (Date.now() > deadline) fail('the dialog did not close after saving')
      await page.waitForTimeout(200)
    }
    const list = await getJson('/api/indicators/custom')
    const saved = (list.items || []).find((x) => x.code === CUSTOM.code)
    assert(saved, `GET /api/indicators/custom does not list ${CUSTOM.code} after saving`)
    assert(Number(saved.scale) === 100, `saved scale is ${saved.scale}, expected 100`)

    step(`select ${CUSTOM.code} and compare with 100 × numerator / denominator`)
    await chooseIndicator(CUSTOM.code)
    await ensureCountyLevel()
    const csel = await cardSel()
    const cres = await getJson(`/api/indicators?year=${csel.year}&level=county&codes=${CUSTOM.code}`)
    const cat = (cres.catalogue || []).find((c) => c.code === CUSTOM.code)
    assert(cat && cat.custom === true, `the catalogue of /api/indicators lacks ${CUSTOM.code} with custom:true`)
    const cfig = (cres.items || []).find((x) => x.code === CUSTOM.code && x.level === 'county' && x.scope === csel.scope && x.stage === csel.stage)
    assert(cfig, `no county figure of ${CUSTOM.code} for ${csel.scope} / ${csel.stage} in ${csel.year}`)
    assert(cfig.numerator != null && Number(cfig.denominator) > 0,
      `${CUSTOM.code}: numerator ${cfig.numerator}, denominator ${cfig.denominator} (${cfig.reason || 'no reason'}): need 初中 students`)
    const expected = (100 * Number(cfig.numerator)) / Number(cfig.denominator)
    const cShown = await shownValue()
    assert(cShown !== null, `the page shows no value for ${CUSTOM.code}, expected ${expected}`)
    // The server rounds half up to 2 decimals.
    assert(approx(cShown, expected, 0.005 + 1e-9), `page shows ${cShown}, 100 × ${cfig.numerator} / ${cfig.denominator} = ${expected}`)
    assert(approx(cShown, Number(cfig.value), 1e-9), `page shows ${cShown}, API value ${cfig.value}`)
    console.log(`  ${CUSTOM.code} ${csel.scope} ${csel.stage} = ${cShown} (100 × ${cfig.numerator} / ${cfig.denominator} = ${expected.toFixed(4)})`)
    await page.waitForTimeout(500)
    await shot(page, 'indicators-custom.png')

    if (!KEEP_CUSTOM) {
      step(`delete ${CUSTOM.code} (API)`)
      const d = await api('DELETE', `/api/indicators/custom/${CUSTOM.code}`)
      assert(d.status === 204 || d.status === 200, `DELETE /api/indicators/custom/${CUSTOM.code} -> HTTP ${d.status}`)
    }

    return await passed(session)
  } catch (e) {
    return await failed(session, e)
  }
}

run(main)
