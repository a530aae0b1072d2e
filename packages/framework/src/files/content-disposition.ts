/**
 * The Content-Disposition header of a download (RFC 6266), with RFC 8187 (was 5987) encoding for
 * names that are not plain ASCII: a `filename` every client reads plus a `filename*` that keeps
 * the real name. Quart sends non-ASCII names raw (quart-behaviour.md §1.8); Werkzeug, and Flagon,
 * send both forms.
 */

/**
 * A Content-Disposition value naming a file.
 *
 * @example
 * contentDisposition('résumé.txt')
 * // attachment; filename="resume.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt
 * contentDisposition('report.pdf', 'inline') // inline; filename="report.pdf"
 */
export function contentDisposition(filename: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const fallback = asciiFallback(filename)
  const quoted = `"${fallback.replace(/["\\]/g, '\\$&')}"`
  const value = `${type}; filename=${quoted}`
  return fallback === filename ? value : `${value}; filename*=UTF-8''${encodeExtended(filename)}`
}

// Accents are dropped (é → e, as Werkzeug's NFKD); other characters a quoted-string cannot
// safely carry become '_', so the fallback never loses its extension or breaks the header.
function asciiFallback(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
}

// RFC 8187 attr-char is ALPHA / DIGIT / "!#$&+-.^_`|~"; every other UTF-8 byte is percent-encoded.
function encodeExtended(name: string): string {
  let out = ''
  for (const byte of new TextEncoder().encode(name)) {
    const char = String.fromCharCode(byte)
    out += /[A-Za-z0-9!#$&+\-.^_`|~]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}
