/**
 * The text a beneficiary's own wallet signs to prove control. It says plainly what signing it does
 * (and does not do), so a wallet app showing it to a person is honest; it holds the nonce and the
 * expiry, and nothing personal: the beneficiary appears only as their pseudonymous reference.
 * Rebuilt from the stored challenge when the answer comes back, so it is never stored.
 */
export interface ChallengeMessageFields {
  challengeId: string;
  beneficiaryRef: string;
  address: string;
  nonce: string;
  expiresAt: string;
}

export function challengeMessage({
  challengeId,
  beneficiaryRef,
  address,
  nonce,
  expiresAt,
}: ChallengeMessageFields): string {
  return [
    "Sin Tech: prove you control this wallet",
    "",
    "Signing this message links this wallet to your aid record so that aid can be received in it.",
    "It does not send money or approve any payment, and costs nothing.",
    "",
    `Wallet: ${address}`,
    `Beneficiary reference: ${beneficiaryRef}`,
    `Challenge: ${challengeId}`,
    `Nonce: ${nonce}`,
    `Expires: ${expiresAt}`,
  ].join("\n");
}
