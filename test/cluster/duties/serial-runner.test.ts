// The leader's reconcile runs one at a time; requests made meanwhile coalesce into one more run.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { serialRunner } from '../../../src/cluster/duties/leader.js';

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe('serialRunner', () => {
  it('never overlaps runs, and folds requests made during a run into one more', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const kick = serialRunner(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        runs++;
        await tick();
        running--;
      },
      pino({ level: 'silent' }),
    );
    kick();
    kick();
    kick();
    kick();
    for (let i = 0; i < 10; i++) await tick();
    expect(maxRunning).toBe(1);
    expect(runs).toBe(2);
  });

  it('keeps going after a failed run', async () => {
    let runs = 0;
    const kick = serialRunner(
      async () => {
        runs++;
        if (runs === 1) throw new Error('boom');
      },
      pino({ level: 'silent' }),
    );
    kick();
    await tick();
    kick();
    await tick();
    expect(runs).toBe(2);
  });
});
