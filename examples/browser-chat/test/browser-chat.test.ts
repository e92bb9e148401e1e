import type { Browser, BrowserContext, Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './chromium.js'
import { PeerProcess } from './peer-process.js'

/** One person: a page of the built app in its own browser context (own localStorage and IndexedDB). */
interface Person {
  name: string
  context: BrowserContext
  page: Page
  /** Member id (hex, no 0x) as the page shows it. */
  id: string
  /** Uncaught page errors. */
  crashes: string[]
}

/** Texts of the elements matching `selector`. */
const texts = (page: Page, selector: string) => page.$$eval(selector, (els) => els.map((e) => e.textContent ?? ''))

/** Wait until some element matching `selector` contains `text`. */
async function see(p: Person, selector: string, text: string, timeout = 20_000): Promise<void> {
  try {
    await p.page.waitForFunction((s, t) => Array.from(document.querySelectorAll(s)).some((e) => e.textContent?.includes(t)), { timeout, polling: 50 }, selector, text)
  } catch (err) {
    const errors = await texts(p.page, '#errors li').catch(() => [])
    throw new Error(`${p.name} never showed "${text}" in ${selector} (errors: ${JSON.stringify(errors)}; activity: ${JSON.stringify(await texts(p.page, '#activity li').catch(() => []))})`, { cause: err })
  }
}

/** `0x1234…abcd`, as the app shows a member that is not you. */
const short = (hex: string) => `0x${hex.slice(0, 4)}…${hex.slice(-4)}`

/** Type `text` into the input `selector` (after clearing it) and click `button`. */
async function typeAndClick(p: Person, selector: string, text: string, button: string): Promise<void> {
  await p.page.$eval(selector, (e) => {
    ;(e as HTMLInputElement).value = ''
  })
  await p.page.type(selector, text)
  await p.page.click(button)
}

/** Click Yes on the open proposal whose line contains `what`. */
async function voteYes(p: Person, what: string): Promise<void> {
  for (const item of await p.page.$$('#proposals li')) {
    if ((await item.evaluate((e) => e.textContent ?? '')).includes(what)) {
      const yes = await item.$('.vote-yes')
      expect(yes, `${p.name}: a Yes button for ${what}`).not.toBeNull()
      await yes!.click()
      return
    }
  }
  throw new Error(`${p.name} shows no proposal "${what}"`)
}

async function open(browser: Browser, url: string, name: string): Promise<Person> {
  const context = await browser.createBrowserContext()
  const page = await context.newPage()
  const crashes: string[] = []
  page.on('pageerror', (e) => crashes.push(e instanceof Error ? e.message : String(e)))
  await page.goto(url, { waitUntil: 'load' })
  const p: Person = { name, context, page, id: '', crashes }
  await see(p, '#me', 'new identity 0x')
  p.id = ((await texts(page, '#me'))[0] ?? '').match(/0x([0-9a-f]{40})/)?.[1] ?? ''
  expect(p.id).toMatch(/^[0-9a-f]{40}$/)
  return p
}

describe('browser-chat: the start script and two pages of the built app in headless Chromium', () => {
  let peer: PeerProcess
  let browser: Browser
  let url: string
  let nodeId: string
  const people: Person[] = []

  beforeAll(async () => {
    peer = new PeerProcess(['--port', '0', '--group', 'lobby'])
    ;[browser] = await Promise.all([launchChromium(), peer.waitFor(/^open http/, 60_000)])
    url = (await peer.waitFor(/^open (http:\/\/127\.0\.0\.1:\d+\/\?\S+)$/))[1]!
    nodeId = (await peer.waitFor(/^node peer 0x([0-9a-f]{40}) created group lobby$/))[1]!
  })

  afterAll(async () => {
    await browser?.close()
    await peer?.stop()
  })

  it('create, join by vote, chat both ways, reload from IndexedDB, leave: all through the UI', async () => {
    expect(new URL(url).searchParams.get('peer')).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/12D3KooW/)
    const a = await open(browser, url, 'page a')
    const b = await open(browser, url, 'page b')
    people.push(a, b)
    await see(a, '#net', 'connected to 1 peer')

    // Page a joins the Node peer's group: every phase of the join is shown.
    await typeAndClick(a, '#group-input', 'lobby', '#join')
    await see(a, '#join-progress li', 'you are in (2 members)', 30_000)
    const phases = await texts(a.page, '#join-progress li')
    expect(phases[0]).toBe('joining lobby…')
    expect(phases).toContain('key package announced, waiting for the vote')
    expect(phases).toContain('welcome received')
    await peer.waitFor(new RegExp(`^\\[lobby\\] ${short(a.id)} joined$`))

    // Mistakes get a readable error line, and nothing else changes.
    await typeAndClick(a, '#group-input', 'bad name', '#create')
    await see(a, '#errors li', '"bad name" is not a valid group name (no spaces or slashes, at most 128 bytes)')
    await typeAndClick(a, '#group-input', 'lobby', '#create')
    await see(a, '#errors li', 'you are already in lobby (or joining it)')
    expect(await texts(a.page, '#groups button')).toEqual(['lobby'])

    // Page b joins; page a is asked to vote on adding it and clicks Yes.
    await typeAndClick(b, '#group-input', 'lobby', '#join')
    const proposal = `#proposals li`
    await see(a, proposal, `add ${short(b.id)}: open`)
    const asked = Date.now()
    await voteYes(a, `add ${short(b.id)}`)
    await see(a, proposal, `add ${short(b.id)}: approved`)
    // Decided by the click: without it, page a would vote only after 10 s (and the 2-voter rule needs both votes).
    expect(Date.now() - asked).toBeLessThan(8_000)
    await see(b, '#join-progress li', 'you are in (3 members)', 30_000)
    await peer.waitFor(new RegExp(`^\\[lobby\\] ${short(b.id)} joined$`))

    // Everybody sees three members with roles and scores, at one epoch.
    for (const p of [a, b]) {
      await p.page.waitForFunction(() => document.querySelectorAll('#members li').length === 3, { timeout: 15_000 })
      const members = await p.page.$$eval('#members li', (els) => els.map((e) => e.getAttribute('data-member')))
      expect(members.sort()).toEqual([nodeId, a.id, b.id].sort())
      expect((await texts(p.page, '#members li')).join('\n')).toMatch(/you\s*(epoch-steward|backup-steward|steward|member)\s*score \d+/)
    }
    const epochOf = async (p: Person) => (await texts(p.page, '#epoch'))[0]?.match(/^epoch (\d+)/)?.[1]
    await a.page.waitForFunction(() => document.querySelector('#epoch')?.textContent?.includes('3 members'), { timeout: 15_000 })
    expect(await epochOf(a)).toBeDefined()
    expect(await epochOf(b)).toBe(await epochOf(a))

    // Chat both ways: the two pages and the Node peer.
    await typeAndClick(a, '#message-input', 'hello from page a', '#send')
    await typeAndClick(b, '#message-input', 'hello from page b', '#send')
    peer.send('hello from node')
    await see(a, '#messages li', `${short(b.id)}hello from page b`)
    await see(a, '#messages li', `${short(nodeId)}hello from node`)
    await see(a, '#messages li.mine', 'youhello from page a')
    await see(b, '#messages li', `${short(a.id)}hello from page a`)
    await see(b, '#messages li', `${short(nodeId)}hello from node`)
    await peer.waitFor(new RegExp(`^\\[lobby\\] ${short(a.id)}: hello from page a$`))
    await peer.waitFor(new RegExp(`^\\[lobby\\] ${short(b.id)}: hello from page b$`))

    // Page b reloads: same identity (localStorage), same group at the same epoch (IndexedDB), its chat history shown.
    const before = await epochOf(b)
    await b.page.reload({ waitUntil: 'load' })
    await see(b, '#me', `you are 0x${b.id}`)
    await see(b, '#activity li', `back in lobby at epoch ${before}`)
    await see(b, '#groups button', 'lobby')
    expect(await epochOf(b)).toBe(before)
    expect((await texts(b.page, '#messages li')).sort()).toEqual([`${short(a.id)}hello from page a`, `youhello from page b`, `${short(nodeId)}hello from node`].sort())
    await typeAndClick(b, '#message-input', 'page b is back', '#send')
    await see(a, '#messages li', `${short(b.id)}page b is back`)
    await peer.waitFor(new RegExp(`^\\[lobby\\] ${short(b.id)}: page b is back$`))
    expect(await epochOf(b)).toBe(await epochOf(a))

    // Page b leaves: its removal is decided and committed; the others see it go.
    await b.page.click('#leave')
    await see(b, '#activity li', 'leaving lobby: the group votes and a steward commits your removal')
    await see(a, proposal, `remove ${short(b.id)}: approved`, 20_000)
    await see(a, '#activity li', `${short(b.id)} left`, 20_000)
    await a.page.waitForFunction(() => document.querySelectorAll('#members li').length === 2, { timeout: 15_000 })
    await peer.waitFor(new RegExp(`^\\[lobby\\] ${short(b.id)} left$`))
    await see(b, '#activity li', 'you are no longer a member of lobby')
    await see(b, '#title', 'lobby (not a member)')

    expect(await texts(a.page, '#errors li')).toEqual([
      '"bad name" is not a valid group name (no spaces or slashes, at most 128 bytes)',
      'you are already in lobby (or joining it)',
    ])
    expect(await texts(b.page, '#errors li')).toEqual([])
    for (const p of [a, b]) {
      expect(p.crashes, p.name).toEqual([])
    }
    expect(peer.lines.filter((l) => l.includes('!'))).toEqual([])
  })

  it('an invite link created on page a admits page c (pasted, Join by link); page d knocks, page a lets it in: all through the UI', async () => {
    const a = people[0]!
    await a.page.click('#create-link')
    await a.page.waitForFunction(() => (document.querySelector('#link-output') as HTMLInputElement | null)?.value.startsWith('demls:'), { timeout: 15_000 })
    const link = await a.page.$eval('#link-output', (e) => (e as HTMLInputElement).value)
    await see(a, '#activity li', 'invite link created (1 use')

    const c = await open(browser, url, 'page c')
    people.push(c)
    await typeAndClick(c, '#link-input', link, '#join-link')
    await see(c, '#join-progress li', 'joining lobby with an invite link…')
    // A link join probes, then waits for a vote and a commit: under CI load (2 cores, every package's tests at once) it has taken more than 30 s.
    await see(c, '#join-progress li', 'you are in (3 members)', 60_000)
    await peer.waitFor(new RegExp(`^\\[lobby\\] ${short(c.id)} joined$`))

    const d = await open(browser, url, 'page d')
    people.push(d)
    await typeAndClick(d, '#group-input', 'lobby', '#knock')
    await see(d, '#join-progress li', 'knocked: waiting for a member to let you in', 30_000)
    await see(a, '#knocks li', short(d.id), 30_000)
    await see(a, '#activity li', `${short(d.id)} is knocking`)
    await a.page.click(`#knocks li[data-knock] .let-in`)
    await see(a, '#activity li', `you let ${short(d.id)} in`)
    await see(d, '#join-progress li', 'you are in (4 members)', 30_000)
    await typeAndClick(d, '#message-input', 'page d knocked and got in', '#send')
    await see(c, '#messages li', `${short(d.id)}page d knocked and got in`)
    for (const p of [a, c, d]) expect(p.crashes, p.name).toEqual([])
  })
})
