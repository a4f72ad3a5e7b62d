// The signed-in frame: header with the user, nav, log out.

export class Layout {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.header = page.locator('header.topbar');
    this.userName = page.getByTestId('user-name');
    this.userEmail = page.getByTestId('user-email');
    this.userRole = page.getByTestId('user-role');
    this.logoutButton = page.getByTestId('logout');
  }

  async waitUntilSignedIn() {
    await this.header.waitFor();
    // The header renders before its text settles; wait for a name.
    await this.page.waitForFunction(
      () => document.querySelector('[data-testid="user-name"]')?.textContent?.trim(),
    );
  }

  async currentUser() {
    await this.waitUntilSignedIn();
    const [name, email, role] = await Promise.all([
      this.userName.textContent(),
      this.userEmail.textContent(),
      this.userRole.textContent(),
    ]);
    return { name: name.trim(), email: email.trim(), role: role.trim() };
  }

  async openSecurity() {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Security' }).click();
    await this.page.waitForURL((url) => url.pathname === '/security');
  }

  async logout() {
    await this.logoutButton.click();
    await this.page.waitForURL((url) => url.pathname === '/login');
  }
}
