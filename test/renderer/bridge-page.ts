// Makes the happy-dom page the one a bridge serves: its address is the printed `?token=` URL, so the
// renderer's connectStudioApi builds the same bridge client a real browser tab would.

import type { SpawnedBridge } from '../helpers/spawn-bridge';

interface HappyDomWindow {
  happyDOM: { setURL(url: string): void };
}

export function openBridgePage(bridge: Pick<SpawnedBridge, 'url' | 'token'>): void {
  (window as unknown as HappyDomWindow).happyDOM.setURL(`${bridge.url}/?token=${bridge.token}`);
}
