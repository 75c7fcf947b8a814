// A node:test reporter that prints one line per finished test and, last, `N passed, M failed`.
// Counts tests, not files or suites.
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  for await (const event of source) {
    const { type, data } = event;
    if (type === 'test:stderr' || type === 'test:stdout') {
      yield `  | ${String(data.message).trimEnd()}\n`;
      continue;
    }
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    if (data.details?.type === 'suite') continue;
    // A test file run in its own process is reported as a test too: skip it (it has a path
    // as its name and contains the real tests).
    if (data.nesting === 0 && data.file && data.name === data.file) continue;
    if (data.skip || data.todo) {
      skipped += 1;
      yield `- skipped: ${data.name}\n`;
    } else if (type === 'test:pass') {
      passed += 1;
      yield `ok   ${data.name} (${Math.round(data.details?.duration_ms ?? 0)} ms)\n`;
    } else {
      failed += 1;
      const err = data.details?.error;
      const cause = err?.cause ?? err;
      failures.push(`${data.name}: ${cause?.message ?? cause}`);
      yield `FAIL ${data.name}\n     ${String(cause?.stack ?? cause?.message ?? cause).split('\n').slice(0, 8).join('\n     ')}\n`;
    }
  }
  if (failures.length) yield `\nfailures:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`;
  yield `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}
