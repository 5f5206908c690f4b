import { ethers } from "ethers";

/**
 * A small Merkle tree with OpenZeppelin's conventions, so proofs verify with `MerkleProof.verify`:
 * leaves are double-hashed `keccak256(bytes.concat(keccak256(abi.encode(...))))` and each pair is hashed
 * in sorted order. `@openzeppelin/merkle-tree` is not installed here; this builder lays leaves out in
 * layers (an odd node is carried up unchanged), which sorted-pair proofs verify the same way.
 */

/** The OpenZeppelin-standard leaf of `values` ABI-encoded as `types`. */
export function merkleLeaf(types: readonly string[], values: readonly unknown[]): string {
  const inner = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(types, values));
  return ethers.keccak256(ethers.concat([inner]));
}

/** `keccak256` of the two nodes in ascending order, as `MerkleProof` hashes a pair. */
export function hashPair(a: string, b: string): string {
  const [low, high] = BigInt(a) < BigInt(b) ? [a, b] : [b, a];
  return ethers.keccak256(ethers.concat([low, high]));
}

/** Folds `proof` onto `leaf` the way `MerkleProof.verify` does; true when it reaches `root`. */
export function verifyProof(root: string, leaf: string, proof: readonly string[]): boolean {
  return proof.reduce(hashPair, leaf) === root;
}

export class MerkleTree {
  /** `layers[0]` holds the leaves in the given order; the last layer holds the root alone. */
  readonly layers: string[][];

  constructor(leaves: readonly string[]) {
    if (leaves.length === 0) throw new Error("MerkleTree needs at least one leaf");
    const layers = [[...leaves]];
    while (layers[layers.length - 1].length > 1) {
      const below = layers[layers.length - 1];
      const above: string[] = [];
      for (let i = 0; i < below.length; i += 2) {
        above.push(i + 1 < below.length ? hashPair(below[i], below[i + 1]) : below[i]);
      }
      layers.push(above);
    }
    this.layers = layers;
  }

  get root(): string {
    return this.layers[this.layers.length - 1][0];
  }

  /** The sibling path of the leaf at `index`, from the bottom up. */
  proof(index: number): string[] {
    if (index < 0 || index >= this.layers[0].length) throw new Error(`no leaf at ${index}`);
    const path: string[] = [];
    let position = index;
    for (const layer of this.layers.slice(0, -1)) {
      const sibling = position ^ 1;
      if (sibling < layer.length) path.push(layer[sibling]);
      position >>= 1;
    }
    return path;
  }
}
