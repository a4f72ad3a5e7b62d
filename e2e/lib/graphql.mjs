// A minimal GraphQL client for setting up test data through the API, as an
// integrator would: POST /graphql with an optional bearer token.

/**
 * Runs one operation and returns `data`; throws with the errors otherwise.
 * @param {string} baseUrl
 * @param {string} query
 * @param {Record<string, unknown>} [variables]
 * @param {string} [token] access token
 */
export async function gql(baseUrl, query, variables = {}, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors?.length) {
    throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}
