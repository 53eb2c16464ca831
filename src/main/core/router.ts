import { isRequestName, requests, type ParsedInput, type RequestName, type RequestOutput } from '../../shared/contract';
import { AppError, describeIssues, fail, ok, type Result } from '../../shared/result';
import { errorFields } from './errors';
import type { Logger } from './log';

export interface RequestContext {
  /** The renderer connection the request came from (a window or a browser tab). */
  readonly clientId: string;
}

export type Handler<N extends RequestName> = (
  input: ParsedInput<N>,
  context: RequestContext,
) => RequestOutput<N> | Promise<RequestOutput<N>>;

export type Handlers = { [N in RequestName]: Handler<N> };

export type Dispatch = (name: unknown, input: unknown, context: RequestContext) => Promise<Result<unknown>>;

/**
 * The single gate every request passes, whichever host carried it: the name must be in the
 * contract, the input must match its schema, and whatever happens the caller gets a Result.
 */
export function createDispatch(handlers: Handlers, log: Logger): Dispatch {
  return async (name, rawInput, context) => {
    if (typeof name !== 'string' || !isRequestName(name)) {
      const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 80)) : typeof name;
      return fail('unknown_request', `Unknown request ${shown}: it is not part of the contract.`);
    }
    const definition = requests[name];
    let parsed: ReturnType<typeof definition.input.safeParse>;
    try {
      parsed = definition.input.safeParse(rawInput ?? {});
    } catch (error) {
      // A parse can throw where no schema foresaw it (a stack overflow on input nested too deep
      // for any limit to be reached, a getter that throws): still only bad input.
      log.warn('request input could not be checked', { request: name, ...errorFields(error) });
      return fail('invalid_input', `${name}: the input could not be checked (nested too deep or malformed).`);
    }
    if (!parsed.success) {
      return fail('invalid_input', `${name}: ${describeIssues(parsed.error)}`);
    }
    let output: unknown;
    try {
      const handler = handlers[name] as (input: unknown, context: RequestContext) => unknown;
      output = await handler(parsed.data, context);
    } catch (error) {
      if (error instanceof AppError) return fail(error.code, error.message);
      log.error('request failed', { request: name, ...errorFields(error) });
      return fail('internal', `${name} failed unexpectedly; details are in the log.`);
    }
    let checked: ReturnType<typeof definition.output.safeParse>;
    try {
      checked = definition.output.safeParse(output);
    } catch (error) {
      log.error('handler output could not be checked', { request: name, ...errorFields(error) });
      return fail('internal', `${name} produced an invalid result; details are in the log.`);
    }
    if (!checked.success) {
      log.error('handler broke the contract', { request: name, issues: describeIssues(checked.error, 'output') });
      return fail('internal', `${name} produced an invalid result; details are in the log.`);
    }
    return ok(checked.data);
  };
}
