/**
 * The "Coming from Quart" name map may only claim Flagon names that exist: exports are looked up in
 * both packages' public index (values and types, read by the TypeScript compiler), members on real
 * objects. Rows marked "not yet" or "not needed" claim nothing and are not checked.
 */
import { fileURLToPath } from 'node:url'
import { Blueprint, Flagon, HTTPException, Response } from '@flagon/framework'
import { Session } from '@flagon/sessions'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { type NameMapKind, nameMap } from '../snippets/name-map.js'

const index = (pkg: string) => fileURLToPath(new URL(`../../packages/${pkg}/src/index.ts`, import.meta.url))

function exportedNames(): Set<string> {
  const files = [index('framework'), index('sessions')]
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
  })
  const checker = program.getTypeChecker()
  const names = new Set<string>()
  for (const file of files) {
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!
    for (const exported of checker.getExportsOfModule(symbol)) names.add(exported.name)
  }
  return names
}

async function membersByKind(): Promise<Record<Exclude<NameMapKind, 'export'>, object>> {
  const app = new Flagon('name-map')
  app.config.SECRET_KEY = 'name map'
  app.websocket('/ws', async () => {})
  const { request } = app.testRequestContext('/')
  return {
    app,
    blueprint: new Blueprint('bp'),
    request,
    response: new Response('x'),
    session: new Session(),
    websocket: (await import('@flagon/framework')).Websocket.prototype,
    error: new HTTPException(),
  }
}

describe('the name map', () => {
  const claimed = nameMap.filter((row) => row.flagon !== null)

  it('claims only names the packages export', () => {
    const names = exportedNames()
    const missing = claimed
      .filter((row) => row.kind === 'export' && !names.has(row.flagon!))
      .map((row) => `${row.quart} → ${row.flagon}`)
    expect(missing).toEqual([])
  })

  it('claims only members that exist on the objects', async () => {
    const objects = await membersByKind()
    const missing = claimed
      .filter((row) => row.kind !== 'export' && !(row.flagon! in objects[row.kind as keyof typeof objects]))
      .map((row) => `${row.kind}: ${row.quart} → ${row.flagon}`)
    expect(missing).toEqual([])
  })

  it('says why a name has no Flagon equivalent', () => {
    for (const row of nameMap.filter((r) => r.flagon === null)) expect(row.status, row.quart).toBeDefined()
  })

  it('has a row for every top-level name Quart exports', () => {
    // quart-behaviour.md §1.1: quart/__init__.py and quart.signals.
    const quart =
      `Quart Blueprint Config Request Response Websocket ResponseReturnValue Markup escape request websocket
      session g current_app after_this_request copy_current_app_context copy_current_request_context
      copy_current_websocket_context has_app_context has_request_context has_websocket_context abort flash
      get_flashed_messages get_template_attribute make_push_promise make_response redirect send_file
      send_from_directory stream_with_context url_for jsonify render_template render_template_string
      stream_template stream_template_string appcontext_popped appcontext_pushed appcontext_tearing_down
      before_render_template got_request_exception got_websocket_exception message_flashed request_finished
      request_started request_tearing_down signals_available template_rendered websocket_finished
      websocket_started websocket_tearing_down websocket_received websocket_sent got_background_exception
      got_serving_exception`.split(/\s+/)
    const rows = new Set(nameMap.map((row) => row.quart))
    expect(quart.filter((name) => !rows.has(name))).toEqual([])
  })
})
