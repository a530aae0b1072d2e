/**
 * The built site in a real browser: it builds the site (TypeDoc, then VitePress), serves
 * `docs/.vitepress/dist` on a free loopback port, and drives Debian's chromium with playwright-core.
 * Every sidebar page must open without a console error, the local search must find what users look
 * for, the dark-mode switch must work, and no internal link or anchor in the built HTML may be broken.
 * Screenshots land in docs/test/screenshots/ for a person to look at.
 *
 * The packages must be built first (`pnpm build`; the root test command does that). Set
 * FLAGON_DOCS_PREBUILT=1 to test the site already in dist without building it again.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureDebianPackages } from '../../scripts/debian-packages.js'

const docs = fileURLToPath(new URL('..', import.meta.url))
const dist = join(docs, '.vitepress', 'dist')
const screenshots = join(docs, 'test', 'screenshots')
const chromiumPath = '/usr/bin/chromium'

let server: Server
let origin: string
let browser: Browser

beforeAll(async () => {
  installChromium()
  if (process.env.FLAGON_DOCS_PREBUILT !== '1') buildSite()
  ;({ server, origin } = await serve(dist))
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
})

describe('the built docs site', () => {
  it('opens every sidebar page without a console error', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const errors = watchErrors(page)
    await page.goto(`${origin}/guide/getting-started`)
    const anchors = await page.locator('.VPSidebar a.link').all()
    const links = await Promise.all(anchors.map(async (anchor) => (await anchor.getAttribute('href'))!))
    expect(links.length).toBeGreaterThan(15)
    for (const link of new Set(links)) {
      const response = await page.goto(new URL(link, origin).href, { waitUntil: 'load' })
      expect(response?.status(), link).toBe(200)
      await page.locator('.VPDoc h1').first().waitFor()
    }
    expect(errors).toEqual([])
    await page.close()
  }, 120_000)

  for (const term of ['beforeRequest', 'SECRET_KEY_FALLBACKS']) {
    it(`finds "${term}" with the local search`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
      const errors = watchErrors(page)
      await page.goto(`${origin}/`)
      await page.locator('.VPNavBarSearch button').click()
      await page.locator('.VPLocalSearchBox input').fill(term)
      const results = page.locator('.VPLocalSearchBox .results li')
      await results.first().waitFor()
      expect(await results.count()).toBeGreaterThan(0)
      expect(await page.locator('.VPLocalSearchBox .results').textContent()).toContain(term)
      await results.first().click()
      await page.waitForURL((url) => url.pathname !== '/')
      expect(errors).toEqual([])
      await page.close()
    }, 60_000)
  }

  it('toggles dark mode', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' })
    await page.goto(`${origin}/guide/hooks`)
    const isDark = async () =>
      ((await page.locator('html').getAttribute('class')) ?? '').split(' ').includes('dark')
    expect(await isDark()).toBe(false)
    await page.locator('.VPNavBarAppearance button.VPSwitchAppearance').click()
    expect(await isDark()).toBe(true)
    await page.reload()
    expect(await isDark()).toBe(true) // remembered
    await page.locator('.VPNavBarAppearance button.VPSwitchAppearance').click()
    expect(await isDark()).toBe(false)
    await page.close()
  }, 60_000)

  it('writes screenshots of the home page and a guide, at desktop and mobile widths', async () => {
    mkdirSync(screenshots, { recursive: true })
    const sizes = { desktop: { width: 1280, height: 800 }, mobile: { width: 390, height: 844 } }
    for (const [size, viewport] of Object.entries(sizes)) {
      const page = await browser.newPage({ viewport })
      for (const [name, path] of [
        ['home', '/'],
        ['guide-hooks', '/guide/hooks'],
      ] as const) {
        await page.goto(`${origin}${path}`, { waitUntil: 'load' })
        const file = join(screenshots, `${name}-${size}.png`)
        await page.screenshot({ path: file })
        expect(statSync(file).size).toBeGreaterThan(10_000)
      }
      await page.close()
    }
  }, 60_000)

  it('has no broken internal link or anchor', () => {
    expect(brokenLinks(dist)).toEqual([])
  })
})

/** Console errors and uncaught page errors, as they happen. */
function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${page.url()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`))
  return errors
}

/** Debian's chromium, installed when missing; nothing downloads a browser of its own. */
function installChromium(): void {
  if (!existsSync(chromiumPath)) ensureDebianPackages(['chromium'])
}

/** TypeDoc, then VitePress: what `pnpm --filter @flagon/docs build` runs. */
function buildSite(): void {
  const bin = (name: string) => join(docs, 'node_modules', '.bin', name)
  execFileSync(bin('typedoc'), { cwd: docs, stdio: 'inherit' })
  execFileSync(bin('vitepress'), ['build'], { cwd: docs, stdio: 'inherit' })
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
}

/** A static server for the build, with VitePress's clean URLs (`/guide/hooks` → `guide/hooks.html`). */
async function serve(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const file = resolveFile(root, path)
    if (file === null) {
      res.writeHead(404, { 'content-type': types['.html']! })
      res.end(readFileSync(join(root, '404.html')))
      return
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
    res.end(readFileSync(file))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

/** The file a URL path serves, or null. */
function resolveFile(root: string, path: string): string | null {
  const base = join(root, path)
  if (
    !relative(root, base)
      .split(sep)
      .every((part) => part !== '..')
  )
    return null
  for (const candidate of [base, `${base}.html`, join(base, 'index.html')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return null
}

/** Every internal href in the built HTML whose page or anchor does not exist. */
function brokenLinks(root: string): string[] {
  const pages = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html'))
  const ids = new Map<string, Set<string>>()
  const idsOf = (file: string) => {
    let found = ids.get(file)
    if (!found) {
      const html = readFileSync(file, 'utf8')
      found = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => decodeEntities(m[1]!)))
      ids.set(file, found)
    }
    return found
  }
  const broken: string[] = []
  for (const page of pages) {
    const html = readFileSync(join(root, page), 'utf8')
    const pageUrl = new URL(
      `/${page
        .split(sep)
        .join('/')
        .replace(/(index)?\.html$/, '')}`,
      'http://site',
    )
    for (const match of html.matchAll(/<a\s[^>]*href="([^"]*)"/g)) {
      const href = decodeEntities(match[1]!)
      if (/^(https?:|mailto:|javascript:)/.test(href) || href === '') continue
      const url = new URL(href, pageUrl)
      if (url.origin !== 'http://site') continue
      const target = resolveFile(root, decodeURIComponent(url.pathname))
      if (target === null) {
        broken.push(`${page}: ${href} (no page)`)
        continue
      }
      const anchor = decodeURIComponent(url.hash.slice(1))
      if (anchor !== '' && target.endsWith('.html') && !idsOf(target).has(anchor)) {
        broken.push(`${page}: ${href} (no anchor)`)
      }
    }
  }
  return broken
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
}
