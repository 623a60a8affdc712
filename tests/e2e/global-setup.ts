// Starts the real podium-server on a free port, serving the built client from dist/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { serverBin, distDir } from './helpers';
import { startServer } from './servers';

export default async function globalSetup() {
  const bin = serverBin();
  if (!existsSync(bin)) throw new Error(`podium-server not built: ${bin} (cargo build -p podium-server)`);
  const dist = distDir();
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error(`client not built: ${dist} (trunk build --release)`);
  const server = await startServer();
  process.env.PODIUM_E2E_URL = server.base;
  return async () => server.stop();
}
