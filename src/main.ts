#!/usr/bin/env node
// The process: the only module that touches process.argv, process.env and the exit code.
import { main } from './cli/main.js';
import { processIO } from './documents/io.js';

process.exitCode = await main(process.argv.slice(2), processIO());
