/**
 * How a request's changes reach a record other requests may have changed meanwhile: the interface
 * measures what the request changed against the record it opened (`changesOf`), and the store's
 * compare-and-set `update` applies them to whatever is stored now (`mergeChanges`). Keys the request did
 * not touch keep the other requests' values; a key both wrote ends with the value saved later.
 */
import type { TextSerializer } from '../signing/json.js'
import type { ServerSideSession } from './session.js'

/** A change a request made to one key: its new value, or its deletion. */
export type Change = { deleted: false; value: unknown } | { deleted: true }

/**
 * What the request changed: every key it wrote (set, deleted, also to the same value), and every key
 * whose value differs from the record it was opened from (a change in place, marked `modified`).
 */
export function changesOf(
  session: ServerSideSession,
  opened: string | undefined,
  serializer: TextSerializer,
): Map<string, Change> {
  const before = loadRecord(opened, serializer) ?? {}
  const one = (value: unknown) => serializer.dumps(new Map([['v', value]]))
  const changes = new Map<string, Change>()
  for (const [key, value] of session.entries()) {
    const changed =
      session.writtenKeys.has(key) || !Object.hasOwn(before, key) || one(before[key]) !== one(value)
    if (changed) changes.set(key, { deleted: false, value })
  }
  for (const key of [...Object.keys(before), ...session.writtenKeys]) {
    if (!session.has(key)) changes.set(key, { deleted: true })
  }
  return changes
}

/**
 * The stored record with the changes applied, for `store.update`: null (store nothing) when there is
 * no record, because a session another request ended must stay ended; the request's whole view when
 * the record cannot be read.
 */
export function mergeChanges(
  current: string | null,
  changes: Map<string, Change>,
  serializer: TextSerializer,
  whole: () => string,
): string | null {
  if (current === null) return null
  const data = loadRecord(current, serializer)
  if (data === null) return whole()
  const merged = new Map(Object.entries(data))
  for (const [key, change] of changes) {
    if (change.deleted) merged.delete(key)
    else merged.set(key, change.value)
  }
  return serializer.dumps(merged)
}

/** A record's data, or null when it is missing or cannot be read. */
export function loadRecord(
  record: string | undefined | null,
  serializer: TextSerializer,
): Record<string, unknown> | null {
  if (record === undefined || record === null) return null
  try {
    const data = serializer.loads(record)
    return typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}
