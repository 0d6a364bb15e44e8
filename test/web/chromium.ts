// Whether the browser tests can run: skipped with a message on a developer machine without Debian's Chromium, but a
// failure under CI (CI is set), where `.ci/run` installs it, so a missing browser can never pass as a green run.
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

export function chromiumGate(path: string = CHROMIUM, env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): { skip: string | false; missingInCi: string | null } {
  if (exists(path)) return { skip: false, missingInCi: null };
  const why = `Debian chromium is not installed at ${path} (apt-get install chromium)`;
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  return ci ? { skip: false, missingInCi: `${why}; CI must install it (.ci/run does), so the end-to-end test fails here instead of skipping` } : { skip: `${why}; CI installs it`, missingInCi: null };
}
