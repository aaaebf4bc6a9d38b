// The verifier page (/verify, no sign-in): scan a certificate's QR with the camera (the site app's scanner) or
// paste its text, and verify it on this device against the signed lists kept by lists.ts - offline once they
// have been fetched. The verdict names the same reason code as `vaxtrail verify`.
import { useEffect, useState } from "preact/hooks";
import { t, tCode, TIME_ZONE, lang } from "../i18n";
import { QrScanner } from "../site/qr";
import { REASONS, type Verdict, verify } from "./index";
import { Downgrade, loadMaterial, type Material, NoMaterial, PinMismatch } from "./lists";

function age(since: Date): string {
  const minutes = Math.max(0, Math.round((Date.now() - since.getTime()) / 60000));
  if (minutes < 120) return t("verify.minutes", { n: minutes });
  if (minutes < 48 * 60) return t("verify.hours", { n: Math.round(minutes / 60) });
  return t("verify.days", { n: Math.round(minutes / 1440) });
}

function when(value: Date | string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? String(value)
    : date.toLocaleString(lang() === "vi" ? "vi-VN" : "en-GB", { timeZone: TIME_ZONE, dateStyle: "medium", timeStyle: "short" });
}

function Lists({ material, problem, onRefresh }: { material: Material | null; problem: string; onRefresh: () => void }) {
  const store = material?.store;
  return (
    <section class="card" aria-labelledby="lists-title" id="lists" data-trust-version={store?.trustListVersion ?? ""}
      data-revocation-version={store?.revocationListVersion ?? ""} data-offline={String(material?.offline ?? false)}>
      <h2 id="lists-title">{t("verify.lists")}</h2>
      {problem ? <p class="notice" role="alert">{problem}</p> : null}
      {store && material ? (
        <>
          <dl class="facts">
            <div><dt>{t("verify.trustList")}</dt><dd>{t("verify.listVersion", { version: store.trustListVersion, issued: when(store.trustListIssuedAt) })}</dd></div>
            <div><dt>{t("verify.revocationList")}</dt><dd>{t("verify.listVersion", { version: store.revocationListVersion, issued: when(store.revocationListIssuedAt) })}</dd></div>
            <div><dt>{t("verify.anchor")}</dt><dd><code class="fingerprint" id="anchor-fingerprint">SHA-256 {material.anchorFingerprint}</code></dd></div>
          </dl>
          <p class={material.offline ? "notice" : "hint"}>
            {t(material.offline ? "verify.fetchedOffline" : "verify.fetched", { age: age(material.fetchedAt) })}
          </p>
        </>
      ) : null}
      <button type="button" id="refresh-lists" onClick={onRefresh}>{t("verify.refresh")}</button>
    </section>
  );
}

function Result({ verdict }: { verdict: Verdict }) {
  if (!verdict.valid) {
    return (
      <section class="outcome CONTRAINDICATED" id="verdict" data-valid="false" data-reason={verdict.reason} aria-labelledby="verdict-title">
        <h2 class="outcome-title" id="verdict-title">{t("verify.invalid")}</h2>
        <dl class="facts">
          <div><dt>{t("verify.reasonCode")}</dt><dd>{tCode("verify.reason", verdict.reason)} (<code>{verdict.reason}</code>)</dd></div>
          {verdict.detail !== REASONS[verdict.reason] ? <div><dt>{t("verify.detail")}</dt><dd>{verdict.detail}</dd></div> : null}
        </dl>
      </section>
    );
  }
  const { result } = verdict;
  return (
    <section class="outcome ELIGIBLE" id="verdict" data-valid="true" data-reason="" aria-labelledby="verdict-title">
      <h2 class="outcome-title" id="verdict-title">{t("verify.valid")}</h2>
      <dl class="facts">
        <div><dt>{t("verify.holder")}</dt><dd>{result.holder.name}</dd></div>
        <div><dt>{t("verify.dob")}</dt><dd>{result.holder.dob}</dd></div>
        <div><dt>{t("verify.format")}</dt><dd>{result.format === "EU_DCC_HC1" ? "EU DCC" : "SMART Health Card"}</dd></div>
        <div><dt>{t("verify.certificateId")}</dt><dd>{result.certificateId}</dd></div>
        {result.expiresAt ? <div><dt>{t("verify.validUntil")}</dt><dd>{when(result.expiresAt)}</dd></div> : null}
      </dl>
      <h3>{t("verify.doses")}</h3>
      <ul>{result.entries.map((entry) => <li>{t("verify.dose", entry)}</li>)}</ul>
    </section>
  );
}

function explain(error: unknown): string {
  if (error instanceof NoMaterial) return t("verify.noMaterial");
  if (error instanceof PinMismatch) return t("verify.pinMismatch");
  if (error instanceof Downgrade) return t("verify.downgrade");
  return t("verify.listError", { error: error instanceof Error ? error.message : String(error) });
}

export function VerifyPage() {
  const [material, setMaterial] = useState<Material | null>(null);
  const [problem, setProblem] = useState("");
  const [text, setText] = useState("");
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [busy, setBusy] = useState(false);
  const [checks, setChecks] = useState(0); // verdicts given on this page (tests wait on data-checks)

  async function refresh() {
    try {
      const loaded = await loadMaterial();
      setMaterial(loaded);
      setProblem(loaded.refused ? explain(loaded.refused) : "");
    } catch (error) {
      setProblem(explain(error));
    }
  }

  useEffect(() => {
    void refresh();
  }, []);

  async function check(value: string) {
    const qr = value.trim();
    if (!material || !qr) return;
    setBusy(true);
    setVerdict(null);
    try {
      setVerdict(await verify(qr, material.store, new Date()));
      setChecks((n) => n + 1);
    } catch (error) { // not a rejection: a fault of this page or browser, never a verdict
      setProblem(t("verify.failed", { error: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="narrow" id="verifier" data-ready={String(material !== null)} data-checks={checks}>
      <h1>{t("verify.title")}</h1>
      <p>{t("verify.intro")}</p>
      <section class="card" aria-labelledby="scan-title">
        <h2 id="scan-title">{t("verify.scan")}</h2>
        <QrScanner onCode={(code) => { setText(code); void check(code); }} />
        <form class="form" onSubmit={(event) => { event.preventDefault(); void check(text); }}>
          <div class="field">
            <label for="certificate-text">{t("verify.paste")}</label>
            <textarea id="certificate-text" rows={5} spellcheck={false} autocomplete="off" value={text}
              onInput={(event) => setText((event.target as HTMLTextAreaElement).value)} />
          </div>
          <div class="actions">
            <button type="submit" id="verify" disabled={!material || busy}>{busy ? t("verify.checking") : t("verify.check")}</button>
          </div>
        </form>
      </section>
      <div aria-live="polite" class="verdict-area">{verdict ? <Result verdict={verdict} /> : null}</div>
      <Lists material={material} problem={problem} onRefresh={() => void refresh()} />
    </div>
  );
}
