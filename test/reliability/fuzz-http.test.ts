// A quick fuzz run in every `npm test`: mutated real AdmissionReviews and garbage, posted to
// a real `meshgate serve`; every answer must be an AdmissionReview with the uid echoed (and a
// patch that applies) or a 4xx with a message, and the process must stay up. `npm run fuzz`
// runs the same checks over 100,000 inputs.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module shared with scripts/fuzz.mjs
import { checkAnswer, inputs, seedReviews } from '../../scripts/fuzz-lib.mjs';
import { https, startServer, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServer(['--log-level', 'warn']);
}, 30_000);
afterAll(async () => server.stop());

interface FuzzInput {
  body: string;
  contentType: string;
  review?: { request?: { kind?: { kind?: string } } };
}

describe.each(['/inject', '/validate'])('fuzzing %s over HTTP', (path) => {
  it('answers every input as promised', async () => {
    await fc.assert(
      fc.asyncProperty(inputs(seedReviews()) as fc.Arbitrary<FuzzInput>, async (input) => {
        const headers: Record<string, string> = input.contentType ? { 'content-type': input.contentType } : {};
        const r = await https(server.port, { method: 'POST', path, headers, body: input.body });
        const problem = checkAnswer(input, r.status, r.body) as string | undefined;
        expect(problem).toBeUndefined();
      }),
      { numRuns: 250 },
    );
    expect((await https(server.port, { path: '/healthz' })).status).toBe(200);
    expect(server.output()).not.toMatch(/unhandled|fatal error/i);
  }, 60_000);
});
