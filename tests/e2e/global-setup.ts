// Starts the real podium-server on a free port, serving the built client from dist/.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SECRET, serverBin, distDir } from './helpers';

function freePort(): Promise<number> {
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

async function waitUp(url: string, ms: number) {
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

export default async function globalSetup() {
  const bin = serverBin();
  if (!existsSync(bin)) throw new Error(`podium-server not built: ${bin} (cargo build -p podium-server)`);
  const dist = distDir();
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error(`client not built: ${dist} (trunk build --release)`);
  const port = await freePort();
  const data = mkdtempSync(path.join(tmpdir(), 'podium-e2e-'));
  const server = spawn(
    bin,
    ['serve', '--listen', `127.0.0.1:${port}`, '--secret', SECRET, '--static-dir', dist, '--data', data],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' } },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitUp(`${base}/join`, 15_000);
  process.env.PODIUM_E2E_URL = base;
  return async () => {
    server.kill('SIGTERM');
    rmSync(data, { recursive: true, force: true });
  };
}
