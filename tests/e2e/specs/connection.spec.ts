import { expect, Page, test } from '@playwright/test';
import { controlSockets, dropConnection, enter, openTab, restoreConnection, roomId, screenshot, section, toolbar } from '../helpers';

function connState(page: Page) {
  return page.locator('.conn-text');
}

test('a dropped connection comes back by itself, on stage with the hand still first in line', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'open' });
  const sam = await enter(browser, {
    room, role: 'attendee', name: 'Sam Student', mode: 'open', stayOnDevices: true,
    beforeGoto: controlSockets,
  });
  await sam.getByRole('button', { name: 'Join stage' }).click();
  await expect(toolbar(sam).getByRole('button', { name: 'Microphone' })).toBeVisible();
  const lee = await enter(browser, { room, role: 'attendee', name: 'Lee Learner', mode: 'open' });

  // Sam raises a hand first, Lee second.
  await toolbar(sam).getByRole('button', { name: 'Raise hand' }).click();
  await expect(toolbar(sam).getByRole('button', { name: 'Lower hand' })).toBeVisible();
  await toolbar(lee).getByRole('button', { name: 'Raise hand' }).click();
  await expect(toolbar(lee).getByRole('button', { name: 'Lower hand' })).toBeVisible();
  await expect(connState(sam)).toHaveText('Connected');
  const pageLoads = await sam.evaluate(() => performance.getEntriesByType('navigation').length);

  await dropConnection(sam);
  await expect(connState(sam)).toHaveText('Reconnecting…');
  await screenshot(sam, 'reconnecting');
  // Chat goes on meanwhile.
  const modInput = mod.getByRole('textbox', { name: 'Message' });
  await modInput.fill('Sam, you dropped out for a moment.');
  await modInput.press('Enter');
  await lee.getByRole('textbox', { name: 'Message' }).fill('Still here!');
  await lee.getByRole('button', { name: 'Send' }).click();
  await expect(mod.locator('.msg-text')).toHaveText(['Sam, you dropped out for a moment.', 'Still here!']);
  // The others see Sam's place held while the connection is down.
  await openTab(mod, 'Participants');
  await expect(section(mod, 'On stage').locator('.person', { hasText: 'Sam Student' })).toContainText('Reconnecting');

  await restoreConnection(sam);
  await expect(connState(sam)).toHaveText('Connected', { timeout: 20_000 });
  // No reload: the same page, with its state.
  expect(await sam.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(pageLoads);
  expect(await sam.evaluate(() => window.__podiumSockets.length)).toBeGreaterThan(1);

  // Still on stage, hand still raised and still first.
  await expect(toolbar(sam).getByRole('button', { name: 'Microphone' })).toBeVisible();
  await expect(toolbar(sam).getByRole('button', { name: 'Lower hand' })).toBeVisible();
  await expect(sam.locator('.tile', { hasText: 'Sam Student' })).toBeVisible();
  const onStage = section(mod, 'On stage').locator('.person', { hasText: 'Sam Student' });
  await expect(onStage).not.toContainText('Reconnecting');
  await expect(onStage).toContainText('Hand raised, 1 in line');
  await expect(section(mod, 'Viewers').locator('.person', { hasText: 'Lee Learner' })).toContainText('Hand raised, 2 in line');
  await openTab(sam, 'Participants');
  await expect(section(sam, 'On stage').locator('.person', { hasText: 'Sam Student' })).toContainText('Hand raised, 1 in line');

  // The chat sent while Sam was away is there, in order, and Sam can talk again.
  await openTab(sam, 'Chat');
  await expect(sam.locator('.msg-text')).toHaveText(['Sam, you dropped out for a moment.', 'Still here!']);
  await sam.getByRole('textbox', { name: 'Message' }).fill('Back again.');
  await sam.getByRole('button', { name: 'Send' }).click();
  await openTab(mod, 'Chat');
  await expect(mod.locator('.msg-text')).toHaveText(['Sam, you dropped out for a moment.', 'Still here!', 'Back again.']);
});

test('a viewer whose browser goes offline is told so, and comes back with the hand still raised', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student', beforeGoto: controlSockets });
  await toolbar(sam).getByRole('button', { name: 'Raise hand' }).click();
  await expect(toolbar(sam).getByRole('button', { name: 'Lower hand' })).toBeVisible();

  // Chromium keeps an open socket through offline emulation: drop it as the network would.
  await sam.context().setOffline(true);
  await dropConnection(sam);
  await expect(connState(sam)).toHaveText('Offline. Trying again…');
  const modInput = mod.getByRole('textbox', { name: 'Message' });
  await modInput.fill('Written while Sam was offline.');
  await modInput.press('Enter');
  await expect(mod.locator('.msg-text', { hasText: 'Written while Sam was offline.' })).toBeVisible();

  await sam.context().setOffline(false);
  await restoreConnection(sam);
  await expect(connState(sam)).toHaveText('Connected', { timeout: 30_000 });
  await expect(toolbar(sam).getByRole('button', { name: 'Lower hand' })).toBeVisible();
  await expect(sam.locator('.msg-text', { hasText: 'Written while Sam was offline.' })).toBeVisible();
});
