// Client-side routes: /explore (default), /admin, /admin/study/<id>, /rate#t=<token>.
import { adminPage, resultsPage } from './admin.ts';
import { h, mount } from './dom.ts';
import { explorerPage } from './explorer.ts';
import { raterPage } from './rater.ts';

function nav(rater: boolean): void {
  const el = document.getElementById('nav')!;
  el.replaceChildren(...(rater ? [] : [h('a', { href: '/explore' }, 'Explorer'), h('a', { href: '/admin' }, 'Studies')]));
}

function route(): void {
  const path = location.pathname;
  const study = /^\/admin\/study\/([A-Za-z0-9]+)$/.exec(path);
  nav(path === '/rate');
  const done = path === '/rate' ? raterPage() : study ? resultsPage(study[1]) : path === '/admin' ? adminPage() : explorerPage();
  Promise.resolve(done).catch((err: Error) => mount(h('section', { class: 'card' }, h('p', { class: 'error' }, err.message))));
}

route();
