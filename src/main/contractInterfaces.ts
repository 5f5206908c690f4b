import type { Interface } from "ethers";
import {
  AidLedger__factory,
  AuditLog__factory,
  BeneficiaryRegistry__factory,
  LicenceRegistry__factory,
  PremiumMandates__factory,
  ReceiptAnchor__factory,
  TestSettlementToken__factory,
} from "../../typechain-types";

/** Every ABI whose custom errors the gateway may have to name. */
export function contractInterfaces(): Interface[] {
  return [
    AidLedger__factory.createInterface(),
    BeneficiaryRegistry__factory.createInterface(),
    LicenceRegistry__factory.createInterface(),
    PremiumMandates__factory.createInterface(),
    ReceiptAnchor__factory.createInterface(),
    AuditLog__factory.createInterface(),
    TestSettlementToken__factory.createInterface(),
  ] as unknown as Interface[];
}
