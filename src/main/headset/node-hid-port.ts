/**
 * The headset port on an opened node-hid device (`HIDAsync`, or anything shaped like it: see
 * `HidConnection`). Thin on purpose: it translates between the controller's reports and hidapi's
 * conventions, and turns every way a device can go away into one `close`.
 *
 * - Writes: capabilities.ts builds an output report with its report ID as the first byte when the
 *   device uses report IDs, and without one when it does not. hidapi always takes the report ID
 *   first, 0 for a device without IDs, so that byte is prepended only then; a report that already
 *   starts with its ID goes out unchanged.
 * - Reads: hidapi gives input reports with the ID first only when the device uses IDs, which is
 *   what `decodeInputReport` expects. Each report is copied out of node-hid's Buffer.
 * - A read error (node-hid emits `error` when the device is unplugged) or `close()` closes the
 *   device once and tells the close listeners once; later writes reject. A failed write only
 *   rejects: the controller then marks the device gone (and says why) and closes the port.
 */
import type { CapabilityMap } from './capabilities';
import type { HeadsetDevicePort } from './controller';
import type { HidConnection } from './hid';
import { Emitter } from '../../shared/emitter';

/** The bytes hidapi's write takes for an output report built by capabilities.ts. */
export function wireReport(map: Pick<CapabilityMap, 'usesReportIds'>, report: Uint8Array): Uint8Array {
  if (map.usesReportIds) return report;
  const bytes = new Uint8Array(report.length + 1);
  bytes.set(report, 1);
  return bytes;
}

export class HidPort implements HeadsetDevicePort {
  readonly capabilities: CapabilityMap;
  private readonly connection: HidConnection;
  private readonly reportListeners = new Emitter<[report: Uint8Array]>();
  // One listener's failure must not keep the others from hearing the port close.
  private readonly closeListeners = new Emitter<[]>({ onListenerError: () => undefined });
  private closed = false;
  private readonly onData = (data: Buffer): void => {
    if (this.closed) return;
    const report = Uint8Array.from(data);
    this.reportListeners.emit(report);
  };
  private readonly onError = (): void => this.shut();

  constructor(connection: HidConnection, capabilities: CapabilityMap) {
    this.connection = connection;
    this.capabilities = capabilities;
    connection.on('error', this.onError);
    connection.on('data', this.onData);
  }

  /** The last write on its way: closing waits for it. */
  private writing: Promise<void> = Promise.resolve();
  private finished: Promise<void> | null = null;

  get isClosed(): boolean {
    return this.closed;
  }

  async write(report: Uint8Array): Promise<void> {
    if (this.closed) throw new Error('the HID device is closed');
    const written = this.connection.write(Buffer.from(wireReport(this.capabilities, report)));
    this.writing = written.then(
      () => undefined,
      () => undefined,
    );
    await written;
  }

  onReport(listener: (report: Uint8Array) => void): () => void {
    return this.reportListeners.on(listener);
  }

  onClose(listener: () => void): () => void {
    return this.closeListeners.on(listener);
  }

  close(): void {
    this.shut();
  }

  /**
   * Settles when the device is closed: after the writes on their way (the lights going out) have
   * reached it or failed. Before `close()` (or an unplug) it waits for that.
   */
  whenClosed(): Promise<void> {
    if (this.finished !== null) return this.finished;
    return new Promise((resolve) => {
      const stop = this.onClose(() => {
        stop();
        resolve(this.finished ?? undefined);
      });
    });
  }

  private shut(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.off('data', this.onData);
    // The error listener stays: an EventEmitter throws on an `error` nobody listens to.
    // The last writes (the lights going out) reach the device first. Closing an unplugged device
    // may fail as well; it is gone either way.
    this.finished = this.writing.then(() => this.connection.close()).catch(() => undefined);
    this.reportListeners.clear();
    this.closeListeners.emit();
    this.closeListeners.clear();
  }
}
