import { concat, keccak256 } from "ethers";

/**
 * OpenZeppelin's `MerkleProof.verify` over the double-hashed leaf `ReceiptAnchor.verifyReceipt` checks:
 * leaf `keccak256(confirmationHash)`, each pair hashed in ascending order. Computed here, not asked of the
 * contract, so the audit does not take the anchor's word for its own proofs.
 */
export function proofVerifies(root: string, confirmationHash: string, proof: readonly string[]): boolean {
  let node = keccak256(confirmationHash).toLowerCase();
  for (const sibling of proof) {
    const other = sibling.toLowerCase();
    node = keccak256(node < other ? concat([node, other]) : concat([other, node])).toLowerCase();
  }
  return node === root.toLowerCase();
}
