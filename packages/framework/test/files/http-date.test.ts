import { describe, expect, it } from 'vitest'
import { formatHttpDate, parseHttpDate } from '../../src/files/http-date.js'

describe('parseHttpDate', () => {
  const nov6 = Date.UTC(1994, 10, 6, 8, 49, 37)
  const dates: Array<[name: string, value: string | null, time: number | null]> = [
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT', nov6],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT', nov6],
    ['asctime', 'Sun Nov  6 08:49:37 1994', nov6],
    ['any case', 'sun, 06 NOV 1994 08:49:37 GMT', nov6],
    ['no value', null, null],
    ['garbage', 'yesterday', null],
    ['an impossible day', 'Mon, 31 Feb 2025 00:00:00 GMT', null],
    ['an impossible hour', 'Sun, 06 Nov 1994 24:49:37 GMT', null],
    ['another zone', 'Sun, 06 Nov 1994 08:49:37 PST', null],
  ]
  for (const [name, value, time] of dates) {
    it(`reads ${name}`, () => {
      expect(parseHttpDate(value)).toBe(time)
    })
  }

  it('reads back what formatHttpDate writes', () => {
    const time = Date.UTC(2030, 0, 2, 3, 4, 5)
    expect(formatHttpDate(time)).toBe('Wed, 02 Jan 2030 03:04:05 GMT')
    expect(parseHttpDate(formatHttpDate(time))).toBe(time)
  })
})
