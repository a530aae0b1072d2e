import { describe, expect } from 'vitest'
import { checkPasswordHash } from '../passwords.js'
import { test } from './fixtures.js'

describe('registering', () => {
  test('shows the form, then stores the user with a hashed password and sends them to log in', async ({
    client,
    data,
  }) => {
    expect((await client.get('/auth/register')).status).toBe(200)
    const response = await client.post('/auth/register', { form: { username: 'a', password: 'secret' } })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/auth/login')
    const user = data().users.find((user) => user.username === 'a')
    expect(user?.password).not.toContain('secret')
    expect(await checkPasswordHash(user!.password, 'secret')).toBe(true)
  })

  const invalid: Array<[name: string, username: string, password: string, message: string]> = [
    ['needs a username', '', '', 'Username is required.'],
    ['needs a password', 'a', '', 'Password is required.'],
    ['refuses a name that is taken', 'test', 'test', 'User test is already registered.'],
  ]
  for (const [name, username, password, message] of invalid) {
    test(`${name}: the form again, with the message flashed`, async ({ client, data }) => {
      const response = await client.post('/auth/register', { form: { username, password } })
      expect(response.status).toBe(200)
      expect(await response.text()).toContain(`<div class="flash">${message}</div>`)
      expect(data().users).toHaveLength(2)
    })
  }
})

describe('logging in', () => {
  test('shows the form, then keeps the user id in the session and redirects to the index', async ({
    client,
    auth,
  }) => {
    expect((await client.get('/auth/login')).status).toBe(200)
    const response = await auth.login()
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/')
    await client.sessionTransaction((session) => {
      expect(session.get('userId')).toBe(1)
    })
    // loadLoggedInUser turned the id into g.user, which the nav shows.
    expect(await (await client.get('/')).text()).toContain('<li><span>test</span></li>')
  })

  const invalid: Array<[name: string, username: string, password: string, message: string]> = [
    ['refuses an unknown user', 'a', 'test', 'Incorrect username.'],
    ['refuses a wrong password', 'test', 'a', 'Incorrect password.'],
  ]
  for (const [name, username, password, message] of invalid) {
    test(`${name}, flashing "${message}" and keeping nobody in the session`, async ({ auth, client }) => {
      const response = await auth.login(username, password)
      expect(response.status).toBe(200)
      expect(await response.text()).toContain(`<div class="flash">${message}</div>`)
      await client.sessionTransaction((session) => {
        expect(session.has('userId')).toBe(false)
      })
    })
  }
})

describe('logging out', () => {
  test('clears the session and redirects to the index', async ({ auth, client }) => {
    await auth.login()
    const response = await auth.logout()
    expect(response.headers.get('location')).toBe('/')
    await client.sessionTransaction((session) => {
      expect([...session.keys()]).toEqual([])
    })
    expect(await (await client.get('/')).text()).toContain('Log In')
  })
})
