// The OS keychain for the saved Hugging Face token: Electron's safeStorage (Keychain on macOS, DPAPI
// on Windows, libsecret/kwallet on Linux), which hub-token.ts uses as its SecretCodec. Where Linux
// has no keychain, safeStorage falls back to a fixed key ('basic_text'), and hub-token.ts then keeps
// the token in a 0600 file instead. Usable only once the app is ready.

import { safeStorage } from 'electron';
import type { SecretCodec } from '../hub/hub-token';

export function keychainCodec(): SecretCodec {
  return {
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    encryptString: (plainText) => safeStorage.encryptString(plainText),
    decryptString: (encrypted) => safeStorage.decryptString(encrypted),
    // Linux only; elsewhere the keychain is always a real one.
    getSelectedStorageBackend: () => (process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os'),
  };
}
