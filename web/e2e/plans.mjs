// Browser test of the 规划 page and the 资金执行进度 assessment against a running backend: the
// newest current plan of GET /api/plans is shown with one project row per API project and the
// API's total of 新增学位; its 规划监测 for the latest stored year shows the status cards of
// GET /api/plans/{id}/status (counts) and as many 预警 tags as counts.at_risk, and one target's
// chart opens; then 督导评估 → 资金执行进度 shows as many 未达标 projects as GET /api/assess/funds
// has projects with passed false. A draft plan (the demo's 规划文本) shows the review state of each
// extracted target as GET /api/plans/{id} has it; an admin / planner rejects one target and edits
// another's value through the page (checked through the API) and is offered 发布规划 (not pressed:
// the draft stays reusable).
//
//   EDUPLAN_URL=http://127.0.0.1:18080 EDUPLAN_USER=admin EDUPLAN_PASSWORD=... \
//   [SCREENSHOT_DIR=/tmp/shots] [CHROMIUM=/usr/bin/chromium] node e2e/plans.mjs
//
// Without any plan the page checks are skipped (the test still logs in and opens /plans). The
// user must not be a school user for the assessment part (403 on /api/assess; skipped then).
// Exits 0 and prints "e2e ok" on success, exits 1 with a message on the first failure.
import { BASE, TIMEOUT, SLOW, fail, assert, step, shot, openPage, apiClient, logIn, passed, failed, run, downloads } from './lib.mjs'

// The draft plan of the demo data (its targets extracted from the plan's text).
const DEMO_DRAFT = '教育事业发展“十四五”规划文本（演示）'

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

        step('监测报告 downloads as PDF and as Word')
        console.log(`  ${await downloads(page, 'monitoring-report-pdf', '.pdf', '%PDF-')}`)
        console.log(`  ${await downloads(page, 'monitoring-report', '.docx', 'PK')}`)
      }
    }

    // 2b. 审核: a draft plan's extracted targets (the demo's 规划文本 draft); nothing is published
    const draft = plans.find((p) => p.draft && p.current && p.name === DEMO_DRAFT) || plans.find((p) => p.draft && p.current) || plans.find((p) => p.draft)
    if (!draft) {
      console.log('  no draft plan: review checks skipped')
    } else {
      step(`open the draft plan ${draft.id} ${draft.name}`)
      const showOlder = page.locator('[data-testid="plans-show-older"] input')
      if (!draft.current && await showOlder.count() && !(await showOlder.isChecked())) await page.locator('[data-testid="plans-show-older"]').click()
      await page.locator(`[data-testid="plans-table"] [data-testid="plan-name"][data-id="${draft.id}"]`).click()
      const dd = page.locator(`[data-testid="plan-detail"][data-id="${draft.id}"]`)
      await dd.waitFor({ state: 'visible', timeout: SLOW }).catch(() => fail(`clicking ${draft.name} did not select plan ${draft.id}`))
      await dd.locator('[data-testid="plan-draft"]').waitFor({ state: 'visible', timeout: SLOW }).catch(() => fail(`plan ${draft.id} is not marked as a draft`))
      const dp = await getJson(`/api/plans/${draft.id}`)
      const tg = (dp.targets || []).filter((x) => x.row != null)
      const stateOf = (x) => x.review || 'pending'
      console.log(`  ${tg.length} extracted targets: ${tg.map((x) => `${x.row} ${stateOf(x)}`).join(', ')}`)

      step('review states equal the API')
      const states = dd.locator('[data-testid="plan-targets"] .el-table__body-wrapper [data-testid="review-state"]')
      const nStates = await countOf(states, tg.length)
      assert(nStates === tg.length, `the targets table has ${nStates} review tags, the API ${tg.length} targets with a row`)
      for (const x of tg) {
        const got = await dd.locator(`[data-testid="review-state"][data-row="${x.row}"]`).getAttribute('data-state')
        assert(got === stateOf(x), `target ${x.row}: the review tag says ${got}, the API review ${x.review}`)
      }

      if (!(me.role === 'admin' || me.role === 'planner')) {
        assert(!(await dd.locator('[data-testid="review-reject"]').count()), `role ${me.role} sees review buttons`)
        assert(!(await dd.locator('[data-testid="publish-plan"]').count()), `role ${me.role} sees 发布规划`)
        console.log(`  role ${me.role}: no review buttons (review skipped)`)
      } else if (tg.length < 2) {
        console.log('  fewer than two extracted targets: review skipped')
      } else {
        step('发布规划 is offered with the number not reviewed')
        const pub = dd.locator('[data-testid="publish-plan"]')
        await pub.waitFor({ state: 'visible' }).catch(() => fail('no 发布规划 button on a draft plan'))
        const pending = tg.filter((x) => !x.review).length
        assert(Number(await pub.getAttribute('data-pending')) === pending, `发布规划 counts ${await pub.getAttribute('data-pending')} not reviewed, the API ${pending}`)

        /** Waits for a target's review tag to read `state`. */
        const waitState = (row, state) => dd.locator(`[data-testid="review-state"][data-row="${row}"][data-state="${state}"]`)
          .waitFor({ state: 'visible', timeout: SLOW }).catch(() => fail(`target ${row} is not shown ${state}`))
        /** The API's target of a row. */
        const apiTarget = async (row) => ((await getJson(`/api/plans/${draft.id}`)).targets || []).find((x) => Number(x.row) === Number(row))

        // 驳回 the first target (采纳 it first when an earlier run rejected it: 驳回 is then disabled)
        const rj = tg[0]
        if (rj.review === 'rejected') {
          step(`采纳 target ${rj.row} (rejected by an earlier run)`)
          await dd.locator(`[data-testid="review-accept"][data-row="${rj.row}"]`).click()
          await waitState(rj.row, 'accepted')
          const back = await apiTarget(rj.row)
          assert(back && back.review === 'accepted', `target ${rj.row}: review ${back && back.review} after 采纳, want accepted`)
        }
        step(`驳回 target ${rj.row} ${rj.indicator}`)
        await dd.locator(`[data-testid="review-reject"][data-row="${rj.row}"]`).click()
        await waitState(rj.row, 'rejected')
        const rjAfter = await apiTarget(rj.row)
        assert(rjAfter && rjAfter.review === 'rejected', `target ${rj.row}: the API review is ${rjAfter && rjAfter.review} after 驳回, want rejected`)
        const rjRow = dd.locator('[data-testid="plan-targets"] .el-table__body-wrapper tr.el-table__row', { has: page.locator(`[data-testid="review-state"][data-row="${rj.row}"]`) })
        assert(/rejected-row/.test((await rjRow.getAttribute('class')) || ''), `the rejected target ${rj.row} is not greyed`)
        console.log(`  target ${rj.row}: rejected`)

        // 修改 the second target's value: +1, or back -1 when an earlier run edited it
        const ed = tg[1]
        const newValue = Math.round((Number(ed.target_value) + (ed.review === 'edited' ? -1 : 1)) * 100) / 100
        step(`修改 target ${ed.row} ${ed.indicator}: ${ed.target_value} → ${newValue}`)
        await dd.locator(`[data-testid="review-edit"][data-row="${ed.row}"]`).click()
        const dlg = page.locator('[data-testid="review-dialog"]')
        await dlg.waitFor({ state: 'visible' }).catch(() => fail('修改 did not open the review dialog'))
        assert(Number(await dlg.getAttribute('data-row')) === Number(ed.row), `the review dialog is for target ${await dlg.getAttribute('data-row')}, not ${ed.row}`)
        if (ed.source) {
          const src = ((await dlg.locator('[data-testid="review-source"]').textContent().catch(() => '')) || '').trim()
          assert(src === String(ed.source).trim(), `the review dialog shows the sentence "${src}", the API "${ed.source}"`)
        }
        const input = dlg.locator('[data-testid="review-target-value"] input')
        await input.fill(String(newValue))
        await input.press('Tab')
        await shot(page, 'plans-review-dialog.png')
        await dlg.locator('[data-testid="review-submit"]').click()
        await dlg.waitFor({ state: 'hidden', timeout: SLOW }).catch(async () => {
          const err = dlg.locator('[data-testid="review-error"]')
          fail(`the review dialog stayed open after 保存: ${(await err.count()) ? (await err.textContent()).trim() : 'no error shown'}`)
        })
        await waitState(ed.row, 'edited')
        const edAfter = await apiTarget(ed.row)
        assert(edAfter && edAfter.review === 'edited', `target ${ed.row}: the API review is ${edAfter && edAfter.review} after 修改, want edited`)
        assert(Number(edAfter.target_value) === newValue, `target ${ed.row}: the API target_value is ${edAfter.target_value} after 修改, want ${newValue}`)
        console.log(`  target ${ed.row}: edited, target value ${edAfter.target_value}`)
        await dd.locator('[data-testid="plan-targets"]').scrollIntoViewIfNeeded()
        await shot(page, 'plans-review.png')

        const stillDraft = await getJson(`/api/plans/${draft.id}`)
        assert(stillDraft.draft === true, `plan ${draft.id} is no longer a draft`)
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
