import { DEFAULT_RACK_ID, RACK_ATTRIBUTES, formatTaskId, sanitizeIdPart } from '../../contract/task-id';
import { attributeText, type Offer } from '../../mesos-proto';

/** The grammar lives in `contract/task-id.ts`, shared with the CLI; the core builds ids with it. */
export { parseTaskId, legacyTaskIdOf, type ParsedTaskId } from '../../contract/task-id';

/** Singularity's 6-part task id, from the offer's host name and rack (unsanitized). */
export function makeTaskId(requestId: string, deployId: string, startedAt: number, instanceNo: number, host: string, rackId: string = DEFAULT_RACK_ID): string {
  return formatTaskId({ requestId, deployId, startedAt, instanceNo, sanitizedHost: sanitizeIdPart(host), sanitizedRackId: sanitizeIdPart(rackId) });
}

/** The agent's rack as Singularity reads it: a text attribute, else DEFAULT. */
export function rackOf(offer: Pick<Offer, 'attributes'>): string {
  for (const name of RACK_ATTRIBUTES) {
    const attribute = offer.attributes?.find((a) => a.name === name);
    const text = attribute ? attributeText(attribute) : '';
    if (text) return text;
  }
  return DEFAULT_RACK_ID;
}
