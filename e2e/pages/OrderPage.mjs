// /orders/:id: the order, its actions, provisioning log and runs.

export class OrderPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.detail = page.getByTestId('order-detail');
    this.domain = page.getByTestId('order-domain');
    this.status = page.getByTestId('order-status').getByTestId('status');
    this.actions = page.getByTestId('order-actions');
    this.provisionButton = page.getByTestId('action-provision');
    this.logLines = page.getByTestId('log-line');
    this.loadError = page.getByTestId('load-error');
  }

  async goto(baseUrl, id) {
    await this.page.goto(`${baseUrl}/orders/${id}`);
  }

  async waitUntilShown() {
    await this.detail.waitFor();
  }

  /** The order's id, from the address. */
  id() {
    return new URL(this.page.url()).pathname.split('/').pop();
  }

  /** The status as the wire value, e.g. `PAYMENT_CONFIRMED`. */
  async statusValue() {
    return this.status.getAttribute('data-status');
  }

  async provision() {
    await this.provisionButton.click();
  }

  async waitForStatus(wire, timeout = 30_000) {
    await this.page
      .getByTestId('order-status')
      .locator(`[data-status="${wire}"]`)
      .waitFor({ timeout });
  }

  async logMessages() {
    return (await this.page.locator('[data-testid="log-line"] .log-message').allTextContents()).map((t) => t.trim());
  }

  /** Queues a remote command (`RUN_BACKUP`, …) with optional JSON text. */
  async queueCommand(kind, args = '') {
    const before = await this.page.getByTestId('command-row').count();
    await this.page.getByTestId('command-kind').selectOption(kind);
    await this.page.locator('#command-args').fill(args);
    await this.page.getByTestId('queue-command-submit').click();
    await this.page.getByTestId('command-row').nth(before).waitFor();
  }

  /** The queued commands as shown: `[{ command, args, status }]`, newest first. */
  async commands() {
    return this.page.getByTestId('command-row').evaluateAll((rows) =>
      rows.map((row) => {
        const cells = [...row.querySelectorAll('td')].map((td) => td.textContent.trim());
        return { command: cells[0], args: cells[1], status: row.querySelector('[data-status]')?.dataset.status };
      }),
    );
  }

  /** The message shown when the order cannot be loaded. */
  async errorMessage() {
    await this.loadError.waitFor();
    return { text: (await this.loadError.textContent()).trim(), code: await this.loadError.getAttribute('data-code') };
  }
}
