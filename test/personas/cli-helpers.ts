// Shared by the personas CLI tests: Jetstream post events for synthetic users, and the CLI run as a child process.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/simpact.js', import.meta.url));

/** Jetstream post events for `users` users with `posts` posts each; every text starts with "USER<n>". */
export function postEvents(users: number, posts = 6): string {
  const lines: string[] = [];
  for (let u = 0; u < users; u++) {
    const did = `did:plc:${String.fromCharCode(97 + u).repeat(24)}`;
    for (let k = 0; k < posts; k++) {
      const t = 1740787200000000 + u * 1000000 + k * 1000;
      const record = { $type: 'app.bsky.feed.post', createdAt: new Date(t / 1000).toISOString(), langs: ['en'], text: `USER${u} day ${k}: trued a wheel at the workshop, saw a heron by the canal, and made soup for the neighbours.` };
      lines.push(JSON.stringify({ did, time_us: t, kind: 'commit', commit: { rev: `r${u}${k}`, operation: 'create', collection: 'app.bsky.feed.post', rkey: `k${u}x${k}`, record, cid: `bafy${u}x${k}` } }));
    }
  }
  return `${lines.join('\n')}\n`;
}

export function runCli(db: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, '--db', db, ...args], { env: { ...process.env, SIMPACT_QUIET: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
