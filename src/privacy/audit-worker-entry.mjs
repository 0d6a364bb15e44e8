// Entry of the audit worker thread: worker threads do not inherit the parent's TypeScript loader, so this plain
// module registers tsx and then loads the worker's TypeScript source.
import { register } from 'tsx/esm/api';

register();
await import('./audit-worker.ts');
