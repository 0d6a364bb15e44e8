// The privacy engineer's PII engine behind the pipeline's TextRedactor interface.
import { createPiiEngine } from '../privacy/index.ts';
import type { TextRedactor } from './generate.ts';

export function piiRedactor(): TextRedactor {
  const engine = createPiiEngine();
  return {
    redact(text) {
      const r = engine.redact(text);
      return { text: r.redacted, count: r.entities.length };
    },
  };
}
