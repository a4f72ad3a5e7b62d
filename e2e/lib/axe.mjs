// axe-core (the npm package) run inside a page: injects the engine from
// node_modules and answers the violations that matter here, those of impact
// "serious" or "critical", in a shape that reads well in a failed assertion.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');

/** The impacts a page must not have. */
export const BLOCKING = ['serious', 'critical'];

/**
 * Runs axe on the page as it is now (WCAG 2.0/2.1 A and AA and axe's
 * best practices); answers `[{ id, impact, help, helpUrl, nodes: [{ target, summary }] }]`.
 */
export async function seriousViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: axePath });
  }
  const results = await page.evaluate(async () =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    }),
  );
  return results.violations
    .filter((v) => BLOCKING.includes(v.impact))
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 160), summary: n.failureSummary })),
    }));
}

/** A readable report of `violations` found on `where`. */
export function describeViolations(where, violations) {
  return violations
    .map((v) => [
      `${where}: [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`,
      ...v.nodes.map((n) => `    ${n.target}\n      ${n.html}\n      ${(n.summary ?? '').replaceAll('\n', '\n      ')}`),
    ].join('\n'))
    .join('\n');
}
