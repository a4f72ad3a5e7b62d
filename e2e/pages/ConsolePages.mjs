// The smaller console pages: approvals, audit log, and the "No access" gate.

export class ApprovalsPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.status = page.getByTestId('approval-status');
    this.empty = page.getByTestId('approvals-empty');
    this.rows = page.getByTestId('approval-row');
  }

  async goto(baseUrl) {
    await this.page.goto(`${baseUrl}/approvals`);
    await this.status.waitFor();
  }
}

export class AuditPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.action = page.getByTestId('audit-action');
    this.apply = page.getByTestId('audit-apply');
    this.rows = page.getByTestId('audit-row');
    this.list = page.getByTestId('audit-list');
  }

  async goto(baseUrl) {
    await this.page.goto(`${baseUrl}/audit`);
    await this.list.waitFor();
  }

  async filterByAction(action) {
    await this.action.fill(action);
    await this.apply.click();
  }

  /** Waits for a row whose action is `action` and returns its text. */
  async rowFor(action) {
    const row = this.rows.filter({ has: this.page.getByTestId('audit-row-action').getByText(action, { exact: true }) }).first();
    await row.waitFor();
    return (await row.textContent()).trim();
  }
}

/** The page a role gate shows instead of the content. */
export function noAccess(page) {
  return page.getByTestId('no-access');
}

export class SettingsPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.form = page.getByTestId('settings-form');
    this.newKey = page.locator('#new-setting-key');
    this.newValue = page.locator('#new-setting-value');
    this.save = page.getByTestId('settings-save');
    this.notice = page.getByTestId('notice');
  }

  async goto(baseUrl) {
    await this.page.goto(`${baseUrl}/settings`);
    await this.form.waitFor();
    await this.save.waitFor();
  }

  row(key) {
    return this.page.locator(`[data-testid="setting-row"][data-key="${key}"]`);
  }

  async add(key, value) {
    await this.newKey.fill(key);
    await this.newValue.fill(value);
    await this.save.click();
  }
}
