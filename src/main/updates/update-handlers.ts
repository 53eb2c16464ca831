import type { FeatureHandlers } from '../core/handlers';
import type { UpdateService } from './update-service';

/** updates.*: the status, a check on demand, and the restart into a downloaded update. */
export function updateHandlers(
  updates: UpdateService,
): FeatureHandlers<'updates.status' | 'updates.check' | 'updates.install'> {
  return {
    'updates.status': () => updates.status,
    'updates.check': () => updates.check(),
    'updates.install': () => updates.install(),
  };
}
