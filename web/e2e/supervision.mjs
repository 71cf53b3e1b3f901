// Browser test of the 督导评估 page against a running backend: the 优质均衡 verdict, the 小学 school
// table and a shortfall against GET /api/assess/balance-quality, the on-site check (现场核查) of item
// S1 with an evidence file (admin / supervisor users), then the 大班额 count and its trend chart
// (one point per year of `trend`) against GET /api/assess/class-size.
//
//   EDUPLAN_URL=http://127.0.0.1:18080 EDUPLAN_USER=admin EDUPLAN_PASSWORD=... \
//   [SCREENSHOT_DIR=/tmp/shots] [CHROMIUM=/usr/bin/chromium] node e2e/supervision.mjs
//
// The user must not be a school user (403 on /api/assess). The data needs a year with 小学 schools.
// Exits 0 and prints "e2e ok" on success, exits 1 with a message on the first failure.
import { BASE, TIMEOUT, SLOW, USER, fail, assert, step, shot, openPage, apiClient, logIn, passed, failed, run, downloads } from './lib.mjs'


// The units the page writes after a shortfall (Chinese UI, the default language).
const SHORTFALL_UNIT = { Q1: '名教师', Q2: '名教师', Q3: '名教师', Q4: 'm²', Q5: 'm²', Q6: '元', Q7: '间' }
const Q_CODES = ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'Q7']


/** "Q5 +1,200 m²": thousands separators, at most two decimals. */
function shortfallText(code, v) {
  const n = Number(v).toLocaleString('en-US', { maximumFractionDigits: 2 })
  const u = SHORTFALL_UNIT[code]
  return `${code} +${n}${u ? ' ' + u : ''}`
}

async function main() {
  const session = await openPage()
  const { page } = session

  const client = apiClient(page)
  const { api, getJson } = client

  const panel = page.locator('[data-testid="verdict-panel"]')
  const verdict = page.locator('[data-testid="verdict"]')

  /** Waits until the verdict of `method` is shown; fails with the page's error alert if one appears. */
  async function waitVerdict(method) {
    const want = page.locator(`[data-testid="verdict-panel"][data-method="${method}"]`)
    const errBox = page.locator('[data-testid="assess-error"]')
    const deadline = Date.now() + SLOW
    for (;;) {
      if (await want.isVisible()) return
      if (await errBox.isVisible()) fail(`the page shows an error instead of the ${method} verdict: ${(await errBox.textContent()).trim()}`)
      if (Date.now() > deadline) fail(`the ${method} verdict did not appear within ${SLOW} ms`)
      await page.waitForTimeout(250)
    }
  }

  /** The query the page sent: year of the shown verdict, region from the URL (set with several counties). */
  async function assessPath(method) {
    const y = await panel.getAttribute('data-year')
    assert(y, 'verdict-panel has no data-year')
    const region = new URL(page.url()).searchParams.get('region')
    return `/api/assess/${method}?year=${encodeURIComponent(y)}${region ? `&region=${encodeURIComponent(region)}` : ''}`
  }

  /** Rows of a level's school table, once their number is stable and equal to `n` (or the deadline passes). */
  async function tableRows(level, n) {
    const rows = page.locator(`[data-testid="school-table"][data-level="${level}"] .el-table__body-wrapper tbody tr.el-table__row`)
    const deadline = Date.now() + TIMEOUT
    let count = await rows.count()
    while (count !== n && Date.now() < deadline) {
      await page.waitForTimeout(200)
      count = await rows.count()
    }
    return { rows, count }
  }

  try {
    // 1. log in
    step('log in')
    const me = await logIn(page, client)
    assert(me.role !== 'school', `user ${USER} has role ${me.role}; school users cannot see the assessments`)

    // 2. open 督导评估 from the menu: 优质均衡 is the default method
    step('open 督导评估')
    await page.locator('.el-menu-item', { hasText: '督导评估' }).first().click()
    await page.waitForURL(/\/supervision(\?|$)/).catch(() => fail(`the 督导评估 menu did not open /supervision (at ${page.url()})`))
    await page.locator('[data-testid="supervision-page"]').waitFor({ state: 'visible' })

    step('wait for the 优质均衡 verdict')
    await waitVerdict('balance-quality')
    const bqPath = await assessPath('balance-quality')
    const bq = await getJson(bqPath)
    console.log(`  ${bqPath}: passed=${bq.passed}, scope ${bq.scope}, ${(bq.failing || []).length} failing lines`)

    step('verdict badge equals the API')
    const shownPassed = await verdict.getAttribute('data-passed')
    assert(shownPassed === String(!!bq.passed), `verdict data-passed="${shownPassed}", API passed=${bq.passed}`)
    assert((await panel.getAttribute('data-scope')) === String(bq.scope), `verdict-panel data-scope ≠ API scope ${bq.scope}`)

    step('lights equal the API (CVs and items)')
    for (const [lv, d] of Object.entries(bq.levels || {})) {
      for (const q of Q_CODES) {
        if (!d.cv_passed || !(q in d.cv_passed)) continue
        const light = page.locator(`[data-testid="light-cv-${lv}-${q}"]`)
        assert(await light.count(), `no light-cv-${lv}-${q}`)
        const want = d.cv_passed[q] ? 'pass' : 'fail'
        const got = await light.getAttribute('data-state')
        assert(got === want, `light-cv-${lv}-${q} is ${got}, API cv_passed=${d.cv_passed[q]}`)
      }
    }
    for (const it of bq.items || []) {
      const want = it.passed === true ? 'pass' : it.passed === false ? 'fail' : 'pending'
      const got = await page.locator(`[data-testid="light-${it.code}"]`).getAttribute('data-state')
        .catch(() => fail(`no light-${it.code}`))
      assert(got === want, `light-${it.code} is ${got}, API passed=${it.passed}`)
    }
    await page.waitForTimeout(500) // let the chart draw
    await shot(page, 'supervision.png')

    step('自评报告 downloads as PDF and as Word')
    console.log(`  ${await downloads(page, 'assess-pdf', '.pdf', '%PDF-')}`)
    console.log(`  ${await downloads(page, 'assess-docx', '.docx', 'PK')}`)

    step('小学 school table has one row per API school')
    const primary = (bq.levels && bq.levels['小学']) || null
    assert(primary, 'the API response has no levels.小学')
    const nPrimary = (primary.schools || []).length
    const onlyFailing = page.locator('[data-testid="only-failing"] input')
    if (await onlyFailing.count()) assert(!(await onlyFailing.isChecked()), '只看未达标 is on by default')
    const { count: shownRows } = await tableRows('小学', nPrimary)
    assert(shownRows === nPrimary, `the 小学 school table has ${shownRows} rows, API levels.小学.schools has ${nPrimary}`)
    console.log(`  小学: ${nPrimary} schools`)

    step('a failing school shows its shortfalls')
    let found = null
    for (const lv of ['小学', '初中']) {
      const s = ((bq.levels[lv] && bq.levels[lv].schools) || []).find((x) => x.shortfalls && Object.keys(x.shortfalls).length)
      if (s) { found = { lv, s }; break }
    }
    if (!found) {
      console.log('  no school with a shortfall (skipped)')
    } else {
      const { lv, s } = found
      if (lv !== '小学') {
        await page.locator(`[data-testid="level-tab-${lv}"]`).click()
        await tableRows(lv, bq.levels[lv].schools.length)
      }
      const row = page.locator(`[data-testid="school-table"][data-level="${lv}"] tr.el-table__row`, {
        has: page.locator(`[data-testid="school-link"][data-school="${s.school_id}"]`),
      }).first()
      await row.waitFor({ state: 'visible' }).catch(() => fail(`no row for ${s.name} (${s.school_id}) in the ${lv} table`))
      await row.scrollIntoViewIfNeeded()
      const tag = await row.locator('[data-testid="school-passed"]').getAttribute('data-passed')
      assert(tag === String(!!s.passed), `${s.name}: the pass tag says ${tag}, API passed=${s.passed}`)
      const cells = (await row.locator('[data-testid="shortfall"]').allTextContents()).map((x) => x.trim())
      for (const [code, v] of Object.entries(s.shortfalls)) {
        const want = shortfallText(code, v)
        assert(cells.includes(want), `${lv} ${s.name}: expected shortfall "${want}", the row shows ${JSON.stringify(cells)}`)
      }
      console.log(`  ${lv} ${s.name}: ${cells.join('、')}`)
      await shot(page, 'supervision-schools.png')
    }

    // 3. 现场核查 of S1 (社会认可度): 达标 with a note and an evidence file, in one multipart POST
    step('record the on-site check of S1')
    const s1 = (bq.items || []).find((it) => it.code === 'S1')
    assert(s1, `${bqPath} has no item S1`)
    const s1Btn = page.locator('[data-testid="evidence-btn"][data-code="S1"]')
    if (!['admin', 'supervisor'].includes(me.role)) {
      assert(!(await s1Btn.count()), `user ${USER} (${me.role}) sees 录入核查结果, only admin / supervisor may record`)
      console.log(`  role ${me.role}: no 录入核查结果 button (skipped)`)
    } else {
      assert(s1.passed == null || s1.evidence, `S1 is decided by the data (passed=${s1.passed}) and has no evidence: nothing to check on site`)
      await s1Btn.scrollIntoViewIfNeeded().catch(() => fail('no 录入核查结果 button on item S1'))
      assert((await s1Btn.textContent()).includes('录入核查结果'), `the S1 button says "${(await s1Btn.textContent()).trim()}"`)
      await s1Btn.click()
      const dlg = page.locator('[data-testid="evidence-dialog"]')
      await dlg.waitFor({ state: 'visible' }).catch(() => fail('the 录入核查结果 dialog did not open'))
      assert((await dlg.getAttribute('data-code')) === 'S1', `the dialog is for ${await dlg.getAttribute('data-code')}, not S1`)
      await dlg.locator('[data-testid="evidence-passed-yes"]').click()
      const note = `e2e 问卷抽样 ${Date.now()}`
      await dlg.locator('textarea[data-testid="evidence-note"]').fill(note)
      const fileName = 'S1-社会认可度问卷.txt'
      await dlg.locator('[data-testid="evidence-file"] input[type="file"]').setInputFiles({
        name: fileName, mimeType: 'text/plain', buffer: Buffer.from('社会认可度问卷：有效问卷 412 份，满意 371 份（90.0%）\n', 'utf8'),
      })
      const picker = dlg.locator('[data-testid="evidence-file"]')
      await picker.locator('.el-upload-list__item', { hasText: fileName }).waitFor({ state: 'visible' })
        .catch(() => fail(`the file picker does not list ${fileName}`))
      const picked = await picker.getAttribute('data-name')
      assert(picked === fileName, `the file picker holds "${picked}", not ${fileName}`)
      await shot(page, 'supervision-evidence.png')
      await dlg.locator('[data-testid="evidence-submit"]').click()
      await dlg.waitFor({ state: 'hidden', timeout: SLOW }).catch(async () => {
        const err = dlg.locator('[data-testid="evidence-error"]')
        fail(`the dialog stayed open after 保存: ${(await err.count()) ? (await err.textContent()).trim() : 'no error shown'}`)
      })

      step('the API has S1 passed with the evidence file')
      const after = await getJson(bqPath)
      const s1After = (after.items || []).find((it) => it.code === 'S1')
      assert(s1After, `${bqPath} has no item S1 after recording`)
      assert(s1After.passed === true, `S1 passed=${s1After.passed} after recording 达标`)
      assert(s1After.evidence && s1After.evidence.file === fileName,
        `S1 evidence ${JSON.stringify(s1After.evidence)}, expected file ${fileName}`)
      assert(String(s1After.detail || '').startsWith('现场核查达标'), `S1 detail "${s1After.detail}" does not start with 现场核查达标`)
      console.log(`  S1: ${s1After.detail}`)

      step('the S1 row shows 达标 and the evidence file')
      const tag = page.locator('[data-testid="item-status"][data-code="S1"]')
      const deadline = Date.now() + SLOW
      while ((await tag.getAttribute('data-state')) !== 'pass' && Date.now() < deadline) await page.waitForTimeout(250)
      assert((await tag.getAttribute('data-state')) === 'pass', `the S1 row is ${await tag.getAttribute('data-state')} after recording 达标`)
      assert((await tag.textContent()).trim() === '达标', `the S1 row says "${(await tag.textContent()).trim()}"`)
      const shownNow = await verdict.getAttribute('data-passed')
      assert(shownNow === String(!!after.passed), `verdict data-passed="${shownNow}" after recording, API passed=${after.passed}`)
      const link = page.locator('[data-testid="evidence-download"][data-code="S1"]')
      await link.waitFor({ state: 'visible' }).catch(() => fail('no evidence-download link on S1'))
      assert((await link.textContent()).includes(fileName), `the S1 link says "${(await link.textContent()).trim()}"`)
      const [dl] = await Promise.all([page.waitForEvent('download'), link.click()])
      assert(dl.suggestedFilename() === fileName, `the evidence downloads as ${dl.suggestedFilename()}, not ${fileName}`)
      console.log(`  S1 row: 达标, evidence ${fileName} downloads`)
      await shot(page, 'supervision-evidence-done.png')
    }

    // 4. 大班额
    step('switch to 大班额')
    await page.locator('[data-testid="method-tabs"] label[data-method="class-size"]').click()
    await waitVerdict('class-size')
    const csPath = await assessPath('class-size')
    const cs = await getJson(csPath)
    const csVerdict = await verdict.getAttribute('data-passed')
    assert(csVerdict === String(!!cs.passed), `大班额 verdict data-passed="${csVerdict}", API passed=${cs.passed}`)

    step('全部 large-class count equals the API')
    const all = (cs.levels && cs.levels['全部']) || null
    assert(all, `${csPath} has no levels.全部`)
    const big = page.locator('[data-testid="big-count"][data-level="全部"]')
    if (all.big == null) {
      assert(!(await big.count()), `API levels.全部.big is null, the page shows ${await big.first().textContent()}`)
      console.log('  全部: no figure')
    } else {
      await big.waitFor({ state: 'visible' }).catch(() => fail('no big-count for 全部'))
      const txt = (await big.textContent()).trim()
      assert(txt !== '' && Number(txt) === Number(all.big), `the page shows ${txt} large classes (全部), API says ${all.big}`)
      console.log(`  全部: ${txt} large classes`)
    }
    await shot(page, 'supervision-class.png')

    step('大班额 trend chart has the years of the API')
    const trend = Array.isArray(cs.trend) ? cs.trend : []
    const trendBox = page.locator('[data-testid="class-trend"]')
    await trendBox.waitFor({ state: 'visible' }).catch(() => fail('no 大班额 trend chart (class-trend)'))
    const years = await trendBox.getAttribute('data-years')
    assert(years !== null && Number(years) === trend.length, `the trend chart shows ${years} years, ${csPath} has ${trend.length} in trend`)
    if (trend.length) {
      await trendBox.locator('canvas').first().waitFor({ state: 'visible' }).catch(() => fail('the trend chart draws no canvas'))
      // the level selector: 小学, then back to 全部
      await trendBox.locator('[data-testid="class-trend-level"] label[data-level="小学"]').click()
      await page.locator('[data-testid="class-trend"][data-level="小学"]').waitFor({ state: 'attached' })
        .catch(() => fail('choosing 小学 did not switch the trend chart'))
      await trendBox.locator('[data-testid="class-trend-level"] label[data-level="全部"]').click()
      await page.locator('[data-testid="class-trend"][data-level="全部"]').waitFor({ state: 'attached' })
        .catch(() => fail('choosing 全部 did not switch the trend chart back'))
    }
    console.log(`  trend: ${trend.map((r) => `${r.year} ${r.levels && r.levels['全部'] ? r.levels['全部'].big : '—'}`).join(', ') || 'no years'}`)
    await trendBox.scrollIntoViewIfNeeded()
    await page.waitForTimeout(500) // let the chart draw
    await shot(page, 'supervision-class-trend.png')

    return await passed(session)
  } catch (e) {
    return await failed(session, e)
  }
}

run(main)
