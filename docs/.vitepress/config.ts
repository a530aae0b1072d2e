import { readFileSync } from 'node:fs'
import { type DefaultTheme, defineConfig } from 'vitepress'
import { writeGenerated } from './generate.js'

// The config table and the name map are made from the sources each time the site is built or served.
writeGenerated()

const { version } = JSON.parse(
  readFileSync(new URL('../../packages/framework/package.json', import.meta.url), 'utf8'),
) as { version: string }

/** The repository the "Edit this page" links point into. */
const repository = 'https://github.com/flagon-dev/flagon'

/**
 * A sidebar entry; `ready: false` keeps a planned page in the structure without showing it, so the
 * sidebar's shape is decided once and a new page only flips its flag.
 */
type Entry = { text: string; link: string; ready?: boolean }
type Group = { text: string; items: Entry[]; collapsed?: boolean }

const guide: Group[] = [
  {
    text: 'Introduction',
    items: [{ text: 'Getting started', link: '/guide/getting-started' }],
  },
  {
    text: 'Tutorial',
    items: [{ text: 'Build a blog', link: '/tutorial/' }],
  },
  {
    text: 'Guides',
    items: [
      { text: 'Routing and converters', link: '/guide/routing' },
      { text: 'The request and response', link: '/guide/request-response' },
      { text: 'Contexts and the proxies', link: '/guide/contexts' },
      { text: 'Hooks and their order', link: '/guide/hooks' },
      { text: 'Errors and error handlers', link: '/guide/errors' },
      { text: 'Cookie sessions', link: '/guide/sessions' },
      { text: 'Server-side sessions', link: '/guide/server-side-sessions' },
      { text: 'Sessions and websockets', link: '/guide/sessions-and-websockets' },
      { text: 'Websockets', link: '/guide/websockets' },
      { text: 'Templates', link: '/guide/templates' },
      { text: 'Blueprints', link: '/guide/blueprints' },
      { text: 'Static files and sendFile', link: '/guide/static-files' },
      { text: 'Testing', link: '/guide/testing' },
      { text: 'Configuration', link: '/guide/configuration' },
      { text: 'The CLI', link: '/guide/cli' },
      { text: 'Logging', link: '/guide/logging' },
      { text: 'Signals', link: '/guide/signals' },
      { text: 'Background tasks', link: '/guide/background-tasks' },
      { text: 'Deployment', link: '/guide/deployment' },
      { text: 'Security', link: '/guide/security' },
    ],
  },
  {
    text: 'Coming from…',
    items: [
      { text: 'Quart or Flask', link: '/coming-from/quart' },
      { text: 'Express, Fastify or Hono', link: '/coming-from/node' },
    ],
  },
  {
    text: 'Explanation',
    items: [
      { text: 'Architecture', link: '/explanation/architecture' },
      { text: 'Benchmarks', link: '/explanation/benchmarks' },
    ],
  },
  {
    text: 'Reference',
    items: [
      { text: 'Overview', link: '/reference/' },
      { text: 'Config keys', link: '/guide/configuration#all-config-keys' },
      { text: '@flagon/framework', link: '/reference/api/framework/' },
      { text: '@flagon/sessions', link: '/reference/api/sessions/' },
    ],
  },
]

/** The sidebar: the pages that exist, in the planned structure. */
export const sidebar: DefaultTheme.SidebarItem[] = guide
  .map((group) => ({
    text: group.text,
    items: group.items.filter((entry) => entry.ready !== false).map(({ text, link }) => ({ text, link })),
  }))
  .filter((group) => group.items.length > 0)

const apiSidebar = JSON.parse(
  readFileSync(new URL('../reference/api/typedoc-sidebar.json', import.meta.url), 'utf8'),
) as DefaultTheme.SidebarItem[]

export default defineConfig({
  title: 'Flagon',
  description: 'An async web microframework for TypeScript on Node.js, modelled on Quart.',
  lang: 'en',
  cleanUrls: true,
  lastUpdated: false,
  // The local search index of the generated reference is one large chunk, and that is fine.
  vite: { build: { chunkSizeWarningLimit: 4096 } },
  head: [['link', { rel: 'icon', href: '/logo.svg', type: 'image/svg+xml' }]],
  markdown: {
    theme: { light: 'github-light', dark: 'github-dark' },
    config(md) {
      // Inline code is never a Vue template: the reference shows nunjucks' {{ … }} in code spans.
      const codeInline = md.renderer.rules.code_inline!
      md.renderer.rules.code_inline = (tokens, idx, options, env, self) =>
        codeInline(tokens, idx, options, env, self).replace(/^<code/, '<code v-pre')
    },
  },
  themeConfig: {
    logo: '/logo.svg',
    nav: [
      { text: 'Guide', link: '/guide/getting-started', activeMatch: '^/guide/' },
      { text: 'Coming from Quart', link: '/coming-from/quart' },
      { text: 'Reference', link: '/reference/', activeMatch: '^/reference/' },
      {
        text: `v${version}`,
        items: [
          { text: 'Architecture', link: '/explanation/architecture' },
          { text: 'Benchmarks', link: '/explanation/benchmarks' },
          { text: 'Source', link: repository },
        ],
      },
    ],
    sidebar: {
      '/reference/api/': [
        { text: 'Reference', items: [{ text: 'Overview', link: '/reference/' }] },
        ...apiSidebar,
      ],
      '/': sidebar,
    },
    search: { provider: 'local' },
    editLink: {
      pattern: `${repository}/edit/main/docs/:path`,
      text: 'Edit this page',
    },
    outline: { level: [2, 3] },
    notFound: {
      title: 'No page here',
      quote: 'The page you asked for does not exist, or has moved.',
      linkText: 'Back to the start',
    },
    footer: {
      message: 'Released under the MIT License.',
    },
  },
})
