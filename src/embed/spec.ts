// Embedder specs as strings (CLI, config) and the factory.
//   lsa | lsa:dim=128,minDf=2,seed=7
//   transformers:<folder-or-hub-id>[,mode=blueprint|blueprint-eval|model-card][,maxLength=128][,batchSize=32][,dtype=fp32][,prefix=query]
//   openai:<model>@<baseURL>[,batchSize=64][,concurrency=4][,timeoutMs=60000][,retries=4][,dimensions=N][,prefix=passage: ]
//          [,maxTokens=128[,tokenizer=<folder>]][,truncate=true][,maxRetryAfterMs=900000]
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { LsaEmbedder } from './lsa.ts';
import { OpenAIEmbedder } from './openai.ts';
import { TransformersEmbedder } from './transformers.ts';
import type { Logger } from '../util/log.ts';
import type { Embedder, EmbedderSpec, LsaSpec, OpenAISpec, TransformersSpec } from './types.ts';

const NUMERIC = new Set([
  'dim', 'minDf', 'maxDf', 'maxFeatures', 'seed', 'powerIterations', 'oversampling', 'maxLength', 'batchSize',
  'concurrency', 'timeoutMs', 'retries', 'dimensions', 'baseDelayMs', 'maxFitDocs', 'maxTokens', 'maxRetryAfterMs',
]);
const BOOLEAN = new Set(['sublinearTf', 'normalize', 'truncate']);
const ALLOWED: Record<EmbedderSpec['kind'], string[]> = {
  lsa: ['dim', 'minDf', 'maxDf', 'maxFeatures', 'sublinearTf', 'normalize', 'seed', 'powerIterations', 'oversampling', 'maxFitDocs'],
  transformers: ['mode', 'maxLength', 'batchSize', 'dtype', 'prefix'],
  openai: ['batchSize', 'concurrency', 'timeoutMs', 'retries', 'dimensions', 'prefix', 'baseDelayMs', 'maxTokens', 'tokenizer', 'truncate', 'maxRetryAfterMs'],
};

export class EmbedderSpecError extends Error {}

export function parseEmbedderSpec(text: string): EmbedderSpec {
  const colon = text.indexOf(':');
  const kind = (colon < 0 ? text : text.slice(0, colon)).trim();
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  if (kind !== 'lsa' && kind !== 'transformers' && kind !== 'openai') {
    throw new EmbedderSpecError(`unknown embedder "${kind}" (use lsa, transformers:<model> or openai:<model>@<baseURL>)`);
  }
  const parts = rest === '' ? [] : rest.split(',');
  const targetParts: string[] = [];
  const options: Record<string, unknown> = {};
  for (const part of parts) {
    const m = /^\s*([A-Za-z]+)=(.*)$/s.exec(part);
    if (!m || !ALLOWED[kind].includes(m[1])) {
      if (Object.keys(options).length > 0 || kind === 'lsa') throw new EmbedderSpecError(`embedder ${kind}: unknown option "${part}" (allowed: ${ALLOWED[kind].join(', ')})`);
      targetParts.push(part);
      continue;
    }
    const [, key, value] = m;
    if (NUMERIC.has(key)) {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) throw new EmbedderSpecError(`embedder ${kind}: ${key} must be a non-negative number, got "${value}"`);
      options[key] = n;
    } else if (BOOLEAN.has(key)) {
      if (value !== 'true' && value !== 'false') throw new EmbedderSpecError(`embedder ${kind}: ${key} must be true or false`);
      options[key] = value === 'true';
    } else options[key] = value;
  }
  const target = targetParts.join(',').trim();
  if (kind === 'lsa') return { kind, ...options } as LsaSpec;
  if (!target) throw new EmbedderSpecError(`embedder ${kind}: a model is required (${kind}:<model>${kind === 'openai' ? '@<baseURL>' : ''})`);
  if (kind === 'transformers') {
    if (options.mode !== undefined && options.mode !== 'blueprint' && options.mode !== 'blueprint-eval' && options.mode !== 'model-card') {
      throw new EmbedderSpecError('embedder transformers: mode must be blueprint, blueprint-eval or model-card');
    }
    if (options.prefix !== undefined && options.prefix !== 'query' && options.prefix !== 'passage') {
      throw new EmbedderSpecError('embedder transformers: prefix must be query or passage');
    }
    return { kind, model: target, ...options } as TransformersSpec;
  }
  if (options.tokenizer !== undefined && options.maxTokens === undefined) throw new EmbedderSpecError('embedder openai: tokenizer= needs maxTokens= (the token limit it cuts texts to)');
  if (options.maxTokens !== undefined && (!Number.isInteger(options.maxTokens) || (options.maxTokens as number) < 1)) {
    throw new EmbedderSpecError('embedder openai: maxTokens must be a positive integer');
  }
  const at = target.indexOf('@http');
  const model = at < 0 ? target : target.slice(0, at);
  const baseURL = at < 0 ? undefined : target.slice(at + 1);
  return { kind, model, ...(baseURL ? { baseURL } : {}), ...options } as OpenAISpec;
}

/** A spec without secrets, for the dataset card and logs. */
export function describeSpec(spec: EmbedderSpec): Record<string, unknown> {
  const { ...copy } = spec as unknown as Record<string, unknown>;
  delete copy.apiKey;
  // a local model folder is recorded by its name only (machine paths say nothing about the model)
  if (copy.kind === 'transformers' && typeof copy.model === 'string' && /^[./~]|[\\/].*[\\/]/.test(copy.model) && existsSync(copy.model)) {
    copy.model = basename(resolve(copy.model));
  }
  if (typeof copy.tokenizer === 'string') copy.tokenizer = basename(resolve(copy.tokenizer));
  if (typeof copy.baseURL === 'string') {
    try {
      const u = new URL(copy.baseURL);
      copy.baseURL = `${u.protocol}//${u.host}${u.pathname}`;
    } catch {
      copy.baseURL = '(invalid)';
    }
  }
  return copy;
}

/** `logger` receives the embedder's notices (rate-limit pauses, split batches). */
export function createEmbedder(spec: EmbedderSpec | string, ctx: { logger?: Logger } = {}): Embedder {
  const s = typeof spec === 'string' ? parseEmbedderSpec(spec) : spec;
  switch (s.kind) {
    case 'lsa':
      return new LsaEmbedder(s);
    case 'transformers':
      return new TransformersEmbedder(s);
    case 'openai':
      return new OpenAIEmbedder(s, ctx);
  }
}
