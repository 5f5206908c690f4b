/*
 * The donor page's own checks, so that a donor need not trust the gateway's word:
 * - a Merkle proof: the confirmation's leaf (keccak256 of its hash) folded with each sibling, pairs hashed
 *   in ascending order as OpenZeppelin's MerkleProof does, must reach the root; then the chain itself is
 *   asked (eth_call of ReceiptAnchor.anchorOf(root), the selector computed here) whether that root is
 *   anchored, and when, and over how many confirmations;
 * - a delivery's transaction: the chain's receipt must exist, have succeeded and sit in the block shown;
 * - a delivery's receipt and signature (a button with data-redemption): the ledger's DeliveryRedeemed event in
 *   that receipt must carry the redemption id and vendor shown; the receipt in the transaction's own calldata
 *   (redeem or redeemBatch, read with eth_getTransactionByHash) is hashed here as EIP-712 typed data, under the
 *   domain the ledger itself reports (eip712Domain(), checked against eth_chainId and the ledger's address),
 *   and must hash to that redemption id; its signature's signer is recovered by the ecrecover precompile
 *   (an eth_call to 0x01) and must be the wallet the registry binds to the receipt's beneficiary in its
 *   household at that block (activeWalletIn), or else that wallet as a contract (ERC-1271), a standing
 *   premium mandate the chain says covers the receipt, or the previous wallet within its grace.
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

  function utf8Hex(text) {
    return bytesToHex(new TextEncoder().encode(text));
  }
  /** A 32-byte ABI word (64 hex digits, no 0x) of a uint (BigInt, number or decimal string) or of hex. */
  function word(value) {
    var hex = typeof value === "string" && value.slice(0, 2) === "0x" ? value.slice(2) : BigInt(value).toString(16);
    return hex.toLowerCase().padStart(64, "0");
  }
  var DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
  var RECEIPT_TYPE =
    "DeliveryReceipt(uint256 programmeId,bytes32 beneficiaryRef,bytes32 householdRef,address vendor," +
    "uint256 amount,bytes32 evidenceHash,uint256 nonce,uint256 deadline)";
  var RECEIPT_FIELDS = ["programmeId", "beneficiaryRef", "householdRef", "vendor", "amount", "evidenceHash", "nonce", "deadline"];
  var RECEIPT_TUPLE = "(uint256,bytes32,bytes32,address,uint256,bytes32,uint256,uint256)";
  var REDEEM = selector("redeem(" + RECEIPT_TUPLE + ",bytes,bytes)");
  var REDEEM_BATCH = selector("redeemBatch((" + RECEIPT_TUPLE + ",bytes,bytes)[])");
  var DELIVERY_REDEEMED = keccakHex(
    utf8Hex("DeliveryRedeemed(bytes32,uint256,bytes32,bytes32,address,uint256,bytes32,address)"),
  );

  function receiptWords(receipt) {
    return RECEIPT_FIELDS.map(function (field) {
      return word(receipt[field]);
    }).join("");
  }
  /**
   * The EIP-712 digest of a delivery receipt (its redemption id), as the ledger's _hashTypedDataV4 computes it:
   * keccak256(0x1901 ‖ domain separator ‖ struct hash).
   */
  function receiptDigest(domain, receipt) {
    var separator = keccakHex(
      "0x" +
        keccakHex(utf8Hex(DOMAIN_TYPE)).slice(2) +
        keccakHex(utf8Hex(domain.name)).slice(2) +
        keccakHex(utf8Hex(domain.version)).slice(2) +
        word(domain.chainId) +
        word(domain.verifyingContract),
    );
    var struct = keccakHex("0x" + keccakHex(utf8Hex(RECEIPT_TYPE)).slice(2) + receiptWords(receipt));
    return keccakHex("0x1901" + separator.slice(2) + struct.slice(2));
  }

  /** Reads ABI words of `hex` (no selector) by byte offset. */
  function abiReader(hex) {
    var body = hex.slice(0, 2) === "0x" ? hex.slice(2) : hex;
    function wordAt(byte) {
      var at = body.slice(2 * byte, 2 * byte + 64);
      if (at.length !== 64) throw new Error("short ABI data");
      return at.toLowerCase();
    }
    function uintAt(byte) {
      return Number(BigInt("0x" + wordAt(byte)));
    }
    function bytesAt(byte) {
      var length = uintAt(byte);
      var bytes = body.slice(2 * (byte + 32), 2 * (byte + 32 + length));
      if (bytes.length !== 2 * length) throw new Error("short ABI bytes");
      return "0x" + bytes.toLowerCase();
    }
    return { wordAt: wordAt, uintAt: uintAt, bytesAt: bytesAt };
  }

  /**
   * The signed receipts in a transaction's calldata: one for redeem(receipt, signature, coSignature), each
   * item of redeemBatch(items); none for any other call or for data that does not decode.
   */
  function decodeRedemptions(input) {
    var method = input.slice(0, 10).toLowerCase();
    if (method !== REDEEM && method !== REDEEM_BATCH) return [];
    try {
      var abi = abiReader(input.slice(10));
      var signedAt = function (start) {
        var w = [];
        for (var i = 0; i < 8; i++) w.push(abi.wordAt(start + 32 * i));
        return {
          receipt: {
            programmeId: BigInt("0x" + w[0]),
            beneficiaryRef: "0x" + w[1],
            householdRef: "0x" + w[2],
            vendor: "0x" + w[3].slice(24),
            amount: BigInt("0x" + w[4]),
            evidenceHash: "0x" + w[5],
            nonce: BigInt("0x" + w[6]),
            deadline: BigInt("0x" + w[7]),
          },
          beneficiarySignature: abi.bytesAt(start + abi.uintAt(start + 256)),
          fieldAgentSignature: abi.bytesAt(start + abi.uintAt(start + 288)),
        };
      };
      if (method === REDEEM) return [signedAt(0)];
      var array = abi.uintAt(0);
      var count = abi.uintAt(array);
      var items = [];
      for (var index = 0; index < count; index++) items.push(signedAt(array + 32 + abi.uintAt(array + 32 + 32 * index)));
      return items;
    } catch (error) {
      return [];
    }
  }

  /** The EIP-5267 answer of eip712Domain(): (fields, name, version, chainId, verifyingContract, salt, extensions). */
  function decodeDomain(result) {
    var abi = abiReader(result);
    var text = function (byte) {
      return new TextDecoder().decode(hexToBytes(abi.bytesAt(abi.uintAt(byte))));
    };
    return {
      name: text(32),
      version: text(64),
      chainId: BigInt("0x" + abi.wordAt(96)),
      verifyingContract: "0x" + abi.wordAt(128).slice(24),
    };
  }

  global.SintechVerify = {
    rootOf: rootOf,
    hashPair: hashPair,
    selector: selector,
    keccakHex: keccakHex,
    receiptDigest: receiptDigest,
    decodeRedemptions: decodeRedemptions,
    decodeDomain: decodeDomain,
  };
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

  var ZERO_ADDRESS = "0x" + "0".repeat(40);
  function addressOf(result) {
    return result && result.length >= 66 ? "0x" + result.slice(26, 66).toLowerCase() : ZERO_ADDRESS;
  }
  /** An eth_call at the transaction's block, or at the latest block where the node keeps no older state. */
  function callAt(to, data, block) {
    return rpc("eth_call", [{ to: to, data: data }, block]).catch(function () {
      return rpc("eth_call", [{ to: to, data: data }, "latest"]);
    });
  }
  /** The signer of `digest`, recovered by the chain's ecrecover precompile; the zero address if none. */
  function recoverSigner(digest, signature, block) {
    if (signature.length !== 132) return Promise.resolve(ZERO_ADDRESS);
    var v = parseInt(signature.slice(130, 132), 16);
    var data = digest + word(v) + signature.slice(2, 66) + signature.slice(66, 130);
    return callAt("0x0000000000000000000000000000000000000001", data, block).then(addressOf);
  }
  var sel = {
    activeWalletIn: selector("activeWalletIn(bytes32,bytes32)"),
    previousWalletGrace: selector("previousWalletGrace(bytes32)"),
    isValidSignature: selector("isValidSignature(bytes32,bytes)"),
    covers: selector("covers(bytes32," + RECEIPT_TUPLE + ")"),
    eip712Domain: selector("eip712Domain()"),
  };
  var ERC1271_MAGIC = "0x1626ba7e";

  /**
   * Who approved the receipt, as the chain answers each question: "wallet" (the registry's bound wallet
   * signed it), "contract", "mandate", "previous", or null (nobody the registry accepts for it).
   */
  function approverOf(item, digest, block) {
    var receipt = item.receipt;
    var signature = item.beneficiarySignature;
    var refs = receipt.beneficiaryRef.slice(2) + receipt.householdRef.slice(2);
    return Promise.all([
      recoverSigner(digest, signature, block),
      callAt(section.dataset.registry, sel.activeWalletIn + refs, block).then(addressOf),
    ]).then(function (answers) {
      var signer = answers[0];
      var wallet = answers[1];
      if (wallet === ZERO_ADDRESS) return { how: null, signer: signer };
      if (signer === wallet) return { how: "wallet", signer: signer };
      if (signature.length === 66)
        return callAt(section.dataset.mandates, sel.covers + signature.slice(2) + receiptWords(receipt), block).then(
          function (covered) {
            return { how: covered.length === 66 && BigInt(covered) === 1n ? "mandate" : null, signer: wallet };
          },
        );
      var bytes = signature.slice(2);
      var padded = bytes.padEnd(Math.ceil(bytes.length / 64) * 64, "0");
      var erc1271 = sel.isValidSignature + digest.slice(2) + word(64) + word(bytes.length / 2) + padded;
      return callAt(wallet, erc1271, block)
        .then(function (answer) {
          return answer.slice(0, 10) === ERC1271_MAGIC;
        })
        .catch(function () {
          return false;
        })
        .then(function (byContract) {
          if (byContract) return { how: "contract", signer: wallet };
          return callAt(section.dataset.registry, sel.previousWalletGrace + receipt.beneficiaryRef.slice(2), block).then(
            function (grace) {
              var previous = addressOf(grace);
              var graceEndsAt = BigInt("0x" + grace.slice(66, 130));
              var ok = previous !== ZERO_ADDRESS && signer === previous && receipt.deadline <= graceEndsAt;
              return { how: ok ? "previous" : null, signer: signer };
            },
          );
        });
    });
  }

  function checkList(button, checks) {
    var list = document.getElementById(button.getAttribute("aria-describedby") + "-checks");
    list.textContent = "";
    checks.forEach(function (check) {
      var item = document.createElement("li");
      item.className = check.ok ? "ok" : "bad";
      item.textContent = (check.ok ? texts.pass : texts.fail) + ": " + check.text;
      list.appendChild(item);
    });
    list.hidden = false;
  }
  function short(hex) {
    return hex.slice(0, 8) + "…" + hex.slice(-6);
  }

  /** A delivery's transaction, event, receipt digest and signature, each checked against the chain. */
  function verifyDelivery(button) {
    var id = button.dataset.redemption.toLowerCase();
    var ledger = section.dataset.ledger.toLowerCase();
    var block = Number(button.dataset.block);
    say(button, texts.pending);
    Promise.all([
      rpc("eth_getTransactionReceipt", [button.dataset.tx]),
      rpc("eth_getTransactionByHash", [button.dataset.tx]),
      rpc("eth_chainId", []),
      rpc("eth_call", [{ to: ledger, data: sel.eip712Domain }, "latest"]),
    ])
      .then(function (answers) {
        var receipt = answers[0];
        var tx = answers[1];
        var txOk = Boolean(receipt && receipt.status === "0x1" && Number(BigInt(receipt.blockNumber)) === block);
        var log = ((receipt && receipt.logs) || []).find(function (entry) {
          return (
            entry.address.toLowerCase() === ledger &&
            entry.topics[0] === DELIVERY_REDEEMED &&
            entry.topics[1].toLowerCase() === id
          );
        });
        var vendor = log ? "0x" + log.data.slice(2 + 64 + 24, 2 + 128).toLowerCase() : null;
        var eventOk = Boolean(log) && (!button.dataset.vendor || vendor === button.dataset.vendor.toLowerCase());
        var domain = decodeDomain(answers[3]);
        var domainOk =
          domain.chainId === BigInt(answers[2]) &&
          domain.verifyingContract === ledger &&
          Boolean(tx && tx.to && tx.to.toLowerCase() === ledger);
        var item = domainOk
          ? decodeRedemptions((tx && tx.input) || "0x").find(function (candidate) {
              return receiptDigest(domain, candidate.receipt) === id;
            })
          : undefined;
        var digestOk =
          Boolean(item) &&
          eventOk &&
          item.receipt.householdRef === log.topics[3].toLowerCase() &&
          item.receipt.programmeId === BigInt(log.topics[2]) &&
          item.receipt.vendor === vendor;
        var checks = [
          { ok: txOk, text: txOk ? texts.txOk + " " + number(block) : texts.txBad },
          { ok: eventOk, text: eventOk ? texts.eventOk : texts.eventBad },
          { ok: digestOk, text: digestOk ? texts.digestOk + " " + short(id) : texts.digestBad },
        ];
        var signature = digestOk ? approverOf(item, id, receipt.blockNumber) : Promise.resolve({ how: null });
        return signature.then(function (approver) {
          var how = approver.how;
          var words = { wallet: texts.sigOk, contract: texts.sigContract, mandate: texts.sigMandate, previous: texts.sigPrevious };
          checks.push({
            ok: digestOk && how !== null,
            text: how ? words[how] + " " + short(approver.signer) : texts.sigBad,
          });
          var all = checks.every(function (check) {
            return check.ok;
          });
          say(button, all ? texts.deliveryOk : texts.deliveryBad, all);
          checkList(button, checks);
        });
      })
      .catch(function () {
        say(button, texts.error, false);
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.classList.contains("verify-proof")) verifyProof(button);
    if (button.classList.contains("verify-tx")) {
      if (button.dataset.redemption) verifyDelivery(button);
      else verifyTransaction(button);
    }
  });
})(typeof window !== "undefined" ? window : globalThis);
