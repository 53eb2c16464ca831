import { useEffect, useState } from 'react';

export interface AudioDevices {
  readonly inputs: MediaDeviceInfo[];
  readonly outputs: MediaDeviceInfo[];
}

/** The audio devices, kept current as headsets are plugged in and out (devicechange). */
export function useAudioDevices(): AudioDevices {
  const [devices, setDevices] = useState<AudioDevices>({ inputs: [], outputs: [] });
  useEffect(() => {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    let active = true;
    const load = (): void => {
      void navigator.mediaDevices.enumerateDevices().then((list) => {
        if (!active) return;
        setDevices({
          inputs: list.filter((device) => device.kind === 'audioinput'),
          outputs: list.filter((device) => device.kind === 'audiooutput'),
        });
      });
    };
    load();
    navigator.mediaDevices.addEventListener('devicechange', load);
    return () => {
      active = false;
      navigator.mediaDevices.removeEventListener('devicechange', load);
    };
  }, []);
  return devices;
}

type SinkCapable = { setSinkId?: (id: string) => Promise<void> };

/** Sends an audio element or context to a device; unsupported or unknown devices keep the default. */
export async function routeTo(target: SinkCapable, deviceId: string): Promise<void> {
  if (!deviceId || typeof target.setSinkId !== 'function') return;
  await target.setSinkId(deviceId).catch(() => undefined);
}

/** Plays a short 440 Hz tone on a device: the speaker and ringtone tests. */
export async function playTestTone(deviceId: string, seconds = 1): Promise<void> {
  const context = new AudioContext();
  await routeTo(context as unknown as SinkCapable, deviceId);
  const tone = context.createOscillator();
  const gain = context.createGain();
  gain.gain.value = 0.2;
  tone.frequency.value = 440;
  tone.connect(gain).connect(context.destination);
  tone.start();
  tone.stop(context.currentTime + seconds);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 100));
  await context.close();
}

/** Opens the chosen microphone and reports its level (0–1) until stopped: the microphone test. */
export async function measureMicrophone(deviceId: string, onLevel: (level: number) => void): Promise<() => void> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), echoCancellation: true, noiseSuppression: true },
  });
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const timer = window.setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    onLevel(Math.min(1, Math.sqrt(sum / samples.length) * 4));
  }, 100);
  return () => {
    window.clearInterval(timer);
    for (const track of stream.getTracks()) track.stop();
    void context.close();
  };
}
