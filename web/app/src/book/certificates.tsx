// The certificates as Vietnam showed them in 2021 - a yellow card after a first dose (PARTIAL), a green one
// once the primary series is complete (COMPLETE, BOOSTER) - with the QR of the national pass (the SMART
// Health Card the certificate service signs), and the EU Digital COVID Certificate pass for travel (HC1).
// The QR images and the printable PDFs are the certificate service's (certificate.png, certificate.pdf).
import { t, tCode } from "../i18n";
import { type Certificate, documentUrl, EU_DCC, NATIONAL_PASS } from "./data";

function Pass({ personId, certificate, kind }: { personId: string; certificate: Certificate; kind: "national" | "dcc" }) {
  const colour = kind === "dcc" ? "dcc" : certificate.level === "PARTIAL" ? "yellow" : "green";
  const title = kind === "dcc" ? t("book.dccTitle") : colour === "yellow" ? t("book.yellowTitle") : t("book.greenTitle");
  return (
    <article class={`pass ${colour}`} id={`book-pass-${kind}`} aria-label={title}>
      <h3>{title}</h3>
      <p>{tCode("certificateLevel", certificate.level)} · {tCode("certificateStatus", certificate.status)}</p>
      <img class="qr" src={documentUrl(personId, "png", certificate.format)} width="240" height="240"
           alt={t("book.qrAlt", { pass: title })} />
      <p class="muted">{t("book.validUntil", { date: certificate.expires_at.slice(0, 10) })} · <code>{certificate.certificate_id}</code></p>
      <p><a class="button" href={documentUrl(personId, "pdf", certificate.format)} download={`${certificate.certificate_id}.pdf`}>
        {t("book.pdf")}</a></p>
    </article>
  );
}

export function Certificates({ personId, current }: { personId: string; current: Record<string, Certificate> }) {
  const national = current[NATIONAL_PASS];
  const dcc = current[EU_DCC];
  return (
    <div id="book-certificates">
      <h2>{t("book.certificates")}</h2>
      {!national && !dcc ? <p>{t("book.noCertificate")}</p> : (
        <div class="passes">
          {national ? <Pass personId={personId} certificate={national} kind="national" /> : null}
          {dcc ? <Pass personId={personId} certificate={dcc} kind="dcc" /> : null}
        </div>
      )}
    </div>
  );
}
