// Browser test of the 规划 page and the 资金执行进度 assessment against a running backend: the
// newest current plan of GET /api/plans is shown with one project row per API project and the
// API's total of 新增学位; its 规划监测 for the latest stored year shows the status cards of
// GET /api/plans/{id}/status (counts) and as many 预警 tags as counts.at_risk, and one target's
// chart opens; then 督导评估 → 资金执行进度 shows as many 未达标 projects as GET /api/assess/funds
// has projects with passed false.
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

      // 规划监测 for the latest stored year (the page's default)
      const meta = await getJson('/api/meta')
      const latest = (meta.years || []).length ? Math.max(...meta.years) : null
      step(`规划监测 ${latest ?? '(no year)'}: status cards equal the API`)
      const stPath = `/api/plans/${want.id}/status?history=true${latest != null ? `&year=${latest}` : ''}`
      const st = await client.api('GET', stPath)
      if (st.status !== 200) {
        // no stored year: the page shows the error instead of the cards
        assert(latest == null, `GET ${stPath} -> HTTP ${st.status}: ${JSON.stringify(st.body).slice(0, 300)}`)
        await detail.locator('[data-testid="plan-status-error"]').waitFor({ state: 'visible', timeout: SLOW })
          .catch(() => fail(`GET ${stPath} answers ${st.status} but the page shows no error`))
        console.log('  no stored year: tracking checks skipped')
      } else {
        const counts = st.body.counts || {}
        const tracked = st.body.targets || []
        console.log(`  ${stPath}: year ${st.body.year}, ${tracked.length} targets, counts ${JSON.stringify(counts)}`)
        const tracking = detail.locator(`[data-testid="plan-tracking"][data-year="${st.body.year}"][data-loading="false"]`)
        await tracking.waitFor({ state: 'visible', timeout: SLOW }).catch(() => fail(`the tracking of ${st.body.year} did not finish loading within ${SLOW} ms`))
        const errBox = detail.locator('[data-testid="plan-status-error"]')
        if (await errBox.count()) fail(`the page shows an error instead of the status cards: ${(await errBox.textContent()).trim()}`)
        const yearText = (await detail.locator('[data-testid="plan-year"]').textContent().catch(() => '')) || ''
        const shownYear = await detail.locator('[data-testid="plan-year"] input').inputValue().catch(() => '')
        assert(`${yearText} ${shownYear}`.includes(String(st.body.year)), `the year selector shows "${(yearText || shownYear).trim()}", not ${st.body.year}`)
        const cards = detail.locator('[data-testid="status-card"]')
        assert(await cards.count() === 5, `${await cards.count()} status cards, want 5`)
        for (const s of ['met', 'on_track', 'behind', 'at_risk', 'no_data']) {
          const got = await detail.locator(`[data-testid="status-card"][data-status="${s}"]`).getAttribute('data-count')
          const n0 = Number(counts[s]) || 0
          assert(got !== '' && Number(got) === n0, `the ${s} card says ${got}, the API's counts.${s} is ${n0}`)
        }

        step('预警 tags equal counts.at_risk')
        const tags = detail.locator('[data-testid="plan-targets"] .el-table__body-wrapper [data-testid="target-status"]')
        const nTags = await countOf(tags, tracked.length)
        assert(nTags === tracked.length, `the targets table has ${nTags} status tags, the API ${tracked.length} targets`)
        const atRisk = await detail.locator('[data-testid="plan-targets"] .el-table__body-wrapper [data-testid="target-status"][data-status="at_risk"]').count()
        const wantRisk = Number(counts.at_risk) || 0
        assert(atRisk === wantRisk, `${atRisk} targets are tagged 预警, the API's counts.at_risk is ${wantRisk}`)
        const riskText = await detail.locator('[data-testid="plan-targets"] .el-table__body-wrapper [data-testid="target-status"][data-status="at_risk"]').allTextContents()
        assert(riskText.every((x) => x.trim() === '预警'), `the at_risk tags read ${JSON.stringify(riskText)}, want 预警`)
        console.log(`  ${nTags} status tags, ${atRisk} 预警`)
        await detail.locator('[data-testid="status-cards"]').scrollIntoViewIfNeeded()
        await page.waitForTimeout(400)
        await shot(page, 'plans-tracking.png')

        if (tracked.length) {
          // the chart of an at-risk target if any (else one with a baseline, else the first)
          let i = tracked.findIndex((x) => x.status_en === 'at_risk')
          if (i < 0) i = tracked.findIndex((x) => x.baseline)
          if (i < 0) i = 0
          const tg = tracked[i]
          // its row in the table: the plan's target of that row number (rejected extractions are not tracked)
          const at = (plan.targets || []).findIndex((x) => x.row != null && Number(x.row) === Number(tg.target))
          const tableRow = at >= 0 ? at : i
          step(`chart of target ${tg.target ?? i + 1} ${tg.metric}`)
          await detail.locator('[data-testid="plan-targets"] .el-table__body-wrapper tbody tr.el-table__row').nth(tableRow).locator('td').nth(1).click()
          const chart = page.locator('[data-testid="target-chart"]')
          await chart.waitFor({ state: 'visible' }).catch(() => fail('clicking a target did not open its chart'))
          const cs = await chart.getAttribute('data-status')
          assert(cs === tg.status_en, `the chart of target ${tg.target ?? i + 1} has status ${cs}, the API ${tg.status_en}`)
          if (tg.source) {
            const src = (await chart.locator('[data-testid="target-source"]').textContent().catch(() => '')).trim()
            assert(src === String(tg.source).trim(), `the chart shows the sentence "${src}", the API "${tg.source}"`)
          }
          await chart.locator('canvas').first().waitFor({ state: 'visible' }).catch(() => fail('the target chart draws no canvas'))
          await page.waitForTimeout(700) // let the chart draw
          await shot(page, 'plans-target-chart.png')

          if (me.role === 'admin' || me.role === 'planner') {
            // 填报实际值 refuses an empty evidence note in the dialog (nothing is sent)
            step('填报实际值 needs the evidence')
            await chart.locator('[data-testid="actual-btn"]').click()
            const dlg = page.locator('[data-testid="actual-dialog"]')
            await dlg.waitFor({ state: 'visible' }).catch(() => fail('填报实际值 did not open its dialog'))
            await dlg.locator('[data-testid="actual-note"]').fill('')
            await dlg.locator('[data-testid="actual-submit"]').click()
            await dlg.locator('.req', { hasText: '依据' }).first().waitFor({ state: 'visible' })
              .catch(() => fail('an empty evidence note is not refused'))
            await dlg.locator('[data-testid="actual-cancel"]').click()
            await dlg.waitFor({ state: 'hidden' }).catch(() => fail('the 填报实际值 dialog did not close'))
          }
          await page.keyboard.press('Escape')
          await chart.waitFor({ state: 'hidden' }).catch(() => fail('the target chart did not close'))
        }

        step('下载监测报告 is offered')
        assert(await detail.locator('[data-testid="monitoring-report"]').count(), 'no 下载监测报告 button')
      }
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
