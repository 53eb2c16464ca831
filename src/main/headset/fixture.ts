/**
 * The headset fixture file format (test/fixtures/headsets/*.json): one real device's report
 * descriptor with its USB IDs and where it was published. Validated here because `headset probe`
 * reads such files from the command line. Only the fields we use are checked; the others
 * (reports, telephonyLayout, notes, provenance) are kept as they are.
 */
import { z } from 'zod';
import { describeIssues, fail, ok, type Result } from '../../shared/result';

const usbId = z
  .string()
  .regex(/^0x[0-9a-fA-F]{4}$/, 'expected a USB ID of four hexadecimal digits, such as 0x0b0e')
  .transform((text) => Number.parseInt(text.slice(2), 16));

export const headsetFixtureSchema = z
  .looseObject({
    name: z.string().min(1),
    vendorId: usbId,
    productId: usbId,
    source: z.string().min(1),
    descriptorHex: z
      .string()
      .regex(/^(?:[0-9a-fA-F]{2})+$/, 'expected the descriptor as an even number of hexadecimal digits'),
    descriptorLength: z.number().int().positive().optional(),
  })
  .refine(
    (fixture) =>
      fixture.descriptorLength === undefined || fixture.descriptorLength * 2 === fixture.descriptorHex.length,
    {
      path: ['descriptorLength'],
      message: 'does not match the length of descriptorHex',
    },
  );
export type HeadsetFixture = z.infer<typeof headsetFixtureSchema>;

/** Reads a fixture file's text; the error names the field that was wrong. */
export function parseHeadsetFixture(text: string): Result<HeadsetFixture> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail('invalid_input', `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = headsetFixtureSchema.safeParse(json);
  if (!parsed.success) return fail('invalid_input', describeIssues(parsed.error, 'fixture'));
  return ok(parsed.data);
}

/** Bytes from an even number of hexadecimal digits (checked by the caller). */
export function bytesFromHex(digits: string): Uint8Array {
  const bytes = new Uint8Array(digits.length >> 1);
  for (let index = 0; index < bytes.length; index += 1)
    bytes[index] = Number.parseInt(digits.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

export function fixtureDescriptor(fixture: Pick<HeadsetFixture, 'descriptorHex'>): Uint8Array {
  return bytesFromHex(fixture.descriptorHex);
}
