import type { TestClient } from '@flagon/framework'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../app.js'

let client: TestClient
afterEach(() => client?.close())

describe('the notes example', () => {
  it('creates, lists, reads and deletes a note', async () => {
    client = createApp().testClient()
    const created = await client.post('/notes', { json: { text: 'buy milk' } })
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toBe('/notes/1')
    expect(await created.json()).toEqual({ id: 1, text: 'buy milk' })

    expect(await (await client.get('/notes')).json()).toEqual({ notes: [{ id: 1, text: 'buy milk' }] })
    expect(await (await client.get('/notes/1')).json()).toEqual({ id: 1, text: 'buy milk' })
    expect((await client.delete('/notes/1')).status).toBe(204)
    const gone = await client.get('/notes/1')
    expect(gone.status).toBe(404)
    expect(await gone.json()).toEqual({ error: 'There is no note 1.' })
  })

  it('shows the notes, escaped, on the HTML page', async () => {
    client = createApp().testClient()
    await client.post('/notes', { json: { text: '<b>bold</b>' } })
    const page = await client.get('/')
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await page.text()).toContain('<li>&lt;b&gt;bold&lt;/b&gt;</li>')
    expect(page.headers.get('server-timing')).toMatch(/^app;dur=/)
  })

  it('answers a note without text with 400', async () => {
    client = createApp().testClient()
    expect((await client.post('/notes', { json: { text: '' } })).status).toBe(400)
  })

  it('answers bad JSON with 400 and an unknown page with the HTML 404', async () => {
    client = createApp().testClient()
    const bad = await client.post('/notes', {
      data: '{oops',
      headers: { 'content-type': 'application/json' },
    })
    expect(bad.status).toBe(400)
    const missing = await client.get('/nowhere')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toBe('text/html; charset=utf-8')
  })
})
