// The pseudonymisation secret: from $SIMPACT_SECRET, or from a key file created with mode 0600 on first use. The
// secret is never logged and never part of an error message.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const SECRET_ENV = 'SIMPACT_SECRET';
export const SECRET_FILE_ENV = 'SIMPACT_SECRET_FILE';

/** `$SIMPACT_SECRET_FILE`, else `$XDG_CONFIG_HOME/simpact/secret`, else `~/.config/simpact/secret`. */
export function defaultSecretPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env[SECRET_FILE_ENV]) return env[SECRET_FILE_ENV]!;
  const config = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(config, 'simpact', 'secret');
}

export interface LoadSecretOptions {
  keyFile?: string;
  /** Create the key file when it does not exist (default true; never in compat mode). */
  create?: boolean;
  /** BluePrint compatibility: the reference's secret must be supplied, so a missing one is an error. */
  compat?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface SecretInfo {
  secret: string;
  source: 'env' | 'file';
  /** The key file, when the secret came from one. */
  path?: string;
  created: boolean;
}

export class SecretError extends Error {}

export function loadSecret(opts: LoadSecretOptions = {}): string {
  return loadSecretInfo(opts).secret;
}

/** Shorter secrets are refused outside compat mode (a generated one has 44 characters). */
export const MIN_SECRET_LENGTH = 16;

export function loadSecretInfo(opts: LoadSecretOptions = {}): SecretInfo {
  const info = findSecret(opts);
  if (!opts.compat && info.secret.length < MIN_SECRET_LENGTH) {
    const where = info.source === 'env' ? SECRET_ENV : `key file ${info.path}`;
    throw new SecretError(`the secret from ${where} is too short (at least ${MIN_SECRET_LENGTH} characters; \`openssl rand -base64 32\` makes a good one)`);
  }
  return info;
}

function findSecret(opts: LoadSecretOptions): SecretInfo {
  const env = opts.env ?? process.env;
  const fromEnv = env[SECRET_ENV];
  if (fromEnv !== undefined && !opts.keyFile) {
    if (fromEnv.trim() === '') throw new SecretError(`${SECRET_ENV} is set but empty`);
    return { secret: fromEnv, source: 'env', created: false };
  }
  const path = opts.keyFile ?? defaultSecretPath(env);
  if (existsSync(path)) return { secret: readKeyFile(path), source: 'file', path, created: false };
  if (opts.compat) {
    throw new SecretError(
      `compat mode needs the reference's secret: set ${SECRET_ENV} or pass a key file (no key file at ${path}); a new secret would not reproduce the released ids`,
    );
  }
  if (opts.create === false) throw new SecretError(`no secret: set ${SECRET_ENV} or create the key file ${path}`);
  const secret = randomBytes(32).toString('base64');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { secret, source: 'file', path, created: true };
}

function readKeyFile(path: string): string {
  const st = statSync(path);
  if (!st.isFile()) throw new SecretError(`key file ${path} is not a regular file`);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new SecretError(`key file ${path} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 on it`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SecretError(`cannot read key file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const secret = text.replace(/[\r\n]+$/, '');
  if (secret.trim() === '') throw new SecretError(`key file ${path} is empty`);
  return secret;
}

/** The forms in which a secret could leak into a file: raw, and the base64/hex of its bytes (and of its decoding). */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const bytes = Buffer.from(secret, 'utf8');
  forms.add(bytes.toString('base64'));
  forms.add(bytes.toString('base64url'));
  forms.add(bytes.toString('hex'));
  if (/^[A-Za-z0-9+/]+=*$/.test(secret) && secret.length >= 16) {
    const decoded = Buffer.from(secret, 'base64');
    if (decoded.length >= 12) {
      forms.add(decoded.toString('hex'));
      forms.add(decoded.toString('base64url'));
    }
  }
  return [...forms].filter((f) => f.length >= 8);
}
