// The EU DCC value sets a vaccination entry is coded with (tg, vp, mp, ma): the same JSON files the Python
// verifier reads (libs/eventkit/valuesets, eu-dcc-valuesets 2.12.0), bundled into the app at build time.
import tg from "../../../../libs/eventkit/valuesets/disease-agent-targeted.json";
import ma from "../../../../libs/eventkit/valuesets/vaccine-mah-manf.json";
import mp from "../../../../libs/eventkit/valuesets/vaccine-medicinal-product.json";
import vp from "../../../../libs/eventkit/valuesets/vaccine-prophylaxis.json";

interface ValueSet {
  valueSetId: string;
  valueSetValues: Record<string, { display?: string }>;
}

export const VALUE_SETS: Record<"tg" | "vp" | "mp" | "ma", ValueSet> = { tg, vp, mp, ma };

export function inValueSet(field: keyof typeof VALUE_SETS, code: string): boolean {
  return Object.prototype.hasOwnProperty.call(VALUE_SETS[field].valueSetValues, code);
}

export function display(field: keyof typeof VALUE_SETS, code: string): string {
  return (inValueSet(field, code) && VALUE_SETS[field].valueSetValues[code].display) || code;
}
