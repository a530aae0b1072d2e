/**
 * The blog's data: users and posts in one JSON file, read whole and written whole. It plays the part
 * of flaskr's `db.py`: `getStore()` is `get_db()`, and `flagon init-db` empties the file.
 *
 * A write goes to a temporary file that is then renamed over the data file, so a reader never sees
 * half a file. Within a process, changes run one at a time per file, so two requests can't both read
 * the old data and each write back their own version, losing the other's change.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { currentApp } from '@flagon/framework'

/** A user; `password` is a hash from passwords.ts, never the password. */
export interface User {
  id: number
  username: string
  password: string
}

/** A blog post, with the id of the user who wrote it. */
export interface Post {
  id: number
  authorId: number
  title: string
  body: string
  /** When it was written, as an ISO 8601 string. */
  created: string
}

/** Everything the file holds. `lastId` numbers users and posts, so an id is never used twice. */
export interface Data {
  users: User[]
  posts: Post[]
  lastId: number
}

/** The store of the current app, at its `DATA_FILE`. */
export function getStore(): Store {
  return new Store(currentApp.config.DATA_FILE as string)
}

/** The data file at `file`. */
export class Store {
  constructor(readonly file: string) {}

  /** The data as it is now; a file that doesn't exist yet holds no users and no posts. */
  async read(): Promise<Data> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as Data
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyData()
      throw error
    }
  }

  /**
   * Reads the data, lets `change` modify it, and writes it back; returns what `change` returned.
   * @example await getStore().update((data) => { data.users.push(user) })
   */
  update<T>(change: (data: Data) => T): Promise<T> {
    return queued(this.file, async () => {
      const data = await this.read()
      const value = change(data)
      await this.#write(data)
      return value
    })
  }

  /** Replaces the file with an empty one (flaskr's `init_db`). */
  clear(): Promise<void> {
    return queued(this.file, () => this.#write(emptyData()))
  }

  async #write(data: Data): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true })
    const temporary = `${this.file}.${randomBytes(6).toString('hex')}.tmp`
    await writeFile(temporary, `${JSON.stringify(data, null, 2)}\n`)
    await rename(temporary, this.file)
  }
}

/** The next free id; call it inside `update`. */
export function nextId(data: Data): number {
  data.lastId += 1
  return data.lastId
}

function emptyData(): Data {
  return { users: [], posts: [], lastId: 0 }
}

// The change last queued for each file (never rejecting); the next one starts when it has settled.
const queues = new Map<string, Promise<unknown>>()

function queued<T>(file: string, task: () => Promise<T>): Promise<T> {
  const result = (queues.get(file) ?? Promise.resolve()).then(task)
  const settled = result.catch(() => {})
  queues.set(file, settled)
  // Forget a file once nothing is queued for it, so the map doesn't keep every file ever used.
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file)
  })
  return result
}
