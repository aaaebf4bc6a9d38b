// The screening questionnaire and its outcome. The questions are immunization's (domain/screening.py:
// ACUTE_ILLNESS, SEVERE_ALLERGY_HISTORY, IMMUNOCOMPROMISED, ANAPHYLAXIS_PREVIOUS_DOSE, COVID_RECOVERED_ON,
// pregnancy weeks, vital signs); the service decides the outcome under the ruleset in force on the day and
// answers with its id. The app shows which ruleset that is, what its rules say, and what the outcome means
// for the vaccinator - it never decides an outcome itself (offline, the outcome waits for the upload).
import type { BodyOf } from "../api/client";
import { type Key, fmtDateTime, t, tCode } from "../i18n";
import { Form, int, str, type Values } from "../ui/form";
import { localDate } from "../ui/time";
import type { Screening } from "./model";

interface Ruleset {
  id: string;
  from: string;
  title: Key;
  rules: Key;
}

/** The rulesets immunization applies, by the day they came into force (docs/services/immunization.md). */
export const RULESETS: Ruleset[] = [
  { id: "VN-SCREENING-2021-03-08", from: "2021-03-08", title: "ruleset.2021-03.title", rules: "ruleset.2021-03.rules" },
  { id: "QD-4355-2021-09-10", from: "2021-09-10", title: "ruleset.2021-09.title", rules: "ruleset.2021-09.rules" },
  { id: "QD-4355-AMENDED-2021-12-01", from: "2021-12-01", title: "ruleset.2021-12.title", rules: "ruleset.2021-12.rules" },
];

export function rulesetOn(day: string): Ruleset | undefined {
  return [...RULESETS].reverse().find((r) => r.from <= day);
}

const YES_NO = ["ACUTE_ILLNESS", "SEVERE_ALLERGY_HISTORY", "IMMUNOCOMPROMISED"] as const;
type ScreeningBody = BodyOf<"immunization", "post", "/v1/visits/{visit_id}/screening">;

export function screeningBody(values: Values): ScreeningBody {
  const count = (name: string) => (str(values, name) === "" ? undefined : int(str(values, name)));
  const answers: { question_code: string; answer: string }[] = YES_NO.filter((q) => str(values, q) !== "")
    .map((q) => ({ question_code: q, answer: str(values, q) }));
  const previous = str(values, "ANAPHYLAXIS_PREVIOUS_DOSE");
  if (previous) answers.push({ question_code: "ANAPHYLAXIS_PREVIOUS_DOSE", answer: previous });
  const covid = str(values, "COVID_RECOVERED_ON");
  answers.push({ question_code: "COVID_RECOVERED_ON", answer: covid || "NO" });
  return {
    vitals: {
      temperature_celsius: str(values, "vitals.temperature_celsius") || undefined,
      pulse_per_minute: count("vitals.pulse_per_minute"), systolic_mmhg: count("vitals.systolic_mmhg"),
      diastolic_mmhg: count("vitals.diastolic_mmhg"),
      respiratory_rate_per_minute: count("vitals.respiratory_rate_per_minute"), spo2_percent: count("vitals.spo2_percent"),
    },
    answers,
    pregnancy_weeks: str(values, "pregnancy_weeks") === "" ? undefined : int(str(values, "pregnancy_weeks")),
    screened_at: new Date().toISOString(),
  };
}

export function Questionnaire({ onSubmit }: { onSubmit: (body: ScreeningBody) => Promise<string | void> }) {
  const ruleset = rulesetOn(localDate());
  const yesNo = [{ value: "NO", label: t("answer.NO") }, { value: "YES", label: t("answer.YES") }];
  return (
    <>
      <p class="ruleset" id="ruleset-in-force">{t("screening.inForce")}: <strong>{ruleset?.id ?? "—"}</strong>
        {ruleset ? <> — {t(ruleset.title)}</> : null}</p>
      <Form id="screening" submit="screening.submit" onSubmit={(values) => onSubmit(screeningBody(values))}
            initial={{ ACUTE_ILLNESS: "NO", SEVERE_ALLERGY_HISTORY: "NO", IMMUNOCOMPROMISED: "NO" }} fields={[
        { name: "vitals.temperature_celsius", label: "screening.temperature", type: "decimal", hint: "°C" },
        { name: "vitals.pulse_per_minute", label: "screening.pulse", type: "number" },
        { name: "vitals.systolic_mmhg", label: "screening.systolic", type: "number" },
        { name: "vitals.diastolic_mmhg", label: "screening.diastolic", type: "number" },
        { name: "vitals.respiratory_rate_per_minute", label: "screening.respiratory", type: "number" },
        { name: "vitals.spo2_percent", label: "screening.spo2", type: "number" },
        ...YES_NO.map((q) => ({ name: q, label: `question.${q}` as Key, type: "select" as const, required: true, options: yesNo })),
        { name: "ANAPHYLAXIS_PREVIOUS_DOSE", label: "question.ANAPHYLAXIS_PREVIOUS_DOSE", type: "select",
          options: ["NO", "MRNA", "VIRAL_VECTOR", "INACTIVATED"].map((v) => ({ value: v, label: tCode("platform", v) })) },
        { name: "COVID_RECOVERED_ON", label: "question.COVID_RECOVERED_ON", type: "date", hint: t("question.COVID_RECOVERED_ON.hint") },
        { name: "pregnancy_weeks", label: "screening.pregnancyWeeks", type: "number", hint: t("screening.pregnancyHint") },
      ]} />
    </>
  );
}

export function OutcomeExplained({ screening }: { screening: Screening }) {
  if (!screening.outcome) return <p class="notice" role="status" id="screening-outcome">{t("screening.waiting")}</p>;
  const ruleset = RULESETS.find((r) => r.id === screening.ruleset_id);
  const answers = (screening.inputs.answers as { question_code: string; answer: string }[] | undefined) ?? [];
  const findings = answers.filter((a) => a.answer !== "NO" && a.answer !== "");
  const vitals = (screening.inputs.vitals ?? {}) as Record<string, unknown>;
  return (
    <div class={`outcome ${screening.outcome}`} id="screening-outcome" role="status">
      <p class="outcome-title">{t("screening.outcome")}: <strong>{tCode("outcome", screening.outcome)}</strong></p>
      <p>{tCode("outcomeMeans", screening.outcome)}</p>
      {screening.postponed_until_date ? (
        <p>{t("screening.postponedUntil", { date: screening.postponed_until_date })}
          {screening.postponed_until_condition ? ` — ${tCode("condition", screening.postponed_until_condition)}` : ""}</p>
      ) : null}
      {screening.contraindicated_products?.length ? (
        <p>{t("screening.contraindicated", { products: screening.contraindicated_products.join(", ") })}</p>
      ) : null}
      {findings.length || vitals.temperature_celsius ? (
        <p>{t("screening.findings")}: {[
          ...(vitals.temperature_celsius ? [`${t("screening.temperature")} ${String(vitals.temperature_celsius)} °C`] : []),
          ...findings.map((a) => `${t(`question.${a.question_code}` as Key)}: ${a.answer}`),
        ].join("; ")}</p>
      ) : null}
      <p class="muted">{t("screening.decidedBy", { ruleset: screening.ruleset_id ?? "" })}
        {ruleset ? <> — {t(ruleset.title)}. {t(ruleset.rules)}</> : null}
        {screening.screened_at ? ` (${fmtDateTime(screening.screened_at)})` : ""}</p>
    </div>
  );
}
