/**
 * The Node binaries the targets run on, from `--node`: `system` (the Node running the harness),
 * `lts` (Node 24, fetched once by scripts/lts-node.mjs), or a path, comma-separated. A version
 * named twice (the system Node already being 24) runs once. The harness and the load generators
 * stay on the system Node, so only the targets change between the tables.
 */
import { execFileSync } from 'node:child_process'
import { ltsNode } from '../../scripts/lts-node.mjs'

/**
 * `[{ name, path, version }]` for each Node in `spec`.
 * @throws Error when a binary does not run
 */
export function resolveNodes(spec) {
  const nodes = []
  for (const name of spec.split(',').map((n) => n.trim())) {
    const path = name === 'system' ? process.execPath : name === 'lts' ? ltsNode() : name
    let version
    try {
      version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()
    } catch (error) {
      throw new Error(`--node ${name}: ${path} does not run (${error.message.split('\n')[0]}).`)
    }
    if (!nodes.some((n) => n.version === version)) nodes.push({ name, path, version })
  }
  return nodes
}
