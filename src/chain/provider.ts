import { JsonRpcProvider, Network } from "ethers";

/**
 * A JSON-RPC provider for the gateway. ethers caches identical reads for 250 ms by default, which returns
 * a stale `pending` nonce right after a transaction; the gateway manages nonces itself, so caching is off.
 * ethers also holds every request 10 ms to batch it with others; calls made together still go out as
 * one batch without the wait, which otherwise added 10 ms to every API read that touches the chain.
 */
export function createProvider(url: string, chainId: number, pollingInterval = 100): JsonRpcProvider {
  return new JsonRpcProvider(url, Network.from(chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval,
    batchStallTime: 0,
  });
}
