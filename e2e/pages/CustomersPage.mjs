// /customers: the staff list and, for ADMIN and above, the "New customer" form.

export class CustomersPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.table = page.getByTestId('customer-table');
    this.totalCount = page.getByTestId('total-count');
    this.form = page.getByTestId('new-customer-form');
    this.created = page.getByTestId('customer-created');
    this.link = page.getByTestId('set-password-link');
  }

  async waitUntilShown() {
    await this.page.waitForURL((url) => url.pathname === '/customers');
    await this.totalCount.waitFor();
  }

  async createCustomer({ email, name, company = '', phone = '', notes = '' }) {
    await this.page.locator('#customer-email').fill(email);
    await this.page.locator('#customer-name').fill(name);
    await this.page.locator('#customer-company').fill(company);
    await this.page.locator('#customer-phone').fill(phone);
    await this.page.locator('#customer-notes').fill(notes);
    await this.page.getByTestId('new-customer-submit').click();
    await this.created.waitFor();
  }

  /** The one-time set-password link shown after creating a customer. */
  async setPasswordLink() {
    await this.link.waitFor();
    return this.link.inputValue();
  }

  /** Waits until `name` is listed. */
  async waitForRow(name) {
    await this.table.getByRole('link', { name, exact: true }).waitFor();
  }

  /** Opens a customer from the list by name. */
  async open(name) {
    await this.table.getByRole('link', { name, exact: true }).click();
    await this.page.waitForURL((url) => /^\/customers\/[0-9a-f-]{36}$/.test(url.pathname));
  }
}

// /customers/:id: the record, subscription, seat and orders; MANAGER+ edit it.
export class CustomerPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.detail = page.getByTestId('customer-detail');
    this.name = page.getByTestId('customer-name');
    this.email = page.getByTestId('customer-email');
    this.orders = page.getByTestId('customer-orders');
    this.editForm = page.getByTestId('edit-customer-form');
    this.notice = page.getByTestId('notice');
  }

  async waitUntilShown() {
    await this.detail.waitFor();
  }

  /** Changes the phone number through the edit form and waits for "Saved". */
  async changePhone(phone) {
    await this.page.locator('#edit-phone').fill(phone);
    await this.page.getByTestId('edit-customer-submit').click();
    await this.notice.waitFor();
  }

  async fact(label) {
    const text = await this.detail.locator(`dt:text-is("${label}") + dd`).textContent();
    return text.trim();
  }
}
