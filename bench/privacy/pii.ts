// PII throughput in posts/s on one core: real post texts (fixtures/texts/posts.jsonl, else the Jetstream capture),
// replicated to --n posts, redacted with the default entity set (and the others for comparison).
// Usage: node --import tsx bench/privacy/pii.ts [--n 50000] [--rounds 3]
import { existsSync, readFileSync } from 'node:fs';
import { parsePhoneNumberFromString as parseMax } from 'libphonenumber-js/max';
import { parsePhoneNumberFromString as parseMin } from 'libphonenumber-js/min';
import { createPiiEngine, PII_BLUEPRINT_ENTITIES, PII_DEFAULT_ENTITIES } from '../../src/privacy/index.ts';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

function loadTexts(): { texts: string[]; source: string } {
  const texts: string[] = [];
  if (existsSync('fixtures/texts/posts.jsonl')) {
    for (const line of readFileSync('fixtures/texts/posts.jsonl', 'utf8').split('\n')) if (line) texts.push((JSON.parse(line) as { text: string }).text);
    return { texts, source: 'fixtures/texts/posts.jsonl' };
  }
  for (const line of readFileSync('fixtures/jetstream-v1-capture/expected_v1.jsonl', 'utf8').split('\n')) {
    if (!line) continue;
    const t = (JSON.parse(line) as { commit?: { record?: { text?: unknown } } }).commit?.record?.text;
    if (typeof t === 'string' && t) texts.push(t);
  }
  return { texts, source: 'fixtures/jetstream-v1-capture/expected_v1.jsonl' };
}

const n = arg('n', 50_000);
const rounds = arg('rounds', 3);

function runConfigs(texts: string[]): void {
const configs: [string, Parameters<typeof createPiiEngine>[0]][] = [
  [`default (${PII_DEFAULT_ENTITIES.length} types)`, {}],
  [`compat blueprint (${PII_BLUEPRINT_ENTITIES.length} types, threshold 0)`, { compatBlueprint: true }],
  ['default + PERSON, LOCATION (13 types)', { entities: [...PII_DEFAULT_ENTITIES, 'PERSON', 'LOCATION'] }],
  ['default + DATE_TIME (12 types)', { entities: [...PII_DEFAULT_ENTITIES, 'DATE_TIME'] }],
  ['phone only', { entities: ['PHONE_NUMBER'] }],
  ['url only', { entities: ['URL'] }],
];
for (const [name, opts] of configs) {
  const engine = createPiiEngine(opts);
  let hits = 0;
  for (let i = 0; i < Math.min(2000, n); i++) engine.redact(texts[i]); // warm-up
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    hits = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const t of texts) hits += engine.redact(t).entities.length;
    const cpu = process.cpuUsage(c0);
    rates.push(n / ((performance.now() - t0) / 1000));
    cpuRates.push(n / ((cpu.user + cpu.system) / 1e6));
  }
  const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[xs.length >> 1]).toLocaleString('en-US');
  // Wall-clock rate, and posts per CPU-second (robust when other processes share the cores).
  console.log(`${name.padEnd(42)} ${median(rates).padStart(9)} posts/s wall, ${median(cpuRates).padStart(9)} posts/CPU-s (median of ${rounds}); ${hits} entities`);
}
}

const { texts: base, source } = loadTexts();
for (const [label, pool] of [
  [`real posts: ${base.length} distinct from ${source}`, base],
  ['PII-dense posts: fixtures/pii-posts/cases.jsonl (nearly every post has PII)', loadCases()],
] as const) {
  const texts = Array.from({ length: n }, (_, i) => pool[i % pool.length]);
  const chars = texts.reduce((s, t) => s + t.length, 0);
  console.log(`\n${label}, replicated to ${n} (mean ${Math.round(chars / n)} chars)`);
  runConfigs(texts);
}

function loadCases(): string[] {
  return readFileSync('fixtures/pii-posts/cases.jsonl', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

// libphonenumber-js metadata: the candidate validation cost per call, max (accurate) vs min (length-only) metadata.
console.log('\nlibphonenumber-js parse + isValid, per call:');
for (const [name, parse] of [['max', parseMax], ['min', parseMin]] as const) {
  const inputs = ['(415) 555-2671', '+44 20 7946 0958', '030 901820', '2024-03-05'];
  for (let i = 0; i < 2000; i++) parse(inputs[i % 4], 'US')?.isValid();
  const calls = 40_000;
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) parse(inputs[i % 4], 'DE')?.isValid();
  console.log(`  ${name}: ${(((performance.now() - t0) / calls) * 1000).toFixed(1)} µs`);
}
