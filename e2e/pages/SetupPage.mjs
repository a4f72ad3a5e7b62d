// /setup: the first-run form that creates the OWNER.

export class SetupPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.form = page.getByTestId('setup-form');
    this.name = page.locator('#setup-name');
    this.email = page.locator('#setup-email');
    this.password = page.locator('#setup-password');
    this.submitButton = page.getByTestId('setup-submit');
  }

  async waitUntilShown() {
    await this.page.waitForURL((url) => url.pathname === '/setup');
    await this.form.waitFor();
  }

  async fill({ name, email, password }) {
    await this.name.fill(name);
    await this.email.fill(email);
    await this.password.fill(password);
  }

  async submit() {
    await this.submitButton.click();
  }
}
