// Every schema module of the store, applied in this order by Store.open. One line per area.
import type { SchemaModule } from './schema-module.ts';
import { eventsSchema } from './events.ts';
import { embeddingsSchema } from './embeddings.ts';
import { personasSchema } from './personas.ts';
import { releaseSchema } from './release.ts';
import { explorerSchema } from './explorer.ts';
import { studiesSchema } from './studies.ts';

export const ALL_SCHEMAS: SchemaModule[] = [
  eventsSchema,
  embeddingsSchema,
  personasSchema,
  releaseSchema,
  explorerSchema,
  studiesSchema,
];
