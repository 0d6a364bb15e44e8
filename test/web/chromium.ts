// Whether the browser tests can run: skipped with a message on a developer machine without Debian's Chromium, but a
// failure under CI (CI is set), where `.ci/run` installs it, so a missing browser can never pass as a green run. The
// one way to skip them under CI is to say so: SIMPACT_SKIP_BROWSER_TESTS=1.
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
export const OPT_OUT = 'SIMPACT_SKIP_BROWSER_TESTS';

const truthy = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';

export function chromiumGate(path: string = CHROMIUM, env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): { skip: string | false; missingInCi: string | null } {
  if (truthy(env[OPT_OUT])) return { skip: `${OPT_OUT} is set: the browser tests are skipped on request`, missingInCi: null };
  if (exists(path)) return { skip: false, missingInCi: null };
  const why = `Debian chromium is not installed at ${path} (apt-get install chromium)`;
  return truthy(env.CI)
    ? { skip: false, missingInCi: `${why}; CI must install it (.ci/run does), so the end-to-end test fails here instead of skipping (set ${OPT_OUT}=1 to skip it on purpose)` }
    : { skip: `${why}; CI installs it`, missingInCi: null };
}
