/** The targets, in the order their rows are printed. `raw` and `flagon` are the two ratio baselines. */
import { fileURLToPath } from 'node:url'

const file = (name) => fileURLToPath(new URL(`../targets/${name}.mjs`, import.meta.url))

export const targets = [
  { name: 'node', title: 'node:http (raw)', file: file('node'), packages: ['ws', 'busboy'] },
  { name: 'flagon', title: 'Flagon', file: file('flagon'), packages: ['@flagon/framework'] },
  {
    name: 'fastify',
    title: 'Fastify',
    file: file('fastify'),
    packages: ['fastify', '@fastify/cookie', '@fastify/websocket', '@fastify/multipart'],
  },
  {
    name: 'hono',
    title: 'Hono',
    file: file('hono'),
    packages: ['hono', '@hono/node-server', '@hono/node-ws'],
  },
  {
    name: 'express',
    title: 'Express',
    file: file('express'),
    packages: ['express', 'cookie-session', 'ws', 'multer'],
  },
]

export const RAW = 'node'
export const FLAGON = 'flagon'
