import { afterAll, expect, it } from 'vitest'
import { createApp } from '../../snippets/blueprints/app.js'

const client = createApp().testClient()
afterAll(() => client.close())

it('serves the blueprint under its prefix, with its hooks', async () => {
  expect(await (await client.get('/admin/')).text()).toBe('admin home; users at /admin/users')
  expect(await (await client.get('/admin/users')).json()).toEqual({ section: 'admin', users: ['ann', 'bo'] })
  expect(await (await client.get('/')).json()).toEqual({ section: null, admin: '/admin/' })
})

it('nests, registers twice, and scopes its error handler', async () => {
  expect(await (await client.get('/admin/reports/2024')).text()).toBe('report 2024 at /admin/reports/2024')
  expect(await (await client.get('/backoffice/')).text()).toBe('admin home; users at /backoffice/users')
  expect(await (await client.get('/admin/users/bo')).json()).toEqual({ name: 'bo' })
  const missing = await client.get('/admin/users/cy')
  expect([missing.status, await missing.text()]).toEqual([404, 'No such admin user'])
  const unrouted = await client.get('/admin/nothing')
  expect([unrouted.status, unrouted.headers.get('content-type')]).toEqual([404, 'text/html; charset=utf-8'])
})
