import { afterEach, expect, it, vi } from 'vitest'
import { createApp } from '../../snippets/cli/app.js'

afterEach(() => {
  vi.restoreAllMocks()
})

/** Runs `flagon …argv` on the app in this process; what it printed, and its exit code. */
async function flagon(argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const app = createApp()
  const out: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' ')))
  let err = ''
  const stderr = { write: (text: string) => (err += text) }
  const code = await app.cli.invoke(argv, { prog: 'flagon', app, stderr })
  return { code, out, err }
}

it('runs a command with its options, in an app context', async () => {
  expect(await flagon(['greet'])).toMatchObject({ code: 0, out: ['Hello, you!'] })
  expect(await flagon(['greet', '-n', 'Ada', '--shout'])).toMatchObject({ code: 0, out: ['HELLO, ADA!'] })
})

it('runs a command of a group, and reports a CommandError without a stack', async () => {
  expect(await flagon(['users', 'add', 'ada', 'bo'])).toMatchObject({
    code: 0,
    out: ['Added ada.', 'Added bo.'],
  })
  const failed = await flagon(['users', 'add'])
  expect(failed.code).toBe(1)
  expect(failed.err).toContain('Give at least one name.')
})

it('refuses an unknown option with exit code 2', async () => {
  expect((await flagon(['greet', '--loud'])).code).toBe(2)
})
