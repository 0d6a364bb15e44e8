// Every schema module of the store, applied in this order by Store.open. One line per area.
import type { SchemaModule } from './schema-module.ts';

export const ALL_SCHEMAS: SchemaModule[] = [
];
