import { join } from 'node:path';
import { shortcutRequest } from '../shared/shortcuts';
import { agentHandlers } from './agent/agent-handlers';
import { AgentService } from './agent/agent-service';
import { WrapUpTracker } from './agent/wrap-up-tracker';
import type { AuditTrail } from './calllog/audit';
import { CallLog } from './calllog/call-log';
import { callLogHandlers } from './calllog/call-log-handlers';
import { recordCalls } from './calllog/call-recorder';
import { scheduleRetention } from './calllog/retention-schedule';
import { DisposableStore } from './core/disposables';
import { errorFields } from './core/errors';
import { EventHub } from './core/event-hub';
import { makeFolder } from './core/folders';
import { combineHandlers } from './core/handlers';
import { createDispatch, type Handlers } from './core/router';
import { Headsets } from './headset/headsets';
import { IntakeService } from './intake/intake-service';
import type { Ports } from './ports';
import { PrivacyService } from './privacy/privacy-service';
import { reportsHandlers } from './reports/reports-handlers';
import { ReportsService } from './reports/reports-service';
import { settingsHandlers } from './settings/settings-handlers';
import { redact, SettingsService } from './settings/settings-service';
import { CallAnnouncer } from './telephony/call-announcer';
import { mediaHandlers } from './telephony/media-handlers';
import { RendererMediaEngine } from './telephony/renderer-media';
import { callHandlers, diagnosticsHandlers } from './telephony/telephony-handlers';
import { TelephonyService } from './telephony/telephony-service';
import { updateHandlers } from './updates/update-handlers';
import { UpdateService } from './updates/update-service';
import { APP_NAME, USER_SETTINGS_FILE, type App, type AppTuning, type RendererClient } from './app-types';

export { APP_NAME, USER_SETTINGS_FILE };
export type { App, AppTuning, RendererClient };

/**
 * The composition root: every service of main is built here from the host's ports and wired to
 * the others, the same way in the Electron app, the browser host and the CLI. The rules live in
 * the features; this file only connects them.
 */
export async function createApp(ports: Ports, tuning: AppTuning = {}): Promise<App> {
  await makeFolder(ports.paths.dataDir);
  const { log, clock } = ports;
  const events = new EventHub(log.child('events'));
  // Following settings and policy: ended first when the app closes. Relaying events (to the
  // renderers, the call log): ended last, so that calls ended by closing are still logged.
  const watchers = new DisposableStore();
  const relays = new DisposableStore();

  const settings = await SettingsService.open({
    userFile: join(ports.paths.dataDir, USER_SETTINGS_FILE),
    policy: ports.policy,
    clock,
    log: log.child('settings'),
  });
  watchers.add(settings.onChange((snapshot) => events.emit('settings.changed', redact(snapshot))));
  watchers.add(settings.watchPolicy(tuning.policyPollMs ?? 5_000));

  // The agent service is built before telephony (calls ask it) but learns about calls from it.
  let callsUp = (): boolean => false;
  const agent = await AgentService.open({
    dataDir: ports.paths.dataDir,
    clock,
    log: log.child('agent'),
    wrapUpSeconds: () => settings.get('calls.wrapUpSeconds'),
    hasCalls: () => callsUp(),
  });
  // Opened before telephony starts, so that no call can ring before the log listens.
  const callLog = await CallLog.open({
    dataDir: ports.paths.dataDir,
    secrets: ports.secrets,
    env: process.env,
    clock,
    log: log.child('calllog'),
    agentCode: () => agent.code,
    recoveryPublicKey: () => settings.get('security.recoveryPublicKey'),
    requireProtectedSecrets: () => settings.get('security.requireProtectedSecrets'),
  });
  // Call-log work is never awaited on the event path: a failure is logged (name and code).
  const logged = (what: string) => (error: unknown) => log.error(what, errorFields(error));
  const audit: AuditTrail = (action, record, fields) =>
    void callLog.audit(action, record, fields).catch(logged('the audit log could not be written'));

  const rendererMedia = new RendererMediaEngine(log.child('media'));
  const telephony = await TelephonyService.start({
    settings,
    secrets: ports.secrets,
    power: ports.power,
    network: ports.network,
    clock,
    log: log.child('telephony'),
    version: ports.host.version,
    ...(tuning.backoff ? { backoff: tuning.backoff } : {}),
    ...(tuning.failbackIntervalMs ? { failbackIntervalMs: tuning.failbackIntervalMs } : {}),
    media: tuning.media ?? rendererMedia,
    ...(tuning.callRecoveryMs ? { callRecoveryMs: tuning.callRecoveryMs } : {}),
    agent: { acceptsCalls: () => agent.acceptsCalls, code: () => agent.code },
  });
  const { calls } = telephony;
  callsUp = () => calls.hasCalls;

  const announcer = new CallAnnouncer({
    notifier: ports.notifier,
    attention: ports.attention,
    language: () => settings.get('ui.language'),
    callerDetails: () => settings.get('privacy.notificationCaller'),
    calls: () => calls.list(),
  });
  const wrapUp = new WrapUpTracker({
    agent,
    clock,
    record: (callId, ms) =>
      void callLog.recordWrapUp(callId, ms).catch(logged('after-call work could not be written to the call log')),
  });
  relays.add(
    agent.onChange((state) => {
      events.emit('agent.changed', state);
      wrapUp.agentChanged(state);
    }),
  );
  relays.add(
    calls.onChange((call) => {
      events.emit('calls.changed', call);
      announcer.callChanged(call);
      wrapUp.callChanged(call);
    }),
  );
  relays.add(calls.onQuality((report) => events.emit('calls.qualityReported', report)));
  relays.add(recordCalls(callLog, calls, log));
  relays.add(telephony.registration.onChange((state) => events.emit('calls.registrationChanged', state)));
  relays.add(callLog.onChange((record) => events.emit('calllog.changed', record)));
  relays.add(callLog.onStatus((status) => events.emit('calllog.statusChanged', status)));
  // A recovery key that policy adds or changes gets its copy of the call log key at once.
  watchers.add(
    settings.follow(
      () => settings.get('security.recoveryPublicKey'),
      () => void callLog.updateRecoveryCopy(),
    ),
  );

  const headsets = new Headsets({
    backend: ports.hid,
    calls,
    settings,
    audit,
    emit: (name, payload) => events.emit(name, payload),
    clock,
    log: log.child('headset'),
  });

  const intake = new IntakeService({
    policyForm: () => settings.get('intake.form'),
    callLog,
    emit: (name, payload) => events.emit(name, payload),
    wrapUp,
    callUp: (callId) => calls.list().some((call) => call.id === callId && call.phase !== 'ended'),
  });
  const privacy = new PrivacyService({ settings, callLog, form: () => intake.form().form, clock });
  const reports = new ReportsService({
    callLog,
    settings,
    form: () => intake.form().form,
    isTeamLead: () => privacy.isTeamLead(),
    defaultDirectory: ports.paths.exportsDir,
    clock,
    log: log.child('reports'),
    progress: (rows, done) => events.emit('reports.progress', { rows, done }),
  });
  void reports.removeStaleTemporaries();
  const stopRetention = scheduleRetention({
    callLog,
    days: () => settings.get('retention.days'),
    auditDays: () => settings.get('retention.auditDays'),
    removeExpiredExports: (days) => reports.removeExpiredExports(days),
    log,
  });

  const updates = new UpdateService({
    settings,
    feed: ports.updates,
    currentVersion: ports.host.version,
    clock,
    log: log.child('updates'),
    hasCalls: () => calls.hasCalls,
    ...(tuning.updateFirstCheckMs !== undefined ? { firstCheckMs: tuning.updateFirstCheckMs } : {}),
  });
  watchers.add(updates.onChange((status) => events.emit('updates.changed', status)));

  const clients = new Map<string, RendererClient>();
  const handlers = combineHandlers(
    {
      'app.info': () => ({
        name: APP_NAME,
        version: ports.host.version,
        host: ports.host.kind,
        platform: ports.host.platform,
        secretStorage: { ...ports.secrets.protection },
      }),
    },
    settingsHandlers(settings, audit),
    updateHandlers(updates),
    callHandlers(telephony, audit),
    diagnosticsHandlers(telephony, { audit, clock, log }),
    agentHandlers(agent),
    callLogHandlers(callLog),
    intake.handlers(),
    privacy.handlers(),
    reportsHandlers(reports),
    headsets.handlers(),
    mediaHandlers({
      media: rendererMedia,
      calls,
      sendTo: (clientId, request) => {
        const checked = events.check('media.request', request);
        if (checked) clients.get(clientId)?.send('media.request', checked);
      },
    }),
  ) satisfies Handlers;

  const dispatch = createDispatch(handlers, log.child('router'));
  /** The renderers attached now (each one's detach): a tab that reconnects is a new one. */
  const renderers = new Set<() => void>();
  let closing: Promise<void> | null = null;

  return {
    dispatch,
    events,
    settings,
    telephony,
    headsets: headsets.devices,
    ports,
    async runCallShortcut(action) {
      const request = shortcutRequest(action, calls.list());
      if (!request) return;
      const result = await dispatch(request.name, request.input, { clientId: 'global-shortcut' });
      if (!result.ok) log.info('call shortcut had no effect', { action, code: result.error.code });
    },
    attach(client) {
      clients.set(client.id, client);
      // Media requests go to their owner only; every other event goes to every renderer.
      const unsubscribe = events.subscribe((name, payload) => {
        if (name !== 'media.request') client.send(name, payload);
      });
      const detach = (): void => {
        if (!renderers.delete(detach)) return;
        unsubscribe();
        clients.delete(client.id);
        rendererMedia.detach(client.id);
      };
      renderers.add(detach);
      log.debug('renderer attached', { client: client.id });
      return detach;
    },
    close() {
      closing ??= (async () => {
        for (const detach of [...renderers]) detach();
        stopRetention();
        watchers.dispose();
        updates.close();
        // Reports under way stop (their temporary files go) while the log they read is still open.
        await reports.close();
        // Telephony first: calls still up end now, and the log must still hear how they ended
        // (and the headset, whose lights go out with them).
        await telephony.close();
        await headsets.close();
        relays.dispose();
        agent.close();
        await callLog.close();
      })();
      return closing;
    },
  };
}
