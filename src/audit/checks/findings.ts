import { CHECKS, type ChainEvent, type CheckName, type Finding } from "../types";

/** Collects findings, each naming the event that breaks its check. */
export class Findings {
  readonly list: Finding[] = [];

  add(check: CheckName, message: string, event?: ChainEvent, programmeId?: bigint | string): void {
    this.list.push({
      check,
      message,
      ...(event
        ? {
            event: {
              name: event.name,
              txHash: event.txHash,
              logIndex: event.logIndex,
              blockNumber: event.blockNumber,
            },
          }
        : {}),
      ...(programmeId !== undefined ? { programmeId: programmeId.toString() } : {}),
    });
  }

  summary(): Record<CheckName, { passed: boolean; findings: number }> {
    const summary = {} as Record<CheckName, { passed: boolean; findings: number }>;
    for (const check of CHECKS) {
      const count = this.list.filter((finding) => finding.check === check).length;
      summary[check] = { passed: count === 0, findings: count };
    }
    return summary;
  }
}
