import { describe, expect, it } from 'vitest'
import { guessMimetype } from '../../src/files/mimetypes.js'

describe('guessMimetype', () => {
  const names: Array<[filename: string, type: string | null]> = [
    ['index.html', 'text/html'],
    ['app.js', 'text/javascript'],
    ['STYLE.CSS', 'text/css'],
    ['data.json', 'application/json'],
    ['logo.svg', 'image/svg+xml'],
    ['photo.jpeg', 'image/jpeg'],
    ['font.woff2', 'font/woff2'],
    ['clip.mp4', 'video/mp4'],
    ['archive.tar.gz', 'application/gzip'],
    ['dir.d/README', null],
    ['unknown.xyz', null],
    ['.bashrc', null],
  ]
  for (const [filename, type] of names) {
    it(`${filename} → ${type}`, () => {
      expect(guessMimetype(filename)).toBe(type)
    })
  }
})
