import { createApp, type App, type AppTuning } from '../../src/main/app';
import { createNodePorts, forwardNotifications } from '../../src/main/host/node-ports';
import type { Ports } from '../../src/main/ports';
import type { RegistrationState } from '../../src/shared/contract/calls';
import { recordingLogger } from './logs';

/** The real core in this process, on Node ports, as the browser host builds it. */
export async function startApp(
  dataDir: string,
  tuning: AppTuning = {},
  overrides: Partial<Pick<Ports, 'network' | 'hid'>> & { readonly policyFile?: string } = {},
): Promise<App> {
  const { policyFile, ...replaced } = overrides;
  const ports = {
    ...(await createNodePorts({
      dataDir,
      policyFile: policyFile ?? null,
      version: '0.0.0-test',
      log: recordingLogger(),
    })),
    ...replaced,
  };
  const app = await createApp(ports, tuning);
  forwardNotifications(ports.notifier, app.events);
  return app;
}

/** Lab timing: the same logic, shorter waits. */
export const FAST: AppTuning = {
  backoff: { baseMs: 100, maxMs: 800, jitter: 0.2 },
  failbackIntervalMs: 300,
};

/** Resolves with the first registration state (now or later) that matches. */
export function waitForRegistration(
  app: App,
  match: (state: RegistrationState) => boolean,
  timeoutMs = 15_000,
): Promise<RegistrationState> {
  return new Promise((resolve, reject) => {
    if (match(app.telephony.state)) return resolve(app.telephony.state);
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`registration never matched; last state ${JSON.stringify(app.telephony.state)}`));
    }, timeoutMs);
    const stop = app.telephony.registration.onChange((state) => {
      if (!match(state)) return;
      clearTimeout(timer);
      stop();
      resolve(state);
    });
  });
}

export async function configureAccount(
  app: App,
  account: { servers: string[]; uri: string; authUser: string; password: string },
  extra: { pingIntervalSeconds?: number } = {},
): Promise<void> {
  const context = { clientId: 'test' };
  const steps: [string, unknown][] = [
    ['agent.signIn', { code: `A${account.authUser}`, name: `Agent ${account.authUser}` }],
    ['calls.setPassword', { password: account.password }],
    ['settings.update', { key: 'sip.authUser', value: account.authUser }],
    ...(extra.pingIntervalSeconds
      ? [['settings.update', { key: 'sip.pingIntervalSeconds', value: extra.pingIntervalSeconds }] as [string, unknown]]
      : []),
    ['settings.update', { key: 'sip.uri', value: account.uri }],
    ['settings.update', { key: 'sip.servers', value: account.servers }],
  ];
  for (const [name, input] of steps) {
    const result = await app.dispatch(name, input, context);
    if (!result.ok) throw new Error(`${name} failed: ${result.error.message}`);
  }
}
