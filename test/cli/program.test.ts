import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram } from '../../src/cli/main.ts';

const names = async (...args: string[]) => (await buildProgram(['node', 'simpact', ...args])).commands.map((c) => c.name()).sort();

test('the program loads only the command named on the line, and every command otherwise', async () => {
  const all = await names();
  for (const c of ['audit', 'build', 'cluster', 'collect', 'ingest', 'personas', 'serve', 'stats', 'study']) assert.ok(all.includes(c), c);
  assert.deepEqual(await names('ingest', 'x.jsonl'), ['ingest']);
  assert.deepEqual(await names('--db', 'stats', 'stats'), ['stats'], 'a --db value named like a command is not the command');
  assert.deepEqual(await names('-q', 'personas', 'judge'), ['personas']);
  assert.deepEqual(await names('help', 'ingest'), all, 'help and unknown names see every command');
  assert.deepEqual(await names('nosuch'), all);
  assert.equal((await buildProgram(['node', 'simpact', 'stats'])).version(), (await buildProgram(['node', 'simpact'])).version());
});
