// /orders: all orders for staff, "My orders" for a customer; MANAGER and
// above also get the "New order" form.

export class OrdersPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.title = page.getByTestId('orders-title');
    this.totalCount = page.getByTestId('total-count');
    this.rows = page.getByTestId('order-row');
    this.form = page.getByTestId('new-order-form');
  }

  async waitUntilShown() {
    await this.page.waitForURL((url) => url.pathname === '/orders');
    await this.totalCount.waitFor();
  }

  /** The domains listed, in order. */
  async domains() {
    return (await this.rows.locator('td:first-child').allTextContents()).map((text) => text.trim());
  }

  /**
   * Fills the "New order" form: the customer is found by `customerSearch`
   * (a single match is chosen by itself), the plan by its visible label.
   */
  async createOrder({ customerSearch, planLabel, tier, domain, tools, mode = 'MANUAL' }) {
    await this.page.getByTestId('order-customer-search').fill(customerSearch);
    await this.page.getByTestId('order-customer-find').click();
    await this.page.getByTestId('order-customer-choice').waitFor();
    await this.page.waitForFunction(() => document.querySelector('#order-customer-id')?.value);
    if (planLabel) await this.page.getByTestId('order-plan').selectOption({ label: planLabel });
    if (tier) await this.page.locator('#order-tier-input').fill(tier);
    await this.page.locator('#order-domain').fill(domain);
    await this.page.locator('#order-tools').fill(tools);
    await this.page.getByTestId('order-mode').selectOption(mode);
    await this.page.getByTestId('new-order-submit').click();
    await this.page.waitForURL((url) => /^\/orders\/[0-9a-f-]{36}$/.test(url.pathname));
  }

  /** The labels of the plan select (the first is "No plan"). */
  async planLabels() {
    await this.page.waitForFunction(() => document.querySelectorAll('[data-testid="order-plan"] option').length > 1);
    return (await this.page.getByTestId('order-plan').locator('option').allTextContents()).map((t) => t.trim());
  }
}
