import type { Decoder } from '../decoder';

export function decodeSaslHandshakeRequest(d: Decoder, _version: number): { mechanism: string } {
  return { mechanism: d.string() };
}

export function decodeSaslAuthenticateRequest(d: Decoder, _version: number): { authBytes: Buffer } {
  return { authBytes: Buffer.from(d.bytes()) };
}
