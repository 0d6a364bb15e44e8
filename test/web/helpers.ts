// Starts a server over the fixture release on 127.0.0.1 (port 0) with an in-memory store.
import { rmSync } from 'node:fs';
import { Store } from '../../src/store/store.ts';
import { ensureIndexed, openRelease } from '../../src/web/release.ts';
import { startWebServer, type RunningServer, type WebServerOptions } from '../../src/web/server.ts';
import { writeReleaseFixture, type ReleaseFixture } from './fixture.ts';

export const ADMIN = 'test-admin-token-0123456789abcdef';

export interface TestServer {
  base: string;
  fixture: ReleaseFixture;
  store: Store;
  running: RunningServer;
  close(): Promise<void>;
}

export async function startTestServer(o: Partial<WebServerOptions> & { perCluster?: number; alsoK?: number } = {}): Promise<TestServer> {
  const fixture = writeReleaseFixture(o.perCluster ?? 12, o.alsoK !== undefined ? { alsoK: o.alsoK } : {});
  const store = await Store.open(':memory:');
  const release = openRelease(fixture.dir);
  await ensureIndexed(store, release);
  const running = await startWebServer({ store, release, adminToken: ADMIN, ...o });
  return {
    base: running.url,
    fixture,
    store,
    running,
    close: async () => {
      await running.close();
      store.close();
      rmSync(fixture.dir, { recursive: true, force: true });
    },
  };
}

export const adminHeaders = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', 'x-simpact-csrf': '1' };

export function raterHeaders(token: string): Record<string, string> {
  return { 'x-rater-token': token, 'content-type': 'application/json', 'x-simpact-csrf': '1' };
}

export function tokenOf(link: string): string {
  return link.split('#t=')[1];
}
