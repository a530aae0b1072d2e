import type { Logger } from '@flagon/framework'
import { expect, it } from 'vitest'
import { createApp as loggingApp } from '../../snippets/logging/app.js'
import { createApp as cookiesApp } from '../../snippets/logging/cookies.js'
import { createApp as signalsApp } from '../../snippets/signals/app.js'

function recorder(): { logger: Logger; lines: string[] } {
  const lines: string[] = []
  const at =
    (level: string) =>
    (message: string, ...rest: unknown[]) =>
      void lines.push(
        `${level} ${message}${rest.map((r) => ` ${r instanceof Error ? r.message : r}`).join('')}`,
      )
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } }
}

it('logs through the logger given, and logs an unhandled error once with a 500', async () => {
  const { logger, lines } = recorder()
  const client = loggingApp(logger).testClient()
  await client.post('/orders')
  expect((await client.get('/boom')).status).toBe(500)
  await client.close()
  expect(lines[0]).toBe('info Order placed')
  expect(lines.filter((line) => line.startsWith('error'))).toHaveLength(1)
  expect(lines.at(-1)).toContain('the database is on fire')
})

it('warns in DEBUG about a cookie browsers would drop, and sends it unchanged', async () => {
  const { logger, lines } = recorder()
  const client = cookiesApp(logger).testClient()
  const response = await client.get('/embed')
  await client.close()
  expect(response.headers.getSetCookie()).toEqual(['widget=on; Path=/; SameSite=None'])
  expect(lines).toEqual([
    'warn Browsers will ignore the cookie "widget" set by GET /embed: SameSite=None needs Secure.',
  ])
})

it('sends the signals to their receivers', async () => {
  const seen: string[] = []
  await signalsApp(seen).testApp(async (client) => {
    await client.get('/')
    await client.get('/boom')
  })
  expect(seen).toEqual(['rendered a string', 'finished 200', 'error boom', 'finished 500'])
})
