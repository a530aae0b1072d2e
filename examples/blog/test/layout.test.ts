import { describe, expect } from 'vitest'
import { test } from './fixtures.js'

describe('every page extends base.html', () => {
  const pages: Array<[path: string, title: string, loggedIn: boolean]> = [
    ['/', 'Posts', false],
    ['/auth/register', 'Register', false],
    ['/auth/login', 'Log In', false],
    ['/create', 'New Post', true],
    ['/3/update', 'Edit "test title"', true],
  ]
  for (const [path, title, loggedIn] of pages) {
    test(`${path} has the layout's title, stylesheet and nav, and its own header`, async ({
      client,
      auth,
    }) => {
      if (loggedIn) await auth.login()
      const response = await client.get(path)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      const page = await response.text()
      expect(page).toContain(`<title>${title} - Flagon Blog</title>`)
      expect(page).toContain('<link rel="stylesheet" href="/static/style.css">')
      expect(page).toContain('<h1><a href="/">Flagon Blog</a></h1>')
      expect(page).toContain(
        loggedIn ? '<a href="/auth/logout">Log Out</a>' : '<a href="/auth/login">Log In</a>',
      )
      expect(page).toContain(`<h1>${title}</h1>`)
    })
  }
})

describe('the static folder', () => {
  test('serves the stylesheet as CSS', async ({ client }) => {
    const response = await client.get('/static/style.css')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(await response.text()).toContain('.flash {')
  })

  test('answers 404 for a file it does not have', async ({ client }) => {
    expect((await client.get('/static/missing.css')).status).toBe(404)
  })
})
