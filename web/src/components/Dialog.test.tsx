import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { $, $$, mount, resetBrowser, startServer, teardown, type Mounted } from '../test/harness';
import type { ContractServer } from '../test/contract-server';
import { ConfirmDialog } from './Dialog';

describe('dialogs', () => {
  let server: ContractServer;
  let m: Mounted;
  beforeEach(async () => {
    resetBrowser();
    server = await startServer();
  });
  afterEach(async () => {
    await teardown(m, server);
  });

  it('trap the focus, and close on Escape', async () => {
    const cancel = vi.fn();
    const outside = document.createElement('button');
    document.body.appendChild(outside);
    outside.focus();
    m = mount(server, <ConfirmDialog title="Remove web?" message="Sure?" confirmLabel="Remove" onCancel={cancel} onConfirm={() => undefined} />);
    const dialog = $(m.root, '[role=alertdialog]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).toBe('Remove web?');
    const buttons = $$(dialog, 'button');
    // The safe choice has the focus first.
    expect(document.activeElement?.textContent).toBe('Cancel');
    // Tab from the last button wraps to the first; Shift+Tab from the first goes to the last.
    buttons[buttons.length - 1].focus();
    await act(async () => { dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', bubbles: true })); });
    expect(document.activeElement).toBe(buttons[0]);
    await act(async () => { dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', shiftKey: true, bubbles: true })); });
    expect(document.activeElement).toBe(buttons[buttons.length - 1]);
    await act(async () => { dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })); });
    expect(cancel).toHaveBeenCalledOnce();
    // Icon-only close button is labelled.
    expect(buttons[0].getAttribute('aria-label')).toBe('Close');
    outside.remove();
  });
});
