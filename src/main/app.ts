import { join } from 'node:path';
import type { EventName } from '../shared/contract';
import { shortcutRequest, type CallShortcutAction } from '../shared/shortcuts';
import { EventHub } from './core/event-hub';
import { errorFields } from './core/errors';
import { makeFolder } from './core/folders';
import { createDispatch, type Dispatch, type Handlers } from './core/router';
import type { Ports } from './ports';
import { AgentService } from './agent/agent-service';
import { redact, SettingsService } from './settings/settings-service';
import type { BackoffOptions } from './telephony/backoff';
import type { MediaEngine } from './telephony/media';
import { RendererMediaEngine } from './telephony/renderer-media';
import { incomingCallNotice } from './telephony/notices';
import { CallLog } from './calllog/call-log';
import type { AuditAction } from './calllog/audit';
import { sipTraceText } from '../shared/contract/diagnostics';
import type { CallSnapshot } from '../shared/calls';
import { TelephonyService } from './telephony/telephony-service';
import { DEFAULT_INTAKE_FORM } from './intake/default-form';
import { subjectExport } from './intake/subject-export';
import { AppError } from '../shared/result';
import { isTeamLead } from './core/team-lead';
import { ReportsService } from './reports/reports-service';
import { HeadsetController } from './headset/controller';
import { matchesKey, parseDeviceKey } from './headset/device-list';
import { HeadsetDevices, type HeadsetPreferences } from './headset/devices';
import { UpdateService } from './updates/update-service';

export const APP_NAME = 'Hotline Desk';
export const USER_SETTINGS_FILE = 'settings.json';

export interface RendererClient {
  readonly id: string;
  send(name: EventName, payload: unknown): void;
}

export interface App {
  readonly dispatch: Dispatch;
  readonly events: EventHub;
  readonly settings: SettingsService;
  readonly telephony: TelephonyService;
  /** The USB headsets: which are connected, the one in use (mirrored by the headset controller). */
  readonly headsets: HeadsetDevices;
  readonly ports: Ports;
  /** A call shortcut from outside the window (an OS-wide key): acts on the calls as they are. */
  runCallShortcut(action: CallShortcutAction): Promise<void>;
  /** A renderer (window or tab) connects: it receives every event until it detaches. */
  attach(client: RendererClient): () => void;
  close(): Promise<void>;
}

/** Knobs for tests and benchmarks; production leaves them unset. */
export interface AppTuning {
  readonly backoff?: BackoffOptions;
  readonly failbackIntervalMs?: number;
  /** How often to look whether IT changed the policy file. */
  readonly policyPollMs?: number;
  /** A media engine for signalling-only tests (the app's comes from the renderer). */
  readonly media?: MediaEngine;
  /** How long a call waits for its lost signalling to come back before it ends as dropped. */
  readonly callRecoveryMs?: number;
  /** When the first update check runs after start (default 1 minute). */
  readonly updateFirstCheckMs?: number;
}

/**
 * The composition root: every service of main is built here from the host's ports, the same
 * way in the Electron app, the browser host and the CLI.
 */
export async function createApp(ports: Ports, tuning: AppTuning = {}): Promise<App> {
  await makeFolder(ports.paths.dataDir);
  const log = ports.log;
  const events = new EventHub(log.child('events'));

  const settings = await SettingsService.open({
    userFile: join(ports.paths.dataDir, USER_SETTINGS_FILE),
    policy: ports.policy,
    clock: ports.clock,
    log: log.child('settings'),
  });

  const stopSettings = settings.onChange((snapshot) => events.emit('settings.changed', redact(snapshot)));
  const stopPolicyWatch = settings.watchPolicy(tuning.policyPollMs ?? 5_000);

  const rendererMedia = new RendererMediaEngine(log.child('media'));
  const clients = new Map<string, RendererClient>();
  // The agent service is built before telephony (calls ask it) but learns about calls from it.
  let callsUp = (): boolean => false;
  const agent = await AgentService.open({
    dataDir: ports.paths.dataDir,
    clock: ports.clock,
    log: log.child('agent'),
    wrapUpSeconds: () => settings.get('calls.wrapUpSeconds'),
    hasCalls: () => callsUp(),
  });
  // Opened before telephony starts, so that no call can ring before the log listens.
  const callLog = await CallLog.open({
    dataDir: ports.paths.dataDir,
    secrets: ports.secrets,
    env: process.env,
    clock: ports.clock,
    log: log.child('calllog'),
    agentCode: () => agent.code,
    recoveryPublicKey: () => settings.get('security.recoveryPublicKey'),
    requireProtectedSecrets: () => settings.get('security.requireProtectedSecrets'),
  });
  const telephony = await TelephonyService.start({
    settings,
    secrets: ports.secrets,
    power: ports.power,
    network: ports.network,
    clock: ports.clock,
    log: log.child('telephony'),
    version: ports.host.version,
    ...(tuning.backoff ? { backoff: tuning.backoff } : {}),
    ...(tuning.failbackIntervalMs ? { failbackIntervalMs: tuning.failbackIntervalMs } : {}),
    media: tuning.media ?? rendererMedia,
    ...(tuning.callRecoveryMs ? { callRecoveryMs: tuning.callRecoveryMs } : {}),
    agent: { acceptsCalls: () => agent.acceptsCalls, code: () => agent.code },
  });
  callsUp = () => telephony.calls.hasCalls;
  // The call log follows every call from its first ring or dial, and takes its quality at the end.
  /** Call-log work is never awaited on the event path: a failure is logged (without values). */
  const logFailure =
    (what: string) =>
    (error: unknown): void =>
      log.error(what, errorFields(error));
  const audit = (action: AuditAction, record: string, fields: readonly string[]): void => {
    callLog.audit(action, record, fields).catch(logFailure('the audit log could not be written'));
  };
  // Retention: personal fields go N days after the call; at start and then daily, each run audited.
  const runRetention = (): void => {
    if (callLog.status.state !== 'open') return;
    const days = settings.get('retention.days');
    callLog.purge(days).catch(logFailure('the retention run failed'));
    // The console's own export files hold the same calls: they go as long after they were written.
    reports.removeExpiredExports(days).catch(logFailure('the retention run for export files failed'));
  };
  // And the audit log's own retention (years, not weeks), each run audited too.
  const runAuditRetention = (): void => {
    if (callLog.status.state !== 'open') return;
    callLog.purgeAudit(settings.get('retention.auditDays')).catch(logFailure('the audit retention run failed'));
  };
  // After the integrity check: its long read would keep the purge's checkpoint from emptying the WAL.
  const runAllRetention = (): void => {
    runRetention();
    runAuditRetention();
  };
  const stopCallLog = callLog.onChange((record) => events.emit('calllog.changed', record));
  const stopCallLogStatus = callLog.onStatus((status) => events.emit('calllog.statusChanged', status));
  const logCall = (call: CallSnapshot): void => {
    callLog.record(call).catch(logFailure('a call could not be written to the call log'));
  };
  // After-call work belongs to the answered call that ended last: it ends when that call's intake
  // is submitted (or the timer runs out), and the call log records how long it took.
  let wrapUp: { callId: string; endedAt: number } | null = null;
  const submittedDuringCall = new Set<string>();
  const intakeForm = () => {
    const policyForm = settings.get('intake.form');
    return policyForm === null
      ? { form: DEFAULT_INTAKE_FORM, source: 'default' as const }
      : { form: policyForm, source: 'policy' as const };
  };
  const stopAgent = agent.onChange((state) => {
    events.emit('agent.changed', state);
    if (state.status !== 'after_call_work' && wrapUp) {
      const { callId, endedAt } = wrapUp;
      wrapUp = null;
      callLog
        .recordWrapUp(callId, ports.clock.now() - endedAt)
        .catch(logFailure('after-call work could not be written to the call log'));
    }
  });
  const announced = new Set<string>();
  const stopCalls = telephony.calls.onChange((call) => {
    events.emit('calls.changed', call);
    // A call that rings asks for the agent's attention once: OS notification and a flashing window.
    if (call.phase === 'ringing' && !announced.has(call.id)) {
      announced.add(call.id);
      const notice = incomingCallNotice(
        call.remote,
        settings.get('ui.language'),
        settings.get('privacy.notificationCaller'),
      );
      ports.notifier.show({ ...notice, tag: `call:${call.id}` });
      ports.attention.request();
    }
    if (call.phase !== 'ringing' && announced.delete(call.id)) {
      // Answered, rejected or gone: the "incoming call" notice is out of date.
      ports.notifier.withdraw(`call:${call.id}`);
      if (!telephony.calls.list().some((each) => each.phase === 'ringing' && each.id !== call.id))
        ports.attention.cancel();
    }
    if (call.phase === 'ended' && call.outcome === 'answered') {
      if (submittedDuringCall.delete(call.id)) {
        // The intake was done while talking: no after-call work.
        callLog.recordWrapUp(call.id, 0).catch(logFailure('after-call work could not be written to the call log'));
      } else {
        wrapUp = { callId: call.id, endedAt: call.endedAt ?? ports.clock.now() };
        void agent.callEnded().then(() => {
          // No after-call work configured (or nobody available): none was done.
          if (agent.state.status !== 'after_call_work' && wrapUp?.callId === call.id) {
            wrapUp = null;
            callLog.recordWrapUp(call.id, 0).catch(logFailure('after-call work could not be written to the call log'));
          }
        });
      }
    }
    // Written in the call log's worker: the commit waits for the disk, nothing here does.
    logCall(call);
  });
  const stopRegistration = telephony.registration.onChange((state) => events.emit('calls.registrationChanged', state));
  const stopQuality = telephony.calls.onQuality((report) => {
    events.emit('calls.qualityReported', report);
    callLog
      .recordQuality(report.callId, report.quality)
      .catch(logFailure('call quality could not be written to the call log'));
  });

  // Headsets: the controller mirrors the calls to the device in use and its buttons to the calls;
  // the device manager finds, chooses and opens that device, and follows plugging in and out.
  const headsetController = new HeadsetController({
    calls: telephony.calls,
    log: log.child('headset'),
    clock: ports.clock,
  });
  const headsetPreferences = (): HeadsetPreferences => ({
    enabled: settings.get('headset.enabled'),
    device: settings.get('headset.device'),
  });
  const headsets = new HeadsetDevices({
    backend: ports.hid,
    sink: headsetController,
    log: log.child('headset'),
    preferences: headsetPreferences,
  });
  const stopHeadsetChanges = headsets.onChange((listing) => events.emit('headset.changed', listing));
  const stopHeadsetInput = headsets.onInput((event) => events.emit('headset.input', event));
  const stopHeadsetTest = headsetController.onTestChange((outputs) =>
    events.emit('headset.testChanged', { outputs: [...outputs] }),
  );
  let headsetChoice = JSON.stringify(headsetPreferences());
  const stopHeadsetSettings = settings.onChange(() => {
    const now = JSON.stringify(headsetPreferences());
    if (now === headsetChoice) return;
    headsetChoice = now;
    // Another choice (or policy) is a fresh start for a device that failed before.
    void headsets.refresh({ retry: true });
  });
  void headsets.refresh();

  // A recovery key that policy adds or changes gets its copy of the call log key at once.
  let recoveryKey = settings.get('security.recoveryPublicKey');
  const stopRecoveryKey = settings.onChange(() => {
    const now = settings.get('security.recoveryPublicKey');
    if (now === recoveryKey) return;
    recoveryKey = now;
    void callLog.updateRecoveryCopy();
  });

  const teamLead = () =>
    isTeamLead({ teamLeads: settings.get('privacy.teamLeads'), role: settings.get('privacy.role') });
  const requireTeamLead = async (): Promise<void> => {
    if (!(await teamLead()))
      throw new AppError(
        'forbidden',
        'Only a team lead answers data-subject requests (set by your organisation’s policy: privacy.teamLeads or privacy.role).',
      );
  };
  const reports = new ReportsService({
    callLog,
    settings,
    form: () => intakeForm().form,
    isTeamLead: teamLead,
    defaultDirectory: ports.paths.exportsDir,
    clock: ports.clock,
    log: log.child('reports'),
    progress: (rows, done) => events.emit('reports.progress', { rows, done }),
  });
  void reports.removeStaleTemporaries();
  // Retention starts once the services it uses are built, after the integrity check.
  void callLog.integrity.then(runAllRetention);
  const retentionTimer = setInterval(runAllRetention, 86_400_000);
  retentionTimer.unref();

  const updates = new UpdateService({
    settings,
    feed: ports.updates,
    currentVersion: ports.host.version,
    clock: ports.clock,
    log: log.child('updates'),
    hasCalls: () => telephony.calls.hasCalls,
    ...(tuning.updateFirstCheckMs !== undefined ? { firstCheckMs: tuning.updateFirstCheckMs } : {}),
  });
  const stopUpdates = updates.onChange((status) => events.emit('updates.changed', status));

  const handlers: Handlers = {
    'app.info': () => ({
      name: APP_NAME,
      version: ports.host.version,
      host: ports.host.kind,
      platform: ports.host.platform,
      secretStorage: { ...ports.secrets.protection },
    }),
    'settings.get': () => settings.publicSnapshot(),
    'updates.status': () => updates.status,
    'updates.check': () => updates.check(),
    'updates.install': () => updates.install(),
    'settings.update': async (change) => {
      const snapshot = await settings.update(change);
      audit('settings_change', `setting:${change.key}`, [change.key]);
      // What a renderer sees: never a policy-only secret.
      return redact(snapshot);
    },
    'calls.registration': () => telephony.state,
    'calls.account': () => telephony.account(),
    'calls.setPassword': async ({ password }) => {
      const account = await telephony.setPassword(password);
      audit('settings_change', 'secret:sip.password', ['sip.password']);
      return account;
    },
    'calls.reconnect': () => telephony.reconnect(),
    'calls.list': () => telephony.calls.list(),
    'calls.answer': ({ callId }) => telephony.calls.answer(callId),
    'calls.reject': ({ callId, status }) => telephony.calls.reject(callId, status),
    'calls.hangup': ({ callId }) => telephony.calls.hangup(callId),
    'calls.hold': ({ callId, held }) => telephony.calls.hold(callId, held),
    'calls.mute': ({ callId, muted }) => telephony.calls.mute(callId, muted),
    'calls.dial': ({ target }) => telephony.calls.dial(target),
    'calls.transfer': ({ callId, target }) => telephony.calls.transfer(callId, target),
    'calls.attendedTransfer': ({ callId, withCallId }) => telephony.calls.attendedTransfer(callId, withCallId),
    'calls.dtmf': async ({ callId, tones }) => ({ via: await telephony.calls.dtmf(callId, tones) }),
    'diagnostics.sipTrace': () => ({ enabled: telephony.trace.enabled, entries: telephony.trace.list() }),
    'diagnostics.setSipTrace': ({ enabled }) => {
      telephony.trace.setEnabled(enabled);
      log.info(enabled ? 'SIP trace on' : 'SIP trace off');
      return { enabled: telephony.trace.enabled, entries: telephony.trace.list() };
    },
    'diagnostics.exportSipTrace': () => {
      const text = sipTraceText({ enabled: telephony.trace.enabled, entries: telephony.trace.list() });
      audit('export', 'sip-trace', ['messages']);
      return {
        fileName: `hotline-desk-sip-trace-${new Date(ports.clock.now()).toISOString().replace(/[:.]/g, '-')}.txt`,
        text,
      };
    },
    'agent.get': () => agent.state,
    'agent.signIn': ({ code, name }) => agent.signIn(code, name),
    'agent.signOut': () => agent.signOut(),
    'agent.setStatus': ({ status }) => agent.setStatus(status),
    'calllog.status': () => callLog.status,
    'calllog.list': ({ query, after, limit }) => callLog.list(query, after, limit),
    'calllog.get': ({ id }) => callLog.get(id),
    'calllog.startFresh': () => callLog.startFresh(),
    'intake.form': () => intakeForm(),
    'intake.get': ({ callId }) => callLog.getIntake(callId),
    'intake.saveDraft': async ({ callId, values }) => {
      const record = await callLog.saveIntake(callId, intakeForm().form, values, { submit: false });
      events.emit('intake.changed', { callId, state: record.state, problemCount: record.problems.length });
      return record;
    },
    'intake.submit': async ({ callId, values }) => {
      const record = await callLog.saveIntake(callId, intakeForm().form, values, { submit: true });
      events.emit('intake.changed', { callId, state: record.state, problemCount: record.problems.length });
      if (record.state !== 'submitted') {
        // Kept as a draft, flagged: the message names every field that is not right yet.
        const problems = record.problems.map((problem) => `${problem.field}: ${problem.message.en}`);
        throw new AppError('invalid_input', `The intake is kept as a draft: ${problems.join('; ')}`);
      }
      if (telephony.calls.list().some((call) => call.id === callId && call.phase !== 'ended')) {
        submittedDuringCall.add(callId);
      } else if (wrapUp?.callId === callId && agent.state.status === 'after_call_work') {
        // Submitting ends after-call work: the agent is available again.
        await agent.setStatus('available');
      }
      return record;
    },
    'intake.unfinished': () => callLog.unfinishedIntakes(),
    'privacy.access': async () => ({ teamLead: await teamLead() }),
    'privacy.find': async (query) => {
      await requireTeamLead();
      return callLog.findSubject(query);
    },
    'privacy.export': async ({ callIds }) => {
      await requireTeamLead();
      const records = await callLog.exportSubject(callIds);
      return subjectExport(records, intakeForm().form, new Date(ports.clock.now()));
    },
    'privacy.erase': async ({ callIds }) => {
      await requireTeamLead();
      return { erased: await callLog.eraseSubject(callIds) };
    },
    'reports.info': () => reports.info(),
    'reports.export': (request) => reports.export(request),
    'reports.kpi': ({ range, filter }) => reports.kpi(range, filter),
    'headset.list': () => headsets.listing(),
    'headset.choose': async ({ device }) => {
      const key = parseDeviceKey(device);
      if (key !== null) {
        const connected = headsets.listing().devices.filter((each) => matchesKey(each, key));
        if (connected.length === 0) throw new AppError('not_found', `device: no headset ${device} is connected`);
        if (!connected.some((each) => each.callControl))
          throw new AppError(
            'invalid_input',
            `device: ${device} has no call control (no Hook Switch), so it is not used`,
          );
      }
      // IDs in lower case, as headset.list writes them; the serial number as the device gives it.
      const value = key === null ? '' : `${device.slice(0, 9).toLowerCase()}${device.slice(9)}`;
      await settings.update({ key: 'headset.device', value });
      audit('settings_change', 'setting:headset.device', ['headset.device']);
      return headsets.refresh({ retry: true });
    },
    'headset.testing': () => ({ outputs: headsetController.testing() }),
    'headset.test': ({ output, on }) => {
      const device = headsets.attached;
      if (device === null) throw new AppError('unavailable', 'No headset is in use.');
      if (device.map?.outputs[output] === undefined)
        throw new AppError('invalid_input', `output: the headset in use has no ${output} output`);
      if (!headsetController.testOutput(output, on))
        throw new AppError('conflict', 'The headset test works only while no call is in progress.');
      return { output, on };
    },
    'media.attach': (_input, { clientId }) => {
      const changed = rendererMedia.attach(clientId, (request) => {
        const checked = events.check('media.request', request);
        if (checked) clients.get(clientId)?.send('media.request', checked);
      });
      // A reload or a new window: bring the audio of running calls to the new engine.
      if (changed && telephony.calls.hasCalls) void telephony.calls.renegotiateAll();
      return { owner: true as const };
    },
    'media.reply': (reply, { clientId }) => ({
      accepted: rendererMedia.reply(clientId, reply.requestId, reply.ok ? { sdp: reply.sdp } : { error: reply.error }),
    }),
    // Only the engine that carried the audio knows the figures; another window's are refused.
    'media.quality': ({ callId, quality }, { clientId }) => ({
      accepted: rendererMedia.ownerId === clientId && telephony.calls.recordQuality(callId, quality),
    }),
  };

  const dispatch = createDispatch(handlers, log.child('router'));
  let closing: Promise<void> | null = null;
  const detachers = new Set<() => void>();

  return {
    dispatch,
    events,
    settings,
    telephony,
    headsets,
    ports,
    async runCallShortcut(action) {
      const request = shortcutRequest(action, telephony.calls.list());
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
        unsubscribe();
        clients.delete(client.id);
        rendererMedia.detach(client.id);
        detachers.delete(detach);
      };
      detachers.add(detach);
      log.debug('renderer attached', { client: client.id });
      return detach;
    },
    close() {
      closing ??= (async () => {
        for (const detach of [...detachers]) detach();
        clearInterval(retentionTimer);
        stopPolicyWatch();
        stopSettings();
        stopHeadsetSettings();
        stopRecoveryKey();
        stopUpdates();
        updates.close();
        // Reports under way stop (their temporary files go) while the log they read is still open.
        await reports.close();
        // Telephony first: calls still up end now, and the log must still hear how they ended
        // (and the headset, whose lights go out with them).
        await telephony.close();
        await headsets.close();
        headsetController.dispose();
        stopHeadsetChanges();
        stopHeadsetInput();
        stopHeadsetTest();
        stopRegistration();
        stopQuality();
        stopCalls();
        stopCallLog();
        stopCallLogStatus();
        stopAgent();
        agent.close();
        await callLog.close();
      })();
      return closing;
    },
  };
}
