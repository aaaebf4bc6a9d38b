// Validates AsyncAPI documents with the official AsyncAPI parser (@asyncapi/parser, pinned in
// package-lock.json): the document's JSON Schema validation, the spec's semantic rules and its
// Spectral ruleset. `make lint` runs it on asyncapi/*.json; docs/asyncapi.md explains.
//
//   node tools/asyncapi/validate.mjs FILE...
//
// Prints every diagnostic (severity, rule, path, message) and exits 1 when any document has an error,
// or a warning: the documents are generated, so a warning is fixed in the generator, not tolerated.
import { readFile } from 'node:fs/promises';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';

const NAMES = { [DiagnosticSeverity.Error]: 'error', [DiagnosticSeverity.Warning]: 'warning',
                [DiagnosticSeverity.Information]: 'info', [DiagnosticSeverity.Hint]: 'hint' };

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node tools/asyncapi/validate.mjs FILE...');
  process.exit(2);
}

const parser = new Parser();
let failed = false;
for (const file of files) {
  const { document, diagnostics } = await parser.parse(await readFile(file, 'utf8'), { source: file });
  const blocking = diagnostics.filter((d) => d.severity <= DiagnosticSeverity.Warning);
  for (const d of diagnostics) {
    console.log(`${file}: ${NAMES[d.severity]} ${d.code} at /${d.path.join('/')}: ${d.message}`);
  }
  if (document === undefined || blocking.length > 0) {
    failed = true;
    console.log(`${file}: INVALID (${blocking.length} errors or warnings)`);
  } else {
    const channels = document.channels().length, messages = document.allMessages().length;
    console.log(`${file}: valid AsyncAPI ${document.version()} (${channels} channels, ${messages} messages)`);
  }
}
process.exit(failed ? 1 : 0);
