// Time to a usable Set devices window: a real Chromium opens `/join` with a fresh attendee token,
// RUNS times, each in a new context (cold cache), and times, from navigation start, (a) the
// "Set devices" heading visible and (b) the "Join as viewer" button usable. Prints a Markdown
// table (the one in docs/performance.md).
//
//   node tests/e2e/bench/first-screen.mjs <podium-server binary> <dist dir | http://running-server>
//
// With a URL, the server must have been started with the secret in PODIUM_SECRET.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';

const RUNS = Number(process.env.FIRST_SCREEN_RUNS ?? 20);
const SECRET = process.env.PODIUM_SECRET ?? 'podium-bench-secret';
// As in playwright.config.ts: Set devices asks for the camera and microphone at once.
const CHROMIUM_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
];

const [serverBin, target] = process.argv.slice(2);
if (!serverBin || !target) {
  console.error('usage: first-screen.mjs <podium-server binary> <dist dir | http://url>');
  process.exit(2);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitUp(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`podium-server did not answer at ${url}`);
}

/** The server on a free loopback port serving `dist`, as tests/e2e/servers.ts starts it. */
async function startServer(dist) {
  const port = await freePort();
  const data = mkdtempSync(path.join(tmpdir(), 'podium-bench-'));
  const server = spawn(
    serverBin,
    ['serve', '--listen', `127.0.0.1:${port}`, '--secret', SECRET, '--static-dir', dist, '--data', data,
      '--media-udp', '127.0.0.1:0'],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' } },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitUp(`${base}/join`, 15_000);
  return {
    base,
    stop: () => {
      server.kill('SIGTERM');
      rmSync(data, { recursive: true, force: true });
    },
  };
}

function attendeeToken(room) {
  return execFileSync(serverBin, [
    'token', '--room', room, '--role', 'attendee', '--name', 'Bench viewer', '--secret', SECRET,
    '--stage-mode', 'request', '--room-title', 'Benchmark',
  ]).toString().trim();
}

// Runs in the page from its first script on: checks every frame and keeps the time (ms since
// navigation start) at which each element is first there and usable.
function watchFirstScreen() {
  const seen = {};
  window.__firstScreen = seen;
  const tick = () => {
    const heading = [...document.querySelectorAll('h1')].find((h) => h.textContent.trim() === 'Set devices');
    if (seen.heading === undefined && heading?.checkVisibility()) seen.heading = performance.now();
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Join as viewer');
    if (button && !button.disabled && button.checkVisibility()) {
      seen.heading ??= performance.now();
      seen.button = performance.now();
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** One cold load: the two times and the bytes transferred (navigation + resources). */
async function measureOnce(browser, base, run) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(watchFirstScreen);
    const room = `bench-first-screen-${Date.now().toString(36)}-${run}`;
    await page.goto(`${base}/join#token=${attendeeToken(room)}`);
    await page.waitForFunction(() => window.__firstScreen?.button !== undefined, null, { timeout: 30_000 });
    return await page.evaluate(() => {
      const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
      return {
        heading: window.__firstScreen.heading,
        button: window.__firstScreen.button,
        bytes: entries.reduce((sum, e) => sum + e.transferSize, 0),
      };
    });
  } finally {
    await context.close();
  }
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ms = (v) => `${v.toFixed(0)} ms`;
const thousands = (v) => Math.round(v).toLocaleString('en-US');

function table(results) {
  const headings = results.map((r) => r.heading);
  const buttons = results.map((r) => r.button);
  const bytes = results.map((r) => r.bytes);
  return [
    '',
    '### Time to a usable Set devices window (Chromium, cold cache, loopback)',
    '',
    '| | target | cold cache |',
    '|---|---|---:|',
    `| page loads measured | — | ${results.length} |`,
    `| navigation → "Set devices" heading visible p50 | — | ${ms(percentile(headings, 50))} |`,
    `| p95 | | ${ms(percentile(headings, 95))} |`,
    `| navigation → "Join as viewer" usable p50 | — | ${ms(percentile(buttons, 50))} |`,
    `| p95 | | ${ms(percentile(buttons, 95))} |`,
    `| bytes transferred per load | — | ${thousands(percentile(bytes, 50))} |`,
    '',
  ].join('\n');
}

const running = /^https?:\/\//.test(target) ? { base: target.replace(/\/$/, ''), stop: () => {} } : await startServer(target);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const results = [];
  for (let run = 0; run < RUNS; run++) results.push(await measureOnce(browser, running.base, run));
  console.log(table(results));
} finally {
  await browser.close();
  running.stop();
}
