// Browser test of the 问题整改 page against a running backend: findings generated from the latest
// 优质均衡 assessment (deadline in the past, so they are overdue), the board and the counts against
// GET /api/findings, then one finding through 开始整改 and 提交复查 in the drawer; an illegal step
// (销号 of an open finding) is refused by the API with 409.
//
//   EDUPLAN_URL=http://127.0.0.1:18080 EDUPLAN_USER=admin EDUPLAN_PASSWORD=... \
//   [SCREENSHOT_DIR=/tmp/shots] [CHROMIUM=/usr/bin/chromium] node e2e/findings.mjs
//
// The user must be an administrator or supervisor (generating findings and re-inspection are
// theirs). The data needs a year whose 优质均衡 assessment finds problems, or open findings already.
// Exits 0 and prints "e2e ok" on success, exits 1 with a message on the first failure.
import { BASE, TIMEOUT, SLOW, USER, fail, assert, step, shot, openPage, apiClient, logIn, passed, failed, run } from './lib.mjs'

const STATES = ['open', 'in_progress', 'pending_review', 'closed']
const METHOD = 'balance-quality'
const DEADLINE = '2020-01-01' // long past: every finding generated here is overdue
const MEASURES = 'e2e：已补充配置教学仪器设备并完成验收'

async function main() {
  const session = await openPage()
  const { page } = session

  const client = apiClient(page)
  const { api, getJson } = client

  const drawer = page.locator('[data-testid="finding-drawer"]')

  /** Waits until `loc`'s attribute `name` equals `want` (string), failing with `what` after `ms`. */
  async function waitAttr(loc, name, want, what, ms = TIMEOUT) {
    const deadline = Date.now() + ms
    let got = null
    for (;;) {
      got = (await loc.count()) ? await loc.first().getAttribute(name) : null
      if (got === want) return
      if (Date.now() > deadline) fail(`${what}: ${name}="${got}", expected "${want}"`)
      await page.waitForTimeout(200)
    }
  }

  /** The number of cards in a board column, once it equals `n` or the time is up. */
  async function columnCards(state, n) {
    const cards = page.locator(`[data-testid="board-column"][data-state="${state}"] [data-testid="finding-card"]`)
    const deadline = Date.now() + TIMEOUT
    let count = await cards.count()
    while (count !== n && Date.now() < deadline) {
      await page.waitForTimeout(200)
      count = await cards.count()
    }
    return { cards, count }
  }

  try {
    // 1. log in
    step('log in')
    const me = await logIn(page, client)
    assert(['admin', 'supervisor'].includes(me.role), `user ${USER} has role ${me.role}; generating findings needs admin or supervisor`)

    // 2. findings of the latest 优质均衡 assessment, overdue
    step('generate findings through the API')
    const meta = await getJson('/api/meta')
    const years = [...(meta.years || [])].sort((a, b) => b - a)
    assert(years.length, '/api/meta has no years')
    const year = years[0]
    let gen = await api('POST', '/api/findings/generate', { method: METHOD, year, deadline: DEADLINE })
    if (gen.status === 400) {
      // several counties in the data: name the top region's county
      const county = (meta.regions || []).find((r) => r.level === 'county')
      const region = (meta.top_region && meta.top_region.level === 'county' && meta.top_region.code) || (county && county.code)
      assert(region, `POST /api/findings/generate -> 400 and no county to retry with: ${JSON.stringify(gen.body).slice(0, 300)}`)
      gen = await api('POST', '/api/findings/generate', { method: METHOD, year, region, deadline: DEADLINE })
    }
    assert(gen.status === 200, `POST /api/findings/generate -> HTTP ${gen.status}: ${JSON.stringify(gen.body).slice(0, 300)}`)
    console.log(`  ${METHOD} ${year}: ${gen.body.problems} problems, ${(gen.body.created || []).length} created, ${gen.body.skipped} skipped`)

    const list = await getJson('/api/findings')
    const counts = list.counts || {}
    console.log(`  counts ${JSON.stringify(counts)} (today ${list.today})`)
    assert(Number(counts.open) > 0, `no open finding to work on (counts ${JSON.stringify(counts)}); the data has no 优质均衡 problem?`)

    step('the API refuses 销号 of an open finding (409)')
    const anyOpen = (list.findings || []).find((f) => f.state === 'open')
    assert(anyOpen, 'counts.open > 0 but no finding with state open in the list')
    const illegal = await api('POST', `/api/findings/${anyOpen.id}/act`, { action: 'close', text: '' })
    assert(illegal.status === 409, `POST act close on open finding ${anyOpen.id} -> HTTP ${illegal.status}, expected 409: ${JSON.stringify(illegal.body).slice(0, 300)}`)
    const err = (illegal.body && illegal.body.error) || {}
    assert(err.message_zh, `the 409 has no error.message_zh: ${JSON.stringify(illegal.body).slice(0, 300)}`)
    console.log(`  409 ${err.code}: ${err.message_zh}`)
    const still = await getJson(`/api/findings/${anyOpen.id}`)
    assert(still.state === 'open', `after the refused close finding ${anyOpen.id} is ${still.state}`)
    assert(!(still.actions || []).includes('close'), `finding ${anyOpen.id} (open) offers close: ${JSON.stringify(still.actions)}`)

    // 3. the page, from the menu
    step('open 问题整改')
    await page.locator('[data-testid="menu-findings"]').click()
    await page.waitForURL(/\/findings(\?|$)/).catch(() => fail(`the 问题整改 menu did not open /findings (at ${page.url()})`))
    await page.locator('[data-testid="findings-page"]').waitFor({ state: 'visible' })
    await page.locator('[data-testid="findings-board"]').waitFor({ state: 'visible', timeout: SLOW })
      .catch(async () => {
        const e = page.locator('[data-testid="findings-error"]')
        fail(`the board did not appear${(await e.count()) ? `: ${(await e.textContent()).trim()}` : ''}`)
      })

    step('counts and board columns equal the API')
    const now = await getJson('/api/findings')
    for (const s of [...STATES, 'overdue']) {
      await waitAttr(page.locator(`[data-testid="count-${s}"]`), 'data-count', String(now.counts[s]), `the ${s} card`)
    }
    for (const s of STATES) {
      const { count } = await columnCards(s, Number(now.counts[s]))
      assert(count === Number(now.counts[s]), `the ${s} column has ${count} cards, API counts.${s} = ${now.counts[s]}`)
    }
    const overdueText = (await page.locator('[data-testid="count-overdue"] .value').textContent()).trim()
    assert(Number(overdueText) === Number(now.counts.overdue), `the 逾期 card shows ${overdueText}, API counts.overdue = ${now.counts.overdue}`)
    if ((gen.body.created || []).length) {
      assert(Number(now.counts.overdue) > 0, `no overdue finding although findings were generated with deadline ${DEADLINE}`)
    } else if (!Number(now.counts.overdue)) {
      console.log('  (nothing generated and no overdue finding: the 逾期 card shows 0)')
    }
    console.log(`  待整改 ${now.counts.open}, 整改中 ${now.counts.in_progress}, 待复查 ${now.counts.pending_review}, 已销号 ${now.counts.closed}, 逾期 ${now.counts.overdue}`)
    await shot(page, 'findings-board.png')

    // 4. one finding through the workflow
    step('open the first 待整改 card')
    const first = page.locator('[data-testid="board-column"][data-state="open"] [data-testid="finding-card"]').first()
    const id = await first.getAttribute('data-id')
    assert(id, 'the first open card has no data-id')
    await first.click()
    await waitAttr(drawer, 'data-id', id, 'the drawer')
    await waitAttr(drawer, 'data-state', 'open', `the drawer of finding ${id}`)
    const detail = await getJson(`/api/findings/${id}`)
    assert((await drawer.locator('[data-testid="drawer-problem"]').textContent()).trim() === detail.problem.trim(),
      `the drawer's problem differs from the API's: ${detail.problem}`)
    for (const a of ['start', 'submit', 'close', 'reject']) {
      const shown = await drawer.locator(`[data-testid="action-${a}"]`).count()
      const offered = (detail.actions || []).includes(a)
      assert(!!shown === offered, `action-${a}: shown=${!!shown}, API actions=${JSON.stringify(detail.actions)}`)
    }
    assert(await drawer.locator('[data-testid="finding-timeline"]').count(), 'the drawer has no history timeline')
    await shot(page, 'findings-drawer.png')

    step('开始整改 -> 整改中')
    await drawer.locator('[data-testid="action-start"]').click()
    await waitAttr(drawer, 'data-state', 'in_progress', `the drawer of finding ${id} after 开始整改`)
    const started = await getJson(`/api/findings/${id}`)
    assert(started.state === 'in_progress', `API state after 开始整改 is ${started.state}`)
    const movedCard = page.locator(`[data-testid="board-column"][data-state="in_progress"] [data-testid="finding-card"][data-id="${id}"]`)
    await movedCard.waitFor({ state: 'attached' }).catch(() => fail(`card ${id} did not move to the 整改中 column`))
    assert(await drawer.locator('[data-testid="action-submit"]').count(), `no 提交复查 button for finding ${id} in progress`)
    assert(!(await drawer.locator('[data-testid="action-close"]').count()), `销号 offered on finding ${id} in progress`)

    step('提交复查 with the measures -> 待复查')
    await drawer.locator('[data-testid="action-submit"]').click()
    const dialog = page.locator('[data-testid="action-dialog"]')
    await dialog.waitFor({ state: 'visible' }).catch(() => fail('the 提交复查 dialog did not open'))
    await page.locator('textarea[data-testid="action-text"]').fill(MEASURES)
    await shot(page, 'findings-submit.png')
    await page.locator('[data-testid="action-confirm"]').click()
    await waitAttr(drawer, 'data-state', 'pending_review', `the drawer of finding ${id} after 提交复查`)
    const submitted = await getJson(`/api/findings/${id}`)
    assert(submitted.state === 'pending_review', `API state after 提交复查 is ${submitted.state}`)
    const ev = (submitted.events || []).find((e) => e.kind === 'submit')
    assert(ev && String(ev.text).includes(MEASURES), `no submit event with the measures: ${JSON.stringify(submitted.events).slice(0, 400)}`)
    await page.locator(`[data-testid="board-column"][data-state="pending_review"] [data-testid="finding-card"][data-id="${id}"]`)
      .waitFor({ state: 'attached' }).catch(() => fail(`card ${id} did not move to the 待复查 column`))
    await waitAttr(drawer.locator('[data-testid="finding-timeline"]'), 'data-count', String(submitted.events.length), 'the timeline')

    step('counts after the two steps equal the API')
    const after = await getJson('/api/findings')
    for (const s of [...STATES, 'overdue']) {
      await waitAttr(page.locator(`[data-testid="count-${s}"]`), 'data-count', String(after.counts[s]), `the ${s} card after the steps`)
    }
    await shot(page, 'findings-review.png')

    step('the overdue list')
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' }).catch(() => fail('the drawer did not close on Escape'))
    await page.locator('[data-testid="count-overdue"]').click()
    const table = page.locator('[data-testid="findings-table"]')
    await table.waitFor({ state: 'visible' }).catch(() => fail('the overdue card did not open the list'))
    const overdueList = await getJson('/api/findings?overdue=true')
    await waitAttr(table, 'data-count', String(overdueList.findings.length), 'the overdue list')
    await shot(page, 'findings-overdue.png')

    return await passed(session)
  } catch (e) {
    return await failed(session, e)
  }
}

run(main)
