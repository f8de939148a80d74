// Placeholder until the explain command lands in this session.
import type { Command } from './io.js';

export const explain: Command = async (_argv, io) => {
  io.stderr('meshgate explain: not built yet\n');
  return 2;
};
