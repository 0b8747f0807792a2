// Reads and completes .dev.vars: created from .dev.vars.example on first run, and later
// given any setting the example has gained, so an older checkout keeps working.
import { appendFileSync, copyFileSync, existsSync, readFileSync } from 'node:fs';

export function parseVars(text) {
  const vars = {};
  for (const line of text.split(/\r?\n/)) {
    const match = line.match(/^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/);
    if (match) vars[match[1]] = match[2].replace(/^"(.*)"$/, '$1');
  }
  return vars;
}

export function ensureDevVars() {
  if (!existsSync('.dev.vars')) {
    copyFileSync('.dev.vars.example', '.dev.vars');
    console.log('✓ Created .dev.vars from .dev.vars.example');
  } else {
    const example = parseVars(readFileSync('.dev.vars.example', 'utf8'));
    const current = parseVars(readFileSync('.dev.vars', 'utf8'));
    const missing = Object.keys(example).filter((key) => !(key in current));
    if (missing.length > 0) {
      appendFileSync('.dev.vars', `\n# Added from .dev.vars.example\n${missing.map((key) => `${key}=${example[key]}`).join('\n')}\n`);
      console.log(`✓ Added ${missing.join(', ')} to .dev.vars`);
    }
  }
  return parseVars(readFileSync('.dev.vars', 'utf8'));
}
