// Placeholder until the certs command lands in this session.
import type { Command } from './io.js';

export const certs: Command = async (_argv, io) => {
  io.stderr('meshgate certs: not built yet\n');
  return 2;
};
