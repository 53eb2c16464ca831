import type { FeatureHandlers } from '../core/handlers';
import type { AgentService } from './agent-service';

/** agent.*: who works at this console and whether they take calls. */
export function agentHandlers(
  agent: AgentService,
): FeatureHandlers<'agent.get' | 'agent.signIn' | 'agent.signOut' | 'agent.setStatus'> {
  return {
    'agent.get': () => agent.state,
    'agent.signIn': ({ code, name }) => agent.signIn(code, name),
    'agent.signOut': () => agent.signOut(),
    'agent.setStatus': ({ status }) => agent.setStatus(status),
  };
}
