// The outbox: every action this tablet took, in order, with what the server made of it - waiting, accepted,
// replayed (it had it already), or refused with the rule, the field and the detail that refused it.
import { fmtTime, t } from "../i18n";
import { useStore } from "../store";
import { DataTable } from "../ui/table";
import { StateBadge } from "./common";
import { type Entry, pendingCount, site } from "./model";
import { syncNow } from "./sync";

export function SyncPage() {
  const state = useStore(site);
  const entries = [...state.outbox].filter((e) => e.session_id === state.session?.session_id).reverse();
  return (
    <section>
      <h1>{t("sync.title")}</h1>
      <dl class="facts">
        <div><dt>{t("sync.device")}</dt><dd><code>{state.deviceId}</code></dd></div>
        <div><dt>{t("sync.pending")}</dt><dd id="pending-count">{pendingCount(state)}</dd></div>
        <div><dt>{t("sync.refused")}</dt><dd id="refused-count">{state.outbox.filter((e) => e.status === "rejected").length}</dd></div>
        <div><dt>{t("sync.last")}</dt><dd>{state.lastSync ? fmtTime(state.lastSync) : "—"}</dd></div>
      </dl>
      <div class="actions">
        <button type="button" class="primary" id="sync-now" disabled={state.syncing} onClick={() => void syncNow()}>
          {state.syncing ? t("sync.running") : t("sync.now")}</button>
      </div>
      <DataTable<Entry> caption={t("sync.list")} rows={entries} rowKey={(e) => String(e.sequence)} empty={t("sync.empty")}
        rowClass={(e) => e.status}
        columns={[
          { title: "#", numeric: true, cell: (e) => String(e.sequence) },
          { title: t("sync.what"), cell: (e) => t(e.what.key, e.what.params) },
          { title: t("sync.when"), cell: (e) => fmtTime(e.created_at) },
          { title: t("visit.state"), cell: (e) => <StateBadge state={state} seq={e.sequence} /> },
        ]} />
    </section>
  );
}
