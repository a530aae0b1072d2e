import type { TestClient } from '@flagon/framework'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { createApp } from '../../snippets/templates/app.js'

let client: TestClient
beforeEach(() => {
  client = createApp().testClient()
})
afterEach(() => client.close())

it('extends the layout, with the filter, the test, the global and the context processor', async () => {
  const response = await client.get('/hello/Ann')
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
  const page = await response.text()
  expect(page).toContain('<title>Hello · The Flagon Times</title>')
  expect(page).toContain('<h1>Hello, ANN!</h1>')
  expect(page).toContain('<p>A short name.</p>')
  expect(page).toContain(`<footer>© ${new Date().getUTCFullYear()} The Flagon Times</footer>`)
  expect(await (await client.get('/hello/Annabel')).text()).not.toContain('A short name.')
})

it('escapes in .html templates, not in .txt ones, and lets Markup through', async () => {
  expect(await (await client.get('/hello/%3Cb%3E')).text()).toContain('<h1>Hello, &lt;B&gt;!</h1>')
  const letter = await client.get('/letter/%3CAnn%3E')
  expect(letter.headers.get('content-type')).toBe('text/plain; charset=utf-8')
  expect(await letter.text()).toBe('Dear <Ann>,\n\nThank you for writing.\n')
  expect(await (await client.get('/markup')).text()).toBe('<em>mine</em> and &lt;em&gt;theirs&lt;/em&gt;')
})

it('streams a template', async () => {
  const response = await client.get('/report')
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
  expect(response.headers.get('content-length')).toBeNull()
  const page = await response.text()
  expect(page).toContain('<tr><td>1000</td><td>row 1000</td></tr>')
  expect(page.length).toBeGreaterThan(16 * 1024)
})

it('shows a flashed message once, on the next page', async () => {
  const saved = await client.post('/save', { followRedirects: true })
  expect(await saved.text()).toContain('<p class="flash info">Saved.</p>')
  expect(await (await client.get('/saved')).text()).not.toContain('Saved.</p>')
})
