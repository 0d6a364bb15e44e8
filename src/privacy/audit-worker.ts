// Worker thread of the release audit: scans the files it is given and posts back what it found.
import { parentPort, workerData } from 'node:worker_threads';
import { scanReleaseFiles, type AuditOptions } from './audit.ts';

const { dir, paths, opts } = workerData as { dir: string; paths: string[]; opts: AuditOptions };
parentPort!.postMessage(await scanReleaseFiles(dir, paths, opts));
