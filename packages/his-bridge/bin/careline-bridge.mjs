#!/usr/bin/env node
// Runs the TypeScript entry with Node 24's type stripping (`npx careline-bridge …`).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `careline-bridge needs Node 24 or newer (this is ${process.version}); run it through npx or npm.\n`,
  );
  process.exit(1);
}
const { main } = await import('../src/cli.ts');
await main(process.argv.slice(2));
