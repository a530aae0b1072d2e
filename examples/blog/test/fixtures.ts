/**
 * What flaskr's `conftest.py` gives its tests, as vitest fixtures: a data file in a temporary folder
 * holding two users and a post, the app on it, a test client, and `auth` to register, log in and out.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Flagon, TestClient, TestResponse } from '@flagon/framework'
import { test as base } from 'vitest'
import { createApp } from '../app.js'
import { generatePasswordHash } from '../passwords.js'
import type { Data } from '../store.js'

/** flaskr's `data.sql`: users `test` and `other` (each with their name as password), and one post by `test`. */
export const seed: Data = {
  users: [
    { id: 1, username: 'test', password: await generatePasswordHash('test') },
    { id: 2, username: 'other', password: await generatePasswordHash('other') },
  ],
  posts: [
    { id: 3, authorId: 1, title: 'test title', body: 'test\nbody', created: '2018-01-01T00:00:00.000Z' },
  ],
  lastId: 3,
}

/** Logging in and out through the app's own forms. */
export class AuthActions {
  constructor(readonly client: TestClient) {}

  login(username = 'test', password = 'test'): Promise<TestResponse> {
    return this.client.post('/auth/login', { form: { username, password } })
  }

  logout(): Promise<TestResponse> {
    return this.client.get('/auth/logout')
  }
}

interface Fixtures {
  /** The data file, seeded. */
  dataFile: string
  app: Flagon
  client: TestClient
  auth: AuthActions
  /** The data file's contents now. */
  data: () => Data
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  dataFile: async ({}, use) => {
    const folder = mkdtempSync(join(tmpdir(), 'flagon-blog-'))
    const file = join(folder, 'blog.json')
    writeFileSync(file, JSON.stringify(seed))
    await use(file)
    rmSync(folder, { recursive: true, force: true })
  },
  app: async ({ dataFile }, use) => {
    await use(createApp({ dataFile, secretKey: 'test' }))
  },
  client: async ({ app }, use) => {
    const client = app.testClient()
    await use(client)
    await client.close()
  },
  auth: async ({ client }, use) => {
    await use(new AuthActions(client))
  },
  data: async ({ dataFile }, use) => {
    await use(() => JSON.parse(readFileSync(dataFile, 'utf8')) as Data)
  },
})
