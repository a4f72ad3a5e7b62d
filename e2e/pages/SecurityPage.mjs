// /security: two-factor enrolment and backup codes.

export class SecurityPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.status = page.getByTestId('two-factor-status');
    this.enableButton = page.getByTestId('enable-two-factor');
    this.qrCode = page.getByTestId('totp-qr');
    this.secret = page.getByTestId('totp-secret');
    this.code = page.locator('#confirm-code');
    this.confirmButton = page.getByTestId('confirm-two-factor');
    this.backupCodesPanel = page.getByTestId('backup-codes');
    this.backupCodeItems = page.getByTestId('backup-code');
  }

  async waitUntilShown() {
    await this.status.waitFor();
  }

  /** Starts enrolment and returns the base32 secret the page shows. */
  async beginEnrolment() {
    await this.enableButton.click();
    await this.secret.waitFor();
    await this.qrCode.waitFor();
    return (await this.secret.textContent()).replace(/\s+/g, '');
  }

  async confirm(code) {
    await this.code.fill(code);
    await this.confirmButton.click();
    await this.backupCodesPanel.waitFor();
  }

  async backupCodes() {
    return (await this.backupCodeItems.allTextContents()).map((c) => c.trim());
  }

  async statusText() {
    return (await this.status.textContent()).trim();
  }
}
