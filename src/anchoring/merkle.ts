import { keccak256 } from "ethers";

/**
 * The Merkle tree `ReceiptAnchor.verifyReceipt` checks (OpenZeppelin's `MerkleProof`): each leaf is
 * `keccak256(confirmationHash)`, each pair is hashed in ascending order, and an odd node at the end of a
 * layer is carried up unchanged. Proofs are the sibling path from the leaf up.
 */
export class MerkleTree {
  /** `layers[0]` holds the leaves in batch order; the last layer holds the root alone. */
  readonly layers: string[][];

  constructor(leaves: readonly string[]) {
    if (leaves.length === 0) throw new Error("A Merkle tree needs at least one leaf");
    const layers = [[...leaves]];
    while (layers[layers.length - 1]!.length > 1) {
      const below = layers[layers.length - 1]!;
      const above: string[] = [];
      for (let i = 0; i < below.length; i += 2) {
        above.push(i + 1 < below.length ? hashPair(below[i]!, below[i + 1]!) : below[i]!);
      }
      layers.push(above);
    }
    this.layers = layers;
  }

  /** The tree of a batch of confirmations, in the order given. */
  static ofConfirmations(confirmationHashes: readonly string[]): MerkleTree {
    return new MerkleTree(confirmationHashes.map(leafOf));
  }

  get root(): string {
    return this.layers[this.layers.length - 1]![0]!;
  }

  /** The sibling path of the leaf at `index`, from the bottom up (empty for a batch of one). */
  proof(index: number): string[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.layers[0]!.length)
      throw new Error(`No leaf at ${index}`);
    const path: string[] = [];
    let position = index;
    for (const layer of this.layers.slice(0, -1)) {
      const sibling = position ^ 1;
      if (sibling < layer.length) path.push(layer[sibling]!);
      position >>= 1;
    }
    return path;
  }
}

/** The leaf of a confirmation: hashed once more, so an inner node can never pass for a confirmation. */
export function leafOf(confirmationHash: string): string {
  return keccak256(confirmationHash);
}

/**
 * `keccak256` of two nodes in ascending order, as `MerkleProof` hashes a pair. Equal-length lower-case hex
 * compares as the numbers do, at half the cost of `BigInt` (a batch of 10,000 builds 10,000 pairs).
 */
export function hashPair(a: string, b: string): string {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return keccak256(Buffer.from(x < y ? x.slice(2) + y.slice(2) : y.slice(2) + x.slice(2), "hex"));
}

/** Folds `proof` onto the confirmation's leaf as `MerkleProof.verify` does: true when it reaches `root`. */
export function proofReaches(root: string, confirmationHash: string, proof: readonly string[]): boolean {
  return proof.reduce(hashPair, leafOf(confirmationHash)) === root;
}
