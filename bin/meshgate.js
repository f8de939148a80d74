#!/usr/bin/env node
// Entry point for `npx meshgate`; the compiled program lives in dist/ (npm run build).
import '../dist/main.js';
