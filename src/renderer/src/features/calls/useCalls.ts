import { useEffect, useState } from 'react';
import type { CallSnapshot } from '../../../../shared/calls';
import { useLive } from '../../api/client';

/** The calls main knows, kept current from `calls.changed`; ended calls leave the list. */
export function useCalls(): CallSnapshot[] {
  return (
    useLive('calls.list', 'calls.changed', (call, current) => {
      const others = (current ?? []).filter((each) => each.id !== call.id);
      return call.phase === 'ended' ? others : [...others, call].sort((a, b) => a.startedAt - b.startedAt);
    }).value ?? []
  );
}

/** The current time, re-rendering once a second while `active`. */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** Seconds since `since`, ticking once a second. */
export function useElapsed(since: number | null): number {
  const now = useNow(since !== null);
  return since === null ? 0 : Math.max(0, Math.floor((now - since) / 1000));
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = String(m).padStart(h > 0 ? 2 : 1, '0');
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
