// The province approval queue: pending registrations by priority group then area (registration decides the
// order), chosen one by one or all at once, then approved, rejected with a reason, or assigned to a
// district health centre - in bulk, with the answer for each person next to their id.
import { useEffect, useState } from "preact/hooks";
import { call } from "../api/client";
import { me, scopeOf } from "../auth";
import { fmtDateTime, t, tCode } from "../i18n";
import { useStore } from "../store";
import { Form, str, type Values } from "../ui/form";
import { DataTable } from "../ui/table";
import { forEach, locationOptions, Results, type RowResult, Show, useLoad, useLocations } from "./common";

interface QueueItem {
  person_id: string;
  priority_group: string | null;
  priority_rank: number;
  district_code: string;
  commune_code: string;
  channel: string;
  registered_at: string;
}

export function ApprovalsPage() {
  const who = useStore(me);
  const [province, setProvince] = useState(scopeOf(who, "province") ?? "79");
  const [district, setDistrict] = useState("");
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [results, setResults] = useState<RowResult[]>([]);
  const [decided, setDecided] = useState<{ ids: Set<string>; tries: number }>({ ids: new Set(), tries: 0 });
  const queue = useLoad(() => call("registration", "get", "/v1/provinces/{province_code}/approval-queue", {
    params: { province_code: province }, query: { district_code: district || undefined, limit: 200 } }), [province, district]);
  const centres = useLocations({ kind: "DISTRICT_STORE", province_code: province });
  const items = (queue.data?.items ?? []) as QueueItem[];
  const toggle = (id: string) => setChosen((old) => {
    const next = new Set(old);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  const all = items.length > 0 && items.every((i) => chosen.has(i.person_id));

  // Registration's queue is a read model: people decided a moment ago leave it once it has caught up, so
  // the page asks again (every second, for up to half a minute) while any of them is still listed.
  useEffect(() => {
    if (queue.loading || decided.tries >= 30 || !items.some((i) => decided.ids.has(i.person_id))) return;
    const timer = window.setTimeout(() => {
      setDecided((old) => ({ ...old, tries: old.tries + 1 }));
      queue.reload();
    }, 1000);
    return () => window.clearTimeout(timer);
  }, [queue.data, queue.loading, decided]);

  const act = async (values: Values) => {
    const action = str(values, "action");
    const reason = str(values, "reason");
    const centre = str(values, "district_health_centre_id");
    const ids = [...chosen];
    if (!ids.length) return t("approvals.noneChosen");
    const done = await forEach(ids, async (person_id) => {
      if (action === "REJECT") {
        await call("registration", "post", "/v1/persons/{person_id}/rejection", { params: { person_id }, body: { reason } });
        return;
      }
      if (action !== "ASSIGN") {
        await call("registration", "post", "/v1/persons/{person_id}/approval", { params: { person_id }, body: { reason } });
      }
      if (action !== "APPROVE") {
        await call("registration", "post", "/v1/persons/{person_id}/district-assignment",
                   { params: { person_id }, body: { district_health_centre_id: centre } });
      }
    });
    setResults(done);
    setChosen(new Set(done.filter((r) => !r.ok).map((r) => r.id)));
    setDecided({ ids: new Set(done.filter((r) => r.ok && action !== "ASSIGN").map((r) => r.id)), tries: 0 });
    queue.reload();
    return t("bulk.summary", { ok: done.filter((r) => r.ok).length, refused: done.filter((r) => !r.ok).length });
  };

  return (
    <section>
      <h1>{t("approvals.title")}</h1>
      <div class="filters">
        <Form id="queue-filter" submit="approvals.show" silent initial={{ province, district }} fields={[
          { name: "province", label: "approvals.province", required: true },
          { name: "district", label: "approvals.district" },
        ]} onSubmit={async (values) => {
          setProvince(str(values, "province"));
          setDistrict(str(values, "district"));
          setChosen(new Set());
        }} />
      </div>
      <Show loaded={queue}>{(data) => (
        <>
          <p id="queue-counts">{t("approvals.counts", { n: items.length })} {Object.entries(data.counts ?? {})
            .map(([k, v]) => `${tCode("personStatus", k)}: ${String(v)}`).join(" · ")}
            {" "}{t("approvals.walkIns", { n: data.walk_in_approvals ?? 0 })}</p>
          <label class="check"><input type="checkbox" id="choose-all" checked={all}
            onChange={() => setChosen(all ? new Set() : new Set(items.map((i) => i.person_id)))} /> {t("approvals.chooseAll")}</label>
          <DataTable<QueueItem> caption={t("approvals.queue", { province })} rows={items} rowKey={(i) => i.person_id}
            empty={t("approvals.empty")} columns={[
              { title: t("approvals.choose"), cell: (i) => (
                <input type="checkbox" checked={chosen.has(i.person_id)} onChange={() => toggle(i.person_id)}
                       aria-label={t("approvals.chooseOne", { person: i.person_id })} />) },
              { title: t("approvals.person"), cell: (i) => <code>{i.person_id}</code> },
              { title: t("approvals.group"), cell: (i) => i.priority_group ?? "—" },
              { title: t("approvals.district"), cell: (i) => i.district_code },
              { title: t("approvals.commune"), cell: (i) => i.commune_code },
              { title: t("approvals.channel"), cell: (i) => i.channel },
              { title: t("approvals.registered"), cell: (i) => fmtDateTime(i.registered_at) },
            ]} />
        </>
      )}</Show>
      <section class="card narrow" aria-labelledby="bulk-title">
        <h2 id="bulk-title">{t("approvals.bulk", { n: chosen.size })}</h2>
        <Form id="bulk" submit="approvals.apply" initial={{ action: "APPROVE_ASSIGN" }} fields={[
          { name: "action", label: "approvals.action", type: "select", required: true,
            options: ["APPROVE_ASSIGN", "APPROVE", "ASSIGN", "REJECT"].map((a) => ({ value: a, label: t(`approvals.action.${a}` as "approvals.action.APPROVE") })) },
          { name: "district_health_centre_id", label: "approvals.centre", type: "select", options: locationOptions(centres) },
          { name: "reason", label: "approvals.reason", type: "textarea", hint: t("approvals.reasonHint") },
        ]} onSubmit={act} />
        <Results results={results} />
      </section>
    </section>
  );
}
