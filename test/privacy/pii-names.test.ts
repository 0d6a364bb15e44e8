// The optional PERSON and LOCATION recognizers (off by default).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPiiEngine, PII_DEFAULT_ENTITIES } from '../../src/privacy/index.ts';

const engine = createPiiEngine({ entities: ['PERSON', 'LOCATION'] });
const redact = (t: string) => engine.redact(t).redacted;

test('off by default: names and places are kept, as in the reference', () => {
  assert.ok(!PII_DEFAULT_ENTITIES.includes('PERSON') && !PII_DEFAULT_ENTITIES.includes('LOCATION'));
  const text = 'Senator Elizabeth Warren spoke in Boston today';
  assert.equal(createPiiEngine().redact(text).redacted, text);
});

test('PERSON: titles, given name + surname, self-introductions', () => {
  assert.equal(redact('Senator Elizabeth Warren met Dr. Smith'), 'Senator <PERSON> met Dr. <PERSON>');
  assert.equal(redact('Hello Sarah Connor!'), 'Hello <PERSON>!');
  assert.equal(redact('Michael Jordan played'), '<PERSON> played');
  assert.equal(redact('Hi, my name is Zed Shaw'), 'Hi, my name is <PERSON>');
  assert.equal(redact("I'm Happy today. I'm Sarah."), "I'm Happy today. I'm <PERSON>.");
  assert.equal(redact('Grace Church and Victoria Station'), 'Grace Church and Victoria Station');
});

test('LOCATION: countries, states, cities (longest first); ambiguous names need context', () => {
  assert.equal(redact('I live in Portland, Oregon.'), 'I live in <LOCATION>, <LOCATION>.');
  assert.equal(redact('The United States and South Korea'), 'The <LOCATION> and <LOCATION>');
  assert.equal(redact('New York City rocks'), '<LOCATION> rocks');
  assert.equal(redact('Turkey for dinner, Jordan scored'), 'Turkey for dinner, Jordan scored');
  assert.equal(redact('moved to Georgia last year'), 'moved to <LOCATION> last year');
  assert.equal(redact('東京 and Tokyo 😀'), '東京 and <LOCATION> 😀');
});
