import { describe, expect, it } from 'vitest';
import { AgentService } from '../../src/main/agent/agent-service';
import { systemClock } from '../../src/main/ports';
import { recordingLogger } from '../support/logs';
import { tempDir } from '../support/temp';

async function open(dataDir: string, options: { wrapUpSeconds?: number; hasCalls?: boolean } = {}) {
  return AgentService.open({
    dataDir,
    clock: systemClock,
    log: recordingLogger(),
    wrapUpSeconds: () => options.wrapUpSeconds ?? 0,
    hasCalls: () => options.hasCalls ?? false,
  });
}

describe('agent sign-in and status', () => {
  it('takes no calls until someone signs in; then the agent is available', async () => {
    const agent = await open(await tempDir());
    expect(agent.state).toMatchObject({ agent: null, status: 'offline' });
    expect(agent.acceptsCalls).toBe(false);
    await agent.signIn('B-17', 'Beate Berger');
    expect(agent.state).toMatchObject({ agent: { code: 'B-17', name: 'Beate Berger' }, status: 'available' });
    expect(agent.acceptsCalls).toBe(true);
    expect(agent.code).toBe('B-17');
  });

  it('stays signed in across a restart (a crash mid-shift signs nobody out)', async () => {
    const dir = await tempDir();
    const first = await open(dir);
    await first.signIn('B-17', 'Beate Berger');
    await first.setStatus('break');
    first.close();
    const again = await open(dir);
    expect(again.state).toMatchObject({ agent: { code: 'B-17' }, status: 'break' });
    expect(again.acceptsCalls).toBe(false);
  });

  it('refuses to sign out or hand over while calls are up', async () => {
    const agent = await open(await tempDir(), { hasCalls: true });
    await expect(agent.signIn('B-17', 'Beate')).rejects.toMatchObject({ code: 'conflict' });
    const idle = await open(await tempDir());
    await idle.signIn('B-17', 'Beate');
    const busy = await open(await tempDir(), { hasCalls: true });
    await expect(busy.signOut()).rejects.toMatchObject({ code: 'conflict' });
  });

  it('goes into after-call work after an answered call, and back to available when it runs out', async () => {
    const agent = await open(await tempDir(), { wrapUpSeconds: 1 });
    await agent.signIn('B-17', 'Beate');
    const seen: string[] = [];
    agent.onChange((state) => seen.push(state.status));
    await agent.callEnded();
    expect(agent.state.status).toBe('after_call_work');
    expect(agent.acceptsCalls).toBe(false);
    expect(agent.state.wrapUpEndsAt).toBeGreaterThan(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(seen).toEqual(['after_call_work', 'available']);
    agent.close();
  });

  it('ends after-call work early when the agent says available', async () => {
    const agent = await open(await tempDir(), { wrapUpSeconds: 600 });
    await agent.signIn('B-17', 'Beate');
    await agent.callEnded();
    await agent.setStatus('available');
    expect(agent.state).toMatchObject({ status: 'available', wrapUpEndsAt: null });
    agent.close();
  });

  it('needs a signed-in agent to change status', async () => {
    const agent = await open(await tempDir());
    await expect(agent.setStatus('available')).rejects.toMatchObject({ code: 'conflict' });
  });
});
