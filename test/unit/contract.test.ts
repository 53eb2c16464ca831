import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, events, REQUEST_NAMES, requests } from '../../src/shared/contract';
import { AppError, ERROR_CODES } from '../../src/shared/result';
import { createDispatch, type Handlers } from '../../src/main/core/router';
import defaultFormJson from '../../assets/intake/public-health.json';
import { recordingLogger } from '../support/logs';
import { defaultSettings } from '../../src/shared/settings';
import { DEFAULT_INTAKE_FORM } from '../../src/main/intake/default-form';
import { INPUT_NAMES, OUTPUT_NAMES } from '../../src/main/headset/capabilities';
import { HEADSET_INPUT_NAMES, HEADSET_OUTPUT_NAMES } from '../../src/shared/contract/headset';

const context = { clientId: 'test' };
const snapshot = { values: defaultSettings(), locked: [], problems: [], policySources: [] };

const headsetListing = {
  enabled: true,
  status: 'no_devices' as const,
  devices: [],
  chosen: null,
  chosenBy: null,
};

const updateStatus = {
  mode: 'off',
  effectiveMode: 'off',
  installKind: 'development',
  currentVersion: '0.0.0',
  state: 'off',
  availableVersion: null,
  checkedAt: null,
  error: null,
} as const;

const noSuchCall = (): never => {
  throw new AppError('not_found', 'no such call');
};

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  return {
    'app.info': () => ({
      name: 'Hotline Desk',
      version: '0.0.0',
      host: 'browser',
      platform: 'linux',
      secretStorage: { protected: false, backend: 'file' },
    }),
    'settings.get': () => snapshot,
    'settings.update': () => snapshot,
    'updates.status': () => updateStatus,
    'updates.check': () => updateStatus,
    'updates.install': () => ({ restarting: false }),
    'calls.registration': () => ({ state: 'not_configured' }),
    'calls.account': () => ({ configured: false, hasPassword: false, passwordExposed: false }),
    'calls.setPassword': () => ({ configured: false, hasPassword: true, passwordExposed: false }),
    'calls.reconnect': () => ({ state: 'not_configured' }),
    'calls.list': () => [],
    'calls.answer': noSuchCall,
    'calls.reject': noSuchCall,
    'calls.hangup': noSuchCall,
    'calls.hold': noSuchCall,
    'calls.mute': noSuchCall,
    'calls.dial': () => {
      throw new AppError('unavailable', 'no line');
    },
    'calls.dtmf': () => ({ via: 'info' }),
    'calls.transfer': noSuchCall,
    'calls.attendedTransfer': noSuchCall,
    'diagnostics.sipTrace': () => ({ enabled: false, entries: [] }),
    'diagnostics.setSipTrace': ({ enabled }) => ({ enabled, entries: [] }),
    'agent.get': () => ({ agent: null, status: 'offline', since: 0, wrapUpEndsAt: null }),
    'agent.signIn': ({ code, name }) => ({ agent: { code, name }, status: 'available', since: 0, wrapUpEndsAt: null }),
    'agent.signOut': () => ({ agent: null, status: 'offline', since: 0, wrapUpEndsAt: null }),
    'agent.setStatus': ({ status }) => ({ agent: null, status, since: 0, wrapUpEndsAt: null }),
    'media.attach': () => ({ owner: true }),
    'media.reply': () => ({ accepted: false }),
    'media.quality': () => ({ accepted: false }),
    'diagnostics.exportSipTrace': () => ({ fileName: 'trace.txt', text: '' }),
    'calllog.status': () => ({ state: 'open', calls: 0 }),
    'calllog.list': () => ({ rows: [], next: null }),
    'calllog.get': noSuchCall,
    'calllog.startFresh': () => ({ state: 'open', calls: 0 }),
    'intake.form': () => ({ form: DEFAULT_INTAKE_FORM, source: 'default' }),
    'intake.get': () => null,
    'intake.saveDraft': noSuchCall,
    'intake.submit': noSuchCall,
    'intake.unfinished': () => [],
    'privacy.find': () => [],
    'privacy.export': () => ({ fileName: 'export.json', text: '{}' }),
    'privacy.erase': () => ({ erased: 0 }),
    'headset.list': () => headsetListing,
    'headset.choose': () => headsetListing,
    'headset.testing': () => ({ outputs: [] }),
    'privacy.access': () => ({ teamLead: false }),
    'reports.info': () => ({ teamLead: false, directory: '/tmp', formats: ['csv-de'], pseudonymKey: 'installation' }),
    'reports.export': () => {
      throw new AppError('forbidden', 'Only a team lead may export identified data (names and numbers).');
    },
    'reports.kpi': () => {
      throw new AppError('unavailable', 'The call log is not open.');
    },
    'headset.test': () => {
      throw new AppError('unavailable', 'No headset is in use.');
    },
    ...overrides,
  };
}

describe('the contract', () => {
  it('names every request and event <feature>.<action>, each with its schemas', () => {
    for (const name of REQUEST_NAMES) {
      expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
      expect(requests[name].input.safeParse).toBeTypeOf('function');
      expect(requests[name].output.safeParse).toBeTypeOf('function');
    }
    for (const name of EVENT_NAMES) {
      expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
      expect(events[name].payload.safeParse).toBeTypeOf('function');
    }
  });

  it('documents at least the error codes every feature relies on', () => {
    expect(ERROR_CODES).toEqual(
      expect.arrayContaining(['invalid_input', 'not_found', 'locked_by_policy', 'unavailable']),
    );
  });
});

describe('dispatch: main validates every input', () => {
  const dispatch = createDispatch(handlers(), recordingLogger());

  it('answers a valid request with {ok:true,value}', async () => {
    const result = await dispatch('calls.registration', {}, context);
    expect(result).toEqual({ ok: true, value: { state: 'not_configured' } });
  });

  it('treats a missing input as {} for requests that take none', async () => {
    expect(await dispatch('app.info', undefined, context)).toMatchObject({ ok: true });
  });

  it('refuses a request name outside the contract', async () => {
    expect(await dispatch('calls.launchMissiles', {}, context)).toEqual({
      ok: false,
      error: { code: 'unknown_request', message: expect.stringContaining('"calls.launchMissiles"') },
    });
  });

  it('refuses a name that is not a string, or an inherited property name', async () => {
    for (const name of [42, null, { name: 'app.info' }, 'toString', '__proto__', 'constructor']) {
      const result = await dispatch(name, {}, context);
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_request' } });
    }
  });

  it('names the unexpected field when input carries extra properties', async () => {
    const result = await dispatch('app.info', { debug: true }, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!result.ok && result.error.message).toMatch(/app\.info: .*debug/);
  });

  it('names the field whose value has the wrong type', async () => {
    const result = await dispatch('settings.update', { key: 'ui.language', value: 'fr' }, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!result.ok && result.error.message).toMatch(/^settings\.update: value: /);
  });

  it('names the key when it is not a setting', async () => {
    const result = await dispatch('settings.update', { key: 'sip.password', value: 'secret' }, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!result.ok && result.error.message).toMatch(/key/);
    // The rejected value never shows up in the message.
    expect(!result.ok && result.error.message).not.toContain('secret');
  });

  it('refuses input that is not an object at all', async () => {
    for (const input of ['ui.language', 7, [], true]) {
      const result = await dispatch('settings.update', input, context);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
  });

  it('checks nested values against the key’s own schema', async () => {
    const result = await dispatch('settings.update', { key: 'sip.servers', value: ['http://pbx.example'] }, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!result.ok && result.error.message).toMatch(/value\[0\]: expected a ws:\/\/ or wss:\/\/ URL/);
  });
});

describe('dispatch: every outcome crosses the boundary as a Result', () => {
  it('keeps the code and message of an AppError', async () => {
    const dispatch = createDispatch(
      handlers({
        'settings.update': () => {
          throw new AppError('locked_by_policy', 'ui.language is managed by your organisation');
        },
      }),
      recordingLogger(),
    );
    expect(await dispatch('settings.update', { key: 'ui.language', value: 'en' }, context)).toEqual({
      ok: false,
      error: { code: 'locked_by_policy', message: 'ui.language is managed by your organisation' },
    });
  });

  it('turns an unexpected exception into internal without leaking its message', async () => {
    const log = recordingLogger();
    const dispatch = createDispatch(
      handlers({
        'app.info': () => {
          throw new Error('ENOENT /home/agent/secret-path');
        },
      }),
      log,
    );
    const result = await dispatch('app.info', {}, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(!result.ok && result.error.message).not.toContain('secret-path');
    expect(log.records.some((record) => record.level === 'error' && record.fields?.request === 'app.info')).toBe(true);
  });

  it('refuses to pass on a handler result that breaks the contract', async () => {
    const log = recordingLogger();
    const broken = handlers({ 'calls.registration': () => ({ state: 'registered' }) as never });
    const result = await createDispatch(broken, log)('calls.registration', {}, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(log.records.find((record) => record.message === 'handler broke the contract')).toBeDefined();
  });

  it('answers invalid_input to an input whose check throws (a getter that throws), and logs no value', async () => {
    const log = recordingLogger();
    const dispatch = createDispatch(handlers(), log);
    const hostile = {
      get key(): string {
        throw new Error('Erika Mustermann');
      },
    };
    const result = await dispatch('settings.update', hostile, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!result.ok && result.error.message).toMatch(/^settings\.update: the input could not be checked/);
    expect(JSON.stringify(log.records)).not.toContain('Mustermann');
  });

  it('refuses a condition nested deeper than the form allows at the limit, whatever the depth sent', async () => {
    const dispatch = createDispatch(handlers(), recordingLogger());
    const nested = (depth: number): unknown => {
      let condition: unknown = { field: 'callType', equals: 'data_call' };
      for (let level = 1; level < depth; level++) condition = { all: [condition] };
      return condition;
    };
    for (const depth of [9, 50, 1_000, 20_000]) {
      const value = { ...defaultFormJson, personalDataWhen: nested(depth) };
      const result = await dispatch('settings.update', { key: 'intake.form', value }, context);
      expect(result, `depth ${depth}`).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
  });

  it('survives a flood of bad inputs without throwing', async () => {
    const dispatch = createDispatch(handlers(), recordingLogger());
    const inputs: unknown[] = [undefined, null, 0, '', [], {}, { key: null }, { key: 'ui.language' }, { value: 'de' }];
    for (const name of [...REQUEST_NAMES, 'nope']) {
      for (const input of inputs) {
        const result = await dispatch(name, input, context);
        expect(typeof result.ok).toBe('boolean');
      }
    }
  });
});

describe('field paths in messages', () => {
  it('reads like the field', async () => {
    const { formatPath } = await import('../../src/shared/result');
    expect(formatPath([], 'input')).toBe('input');
    expect(formatPath(['value'], 'input')).toBe('value');
    expect(formatPath(['value', 0], 'input')).toBe('value[0]');
    expect(formatPath([0, 'url'], 'value')).toBe('value[0].url');
    expect(formatPath(['a', 'b', 2, 'c'], 'input')).toBe('a.b[2].c');
  });
});

describe('the headset requests', () => {
  const dispatch = createDispatch(handlers(), recordingLogger());

  it('name the same controls as main’s capability map', () => {
    expect(HEADSET_INPUT_NAMES).toEqual(INPUT_NAMES);
    expect(HEADSET_OUTPUT_NAMES).toEqual(OUTPUT_NAMES);
  });

  it('take a device as VVVV:PPPP[:serial] or nothing, and name what is wrong', async () => {
    for (const device of ['', '0b0e:0307', '0B0E:0307:SN 12-34'])
      expect(await dispatch('headset.choose', { device }, context)).toMatchObject({ ok: true });
    for (const device of [
      'jabra',
      '0b0e',
      '0b0e:0307:',
      'b0e:0307',
      `0b0e:0307:${'x'.repeat(200)}`,
      '0b0e:0307:a\nb',
    ]) {
      const result = await dispatch('headset.choose', { device }, context);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(!result.ok && result.error.message).toMatch(/^headset\.choose: device: /);
    }
  });

  it('test only the named outputs, on or off', async () => {
    expect(await dispatch('headset.test', { output: 'ledRing', on: true }, context)).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
    const result = await dispatch('headset.test', { output: 'ledBlink', on: true }, context);
    expect(!result.ok && result.error.message).toMatch(/^headset\.test: output: /);
    expect(await dispatch('headset.test', { output: 'ringer', on: 'yes' }, context)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });
});
