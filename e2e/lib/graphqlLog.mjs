// Records the GraphQL operations a page sends over HTTP (the operation name,
// or the first field of an anonymous one), so a test can say what a page
// fetched — or that it fetched nothing it may not.

/** Starts recording on `page`; `names()` answers what was sent so far, `clear()` forgets it. */
export function recordGraphql(page) {
  let sent = [];
  page.on('request', (request) => {
    if (!request.url().endsWith('/graphql') || request.method() !== 'POST') return;
    try {
      const body = JSON.parse(request.postData() ?? '{}');
      const name = body.operationName ?? /\{\s*(\w+)/.exec(body.query ?? '')?.[1] ?? '?';
      sent.push(name);
    } catch {
      sent.push('?');
    }
  });
  return {
    names: () => [...sent],
    clear: () => {
      sent = [];
    },
  };
}
