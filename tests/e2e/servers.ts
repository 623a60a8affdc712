// Starting the programs the end-to-end tests run against: podium-server, and coturn for the
// relay-only run. Each on loopback, on free ports, stopped by the test that started it.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { distDir, SECRET, serverBin } from './helpers';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function waitUp(url: string, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`podium-server did not answer at ${url}`);
}

export interface Running {
  base: string;
  stop: () => void;
}

/** podium-server on `port`, keeping its state in the directory `data`. */
function launch(port: number, data: string, extra: string[]): ChildProcess {
  return spawn(
    serverBin(),
    ['serve', '--listen', `127.0.0.1:${port}`, '--secret', SECRET, '--static-dir', distDir(), '--data', data,
      '--media-udp', '127.0.0.1:0', ...extra],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' } },
  );
}

/** podium-server on a free loopback port, its media on a loopback port of its own. */
export async function startServer(extra: string[] = []): Promise<Running> {
  const port = await freePort();
  const data = mkdtempSync(path.join(tmpdir(), 'podium-e2e-'));
  const server = launch(port, data, extra);
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

/** podium-server that a test stops without warning and starts again, on the same port and database. */
export interface Restartable extends Running {
  /** SIGKILL: no goodbye to anyone, as in a crash; resolves once the process is gone. */
  kill: () => Promise<void>;
  /** Start it again on the same port and database; resolves once it answers. */
  restart: () => Promise<void>;
}

export async function startRestartableServer(extra: string[] = []): Promise<Restartable> {
  const port = await freePort();
  const data = mkdtempSync(path.join(tmpdir(), 'podium-e2e-'));
  const base = `http://127.0.0.1:${port}`;
  let server = launch(port, data, extra);
  await waitUp(`${base}/join`, 15_000);
  return {
    base,
    kill: () =>
      new Promise((resolve) => {
        if (server.exitCode !== null || server.signalCode !== null) return resolve();
        server.once('exit', () => resolve());
        server.kill('SIGKILL');
      }),
    restart: async () => {
      server = launch(port, data, extra);
      await waitUp(`${base}/join`, 15_000);
    },
    stop: () => {
      server.kill('SIGTERM');
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** coturn on loopback with a shared secret (the REST scheme podium-server hands credentials in). */
export async function startTurn(secret: string): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const relay = 49152 + Math.floor(Math.random() * 10000);
  const turn: ChildProcess = spawn('turnserver', [
    '-n', '--no-cli', '--listening-ip=127.0.0.1', `--listening-port=${port}`, '--relay-ip=127.0.0.1',
    `--min-port=${relay}`, `--max-port=${relay + 200}`, '--use-auth-secret', `--static-auth-secret=${secret}`,
    '--realm=podium.test', '--allow-loopback-peers', '--no-tls', '--no-dtls', '--no-stdout-log',
    '--log-file=/dev/null',
  ], { stdio: 'ignore' });
  // coturn says nothing when it is ready; give it a moment to bind.
  await new Promise((r) => setTimeout(r, 500));
  if (turn.exitCode !== null) throw new Error(`turnserver exited with ${turn.exitCode}`);
  return { url: `turn:127.0.0.1:${port}?transport=udp`, stop: () => turn.kill('SIGTERM') };
}
