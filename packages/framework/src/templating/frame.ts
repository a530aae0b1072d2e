/**
 * nunjucks' Frame with a cheaper `set`. Compiled templates set loop variables (`loop.index`,
 * `loop.first`, …) on every iteration, and nunjucks splits each name on dots every time: in a
 * 20-item loop that split was a quarter of a render. Here the split of a name is made once. The
 * frames behave exactly as nunjucks' own (they are its subclass); Flagon's templates render with
 * them, and nunjucks used elsewhere in the process is left as it is.
 */
import nunjucks from 'nunjucks'

/** The parts of nunjucks' Frame that Flagon uses (not in its typings). */
export interface Frame {
  variables: Record<string, unknown>
  parent: Frame | undefined
  topLevel: boolean
  isolateWrites: boolean | undefined
  set(name: string, value: unknown, resolveUp?: boolean): void
  resolve(name: string, forWrite?: boolean): Frame | undefined
  push(isolateWrites?: boolean): Frame
}

type FrameClass = new (parent?: Frame, isolateWrites?: boolean) => Frame
const BaseFrame = (nunjucks.runtime as unknown as { Frame: FrameClass }).Frame

// Names come from template source, so there are few; the bound only guards against a template
// that makes names at render time.
const MAX_CACHED_NAMES = 1000
const splits = new Map<string, readonly string[]>()

function split(name: string): readonly string[] {
  let parts = splits.get(name)
  if (parts === undefined) {
    parts = name.split('.')
    if (splits.size < MAX_CACHED_NAMES) splits.set(name, parts)
  }
  return parts
}

export class FastFrame extends BaseFrame {
  override set(name: string, value: unknown, resolveUp?: boolean): void {
    const parts = split(name)
    if (resolveUp) {
      const owner = this.resolve(parts[0]!, true)
      if (owner) {
        owner.set(name, value)
        return
      }
    }
    let target = this.variables
    for (let i = 0; i < parts.length - 1; i++) {
      const id = parts[i]!
      target[id] ||= {}
      target = target[id] as Record<string, unknown>
    }
    target[parts[parts.length - 1]!] = value
  }

  override push(isolateWrites?: boolean): Frame {
    return new FastFrame(this, isolateWrites)
  }

  /** `frame` as a FastFrame sharing its variables: what nunjucks made becomes ours from here down. */
  static from(frame: Frame): Frame {
    if (frame instanceof FastFrame) return frame
    const fast = new FastFrame(frame.parent, frame.isolateWrites)
    fast.variables = frame.variables
    fast.topLevel = frame.topLevel
    return fast
  }
}
