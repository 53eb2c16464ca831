import { randomUUID } from 'node:crypto';
import {
  Invitation,
  Inviter,
  SessionState,
  UserAgent,
  type Referral,
  type Session,
  type SessionDescriptionHandler,
  type URI,
} from 'sip.js';
import type { CallSnapshot } from '../../shared/calls';
import { AppError } from '../../shared/result';
import type { Logger } from '../core/log';
import type { Clock } from '../core/clock';
import { callerIdFrom, cleanNumber } from './caller-id';
import { newInboundCall, newOutboundCall, transition, type CallEvent } from './call-state';
import type { QualityFigures } from '../../shared/quality';
import { BridgedSessionDescriptionHandler, type MediaEngine, type SendState } from './media';
import { Sequencer } from '../core/sequencer';
import { Emitter } from '../../shared/emitter';
import { bestEffort, errorFields } from '../core/errors';

interface CallEntry {
  snapshot: CallSnapshot;
  readonly session: Session;
  /** Set when we end it ourselves, so that the session's end is not taken for the far end's. */
  endingLocally: boolean;
  cancelled: boolean;
  /** While the signalling is lost: ends the call as dropped if it cannot be recovered in time. */
  recoveryDeadline: NodeJS.Timeout | null;
  /** Bumped on every loss, so that an older recovery loop knows to stop. */
  recoveryRound: number;
  /** Resolves when the far end acknowledged our answer (ACK); at once for calls we placed. */
  readonly acked: Promise<void>;
  /** A hold or resume being negotiated: the call sends silence until it is settled. */
  holdChange: 'hold' | 'resume' | null;
  /** The last re-INVITE sent or queued: ours go one at a time (never glare with ourselves). */
  readonly reinviting: Sequencer;
}

/** How long a re-INVITE waits for the ACK of an answered call before going anyway. */
const ACK_WAIT_MS = 4_000;

/** How a re-INVITE went: accepted, or refused with the status (null: no response at all). */
type ReinviteResult = { readonly ok: true } | { readonly ok: false; readonly status: number | null };

const RECENTLY_ENDED = 50;

export interface CallManagerOptions {
  readonly log: Logger;
  readonly clock: Clock;
  readonly media: () => MediaEngine;
  /** The running user agent (null while not configured). */
  readonly userAgent: () => UserAgent | null;
  /** The SIP domain for dialling a bare number. */
  readonly domain: () => string | null;
  /** False when the agent is not available: incoming calls get 486 Busy Here. */
  readonly acceptsCalls?: () => boolean;
  /** The signed-in agent's code, carried by every call. */
  readonly agentCode?: () => string | null;
  /**
   * How long a connected call may wait for its signalling to come back (default 60 s). Its audio
   * runs on, if the network still carries it; after this the call ends as "dropped".
   */
  readonly recoveryMs?: number;
  readonly random?: () => number;
}

/**
 * Calls in main: sip.js sessions on one side, the pure state machine (call-state.ts) on the
 * other. Every change becomes a snapshot that the rest of the app (UI, headset, call log) sees.
 */
export class CallManager {
  private readonly calls = new Map<string, CallEntry>();
  private readonly bySession = new WeakMap<Session, string>();
  private readonly listeners = new Emitter<[call: CallSnapshot]>();
  private readonly qualityListeners = new Emitter<[report: { callId: string; quality: QualityFigures }]>();
  /** Calls that ended lately and whose quality figures have not come yet. */
  private readonly recentlyEnded = new Set<string>();
  private readonly options: CallManagerOptions;

  constructor(options: CallManagerOptions) {
    this.options = options;
  }

  onChange(listener: (call: CallSnapshot) => void): () => void {
    return this.listeners.on(listener);
  }

  /** Calls not yet ended, oldest first. */
  list(): CallSnapshot[] {
    return [...this.calls.values()].map((entry) => entry.snapshot);
  }

  get hasCalls(): boolean {
    return this.calls.size > 0;
  }

  /** For the user agent: the SDH of a session is our bridge to the media engine. */
  readonly sessionDescriptionHandlerFactory = (session: Session): SessionDescriptionHandler => {
    const callId = this.bySession.get(session) ?? session.id;
    return new BridgedSessionDescriptionHandler(callId, this.options.media, {
      onRemoteHold: (held) => this.apply(callId, { type: 'remoteHold', held }),
      sendState: () => this.sendState(callId),
    });
  };

  /**
   * What a call's microphone track carries: the agent's voice only while the call is neither
   * muted nor held. A hold or resume under way counts as held, so the voice stops before the
   * re-INVITE goes and comes back only once the far end accepted the resume.
   */
  sendState(callId: string): SendState {
    const entry = this.calls.get(callId);
    if (!entry) return { muted: false, held: false };
    return { muted: entry.snapshot.muted, held: entry.snapshot.held || entry.holdChange !== null };
  }

  private pushSendState(entry: CallEntry): void {
    this.options.media().setSendState(entry.snapshot.id, this.sendState(entry.snapshot.id));
  }

  /** For the user agent: a new INVITE. */
  readonly onInvite = (invitation: Invitation): void => {
    const request = invitation.request;
    let remote;
    try {
      remote = callerIdFrom({
        pAssertedIdentity: request.getHeaders('P-Asserted-Identity'),
        privacy: request.getHeader('Privacy') ?? null,
        fromDisplayName: request.from.displayName ?? '',
        fromUri: request.from.uri.toString(),
      });
    } catch {
      remote = { number: null, name: null, anonymous: true };
    }
    const callId = randomUUID();
    let markAcked = (): void => undefined;
    const entry: CallEntry = {
      snapshot: newInboundCall(callId, remote, this.options.clock.now(), this.options.agentCode?.() ?? null),
      session: invitation,
      endingLocally: false,
      cancelled: false,
      recoveryDeadline: null,
      recoveryRound: 0,
      acked: new Promise<void>((resolve) => (markAcked = resolve)),
      holdChange: null,
      reinviting: new Sequencer(),
    };
    this.calls.set(callId, entry);
    this.bySession.set(invitation, callId);
    invitation.delegate = {
      onCancel: () => (entry.cancelled = true),
      onRefer: (referral) => this.referred(callId, referral),
      onAck: () => markAcked(),
    };
    invitation.stateChange.addListener((state) => {
      if (state === SessionState.Terminated) this.sessionEnded(callId);
    });
    this.publish(entry);

    // An INVITE with Replaces takes the place of one of our calls (the far end of an attended
    // transfer): answer it at once and leave the call it replaces. sip.js matched the dialog
    // already and keeps it in a field it does not document.
    const replacee = (invitation as unknown as { _replacee?: Session })._replacee;
    const replacedId = replacee ? this.bySession.get(replacee) : undefined;
    const replaced = replacedId ? this.calls.get(replacedId) : undefined;
    if (replacedId && replaced?.snapshot.phase === 'active') {
      void this.answer(callId, replacedId).then(
        async () => {
          replaced.endingLocally = true;
          this.tryApply(replacedId, { type: 'transferred' });
          await bestEffort(replaced.session.bye(), this.options.log, 'the BYE to a replaced call failed');
        },
        () => undefined,
      );
      return;
    }

    if (this.options.acceptsCalls && !this.options.acceptsCalls()) {
      entry.endingLocally = true;
      this.apply(callId, { type: 'declined' });
      void bestEffort(invitation.reject({ statusCode: 486 }), this.options.log, 'a declined call could not be refused');
      return;
    }
    void bestEffort(invitation.progress(), this.options.log, 'the 180 Ringing could not be sent');
  };

  async answer(callId: string, keepRunning: string | null = null): Promise<CallSnapshot> {
    const entry = this.entry(callId);
    if (!(entry.session instanceof Invitation) || entry.snapshot.phase !== 'ringing') {
      throw new AppError('conflict', 'Only a ringing incoming call can be answered.');
    }
    // Call waiting: answering a second call puts the one in progress on hold first.
    for (const other of this.calls.values()) {
      if (
        other !== entry &&
        other.snapshot.id !== keepRunning &&
        other.snapshot.phase === 'active' &&
        !other.snapshot.held
      ) {
        await this.hold(other.snapshot.id, true);
      }
    }
    try {
      await entry.session.accept();
    } catch (error) {
      if (error instanceof AppError) throw error;
      this.options.log.warn('answer failed', errorFields(error));
      throw new AppError('unavailable', 'The call could not be answered.');
    }
    return this.apply(callId, { type: 'answer' });
  }

  async reject(callId: string, status: 486 | 603): Promise<CallSnapshot> {
    const entry = this.entry(callId);
    if (!(entry.session instanceof Invitation) || entry.snapshot.phase !== 'ringing') {
      throw new AppError('conflict', 'Only a ringing incoming call can be rejected.');
    }
    entry.endingLocally = true;
    const snapshot = this.apply(callId, { type: 'reject', status });
    await bestEffort(entry.session.reject({ statusCode: status }), this.options.log, 'a call could not be refused');
    return snapshot;
  }

  async hangup(callId: string): Promise<CallSnapshot> {
    const entry = this.entry(callId);
    const { phase } = entry.snapshot;
    entry.endingLocally = true;
    if (phase === 'active') {
      const snapshot = this.apply(callId, { type: 'hangup', by: 'local' });
      await bestEffort(entry.session.bye(), this.options.log, 'the BYE could not be sent');
      return snapshot;
    }
    if ((phase === 'dialing' || phase === 'early') && entry.session instanceof Inviter) {
      const snapshot = this.apply(callId, { type: 'hangup', by: 'local' });
      await bestEffort(entry.session.cancel(), this.options.log, 'the CANCEL could not be sent');
      return snapshot;
    }
    if (phase === 'ringing') return this.reject(callId, 486);
    throw new AppError('conflict', `A call that is ${phase} cannot be hung up.`);
  }

  async hold(callId: string, held: boolean): Promise<CallSnapshot> {
    const entry = this.entry(callId);
    if (entry.snapshot.phase !== 'active' || entry.snapshot.held === held) {
      throw new AppError(
        'conflict',
        held ? 'Only an active call can be put on hold.' : 'Only a held call can be resumed.',
      );
    }
    if (entry.snapshot.signallingLostAt !== null)
      throw new AppError('unavailable', 'The connection to the phone system is down; try again when it is back.');
    if (entry.holdChange !== null) throw new AppError('conflict', 'A hold or resume of this call is under way.');
    // The voice stops before the hold goes out (the caller must not hear the next call), and
    // comes back only when the far end accepted the resume.
    entry.holdChange = held ? 'hold' : 'resume';
    this.pushSendState(entry);
    let result: ReinviteResult;
    try {
      result = await this.reinviteRetrying(entry, held);
    } finally {
      entry.holdChange = null;
    }
    if (!result.ok || entry.snapshot.phase !== 'active') {
      this.pushSendState(entry);
      throw new AppError('unavailable', 'The other side did not accept the change.');
    }
    const snapshot = this.apply(callId, { type: held ? 'hold' : 'resume' });
    this.pushSendState(entry);
    return snapshot;
  }

  mute(callId: string, muted: boolean): CallSnapshot {
    const snapshot = this.apply(callId, { type: 'mute', muted });
    this.pushSendState(this.entry(callId));
    return snapshot;
  }

  /**
   * DTMF as RFC 4733 telephone-events in the media when the far end offered them, otherwise as
   * SIP INFO (application/dtmf-relay), one INFO per digit. Returns how it was sent.
   */
  async dtmf(callId: string, tones: string): Promise<'rfc4733' | 'info'> {
    const entry = this.entry(callId);
    if (entry.snapshot.phase !== 'active')
      throw new AppError('conflict', 'Tones can only be sent in a connected call.');
    const handler = entry.session.sessionDescriptionHandler;
    const inMedia = handler instanceof BridgedSessionDescriptionHandler && handler.remoteOffersTelephoneEvent;
    if (inMedia && this.options.media().sendDtmf(callId, tones)) return 'rfc4733';
    for (const tone of tones.replace(/,/g, '')) {
      await entry.session.info({
        requestOptions: {
          body: {
            contentDisposition: 'render',
            contentType: 'application/dtmf-relay',
            content: `Signal=${tone}\r\nDuration=160`,
          },
        },
      });
    }
    return 'info';
  }

  /**
   * A new renderer took over the audio (a reload, a new window): offer each call afresh from
   * its media engine with a re-INVITE, so the audio comes back. The new engine gets each call's
   * send state with the description it makes, so a muted or held call starts silent there.
   */
  async renegotiateAll(): Promise<void> {
    for (const [callId, entry] of this.calls) {
      if (entry.snapshot.phase !== 'active' || entry.snapshot.signallingLostAt !== null) continue;
      const result = await this.reinvite(entry);
      if (!result.ok)
        this.options.log.warn('re-INVITE after media change failed', { call: callId, status: result.status });
    }
  }

  /** The app quits: every call ends here, politely (BYE, CANCEL, or 486 to one still ringing). */
  async hangupAll(): Promise<void> {
    for (const [callId, entry] of [...this.calls]) {
      if (entry.snapshot.phase === 'ended') continue;
      await bestEffort(this.hangup(callId), this.options.log, 'a call could not be ended at quitting');
    }
  }

  /**
   * The signalling connection went away. A connected call stays up (its audio may still flow)
   * and waits for the connection to come back; calls still being set up cannot finish over a
   * lost connection and end now.
   */
  signallingLost(): void {
    for (const [callId, entry] of [...this.calls]) {
      const { phase } = entry.snapshot;
      if (phase === 'ended') continue;
      if (phase !== 'active') {
        entry.endingLocally = true;
        this.tryApply(callId, { type: 'dropped' });
        void bestEffort(entry.session.dispose(), this.options.log, 'a call could not be disposed');
        this.finishEnded(callId);
        continue;
      }
      entry.recoveryRound += 1;
      if (entry.snapshot.signallingLostAt !== null) continue;
      this.apply(callId, { type: 'signallingLost' });
      this.options.log.warn('signalling lost under a call: waiting for the connection', { call: callId });
      entry.recoveryDeadline = setTimeout(() => this.giveUp(callId), this.options.recoveryMs ?? 60_000);
    }
  }

  /**
   * The line is registered again over a new connection: refresh each waiting call's dialog with a
   * re-INVITE (same media, so the audio does not stop), which tells the far end, through the
   * proxy, how to reach us now. Glare (491) and a far end whose own connection is not back yet
   * are retried until the deadline; a dialog the far end no longer knows (481) ends at once.
   */
  signallingRestored(): void {
    for (const [callId, entry] of this.calls) {
      if (entry.snapshot.signallingLostAt !== null) void this.recover(callId, entry, entry.recoveryRound);
    }
  }

  private async recover(callId: string, entry: CallEntry, round: number): Promise<void> {
    const random = this.options.random ?? Math.random;
    for (let attempt = 0; ; attempt++) {
      if (entry.recoveryRound !== round || entry.snapshot.phase !== 'active') return;
      const result = await this.reinvite(entry);
      if (entry.recoveryRound !== round || entry.snapshot.phase !== 'active') return;
      if (result.ok) {
        this.clearRecovery(entry);
        this.tryApply(callId, { type: 'signallingRestored' });
        this.options.log.info('signalling recovered', { call: callId, attempts: attempt + 1 });
        return;
      }
      if (result.status === 481) {
        this.options.log.warn('the far end no longer knows the call', { call: callId });
        this.giveUp(callId);
        return;
      }
      // RFC 3261 14.1: after 491 the side that owns the Call-ID waits 2.1–4 s, the other 0–2 s.
      const owner = entry.session instanceof Inviter;
      const wait =
        result.status === 491 ? (owner ? 2_100 + random() * 1_900 : random() * 2_000) : 500 + random() * 1_000;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** The signalling did not come back in time: end the call as dropped, with a BYE if it can go. */
  private giveUp(callId: string): void {
    const entry = this.calls.get(callId);
    if (!entry) return;
    this.clearRecovery(entry);
    entry.recoveryRound += 1;
    entry.endingLocally = true;
    this.tryApply(callId, { type: 'dropped' });
    const session = entry.session;
    void bestEffort(session.bye(), this.options.log, 'the BYE of a dropped call failed').finally(
      () => void bestEffort(session.dispose(), this.options.log, 'a dropped call could not be disposed'),
    );
    this.options.media().close(callId);
    this.finishEnded(callId);
  }

  private clearRecovery(entry: CallEntry): void {
    if (entry.recoveryDeadline) clearTimeout(entry.recoveryDeadline);
    entry.recoveryDeadline = null;
  }

  /**
   * A re-INVITE the agent asked for (hold, resume): when the far end is still busy with the last
   * offer and answer (491 glare, or 500: its previous re-INVITE's ACK not processed yet, as after
   * a quick hold and resume), it is tried again after the RFC 3261 wait, up to three times.
   */
  private async reinviteRetrying(entry: CallEntry, hold: boolean): Promise<ReinviteResult> {
    const random = this.options.random ?? Math.random;
    const owner = entry.session instanceof Inviter;
    for (let attempt = 1; ; attempt++) {
      const result = await this.reinvite(entry, hold);
      if (result.ok || attempt >= 3 || (result.status !== 491 && result.status !== 500)) return result;
      if (entry.snapshot.phase !== 'active') return result;
      const wait = result.status === 491 ? (owner ? 2_100 + random() * 1_900 : random() * 2_000) : 200 + random() * 800;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /**
   * A re-INVITE with a fresh offer from the media engine: held as `hold` says, or (without it) as
   * the call is when its turn comes. One at a time per call: a renegotiation for a new window and
   * the agent's hold must not collide with each other.
   */
  private reinvite(entry: CallEntry, hold?: boolean): Promise<ReinviteResult> {
    return entry.reinviting.run(() =>
      entry.snapshot.phase === 'active'
        ? this.sendReinvite(entry, hold ?? entry.snapshot.held)
        : { ok: false as const, status: null },
    );
  }

  /**
   * On a call we answered, a re-INVITE first waits for the caller's ACK (RFC 5407 3.1.4: a
   * re-INVITE that overtakes the ACK collides with the answer; the agent pressing Hold at once
   * must not break the call).
   */
  private async sendReinvite(entry: CallEntry, hold: boolean): Promise<ReinviteResult> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([entry.acked, new Promise((resolve) => (timer = setTimeout(resolve, ACK_WAIT_MS)))]);
    clearTimeout(timer);
    return new Promise((resolve) => {
      entry.session
        .invite({
          sessionDescriptionHandlerOptions: { hold } as object,
          requestDelegate: {
            onAccept: () => resolve({ ok: true }),
            onReject: (response) => resolve({ ok: false, status: response.message.statusCode ?? null }),
          },
        })
        .catch(() => resolve({ ok: false, status: null }));
    });
  }

  /**
   * The media engine's figures for a call over its length, handed over when the call ends.
   * Only a call that is up or ended lately is taken.
   */
  recordQuality(callId: string, quality: QualityFigures): boolean {
    if (!this.calls.has(callId) && !this.recentlyEnded.has(callId)) return false;
    this.recentlyEnded.delete(callId);
    this.qualityListeners.emit({ callId, quality });
    return true;
  }

  onQuality(listener: (report: { callId: string; quality: QualityFigures }) => void): () => void {
    return this.qualityListeners.on(listener);
  }

  /** Calls a number (on the account's domain) or a full SIP URI. */
  async dial(target: string): Promise<CallSnapshot> {
    const userAgent = this.options.userAgent();
    const domain = this.options.domain();
    if (!userAgent || !domain) throw new AppError('unavailable', 'The line is not set up.');
    if (this.options.agentCode && this.options.agentCode() === null)
      throw new AppError('conflict', 'Sign in with your agent code first.');
    const uri = this.targetUri(target, domain);
    return this.track(new Inviter(userAgent, uri), cleanNumber(uri.user ?? null));
  }

  /** A number as people type it ("030 / 123-45": digits, + * # kept) on the domain, or a SIP URI. */
  private targetUri(target: string, domain: string): URI {
    const uri = UserAgent.makeURI(
      /^sips?:/i.test(target) ? target : `sip:${target.replace(/[\s()./-]/g, '')}@${domain}`,
    );
    if (!uri) throw new AppError('invalid_input', `target: "${target}" is not a number or SIP address`);
    return uri;
  }

  /** Follows an outgoing call (dialled, or placed because the far end transferred us). */
  private track(inviter: Inviter, number: string | null): CallSnapshot {
    const callId = randomUUID();
    const entry: CallEntry = {
      snapshot: newOutboundCall(
        callId,
        { number, name: null, anonymous: false },
        this.options.clock.now(),
        this.options.agentCode?.() ?? null,
      ),
      session: inviter,
      endingLocally: false,
      cancelled: false,
      recoveryDeadline: null,
      recoveryRound: 0,
      acked: Promise.resolve(),
      holdChange: null,
      reinviting: new Sequencer(),
    };
    this.calls.set(callId, entry);
    this.bySession.set(inviter, callId);
    inviter.delegate = { onRefer: (referral) => this.referred(callId, referral) };
    inviter.stateChange.addListener((state) => {
      if (state === SessionState.Terminated) this.sessionEnded(callId);
    });
    this.publish(entry);
    inviter
      .invite({
        requestDelegate: {
          onProgress: () => this.tryApply(callId, { type: 'progress' }),
          onAccept: () => this.tryApply(callId, { type: 'accepted' }),
          onReject: (response) =>
            this.tryApply(callId, { type: 'failed', status: response.message.statusCode ?? null }),
        },
      })
      .catch(() => this.tryApply(callId, { type: 'failed', status: null }));
    return entry.snapshot;
  }

  /**
   * Blind transfer: REFER the far end to `target`; once it accepts, this agent's leg ends.
   */
  async transfer(callId: string, target: string): Promise<CallSnapshot> {
    const entry = this.entry(callId);
    if (entry.snapshot.phase !== 'active') throw new AppError('conflict', 'Only a connected call can be transferred.');
    const domain = this.options.domain();
    if (!domain) throw new AppError('unavailable', 'The line is not set up.');
    return this.referAndLeave(entry, this.targetUri(target, domain));
  }

  /** Attended transfer: connect the far ends of two calls (REFER with Replaces), then leave both. */
  async attendedTransfer(callId: string, withCallId: string): Promise<CallSnapshot> {
    const entry = this.entry(callId);
    const other = this.entry(withCallId);
    if (callId === withCallId || entry.snapshot.phase !== 'active' || other.snapshot.phase !== 'active') {
      throw new AppError('conflict', 'An attended transfer needs two connected calls.');
    }
    // sip.js would refer to the consulted party's Contact, which a proxy in front of WebSocket
    // clients cannot route; refer to its address of record, with Replaces naming the dialog.
    const dialog = other.session.dialog;
    if (!dialog) throw new AppError('conflict', 'The consultation call has no dialog to replace.');
    const referTo = other.session.remoteIdentity.uri.clone();
    referTo.setHeader(
      'Replaces',
      encodeURIComponent(`${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`),
    );
    // A URI with headers must sit in angle brackets in Refer-To; sip.js writes a URI bare.
    const bracketed: URI = Object.assign(Object.create(Object.getPrototypeOf(referTo) as object) as URI, referTo, {
      toString: () => `<${referTo.toString()}>`,
    });
    const snapshot = await this.referAndLeave(entry, bracketed);
    // The consulted party now gets an INVITE with Replaces and ends our leg with it (a BYE).
    other.endingLocally = true;
    return snapshot;
  }

  private async referAndLeave(entry: CallEntry, target: Parameters<Session['refer']>[0]): Promise<CallSnapshot> {
    const accepted = await new Promise<boolean>((resolve) => {
      entry.session
        .refer(target, { requestDelegate: { onAccept: () => resolve(true), onReject: () => resolve(false) } })
        .catch(() => resolve(false));
    });
    if (!accepted) throw new AppError('unavailable', 'The other side did not accept the transfer.');
    entry.endingLocally = true;
    const snapshot = this.apply(entry.snapshot.id, { type: 'transferred' });
    await bestEffort(entry.session.bye(), this.options.log, 'the BYE after a transfer could not be sent');
    return snapshot;
  }

  /** The far end transferred us: accept and place the call it asks for. */
  private referred(callId: string, referral: Referral): void {
    this.options.log.info('transferred by the far end', { call: callId });
    referral
      .accept()
      .then(() => {
        const inviter = referral.makeInviter();
        this.track(inviter, cleanNumber(inviter.remoteIdentity.uri.user ?? null));
      })
      .catch((error: unknown) => {
        this.options.log.warn('the transfer could not be followed', { call: callId, ...errorFields(error) });
      });
  }

  /** The session is over in sip.js: record how, if we do not know yet. */
  private sessionEnded(callId: string): void {
    const entry = this.calls.get(callId);
    if (!entry) return;
    // sip.js terminates an Inviter before its request delegate sees the final response:
    // give that response (486, 404, …) the chance to say how the call ended.
    if (entry.session instanceof Inviter && entry.snapshot.phase !== 'ended' && entry.snapshot.phase !== 'active') {
      setImmediate(() => this.finishEnded(callId));
      return;
    }
    this.finishEnded(callId);
  }

  private finishEnded(callId: string): void {
    const entry = this.calls.get(callId);
    if (!entry) return;
    if (entry.snapshot.phase !== 'ended') {
      const { phase } = entry.snapshot;
      let event: CallEvent;
      if (phase === 'ringing') event = entry.cancelled ? { type: 'cancelled' } : { type: 'dropped' };
      // sip.js gave up on a call whose signalling is lost (no ACK, a timeout): it dropped.
      else if (phase === 'active' && entry.snapshot.signallingLostAt !== null) event = { type: 'dropped' };
      else if (phase === 'active') event = { type: 'hangup', by: entry.endingLocally ? 'local' : 'remote' };
      else event = { type: 'failed', status: null };
      this.tryApply(callId, event);
    }
    this.clearRecovery(entry);
    entry.recoveryRound += 1;
    this.calls.delete(callId);
    this.recentlyEnded.add(callId);
    if (this.recentlyEnded.size > RECENTLY_ENDED) {
      const oldest = this.recentlyEnded.values().next().value;
      if (oldest !== undefined) this.recentlyEnded.delete(oldest);
    }
  }

  private entry(callId: string): CallEntry {
    const entry = this.calls.get(callId);
    if (!entry) throw new AppError('not_found', `There is no call ${callId}.`);
    return entry;
  }

  private apply(callId: string, event: CallEvent): CallSnapshot {
    const entry = this.entry(callId);
    const result = transition(entry.snapshot, event, this.options.clock.now());
    if (!result.ok) throw new AppError('conflict', result.reason);
    entry.snapshot = result.state;
    this.publish(entry);
    return entry.snapshot;
  }

  private tryApply(callId: string, event: CallEvent): void {
    const entry = this.calls.get(callId);
    if (!entry) return;
    const result = transition(entry.snapshot, event, this.options.clock.now());
    if (!result.ok || JSON.stringify(result.state) === JSON.stringify(entry.snapshot)) return;
    entry.snapshot = result.state;
    this.publish(entry);
  }

  private publish(entry: CallEntry): void {
    this.listeners.emit(entry.snapshot);
  }
}
