import { afterAll, describe, expect, it } from 'vitest'
import { parseEnv, parseEnvSimply } from '../../src/cli/env-file.js'
import { flagon, removeTempDirs, tempDir } from './cli-process.js'

afterAll(removeTempDirs)

const ENV = `# settings
GREETING=hello from .env
export EXPORTED=yes
QUOTED="two words" # a comment
SINGLE='it''s'
EMPTY=
SPACED = padded
`
const expected = {
  GREETING: 'hello from .env',
  EXPORTED: 'yes',
  QUOTED: 'two words',
  EMPTY: '',
  SPACED: 'padded',
}

describe('reading an env file', () => {
  it("Node's parseEnv and the fallback parser agree on the common cases", () => {
    expect(parseEnv(ENV)).toMatchObject(expected)
    expect(parseEnvSimply(ENV)).toMatchObject(expected)
  })
})

// `flagon env NAME…` (a command of the fixture) prints what the CLI left in the environment.
describe.concurrent('the env files the CLI loads', () => {
  const app = { 'app.ts': 'fixture:commands-app.ts' }

  it('loads .env, then .flagonenv; an earlier file and the environment win', async () => {
    const dir = tempDir({
      ...app,
      '.env': 'GREETING=from .env\nSHARED=from .env\nOVERRIDDEN=from .env\n',
      '.flagonenv': 'SHARED=from .flagonenv\nONLY_FLAGONENV=from .flagonenv\n',
    })
    const result = await flagon(['env', 'GREETING', 'SHARED', 'ONLY_FLAGONENV', 'OVERRIDDEN'], {
      cwd: dir,
      env: { OVERRIDDEN: 'from the environment' },
    })
    expect(result.stdout).toBe(
      'GREETING=from .env\nSHARED=from .env\nONLY_FLAGONENV=from .flagonenv\nOVERRIDDEN=from the environment\n',
    )
  })

  it('loads -e/--env-file first, and FLAGON_APP may come from a file', async () => {
    const dir = tempDir({
      'commands.ts': 'fixture:commands-app.ts',
      '.env': 'FLAGON_APP=commands.ts\nGREETING=from .env\n',
      'production.env': 'GREETING=from production.env\n',
    })
    const result = await flagon(['-e', 'production.env', 'env', 'GREETING'], { cwd: dir })
    expect(result.stdout).toBe('GREETING=from production.env\n')
  })

  it('skips .env and .flagonenv with FLAGON_SKIP_DOTENV=1, but not --env-file', async () => {
    const dir = tempDir({ ...app, '.env': 'GREETING=from .env\n', 'extra.env': 'EXTRA=from extra.env\n' })
    const result = await flagon(['--env-file', 'extra.env', 'env', 'GREETING', 'EXTRA'], {
      cwd: dir,
      env: { FLAGON_SKIP_DOTENV: '1' },
    })
    expect(result.stdout).toBe('GREETING=(unset)\nEXTRA=from extra.env\n')
  })

  it('turns debug on from FLAGON_DEBUG in .env, and --no-debug wins over it', async () => {
    const dir = tempDir({ ...app, '.env': 'FLAGON_DEBUG=1\n' })
    expect((await flagon(['debug'], { cwd: dir })).stdout).toBe('debug true\n')
    expect((await flagon(['--no-debug', 'debug'], { cwd: dir })).stdout).toBe('debug false\n')
  })

  it('refuses an --env-file that does not exist (exit code 2)', async () => {
    const dir = tempDir(app)
    const result = await flagon(['-e', 'missing.env', 'env', 'X'], { cwd: dir })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      "Invalid value for '-e' / '--env-file': The env file 'missing.env' does not exist.",
    )
  })
})
