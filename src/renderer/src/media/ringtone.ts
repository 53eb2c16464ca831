import { useEffect } from 'react';
import { routeTo } from './devices';

/**
 * The ringtone, made with Web Audio (no sound file): 425 Hz, one second on and four off, the
 * German ring cadence. Played while any call rings.
 */
export function useRingtone(ringing: boolean, deviceId: string): void {
  useEffect(() => {
    if (!ringing || typeof AudioContext === 'undefined') return;
    const context = new AudioContext();
    void routeTo(context as unknown as Parameters<typeof routeTo>[0], deviceId);
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(context.destination);
    const tone = context.createOscillator();
    tone.frequency.value = 425;
    tone.connect(gain);
    tone.start();
    const cadence = (): void => {
      const now = context.currentTime;
      gain.gain.setValueAtTime(0.2, now);
      gain.gain.setValueAtTime(0, now + 1);
    };
    cadence();
    const timer = window.setInterval(cadence, 5_000);
    return () => {
      window.clearInterval(timer);
      tone.stop();
      void context.close();
    };
  }, [ringing, deviceId]);
}
