// /accept-invitation?token=…: choose a name and password, get signed in.

export class AcceptInvitationPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.form = page.getByTestId('accept-invitation-form');
    this.role = page.getByTestId('invitation-role');
    this.name = page.locator('#invite-name');
    this.password = page.locator('#invite-password');
    this.submit = page.getByTestId('accept-invitation-submit');
  }

  async accept(url, { name, password }) {
    await this.page.goto(url);
    await this.form.waitFor();
    await this.name.fill(name);
    await this.password.fill(password);
    await this.submit.click();
  }
}
