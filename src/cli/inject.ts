// Placeholder until the inject command lands in this session.
import type { Command } from './io.js';

export const inject: Command = async (_argv, io) => {
  io.stderr('meshgate inject: not built yet\n');
  return 2;
};
