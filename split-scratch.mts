import { Store } from './src/store/store.ts';
import { EventStager, limitStoreMemory } from './src/store/events.ts';
import { createReadStream, rmSync } from 'node:fs';
import { LineSplitter } from './src/ingest/lines.ts';
import { jetstreamShapeError } from './src/bluesky/jetstream-event.ts';
rmSync('/tmp/scratch/sp.duckdb', { force: true }); rmSync('/tmp/scratch/sp.duckdb.wal', { force: true });
const store = await Store.open('/tmp/scratch/sp.duckdb');
await limitStoreMemory(store, 192); if (process.env.CT) await store.run(`SET checkpoint_threshold='${process.env.CT}'`); if (process.env.TH) await store.run(`SET threads=${process.env.TH}`);
if (process.argv[3]) {
  await store.run('DROP VIEW resolved_deletes'); await store.run('DROP TABLE raw_events');
  await store.run(`CREATE TABLE raw_events (seq BIGINT NOT NULL, kind VARCHAR NOT NULL, did VARCHAR NOT NULL, time_us BIGINT NOT NULL, collection VARCHAR, operation VARCHAR, rkey VARCHAR, rev VARCHAR, event_seq BIGINT, cls VARCHAR, source VARCHAR, raw VARCHAR NOT NULL USING COMPRESSION ${process.argv[3]}, ident UBIGINT)`);
}
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const st = new EventStager();
const tot: Record<string, number> = {};
const wrap = (obj: any, name: string, label: (sql: string) => string) => { const o = obj[name].bind(obj); obj[name] = async (sql: string, p?: any) => { const c = cpu(); const r = await o(sql, p); const k = label(sql); tot[k] = (tot[k] ?? 0) + cpu() - c; return r; }; };
wrap(store, 'run', (q) => q.replace(/\s+/g, ' ').slice(0, 45));
wrap(store, 'all', (q) => 'all ' + q.replace(/\s+/g, ' ').slice(0, 60));
wrap(store.conn, 'run', (q) => q.startsWith('COMMIT') ? 'COMMIT' : 'conn-other');
let js = 0, db = 0; let c0 = cpu();
const sp = new LineSplitter({ line: (text, _n, bytes) => { const v = JSON.parse(text); if (!jetstreamShapeError(v)) st.add(v, text, 'f', bytes); }, problem: () => {} });
for await (const c of createReadStream(process.argv[2], { highWaterMark: 1 << 20 })) {
  sp.push(c as Buffer);
  if (st.count >= 200000) { js += cpu() - c0; c0 = cpu(); await st.load(store); db += cpu() - c0; c0 = cpu(); }
}
sp.end(); js += cpu() - c0; c0 = cpu(); await st.load(store); db += cpu() - c0;
c0 = cpu(); store.close(); const cl = cpu() - c0;
console.log('js', js.toFixed(0), 'db', db.toFixed(0), 'close', cl.toFixed(0));
st.dispose();
for (const [k, v] of Object.entries(tot).sort((a, b) => b[1] - a[1]).slice(0, 16)) console.log(v.toFixed(0).padStart(6), k);
