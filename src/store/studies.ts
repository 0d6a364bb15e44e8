// Tables of the human Turing-test study kit: studies, their items (a context thread and one candidate post, real or
// model-written), raters (only the SHA-256 of their link token is kept), each rater's assigned items in order, and
// responses (one per rater and item: the primary key makes a second answer impossible, never a duplicate row).
import type { SchemaModule } from './schema-module.ts';
import { num, type Store } from './store.ts';

export const studiesSchema: SchemaModule = {
  name: 'studies',
  migrations: [
    `CREATE TABLE studies (
       id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, release_id VARCHAR NOT NULL, k INTEGER NOT NULL,
       split VARCHAR NOT NULL, settings VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL
     );
     CREATE TABLE study_items (
       study_id VARCHAR NOT NULL, item_no INTEGER NOT NULL, kind VARCHAR NOT NULL, model VARCHAR,
       task_id VARCHAR, context VARCHAR NOT NULL, candidate VARCHAR NOT NULL, expected VARCHAR NOT NULL,
       PRIMARY KEY (study_id, item_no)
     );
     CREATE TABLE study_raters (
       study_id VARCHAR NOT NULL, rater_no INTEGER NOT NULL, token_hash VARCHAR NOT NULL UNIQUE,
       consented_at TIMESTAMP, PRIMARY KEY (study_id, rater_no)
     );
     CREATE TABLE study_assignments (
       study_id VARCHAR NOT NULL, rater_no INTEGER NOT NULL, position INTEGER NOT NULL, item_no INTEGER NOT NULL,
       PRIMARY KEY (study_id, rater_no, position)
     );
     CREATE TABLE study_responses (
       study_id VARCHAR NOT NULL, rater_no INTEGER NOT NULL, item_no INTEGER NOT NULL, answer VARCHAR NOT NULL,
       elapsed_ms INTEGER NOT NULL, answered_at TIMESTAMP NOT NULL, PRIMARY KEY (study_id, rater_no, item_no)
     );`,
    // Rater links expire (expires_at) or are withdrawn when the admin closes the study (closed_at).
    `ALTER TABLE studies ADD COLUMN expires_at TIMESTAMP;
     ALTER TABLE studies ADD COLUMN closed_at TIMESTAMP;`,
  ],
};

export type ItemKind = 'real' | 'model' | 'attention';
export type Answer = 'real' | 'ai' | 'unsure';

export interface StudyItem {
  itemNo: number;
  kind: ItemKind;
  /** The model arm the item belongs to (real items too: each arm shows real and model posts); null for checks. */
  model: string | null;
  taskId: string | null;
  /** JSON array of `{role, text|action}` context messages as shown. */
  context: string;
  candidate: string;
  /** The correct answer. */
  expected: Answer;
}

export interface StudyRow {
  id: string;
  name: string;
  releaseId: string;
  k: number;
  split: string;
  settings: string;
  createdAt: string;
  expiresAt: string | null;
  closedAt: string | null;
}

export interface NewRater {
  raterNo: number;
  tokenHash: string;
  /** Item numbers in the order the rater sees them. */
  items: number[];
}

/**
 * Stores a study, its items, raters and assignments in one transaction, with one bulk statement per table (the rows
 * travel as one JSON parameter), so creating a study of thousands of assignments holds the store for milliseconds.
 */
export async function insertStudy(
  store: Store,
  s: Omit<StudyRow, 'createdAt' | 'expiresAt' | 'closedAt'> & { linkDays: number },
  items: readonly StudyItem[],
  raters: readonly NewRater[],
): Promise<void> {
  const rows = (sql: string, columns: string, data: unknown[]) =>
    data.length ? store.run(`${sql} FROM (SELECT unnest(from_json($2::VARCHAR, '[{${columns}}]')) AS x)`, [s.id, JSON.stringify(data)]) : Promise.resolve();
  await store.transaction(async () => {
    await store.run('INSERT INTO studies VALUES ($1, $2, $3, $4, $5, $6, now(), now() + to_days($7::INTEGER), NULL)', [s.id, s.name, s.releaseId, s.k, s.split, s.settings, s.linkDays]);
    await rows(
      'INSERT INTO study_items SELECT $1, x.n, x.kind, x.model, x.task, x.context, x.candidate, x.expected',
      '"n":"INTEGER","kind":"VARCHAR","model":"VARCHAR","task":"VARCHAR","context":"VARCHAR","candidate":"VARCHAR","expected":"VARCHAR"',
      items.map((it) => ({ n: it.itemNo, kind: it.kind, model: it.model, task: it.taskId, context: it.context, candidate: it.candidate, expected: it.expected })),
    );
    await rows('INSERT INTO study_raters SELECT $1, x.r, x.h, NULL', '"r":"INTEGER","h":"VARCHAR"', raters.map((r) => ({ r: r.raterNo, h: r.tokenHash })));
    await rows(
      'INSERT INTO study_assignments SELECT $1, x.r, x.p, x.n',
      '"r":"INTEGER","p":"INTEGER","n":"INTEGER"',
      raters.flatMap((r) => r.items.map((n, p) => ({ r: r.raterNo, p, n }))),
    );
  });
}

const STUDY_COLUMNS = `id, name, release_id, k, split, settings, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at,
  strftime(expires_at, '%Y-%m-%dT%H:%M:%SZ') AS expires_at, strftime(closed_at, '%Y-%m-%dT%H:%M:%SZ') AS closed_at`;

function studyOf(r: Record<string, unknown>): StudyRow {
  return {
    id: r.id as string,
    name: r.name as string,
    releaseId: r.release_id as string,
    k: Number(r.k),
    split: r.split as string,
    settings: r.settings as string,
    createdAt: r.created_at as string,
    expiresAt: (r.expires_at as string) ?? null,
    closedAt: (r.closed_at as string) ?? null,
  };
}

/** Withdraws every rater link of a study; answers already given are kept. False when there is no such study. */
export async function closeStudy(store: Store, id: string): Promise<boolean> {
  const rows = await store.all('UPDATE studies SET closed_at = coalesce(closed_at, now()) WHERE id = $1 RETURNING id', [id]);
  return rows.length > 0;
}

export async function listStudies(store: Store): Promise<Array<StudyRow & { raters: number; responses: number }>> {
  const rows = await store.all(
    `SELECT ${STUDY_COLUMNS}, (SELECT count(*) FROM study_raters r WHERE r.study_id = s.id) AS raters,
            (SELECT count(*) FROM study_responses x WHERE x.study_id = s.id) AS responses
     FROM studies s ORDER BY s.created_at, s.id`,
  );
  return rows.map((r) => ({ ...studyOf(r), raters: num(r.raters), responses: num(r.responses) }));
}

export async function getStudy(store: Store, id: string): Promise<StudyRow | null> {
  const rows = await store.all(`SELECT ${STUDY_COLUMNS} FROM studies WHERE id = $1`, [id]);
  return rows.length ? studyOf(rows[0]) : null;
}

export interface RaterRef {
  studyId: string;
  raterNo: number;
  consented: boolean;
  /** The link has expired or the study was closed. */
  expired: boolean;
}

export async function raterByTokenHash(store: Store, tokenHash: string): Promise<RaterRef | null> {
  const rows = await store.all(
    `SELECT r.study_id, r.rater_no, r.consented_at, (s.closed_at IS NOT NULL OR s.expires_at < now()) AS expired
     FROM study_raters r JOIN studies s ON s.id = r.study_id WHERE r.token_hash = $1`,
    [tokenHash],
  );
  if (!rows.length) return null;
  return { studyId: rows[0].study_id as string, raterNo: Number(rows[0].rater_no), consented: rows[0].consented_at !== null, expired: Boolean(rows[0].expired) };
}

export async function recordConsent(store: Store, r: RaterRef): Promise<void> {
  await store.run('UPDATE study_raters SET consented_at = coalesce(consented_at, now()) WHERE study_id = $1 AND rater_no = $2', [r.studyId, r.raterNo]);
}

export interface AssignedItem {
  position: number;
  itemNo: number;
  context: string;
  candidate: string;
  answered: boolean;
}

/** A rater's items in order, without the answer key or the model name. */
export async function assignedItems(store: Store, r: RaterRef): Promise<AssignedItem[]> {
  const rows = await store.all(
    `SELECT a.position, a.item_no, i.context, i.candidate, (x.item_no IS NOT NULL) AS answered
     FROM study_assignments a JOIN study_items i ON i.study_id = a.study_id AND i.item_no = a.item_no
     LEFT JOIN study_responses x ON x.study_id = a.study_id AND x.rater_no = a.rater_no AND x.item_no = a.item_no
     WHERE a.study_id = $1 AND a.rater_no = $2 ORDER BY a.position`,
    [r.studyId, r.raterNo],
  );
  return rows.map((x) => ({ position: Number(x.position), itemNo: Number(x.item_no), context: x.context as string, candidate: x.candidate as string, answered: Boolean(x.answered) }));
}

export type RecordOutcome = 'stored' | 'duplicate' | 'not_assigned';

/** Stores one answer in a transaction: only for an item assigned to this rater, and only once. */
export async function recordResponse(store: Store, r: RaterRef, itemNo: number, answer: Answer, elapsedMs: number): Promise<RecordOutcome> {
  return store.transaction(async () => {
    const assigned = await store.all('SELECT 1 FROM study_assignments WHERE study_id = $1 AND rater_no = $2 AND item_no = $3', [r.studyId, r.raterNo, itemNo]);
    if (!assigned.length) return 'not_assigned';
    const seen = await store.all('SELECT 1 FROM study_responses WHERE study_id = $1 AND rater_no = $2 AND item_no = $3', [r.studyId, r.raterNo, itemNo]);
    if (seen.length) return 'duplicate';
    await store.run('INSERT INTO study_responses VALUES ($1, $2, $3, $4, $5, now())', [r.studyId, r.raterNo, itemNo, answer, elapsedMs]);
    return 'stored';
  });
}

export interface ResponseRow {
  raterNo: number;
  itemNo: number;
  kind: ItemKind;
  model: string | null;
  taskId: string | null;
  expected: Answer;
  answer: Answer;
  elapsedMs: number;
  answeredAt: string;
}

export async function studyResponses(store: Store, studyId: string): Promise<ResponseRow[]> {
  const rows = await store.all(
    `SELECT x.rater_no, x.item_no, i.kind, i.model, i.task_id, i.expected, x.answer, x.elapsed_ms, strftime(x.answered_at, '%Y-%m-%dT%H:%M:%SZ') AS answered_at
     FROM study_responses x JOIN study_items i ON i.study_id = x.study_id AND i.item_no = x.item_no
     WHERE x.study_id = $1 ORDER BY x.rater_no, x.item_no`,
    [studyId],
  );
  return rows.map((x) => ({
    raterNo: Number(x.rater_no),
    itemNo: Number(x.item_no),
    kind: x.kind as ItemKind,
    model: (x.model as string) ?? null,
    taskId: (x.task_id as string) ?? null,
    expected: x.expected as Answer,
    answer: x.answer as Answer,
    elapsedMs: Number(x.elapsed_ms),
    answeredAt: x.answered_at as string,
  }));
}

export async function raterProgress(store: Store, studyId: string): Promise<Array<{ raterNo: number; assigned: number; answered: number; consented: boolean }>> {
  const rows = await store.all(
    `SELECT r.rater_no, r.consented_at IS NOT NULL AS consented,
            (SELECT count(*) FROM study_assignments a WHERE a.study_id = r.study_id AND a.rater_no = r.rater_no) AS assigned,
            (SELECT count(*) FROM study_responses x WHERE x.study_id = r.study_id AND x.rater_no = r.rater_no) AS answered
     FROM study_raters r WHERE r.study_id = $1 ORDER BY r.rater_no`,
    [studyId],
  );
  return rows.map((r) => ({ raterNo: Number(r.rater_no), assigned: num(r.assigned), answered: num(r.answered), consented: Boolean(r.consented) }));
}

/** How many items the rater has and has answered. */
export async function raterCounts(store: Store, r: RaterRef): Promise<{ answered: number; total: number }> {
  const rows = await store.all(
    `SELECT (SELECT count(*) FROM study_assignments WHERE study_id = $1 AND rater_no = $2) AS total,
            (SELECT count(*) FROM study_responses WHERE study_id = $1 AND rater_no = $2) AS answered`,
    [r.studyId, r.raterNo],
  );
  return { answered: num(rows[0].answered), total: num(rows[0].total) };
}
