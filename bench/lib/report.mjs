/**
 * The Markdown report: the run's conditions once, then for each Node version its tables (throughput
 * scenarios, then the memory of idle connections) and Flagon against issue 10's targets, then any
 * wrong answers.
 */

const fmt = (value, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–'
const ms = (us) => fmt(us / 1000, 2)

/** The Markdown report of `byNode` ({ node, summary } for each Node version), in that order. */
export function markdown(byNode, meta, scenarios, targets) {
  const lines = [
    `# Flagon benchmark, ${meta.date}`,
    '',
    `Machine: ${meta.machine.cpu}, ${meta.machine.cores} cores, Linux ${meta.machine.kernel}. ` +
      `Targets on Node ${byNode.map((n) => n.node).join(' and ')}; the harness and load on Node ${meta.harnessNode}. ` +
      `Server pinned to core 0, load (wrk ${meta.wrk}, or the websocket client) to core 1.`,
    `${meta.config.rounds} round(s) of ${meta.config.duration} s after ${meta.config.warmup} s of warm-up, ` +
      `${meta.config.connections} connections; a fresh server process per run, targets interleaved. ` +
      `Flagon at ${meta.flagonCommit}. Versions: ${Object.entries(meta.versions)
        .map(([name, version]) => `${name} ${version}`)
        .join(', ')}.`,
    '',
    'Throughput is requests (websocket: messages) per second; ×raw and ×Flagon are per-round ratios, median over rounds. ' +
      'CPU is the server’s user+system time per request, and its share of one core during the timed window; ' +
      '“others” is what everything else took of that core meanwhile (a window above 10% is timed again, the quietest kept). ' +
      'CPU ×raw is raw node’s CPU per request over the target’s (per round, median): the efficiency ratio, steadier than throughput when the machine is shared. ' +
      'Start is spawn to first response. “Met” judges the throughput ratio, as issue 10 states its targets.',
    '',
    'Idle connections: the server’s VmRSS after a full garbage collection with none open, and again once the idle client holds them all, ' +
      'each having answered one websocket echo or one keep-alive request; KiB per connection is the difference over their number ' +
      '(mem ×raw: over raw node’s, lower is better; the kernel’s socket buffers are not in it). ' +
      'JS heap is the same difference in V8’s heapUsed + external. The issue’s KB is read as 1,000 bytes.',
    '',
  ]
  for (const { node, summary } of byNode) {
    lines.push(`## Node ${node}`, '')
    for (const scenario of scenarios) {
      const entry = summary.scenarios[scenario.name]
      if (!entry || Object.keys(entry.rows).length === 0) continue
      lines.push(`### ${scenario.title} (Node ${node})`, '')
      if (scenario.idle) lines.push(...idleTable(entry, targets))
      else lines.push(...throughputTable(entry, scenario, targets))
    }
    lines.push(...goalTable(summary.goals, node))
  }
  if (meta.failures.length > 0) {
    lines.push(
      '## Wrong answers and failed runs',
      '',
      'These were not timed, or their timings were discarded.',
      '',
    )
    for (const f of meta.failures)
      lines.push(`- Node ${f.node}, round ${f.round}, ${f.scenario}, ${f.target}: ${f.error}`)
    lines.push('')
  }
  return lines.join('\n')
}

function throughputTable(entry, scenario, targets) {
  const lines = [
    `| target | ${scenario.websocket ? 'msg/s' : 'req/s'} | ×raw | ×Flagon | p50 ms | p99 ms | CPU µs/req | CPU ×raw | server CPU | others on its core | RSS start MiB | RSS peak MiB | start ms |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const target of targets) {
    const row = entry.rows[target.name]
    if (!row) continue
    lines.push(
      `| ${target.title} | ${fmt(row.rate)} | ${fmt(row.vsRaw, 2)} | ${fmt(row.vsFlagon, 2)} | ${ms(row.p50Us)} | ${ms(row.p99Us)} | ` +
        `${fmt(row.cpuUsPerOp, 1)} | ${fmt(row.cpuVsRaw, 2)} | ${fmt(row.cpuPct)}% | ${fmt(row.othersPct)}% | ${fmt(row.rssStartMiB, 1)} | ${fmt(row.rssPeakMiB, 1)} | ${fmt(row.startMs)} |`,
    )
  }
  lines.push('', `Flagon ÷ fastest peer (Fastify, Hono, Express): ${fmt(entry.vsFastestPeer, 2)}×`, '')
  const rows = Object.entries(entry.rows)
  if (scenario.websocket) {
    const low = rows.filter(([, row]) => row.cpuPct < 90)
    const client = rows.map(([name, row]) => `${name} ${fmt(row.clientCpuPct)}%`).join(', ')
    lines.push(
      low.length === 0
        ? `Every server was at ≥ 90% of its core during the timed window, so the server, not the client, was the bottleneck (the client's CPU: ${client}).`
        : `**Server below 90% CPU** during the timed window: ${low.map(([n, r]) => `${n} ${fmt(r.cpuPct)}%`).join(', ')} (the client's CPU: ${client}).`,
      '',
    )
  }
  const shared = rows.filter(([, row]) => row.othersPct > 10)
  if (shared.length > 0) {
    lines.push(
      `**The server core was shared**: other processes took ${shared.map(([n, r]) => `${fmt(r.othersPct)}% (${n})`).join(', ')} ` +
        'of core 0 during the timed window (median over rounds); those absolute numbers are low, the ratios less affected.',
      '',
    )
  }
  return lines
}

function idleTable(entry, targets) {
  const lines = [
    '| target | connections | KiB per connection | mem ×raw | JS heap KiB per connection | RSS before MiB | RSS after MiB | settled in ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const target of targets) {
    const row = entry.rows[target.name]
    if (!row) continue
    lines.push(
      `| ${target.title} | ${fmt(row.idleConnections)} | ${fmt(row.kibPerConnection, 1)} | ${fmt(row.memVsRaw, 2)} | ${fmt(row.heapKibPerConnection, 1)} | ` +
        `${fmt(row.rssBeforeMiB, 1)} | ${fmt(row.rssAfterMiB, 1)} | ${fmt(row.settleMs)} |`,
    )
  }
  lines.push('')
  return lines
}

function goalTable(goals, node) {
  if (goals.length === 0) return []
  const lines = [
    `### Flagon against issue 10's targets (Node ${node})`,
    '',
    '| target | measured | by CPU per request | met |',
    '| --- | ---: | ---: | :---: |',
  ]
  for (const goal of goals) {
    const value = goal.absolute ? `${fmt(goal.value, 1)}${goal.unit}` : `${fmt(goal.value, 2)}×`
    lines.push(
      `| ${goal.text} | ${value} | ${Number.isFinite(goal.cpu) ? `${fmt(goal.cpu, 2)}×` : '–'} | ${goal.met === null ? '–' : goal.met ? 'yes' : '**no**'} |`,
    )
  }
  lines.push('')
  return lines
}
