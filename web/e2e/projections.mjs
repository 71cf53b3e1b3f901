// Browser test of the 预测 page against a running backend: the page opens from the menu with the
// built-in scenario; its from / to / base year and the county's 在校生 table by stage and year equal
// GET /api/projections; the summary cards equal the last year's county rows. An admin / planner
// creates a scenario through the editor (出生人口 按年变化 −10%): it is saved (GET /api/scenarios),
// the page switches to it and shows its projection (equal to the API, fewer 学前 school-age children
// than the built-in scenario at the horizon); the comparison table shows each compared scenario's
// last year as the API; switching back through the scenario select shows the built-in figures
// again. 导出Excel saves an .xlsx. The reachability table has one row per GET
// /api/projections/reach row with the same 可达成/难以达成/无法预测 tags; 回测 with the default
// years shows the MAPE rows of GET /api/projections/backtest. Finally the scenario is deleted
// through the editor.
//
//   EDUPLAN_URL=http://127.0.0.1:18080 EDUPLAN_USER=admin EDUPLAN_PASSWORD=... \
//   [SCREENSHOT_DIR=/tmp/shots] [CHROMIUM=/usr/bin/chromium] [E2E_KEEP_SCENARIO=1] node e2e/projections.mjs
//
// The data needs a base year with recorded students (the county rows), plan targets the projection
// can judge (reachability) and five earlier years for the backtest. The test scenario
// (E2E_SCENARIO) is deleted first if an earlier run left it, and at the end unless
// E2E_KEEP_SCENARIO=1. A user who may not edit scenarios (not admin / planner) only switches
// between existing scenarios. Exits 0 and prints "e2e ok" on success, exits 1 with a message on
// the first failure.
import { TIMEOUT, SLOW, fail, assert, step, shot, openPage, apiClient, logIn, passed, failed, run, downloads } from './lib.mjs'

const KEEP = process.env.E2E_KEEP_SCENARIO === '1'
const E2E_SCENARIO = 'e2e-低出生'
const CHANGE_PCT = -10
const STAGES = ['学前', '小学', '初中', '高中']

const enc = encodeURIComponent
const isNum = (v) => v !== null && v !== undefined && v !== '' && Number.isFinite(Number(v))
/** Equal as numbers (or both empty / null). */
const same = (shown, api) => (api == null ? shown === '' : isNum(shown) && Math.abs(Number(shown) - Number(api)) <= 1e-9)

async function main() {
  const session = await openPage()
  const { page } = session

  const client = apiClient(page)
  const { api, getJson } = client

  const result = page.locator('[data-testid="proj-result"]')
  const drawer = page.locator('[data-testid="scenario-drawer"]')

  /** Waits until the page shows the projection of `name` (loaded, no error). */
  async function waitResult(name) {
    const done = page.locator(`[data-testid="proj-result"][data-loading="false"][data-scenario="${name}"]`)
    const errBox = page.locator('[data-testid="proj-error"]')
    const deadline = Date.now() + SLOW
    while (!(await done.count())) {
      if (await errBox.isVisible() && (await result.getAttribute('data-loading')) === 'false') {
        fail(`the page shows an error instead of the projection of ${name}: ${(await errBox.textContent()).trim()}`)
      }
      if (Date.now() > deadline) fail(`the projection of ${name} did not appear within ${SLOW} ms (data-scenario="${await result.getAttribute('data-scenario')}")`)
      await page.waitForTimeout(250)
    }
  }

  /** The page's enrolment table cells: [{ stage, year, field, value }]. */
  async function enrolCells() {
    return page.locator('[data-testid="proj-enrol-table"] .el-table__body-wrapper [data-testid="enrol-cell"]').evaluateAll((els) =>
      els.map((e) => ({ stage: e.getAttribute('data-stage'), year: Number(e.getAttribute('data-year')), field: e.getAttribute('data-field'), value: e.getAttribute('data-value') })))
  }

  /** The county table shows `rows`' enrolled (stage × year); returns the number of numeric cells. */
  async function checkCountyTable(proj, label) {
    const region = await result.getAttribute('data-region')
    const county = proj.rows.filter((r) => r.level === 'county' && String(r.scope) === region)
    assert(county.length, `${label}: the page's region ${region} has no county rows in GET /api/projections (counties: ${[...new Set(proj.rows.filter((r) => r.level === 'county').map((r) => r.scope))].join(', ') || 'none'})`)
    const field = await page.locator('[data-testid="proj-enrol-table"]').getAttribute('data-field')
    assert(field === 'enrolled', `the enrolment table shows ${field}, not enrolled`)
    const cells = await enrolCells()
    const byKey = new Map(cells.map((c) => [`${c.stage}|${c.year}`, c]))
    let numbers = 0
    let positive = 0
    for (const r of county) {
      const c = byKey.get(`${r.stage}|${Number(r.year)}`)
      assert(c, `${label}: no table cell for ${r.stage} ${r.year}`)
      assert(same(c.value, r.enrolled), `${label}: ${r.stage} ${r.year} shows ${c.value || '—'}, the API enrolled ${r.enrolled}`)
      if (isNum(c.value)) { numbers++; if (Number(c.value) > 0) positive++ }
    }
    assert(numbers > 0 && positive > 0, `${label}: the county enrolment table has no numbers (${numbers} numeric cells, ${positive} > 0)`)
    return { region, county, numbers }
  }

  /** Picks a scenario in the toolbar select. */
  async function chooseScenario(name) {
    await page.locator('[data-testid="proj-scenario"]').click()
    const opt = page.locator(`[data-testid="proj-scenario-option"][data-name="${name}"]`)
    await opt.waitFor({ state: 'visible' }).catch(() => fail(`scenario ${name} is not in the scenario select`))
    await opt.click()
    await waitResult(name)
    await page.waitForTimeout(300) // let the dropdown close
  }

  try {
    // 1. log in
    step('log in')
    const me = await logIn(page, client)
    const mayEdit = me.role === 'admin' || me.role === 'planner'

    step('GET /api/scenarios')
    let scenarios = await getJson('/api/scenarios')
    assert(Array.isArray(scenarios) && scenarios.length, `GET /api/scenarios gives ${JSON.stringify(scenarios).slice(0, 200)}, want a non-empty array`)
    const builtin = scenarios.find((s) => s.builtin) || fail(`GET /api/scenarios has no built-in scenario: ${scenarios.map((s) => s.name).join(', ')}`)
    console.log(`  ${scenarios.length} scenarios: ${scenarios.map((s) => s.name + (s.builtin ? ' (built-in)' : '')).join(', ')}`)
    if (mayEdit && scenarios.some((s) => s.name === E2E_SCENARIO)) {
      step(`delete ${E2E_SCENARIO} left by an earlier run (API)`)
      const d = await api('DELETE', `/api/scenarios/${enc(E2E_SCENARIO)}`)
      assert(d.status === 204 || d.status === 200, `DELETE /api/scenarios/${E2E_SCENARIO} -> HTTP ${d.status}`)
      scenarios = await getJson('/api/scenarios')
    }

    step(`GET /api/projections?scenario=${builtin.name}&level=all (years chosen by the API)`)
    const base = await getJson(`/api/projections?scenario=${enc(builtin.name)}&level=all`)
    assert(isNum(base.base_year) && isNum(base.from) && isNum(base.to), `base_year / from / to are ${base.base_year} / ${base.from} / ${base.to}`)
    assert(Array.isArray(base.rows) && base.rows.length, 'GET /api/projections has no rows')
    console.log(`  base year ${base.base_year}, ${base.from}–${base.to}, ${base.rows.length} rows, ${(base.population || []).length} population entries, ${(base.warnings || []).length} warnings`)

    // 2. the page from the menu
    step('open 预测 from the menu')
    await page.locator('.el-menu-item', { hasText: '预测' }).first().click()
    await page.waitForURL(/\/projections(\?|$)/).catch(() => fail(`the 预测 menu did not open /projections (at ${page.url()})`))
    await page.locator('[data-testid="projections-page"]').waitFor({ state: 'visible' })
    await waitResult(builtin.name)

    step('from / to / base year equal the API')
    assert(Number(await result.getAttribute('data-base')) === Number(base.base_year), `data-base ${await result.getAttribute('data-base')}, API base_year ${base.base_year}`)
    assert(Number(await result.getAttribute('data-from')) === Number(base.from), `data-from ${await result.getAttribute('data-from')}, API from ${base.from}`)
    assert(Number(await result.getAttribute('data-to')) === Number(base.to), `data-to ${await result.getAttribute('data-to')}, API to ${base.to}`)
    const fromIn = await page.locator('[data-testid="proj-from"] input').inputValue()
    const toIn = await page.locator('[data-testid="proj-to"] input').inputValue()
    assert(Number(fromIn) === Number(base.from) && Number(toIn) === Number(base.to), `the year inputs show ${fromIn}–${toIn}, the API ${base.from}–${base.to}`)

    step('the county enrolment table equals the API')
    const { region, county, numbers } = await checkCountyTable(base, builtin.name)
    console.log(`  county ${region}: ${numbers} enrolment figures`)

    step('summary cards equal the last year')
    const lastYear = Math.max(...county.map((r) => Number(r.year)))
    const cards = page.locator('[data-testid="proj-card"]')
    assert(await cards.count() >= 1, 'no summary cards')
    for (const s of STAGES) {
      const r = county.find((x) => x.stage === s && Number(x.year) === lastYear)
      if (!r) continue
      const card = page.locator(`[data-testid="proj-card"][data-stage="${s}"]`)
      assert(Number(await card.getAttribute('data-year')) === lastYear, `the ${s} card is for ${await card.getAttribute('data-year')}, not ${lastYear}`)
      const v = await card.locator('[data-testid="proj-card-enrolled"]').getAttribute('data-value')
      assert(same(v, r.enrolled), `the ${s} card shows enrolled ${v}, the API ${r.enrolled} (${lastYear})`)
      const g = await card.locator('[data-testid="proj-card-gap"]').getAttribute('data-value')
      assert(same(g, r.place_gap), `the ${s} card shows place gap ${g}, the API ${r.place_gap} (${lastYear})`)
    }
    await page.waitForTimeout(800) // let the charts draw
    await shot(page, 'projections.png')

    step('charts and the rows table are drawn')
    assert(await page.locator('[data-testid="proj-bands"] canvas').count(), 'the enrolment chart draws no canvas')
    assert(await page.locator('[data-testid="proj-teachers"] canvas').count(), 'the teachers chart draws no canvas')
    if ((base.population || []).length) {
      assert(await page.locator('[data-testid="proj-pyramid"] canvas').count(), 'the population pyramid draws no canvas although the API has population entries')
    }
    const nRows = Number(await page.locator('[data-testid="proj-rows"]').getAttribute('data-count'))
    assert(nRows > 0, 'the rows table is empty')
    await page.locator('[data-testid="proj-rows-level"] label[data-level="county"]').click()
    const countyAll = base.rows.filter((r) => r.level === 'county' && String(r.scope) === region).length
    const nCounty = Number(await page.locator('[data-testid="proj-rows"]').getAttribute('data-count'))
    assert(nCounty === countyAll, `the rows table filtered to 县 has ${nCounty} rows, the API ${countyAll} county rows of ${region}`)
    await page.locator('[data-testid="proj-rows-level"] label[data-level=""]').click()

    step('导出Excel saves an .xlsx')
    console.log(`  ${await downloads(page, 'proj-export', '.xlsx', 'PK')}`)

    // 3. a new scenario through the editor
    let made = null
    if (!mayEdit) {
      assert(!(await page.locator('[data-testid="proj-new"]').count()), `role ${me.role} is offered 新建情景`)
      console.log(`  role ${me.role}: no scenario editing (skipped)`)
      const other = scenarios.find((s) => s.name !== builtin.name)
      if (other) {
        step(`switch to ${other.name}`)
        await chooseScenario(other.name)
        const proj = await getJson(`/api/projections?scenario=${enc(other.name)}&from=${base.from}&to=${base.to}&level=all`)
        await checkCountyTable(proj, other.name)
        await chooseScenario(builtin.name)
      }
    } else {
      step(`新建情景 ${E2E_SCENARIO}: births −10% a year`)
      await page.locator('[data-testid="proj-new"]').click()
      await drawer.waitFor({ state: 'visible' }).catch(() => fail('新建情景 did not open the editor'))
      assert((await drawer.getAttribute('data-mode')) === 'new', `the editor is in mode ${await drawer.getAttribute('data-mode')}, not new`)
      await drawer.locator('[data-testid="sc-name"]').fill(E2E_SCENARIO)
      await drawer.locator('[data-testid="sc-description"]').fill('e2e：出生人口每年减少 10%')
      await drawer.locator('[data-testid="sc-births-mode"] label[data-mode="change"]').click()
      const pct = drawer.locator('[data-testid="sc-change-pct"] input')
      await pct.waitFor({ state: 'visible' }).catch(() => fail('按年变化 shows no 年变化率 input'))
      await pct.fill(String(CHANGE_PCT))
      await pct.press('Tab')
      await shot(page, 'projections-editor.png')
      await page.locator('[data-testid="sc-save"]').click()
      const deadline = Date.now() + TIMEOUT
      while (await drawer.isVisible()) {
        const err = drawer.locator('[data-testid="sc-error"]')
        if (await err.isVisible()) fail(`saving the scenario was refused: ${(await err.textContent()).trim()}`)
        if (Date.now() > deadline) fail('the editor did not close after 保存')
        await page.waitForTimeout(200)
      }

      step('the scenario is saved (GET /api/scenarios)')
      scenarios = await getJson('/api/scenarios')
      made = scenarios.find((s) => s.name === E2E_SCENARIO)
      assert(made, `GET /api/scenarios does not list ${E2E_SCENARIO} after 保存`)
      const births = (made.params && made.params.births) || {}
      assert(births.mode === 'change' && Number(births.change_pct) === CHANGE_PCT,
        `the saved births are ${JSON.stringify(births)}, want mode change, change_pct ${CHANGE_PCT}`)

      step(`the page shows ${E2E_SCENARIO}`)
      await waitResult(E2E_SCENARIO)
      const proj = await getJson(`/api/projections?scenario=${enc(E2E_SCENARIO)}&from=${base.from}&to=${base.to}&level=all`)
      const { county: c2 } = await checkCountyTable(proj, E2E_SCENARIO)
      const popAt = (rows) => { const r = rows.find((x) => x.stage === '学前' && Number(x.year) === lastYear); return r && isNum(r.school_age_pop) ? Number(r.school_age_pop) : null }
      const p0 = popAt(county)
      const p1 = popAt(c2)
      if (p0 != null && p1 != null && lastYear - Number(base.base_year) >= 4) {
        assert(p1 < p0, `学前 school-age population ${lastYear}: ${p1} with births −10% a year, ${p0} in ${builtin.name} (want fewer)`)
        console.log(`  学前 school-age population ${lastYear}: ${p0} → ${p1}`)
      }
      await page.waitForTimeout(500)
      await shot(page, 'projections-scenario.png')

      step('the comparison shows both scenarios as the API')
      const cmp = page.locator('[data-testid="proj-compare"][data-loading="false"]')
      await cmp.waitFor({ state: 'attached', timeout: SLOW }).catch(() => fail('the comparison did not finish loading'))
      const picked = ((await page.locator('[data-testid="proj-compare"]').getAttribute('data-picked')) || '').split('|').filter(Boolean)
      assert(picked.includes(E2E_SCENARIO) && picked.includes(builtin.name), `the comparison compares ${picked.join(', ')}, want ${E2E_SCENARIO} and ${builtin.name}`)
      const st = (await page.locator('[data-testid="proj-compare"]').getAttribute('data-stage')) || '小学'
      const cmpYear = Number(await page.locator('[data-testid="proj-compare-table"]').getAttribute('data-year'))
      for (const name of picked) {
        const row = page.locator('[data-testid="proj-compare-table"] .el-table__body-wrapper tr.el-table__row', { has: page.locator(`[data-testid="compare-row"][data-scenario="${name}"]`) })
        assert(await row.count() === 1, `the comparison table has ${await row.count()} rows for ${name}`)
        const cp = await getJson(`/api/projections?scenario=${enc(name)}&level=county&from=${base.from}&to=${base.to}`)
        const want = (cp.rows || []).find((r) => r.level === 'county' && String(r.scope) === region && r.stage === st && Number(r.year) === cmpYear)
        const got = await row.locator('[data-field="enrolled"]').getAttribute('data-value')
        assert(same(got, want ? want.enrolled : null), `comparison ${name} ${st} ${cmpYear}: enrolled ${got}, the API ${want && want.enrolled}`)
      }
      console.log(`  compared ${picked.join(', ')} (${cmpYear})`)

      step(`switch back to ${builtin.name} through the select`)
      await chooseScenario(builtin.name)
      await checkCountyTable(base, builtin.name)
    }

    // 4. reachability
    step(`reachability of ${builtin.name} equals GET /api/projections/reach`)
    const reach = await getJson(`/api/projections/reach?scenario=${enc(builtin.name)}`)
    assert(Array.isArray(reach), `GET /api/projections/reach gives ${JSON.stringify(reach).slice(0, 200)}, want an array`)
    assert(reach.length > 0, 'GET /api/projections/reach has no rows (no plan target to judge?)')
    await page.locator(`[data-testid="proj-reach"][data-scenario="${builtin.name}"][data-loading="false"]`).waitFor({ state: 'attached', timeout: SLOW })
      .catch(() => fail('the reachability table did not finish loading'))
    const tags = await page.locator('[data-testid="proj-reach-table"] .el-table__body-wrapper [data-testid="reach-tag"]').evaluateAll((els) =>
      els.map((e) => ({ reached: e.getAttribute('data-reached'), text: e.textContent.trim() })))
    assert(tags.length === reach.length, `the reachability table has ${tags.length} rows, the API ${reach.length}`)
    const TEXT = { true: '可达成', false: '难以达成', null: '无法预测' }
    reach.forEach((r, i) => {
      const want = String(r.reached ?? 'null')
      assert(tags[i].reached === want, `reachability row ${i + 1} (${r.indicator} ${r.target_year}): tag ${tags[i].reached}, the API reached ${r.reached}`)
      assert(tags[i].text === TEXT[want], `reachability row ${i + 1}: tag text "${tags[i].text}", want ${TEXT[want]}`)
    })
    const nYes = reach.filter((r) => r.reached === true).length
    const nNo = reach.filter((r) => r.reached === false).length
    console.log(`  ${reach.length} targets: ${nYes} 可达成, ${nNo} 难以达成, ${reach.length - nYes - nNo} 无法预测`)
    await page.locator('[data-testid="proj-reach"]').scrollIntoViewIfNeeded()
    await shot(page, 'projections-reach.png')

    // 5. backtest with the default years
    const btBase = Number(base.base_year) - 5
    const btTo = Number(base.base_year)
    step(`回测 ${btBase}–${btTo}`)
    const bBase = await page.locator('[data-testid="proj-bt-base"] input').inputValue()
    const bTo = await page.locator('[data-testid="proj-bt-to"] input').inputValue()
    assert(Number(bBase) === btBase && Number(bTo) === btTo, `the backtest years default to ${bBase}–${bTo}, want ${btBase}–${btTo}`)
    await page.locator('[data-testid="proj-bt-run"]').click()
    const bt = page.locator(`[data-testid="proj-backtest"][data-loading="false"][data-base="${btBase}"][data-to="${btTo}"]`)
    const btErr = page.locator('[data-testid="proj-bt-error"]')
    const btDeadline = Date.now() + SLOW
    while (!(await bt.count())) {
      if (await btErr.isVisible()) fail(`回测 shows an error: ${(await btErr.textContent()).trim()}`)
      if (Date.now() > btDeadline) fail(`the backtest did not finish within ${SLOW} ms`)
      await page.waitForTimeout(250)
    }
    const back = await getJson(`/api/projections/backtest?base=${btBase}&to=${btTo}&scenario=${enc(builtin.name)}`)
    const bRows = back.rows || []
    assert(bRows.length > 0, `GET /api/projections/backtest?base=${btBase}&to=${btTo} has no rows`)
    const mapes = await page.locator('[data-testid="proj-bt-table"] .el-table__body-wrapper [data-testid="bt-mape"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-value')))
    assert(mapes.length === bRows.length, `the backtest table has ${mapes.length} rows, the API ${bRows.length}`)
    const shownSorted = mapes.map((v) => (isNum(v) ? Number(v) : null)).sort((a, b) => (a ?? -1) - (b ?? -1))
    const apiSorted = bRows.map((r) => (isNum(r.mape) ? Number(r.mape) : null)).sort((a, b) => (a ?? -1) - (b ?? -1))
    assert(JSON.stringify(shownSorted) === JSON.stringify(apiSorted), `the MAPE column ${JSON.stringify(shownSorted)} differs from the API ${JSON.stringify(apiSorted)}`)
    const numeric = shownSorted.filter((v) => v != null)
    assert(numeric.length > 0, 'the backtest shows no MAPE number')
    assert(numeric.every((v) => v >= 0), `negative MAPE values: ${numeric.filter((v) => v < 0).join(', ')}`)
    const texts = await page.locator('[data-testid="proj-bt-table"] .el-table__body-wrapper [data-testid="bt-mape"]').allTextContents()
    assert(texts.some((x) => /^\d[\d,.]*%$/.test(x.trim())), `no MAPE cell reads as a percentage: ${JSON.stringify(texts.slice(0, 5))}`)
    assert(await page.locator('[data-testid="proj-bt-chart"] canvas').count(), 'the backtest chart draws no canvas')
    console.log(`  ${bRows.length} rows, MAPE ${Math.min(...numeric).toFixed(2)}–${Math.max(...numeric).toFixed(2)}%`)
    await page.locator('[data-testid="proj-backtest"]').scrollIntoViewIfNeeded()
    await page.waitForTimeout(500)
    await shot(page, 'projections-backtest.png')

    // 6. delete the test scenario through the editor
    if (made && !KEEP) {
      step(`delete ${E2E_SCENARIO} through the editor`)
      await chooseScenario(E2E_SCENARIO)
      await page.locator('[data-testid="proj-edit"]').click()
      await drawer.waitFor({ state: 'visible' }).catch(() => fail('编辑情景 did not open the editor'))
      assert((await drawer.getAttribute('data-mode')) === 'edit' && (await drawer.getAttribute('data-name')) === E2E_SCENARIO,
        `the editor is in mode ${await drawer.getAttribute('data-mode')} for ${await drawer.getAttribute('data-name')}`)
      const births = drawer.locator('[data-testid="sc-births-mode"] label[data-mode="change"]')
      assert(/is-active/.test((await births.getAttribute('class')) || ''), 'the editor does not show the saved 按年变化 births')
      await page.locator('[data-testid="sc-delete"]').click()
      const box = page.locator('.el-message-box')
      await box.waitFor({ state: 'visible' }).catch(() => fail('删除情景 asks no confirmation'))
      await box.locator('.el-button--primary').click()
      await drawer.waitFor({ state: 'hidden', timeout: SLOW }).catch(() => fail('the editor did not close after 删除'))
      const after = await getJson('/api/scenarios')
      assert(!after.some((s) => s.name === E2E_SCENARIO), `GET /api/scenarios still lists ${E2E_SCENARIO} after 删除`)
      await waitResult(builtin.name)
      console.log(`  ${E2E_SCENARIO} deleted; the page is back on ${builtin.name}`)
    }

    return await passed(session)
  } catch (e) {
    return await failed(session, e)
  }
}

run(main)
