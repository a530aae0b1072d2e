/**
 * Builds one package (run from its folder): its type declarations with tsc, and its JavaScript with
 * esbuild as one module per entry point, code they share in a chunk of its own (so a class is
 * defined once, and `instanceof` holds across entries). Dependencies stay imports.
 *
 * One module instead of one per source file is what a cold start pays for: Node resolves, reads,
 * compiles and links each module it imports, and Flagon's 126 cost about 35 ms before the first
 * request could be served (Node 24).
 *
 * Usage: node ../../scripts/build-package.mjs index=src/index.ts [cli/main=src/cli/main.ts …]
 */
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { build } from 'esbuild'

const entryPoints = Object.fromEntries(process.argv.slice(2).map((arg) => arg.split('=')))
if (Object.keys(entryPoints).length === 0) {
  console.error('usage: build-package.mjs name=src/file.ts …')
  process.exit(2)
}

// A build starts clean: no module of an earlier layout is left to be imported or published.
rmSync('dist', { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], {
  stdio: 'inherit',
})
await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
})
