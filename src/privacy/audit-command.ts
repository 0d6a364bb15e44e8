// `simpact audit DIR`: runs the release audit with the secret, when one is configured, and formats the result.
import { existsSync, statSync } from 'node:fs';
import { auditReleaseReport, type AuditReport } from './audit.ts';
import { defaultSecretPath, loadSecret, SECRET_ENV } from './secret.ts';

export interface AuditCommandOptions {
  secretFile?: string;
  allow?: string[];
}

export async function runAudit(dir: string, opts: AuditCommandOptions): Promise<{ report: AuditReport & { secretChecked: boolean }; text: string }> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  // The secret is searched for only if one is configured; the audit never creates a key file.
  const haveSecret = Boolean(opts.secretFile || process.env[SECRET_ENV] !== undefined || existsSync(defaultSecretPath()));
  const secret = haveSecret ? loadSecret({ keyFile: opts.secretFile, create: false }) : undefined;
  const allow = (opts.allow ?? []).map((a) => {
    try {
      return new RegExp(a);
    } catch {
      throw new Error(`--allow: not a regular expression: ${a}`);
    }
  });
  const report = await auditReleaseReport(dir, { secret, allow });
  const lines = report.leaks.map((l) => `${l.file}:${l.line} ${l.kind} ${l.excerpt}`);
  for (const s of report.skipped) lines.push(`note: skipped ${s.file}: ${s.reason}`);
  lines.push(
    report.leaks.length
      ? `${report.leaks.length} leak(s) in ${report.scannedFiles} file(s)${secret ? '' : ' (no secret configured: not searched for)'}`
      : `clean: ${report.scannedFiles} file(s) scanned${secret ? ', secret included' : ' (no secret configured: not searched for)'}`,
  );
  return { report: { ...report, secretChecked: Boolean(secret) }, text: `${lines.join('\n')}\n` };
}
