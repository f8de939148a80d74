// Placeholder until the validate command lands in this session.
import type { Command } from './io.js';

export const validate: Command = async (_argv, io) => {
  io.stderr('meshgate validate: not built yet\n');
  return 2;
};
