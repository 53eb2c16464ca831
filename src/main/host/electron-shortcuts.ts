import { globalShortcut } from 'electron';
import type { App } from '../app';
import type { Logger } from '../core/log';
import { CALL_SHORTCUT_ACTIONS } from '../../shared/shortcuts';

/**
 * OS-wide call shortcuts (answer, hang up, mute, hold) while another application is in front,
 * taken from the settings (`shortcuts.*`, also policy keys) and re-registered when they change.
 */
export function registerGlobalCallShortcuts(app: App, log: Logger): () => void {
  const apply = (): void => {
    globalShortcut.unregisterAll();
    for (const action of CALL_SHORTCUT_ACTIONS) {
      const accelerator = app.settings.get(`shortcuts.${action}`);
      if (accelerator === '') continue;
      const registered = globalShortcut.register(accelerator, () => void app.runCallShortcut(action));
      // Another application may hold the same keys; the in-window keys still work then.
      if (!registered) log.warn('global shortcut taken by another application', { action, accelerator });
    }
  };
  apply();
  const stop = app.settings.onChange(() => apply());
  return () => {
    stop();
    globalShortcut.unregisterAll();
  };
}
