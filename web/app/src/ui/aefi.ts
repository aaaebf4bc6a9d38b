// An adverse event's report, shared by the site (AEFI seen at the site) and the citizen's e-health book (a
// reaction after a dose): onset, symptoms, seriousness with its criteria and the outcome - the fields, named by
// immunization's body fields, and the part of the body they make.
import { type Key, t, tCode } from "../i18n";
import { bool, type FieldSpec, list, str, type Values } from "./form";
import { fromLocalInput } from "./time";

export const CRITERIA = ["DEATH", "LIFE_THREATENING", "DISABILITY", "HOSPITALISATION", "CONGENITAL_ANOMALY"];

export function aefiFields(outcomes: string[]): FieldSpec[] {
  return [
    { name: "onset_at", label: "aefi.onset", type: "datetime", required: true },
    { name: "symptoms", label: "aefi.symptoms", type: "textarea", required: true, hint: t("aefi.symptomsHint") },
    { name: "serious", label: "aefi.serious", type: "checkbox", hint: t("aefi.criterion") },
    ...CRITERIA.map((c) => ({ name: `criterion.${c}`, label: `criterion.${c}` as Key, type: "checkbox" as const })),
    { name: "outcome", label: "aefi.outcome", type: "select", required: true,
      options: outcomes.map((o) => ({ value: o, label: tCode("aefiOutcome", o) })) },
  ];
}

export function aefiDetails(values: Values) {
  return {
    onset_at: fromLocalInput(str(values, "onset_at")), symptoms: list(str(values, "symptoms")),
    serious: bool(values, "serious"), seriousness_criteria: CRITERIA.filter((c) => bool(values, `criterion.${c}`)),
    outcome: str(values, "outcome"),
  };
}
