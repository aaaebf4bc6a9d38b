// A temperature excursion and its assessment lot by lot - the same forms for a storage unit and for a
// shipment in transport (inventory's two excursion routes take the same bodies).
import type { BodyOf } from "../../api/client";
import { tCode } from "../../i18n";
import type { FieldSpec, Values } from "../../ui/form";
import { rows, str } from "../../ui/form";
import { fromLocalInput, nowIso } from "../../ui/time";

const ALARMS = ["HEAT_45C_1H", "HEAT_30C_10H_CUMULATIVE", "FREEZE_MINUS_0_5C_1H", "OTHER"];

export const EXCURSION_FIELDS: FieldSpec[] = [
  { name: "excursion_id", label: "coldchain.excursionId", required: true },
  { name: "min_celsius", label: "coldchain.min", type: "decimal", required: true },
  { name: "max_celsius", label: "coldchain.max", type: "decimal", required: true },
  { name: "started_at", label: "coldchain.started", type: "datetime", required: true },
  { name: "ended_at", label: "coldchain.ended", type: "datetime" },
  { name: "alarm_type", label: "coldchain.alarm", type: "select", required: true,
    options: ALARMS.map((a) => ({ value: a, label: a })) },
];

export function excursionBody(values: Values): BodyOf<"inventory", "post", "/v1/storage-units/{storage_unit_id}/excursions"> {
  return {
    excursion_id: str(values, "excursion_id"), min_celsius: str(values, "min_celsius"),
    max_celsius: str(values, "max_celsius"), started_at: fromLocalInput(str(values, "started_at")),
    ended_at: str(values, "ended_at") ? fromLocalInput(str(values, "ended_at")) : undefined,
    alarm_type: str(values, "alarm_type") as "OTHER",
  };
}

export function assessmentField(): FieldSpec {
  return { name: "lines", label: "coldchain.lots", type: "lines", columns: [
    { name: "lot_id", label: "vials.lot" },
    { name: "decision", label: "coldchain.decision", type: "select", options: [
      { value: "USABLE", label: tCode("decision", "USABLE") }, { value: "DISCARD", label: tCode("decision", "DISCARD") }] },
    { name: "rationale", label: "coldchain.rationale" }] };
}

export function assessmentBody(values: Values):
    BodyOf<"inventory", "post", "/v1/storage-units/{storage_unit_id}/excursions/{excursion_id}/assessment"> {
  return { assessed_at: nowIso(), assessments: rows(values, "lines").map((line) => ({
    lot_id: String(line.lot_id).trim(), decision: String(line.decision) as "USABLE", rationale: String(line.rationale) })) };
}
