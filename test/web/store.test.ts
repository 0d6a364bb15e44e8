import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../src/store/store.ts';
import { closeStudy, insertStudy, raterByTokenHash, raterCounts, recordResponse, type StudyItem } from '../../src/store/studies.ts';

const item = (itemNo: number): StudyItem => ({ itemNo, kind: 'real', model: 'm', taskId: `task-0-${itemNo}`, context: '[]', candidate: `post ${itemNo}`, expected: 'real' });

test('rater links expire with the study, closing withdraws them, answers are kept once', async () => {
  const store = await Store.open(':memory:');
  try {
    const base = { releaseId: 'r', k: 2, split: 'test', settings: '{}' };
    await insertStudy(store, { ...base, id: 'sopen', name: 'open', linkDays: 30 }, [item(0), item(1)], [{ raterNo: 0, tokenHash: 'h-open', items: [0, 1] }]);
    await insertStudy(store, { ...base, id: 'sold', name: 'old', linkDays: -1 }, [item(0)], [{ raterNo: 0, tokenHash: 'h-old', items: [0] }]);
    const open = (await raterByTokenHash(store, 'h-open'))!;
    assert.deepEqual(open, { studyId: 'sopen', raterNo: 0, consented: false, expired: false });
    assert.equal((await raterByTokenHash(store, 'h-old'))!.expired, true);
    assert.equal(await raterByTokenHash(store, 'nope'), null);
    assert.equal(await recordResponse(store, open, 0, 'ai', 5), 'stored');
    assert.equal(await recordResponse(store, open, 0, 'real', 5), 'duplicate');
    assert.equal(await recordResponse(store, open, 7, 'real', 5), 'not_assigned');
    assert.deepEqual(await raterCounts(store, open), { answered: 1, total: 2 });
    assert.equal(await closeStudy(store, 'sopen'), true);
    assert.equal(await closeStudy(store, 'missing'), false);
    assert.equal((await raterByTokenHash(store, 'h-open'))!.expired, true);
    assert.deepEqual(await raterCounts(store, open), { answered: 1, total: 2 });
  } finally {
    store.close();
  }
});
