import { afterAll, describe, expect, it } from 'vitest'
import { createApp } from '../../snippets/routing/app.js'
import { createApp as createSubdomainApp } from '../../snippets/routing/subdomains.js'

const client = createApp().testClient()
afterAll(() => client.close())

it('converts what the rules capture', async () => {
  expect(await (await client.get('/hello/Ann')).text()).toBe('Hello, Ann!')
  expect(await (await client.get('/users/41')).json()).toEqual({ id: 41, next: 42 })
  expect((await client.get('/users/ann')).status).toBe(404)
  expect(await (await client.get('/files/a/b/c.txt')).text()).toBe('a/b/c.txt')
  expect(await (await client.get('/help')).text()).toBe('the help page')
  expect((await client.get('/careers')).status).toBe(404)
})

it('answers methods, slashes and OPTIONS as the rules say', async () => {
  expect((await client.post('/notes')).status).toBe(200)
  const put = await client.put('/notes')
  expect(put.status).toBe(405)
  expect(put.headers.get('allow')).toContain('POST')
  const options = await client.options('/notes')
  expect(options.headers.get('allow')).toContain('GET')
  const slash = await client.get('/docs?x=1')
  expect(slash.status).toBe(308)
  expect(slash.headers.get('location')).toBe('http://localhost/docs/?x=1')
  expect((await client.get('/feed/')).status).toBe(200)
})

it('builds URLs with urlFor', async () => {
  expect(await (await client.get('/links')).json()).toEqual({
    post: '/posts/2024/hello%20world?ref=feed',
    external: 'http://localhost/posts/2024/x',
  })
})

it('uses a converter of your own', async () => {
  expect(await (await client.get('/tags/a,b,c')).json()).toEqual({ tags: ['a', 'b', 'c'], count: 3 })
})

describe('subdomains', () => {
  const subdomains = createSubdomainApp().testClient()
  afterAll(() => subdomains.close())

  it('routes by the subdomain under SERVER_NAME, and links across them with absolute URLs', async () => {
    expect(await (await subdomains.get('http://example.com/')).text()).toBe(
      "home; Ann's page is http://ann.example.com/",
    )
    expect(await (await subdomains.get('http://ann.example.com/')).text()).toBe(
      "ann's page; home is http://example.com/",
    )
    expect((await subdomains.get('http://example.org/')).status).toBe(404)
  })

  it('serves a blueprint, and a nested one, on their subdomains', async () => {
    expect(await (await subdomains.get('http://api.example.com/status')).text()).toBe(
      'ok; v1 is at http://v1.api.example.com/users',
    )
    expect(await (await subdomains.get('http://v1.api.example.com/users')).json()).toEqual(['ann', 'bo'])
    expect((await subdomains.get('http://example.com/status')).status).toBe(404)
  })
})
