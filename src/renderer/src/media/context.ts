import { createContext, useContext, useEffect, useState } from 'react';
import type { QualityFigures } from '../../../shared/quality';
import type { MediaEngine } from './engine';

export const MediaContext = createContext<MediaEngine | null>(null);

/** The latest quality figures of a call, updated every few seconds. */
export function useCallQuality(callId: string): QualityFigures | null {
  const engine = useContext(MediaContext);
  const [figures, setFigures] = useState<QualityFigures | null>(() => engine?.quality(callId) ?? null);
  useEffect(() => {
    if (!engine) return;
    return engine.onQuality((id, next) => {
      if (id === callId) setFigures(next);
    });
  }, [engine, callId]);
  return figures;
}

/** The DTMF tones played into a call so far (RFC 4733, as the RTCDTMFSender reports them). */
export function useTonesPlayed(callId: string): string {
  const engine = useContext(MediaContext);
  const [tones, setTones] = useState('');
  useEffect(() => {
    if (!engine) return;
    return engine.onTone((id, tone) => {
      if (id === callId) setTones((played) => (played + tone).slice(-32));
    });
  }, [engine, callId]);
  return tones;
}
