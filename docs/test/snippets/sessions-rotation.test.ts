import { expect, it } from 'vitest'
import { createApp } from '../../snippets/sessions/rotation.js'

it('reads a cookie signed with the old key, and signs the next change with the new one', async () => {
  const before = createApp({ SECRET_KEY: 'old' }).testClient()
  await before.post('/user/ann')
  const oldCookie = before.cookies.cookieHeader(new URL('http://localhost/'))!
  await before.close()

  const after = createApp({ SECRET_KEY: 'new', OLD_SECRET_KEY: 'old' }).testClient()
  expect(await (await after.get('/user', { headers: { cookie: oldCookie } })).json()).toEqual({ user: 'ann' })
  const changed = await after.post('/user/bo', { headers: { cookie: oldCookie } })
  const newCookie = changed.headers.getSetCookie()[0]!.split(';')[0]!
  await after.close()

  const newOnly = createApp({ SECRET_KEY: 'new' }).testClient()
  expect(await (await newOnly.get('/user', { headers: { cookie: newCookie } })).json()).toEqual({
    user: 'bo',
  })
  await newOnly.close()
})

it('re-issues an old-key cookie under the new key at once, and counts it', async () => {
  const before = createApp({ SECRET_KEY: 'old' }).testClient()
  await before.post('/user/ann')
  const oldCookie = before.cookies.cookieHeader(new URL('http://localhost/'))!
  await before.close()

  const after = createApp({ SECRET_KEY: 'new', OLD_SECRET_KEY: 'old' }).testClient({ useCookies: false })
  expect(await (await after.get('/admin/keys')).json()).toEqual([
    { index: 0, fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/), verified: 0, lastSeen: null },
  ])
  const read = await after.get('/user', { headers: { cookie: oldCookie } }) // a read, no change
  const reissued = read.headers.getSetCookie()[0]!.split(';')[0]!
  expect(reissued).not.toBe(oldCookie)
  const [usage] = (await (await after.get('/admin/keys')).json()) as unknown[]
  expect(usage).toMatchObject({ index: 0, verified: 1, lastSeen: expect.any(String) })
  await after.close()

  const newOnly = createApp({ SECRET_KEY: 'new' }).testClient()
  expect(await (await newOnly.get('/user', { headers: { cookie: reissued } })).json()).toEqual({
    user: 'ann',
  })
  await newOnly.close()
})
