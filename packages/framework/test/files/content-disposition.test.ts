import { describe, expect, it } from 'vitest'
import { contentDisposition } from '../../src/files/content-disposition.js'

describe('contentDisposition', () => {
  const names: Array<[name: string, filename: string, header: string]> = [
    ['a plain name is quoted', 'resume.txt', 'attachment; filename="resume.txt"'],
    ['a space stays', 'x y.txt', 'attachment; filename="x y.txt"'],
    [
      'accents get an ASCII fallback and filename*',
      'résumé.txt',
      `attachment; filename="resume.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt`,
    ],
    [
      'a non-Latin name keeps its extension in the fallback',
      '简历.pdf',
      `attachment; filename="__.pdf"; filename*=UTF-8''%E7%AE%80%E5%8E%86.pdf`,
    ],
    ['quotes and backslashes are escaped', 'a"b\\c.txt', 'attachment; filename="a\\"b\\\\c.txt"'],
    [
      "characters outside RFC 8187's attr-char are encoded in filename*",
      "l'été (1).txt",
      `attachment; filename="l'ete (1).txt"; filename*=UTF-8''l%27%C3%A9t%C3%A9%20%281%29.txt`,
    ],
  ]
  for (const [name, filename, header] of names) {
    it(name, () => {
      expect(contentDisposition(filename)).toBe(header)
    })
  }

  it('writes inline when asked', () => {
    expect(contentDisposition('report.pdf', 'inline')).toBe('inline; filename="report.pdf"')
  })
})
