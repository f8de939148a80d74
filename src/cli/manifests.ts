// Placeholder until the manifests command lands in this session.
import type { Command } from './io.js';

export const manifests: Command = async (_argv, io) => {
  io.stderr('meshgate manifests: not built yet\n');
  return 2;
};
