// Browser test of the 布局 page against a running backend: the page opens from the menu and solves
// the default problem (小学, the built-in scenario, the API's year = base year + 5, 最远上学距离 3 km,
// 容量约束); the before / after table, the plan table (statuses, places, children) and the solver
// line equal the answer of GET /api/layout the page received; the map is drawn (zones, a pixel
// position for every site). A recommended new site is clicked on the map (marked unavailable: a
// chip, 待重新求解), 重新求解 sends exclude=<it> and the new plan does not open it. Switching 学段
// to 初中 re-solves by itself with 5 km and no exclusions, and its figures equal its answer.
// 校址与村庄: in the map's 在地图上添加校址 mode a click at a site of the plan opens the point
// dialog with that position; the site 「测试地块」 is saved at the exact coordinates of that site and
// is listed in the 校址与村庄 panel; 候选校址 = 用户校址 with 新增学校数 = 1 opens 「测试地块」; 扩建
// 2 steps with 新增学校数 = 0 shows 扩建 rows (places added) equal to the answer; the test point is
// deleted through the panel (and through the API should the test fail on the way).
//
//   EDUPLAN_URL=http://127.0.0.1:18080 EDUPLAN_USER=admin EDUPLAN_PASSWORD=... \
//   [SCREENSHOT_DIR=/tmp/shots] [CHROMIUM=/usr/bin/chromium] node e2e/layout.mjs
//
// The data needs schools of 小学 and 初中 with coordinates and a projection (a base year with
// recorded students). When the default plan opens no new school, 新增学校数 = 1 is solved first.
// Exits 0 and prints "e2e ok" on success, exits 1 with a message on the first failure.
import { SLOW, fail, assert, step, shot, openPage, apiClient, logIn, passed, failed, run } from './lib.mjs'

const isNum = (v) => v !== null && v !== undefined && v !== '' && Number.isFinite(Number(v))
/** Equal as numbers (or both empty / null). */
const same = (shown, api) => (api == null ? shown === '' || shown == null : isNum(shown) && Math.abs(Number(shown) - Number(api)) <= 1e-9)
/** A query string with its parameters sorted (the page's data-query against a request URL). */
const canon = (s) => [...new URLSearchParams(s)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&')
const FIGURES = ['mean_km', 'max_km', 'beyond_limit', 'place_gap', 'big_classes']

async function main() {
  const session = await openPage()
  const { page } = session
  const client = apiClient(page)
  const { getJson } = client

  const result = page.locator('[data-testid="layout-result"]')

  // Every answer of GET /api/layout the page receives, by its (sorted) query.
  const answers = new Map()
  page.on('response', (r) => {
    let u
    try { u = new URL(r.url()) } catch (_) { return }
    if (u.pathname !== '/api/layout') return
    answers.set(canon(u.search.slice(1)), { status: r.status(), body: r.json().catch(() => null) })
  })

  /** Waits until the page shows an answer (loaded, no error) that satisfies `want(query)`. */
  async function waitSolved(label, want = () => true) {
    const errBox = page.locator('[data-testid="layout-error"]')
    const deadline = Date.now() + SLOW
    for (;;) {
      const loading = await result.getAttribute('data-loading')
      const q = (await result.getAttribute('data-query')) || ''
      if (loading === 'false') {
        if (await errBox.isVisible()) fail(`${label}: the page shows an error: ${(await errBox.textContent()).trim()}`)
        if (q && want(new URLSearchParams(q))) return q
      }
      if (Date.now() > deadline) fail(`${label}: no plan within ${SLOW} ms (data-loading ${loading}, data-query "${q}")`)
      await page.waitForTimeout(250)
    }
  }

  /** The answer the page received for the query it shows. */
  async function answerOf(query) {
    const a = answers.get(canon(query))
    assert(a, `the page shows the answer of ${query}, but no GET /api/layout with that query was seen (seen: ${[...answers.keys()].join(' ; ')})`)
    assert(a.status === 200, `GET /api/layout?${query} -> HTTP ${a.status}`)
    const body = await a.body
    assert(body && Array.isArray(body.sites), `GET /api/layout?${query} gives no sites: ${JSON.stringify(body).slice(0, 200)}`)
    return body
  }

  /** The before / after table, the plan table, the solver line and the map equal `ans`. */
  async function checkShown(ans, label) {
    const figs = await page.locator('[data-testid="layout-fig"]').evaluateAll((els) =>
      els.map((e) => ({ col: e.getAttribute('data-col'), field: e.getAttribute('data-field'), value: e.getAttribute('data-value') })))
    let numbers = 0
    for (const col of ['before', 'after']) {
      for (const f of FIGURES) {
        const c = figs.find((x) => x.col === col && x.field === f)
        assert(c, `${label}: no ${col} cell for ${f}`)
        const want = ans[col] ? ans[col][f] : null
        assert(same(c.value, want), `${label}: ${col === 'before' ? '现状' : '方案'} ${f} shows ${c.value || '—'}, the API ${want}`)
        if (isNum(c.value)) numbers++
      }
    }
    assert(numbers > 0, `${label}: the before / after table has no numbers`)

    const sol = page.locator('[data-testid="layout-solver"]')
    const so = ans.solution || {}
    assert(same(await sol.getAttribute('data-objective'), so.objective), `${label}: the solver line shows objective ${await sol.getAttribute('data-objective')}, the API ${so.objective}`)
    assert(same(await sol.getAttribute('data-gap'), so.gap), `${label}: the solver line shows gap ${await sol.getAttribute('data-gap')}, the API ${so.gap}`)

    // the plan table: every site but the unused candidates (the default filter 全部)
    const planned = ans.sites.filter((s) => s.status !== 'unused')
    const count = Number(await page.locator('[data-testid="layout-plan"]').getAttribute('data-count'))
    assert(count === planned.length, `${label}: the plan table has ${count} rows, the API ${planned.length} sites that are not unused`)
    const tags = await page.locator('[data-testid="layout-plan-table"] .el-table__body-wrapper [data-testid="layout-site-status"]').evaluateAll((els) =>
      els.map((e) => {
        const tr = e.closest('tr')
        const v = (f) => { const x = tr.querySelector(`[data-field="${f}"]`); return x ? x.getAttribute('data-value') : null }
        return { id: e.getAttribute('data-id'), status: e.getAttribute('data-status'), capacity: v('capacity'), load_before: v('load_before'), load_after: v('load_after') }
      }))
    assert(tags.length === planned.length, `${label}: ${tags.length} status tags, the API ${planned.length} sites`)
    const byId = new Map(tags.map((x) => [x.id, x]))
    for (const s of planned) {
      const r = byId.get(String(s.id))
      assert(r, `${label}: site ${s.id} (${s.name}, ${s.status}) is not in the plan table`)
      assert(r.status === s.status, `${label}: site ${s.id} has status ${r.status} in the table, the API ${s.status}`)
      for (const f of ['capacity', 'load_before', 'load_after']) {
        assert(same(r[f], s[f]), `${label}: site ${s.id} ${f} shows ${r[f] || '—'}, the API ${s[f]}`)
      }
    }

    // the map
    const map = page.locator('[data-testid="layout-map"]')
    await map.waitFor({ state: 'visible' }).catch(() => fail(`${label}: no map`))
    assert(await map.locator('canvas').count(), `${label}: the map draws no canvas`)
    const zones = (ans.zones && ans.zones.features) || []
    assert(Number(await map.getAttribute('data-zones')) === zones.length, `${label}: the map has ${await map.getAttribute('data-zones')} zones, the API ${zones.length}`)
    const located = ans.sites.filter((s) => isNum(s.lon) && isNum(s.lat))
    const newIds = located.filter((s) => s.status === 'new').map((s) => String(s.id)).sort().join(',')
    const shownNew = ((await map.getAttribute('data-new')) || '').split(',').filter(Boolean).sort().join(',')
    assert(shownNew === newIds, `${label}: the map's new sites are [${shownNew}], the API's [${newIds}]`)
    const deadline = Date.now() + 5000
    while ((await page.locator('[data-testid="layout-map-pin"]').count()) < located.length) {
      if (Date.now() > deadline) fail(`${label}: the map placed ${await page.locator('[data-testid="layout-map-pin"]').count()} of ${located.length} sites`)
      await page.waitForTimeout(200)
    }
    return { planned: planned.length, zones: zones.length }
  }

  async function mapPins() {
    return page.locator('[data-testid="layout-map-pin"]').evaluateAll((els) =>
      els.map((e) => ({ id: e.getAttribute('data-id'), status: e.getAttribute('data-status'), x: Number(e.getAttribute('data-x')), y: Number(e.getAttribute('data-y')) })))
  }

  // the point this test adds (deleted at the end, or after a failure)
  let testPoint = null
  async function dropTestPoint() {
    if (!testPoint) return
    const { kind, id, region } = testPoint
    testPoint = null
    await client.api('DELETE', `/api/layout/points/${kind}/${encodeURIComponent(id)}?region=${encodeURIComponent(region)}`).catch(() => {})
  }

  try {
    // 1. log in, the API's default problem
    step('log in')
    await logIn(page, client)

    step('GET /api/scenarios')
    const scenarios = await getJson('/api/scenarios')
    assert(Array.isArray(scenarios) && scenarios.length, `GET /api/scenarios gives ${JSON.stringify(scenarios).slice(0, 200)}, want a non-empty array`)
    const builtin = scenarios.find((s) => s.builtin) || fail(`GET /api/scenarios has no built-in scenario: ${scenarios.map((s) => s.name).join(', ')}`)

    step('GET /api/layout (the default problem)')
    const def = await getJson('/api/layout')
    assert(def.stage === '小学', `GET /api/layout without parameters plans ${def.stage}, want 小学`)
    assert(isNum(def.year) && isNum(def.base_year) && Number(def.year) === Number(def.base_year) + 5,
      `GET /api/layout answers year ${def.year} with base year ${def.base_year}, want base year + 5`)
    assert(Array.isArray(def.sites) && def.sites.some((s) => s.kind === 'existing'), 'GET /api/layout has no existing school')
    console.log(`  ${def.year} (base ${def.base_year}): ${def.sites.length} sites, ${(def.demand || []).length} demand points, ${(def.zones && def.zones.features || []).length} zones, ${(def.warnings || []).length} warnings`)

    // 2. the page from the menu solves the default problem
    step('open 布局 from the menu')
    await page.locator('.el-menu-item', { hasText: '布局' }).first().click()
    await page.waitForURL(/\/layout(\?|$)/).catch(() => fail(`the 布局 menu did not open /layout (at ${page.url()})`))
    await page.locator('[data-testid="layout-page"]').waitFor({ state: 'visible' })
    let query = await waitSolved('the default problem')

    step('the toolbar shows the default problem')
    const q0 = new URLSearchParams(query)
    assert(q0.get('stage') === '小学', `the page solved stage ${q0.get('stage')}, want 小学`)
    assert(q0.get('scenario') === builtin.name, `the page solved scenario ${q0.get('scenario')}, want the built-in ${builtin.name}`)
    assert(Number(q0.get('max_km')) === 3, `the page solved max_km ${q0.get('max_km')}, want 3 (小学)`)
    assert(q0.get('objective') === 'capacitated' && q0.get('allow_close') === 'false', `the page solved objective ${q0.get('objective')}, allow_close ${q0.get('allow_close')}`)
    assert(!q0.has('add') && !q0.has('exclude'), `the page's first problem has add / exclude: ${query}`)
    assert(Number(await result.getAttribute('data-year')) === Number(def.year), `the page plans ${await result.getAttribute('data-year')}, the API's default year is ${def.year}`)
    const yearIn = await page.locator('[data-testid="layout-year"] input').inputValue()
    assert(Number(yearIn) === Number(def.year), `the year input shows ${yearIn}, want ${def.year}`)
    const kmIn = await page.locator('[data-testid="layout-maxkm"] input').inputValue()
    assert(Number(kmIn) === 3, `the 最远上学距离 input shows ${kmIn}, want 3`)
    const active = await page.locator('[data-testid="layout-stage"] label.is-active').getAttribute('data-stage')
    assert(active === '小学', `the active 学段 is ${active}, want 小学`)

    step('the figures, the plan and the map equal the answer')
    let ans = await answerOf(query)
    assert(Number(ans.year) === Number(def.year), `the page's answer is for ${ans.year}, want ${def.year}`)
    let shown = await checkShown(ans, '小学')
    console.log(`  ${shown.planned} sites in the plan, ${shown.zones} zones; mean km ${ans.before.mean_km} → ${ans.after.mean_km}`)
    await page.waitForTimeout(500)
    await shot(page, 'layout.png')

    // 3. a recommended new site marked unavailable
    if (!ans.sites.some((s) => s.status === 'new')) {
      step('no new school in the default plan: 新增学校数 = 1')
      const addIn = page.locator('[data-testid="layout-add"] input')
      await addIn.fill('1')
      await addIn.press('Tab')
      await page.locator('[data-testid="layout-solve"]').click()
      query = await waitSolved('新增学校数 = 1', (q) => q.get('add') === '1')
      ans = await answerOf(query)
      await checkShown(ans, '新增学校数 = 1')
      assert(ans.sites.some((s) => s.status === 'new'), 'the plan with 新增学校数 = 1 opens no new school')
    }

    step('click a recommended new site on the map')
    const canvas = page.locator('[data-testid="layout-map"] canvas').first()
    await canvas.scrollIntoViewIfNeeded()
    await page.waitForTimeout(300)
    const pins = await mapPins()
    const news = pins.filter((p) => p.status === 'new')
    assert(news.length, 'the map places no new site')
    // a star no other site covers (the topmost marker takes the click)
    const free = news.find((p) => pins.every((o) => o === p || Math.hypot(o.x - p.x, o.y - p.y) >= 14))
    let target
    if (free) {
      target = free.id
      const box = await canvas.boundingBox()
      await page.mouse.click(box.x + free.x, box.y + free.y)
    } else {
      target = news[0].id
      console.log(`  every new site is crowded on the map: ${target} is marked through the plan table`)
      await page.locator(`[data-testid="layout-site-toggle"][data-id="${target}"]`).click()
    }
    const targetSite = ans.sites.find((s) => String(s.id) === target)
    const chip = page.locator(`[data-testid="layout-excluded-chip"][data-id="${target}"]`)
    await chip.waitFor({ state: 'visible', timeout: 5000 }).catch(async () =>
      fail(`clicking new site ${target} marked nothing unavailable (marked: "${await page.locator('[data-testid="layout-excluded"]').getAttribute('data-ids')}")`))
    const ids = (await page.locator('[data-testid="layout-excluded"]').getAttribute('data-ids')).split(',').filter(Boolean)
    assert(ids.length === 1 && ids[0] === target, `after one click the unavailable sites are [${ids.join(', ')}], want [${target}]`)
    assert((await page.locator('[data-testid="layout-excluded"]').getAttribute('data-pending')) === 'true', 'the marked site is not shown as 待重新求解')
    assert(await page.locator('[data-testid="layout-dirty"]').isVisible(), 'the page does not say that the settings changed')
    assert((await chip.textContent()).includes(targetSite.name), `the chip reads "${(await chip.textContent()).trim()}", want the site's name ${targetSite.name}`)
    console.log(`  marked ${target} (${targetSite.name}) unavailable`)
    await shot(page, 'layout-excluded.png')

    step('重新求解 without the marked site')
    await page.locator('[data-testid="layout-solve"]').click()
    query = await waitSolved(`exclude=${target}`, (q) => (q.get('exclude') || '').split(',').includes(target))
    ans = await answerOf(query)
    const again = ans.sites.find((s) => String(s.id) === target)
    assert(!again || again.status !== 'new', `the plan without ${target} still opens it (status ${again && again.status})`)
    if (ans.params && Array.isArray(ans.params.exclude)) {
      assert(ans.params.exclude.map(String).includes(target), `the answer's params.exclude is ${JSON.stringify(ans.params.exclude)}, want it to hold ${target}`)
    }
    await checkShown(ans, `exclude=${target}`)
    const mapNew = ((await page.locator('[data-testid="layout-map"]').getAttribute('data-new')) || '').split(',')
    assert(!mapNew.includes(target), `the map still shows ${target} as a new site`)
    assert((await page.locator('[data-testid="layout-excluded"]').getAttribute('data-pending')) === 'false', 'the marked site is still 待重新求解 after solving')
    console.log(`  new sites now: ${ans.sites.filter((s) => s.status === 'new').map((s) => s.id).join(', ') || 'none'}; ${target} is ${again ? again.status : 'gone'}`)
    await page.waitForTimeout(300)
    await shot(page, 'layout-resolved.png')

    // 4. another stage re-solves by itself
    step('学段 初中 re-solves')
    await page.locator('[data-testid="layout-stage"] label[data-stage="初中"]').click()
    query = await waitSolved('初中', (q) => q.get('stage') === '初中')
    const q3 = new URLSearchParams(query)
    assert(Number(q3.get('max_km')) === 5, `初中 was solved with max_km ${q3.get('max_km')}, want 5`)
    assert(!q3.has('exclude'), `初中 was solved with exclude ${q3.get('exclude')} (the 小学 sites)`)
    assert((await result.getAttribute('data-stage')) === '初中', `the page shows stage ${await result.getAttribute('data-stage')}, want 初中`)
    const km3 = await page.locator('[data-testid="layout-maxkm"] input').inputValue()
    assert(Number(km3) === 5, `the 最远上学距离 input shows ${km3} for 初中, want 5`)
    assert(!(await page.locator('[data-testid="layout-excluded-chip"]').count()), 'the 小学 unavailable sites are still listed for 初中')
    ans = await answerOf(query)
    assert(ans.stage === '初中', `the answer is for ${ans.stage}, want 初中`)
    shown = await checkShown(ans, '初中')
    console.log(`  初中: ${shown.planned} sites in the plan, ${shown.zones} zones; mean km ${ans.before.mean_km} → ${ans.after.mean_km}`)
    await page.waitForTimeout(500)
    await shot(page, 'layout-junior.png')

    // 5. 校址与村庄: a candidate site of the user's
    const stageNow = ans.stage
    const region = String(ans.region)
    const TEST_NAME = '测试地块'
    step('GET /api/layout/points')
    const listed = await getJson(`/api/layout/points?region=${encodeURIComponent(region)}`)
    assert(listed && Array.isArray(listed.points), `GET /api/layout/points gives ${JSON.stringify(listed).slice(0, 200)}`)
    for (const p of listed.points.filter((x) => x.name === TEST_NAME)) { // left over by an earlier run
      await client.api('DELETE', `/api/layout/points/${p.kind}/${encodeURIComponent(p.id)}?region=${encodeURIComponent(region)}`)
    }
    const otherSites = listed.points.filter((x) => x.kind === 'site' && x.name !== TEST_NAME && (!x.stage || x.stage === stageNow))

    // where: a recommended new site of the current plan, else any candidate site
    const spot = ans.sites.find((s) => s.status === 'new' && isNum(s.lon)) || ans.sites.find((s) => s.kind === 'candidate' && isNum(s.lon))
    assert(spot, `the ${stageNow} plan has no candidate site to take the coordinates of`)
    console.log(`  the test site goes to ${spot.id} (${spot.name}, ${spot.status}) at ${spot.lon}, ${spot.lat}`)

    step('在地图上添加校址: a click on the map opens the point dialog')
    await page.locator('[data-testid="layout-map-mode"] label[data-mode="site"]').click()
    assert((await page.locator('[data-testid="layout-map"]').getAttribute('data-mode')) === 'site', 'the map is not in the add-site mode')
    const canvas5 = page.locator('[data-testid="layout-map"] canvas').first()
    await canvas5.scrollIntoViewIfNeeded()
    await page.waitForTimeout(300)
    const pin = (await mapPins()).find((p) => p.id === String(spot.id))
    assert(pin, `the map has no pixel position for ${spot.id}`)
    const box5 = await canvas5.boundingBox()
    await page.mouse.click(box5.x + pin.x, box5.y + pin.y)
    const dialog = page.locator('[data-testid="layout-point-dialog"]')
    await dialog.waitFor({ state: 'visible', timeout: 5000 }).catch(() => fail('a click on the map in the add-site mode opened no point dialog'))
    assert((await dialog.getAttribute('data-kind')) === 'site', `the dialog adds a ${await dialog.getAttribute('data-kind')}, want a site`)
    const lonIn = dialog.locator('[data-testid="layout-point-lon"] input')
    const latIn = dialog.locator('[data-testid="layout-point-lat"] input')
    const lon0 = Number(await lonIn.inputValue())
    const lat0 = Number(await latIn.inputValue())
    assert(Math.abs(lon0 - spot.lon) < 0.01 && Math.abs(lat0 - spot.lat) < 0.01,
      `the dialog's position ${lon0}, ${lat0} is not where the map was clicked (${spot.lon}, ${spot.lat})`)
    console.log(`  the click gave ${lon0}, ${lat0}`)

    step(`save 「${TEST_NAME}」 at the site's coordinates`)
    await dialog.locator('[data-testid="layout-point-name"]').fill(TEST_NAME)
    await lonIn.fill(String(spot.lon))
    await lonIn.press('Tab')
    await latIn.fill(String(spot.lat))
    await latIn.press('Tab')
    const savedResp = page.waitForResponse((r) => r.url().includes('/api/layout/points') && r.request().method() === 'POST', { timeout: SLOW })
    await dialog.locator('[data-testid="layout-point-save"]').click()
    const sr = await savedResp
    const saved = await sr.json().catch(() => null)
    assert(sr.status() === 200 && saved && saved.id, `POST /api/layout/points -> HTTP ${sr.status()}: ${JSON.stringify(saved).slice(0, 300)}`)
    testPoint = { kind: 'site', id: String(saved.id), region }
    assert(saved.name === TEST_NAME && Math.abs(saved.lon - spot.lon) < 1e-6 && Math.abs(saved.lat - spot.lat) < 1e-6,
      `the saved point is ${JSON.stringify(saved)}, want ${TEST_NAME} at ${spot.lon}, ${spot.lat}`)
    assert(!saved.stage || saved.stage === stageNow, `the saved site is for ${saved.stage}, want ${stageNow} or any stage`)
    await dialog.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => fail('the point dialog stays open after saving'))
    console.log(`  saved ${saved.id} (${saved.stage || 'any stage'})`)
    await page.locator('[data-testid="layout-map-mode"] label[data-mode="select"]').click()
    await waitSolved('the plan after saving the point', () => true)

    step('the 校址与村庄 panel lists it')
    await page.locator('[data-testid="layout-points-open"]').click()
    const panel = page.locator('[data-testid="layout-points"]')
    await panel.waitFor({ state: 'visible' })
    const row = panel.locator(`[data-testid="layout-point-row"][data-kind="site"][data-id="${saved.id}"]`)
    await row.waitFor({ state: 'visible', timeout: 10000 }).catch(() => fail(`the panel does not list ${saved.id}`))
    assert((await row.getAttribute('data-name')) === TEST_NAME, `the panel's ${saved.id} is named ${await row.getAttribute('data-name')}`)
    assert(Math.abs(Number(await row.getAttribute('data-lon')) - spot.lon) < 1e-6 && Math.abs(Number(await row.getAttribute('data-lat')) - spot.lat) < 1e-6,
      `the panel's ${saved.id} is at ${await row.getAttribute('data-lon')}, ${await row.getAttribute('data-lat')}`)
    await page.keyboard.press('Escape')
    await panel.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {})

    step('候选校址 = 用户校址, 新增学校数 = 1')
    await page.locator('[data-testid="layout-candidates"]').click()
    await page.locator('[data-testid="layout-candidates-option"][data-value="user"]').click()
    const addIn5 = page.locator('[data-testid="layout-add"] input')
    await addIn5.fill('1')
    await addIn5.press('Tab')
    await page.locator('[data-testid="layout-solve"]').click()
    query = await waitSolved('候选校址 = 用户校址', (q) => q.get('candidates') === 'user' && q.get('add') === '1')
    ans = await answerOf(query)
    assert(ans.params && ans.params.candidates === 'user', `the answer used candidates ${ans.params && ans.params.candidates}, want user`)
    assert(ans.sites.every((s) => s.kind !== 'candidate' || !/^C/i.test(String(s.id))), 'the plan with 用户校址 still has grid candidates')
    const newSites = ans.sites.filter((s) => s.status === 'new')
    if (otherSites.length) {
      assert(ans.sites.some((s) => String(s.id) === saved.id), `the plan with 用户校址 does not hold ${saved.id}`)
      console.log(`  ${otherSites.length} other user sites: new is ${newSites.map((s) => s.name).join(', ')}`)
    } else {
      assert(newSites.length === 1 && String(newSites[0].id) === saved.id && newSites[0].name === TEST_NAME,
        `the plan's new schools are [${newSites.map((s) => `${s.id} ${s.name}`).join(', ')}], want ${saved.id} ${TEST_NAME}`)
    }
    await checkShown(ans, '用户校址')
    const tag = page.locator(`[data-testid="layout-plan-table"] .el-table__body-wrapper [data-testid="layout-site-status"][data-id="${saved.id}"]`)
    if (!otherSites.length) {
      assert((await tag.getAttribute('data-status')) === 'new', `the plan table shows ${saved.id} as ${await tag.getAttribute('data-status')}, want new`)
      const nm = page.locator(`[data-testid="layout-plan-table"] .el-table__body-wrapper [data-testid="layout-site"][data-id="${saved.id}"]`)
      assert((await nm.textContent()).trim() === TEST_NAME, `the plan table names ${saved.id} "${(await nm.textContent()).trim()}"`)
      assert((((await page.locator('[data-testid="layout-map"]').getAttribute('data-new')) || '').split(',')).includes(saved.id), `the map does not show ${saved.id} as new`)
    }
    console.log(`  the new school: ${newSites.map((s) => `${s.name} (${s.id})`).join(', ')}`)
    await shot(page, 'layout-user-site.png')

    step('扩建 2 steps, 新增学校数 = 0')
    await addIn5.fill('0')
    await addIn5.press('Tab')
    const expIn = page.locator('[data-testid="layout-expand"] input')
    await expIn.fill('2')
    await expIn.press('Tab')
    await page.locator('[data-testid="layout-solve"]').click()
    query = await waitSolved('扩建 2', (q) => q.get('expand') === '2' && q.get('add') === '0')
    ans = await answerOf(query)
    const exp = ans.sites.filter((s) => s.status === 'expanded')
    assert(exp.length > 0 && Number(ans.expanded) === exp.length, `the answer with 扩建 2 expands ${ans.expanded} schools (${exp.length} sites expanded)`)
    assert(!ans.sites.some((s) => s.status === 'new'), 'the plan with 新增学校数 = 0 opens a new school')
    await checkShown(ans, '扩建 2')
    const expRows = await page.locator('[data-testid="layout-plan-table"] .el-table__body-wrapper [data-testid="layout-site-status"][data-status="expanded"]').evaluateAll((els) =>
      els.map((e) => {
        const tr = e.closest('tr')
        const a = tr.querySelector('[data-field="added_places"]')
        return { id: e.getAttribute('data-id'), text: e.textContent.trim(), added: a ? a.getAttribute('data-value') : null }
      }))
    assert(expRows.length === exp.length, `the plan table has ${expRows.length} 扩建 rows, the API ${exp.length}`)
    for (const s of exp) {
      const r = expRows.find((x) => x.id === String(s.id))
      assert(r, `expanded school ${s.id} has no 扩建 row`)
      assert(r.text === '扩建', `the status of ${s.id} reads "${r.text}", want 扩建`)
      assert(same(r.added, s.added_places), `${s.id} shows ${r.added} places added, the API ${s.added_places}`)
    }
    const counts = page.locator('[data-testid="layout-counts"]')
    assert(Number(await counts.getAttribute('data-expanded')) === Number(ans.expanded), `the summary says ${await counts.getAttribute('data-expanded')} schools expanded, the API ${ans.expanded}`)
    assert(same(await counts.getAttribute('data-added-places'), ans.added_places), `the summary says ${await counts.getAttribute('data-added-places')} places added, the API ${ans.added_places}`)
    assert((await counts.getAttribute('data-distances')) === (ans.solution.distances || ''), `the summary's distances are ${await counts.getAttribute('data-distances')}, the API ${ans.solution.distances}`)
    const mapExp = ((await page.locator('[data-testid="layout-map"]').getAttribute('data-expanded')) || '').split(',').filter(Boolean).sort().join(',')
    assert(mapExp === exp.map((s) => String(s.id)).sort().join(','), `the map's expanded schools are [${mapExp}]`)
    console.log(`  ${exp.length} schools expanded, ${ans.added_places} places added (${ans.solution.distances})`)
    await shot(page, 'layout-expanded.png')

    step('精确求解 (HiGHS) on the same plan')
    const heurAns = ans
    await page.locator('[data-testid="layout-more"]').click()
    const exactSw = page.locator('[data-testid="layout-exact"]')
    await exactSw.waitFor({ state: 'visible' })
    const hint = (await page.locator('[data-testid="layout-exact-hint"]').textContent()).trim()
    if (!heurAns.exact_available) {
      // a server built without HiGHS: the switch is greyed out and says why
      assert((await exactSw.getAttribute('class')).includes('is-disabled'), 'the 精确求解 switch is enabled on a server without HiGHS')
      assert(hint.includes('HiGHS') || hint.includes('highs'), `the hint does not say why: ${hint}`)
      console.log('  this server has no HiGHS: the switch is disabled')
      await page.keyboard.press('Escape')
    } else {
      await exactSw.click()
      const secs = page.locator('[data-testid="layout-exact-seconds"] input')
      await secs.waitFor({ state: 'visible' })
      await secs.fill('5')
      await secs.press('Tab')
      await page.keyboard.press('Escape')
      await page.locator('[data-testid="layout-solve"]').click()
      query = await waitSolved('精确求解', (q) => q.get('exact') === '5' && q.get('expand') === '2')
      ans = await answerOf(query)
      const so = ans.solution
      assert(so.method === 'heuristic+mip', `the answer with exact=5 was solved by ${so.method}`)
      assert(Array.isArray(so.heuristic) && same(so.heuristic[0], heurAns.solution.objective), `the MIP started from ${JSON.stringify(so.heuristic)}, the heuristic's answer was ${heurAns.solution.objective}`)
      assert(so.objective <= heurAns.solution.objective + 1e-6, `the MIP's plan ${so.objective} is worse than the heuristic's ${heurAns.solution.objective}`)
      assert(so.lower_bound >= heurAns.solution.lower_bound - 1e-6, `the MIP's bound ${so.lower_bound} is below the heuristic's ${heurAns.solution.lower_bound}`)
      await checkShown(ans, '精确求解')
      const line = page.locator('[data-testid="layout-solver"]')
      assert((await line.getAttribute('data-method')) === 'heuristic+mip', `the solver line says ${await line.getAttribute('data-method')}`)
      assert((await line.getAttribute('data-mip-status')) === so.mip_status, `the solver line's MIP status is ${await line.getAttribute('data-mip-status')}, the API ${so.mip_status}`)
      const tagText = (await page.locator('[data-testid="layout-mip"]').textContent()).trim()
      assert(tagText.includes(so.gap === 0 ? '已证明最优' : '时限'), `the MIP tag reads "${tagText}" for gap ${so.gap}`)
      console.log(`  MIP ${so.mip_status}: ${heurAns.solution.objective} → ${so.objective}, bound ${heurAns.solution.lower_bound} → ${so.lower_bound}`)
      await shot(page, 'layout-exact.png')
    }

    step('目标 = 最大覆盖 (MCLP), 新增学校数 = 1')
    await page.locator('[data-testid="layout-objective"]').click()
    await page.locator('[data-testid="layout-objective-option"][data-objective="mclp"]').click()
    await addIn5.fill('1')
    await addIn5.press('Tab')
    await page.locator('[data-testid="layout-solve"]').click()
    query = await waitSolved('最大覆盖', (q) => q.get('objective') === 'mclp' && q.get('add') === '1')
    ans = await answerOf(query)
    assert(ans.solution.kind === 'mclp', `the answer with objective=mclp was solved as ${ans.solution.kind}`)
    // the objective is the children left beyond the limit: the plan's own figure
    assert(Math.abs(ans.solution.objective - ans.after.beyond_limit) <= 0.5, `MCLP leaves ${ans.solution.objective} children uncovered, the plan's figures ${ans.after.beyond_limit}`)
    assert(ans.after.beyond_limit <= ans.before.beyond_limit, `MCLP leaves more children beyond the limit (${ans.after.beyond_limit}) than today (${ans.before.beyond_limit})`)
    await checkShown(ans, '最大覆盖')
    const solverText = (await page.locator('[data-testid="layout-solver"]').textContent()).trim()
    assert(solverText.includes('最大覆盖'), `the solver line does not name the objective: ${solverText}`)
    console.log(`  MCLP: ${ans.before.beyond_limit} → ${ans.after.beyond_limit} children beyond ${ans.params.max_km} km`)

    step(`delete 「${TEST_NAME}」 in the panel`)
    await page.locator('[data-testid="layout-points-open"]').click()
    await panel.waitFor({ state: 'visible' })
    await panel.locator(`[data-testid="layout-point-delete"][data-kind="site"][data-id="${saved.id}"]`).click()
    const delResp = page.waitForResponse((r) => r.url().includes(`/api/layout/points/site/`) && r.request().method() === 'DELETE', { timeout: SLOW })
    await page.locator('.el-message-box .el-button--primary').click()
    const dr = await delResp
    assert(dr.status() === 204 || dr.status() === 200, `DELETE the test point -> HTTP ${dr.status()}`)
    testPoint = null
    await row.waitFor({ state: 'detached', timeout: 10000 }).catch(() => fail(`the panel still lists ${saved.id} after deleting it`))
    const after = await getJson(`/api/layout/points?region=${encodeURIComponent(region)}`)
    assert(!after.points.some((p) => p.kind === 'site' && p.id === saved.id), `GET /api/layout/points still has ${saved.id}`)
    console.log(`  deleted ${saved.id}`)

    return await passed(session)
  } catch (e) {
    await dropTestPoint()
    return await failed(session, e)
  }
}

run(main)
