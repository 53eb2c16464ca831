import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Autosave } from '../../src/renderer/src/features/intake/autosave';

/** The intake form's autosave, on fake timers: when it saves, and that nothing typed is dropped. */
describe('intake autosave', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function recorder(fail: () => boolean = () => false) {
    const saved: { at: number; value: string }[] = [];
    const autosave = new Autosave<string>({
      save: async (value) => {
        if (fail()) return false;
        saved.push({ at: Date.now(), value });
        return true;
      },
      now: () => Date.now(),
    });
    return { saved, autosave };
  }

  it('saves 400 ms after the last change, with the newest value', async () => {
    vi.setSystemTime(0);
    const { saved, autosave } = recorder();
    autosave.change('E');
    await vi.advanceTimersByTimeAsync(200);
    autosave.change('Er');
    await vi.advanceTimersByTimeAsync(399);
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(saved).toEqual([{ at: 600, value: 'Er' }]);
    expect(autosave.hasPending).toBe(false);
  });

  it('while typing goes on, still saves within a second of the first unsaved change', async () => {
    vi.setSystemTime(0);
    const { saved, autosave } = recorder();
    for (let ms = 0; ms < 3_000; ms += 100) {
      autosave.change(`text ${ms}`);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(saved.map((each) => each.at)).toEqual([1_000, 2_000, 3_000]);
    expect(saved.at(-1)?.value).toBe('text 2900');
  });

  it('keeps a value whose save failed and saves it with the next attempt', async () => {
    vi.setSystemTime(0);
    let failing = true;
    const { saved, autosave } = recorder(() => failing);
    autosave.change('Erika');
    await vi.advanceTimersByTimeAsync(400);
    expect(saved).toEqual([]);
    expect(autosave.hasPending).toBe(true);
    failing = false;
    await autosave.flush();
    expect(saved.map((each) => each.value)).toEqual(['Erika']);
  });

  it('while paused (a submit on its way) keeps changes without saving them, and saves them on resume', async () => {
    const { saved, autosave } = recorder();
    autosave.pause();
    autosave.change('typed during submit');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(saved).toEqual([]);
    autosave.resume();
    await vi.advanceTimersByTimeAsync(400);
    expect(saved.map((each) => each.value)).toEqual(['typed during submit']);
  });
});
