import { type Caller, canSeeRecord } from "../../common/caller.ts";
import { forbidden } from "../../common/errors.ts";
import type { EnterpriseRecord } from "./platform.ts";

// Who may see which part of an enterprise. Registry data is public; the legal representative is personal data. The
// gateway already strips fields the caller's scopes do not allow; the subgraph checks the caller's unit again.

/**
 * The reference to the legal representative carries the personal id, which the gateway may hand out without asking
 * the population subgraph: a caller limited to a province or commune gets it only for enterprises whose head office
 * is there (FORBIDDEN otherwise).
 */
export function assertRepresentativeVisible(caller: Caller, enterprise: EnterpriseRecord): void {
  if (!canSeeRecord(caller, enterprise.headOffice)) {
    throw forbidden("the legal representative of an enterprise outside your province/commune is not visible");
  }
}
