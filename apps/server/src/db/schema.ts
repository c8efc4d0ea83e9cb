// Kysely table types. Each module declares its own tables next to its code and adds them here.
import type { FoundationTables } from './tables.ts';

export interface DB extends FoundationTables {}
