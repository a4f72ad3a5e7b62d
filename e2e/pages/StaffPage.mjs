// /staff: members, the OWNER's invite form and the one-time accept link.

export class StaffPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.list = page.getByTestId('staff-list');
    this.inviteForm = page.getByTestId('invite-form');
    this.email = page.locator('#invite-email');
    this.role = page.getByTestId('invite-role');
    this.submit = page.getByTestId('invite-submit');
    this.link = page.getByTestId('invite-link');
    this.invitations = page.getByTestId('invitation-row');
  }

  async goto(baseUrl) {
    await this.page.goto(`${baseUrl}/staff`);
    await this.list.waitFor();
  }

  /** Invites and returns the accept link the page shows. */
  async invite(email, role) {
    await this.email.fill(email);
    await this.role.selectOption(role);
    await this.submit.click();
    await this.link.waitFor();
    return (await this.link.textContent()).trim();
  }
}
