import type { AuditAction } from '../calllog/audit';

/**
 * Records who did what (the call log's audit), from a request handler: the request has done its
 * work already, so a failure to write the entry is logged, never turned into the request's failure.
 */
export type AuditTrail = (action: AuditAction, record: string, fields: readonly string[]) => void;
