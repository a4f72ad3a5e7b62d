// /orders/:id/agents: deploy form, one card per agent, the config version.

export class AgentsPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.configVersion = page.getByTestId('config-version');
    this.deployForm = page.getByTestId('deploy-form');
    this.deployRole = page.getByTestId('deploy-role');
    this.deploySubmit = page.getByTestId('deploy-submit');
    this.cards = page.getByTestId('agent-card');
    this.notice = page.getByTestId('notice');
  }

  async goto(baseUrl, orderId) {
    await this.page.goto(`${baseUrl}/orders/${orderId}/agents`);
    await this.configVersion.waitFor();
  }

  async version() {
    return Number((await this.configVersion.textContent()).trim());
  }

  /** Waits until the shown config version is above `previous`. */
  async waitForVersionAbove(previous) {
    await this.page.waitForFunction(
      (prev) => Number(document.querySelector('[data-testid="config-version"]')?.textContent) > prev,
      previous,
    );
    return this.version();
  }

  async deploy(role) {
    await this.deployRole.waitFor();
    await this.deployRole.selectOption(role);
    await this.deploySubmit.click();
  }

  card(agentId) {
    return this.page.locator(`[data-testid="agent-card"][data-agent-id="${agentId}"]`);
  }

  async setAutonomy(agentId, level) {
    await this.card(agentId).getByTestId('agent-autonomy').selectOption(String(level));
  }

  async setPersonality(agentId, text) {
    await this.card(agentId).getByTestId('agent-soul').fill(text);
  }

  async save(agentId) {
    await this.card(agentId).getByTestId('agent-save').click();
  }

  /** Remove, then confirm. */
  async remove(agentId) {
    const card = this.card(agentId);
    await card.getByTestId('agent-remove').click();
    await card.getByTestId('agent-remove-confirm').click();
    await card.waitFor({ state: 'detached' });
  }

  async waitForNotice(text) {
    await this.page.getByTestId('notice').filter({ hasText: text }).waitFor();
  }
}
