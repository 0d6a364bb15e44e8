// Dataset explorer: per K the clusters (users per cluster from the clustering diagnostics, threads, splits, action
// mix, top terms, PCA scatter when the release has diagnostics) and a thread browser with filters and keyset paging.
// When the server asks for the admin token (a server reachable from other machines), the page signs in first.
import { auth, signIn } from './admin.ts';
import { api, ApiError } from './api.ts';
import { h, mount, svg } from './dom.ts';

interface Release {
  id: string;
  ks: number[];
  threads: number;
  users: number | null;
}

interface ClusterRow {
  cluster: number;
  threads: number;
  actions: Record<string, number>;
  splits: Record<string, number>;
}

interface Diagnostics {
  clusters: { id: number; size: number; topTerms: string[] }[];
  pca: { explainedVariance: [number, number]; points: { x: number; y: number; cluster: number }[] } | null;
}

interface Msg {
  role: string;
  pseudonym: string;
  time: number | null;
  text?: string;
  action?: string;
}

interface ThreadPage {
  threads: { cluster: number; line: number; split: string | null; action: string | null; messages: Msg[] }[];
  next: string | null;
}

const ACTIONS = ['like', 'unlike', 'repost', 'unrepost', 'follow', 'unfollow', 'block', 'unblock', 'post_update', 'post_delete', 'quote', 'post', 'reply'];
const PALETTE = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5', '#9c6b4e', '#9498a0'];

export async function explorerPage(): Promise<void> {
  let rel: Release;
  try {
    rel = await api<Release>('/api/explorer/release', { headers: auth() });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signIn(() => void explorerPage(), auth().authorization ? 'The admin token was not accepted.' : 'This server asks for the admin token to show the explorer.');
    throw err;
  }
  const kSelect = h('select', { id: 'k', 'aria-label': 'K' }, ...rel.ks.map((k) => h('option', { value: k }, `K = ${k}`)));
  const clustersBox = h('section', { class: 'card', id: 'clusters' });
  const browserBox = h('section', { class: 'card', id: 'browser' });
  mount(
    h('section', { class: 'card' }, h('h1', {}, 'Dataset explorer'), h('p', { class: 'muted' }, `Release ${rel.id} · ${rel.threads} threads${rel.users !== null ? ` · ${rel.users} users` : ''}`), h('label', {}, 'Partition ', kSelect)),
    clustersBox,
    browserBox,
  );
  const show = async (): Promise<void> => {
    const k = Number(kSelect.value);
    const data = await api<{ clusters: ClusterRow[]; diagnostics: Diagnostics | null }>(`/api/explorer/clusters?k=${k}`, { headers: auth() });
    renderClusters(clustersBox, data.clusters, data.diagnostics);
    renderBrowser(browserBox, k, data.clusters.map((c) => c.cluster));
  };
  kSelect.addEventListener('change', () => void show());
  await show();
}

function renderClusters(box: HTMLElement, rows: ClusterRow[], diag: Diagnostics | null): void {
  const terms = new Map(diag?.clusters.map((c) => [c.id, c.topTerms]) ?? []);
  // The cluster's size is its users (what the clustering balanced); threads are the released threads of those users.
  const users = new Map(diag?.clusters.map((c) => [c.id, c.size]) ?? []);
  const heads = ['cluster', 'users (cluster size)', 'threads', 'train / val / test', 'action mix', 'top terms'];
  const table = h(
    'table',
    { class: 'data stacked' },
    h('thead', {}, h('tr', {}, ...heads.map((t) => h('th', {}, t)))),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h(
          'tr',
          {},
          h('td', { 'data-label': heads[0] }, r.cluster),
          h('td', { class: 'num users', 'data-label': heads[1] }, users.get(r.cluster) ?? '–'),
          h('td', { class: 'num threads', 'data-label': heads[2] }, r.threads),
          h('td', { class: 'num', 'data-label': heads[3] }, `${r.splits.train ?? 0} / ${r.splits.validation ?? 0} / ${r.splits.test ?? 0}`),
          h('td', { 'data-label': heads[4] }, mixBar(r.actions, r.threads)),
          h('td', { class: 'terms', 'data-label': heads[5] }, (terms.get(r.cluster) ?? []).join(', ') || '–'),
        ),
      ),
    ),
  );
  box.replaceChildren(
    h('h2', {}, 'Clusters'),
    h('div', { class: 'scroll' }, table),
    diag?.pca ? scatter(diag.pca) : h('p', { class: 'muted' }, 'This release has no clustering diagnostics (clusters-k{K}.json), so no cluster sizes, top terms or PCA scatter.'),
  );
}

function mixBar(actions: Record<string, number>, total: number): HTMLElement {
  const entries = Object.entries(actions).sort((a, b) => b[1] - a[1]);
  const bar = svg('svg', { viewBox: '0 0 100 8', class: 'mix', preserveAspectRatio: 'none', role: 'img' });
  let x = 0;
  entries.forEach(([a, n]) => {
    const w = (100 * n) / Math.max(1, total);
    bar.appendChild(svg('rect', { x, y: 0, width: w, height: 8, fill: PALETTE[ACTIONS.indexOf(a) % PALETTE.length] ?? '#999' }, svg('title', {}, `${a}: ${n}`)));
    x += w;
  });
  return h('div', { class: 'mixcell' }, bar as unknown as HTMLElement, h('span', { class: 'muted small' }, entries.slice(0, 3).map(([a, n]) => `${a} ${n}`).join(' · ')));
}

function scatter(pca: NonNullable<Diagnostics['pca']>): HTMLElement {
  const pts = pca.points;
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const W = 400;
  const H = 300;
  const sx = (x: number) => 10 + ((x - x0) / (x1 - x0 || 1)) * (W - 20);
  const sy = (y: number) => H - 10 - ((y - y0) / (y1 - y0 || 1)) * (H - 20);
  const plot = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'scatter', role: 'img', 'aria-label': 'PCA scatter of user vectors' });
  for (const p of pts) plot.appendChild(svg('circle', { cx: sx(p.x).toFixed(1), cy: sy(p.y).toFixed(1), r: 2.5, fill: PALETTE[p.cluster % PALETTE.length] }));
  return h(
    'figure',
    {},
    plot as unknown as HTMLElement,
    h('figcaption', { class: 'muted small' }, `User vectors, PCA: PC1 ${(pca.explainedVariance[0] * 100).toFixed(1)} %, PC2 ${(pca.explainedVariance[1] * 100).toFixed(1)} % of variance; colour = cluster.`),
  );
}

function renderBrowser(box: HTMLElement, k: number, clusters: number[]): void {
  const cluster = h('select', { name: 'cluster', 'aria-label': 'cluster' }, h('option', { value: '' }, 'all clusters'), ...clusters.map((c) => h('option', { value: c }, `cluster ${c}`)));
  const action = h('select', { name: 'action', 'aria-label': 'action' }, h('option', { value: '' }, 'all actions'), ...ACTIONS.map((a) => h('option', { value: a }, a)));
  const split = h('select', { name: 'split', 'aria-label': 'split' }, h('option', { value: '' }, 'all splits'), ...['train', 'validation', 'test'].map((s) => h('option', { value: s }, s)));
  const q = h('input', { type: 'search', name: 'q', placeholder: 'search text', maxlength: 200, 'aria-label': 'search text' });
  const list = h('div', { id: 'threads' });
  const more = h('button', { id: 'more' }, 'Next page');
  const first = h('button', { id: 'first' }, 'First page');
  let next: string | null = null;
  const load = async (after: string | null): Promise<void> => {
    const p = new URLSearchParams({ k: String(k), limit: '20' });
    if (cluster.value) p.set('cluster', cluster.value);
    if (action.value) p.set('action', action.value);
    if (split.value) p.set('split', split.value);
    if (q.value.trim()) p.set('q', q.value.trim());
    if (after) p.set('after', after);
    const page = await api<ThreadPage>(`/api/explorer/threads?${p}`, { headers: auth() });
    next = page.next;
    more.disabled = !next;
    list.replaceChildren(...(page.threads.length ? page.threads.map(threadCard) : [h('p', { class: 'muted' }, 'No thread matches.')]));
  };
  const form = h('form', { class: 'filters' }, cluster, action, split, q, h('button', { type: 'submit', class: 'primary' }, 'Filter'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void load(null);
  });
  more.addEventListener('click', () => void load(next));
  first.addEventListener('click', () => void load(null));
  box.replaceChildren(h('h2', {}, 'Threads'), form, list, h('div', { class: 'actions' }, first, more));
  void load(null);
}

function threadCard(t: ThreadPage['threads'][number]): HTMLElement {
  return h(
    'article',
    { class: 'thread-card' },
    h('div', { class: 'muted small' }, `cluster ${t.cluster} · line ${t.line} · ${t.split ?? 'no split'} · ${t.action ?? '?'}`),
    h(
      'ol',
      { class: 'thread' },
      ...t.messages.map((m) =>
        h(
          'li',
          { class: 'msg' },
          h('span', { class: 'role' }, m.role),
          h('span', { class: 'pseudonym', title: m.pseudonym }, m.pseudonym.slice(0, 10)),
          m.time !== null ? h('span', { class: 'muted small' }, ` t=${m.time}`) : null,
          m.text !== undefined ? h('p', { class: 'text' }, m.text) : null,
          m.action ? h('span', { class: 'action' }, m.action) : null,
        ),
      ),
    ),
  );
}
