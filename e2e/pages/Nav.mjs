// The main navigation's links, by their visible names.

/** Clicks a link of the main navigation and waits for its path. */
export async function openFromNav(page, name, pathname) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await page.waitForURL((url) => url.pathname === pathname);
}

/** The visible names of the main navigation's links. */
export async function navLinks(page) {
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  return (await links.allTextContents()).map((text) => text.trim());
}
