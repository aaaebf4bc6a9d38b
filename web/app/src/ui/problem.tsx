// A refusal, shown as the service said it: detail, the rule that refused it and the field at fault.
import { Problem, Unreachable } from "../api/problem";
import { t } from "../i18n";

export function RuleBadge({ rule }: { rule?: string | null }) {
  return rule ? <span class="rule" title={t("problem.rule")}>{rule}</span> : null;
}

export function ProblemBox({ error }: { error: unknown }) {
  if (!error) return null;
  if (error instanceof Unreachable) {
    return <div class="problem" role="alert"><strong>{t("problem.unreachable")}</strong> {t("problem.unreachableHint")}</div>;
  }
  if (error instanceof Problem) {
    return (
      <div class="problem" role="alert">
        <strong>{error.title}</strong> <RuleBadge rule={error.rule} />
        <p>{error.detail}</p>
        {error.field ? <p class="muted">{t("problem.field")}: <code>{error.field}</code></p> : null}
        {error.errors.length > 1 ? (
          <ul>{error.errors.map((e) => <li key={e.field}><code>{e.field}</code>: {e.message} <RuleBadge rule={e.rule} /></li>)}</ul>
        ) : null}
      </div>
    );
  }
  return <div class="problem" role="alert">{String(error instanceof Error ? error.message : error)}</div>;
}
