// An organisation's staff list as a CSV file: registration streams it and answers with a report - rows,
// registered, already registered, duplicates in the file, invalid - and every refused line with its field
// and rule, so the organisation can fix exactly those lines and upload again (the same file twice is
// recognised).
import { useState } from "preact/hooks";
import { call } from "../api/client";
import { localProblem } from "../api/problem";
import { t } from "../i18n";
import { Form, str } from "../ui/form";
import { RuleBadge } from "../ui/problem";
import { DataTable } from "../ui/table";

interface UploadProblem {
  line: number;
  status: string;
  field?: string | null;
  rule?: string | null;
  reason?: string | null;
  person_id?: string | null;
  duplicate_of_line?: number | null;
}

interface Report {
  upload_id: string;
  rows: number;
  registered: number;
  already_registered: number;
  duplicates_in_file: number;
  invalid: number;
  same_file_uploaded_before: boolean;
  problems: UploadProblem[];
}

export function UploadsPage() {
  const [report, setReport] = useState<Report | null>(null);
  return (
    <section>
      <h1>{t("uploads.title")}</h1>
      <p class="muted">{t("uploads.hint")}</p>
      <div class="narrow">
        <Form id="upload" submit="uploads.submit" fields={[
          { name: "organisation_id", label: "uploads.organisation", required: true },
          { name: "file", label: "uploads.file", type: "file", accept: ".csv,text/csv", required: true },
        ]} onSubmit={async (values) => {
          const file = values.file as File | null;
          if (!file) throw localProblem("file", t("uploads.noFile"));
          const answer = await call("registration", "post", "/v1/organisations/{organisation_id}/uploads", {
            params: { organisation_id: str(values, "organisation_id") }, raw: { data: file, contentType: "text/csv" } });
          setReport(answer as unknown as Report);
          return t("uploads.done", { registered: (answer as unknown as Report).registered });
        }} />
      </div>
      {report ? (
        <section aria-labelledby="report-title">
          <h2 id="report-title">{t("uploads.report", { id: report.upload_id })}</h2>
          {report.same_file_uploaded_before ? <p class="notice">{t("uploads.sameFile")}</p> : null}
          <dl class="facts totals" id="upload-report">
            {(["rows", "registered", "already_registered", "duplicates_in_file", "invalid"] as const).map((k) => (
              <div key={k}><dt>{t(`uploads.${k}`)}</dt><dd data-count={k}>{report[k]}</dd></div>
            ))}
          </dl>
          <DataTable<UploadProblem> caption={t("uploads.problems")} rows={report.problems} rowKey={(p) => `${p.line}`}
            empty={t("uploads.noProblems")} columns={[
              { title: t("uploads.line"), numeric: true, cell: (p) => String(p.line) },
              { title: t("uploads.status"), cell: (p) => p.status },
              { title: t("problem.field"), cell: (p) => (p.field ? <code>{p.field}</code> : "") },
              { title: t("problem.rule"), cell: (p) => <RuleBadge rule={p.rule} /> },
              { title: t("uploads.reason"), cell: (p) => p.reason ?? (p.duplicate_of_line ? t("uploads.duplicateOf", { line: p.duplicate_of_line }) : "") },
            ]} />
        </section>
      ) : null}
    </section>
  );
}
