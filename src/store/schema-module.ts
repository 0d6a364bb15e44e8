export interface SchemaModule {
  name: string;
  /** Migration i brings the module from version i to i+1. Never edit a released migration: append a new one. */
  migrations: string[];
}
