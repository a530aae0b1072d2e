import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nextId, Store } from '../store.js'

let folder: string
let store: Store
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'flagon-blog-store-'))
  store = new Store(join(folder, 'data', 'blog.json'))
})
afterEach(() => rmSync(folder, { recursive: true, force: true }))

const addPost = (title: string) =>
  store.update((data) => {
    const id = nextId(data)
    data.posts.push({ id, authorId: 1, title, body: '', created: new Date().toISOString() })
    return id
  })

describe('the JSON-file store', () => {
  it('reads a file that does not exist yet as no users and no posts', async () => {
    expect(await store.read()).toEqual({ users: [], posts: [], lastId: 0 })
  })

  it('writes what a change did, makes the folder, and returns what the change returned', async () => {
    expect(await addPost('first')).toBe(1)
    expect(JSON.parse(readFileSync(store.file, 'utf8')).posts).toMatchObject([{ id: 1, title: 'first' }])
  })

  it('never gives an id twice, even after the newest post is deleted', async () => {
    await addPost('first')
    await store.update((data) => {
      data.posts = []
    })
    expect(await addPost('second')).toBe(2)
  })

  it('runs concurrent changes one at a time, so none is lost', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => addPost(`post ${i}`)))
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect((await store.read()).posts).toHaveLength(20)
  })

  it('replaces the file whole, leaving no temporary file behind', async () => {
    const reads: Promise<unknown>[] = []
    for (let i = 0; i < 10; i++) {
      reads.push(addPost(`post ${i}`), store.read())
    }
    await Promise.all(reads)
    expect(readdirSync(join(folder, 'data'))).toEqual(['blog.json'])
  })

  it('writes nothing when a change throws, and carries on with the next one', async () => {
    await addPost('kept')
    const failed = store.update(() => {
      throw new Error('no')
    })
    await expect(failed).rejects.toThrow('no')
    expect(await addPost('after')).toBe(2)
    expect((await store.read()).posts.map((post) => post.title)).toEqual(['kept', 'after'])
  })

  it('clear leaves an empty store (flagon init-db)', async () => {
    await addPost('gone')
    await store.clear()
    expect(await store.read()).toEqual({ users: [], posts: [], lastId: 0 })
  })
})
