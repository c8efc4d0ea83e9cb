// Every migration, in order. Add new ones at the end; never edit one that has shipped.
import type { Migration } from '../migrate.ts';
import m0001 from './0001_foundation.ts';

export const migrations: Migration[] = [m0001];
