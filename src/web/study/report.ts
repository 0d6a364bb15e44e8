// A study's results as the admin API and `simpact study results|export` give them: the study with its settings, the
// per-model results, rater progress and, for the JSON export, every response.
import type { Store } from '../../store/store.ts';
import { getStudy, raterProgress, studyResponses, type ResponseRow, type StudyRow } from '../../store/studies.ts';
import { studyResults, type StudyResults } from './stats.ts';

export interface StudyReport {
  study: Omit<StudyRow, 'settings'> & { settings: unknown };
  results: StudyResults;
  progress: Awaited<ReturnType<typeof raterProgress>>;
  responses?: ResponseRow[];
}

/** Null when the store has no such study. `run` queues the store work (the server's serial queue). */
export async function studyReport(
  store: Store,
  id: string,
  o: { excludeInattentive?: boolean; responses?: boolean } = {},
  run: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
): Promise<{ report: StudyReport; rows: ResponseRow[] } | null> {
  const study = await run(() => getStudy(store, id));
  if (!study) return null;
  const rows = await run(() => studyResponses(store, id));
  const progress = await run(() => raterProgress(store, id));
  const report: StudyReport = { study: { ...study, settings: JSON.parse(study.settings) }, results: studyResults(rows, o.excludeInattentive ?? false), progress, ...(o.responses ? { responses: rows } : {}) };
  return { report, rows };
}
