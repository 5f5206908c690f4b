/*
 * The donor page's own checks, so that a donor need not trust the gateway's word:
 * - a Merkle proof: the confirmation's leaf (keccak256 of its hash) folded with each sibling, pairs hashed
 *   in ascending order as OpenZeppelin's MerkleProof does, must reach the root; then the chain itself is
 *   asked (eth_call of ReceiptAnchor.anchorOf(root), the selector computed here) whether that root is
 *   anchored, and when, and over how many confirmations;
 * - a delivery's transaction: the chain's receipt must exist, have succeeded and sit in the block shown.
 * The chain is reached through the gateway's read-only relay (/app/chain-rpc), which passes calls unchanged.
 */
(function (global) {
  "use strict";
  var keccak256 = global.SintechKeccak.keccak256;

  function hexToBytes(hex) {
    var clean = hex.slice(0, 2) === "0x" ? hex.slice(2) : hex;
    var bytes = new Uint8Array(clean.length / 2);
    for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(clean.substr(i * 2, 2), 16);
    return bytes;
  }
  function bytesToHex(bytes) {
    var hex = "0x";
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return hex;
  }
  function keccakHex(hex) {
    return bytesToHex(keccak256(hexToBytes(hex)));
  }
  function hashPair(a, b) {
    var x = a.toLowerCase();
    var y = b.toLowerCase();
    return x < y ? keccakHex(x + y.slice(2)) : keccakHex(y + x.slice(2));
  }
  /** The root a confirmation's proof reaches. */
  function rootOf(confirmationHash, proof) {
    return proof.reduce(hashPair, keccakHex(confirmationHash.toLowerCase()));
  }
  /** The 4-byte selector of a function signature, from its text. */
  function selector(signature) {
    return bytesToHex(keccak256(new TextEncoder().encode(signature))).slice(0, 10);
  }

  global.SintechVerify = { rootOf: rootOf, hashPair: hashPair, selector: selector, keccakHex: keccakHex };
  if (typeof document === "undefined") return;

  var section = document.getElementById("anchored");
  if (!section) return;
  var texts = section.dataset;
  var lang = texts.lang === "fa" ? "fa" : "en";

  function rpc(method, params) {
    return fetch("/app/chain-rpc", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: method, params: params }),
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (answer.error) throw new Error(answer.error.message);
        return answer.result;
      });
  }
  function number(value) {
    return new Intl.NumberFormat(lang === "fa" ? "fa-IR" : "en-US").format(value);
  }
  function date(seconds) {
    return new Intl.DateTimeFormat(lang === "fa" ? "fa-IR-u-ca-persian" : "en-GB", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "Asia/Tehran",
    }).format(new Date(seconds * 1000));
  }
  function say(button, text, ok) {
    var output = document.getElementById(button.getAttribute("aria-describedby"));
    output.textContent = text;
    output.className = ok === undefined ? "" : ok ? "ok" : "bad";
  }

  function verifyProof(button) {
    var root = button.dataset.root.toLowerCase();
    var proof = button.dataset.proof ? button.dataset.proof.split(",") : [];
    say(button, texts.pending);
    if (rootOf(button.dataset.hash, proof) !== root) return say(button, texts.proofWrong, false);
    var data = selector("anchorOf(bytes32)") + root.slice(2);
    rpc("eth_call", [{ to: section.dataset.anchor, data: data }, "latest"])
      .then(function (result) {
        var anchoredAt = Number(BigInt("0x" + result.slice(2, 66)));
        var count = BigInt("0x" + result.slice(66, 130));
        if (anchoredAt === 0) return say(button, texts.notAnchored, false);
        say(button, texts.proofOk + " · " + date(anchoredAt) + " · " + number(count) + " " + texts.count, true);
      })
      .catch(function () {
        say(button, texts.error, false);
      });
  }

  function verifyTransaction(button) {
    say(button, texts.pending);
    rpc("eth_getTransactionReceipt", [button.dataset.tx])
      .then(function (receipt) {
        var ok = receipt && receipt.status === "0x1" && Number(BigInt(receipt.blockNumber)) === Number(button.dataset.block);
        say(button, ok ? texts.txOk + " " + number(Number(button.dataset.block)) : texts.txBad, Boolean(ok));
      })
      .catch(function () {
        say(button, texts.error, false);
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.classList.contains("verify-proof")) verifyProof(button);
    if (button.classList.contains("verify-tx")) verifyTransaction(button);
  });
})(typeof window !== "undefined" ? window : globalThis);
