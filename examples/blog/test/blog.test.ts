import { describe, expect } from 'vitest'
import { test } from './fixtures.js'

describe('the index', () => {
  test('shows the posts to everyone, and the edit link to their author', async ({ client, auth }) => {
    const anonymous = await (await client.get('/')).text()
    expect(anonymous).toContain('Log In')
    expect(anonymous).toContain('Register')
    expect(anonymous).toContain('<h1>test title</h1>')
    expect(anonymous).not.toContain('href="/3/update"')

    await auth.login()
    const page = await (await client.get('/')).text()
    expect(page).toContain('Log Out')
    expect(page).toContain('by test on 2018-01-01')
    expect(page).toContain('test\nbody')
    expect(page).toContain('href="/3/update"')
  })

  test('escapes what users wrote', async ({ client, auth }) => {
    await auth.login()
    await client.post('/create', { form: { title: '<script>alert(1)</script>', body: 'a & b' } })
    const page = await (await client.get('/')).text()
    expect(page).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>')
    expect(page).toContain('a &amp; b')
    expect(page).not.toContain('<script>')
  })
})

describe('a visitor who is not logged in', () => {
  const guarded: Array<[method: 'get' | 'post', path: string]> = [
    ['get', '/create'],
    ['post', '/create'],
    ['get', '/3/update'],
    ['post', '/3/update'],
    ['post', '/3/delete'],
  ]
  for (const [method, path] of guarded) {
    test(`is sent to the login page by ${method.toUpperCase()} ${path}`, async ({ client, data }) => {
      const response = await client[method](path, { form: { title: 'sneaky', body: '' } })
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toBe('/auth/login')
      expect(data().posts.map((post) => post.title)).toEqual(['test title'])
    })
  }
})

describe("another user's post", () => {
  const forbidden: Array<[method: 'get' | 'post', path: string]> = [
    ['get', '/3/update'],
    ['post', '/3/update'],
    ['post', '/3/delete'],
  ]
  for (const [method, path] of forbidden) {
    test(`is 403 Forbidden by ${method.toUpperCase()} ${path}`, async ({ client, auth, data }) => {
      await auth.login('other', 'other')
      const response = await client[method](path, { form: { title: 'mine now', body: '' } })
      expect(response.status).toBe(403)
      expect(data().posts.map((post) => post.title)).toEqual(['test title'])
    })
  }

  test('has no edit link for them', async ({ client, auth }) => {
    await auth.login('other', 'other')
    expect(await (await client.get('/')).text()).not.toContain('href="/3/update"')
  })
})

describe('a post that does not exist', () => {
  for (const path of ['/4/update', '/4/delete']) {
    test(`is 404 Not Found at ${path}`, async ({ client, auth }) => {
      await auth.login()
      const response = await client.post(path)
      expect(response.status).toBe(404)
      expect(await response.text()).toContain('Post id 4 doesn&#39;t exist.')
    })
  }
})

describe('writing', () => {
  test('creates a post by the logged-in user', async ({ client, auth, data }) => {
    await auth.login()
    expect((await client.get('/create')).status).toBe(200)
    const response = await client.post('/create', { form: { title: 'created', body: '' } })
    expect(response.headers.get('location')).toBe('/')
    expect(data().posts).toHaveLength(2)
    expect(data().posts[1]).toMatchObject({ id: 4, authorId: 1, title: 'created', body: '' })
  })

  test('updates a post, the form filled with it first', async ({ client, auth, data }) => {
    await auth.login()
    const form = await client.get('/3/update')
    expect(await form.text()).toContain('value="test title"')
    const response = await client.post('/3/update', { form: { title: 'updated', body: '' } })
    expect(response.headers.get('location')).toBe('/')
    expect(data().posts[0]).toMatchObject({ id: 3, title: 'updated', body: '' })
  })

  test('deletes a post', async ({ client, auth, data }) => {
    await auth.login()
    const response = await client.post('/3/delete')
    expect(response.headers.get('location')).toBe('/')
    expect(data().posts).toEqual([])
  })

  for (const path of ['/create', '/3/update']) {
    test(`needs a title at ${path}, keeping what was typed`, async ({ client, auth, data }) => {
      await auth.login()
      const response = await client.post(path, { form: { title: '', body: 'kept body' } })
      const page = await response.text()
      expect(page).toContain('<div class="flash">Title is required.</div>')
      expect(page).toContain('>kept body</textarea>')
      expect(data().posts.map((post) => post.title)).toEqual(['test title'])
    })
  }
})
