import { expect, it } from 'vitest'
import { createApp } from '../../snippets/sessions/app.js'

it('keeps the cart in a signed cookie', async () => {
  const client = createApp({ secretKey: 'key one' }).testClient()
  await client.post('/cart/tea')
  const res = await client.post('/cart/milk')
  expect(await res.json()).toEqual({ cart: ['tea', 'milk'] })
  expect(res.headers.get('vary')).toBe('Cookie')
  const [cookie] = res.headers.getSetCookie()
  expect(cookie).toMatch(/^session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly$/)
  await client.close()
})

it('makes a permanent session outlive the browser, and logout deletes the cookie', async () => {
  const client = createApp({ secretKey: 'key one' }).testClient()
  const login = await client.post('/login/ann')
  expect(login.headers.getSetCookie()[0]).toMatch(/; Expires=/)
  const logout = await client.post('/logout')
  expect(logout.headers.getSetCookie()[0]).toMatch(
    /^session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/,
  )
  await client.close()
})

it('rotates the key without logging anyone out', async () => {
  const before = createApp({ secretKey: 'old key' }).testClient()
  await before.post('/cart/tea')
  const cookie = before.cookies.cookieHeader(new URL('http://localhost/'))!
  await before.close()

  const rotated = createApp({ secretKey: 'new key', fallbacks: ['old key'] }).testClient()
  const withFallback = await rotated.get('/cart', { headers: { cookie } })
  expect(await withFallback.json()).toEqual({ cart: ['tea'] })
  await rotated.close()

  const dropped = createApp({ secretKey: 'new key' }).testClient()
  expect(await (await dropped.get('/cart', { headers: { cookie } })).json()).toEqual({ cart: [] })
  await dropped.close()
})
