// Browser test of the 规划 page and the 资金执行进度 assessment against a running backend: the
// newest current plan of GET /api/plans is shown with one project row per API project and the
// API's total of 新增学位; then 督导评估 → 资金执行进度 shows as many 未达标 projects as
// GET /api/assess/funds has projects with passed false.
//
//   EDUPLAN_URL=http://127.0.0.1:18080 EDUPLAN_USER=admin EDUPLAN_PASSWORD=... \
//   [SCREENSHOT_DIR=/tmp/shots] [CHROMIUM=/usr/bin/chromium] node e2e/plans.mjs
//
// Without any plan the page checks are skipped (the test still logs in and opens /plans). The
// user must not be a school user for the assessment part (403 on /api/assess; skipped then).
// Exits 0 and prints "e2e ok" on success, exits 1 with a message on the first failure.
import { BASE, TIMEOUT, SLOW, fail, assert, step, shot, openPage, apiClient, logIn, passed, failed, run } from './lib.mjs'

async function main() {
  const session = await openPage()
  const { page } = session

  const client = apiClient(page)
  const { getJson } = client

  /** Waits until `locator` has `n` elements (or the deadline passes); returns the count. */
  async function countOf(locator, n, ms = TIMEOUT) {
    const deadline = Date.now() + ms
    let c = await locator.count()
    while (c !== n && Date.now() < deadline) {
      await page.waitForTimeout(200)
      c = await locator.count()
    }
    return c
  }

  try {
    // 1. log in
    step('log in')
    const me = await logIn(page, client)

    step('GET /api/plans')
    const { plans } = await getJson('/api/plans')
    assert(Array.isArray(plans), 'GET /api/plans has no plans array')
    console.log(`  ${plans.length} plan versions`)

    // 2. the 规划 page from the menu
    step('open 规划')
    await page.locator('.el-menu-item', { hasText: '规划' }).first().click()
    await page.waitForURL(/\/plans(\?|$)/).catch(() => fail(`the 规划 menu did not open /plans (at ${page.url()})`))
    await page.locator('[data-testid="plans-page"]').waitFor({ state: 'visible' })

    if (!plans.length) {
      console.log('  no plan imported: page checks skipped')
      await shot(page, 'plans-empty.png')
    } else {
      // The page selects the newest current version (the list is newest first).
      const want = plans.find((p) => p.current) || plans[0]
      step(`plan ${want.id} ${want.name}`)
      const plan = await getJson(`/api/plans/${want.id}`)
      const projects = plan.projects || []
      const places = projects.reduce((s, p) => s + (Number(p.new_places) || 0), 0)
      console.log(`  ${projects.length} projects, ${places} new places, ${(plan.targets || []).length} targets, ${(plan.funds || []).length} fund records`)

      const detail = page.locator(`[data-testid="plan-detail"][data-id="${want.id}"]`)
      await detail.waitFor({ state: 'visible', timeout: SLOW }).catch(() => fail(`plan ${want.id} is not the selected plan`))
      const title = detail.locator('[data-testid="plan-title"]')
      await title.waitFor({ state: 'visible', timeout: SLOW }).catch(() => fail('the plan title did not appear'))
      assert((await title.textContent()).trim() === want.name, `the plan title is "${(await title.textContent()).trim()}", API name "${want.name}"`)
      const listed = page.locator('[data-testid="plans-table"] [data-testid="plan-name"]', { hasText: want.name })
      assert(await listed.count(), `the plan list does not show "${want.name}"`)

      step('project rows equal the API')
      const rows = detail.locator('[data-testid="plan-projects"] .el-table__body-wrapper tbody tr.el-table__row')
      const n = await countOf(rows, projects.length)
      assert(n === projects.length, `the projects table has ${n} rows, the API ${projects.length} projects`)

      step('新增学位 equals the API')
      const cells = await detail.locator('[data-testid="plan-projects"] .el-table__body-wrapper [data-testid="project-places"]').evaluateAll(
        (els) => els.map((e) => e.getAttribute('data-value')))
      const shownSum = cells.reduce((s, v) => s + (Number(v) || 0), 0)
      assert(shownSum === places, `the 新增学位 column sums to ${shownSum}, the API's projects to ${places}`)
      const card = await detail.locator('[data-testid="stat-new-places"]').getAttribute('data-value')
      assert(Number(card) === places, `the 新增学位 card says ${card}, the API's projects sum to ${places}`)
      console.log(`  ${n} project rows, 新增学位 ${shownSum}`)

      if ((plan.funds || []).length) {
        assert(await detail.locator('[data-testid="plan-funds-chart"]').count(), 'no funds chart although the plan has fund records')
      }
      await page.waitForTimeout(600) // let the chart draw
      await shot(page, 'plans.png')
      await detail.locator('[data-testid="plan-projects"]').scrollIntoViewIfNeeded()
      await shot(page, 'plans-projects.png')
    }

    // 3. 督导评估 → 资金执行进度
    if (me.role === 'school') {
      console.log('  school user: 资金执行进度 skipped')
      return await passed(session)
    }
    step('open 督导评估 → 资金执行进度')
    await page.locator('.el-menu-item', { hasText: '督导评估' }).first().click()
    await page.waitForURL(/\/supervision(\?|$)/).catch(() => fail(`the 督导评估 menu did not open /supervision (at ${page.url()})`))
    const tab = page.locator('[data-testid="method-tabs"] label[data-method="funds"]')
    await tab.waitFor({ state: 'visible' }).catch(() => fail('no 资金执行进度 method'))
    assert((await tab.textContent()).includes('资金执行进度'), `the funds method is labelled "${(await tab.textContent()).trim()}"`)
    await tab.click()
    const panel = page.locator('[data-testid="verdict-panel"][data-method="funds"]')
    const errBox = page.locator('[data-testid="assess-error"]')
    const deadline = Date.now() + SLOW
    while (!(await panel.isVisible())) {
      if (await errBox.isVisible()) fail(`the page shows an error instead of the funds verdict: ${(await errBox.textContent()).trim()}`)
      if (Date.now() > deadline) fail(`the funds verdict did not appear within ${SLOW} ms`)
      await page.waitForTimeout(250)
    }
    const y = await panel.getAttribute('data-year')
    const region = new URL(page.url()).searchParams.get('region')
    const path = `/api/assess/funds?year=${encodeURIComponent(y)}${region ? `&region=${encodeURIComponent(region)}` : ''}`
    const fa = await getJson(path)
    const fp = fa.projects || []
    const failing = fp.filter((p) => p.passed === false).length
    console.log(`  ${path}: passed=${fa.passed}, fund_exec=${fa.fund_exec}, ${fp.length} projects, ${failing} failing`)

    step('verdict and 未达标 projects equal the API')
    const v = await page.locator('[data-testid="verdict"]').getAttribute('data-passed')
    assert(v === String(!!fa.passed), `funds verdict data-passed="${v}", API passed=${fa.passed}`)
    const tags = page.locator('[data-testid="fund-projects"] .el-table__body-wrapper [data-testid="fund-project-passed"]')
    const all = await countOf(tags, fp.length)
    assert(all === fp.length, `the funds projects table has ${all} rows, the API ${fp.length} projects`)
    const bad = page.locator('[data-testid="fund-projects"] .el-table__body-wrapper [data-testid="fund-project-passed"][data-passed="false"]')
    const nBad = await bad.count()
    assert(nBad === failing, `${nBad} projects are shown 未达标, the API has ${failing} with passed false`)
    for (const it of fa.items || []) {
      const want = it.passed === true ? 'pass' : it.passed === false ? 'fail' : 'pending'
      const got = await page.locator(`[data-testid="light-${it.code}"]`).getAttribute('data-state').catch(() => fail(`no light-${it.code}`))
      assert(got === want, `light-${it.code} is ${got}, API passed=${it.passed}`)
    }
    console.log(`  ${all} project rows, ${nBad} 未达标`)
    await page.waitForTimeout(600)
    await shot(page, 'supervision-funds.png')
    await page.locator('[data-testid="fund-projects"]').scrollIntoViewIfNeeded()
    await shot(page, 'supervision-funds-projects.png')

    return await passed(session)
  } catch (e) {
    return await failed(session, e)
  }
}

run(main)
