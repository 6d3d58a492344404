/** Writes docs/configuration.md from the keyword tables (`npm run docs`). */
import { writeFileSync } from 'node:fs';
import { configurationReference } from '../config/reference.js';

const target = process.argv[2] ?? 'docs/configuration.md';
writeFileSync(target, configurationReference());
console.log(`wrote ${target}`);
