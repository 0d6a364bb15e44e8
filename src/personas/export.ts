// An aligned persona set as JSONL: narrative, Big Five scores and provenance per line. Source users are never written.
import { getPersonaSet, listPersonas, listScores } from '../store/personas.ts';
import type { Store } from '../store/store.ts';
import type { Big5 } from './types.ts';

export interface ExportedPersona {
  rank: number;
  id: string;
  narrative: string;
  big5: Big5 | null;
  instrument: string;
  model: string;
  promptVersion: string;
  group?: string;
  revisedFrom?: string;
}

export async function exportPersonaSet(store: Store, setId: string): Promise<ExportedPersona[]> {
  const set = await getPersonaSet(store, setId);
  if (!set) throw new RangeError(`no persona set "${setId}" (run personas align first)`);
  const st = set.settings as { instrument?: string; scorer?: string | null };
  const instrument = st.instrument ?? 'ipip-ffm-50';
  const scores = new Map((await listScores(store, instrument)).filter((s) => !st.scorer || s.model === st.scorer).map((s) => [s.personaId, s.big5]));
  const personas = new Map((await listPersonas(store, { ids: set.memberIds })).map((p) => [p.id, p]));
  return set.memberIds.map((id, rank) => {
    const p = personas.get(id);
    if (!p) throw new RangeError(`persona set "${setId}" names a persona that is no longer stored`);
    const out: ExportedPersona = { rank, id, narrative: p.narrative, big5: scores.get(id) ?? null, instrument, model: p.model, promptVersion: p.promptVersion };
    if (p.groupLabel) out.group = p.groupLabel;
    if (p.parentId) out.revisedFrom = p.parentId;
    return out;
  });
}

export function toJsonl(rows: readonly unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
}
