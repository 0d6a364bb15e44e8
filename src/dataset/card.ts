// The dataset card (README.md): Hugging Face YAML front matter with one config per K and its split files, then
// counts, the action distribution, settings, seeds and the privacy measures. Pure: renders a manifest.
import { ACTION_KEYS } from '../bluesky/actions.ts';
import type { ReleaseManifest } from './manifest.ts';
import { SPLITS } from './splits.ts';
import { configName, processedDir } from './write-release.ts';

export function renderCard(m: ReleaseManifest): string {
  const s = m.settings;
  const out: string[] = ['---', 'pretty_name: simpact persona dataset', 'license: other', 'task_categories:', '- text-generation', 'tags:', '- social-media', '- bluesky', '- personas', '- blueprint'];
  // One config per K; its split files are Parquet, or JSONL with --no-parquet (the same lines as the cluster files).
  const dataExt = s.parquet ? 'parquet' : 'jsonl';
  out.push('configs:');
  for (const p of m.counts.partitions) {
    out.push(`- config_name: ${configName(p.k)}`, '  data_files:');
    for (const split of SPLITS) out.push(`  - split: ${split}`, `    path: data/${configName(p.k)}/${split}.${dataExt}`);
  }
  out.push('---', '', '# simpact persona dataset', '');
  out.push(
    `Next-action threads built from public Bluesky activity with simpact ${m.simpactVersion}, following the BluePrint`,
    `method${s.compat ? ' in reference-compatible mode (`--compat blueprint`)' : ''}. Each record is one thread: context messages`,
    'followed by the acting user\'s message, whose `actions` hold 13 booleans with exactly one true',
    '(`like, unlike, repost, unrepost, follow, unfollow, block, unblock, post_update, post_delete, quote, post, reply`).',
    '',
    '## Files',
    '',
    '| path | content |',
    '|---|---|',
  );
  for (const p of m.counts.partitions) {
    out.push(`| \`${processedDir(p.k)}/cluster_{id}.jsonl\` | K=${p.k}: one line per thread, \`{"thread": [...], "cluster_id": id}\` (BluePrint format), the cluster of the acting user |`);
  }
  out.push(
    '| `splits/{K}_clusters/{train,validation,test}.jsonl` | the split of every thread: `{"cluster_id": c, "line": i}` = 0-based line i of `cluster_c.jsonl` |',
  );
  if (s.parquet) out.push('| `data/{K}_clusters/{split}.parquet` | the same threads as Parquet (zstd), columns `thread`, `cluster_id` |');
  else out.push('| `data/{K}_clusters/{split}.jsonl` | the same threads per split, the lines of the cluster files (the configs above point here) |');
  if (s.embedder) {
    out.push(
      '| `diagnostics/clustering.json`, `diagnostics/clusters-k{K}.json` | per K: sizes, inertia, sampled silhouette, top TF-IDF terms, medoid posts (PII-scrubbed), action mix, 2-D PCA points |',
      '| `diagnostics/clusters-k{K}-pca.{svg,png}` | the PCA projection of user vectors coloured by cluster |',
    );
  }
  out.push('| `release.json` | counts, settings, seeds, simpact version, input fingerprint (the completion marker) |', '');
  out.push(
    `Message keys, in order: \`relative_integer_time\` (${timeMeaning(s.time)}), \`text\` (PII-scrubbed),`,
    '`actions` (last message only), `user_id` (a per-thread pseudonym: the same user has the same id within a thread and',
    'unrelated ids across threads).',
    '',
    '## Counts',
    '',
    `- users: ${m.counts.users}`,
    `- threads: ${m.counts.threads} (${m.counts.messages} messages)`,
    `- threads removed on opt-out: ${m.counts.optedOut}`,
    '',
    '### Action distribution (target messages)',
    '',
    '| action | threads | share |',
    '|---|---|---|',
  );
  for (const a of ACTION_KEYS) {
    const n = m.counts.actions[a] ?? 0;
    out.push(`| ${a} | ${n} | ${m.counts.threads ? ((100 * n) / m.counts.threads).toFixed(2) : '0.00'} % |`);
  }
  out.push('', '### Per K', '', '| config | clusters | threads | train | validation | test | smallest cluster | largest cluster |', '|---|---|---|---|---|---|---|---|');
  for (const p of m.counts.partitions) {
    const sizes = Object.values(p.threadsPerCluster);
    out.push(`| ${configName(p.k)} | ${p.clusters} | ${p.threads} | ${p.splits.train} | ${p.splits.validation} | ${p.splits.test} | ${sizes.length ? Math.min(...sizes) : 0} | ${sizes.length ? Math.max(...sizes) : 0} |`);
  }
  for (const p of m.counts.partitions) {
    if (p.clusters > 100) continue;
    out.push('', `#### ${configName(p.k)}: threads per cluster and action`, '', `| cluster | threads | ${ACTION_KEYS.join(' | ')} |`, `|---|---|${ACTION_KEYS.map(() => '---').join('|')}|`);
    for (const [c, n] of Object.entries(p.threadsPerCluster)) {
      out.push(`| ${c} | ${n} | ${ACTION_KEYS.map((a) => p.actionsPerCluster[c]?.[a] ?? 0).join(' | ')} |`);
    }
  }
  const skipped = Object.entries(m.counts.skipped).sort((a, b) => b[1] - a[1]);
  if (skipped.length) {
    out.push('', '### Candidate threads not emitted', '', '| reason | count |', '|---|---|');
    for (const [r, n] of skipped) out.push(`| ${r} | ${n} |`);
  }
  out.push(
    '',
    '## Splits',
    '',
    `Train / validation / test = ${pct(s.split.train)} / ${pct(s.split.validation)} / ${pct(s.split.test)} by thread, stratified by cluster`,
    `within each K (each cluster is shuffled with a generator seeded from seed ${m.seeds.split}, K and the cluster id), so`,
    'each config is self-contained; a thread can fall in different splits in different K.',
    '',
    '## Settings',
    '',
    `- mode: ${s.compat ? 'reference-compatible (`--compat blueprint`)' : 'default (reference bugs fixed; see docs/reference-differences.md)'}`,
    `- conversation scope: ${s.scope}${s.scope === 'same-cluster' ? ` (trees only link users of one cluster of K=${s.chainK}; every K re-splits those threads by the acting user's cluster)` : ' (trees may link every retained user, i.e. every user that passes the filters)'}`,
    `- K: ${s.ks.join(', ')}; clustering: ${s.clustering}`,
    ...(s.embedder
      ? [`- embedder: \`${s.embedder.id}\` (${s.embedder.dim} dimensions); settings: \`${JSON.stringify(s.embedder.settings)}\``]
      : []),
    `- languages: ${s.languages === 'blueprint' ? 'langs exactly ["en"] (BluePrint)' : s.languages.join(', ')}; keywords: ${s.keywords}; users need ≥ ${s.minPosts} matching posts+replies`,
    `- time: \`${s.time}\` (${timeMeaning(s.time)})`,
    `- seeds: split ${m.seeds.split}${m.seeds.clustering === null ? '' : `, clustering ${m.seeds.clustering}`}`,
    `- input fingerprint: \`${m.inputFingerprint}\``,
    '',
    '## Privacy measures',
    '',
    `- PII scrubbed from every text (${s.pii.mode}): ${s.pii.entities.map((e) => `\`<${e}>\``).join(', ')}.`,
    ...(s.compat ? [] : ["- The collected accounts' own handles, on any domain and without `@`, are replaced by `<USERNAME>` wherever a text names them."]),
    `- Absolute times removed: only \`relative_integer_time\`, ${timeMeaning(s.time)} (time setting \`${s.time}\`).`,
    `- User ids are per-thread pseudonyms (${s.pseudonyms === 'hmac' ? 'HMAC-SHA256 keyed by a secret' : 'SHA-256 of DID, thread and secret, as the reference'}); no DID, handle, URI, record key or timestamp is released.`,
    `- ${s.optOutList ? 'An opt-out list was applied: every thread with a message by an opted-out user was removed.' : 'No opt-out list was given.'}`,
    '- Quoted-record references, facets, embeds, langs and profiles are dropped.',
    '- Person names, places and other entities outside the list above are NOT removed.',
    '',
  );
  return out.join('\n');
}

/** What `relative_integer_time` holds under a time setting (`relative_integer_time` or `bucket:<n><unit>`). */
export function timeMeaning(time: string): string {
  const b = /^bucket:(\d+)(mo|m|h|d|w)$/.exec(time);
  if (!b) return 'the global rank of the message instance by time';
  const unit = { m: 'minute', h: 'hour', d: 'day', w: 'week (Monday to Sunday)', mo: 'calendar month' }[b[2] as 'm' | 'h' | 'd' | 'w' | 'mo'];
  const width = b[1] === '1' ? `${unit}` : `${b[1]}-${unit.split(' ')[0]} block`;
  return `the index of the message's UTC ${width}, counted from the earliest message's (0-based; messages in one bucket share it)`;
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10} %`;
}
