import { expect, test } from '@playwright/test';
import { baseUrl, createPresenterLink, crowdEnters, enter, expectNoAxeViolations, openTab, roomId, screenshot, section, startPoll, toolbar } from '../helpers';

test('chat history reaches a late joiner, in order', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  const input = mod.getByRole('textbox', { name: 'Message' });
  for (const text of ['Welcome, everyone!', 'Today: the cell membrane.']) {
    await input.fill(text);
    await input.press('Enter');
    await expect(mod.locator('.msg-text', { hasText: text })).toBeVisible();
  }
  const late = await enter(browser, { room, role: 'attendee', name: 'Lee Late' });
  await expect(late.locator('.msg-text')).toHaveText(['Welcome, everyone!', 'Today: the cell membrane.']);
  await late.getByRole('textbox', { name: 'Message' }).fill('Hello!');
  await late.getByRole('button', { name: 'Send' }).click();
  await expect(mod.locator('.msg-text')).toHaveText(['Welcome, everyone!', 'Today: the cell membrane.', 'Hello!']);
  // A moderator deletes a message; it vanishes for everyone.
  await mod.getByRole('button', { name: 'Delete message from Lee Late' }).click();
  await expect(late.locator('.msg-text', { hasText: 'Hello!' })).toHaveCount(0);
  await expectNoAxeViolations(late);
  await screenshot(late, 'room-viewer');
});

test('a poll round trip with live counts', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student' });
  await startPoll(mod, 'Which organelle makes energy?', ['Mitochondria', 'Ribosome']);
  await expect(mod.getByText('Which organelle makes energy?')).toBeVisible();
  await openTab(sam, 'Polls');
  await sam.getByRole('radio', { name: 'Mitochondria' }).check();
  await sam.getByRole('button', { name: 'Submit answer' }).click();
  await expect(sam.getByText('Your answer was counted.')).toBeVisible();
  await expect(mod.getByText('1 answered')).toBeVisible();
  await expect(mod.locator('.poll-option', { hasText: 'Mitochondria' })).toContainText('1 (100%)');
  await screenshot(mod, 'poll-moderator');
  await mod.getByRole('button', { name: 'Share results' }).click();
  await expect(sam.locator('.poll-option', { hasText: 'Mitochondria' })).toContainText('1 (100%)');
  await mod.getByRole('button', { name: 'End poll' }).click();
  await expect(sam.locator('.poll .tag', { hasText: 'Ended' })).toBeVisible();
  await screenshot(sam, 'poll-viewer');
});

test('raised hands are listed in the order they were raised', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  const first = await enter(browser, { room, role: 'attendee', name: 'Zoe First' });
  const second = await enter(browser, { room, role: 'attendee', name: 'Abe Second' });
  await toolbar(first).getByRole('button', { name: 'Raise hand' }).click();
  await expect(toolbar(first).getByRole('button', { name: 'Lower hand' })).toBeVisible();
  await toolbar(second).getByRole('button', { name: 'Raise hand' }).click();
  await openTab(mod, 'Participants');
  const viewers = section(mod, 'Viewers');
  await expect(viewers.locator('.person', { hasText: 'Zoe First' })).toContainText('Hand raised, 1 in line');
  await expect(viewers.locator('.person', { hasText: 'Abe Second' })).toContainText('Hand raised, 2 in line');
  await expect(viewers.locator('.person-name')).toHaveText(['Zoe First', 'Abe Second', 'Ada Teacher (you)']);
  await expectNoAxeViolations(mod);
  await screenshot(mod, 'hands');
  await mod.getByRole('button', { name: 'Lower all hands' }).click();
  await expect(toolbar(first).getByRole('button', { name: 'Raise hand' })).toBeVisible();
  await expect(toolbar(second).getByRole('button', { name: 'Raise hand' })).toBeVisible();
});

test('a reaction is seen by the others', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student' });
  await toolbar(sam).getByRole('button', { name: 'Reactions' }).click();
  await sam.getByRole('button', { name: 'Heart' }).click();
  await expect(mod.locator('.burst', { hasText: 'Sam Student' })).toBeVisible();
  await expect(mod.locator('.burst-emoji')).toHaveText('❤️');
});

test('an invitation link enters as presenter, and stops working once revoked', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'request' });
  const link = await createPresenterLink(mod);
  expect(link.startsWith(`${baseUrl()}/join#invite=`)).toBeTruthy();
  await screenshot(mod, 'manage');

  const guestContext = await browser.newContext();
  const guest = await guestContext.newPage();
  await guest.goto(link);
  await guest.getByLabel('Your name').fill('Grace Guest');
  await guest.getByRole('button', { name: 'Join' }).click();
  // A presenter may join the stage directly even in request mode.
  await expect(guest.getByRole('button', { name: 'Join stage' })).toBeVisible();
  await guest.getByRole('button', { name: 'Join as viewer' }).click();
  await openTab(mod, 'Participants');
  await expect(section(mod, 'Viewers').getByText('Grace Guest')).toBeVisible();

  await openTab(mod, 'Manage');
  await mod.getByRole('button', { name: 'Revoke' }).click();
  await expect(mod.getByText('Revoked')).toBeVisible();
  const lateContext = await browser.newContext();
  const late = await lateContext.newPage();
  await late.goto(link);
  await late.getByLabel('Your name').fill('Late Guest');
  await late.getByRole('button', { name: 'Join' }).click();
  await expect(late.getByText('This invitation link was revoked.')).toBeVisible();
});

test('room as moderator passes an accessibility check', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  await expectNoAxeViolations(mod);
  await openTab(mod, 'Manage');
  await expectNoAxeViolations(mod);
});

test('in a crowd, Viewers lists the first hundred and Find a person finds anyone', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  const names = Array.from({ length: 120 }, (_, i) => `Crowd ${String(i + 1).padStart(3, '0')}`);
  // 120 viewers, each on a socket of its own: to the server they are people like any other.
  const crowd = await crowdEnters(room, names);

  await openTab(mod, 'Participants');
  const viewers = section(mod, 'Viewers');
  // The crowd and the moderator, who is not on stage.
  await expect(viewers.locator('.count')).toHaveText('121');
  await expect(viewers.locator('li.person')).toHaveCount(100);
  await expect(viewers.getByText('21 more. Find a person to see them.')).toBeVisible();
  const find = viewers.getByRole('searchbox', { name: 'Find a person' });
  await find.fill('crowd 117');
  await expect(viewers.locator('li.person')).toHaveCount(1);
  await expect(viewers.locator('li.person')).toContainText('Crowd 117');
  // Someone arriving while the moderator searches leaves the search box as it was.
  crowd.push(...(await crowdEnters(room, ['Crowd 121'])));
  await expect(viewers.locator('.count')).toHaveText('122');
  await expect(find).toBeFocused();
  await expect(find).toHaveValue('crowd 117');
  await expect(viewers.locator('li.person')).toHaveCount(1);
  await find.fill('Nobody at all');
  await expect(viewers.getByText('Nobody by that name.')).toBeVisible();
  await find.fill('');
  await expect(viewers.locator('li.person')).toHaveCount(100);
  await expectNoAxeViolations(mod);
  await screenshot(mod, 'crowd-participants');
  for (const ws of crowd) ws.close();
});
