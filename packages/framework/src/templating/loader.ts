/**
 * Finding a template's file: the folders of the search path in order (the app's `templates/`
 * first, then each blueprint's), as Flask's `DispatchingJinjaLoader`. Reads are synchronous, as
 * nunjucks' own file loader's are: they happen once per template, then the compiled template is
 * cached (environment.ts).
 */
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** A template's file as found: where, what, and the stamp that tells when it changed. */
export interface TemplateFile {
  readonly path: string
  readonly source: string
  readonly stamp: string
}

/**
 * The first folder's file for `name`, or null when no folder has it (or the name tries to leave
 * its folder, which counts as not found, as in Jinja).
 */
export function findTemplate(searchPath: readonly string[], name: string): TemplateFile | null {
  const parts = splitTemplatePath(name)
  if (!parts) return null
  for (const folder of searchPath) {
    const path = join(folder, ...parts)
    const stamp = stampOf(path)
    if (stamp === null) continue
    try {
      return { path, source: readFileSync(path, 'utf8'), stamp }
    } catch {
      // Removed between stat and read, or unreadable: as if it were not there.
    }
  }
  return null
}

/** Whether the file at `path` still has `stamp` (the same modification time and size). */
export function isUnchanged(path: string, stamp: string): boolean {
  return stampOf(path) === stamp
}

// Jinja's split_template_path: "/" separates folders; ".." and NUL are refused, "" and "." dropped.
function splitTemplatePath(name: string): string[] | null {
  const parts: string[] = []
  for (const part of name.split('/')) {
    if (part === '..' || part.includes('\\') || part.includes('\0')) return null
    if (part !== '' && part !== '.') parts.push(part)
  }
  return parts.length ? parts : null
}

function stampOf(path: string): string | null {
  try {
    const stats = statSync(path)
    return stats.isFile() ? `${stats.mtimeMs}:${stats.size}` : null
  } catch {
    return null
  }
}
