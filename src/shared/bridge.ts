import type { EventSubscriber, NamespacedApi } from './contract';

/** IPC channels between the Electron preload and main. The browser host uses src/shared/wire.ts instead. */
export const IPC_REQUEST_CHANNEL = 'hotline-desk:request';
export const IPC_EVENT_CHANNEL = 'hotline-desk:event';

/** What the preload puts on `window.hotlineDesk`: exactly the contract, nothing else. */
export interface HotlineDeskBridge {
  readonly api: NamespacedApi;
  readonly on: EventSubscriber['on'];
}
