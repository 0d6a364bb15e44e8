// The rater's page: consent, then one item at a time (context thread, one candidate post) answered Real / AI /
// Unsure by click or key (1/R, 2/A, 3/U), with a progress bar. The link token lives in the URL fragment and is sent
// only as a header.
//
// Keyboard answers are only what the rater chose for the item on screen: auto-repeated key events are ignored, after
// a key answer no key counts until every key is released, and each item focuses its own container (not a button),
// so Enter or Space cannot answer for the rater.
import { api, ApiError } from './api.ts';
import { h, mount } from './dom.ts';

interface Item {
  item: number;
  position: number;
  answered: boolean;
  context: { role: string; text?: string; action?: string }[];
  candidate: string;
}

interface Session {
  study: { name: string; showContext: boolean };
  consented: boolean;
  total: number;
  answered: number;
  items: Item[];
}

const ANSWERS = [
  { value: 'real', label: 'Real person', keys: ['1', 'r'] },
  { value: 'ai', label: 'AI', keys: ['2', 'a'] },
  { value: 'unsure', label: 'Unsure', keys: ['3', 'u'] },
] as const;

let keyHandler: ((ev: KeyboardEvent) => void) | null = null;
/** Keys down now (a key answer waits until this is empty again). */
const held = new Set<string>();
let waitForRelease = false;

document.addEventListener('keydown', (ev) => {
  held.add(ev.code || ev.key);
});
document.addEventListener('keyup', (ev) => {
  held.delete(ev.code || ev.key);
  if (held.size === 0) waitForRelease = false;
});
// A key released outside the page (another window took focus) sends no keyup here.
window.addEventListener('blur', () => {
  held.clear();
  waitForRelease = false;
});

function setKeys(fn: ((ev: KeyboardEvent) => void) | null): void {
  if (keyHandler) document.removeEventListener('keydown', keyHandler);
  keyHandler = fn;
  if (fn) document.addEventListener('keydown', fn);
}

export async function raterPage(): Promise<void> {
  const token = new URLSearchParams(location.hash.slice(1)).get('t') ?? '';
  const headers = { 'x-rater-token': token };
  let session: Session;
  try {
    session = await api<Session>('/api/rater/session', { headers });
  } catch (err) {
    mount(h('section', { class: 'card narrow' }, h('h1', {}, 'Study link not valid'), h('p', {}, (err as Error).message)));
    return;
  }
  if (!session.consented) return consent(session, headers);
  run(session, headers);
}

function consent(session: Session, headers: Record<string, string>): void {
  const box = h('input', { type: 'checkbox', id: 'agree' });
  const start = h('button', { class: 'primary', disabled: true, id: 'start' }, 'Start');
  box.addEventListener('change', () => (start.disabled = !box.checked));
  const error = h('p', { class: 'error', role: 'alert' });
  start.addEventListener('click', async () => {
    try {
      await api('/api/rater/consent', { method: 'POST', body: { consent: true }, headers });
      raterPage();
    } catch (err) {
      error.textContent = (err as Error).message;
    }
  });
  mount(
    h(
      'section',
      { class: 'card narrow', id: 'consent' },
      h('h1', {}, session.study.name),
      h('p', {}, `You will see ${session.total} short social-media posts. For each, decide whether a real person wrote it or an AI model generated it.`),
      session.study.showContext ? h('p', {}, 'Each post is shown under the conversation it answers; judge the highlighted post only.') : null,
      h('p', {}, 'Your answers and the time you take are stored for research, linked only to this anonymous link. Posts come from a pseudonymised public dataset and may contain offensive language. You may stop at any time.'),
      h('label', { class: 'check', for: 'agree' }, box, ' I have read this and agree to take part.'),
      h('div', { class: 'actions' }, start),
      error,
    ),
  );
}

function progress(answered: number, total: number): HTMLElement {
  return h(
    'div',
    { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': answered },
    h('div', { class: 'bar' }, h('span', { style: undefined, class: 'fill', 'data-pct': Math.round((100 * answered) / Math.max(1, total)) })),
    h('span', { class: 'count', id: 'progress-text' }, `${answered} of ${total} answered`),
  );
}

function run(session: Session, headers: Record<string, string>): void {
  const queue = session.items.filter((i) => !i.answered).sort((a, b) => a.position - b.position);
  let answered = session.answered;
  const next = (): void => {
    const item = queue[0];
    if (!item) {
      setKeys(null);
      mount(h('section', { class: 'card narrow', id: 'done' }, h('h1', {}, 'Thank you!'), h('p', {}, `You answered all ${session.total} items. You can close this page.`), progress(answered, session.total)));
      fillBars();
      return;
    }
    const shownAt = performance.now();
    let busy = false;
    const error = h('p', { class: 'error', role: 'alert' });
    const submit = async (answer: string): Promise<void> => {
      if (busy) return;
      busy = true;
      buttons.forEach((b) => (b.disabled = true));
      try {
        const r = await api<{ answered: number }>('/api/rater/answer', { method: 'POST', body: { item: item.item, answer, elapsedMs: Math.round(performance.now() - shownAt) }, headers });
        answered = r.answered;
        queue.shift();
        next();
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          // Answered already (another tab, a retry): the first answer is kept; show the progress the server counts.
          if (typeof err.data?.answered === 'number') answered = err.data.answered;
          queue.shift();
          return next();
        }
        error.textContent = (err as Error).message;
        busy = false;
        buttons.forEach((b) => (b.disabled = false));
      }
    };
    const buttons = ANSWERS.map((a) =>
      h('button', { class: `answer answer-${a.value}`, 'data-answer': a.value, onclick: () => void submit(a.value) }, h('kbd', {}, a.keys[0]), ` ${a.label}`),
    );
    setKeys((ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      const a = ANSWERS.find((x) => (x.keys as readonly string[]).includes(ev.key.toLowerCase()));
      if (!a) return;
      ev.preventDefault();
      // A held key (auto-repeat) or one still down from the previous answer never answers this item.
      if (ev.repeat || waitForRelease || busy) return;
      waitForRelease = true;
      void submit(a.value);
    });
    const context = item.context.length
      ? h(
          'ol',
          { class: 'thread' },
          ...item.context.map((m) => h('li', { class: 'msg' }, h('span', { class: 'role' }, m.role), m.text !== undefined ? h('p', { class: 'text' }, m.text) : null, m.action ? h('span', { class: 'action' }, m.action) : null)),
        )
      : null;
    mount(
      h(
        'section',
        { class: 'rater', id: 'item', 'data-item': item.item, tabindex: -1, 'aria-label': `Item ${answered + 1} of ${session.total}` },
        h('div', { class: 'rater-head' }, h('h1', {}, session.study.name), progress(answered, session.total)),
        context ? h('h2', {}, 'Conversation') : null,
        context,
        h('h2', {}, context ? 'Next post in this conversation' : 'Post'),
        h('blockquote', { class: 'candidate', id: 'candidate' }, item.candidate),
        h('p', { class: 'question' }, 'Who wrote the post above?'),
        h('div', { class: 'answers' }, ...buttons),
        h('p', { class: 'hint' }, 'Keys: 1 or R = real person, 2 or A = AI, 3 or U = unsure.'),
        error,
      ),
    );
    fillBars();
    // The item, not an answer button, has the focus: Enter or Space must not answer "Real person" by default.
    document.getElementById('item')!.focus();
  };
  next();
}

/** Widths are set from script (the CSP allows no inline style attributes). */
function fillBars(): void {
  document.querySelectorAll<HTMLElement>('.fill').forEach((el) => (el.style.width = `${el.dataset.pct ?? 0}%`));
}
