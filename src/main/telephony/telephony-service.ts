import type { RegistrationState } from '../../shared/contract/calls';
import { addressOfRecord, hasSipAccount, usableSipServers, type SettingsValues } from '../../shared/settings';
import type { Logger } from '../core/log';
import type { Clock } from '../core/clock';
import type { NetworkEvents, PowerEvents } from '../core/system-events';
import type { SecretStore } from '../core/secret-store';
import type { Unsubscribe } from '../core/disposables';
import type { SettingsService } from '../settings/settings-service';
import { AppError } from '../../shared/result';
import type { BackoffOptions } from './backoff';
import { trustedCertificates } from './certificates';
import { CallManager } from './call-manager';
import { noMediaEngine, type MediaEngine } from './media';
import { RegistrationManager, type SipAccount } from './registration-manager';
import { SipTrace } from './sip-trace';

import { SIP_PASSWORD_EXPOSED_SECRET, SIP_PASSWORD_SECRET } from './secret-names';
import { errorFields } from '../core/errors';

export { SIP_PASSWORD_SECRET };

const ACCOUNT_KEYS = [
  'sip.servers',
  'sip.transport',
  'sip.uri',
  'sip.domain',
  'sip.authUser',
  'sip.displayName',
  'sip.registrationExpiry',
  'sip.pingIntervalSeconds',
  'sip.extraCaCertificates',
] as const satisfies readonly (keyof SettingsValues)[];

export interface TelephonyOptions {
  readonly settings: SettingsService;
  readonly secrets: SecretStore;
  readonly power: PowerEvents;
  readonly network?: NetworkEvents;
  readonly clock: Clock;
  readonly log: Logger;
  readonly version: string;
  /** Test seams: faster back-off and failback in the lab. */
  readonly backoff?: BackoffOptions;
  readonly failbackIntervalMs?: number;
  /** How long a call waits for lost signalling to come back (default 60 s). */
  readonly callRecoveryMs?: number;
  /** The media engine; until the renderer's is attached, calls cannot be answered. */
  readonly media?: MediaEngine;
  /** Whether incoming calls may ring, and which agent code calls carry. */
  readonly agent?: { readonly acceptsCalls: () => boolean; readonly code: () => string | null };
}

function accountFrom(values: SettingsValues): SipAccount | null {
  const uri = addressOfRecord(values);
  if (!hasSipAccount(values) || uri === null) return null;
  return {
    servers: usableSipServers(values),
    uri,
    authUser: values['sip.authUser'],
    displayName: values['sip.displayName'],
    expiresSeconds: values['sip.registrationExpiry'],
    pingIntervalSeconds: values['sip.pingIntervalSeconds'],
    ca: trustedCertificates(values['sip.extraCaCertificates']),
  };
}

function accountKey(values: SettingsValues): string {
  return JSON.stringify(ACCOUNT_KEYS.map((key) => values[key]));
}

/** The calls feature in main: account, password, registration (calls follow). */
export class TelephonyService {
  readonly registration: RegistrationManager;
  readonly calls: CallManager;
  readonly trace = new SipTrace();
  private readonly media: MediaEngine;
  private readonly options: TelephonyOptions;
  private readonly stopSettings: Unsubscribe;
  private readonly stopRegistration: Unsubscribe;
  private appliedKey = '';
  private applying: Promise<void> = Promise.resolve();

  private constructor(options: TelephonyOptions) {
    this.options = options;
    this.media = options.media ?? noMediaEngine;
    this.calls = new CallManager({
      log: options.log.child('calls'),
      clock: options.clock,
      media: () => this.media,
      userAgent: () => this.registration.agent,
      ...(options.agent ? { acceptsCalls: options.agent.acceptsCalls, agentCode: options.agent.code } : {}),
      ...(options.callRecoveryMs ? { recoveryMs: options.callRecoveryMs } : {}),
      domain: () => {
        const uri = addressOfRecord(options.settings.snapshot().values);
        return uri === null ? null : (/@([^;>]+)/.exec(uri)?.[1] ?? null);
      },
    });
    this.registration = new RegistrationManager({
      trace: this.trace,
      onInvite: this.calls.onInvite,
      sessionDescriptionHandlerFactory: this.calls.sessionDescriptionHandlerFactory,
      canChangeServer: () => !this.calls.hasCalls,
      log: options.log.child('registration'),
      clock: options.clock,
      power: options.power,
      ...(options.network ? { network: options.network } : {}),
      userAgentString: `Hotline Desk/${options.version}`,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.failbackIntervalMs ? { failbackIntervalMs: options.failbackIntervalMs } : {}),
    });
    // Calls follow the connection: waiting while it is down, refreshed when it is back.
    let registered = false;
    this.stopRegistration = this.registration.onChange((state) => {
      if (state.state === 'registered') {
        registered = true;
        this.calls.signallingRestored();
      } else if (registered) {
        registered = false;
        this.calls.signallingLost();
      }
    });
    this.stopSettings = options.settings.onChange((snapshot) => {
      if (accountKey(snapshot.values) !== this.appliedKey) void this.apply();
    });
  }

  static async start(options: TelephonyOptions): Promise<TelephonyService> {
    const service = new TelephonyService(options);
    await service.apply();
    return service;
  }

  get state(): RegistrationState {
    return this.registration.state;
  }

  async account(): Promise<{ configured: boolean; hasPassword: boolean; passwordExposed: boolean }> {
    return {
      configured: hasSipAccount(this.options.settings.snapshot().values),
      hasPassword: (await this.options.secrets.get(SIP_PASSWORD_SECRET)) !== null,
      passwordExposed: (await this.options.secrets.get(SIP_PASSWORD_EXPOSED_SECRET)) !== null,
    };
  }

  async setPassword(
    password: string,
  ): Promise<{ configured: boolean; hasPassword: boolean; passwordExposed: boolean }> {
    const { secrets, settings } = this.options;
    if (settings.get('security.requireProtectedSecrets') && !secrets.protection.protected)
      throw new AppError(
        'forbidden',
        `Your organisation requires the operating system’s keystore for the SIP password, and this computer has none (${secrets.protection.reason ?? secrets.protection.backend}); the password was not stored.`,
      );
    await secrets.set(SIP_PASSWORD_SECRET, password);
    // A new password is no longer the one that may be in old backups.
    await secrets.delete(SIP_PASSWORD_EXPOSED_SECRET);
    this.options.log.info('SIP password changed');
    await this.apply(true);
    return this.account();
  }

  reconnect(): RegistrationState {
    this.registration.reconnectNow();
    return this.registration.state;
  }

  async close(): Promise<void> {
    this.stopSettings();
    await this.calls.hangupAll();
    this.stopRegistration();
    await this.applying;
    await this.registration.stop();
  }

  /** Applies the account from settings; serialised so that quick edits do not race. */
  private apply(force = false): Promise<void> {
    const run = this.applying.then(async () => {
      const values = this.options.settings.snapshot().values;
      const key = accountKey(values);
      if (!force && key === this.appliedKey) return;
      this.appliedKey = key;
      const password = await this.options.secrets.get(SIP_PASSWORD_SECRET);
      await this.registration.configure(accountFrom(values), password);
    });
    this.applying = run.catch((error: unknown) => {
      this.options.log.error('applying the SIP account failed', errorFields(error));
    });
    return this.applying;
  }
}
