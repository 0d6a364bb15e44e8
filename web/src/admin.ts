// Admin pages: sign in with the admin token (kept in this tab's sessionStorage), list and create studies, and the
// results page per model with CSV / JSON export.
import { api, download } from './api.ts';
import { fmt, h, interval, mount } from './dom.ts';

const TOKEN_KEY = 'simpact-admin-token';

export function auth(): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function signIn(then: () => void, message?: string): void {
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'off', 'aria-label': 'admin token' });
  const form = h('form', { class: 'stack' }, h('label', { for: 'token' }, 'Admin token'), input, h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    then();
  });
  mount(h('section', { class: 'card narrow' }, h('h1', {}, 'Admin'), message ? h('p', { class: 'error' }, message) : null, form));
}

async function guarded(fn: () => Promise<void>, retry: () => void): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 401) signIn(retry, 'The admin token was not accepted.');
    else mount(h('section', { class: 'card' }, h('p', { class: 'error' }, (err as Error).message)));
  }
}

interface StudyListItem {
  id: string;
  name: string;
  k: number;
  split: string;
  raters: number;
  responses: number;
}

export function adminPage(): void {
  if (!sessionStorage.getItem(TOKEN_KEY)) return signIn(adminPage);
  void guarded(async () => {
    const data = await api<{ studies: StudyListItem[]; release: { ks: number[] } }>('/api/admin/studies', { headers: auth() });
    mount(
      h(
        'section',
        { class: 'card' },
        h('h1', {}, 'Studies'),
        data.studies.length
          ? h(
              'table',
              { class: 'data' },
              h('thead', {}, h('tr', {}, h('th', {}, 'name'), h('th', {}, 'K'), h('th', {}, 'split'), h('th', {}, 'raters'), h('th', {}, 'responses'))),
              h('tbody', {}, ...data.studies.map((s) => h('tr', {}, h('td', {}, h('a', { href: `/admin/study/${s.id}` }, s.name)), h('td', {}, s.k), h('td', {}, s.split), h('td', { class: 'num' }, s.raters), h('td', { class: 'num' }, s.responses)))),
            )
          : h('p', { class: 'muted' }, 'No study yet.'),
      ),
      createForm(data.release.ks),
    );
  }, adminPage);
}

function createForm(ks: number[]): HTMLElement {
  const field = (label: string, input: HTMLElement) => h('label', { class: 'field' }, h('span', {}, label), input);
  const name = h('input', { name: 'name', required: true, maxlength: 200 });
  const k = h('select', { name: 'k' }, ...ks.map((x) => h('option', { value: x }, String(x))));
  const split = h('select', { name: 'split' }, ...['test', 'validation', 'train'].map((s) => h('option', { value: s }, s)));
  const files = h('input', { type: 'file', name: 'predictions', multiple: true, accept: '.jsonl,.json,application/json', required: true });
  const tasksFile = h('input', { type: 'file', name: 'tasks', accept: '.jsonl,.json,application/json' });
  const raters = h('input', { type: 'number', name: 'raters', min: 1, max: 1000, value: 2 });
  const perRater = h('input', { type: 'number', name: 'itemsPerRater', min: 1, max: 1000, value: 20 });
  const realShare = h('input', { type: 'number', name: 'realShare', min: 0, max: 1, step: 0.05, value: 0.5 });
  const checks = h('input', { type: 'number', name: 'attentionChecks', min: 0, max: 20, value: 1 });
  const seed = h('input', { type: 'number', name: 'seed', min: 0, value: 42 });
  const linkDays = h('input', { type: 'number', name: 'linkDays', min: 1, max: 365, value: 30 });
  const context = h('input', { type: 'checkbox', name: 'showContext', checked: true });
  const out = h('div', { id: 'created', role: 'status' });
  const form = h(
    'form',
    { class: 'grid-form' },
    field('Name', name),
    field('K', k),
    field('Split', split),
    field('Prediction files', files),
    field('Tasks file (optional check)', tasksFile),
    field('Raters', raters),
    field('Tasks per rater (each once)', perRater),
    field('Share of real posts', realShare),
    field('Attention checks', checks),
    field('Seed', seed),
    field('Links valid for (days)', linkDays),
    h('label', { class: 'check' }, context, ' Show the conversation'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create study')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.replaceChildren('Creating…');
    try {
      const predictions = await Promise.all([...(files.files ?? [])].map(async (f) => ({ name: f.name, text: await f.text() })));
      const taskFile = tasksFile.files?.[0];
      const tasks = taskFile ? { name: taskFile.name, text: await taskFile.text() } : undefined;
      const created = await api<{ id: string; items: number; models: string[]; raterLinks: string[]; skipped: Record<string, number>; notes?: string[] }>('/api/admin/studies', {
        method: 'POST',
        headers: auth(),
        body: {
          name: name.value,
          k: Number(k.value),
          split: split.value,
          predictions,
          tasks,
          settings: { raters: Number(raters.value), itemsPerRater: Number(perRater.value), realShare: Number(realShare.value), attentionChecks: Number(checks.value), seed: Number(seed.value), linkDays: Number(linkDays.value), showContext: context.checked },
        },
      });
      const skipped = Object.entries(created.skipped);
      out.replaceChildren(
        h('p', {}, `Study created: ${created.items} items, models ${created.models.join(', ')}. Copy the rater links now; they are not shown again.`),
        ...(skipped.length ? [h('p', { class: 'muted small', id: 'skipped' }, `Prediction lines not used: ${skipped.map(([k, n]) => `${k.replaceAll('_', ' ')} ${n}`).join(', ')}.`)] : []),
        ...(created.notes?.length ? [h('ul', { class: 'muted small', id: 'notes' }, ...created.notes.map((n) => h('li', {}, n)))] : []),
        h('ol', { class: 'links' }, ...created.raterLinks.map((l) => h('li', {}, h('code', {}, `${location.origin}${l}`)))),
        h('a', { href: `/admin/study/${created.id}` }, 'Open results'),
      );
    } catch (err) {
      out.replaceChildren(h('p', { class: 'error' }, (err as Error).message));
    }
  });
  return h('section', { class: 'card' }, h('h2', {}, 'New study'), form, out);
}

interface Summary {
  n: number;
  correct: number;
  incorrect: number;
  unsure: number;
  accuracy: number | null;
  referenceCi: [number, number] | null;
  wilsonCi: [number, number] | null;
}

interface Results {
  study: { id: string; name: string; k: number; split: string; expiresAt: string | null; closedAt: string | null };
  results: {
    models: (Summary & { model: string; byShown: { real: Summary; model: Summary }; agreement: { alpha: number | null; pairwise: number | null; itemsWithTwoOrMore: number } })[];
    attention: { raterNo: number; passed: number; total: number }[];
    excludedRaters: number[];
  };
  progress: { raterNo: number; assigned: number; answered: number; consented: boolean }[];
}

export function resultsPage(id: string): void {
  if (!sessionStorage.getItem(TOKEN_KEY)) return signIn(() => resultsPage(id));
  const exclude = new URLSearchParams(location.search).get('exclude') === 'inattentive';
  void guarded(async () => {
    const r = await api<Results>(`/api/admin/studies/${encodeURIComponent(id)}/results${exclude ? '?exclude=inattentive' : ''}`, { headers: auth() });
    const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
    const cell = (s: string | number, cls = 'num', label?: string) => h('td', { class: cls, 'data-label': label }, s);
    const HEADS = ['model', 'n', 'correct', 'incorrect', 'unsure', 'accuracy', '95 % CI (reference)', '95 % CI (Wilson)', 'acc. on real', 'acc. on AI', 'α (Krippendorff)', 'pairwise agreement'];
    mount(
      h(
        'section',
        { class: 'card', id: 'results' },
        h('h1', {}, r.study.name),
        h('p', { class: 'muted' }, `K = ${r.study.k} · ${r.study.split} split · accuracy = (correct + unsure/2) / n; 0.5 means raters cannot tell model posts from real ones.`),
        h('p', { class: 'muted small', id: 'study-status' }, r.study.closedAt ? `Closed ${r.study.closedAt}: rater links no longer work.` : `Open; rater links expire ${r.study.expiresAt ?? '–'}.`),
        h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            { class: 'data stacked', id: 'model-results' },
            h('thead', {}, h('tr', {}, ...HEADS.map((t) => h('th', {}, t)))),
            h(
              'tbody',
              {},
              ...r.results.models.map((m) =>
                h(
                  'tr',
                  { 'data-model': m.model },
                  ...[m.model, m.n, m.correct, m.incorrect, m.unsure, fmt(m.accuracy), interval(m.referenceCi), interval(m.wilsonCi), fmt(m.byShown.real.accuracy), fmt(m.byShown.model.accuracy), fmt(m.agreement.alpha), fmt(m.agreement.pairwise)].map((v, i) =>
                    cell(v, i === 0 ? 'model' : 'num', HEADS[i]),
                  ),
                ),
              ),
            ),
          ),
        ),
        r.results.models.length ? null : h('p', { class: 'muted' }, 'No answers yet.'),
        h('h2', {}, 'Raters'),
        h(
          'table',
          { class: 'data', id: 'raters' },
          h('thead', {}, h('tr', {}, ...['rater', 'consented', 'answered', 'attention checks passed'].map((t) => h('th', {}, t)))),
          h(
            'tbody',
            {},
            ...r.progress.map((p) => {
              const a = r.results.attention.find((x) => x.raterNo === p.raterNo);
              return h('tr', {}, cell(p.raterNo + 1), cell(p.consented ? 'yes' : 'no'), cell(`${p.answered} / ${p.assigned}`), cell(a ? `${a.passed} / ${a.total}` : '–'));
            }),
          ),
        ),
        h(
          'div',
          { class: 'actions' },
          h('a', { href: exclude ? `/admin/study/${id}` : `/admin/study/${id}?exclude=inattentive` }, exclude ? 'Include all raters' : 'Leave out raters who failed an attention check'),
          h('button', { onclick: () => void download(`/api/admin/studies/${id}/export.csv`, token, `${id}.csv`) }, 'Export CSV'),
          h('button', { onclick: () => void download(`/api/admin/studies/${id}/export.json`, token, `${id}.json`) }, 'Export JSON'),
          r.study.closedAt
            ? null
            : h('button', {
                id: 'close-study',
                onclick: async () => {
                  if (!confirm('Close this study? Rater links stop working; answers given so far are kept.')) return;
                  await api(`/api/admin/studies/${encodeURIComponent(id)}/close`, { method: 'POST', headers: auth(), body: {} });
                  resultsPage(id);
                },
              }, 'Close study'),
        ),
      ),
    );
  }, () => resultsPage(id));
}
