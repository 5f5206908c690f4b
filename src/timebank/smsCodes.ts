import type { Database } from "better-sqlite3";
import { sqliteVaultKeys, sqliteVaultRecords, type VaultTables } from "../db";
import { issueSmsCode, type SmsCodeBook } from "../delivery";
import { AppError } from "../errors";
import { PiiVault, type MasterKeyRing } from "../identity";
import { categoryName } from "./categories";
import { memberAccess } from "./memberAccess";
import { memberRow } from "./members";
import { openService } from "./services";
import type { TimeBankDeps } from "./types";

/** The time bank's SMS codes: the delivery room's checks (keyed hash, five tries, five minutes), its own table. */
export const SERVICE_CODES: SmsCodeBook = {
  table: "timebank_otps",
  subjectColumn: "service_id",
  subjectField: "serviceId",
  noun: "service",
  keyInfo: "sintech:timebank:sms-code",
};

const PHONE_TABLES: VaultTables = {
  keys: "timebank_vault_keys",
  records: "timebank_vault",
  refColumn: "member_ref",
};

/** The vault of custodial members' phones: the households' vault, over the time bank's own tables. */
export function memberPhoneVault(db: Database, masterKeys: MasterKeyRing, now: () => Date): PiiVault {
  return new PiiVault(
    masterKeys,
    { vaultKeys: sqliteVaultKeys(db, PHONE_TABLES), vaultRecords: sqliteVaultRecords(db, PHONE_TABLES) },
    now,
  );
}

/**
 * Texts a 6-digit code to the recipient of an open service, bound to that service: it says the minutes and the
 * kind of help, so the person knows what the code confirms. The code is kept only as a keyed hash; the phone is
 * read from the vault in memory only, for the SMS adapter.
 */
export async function requestServiceSmsCode(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  serviceId: string,
): Promise<{ serviceId: string; expiresAt: string }> {
  const row = openService(deps, coordinatorOrgId, serviceId);
  const recipient = memberRow(deps, row.recipient_ref)!;
  const phone =
    recipient.custody === "custodial" && memberAccess(deps, recipient.member_ref).phone
      ? deps.phones.get<{ phone: string }>(recipient.member_ref).phone
      : undefined;
  if (phone === undefined)
    throw new AppError(
      "ServiceStateError",
      409,
      "The recipient has no phone number on file; confirm with a PIN or a wallet signature instead.",
      "serviceId",
      "no_phone",
    );
  const { code, expiresAt } = issueSmsCode(deps, row.service_id, SERVICE_CODES);
  await deps.sms.send({
    to: phone,
    text: `Sin Tech time bank: ${code} confirms ${row.duration} min of ${categoryName(row.category)} you received. Give it only if you received it. Expires in 5 minutes.`,
  });
  return { serviceId: row.service_id, expiresAt };
}
