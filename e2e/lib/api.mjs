// A minimal GraphQL client for arranging test data through the public API,
// exactly as an integrator would call it.

/**
 * Posts one operation; throws with the server's code and message on error.
 * @param {string} baseUrl
 * @param {string} query
 * @param {Record<string, unknown>} [variables]
 * @param {string} [token] access token for `Authorization: Bearer …`
 */
export async function graphql(baseUrl, query, variables = {}, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors?.length) {
    const [first] = body.errors;
    const error = new Error(`${first.extensions?.code ?? 'ERROR'}: ${first.message}`);
    error.code = first.extensions?.code;
    throw error;
  }
  return body.data;
}

/** Creates the first OWNER; answers the owner's access token. */
export async function setupOwner(baseUrl, { name, email, password }) {
  const data = await graphql(
    baseUrl,
    'mutation($input: SetupInput!) { setup(input: $input) { accessToken } }',
    { input: { name, email, password } },
  );
  return data.setup.accessToken;
}

/** Invites a staff member as the owner and accepts the invitation for them; answers their access token. */
export async function addStaff(baseUrl, ownerToken, { name, email, password, role }) {
  const invited = await graphql(
    baseUrl,
    'mutation($email: String!, $role: StaffRole!) { inviteStaff(email: $email, role: $role) { token } }',
    { email, role },
    ownerToken,
  );
  const accepted = await graphql(
    baseUrl,
    'mutation($token: String!, $name: String!, $password: String!) { acceptInvitation(token: $token, name: $name, password: $password) { accessToken } }',
    { token: invited.inviteStaff.token, name, password },
  );
  return accepted.acceptInvitation.accessToken;
}

/** Signs in with e-mail and password (no two-factor); answers the access token. */
export async function signInApi(baseUrl, { email, password }) {
  const data = await graphql(
    baseUrl,
    'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { session { accessToken } } }',
    { email, password },
  );
  return data.login.session.accessToken;
}

/** Creates a customer; answers `{ id, setPasswordPath }`. */
export async function createCustomer(baseUrl, token, input) {
  const data = await graphql(
    baseUrl,
    'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } setPasswordPath } }',
    { input },
    token,
  );
  return { id: data.createCustomer.customer.id, setPasswordPath: data.createCustomer.setPasswordPath };
}

/** Creates an order; answers its id. */
export async function createOrder(baseUrl, token, input) {
  const data = await graphql(
    baseUrl,
    'mutation($input: CreateOrderInput!) { createOrder(input: $input) { id } }',
    { input },
    token,
  );
  return data.createOrder.id;
}
