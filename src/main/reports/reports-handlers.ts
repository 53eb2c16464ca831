import type { FeatureHandlers } from '../core/handlers';
import type { ReportsService } from './reports-service';

/** reports.*: what the Reports view may offer, exports and the KPIs. */
export function reportsHandlers(
  reports: ReportsService,
): FeatureHandlers<'reports.info' | 'reports.export' | 'reports.kpi'> {
  return {
    'reports.info': () => reports.info(),
    'reports.export': (request) => reports.export(request),
    'reports.kpi': ({ range, filter }) => reports.kpi(range, filter),
  };
}
