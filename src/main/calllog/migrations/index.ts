import { migration001Calls } from './001-calls';
import { migration002Audit } from './002-audit';
import { migration003Retention } from './003-retention';
import { migration004SearchIndexes } from './004-search-indexes';
import { migration005NameKeys } from './005-name-keys';
import { migration006Intakes } from './006-intakes';
import { migration007AuditAnchor } from './007-audit-anchor';
import { migration008Reports } from './008-reports';
import { migration009CodedAnswers } from './009-coded-answers';
import { migration010ExportFiles } from './010-export-files';
import type { Migration } from './migration';

/** Every migration, in order: version N is at index N - 1. */
export const MIGRATIONS: readonly Migration[] = [
  migration001Calls,
  migration002Audit,
  migration003Retention,
  migration004SearchIndexes,
  migration005NameKeys,
  migration006Intakes,
  migration007AuditAnchor,
  migration008Reports,
  migration009CodedAnswers,
  migration010ExportFiles,
];

export const LATEST_VERSION = MIGRATIONS.length;

export type { Migration } from './migration';
