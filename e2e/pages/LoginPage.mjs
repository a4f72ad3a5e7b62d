// /login: credentials, then the two-factor step on the same page.

export class LoginPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.form = page.getByTestId('login-form');
    this.email = page.locator('#login-email');
    this.password = page.locator('#login-password');
    this.submitButton = page.getByTestId('login-submit');
    this.error = page.getByTestId('form-error');
    this.twoFactorForm = page.getByTestId('two-factor-form');
    this.code = page.locator('#login-code');
    this.verifyButton = page.getByTestId('two-factor-submit');
  }

  async goto(baseUrl) {
    await this.page.goto(`${baseUrl}/login`);
    await this.waitUntilShown();
  }

  async waitUntilShown() {
    await this.page.waitForURL((url) => url.pathname === '/login');
    await this.form.waitFor();
  }

  async login(email, password) {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submitButton.click();
  }

  /** The visible error message after a failed sign-in. */
  async errorMessage() {
    await this.error.waitFor();
    return (await this.error.textContent()).trim();
  }

  async waitForTwoFactorStep() {
    await this.twoFactorForm.waitFor();
  }

  async submitCode(code) {
    await this.code.fill(code);
    await this.verifyButton.click();
  }
}
