// /set-password?token=…: a new customer chooses a password and is signed in.

export class SetPasswordPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.form = page.getByTestId('set-password-form');
  }

  async goto(link) {
    await this.page.goto(link);
    await this.form.waitFor();
  }

  async setPassword(password) {
    await this.page.locator('#set-password').fill(password);
    await this.page.locator('#set-password-repeat').fill(password);
    await this.page.getByTestId('set-password-submit').click();
  }
}
