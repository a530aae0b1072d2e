import { expect } from 'vitest'
import { test } from './fixtures.js'

test("a new user's visit: register, log in, write, edit and delete a post, log out", async ({ client }) => {
  const registered = await client.post('/auth/register', { form: { username: 'ada', password: 'engine' } })
  expect(registered.headers.get('location')).toBe('/auth/login')

  const loggedIn = await client.post('/auth/login', {
    form: { username: 'ada', password: 'engine' },
    followRedirects: true,
  })
  expect(loggedIn.url).toMatch(/\/$/)
  expect(await loggedIn.text()).toContain('<li><span>ada</span></li>')
  let userId: unknown
  await client.sessionTransaction((session) => {
    userId = session.get('userId')
  })
  expect(userId).toBe(4)

  const created = await client.post('/create', {
    form: { title: 'Notes on <the> engine', body: 'It weaves algebraic patterns.' },
    followRedirects: true,
  })
  const index = await created.text()
  expect(index).toContain('<h1>Notes on &lt;the&gt; engine</h1>')
  expect(index).toContain('<a class="action" href="/5/update">Edit</a>')

  const updated = await client.post('/5/update', {
    form: { title: 'Notes on the engine', body: 'Revised.' },
    followRedirects: true,
  })
  expect(await updated.text()).toContain('<h1>Notes on the engine</h1>')

  const deleted = await client.post('/5/delete', { followRedirects: true })
  const after = await deleted.text()
  expect(after).not.toContain('Notes on the engine')
  expect(after).toContain('<h1>test title</h1>')

  const loggedOut = await client.get('/auth/logout', { followRedirects: true })
  expect(await loggedOut.text()).toContain('Log In')
  await client.sessionTransaction((session) => {
    expect(session.has('userId')).toBe(false)
  })
})
