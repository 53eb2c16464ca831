import type { z } from 'zod';

export interface RequestDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  /** One line for docs/architecture.md and for reviewers. */
  readonly summary: string;
}

export interface EventDefinition<P extends z.ZodType = z.ZodType> {
  readonly payload: P;
  readonly summary: string;
}

export function defineRequest<I extends z.ZodType, O extends z.ZodType>(
  definition: RequestDefinition<I, O>,
): RequestDefinition<I, O> {
  return definition;
}

export function defineEvent<P extends z.ZodType>(definition: EventDefinition<P>): EventDefinition<P> {
  return definition;
}
