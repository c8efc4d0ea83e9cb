// The line-length half of the formatter tier: Prettier wraps code at 120 columns but leaves
// long strings, comments and markdown prose alone, so this check finds the lines it could not
// wrap. Generated files (the OpenAPI document and the SDK types made from it) and LINE's own
// OpenAPI files are exempt, as are markdown table rows (a table row cannot be wrapped).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX = 120;
const EXEMPT = [/^apps\/server\/openapi\.json$/, /^packages\/sdk\/src\/schema\.ts$/, /^apps\/line-emulator\/openapi\//];
const CHECKED = /\.(ts|tsx|js|mjs|css|sh|html|yml|yaml|md)$/;

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => CHECKED.test(f) && !EXEMPT.some((re) => re.test(f)));

let bad = 0;
for (const file of files) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // deleted in the working tree
  }
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const length = [...line].length;
    if (length <= MAX) return;
    if (file.endsWith('.md') && /^\s*\|/.test(line)) return;
    bad++;
    console.log(`${file}:${i + 1}: ${length} characters (at most ${MAX})`);
  });
}
if (bad > 0) {
  console.log(`\n${bad} line(s) longer than ${MAX} characters: wrap the string, comment or prose by hand.`);
  process.exit(1);
}
console.log(`${files.length} files: every line at most ${MAX} characters`);
