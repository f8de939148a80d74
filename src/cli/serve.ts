// Placeholder until the serve command lands in this session.
import type { Command } from './io.js';

export const serve: Command = async (_argv, io) => {
  io.stderr('meshgate serve: not built yet\n');
  return 2;
};
