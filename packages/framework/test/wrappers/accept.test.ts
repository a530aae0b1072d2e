import { describe, expect, it } from 'vitest'
import { Accept, CharsetAccept, LanguageAccept, MIMEAccept } from '../../src/wrappers/accept.js'

describe('an Accept built from pairs (Werkzeug test_accept_basic)', () => {
  const accept = new Accept([
    ['tinker', 0],
    ['tailor', 0.333],
    ['soldier', 0.667],
    ['sailor', 1],
  ])

  it('sorts by quality, best first', () => {
    expect([...accept]).toEqual([
      ['sailor', 1],
      ['soldier', 0.667],
      ['tailor', 0.333],
      ['tinker', 0],
    ])
    expect(accept.best).toBe('sailor')
    expect(accept.values()).toEqual(['sailor', 'soldier', 'tailor', 'tinker'])
  })

  const qualities: Array<[string, number]> = [
    ['tinker', 0],
    ['tailor', 0.333],
    ['SAILOR', 1],
    ['spy', 0],
  ]
  for (const [value, quality] of qualities) {
    it(`gives ${value} the quality ${quality}`, () => expect(accept.quality(value)).toBe(quality))
  }

  const matches: Array<[offers: string[], fallback: string | null, expected: string | null]> = [
    [['tinker', 'tailor', 'soldier', 'sailor'], null, 'sailor'],
    [['tinker', 'tailor', 'soldier'], null, 'soldier'],
    [['tinker', 'tailor'], null, 'tailor'],
    [['tinker'], null, null],
    [['tinker'], 'x', 'x'],
  ]
  for (const [offers, fallback, expected] of matches) {
    it(`bestMatch(${offers.join(',')}) is ${expected}`, () => {
      expect(fallback === null ? accept.bestMatch(offers) : accept.bestMatch(offers, fallback)).toBe(expected)
    })
  }

  it('includes a listed value, even one refused with q=0 (Werkzeug)', () => {
    expect(accept.includes('sailor')).toBe(true)
    expect(accept.includes('tinker')).toBe(true)
    expect(accept.includes('spy')).toBe(false)
  })

  it('writes the header back', () => {
    expect(accept.toString()).toBe('sailor,soldier;q=0.667,tailor;q=0.333,tinker;q=0')
  })
})

describe('wildcards and order (Werkzeug)', () => {
  const cases: Array<[name: string, accept: Accept, offers: string[], expected: string | null]> = [
    [
      'a wildcard refused with q=0 does not match',
      new Accept([
        ['*', 0],
        ['asterisk', 1],
      ]),
      ['star'],
      null,
    ],
    [
      'the named value beats the refusing wildcard',
      new Accept([
        ['*', 0],
        ['asterisk', 1],
      ]),
      ['asterisk', 'star'],
      'asterisk',
    ],
    ['a wildcard keeps the offer order (alice)', new Accept([['*', 1]]), ['alice', 'bob'], 'alice'],
    ['a wildcard keeps the offer order (bob)', new Accept([['*', 1]]), ['bob', 'alice'], 'bob'],
    [
      'equal qualities keep the offer order',
      new Accept([
        ['alice', 1],
        ['bob', 1],
      ]),
      ['bob', 'alice'],
      'bob',
    ],
    [
      'a higher quality wins over the offer order',
      new Accept([
        ['asterisk', 0],
        ['star', 0.5],
        ['*', 1],
      ]),
      ['star', 'asterisk'],
      'star',
    ],
    [
      'the wildcard covers an unnamed offer',
      new Accept([
        ['asterisk', 0],
        ['star', 0.5],
        ['*', 1],
      ]),
      ['asterisk', 'times'],
      'times',
    ],
    [
      'a specific refusal beats the wildcard',
      new Accept([
        ['asterisk', 0],
        ['star', 0.5],
        ['*', 1],
      ]),
      ['asterisk'],
      null,
    ],
  ]
  for (const [name, accept, offers, expected] of cases)
    it(name, () => expect(accept.bestMatch(offers)).toBe(expected))

  it('gives the first of equal qualities as best', () => {
    expect(
      new Accept([
        ['a', 1],
        ['b', 1],
      ]).best,
    ).toBe('a')
  })
})

describe('MIMEAccept.bestMatch (Werkzeug test_mime_accept)', () => {
  const cases: Array<
    [values: Array<[string, number]>, offers: string[], fallback: string | null, expected: string | null]
  > = [
    [[['text/*', 1]], ['text/html'], null, 'text/html'],
    [[['text/*', 1]], ['image/png'], 'text/plain', 'text/plain'],
    [[['text/*', 1]], ['image/png'], null, null],
    [
      [
        ['*/*', 1],
        ['text/html', 1],
      ],
      ['image/png', 'text/html'],
      null,
      'text/html',
    ],
    [
      [
        ['*/*', 1],
        ['text/html', 1],
      ],
      ['image/png', 'text/plain'],
      null,
      'image/png',
    ],
    [
      [
        ['*/*', 1],
        ['text/html', 1],
        ['image/*', 1],
      ],
      ['image/png', 'text/html'],
      null,
      'text/html',
    ],
    [
      [
        ['*/*', 1],
        ['text/html', 1],
        ['image/*', 1],
      ],
      ['text/plain', 'image/png'],
      null,
      'image/png',
    ],
    [
      [
        ['text/html', 1],
        ['text/html; level=1', 1],
      ],
      ['text/html;level=1'],
      null,
      'text/html;level=1',
    ],
  ]
  for (const [values, offers, fallback, expected] of cases) {
    it(`${JSON.stringify(values)} with ${offers.join(', ')} gives ${expected}`, () => {
      const accept = new MIMEAccept(values)
      expect(fallback === null ? accept.bestMatch(offers) : accept.bestMatch(offers, fallback)).toBe(expected)
    })
  }

  it('refuses an offer that is not a mimetype with a TypeError', () => {
    expect(() => new MIMEAccept([['text/html', 1]]).bestMatch(['html'])).toThrow(TypeError)
  })
})

describe('parsing an Accept header', () => {
  const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

  it('orders a browser header by specificity, then quality', () => {
    expect([...MIMEAccept.parse(browser)]).toEqual([
      ['text/html', 1],
      ['application/xhtml+xml', 1],
      ['application/xml', 0.9],
      ['*/*', 0.8],
    ])
  })

  it('prefers HTML over JSON for a browser, and accepts both', () => {
    const accept = MIMEAccept.parse(browser)
    expect(accept.bestMatch(['application/json', 'text/html'])).toBe('text/html')
    expect(accept.acceptHtml).toBe(true)
    expect(accept.acceptJson).toBe(true)
    expect(accept.quality('application/json')).toBe(0.8)
  })

  const headers: Array<[name: string, header: string | null, expected: Array<[string, number]>]> = [
    ['an absent header is empty and not provided', null, []],
    ['an invalid q drops the item', 'a;q=2, b;q=x, c;q=0.5', [['c', 0.5]]],
    ['other parameters stay in the value', 'text/html;level=1;q=0.5', [['text/html; level=1', 0.5]]],
    ['an unclosed quote gives nothing', 'a, "b', []],
    [
      'empty items are skipped',
      'a,,b',
      [
        ['a', 1],
        ['b', 1],
      ],
    ],
  ]
  for (const [name, header, expected] of headers) {
    it(name, () => expect([...MIMEAccept.parse(header)]).toEqual(expected))
  }

  it('knows whether the header was provided', () => {
    expect(Accept.parse(null).provided).toBe(false)
    expect(Accept.parse('gzip').provided).toBe(true)
    expect(Accept.parse(null).best).toBeNull()
  })
})

describe('LanguageAccept.bestMatch falls back to primary tags (Werkzeug)', () => {
  const cases: Array<
    [values: Array<[string, number]>, offers: string[], fallback: string | null, expected: string | null]
  > = [
    [[['en-us', 1]], ['en'], null, 'en'],
    [[['en', 1]], ['en_US'], null, 'en_US'],
    [[['en-GB', 1]], ['en-US'], null, null],
    [
      [
        ['de_AT', 1],
        ['de', 0.9],
      ],
      ['en'],
      null,
      null,
    ],
    [
      [
        ['de_AT', 1],
        ['de', 0.9],
        ['en-US', 0.8],
      ],
      ['de', 'en'],
      null,
      'de',
    ],
    [
      [
        ['de_AT', 0.9],
        ['en-US', 1],
      ],
      ['en'],
      null,
      'en',
    ],
    [[['en-us', 1]], ['en-us'], null, 'en-us'],
    [[['en-us', 1]], ['en-us', 'en'], null, 'en-us'],
    [[['en-GB', 1]], ['en-US', 'en'], 'en-US', 'en'],
    [[['de_AT', 1]], ['en-US', 'en'], 'en-US', 'en-US'],
    [[['aus-EN', 1]], ['aus'], null, 'aus'],
    [[['aus', 1]], ['aus-EN'], null, 'aus-EN'],
  ]
  for (const [values, offers, fallback, expected] of cases) {
    it(`${JSON.stringify(values)} with ${offers.join(', ')} gives ${expected}`, () => {
      const accept = new LanguageAccept(values)
      expect(fallback === null ? accept.bestMatch(offers) : accept.bestMatch(offers, fallback)).toBe(expected)
    })
  }

  it('matches tags whatever their case and separator', () => {
    expect(LanguageAccept.parse('en-US').includes('en_us')).toBe(true)
  })
})

describe('CharsetAccept', () => {
  const accept = new CharsetAccept([
    ['ISO-8859-1', 1],
    ['utf-8', 0.7],
  ])
  const cases: Array<[value: string, included: boolean]> = [
    ['iso-8859-1', true],
    ['latin1', true],
    ['UTF8', true],
    ['utf7', false],
  ]
  for (const [value, included] of cases) {
    it(`${included ? 'includes' : 'does not include'} ${value}`, () =>
      expect(accept.includes(value)).toBe(included))
  }
  it('gives the first choice as best', () => expect(accept.best).toBe('ISO-8859-1'))
})
