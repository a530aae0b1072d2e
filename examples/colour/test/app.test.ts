import type { TestClient } from '@flagon/framework'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../app.js'

let client: TestClient
afterEach(() => client?.close())

describe('the colour example of the session guide', () => {
  it('shows black until a colour is chosen', async () => {
    client = createApp('test-key').testClient()
    expect(await (await client.get('/')).text()).toContain('Your colour is black')
  })

  it('stores the colour in a permanent session cookie and redirects', async () => {
    client = createApp('test-key').testClient()
    const saved = await client.post('/colour/', { form: { colour: 'teal' } })
    expect(saved.status).toBe(302)
    expect(saved.headers.get('location')).toBe('/')
    expect(saved.headers.getSetCookie()[0]).toMatch(/^session=[\w.-]+; Path=\/; Expires=[^;]+ GMT; HttpOnly$/)
    const page = await client.get('/')
    expect(await page.text()).toContain('Your colour is teal')
  })

  it('keeps the colour across a restart with the same secret key, and loses it with another', async () => {
    client = createApp('test-key').testClient()
    await client.post('/colour/', { form: { colour: 'plum' } })
    const cookie = client.cookies.get('session')!.value
    await client.close()

    client = createApp('test-key').testClient()
    client.setCookie('session', cookie)
    expect(await (await client.get('/')).text()).toContain('Your colour is plum')
    await client.close()

    client = createApp('another-key').testClient()
    client.setCookie('session', cookie)
    expect(await (await client.get('/')).text()).toContain('Your colour is black')
  })

  it('escapes what it shows', async () => {
    client = createApp('test-key').testClient()
    await client.post('/colour/', { form: { colour: '<script>' } })
    expect(await (await client.get('/')).text()).toContain('Your colour is &lt;script&gt;')
  })
})
