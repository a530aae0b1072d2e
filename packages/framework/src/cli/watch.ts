/**
 * Watching an app's sources for `flagon run --reload`. macOS and Windows watch a whole tree natively
 * (`fs.watch` with `recursive`); elsewhere each directory gets its own watcher, so that `node_modules`
 * and build output, which a recursive watch would walk too, are never watched.
 */
import { type Dirent, type FSWatcher, readdirSync, statSync, watch } from 'node:fs'
import { basename, extname, join, sep } from 'node:path'

/** The files whose change restarts the app: code, and the env files the CLI loads. */
export const WATCHED_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'])
const WATCHED_NAMES = new Set(['.env', '.flagonenv'])
/** Directories never watched, besides those whose name starts with a dot. */
export const IGNORED_DIRECTORIES = new Set(['node_modules', 'dist', 'build', 'coverage'])

const NATIVE_RECURSIVE = process.platform === 'darwin' || process.platform === 'win32'

/** Calls `onChange` with the path of each source file that changes under the roots it was given. */
export class SourceWatcher {
  readonly #watchers = new Map<string, FSWatcher>()

  constructor(readonly onChange: (file: string) => void) {}

  /** Starts watching the tree under `root` (once per directory). */
  add(root: string): void {
    if (NATIVE_RECURSIVE) this.#watch(root, true)
    else this.#walk(root)
  }

  /** Stops every watcher. */
  close(): void {
    for (const watcher of this.#watchers.values()) watcher.close()
    this.#watchers.clear()
  }

  #walk(dir: string): void {
    if (this.#watchers.has(dir) || !this.#watch(dir, false)) return
    let entries: Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !isIgnoredDirectory(entry.name)) this.#walk(join(dir, entry.name))
    }
  }

  #watch(dir: string, recursive: boolean): boolean {
    if (this.#watchers.has(dir)) return false
    let watcher: FSWatcher
    try {
      watcher = watch(dir, { recursive }, (_event, filename) => {
        if (filename) this.#changed(dir, filename.toString(), recursive)
      })
    } catch {
      return false
    }
    // A watched directory that is deleted ends its watcher with an error; forget it.
    watcher.on('error', () => {
      watcher.close()
      this.#watchers.delete(dir)
    })
    this.#watchers.set(dir, watcher)
    return true
  }

  // `name` is relative to the watched directory: a bare name, or a path under it when recursive.
  #changed(dir: string, name: string, recursive: boolean): void {
    const parts = name.split(sep)
    if (parts.slice(0, -1).some(isIgnoredDirectory)) return
    const path = join(dir, name)
    if (isSource(path)) {
      this.onChange(path)
      return
    }
    // A new directory: watch it too.
    if (!recursive && !isIgnoredDirectory(basename(path)) && isDirectory(path)) this.#walk(path)
  }
}

function isSource(path: string): boolean {
  const name = basename(path)
  if (WATCHED_NAMES.has(name)) return true
  return !name.startsWith('.#') && WATCHED_EXTENSIONS.has(extname(name))
}

function isIgnoredDirectory(name: string): boolean {
  return (
    IGNORED_DIRECTORIES.has(name) || (name.startsWith('.') && name.length > 1 && !WATCHED_NAMES.has(name))
  )
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
