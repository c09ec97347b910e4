// Load test of `betterdepth serve` from a second process: N uploads from C concurrent clients on loopback, each
// polling its job to the end. Bounded: at most --n uploads and --timeout seconds in all. Node 18+, no packages.
//
//   node bench/serve-load.mjs --url http://127.0.0.1:5000 --image photo.jpg [--n 40] [--concurrency 16]
//        [--steps 1] [--ensemble 1] [--res 64] [--timeout 300] [--json out.json]
//
// Prints a JSON summary: accepted / done / rejected (503: queue full) / refused (other 4xx) / failed / cancelled /
// errors (5xx or connection failures) / lost (accepted but not finished when the time ran out), and latency
// percentiles of the finished jobs (upload to done, milliseconds). Exits 1 when any job crashed, errored or was lost.
import fs from 'node:fs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const url = args.url, n = +(args.n ?? 40), concurrency = +(args.concurrency ?? 16), timeout = +(args.timeout ?? 300) * 1000;
if (!url || !args.image) { console.error('usage: serve-load.mjs --url URL --image FILE [--n N] [--concurrency C] ...'); process.exit(2); }
const image = fs.readFileSync(args.image);
const query = new URLSearchParams({ steps: args.steps ?? '1', ensemble: args.ensemble ?? '1', processing_res: args.res ?? '64' });
const deadline = Date.now() + timeout;
const counts = { uploads: 0, accepted: 0, done: 0, rejected: 0, refused: 0, failed: 0, cancelled: 0, errors: 0, lost: 0 };
const latencies = [], queueWaits = [], messages = new Set();
const sleep = ms => new Promise(r => setTimeout(r, ms));

async function one() {
  const started = performance.now();
  let response;
  try {
    response = await fetch(`${url}/api/jobs?${query}`, { method: 'POST', body: image, headers: { 'content-type': 'application/octet-stream' }, signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now())) });
  } catch (e) { counts.errors++; messages.add('upload: ' + e.message); return; }
  const body = await response.json().catch(() => ({}));
  if (response.status === 503) { counts.rejected++; return; }
  if (response.status >= 500) { counts.errors++; messages.add(`${response.status}: ${body.error}`); return; }
  if (response.status !== 202) { counts.refused++; messages.add(`${response.status}: ${body.error}`); return; }
  counts.accepted++;
  let sawRunning = null;
  while (Date.now() < deadline) {
    await sleep(100);
    let status;
    try {
      const r = await fetch(`${url}/api/jobs/${body.id}`);
      if (r.status >= 500) { counts.errors++; messages.add(`status ${r.status}`); return; }
      if (r.status === 404) { counts.lost++; messages.add('job vanished before it finished'); return; }
      status = await r.json();
    } catch (e) { counts.errors++; messages.add('status: ' + e.message); return; }
    if (status.status === 'running' && sawRunning === null) sawRunning = performance.now();
    if (status.status === 'done') {
      latencies.push(performance.now() - started);
      if (sawRunning !== null) queueWaits.push(sawRunning - started);
      counts.done++;
      return;
    }
    if (status.status === 'failed') { counts.failed++; messages.add('failed: ' + status.error); return; }
    if (status.status === 'cancelled') { counts.cancelled++; messages.add('cancelled: ' + status.error); return; }
  }
  counts.lost++;
  messages.add('not finished when the time ran out');
}

async function client() {
  while (counts.uploads < n && Date.now() < deadline) {
    counts.uploads++;
    await one();
  }
}

const percentile = (xs, p) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))]);
};

const wall = performance.now();
await Promise.all(Array.from({ length: concurrency }, client));
const info = await (await fetch(`${url}/api/info`)).json().catch(() => ({}));
const summary = {
  url, image: args.image, image_bytes: image.length, uploads: counts.uploads, clients: concurrency,
  settings: Object.fromEntries(query), server_limits: info.limits,
  ...counts,
  latency_ms: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
  queue_wait_ms: { p50: percentile(queueWaits, 50), p90: percentile(queueWaits, 90), max: percentile(queueWaits, 100) },
  wall_seconds: +((performance.now() - wall) / 1000).toFixed(2),
  problems: [...messages].slice(0, 10),
};
const text = JSON.stringify(summary, null, 2);
console.log(text);
if (args.json) fs.writeFileSync(args.json, text + '\n');
process.exitCode = counts.errors === 0 && counts.lost === 0 && counts.failed === 0 && counts.accepted === counts.done + counts.cancelled ? 0 : 1;
