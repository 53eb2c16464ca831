import type { Page } from 'playwright-core';

/**
 * What a page's WebRTC really receives and holds, read from the browser itself: an init script
 * (run before the app's own code, through the DevTools protocol, so the page's CSP stays on)
 * keeps every RTCPeerConnection the page makes and every track getUserMedia gives it. The app
 * is not changed for this; the figures are Chromium's own `inbound-rtp` statistics.
 */

interface Probe {
  readonly connections: RTCPeerConnection[];
  readonly tracks: MediaStreamTrack[];
}

declare global {
  interface Window {
    readonly __audioProbe?: Probe;
  }
}

/** Call before the page loads the app (before `goto`); it stays in force across reloads. */
export async function installAudioProbe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const probe = { connections: [] as RTCPeerConnection[], tracks: [] as MediaStreamTrack[] };
    Object.defineProperty(window, '__audioProbe', { value: probe });
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = new Proxy(Native, {
      construct(target, args: ConstructorParameters<typeof RTCPeerConnection>) {
        const connection = Reflect.construct(target, args) as RTCPeerConnection;
        probe.connections.push(connection);
        return connection;
      },
    });
    const media = navigator.mediaDevices;
    const getUserMedia = media.getUserMedia.bind(media);
    media.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      const stream = await getUserMedia(constraints);
      probe.tracks.push(...stream.getTracks());
      return stream;
    };
  });
}

export interface ReceivedAudio {
  /** Sum of the squared samples received so far (inbound-rtp totalAudioEnergy), all open calls. */
  readonly energy: number;
  /** Seconds of audio received so far (totalSamplesDuration). */
  readonly seconds: number;
  readonly packets: number;
}

/** The page's received audio so far, over every connection that is not closed. */
export async function receivedAudio(page: Page): Promise<ReceivedAudio> {
  return page.evaluate(async () => {
    const probe = window.__audioProbe;
    if (!probe) throw new Error('installAudioProbe() was not called before the page loaded');
    let energy = 0;
    let seconds = 0;
    let packets = 0;
    for (const connection of probe.connections) {
      if (connection.connectionState === 'closed') continue;
      const report = await connection.getStats();
      for (const stat of report.values() as IterableIterator<Record<string, unknown>>) {
        if (stat.type !== 'inbound-rtp' || stat.kind !== 'audio') continue;
        energy += Number(stat.totalAudioEnergy ?? 0);
        seconds += Number(stat.totalSamplesDuration ?? 0);
        packets += Number(stat.packetsReceived ?? 0);
      }
    }
    return { energy, seconds, packets };
  });
}

export interface AudioWindow {
  /** Mean power of what was received in the window (energy per second of audio; 0 is silence). */
  readonly power: number;
  readonly packets: number;
  readonly seconds: number;
}

/** What the page received over the next `ms` milliseconds. */
export async function listen(page: Page, ms: number): Promise<AudioWindow> {
  const start = await receivedAudio(page);
  await new Promise((resolve) => setTimeout(resolve, ms));
  const end = await receivedAudio(page);
  const seconds = end.seconds - start.seconds;
  return {
    power: seconds > 0 ? (end.energy - start.energy) / seconds : 0,
    packets: end.packets - start.packets,
    seconds,
  };
}

/** The state of every microphone track the page was given, and of every connection it made. */
export async function mediaHeld(page: Page): Promise<{ tracks: string[]; enabled: boolean[]; connections: string[] }> {
  return page.evaluate(() => {
    const probe = window.__audioProbe;
    if (!probe) throw new Error('installAudioProbe() was not called before the page loaded');
    const tracks = probe.tracks.filter((track) => track.kind === 'audio');
    return {
      tracks: tracks.map((track) => track.readyState),
      enabled: tracks.map((track) => track.enabled),
      connections: probe.connections.map((connection) => connection.connectionState),
    };
  });
}

/** Received audio sampled every `stepMs` for `ms`: the power of each step (to see where sound was). */
export async function timeline(page: Page, ms: number, stepMs = 250): Promise<{ power: number; packets: number }[]> {
  const steps: { power: number; packets: number }[] = [];
  let last = await receivedAudio(page);
  for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
    await new Promise((resolve) => setTimeout(resolve, stepMs));
    const now = await receivedAudio(page);
    const seconds = now.seconds - last.seconds;
    steps.push({ power: seconds > 0 ? (now.energy - last.energy) / seconds : 0, packets: now.packets - last.packets });
    last = now;
  }
  return steps;
}
