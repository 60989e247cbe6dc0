import type { NaclSegment } from '../analysis/nacl-eval';
import { evaluateNacl } from '../analysis/nacl-eval';
import type { Transport } from '../analysis/sg-reach';
import type { NaclEntry } from '../model/model';

/**
 * The inbound entries as the plan has changed them so far, and their first-match evaluation per
 * transport, kept until they change (the accepted candidate's own evaluation then takes its place):
 * each is a whole evaluation. hot: a class, not a closure per plan (tsx names every closure it
 * creates, a property definition per call).
 */
export class SimulatedEntries {
  private evaluations: Partial<Record<Transport, readonly NaclSegment[]>> = {};
  /** Still the NACL's own entries, whose evaluation `evaluated` gives. */
  private original = true;

  constructor(
    public entries: NaclEntry[],
    private readonly evaluated: ((transport: Transport) => readonly NaclSegment[]) | undefined,
  ) {}

  evaluation(transport: Transport): readonly NaclSegment[] {
    let known = this.evaluations[transport];
    if (!known) {
      known =
        this.original && this.evaluated ? this.evaluated(transport) : evaluateNacl(this.entries, transport);
      this.evaluations[transport] = known;
    }
    return known;
  }

  /** The entries once a candidate is taken, and their evaluation for the candidate's transport. */
  accept(entries: NaclEntry[], transport: Transport, evaluation: readonly NaclSegment[]): void {
    this.entries = entries;
    this.original = false;
    this.evaluations = { [transport]: evaluation };
  }
}
