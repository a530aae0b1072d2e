/**
 * Media types guessed from a file name's extension, for `sendFile`: a small table of the types a
 * web app serves, in place of Python's `mimetypes` database. Unknown extensions give null, and
 * `sendFile` falls back to `application/octet-stream`.
 */
import { extname } from 'node:path'

/**
 * The media type of a file name, from its last extension compared case-insensitively, or null.
 * Text types come without a charset; the Response adds `; charset=utf-8`.
 *
 * @example
 * guessMimetype('style.CSS') // 'text/css'
 * guessMimetype('archive.tar.gz') // 'application/gzip'
 */
export function guessMimetype(filename: string): string | null {
  return mimetypes.get(extname(filename).slice(1).toLowerCase()) ?? null
}

/** The table behind {@link guessMimetype}: extension (lower case, no dot) → media type. */
export const mimetypes: ReadonlyMap<string, string> = new Map(
  Object.entries({
    // text and code
    html: 'text/html',
    htm: 'text/html',
    css: 'text/css',
    js: 'text/javascript',
    mjs: 'text/javascript',
    cjs: 'text/javascript',
    txt: 'text/plain',
    text: 'text/plain',
    csv: 'text/csv',
    tsv: 'text/tab-separated-values',
    md: 'text/markdown',
    markdown: 'text/markdown',
    ics: 'text/calendar',
    vtt: 'text/vtt',
    xml: 'text/xml',
    py: 'text/x-python',
    json: 'application/json',
    map: 'application/json',
    jsonld: 'application/ld+json',
    webmanifest: 'application/manifest+json',
    xhtml: 'application/xhtml+xml',
    atom: 'application/atom+xml',
    rss: 'application/rss+xml',
    yaml: 'application/yaml',
    yml: 'application/yaml',
    toml: 'application/toml',
    wasm: 'application/wasm',
    // images
    png: 'image/png',
    apng: 'image/apng',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    jpe: 'image/jpeg',
    gif: 'image/gif',
    webp: 'image/webp',
    avif: 'image/avif',
    heic: 'image/heic',
    svg: 'image/svg+xml',
    ico: 'image/vnd.microsoft.icon',
    bmp: 'image/bmp',
    tif: 'image/tiff',
    tiff: 'image/tiff',
    // fonts
    woff: 'font/woff',
    woff2: 'font/woff2',
    ttf: 'font/ttf',
    otf: 'font/otf',
    eot: 'application/vnd.ms-fontobject',
    // audio and video
    mp3: 'audio/mpeg',
    wav: 'audio/wav',
    ogg: 'audio/ogg',
    oga: 'audio/ogg',
    opus: 'audio/opus',
    flac: 'audio/flac',
    aac: 'audio/aac',
    m4a: 'audio/mp4',
    mid: 'audio/midi',
    midi: 'audio/midi',
    mp4: 'video/mp4',
    m4v: 'video/mp4',
    webm: 'video/webm',
    ogv: 'video/ogg',
    mov: 'video/quicktime',
    mpeg: 'video/mpeg',
    mpg: 'video/mpeg',
    avi: 'video/x-msvideo',
    mkv: 'video/x-matroska',
    m3u8: 'application/vnd.apple.mpegurl',
    // documents and archives
    pdf: 'application/pdf',
    rtf: 'application/rtf',
    epub: 'application/epub+zip',
    doc: 'application/msword',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    xls: 'application/vnd.ms-excel',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ppt: 'application/vnd.ms-powerpoint',
    pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    odt: 'application/vnd.oasis.opendocument.text',
    ods: 'application/vnd.oasis.opendocument.spreadsheet',
    odp: 'application/vnd.oasis.opendocument.presentation',
    zip: 'application/zip',
    gz: 'application/gzip',
    tgz: 'application/gzip',
    tar: 'application/x-tar',
    bz2: 'application/x-bzip2',
    xz: 'application/x-xz',
    '7z': 'application/x-7z-compressed',
  }),
)
