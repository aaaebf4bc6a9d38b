// Vials: open one (the lot from the site's stock), watch its discard time count down - the server's time,
// answered by the opening's upload (min of opened + the product's window, the session's end, the lot's
// expiry); while the opening waits offline, an estimate of opened + 6 h (marked ≈) - and discard it with its
// residual doses counted as wastage.
import { fmtTime, t, tCode } from "../i18n";
import { useStore } from "../store";
import { Form, str } from "../ui/form";
import { DataTable } from "../ui/table";
import { clock } from "../ui/time";
import { discardVial, openVial } from "./actions";
import { StateBadge, useNow } from "./common";
import { allVials, site, statusOf, type Vial } from "./model";
import { uploaded } from "./sync";

const WARN_SECONDS = 30 * 60;

export function VialsPage() {
  const state = useStore(site);
  const now = useNow();
  const vials = allVials(state);
  const lots = state.stock.filter((s) => s.usable_doses > 0);
  const perVial = (lot: string) => {
    const row = state.stock.find((s) => s.lot_id === lot);
    return row && row.vials ? Math.round(row.doses / row.vials) : undefined;
  };
  const open = vials.filter((v) => !v.discarded && statusOf(state, v.seq, v.remote) !== "rejected");
  return (
    <section>
      <h1>{t("vials.title")}</h1>
      <section class="card narrow" aria-labelledby="open-vial-title">
        <h2 id="open-vial-title">{t("vials.open")}</h2>
        <Form id="open-vial" submit="vials.openSubmit" resetOnSuccess fields={[
          { name: "lot_id", label: "vials.lot", required: true, suggestions: lots.map((l) => l.lot_id),
            hint: lots.length ? t("vials.lotsHere", { lots: lots.map((l) => `${l.lot_id} (${l.usable_doses})`).join(", ") }) : undefined },
        ]} onSubmit={async (values) => {
          const lot = str(values, "lot_id");
          const vial = await openVial(lot, perVial(lot));
          return (await uploaded(vial.seq ?? -1)) === "queued" ? t("site.queued") : t("vials.opened", { lot });
        }} />
      </section>
      <DataTable<Vial> caption={t("vials.list")} rows={vials} rowKey={(v) => v.vial_opening_id} empty={t("vials.none")}
        rowClass={(v) => (!v.discarded && v.discard_at && (new Date(v.discard_at).getTime() - now.getTime()) / 1000 < WARN_SECONDS ? "warn" : "")}
        columns={[
          { title: t("vials.lot"), cell: (v) => v.lot_id },
          { title: t("vials.openedAt"), cell: (v) => fmtTime(v.opened_at) },
          { title: t("vials.drawn"), numeric: true, cell: (v) => `${v.drawn} / ${v.doses_in_vial ?? "?"}` },
          { title: t("vials.discardIn"), cell: (v) => <Countdown vial={v} now={now} /> },
          { title: t("visit.state"), cell: (v) => <StateBadge state={state} seq={v.seq} remote={v.remote} /> },
          { title: t("vials.discard"), cell: (v) => (open.includes(v) ? <DiscardButtons vial={v} /> : tCode("discardReason", v.discarded?.reason)) },
        ]} />
    </section>
  );
}

function Countdown({ vial, now }: { vial: Vial; now: Date }) {
  if (vial.discarded) return <span>{t("vials.discardedAt", { time: fmtTime(vial.discarded.at) })}</span>;
  if (!vial.discard_at) return <span>—</span>;
  const left = (new Date(vial.discard_at).getTime() - now.getTime()) / 1000;
  return (
    <span class={left <= 0 ? "due" : left < WARN_SECONDS ? "warn" : ""} data-countdown={vial.vial_opening_id}>
      {left > 0 ? clock(left) : t("vials.discardNow")} ({vial.discard_estimated ? "≈ " : ""}{fmtTime(vial.discard_at)})
    </span>
  );
}

function DiscardButtons({ vial }: { vial: Vial }) {
  return (
    <Form id={`discard-${vial.vial_opening_id}`} submit="vials.discardSubmit" fields={[
      { name: "reason", label: "vials.reason", type: "select", required: true,
        options: ["EMPTY", "WINDOW_ELAPSED", "CONTAMINATED", "BROKEN"].map((r) => ({ value: r, label: tCode("discardReason", r) })) },
    ]} onSubmit={async (values) => {
      const seq = await discardVial(vial, str(values, "reason") as "EMPTY");
      return (await uploaded(seq)) === "queued" ? t("site.queued") : undefined;
    }} />
  );
}
